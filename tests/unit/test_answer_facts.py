"""Questions that ask for facts, asked as people ask them, over three kinds of meeting.

The reference referat (imported), a referat in the `Pkt. N` / `Til stede:` / `Beslutning:` /
`Opfølgning:` style with initials (imported), and a meeting logged live with `/referat`
commands. Each row is a question, the words its answer must contain, and words it must not:
attendance and roles, a meeting's frame, items by number, "when", people and their actions, in
Danish and English.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.archive.ask import answer_question
from bot.importing.run import import_paths
from bot.meeting.dispatch import handle_command
from bot.meeting.outcomes import Sender
from bot.meeting.parse import parse_command
from storage.search import EVERYTHING, Scope
from storage.store import Store, StoreOpener
from support.paths import FIXTURES, REFERENCE

NOW = dt.datetime(2024, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
LEMVIG = FIXTURES / "answers" / "lokalraad-lemvig-2024-10-08.txt"

NAMES = {"UKIRSTEN": "Kirsten Dahl", "UOLE": "Ole Brix", "UHELLE": "Helle Lund"}
LIVE = [
    "start Lokalrådsmøde i Struer Kommune | 12. november 2024 | Struer Rådhus",
    "deltager <@UKIRSTEN> | Sekretær | kommunen",
    "deltager <@UOLE> | Politiinspektør | politiet",
    "deltager <@UHELLE> | Borgmester | kommunen",
    "afbud Jens Krog | Beredskabschef",
    "dagsorden\n1. Trafiksikkerhed ved skolerne\n2. Nytårsaften i Struer",
    "ad 1 Ole Brix orienterede om fartkontrollerne ved Østre Skole, hvor hver femte bilist kørte for hurtigt.",
    "ad 1 beslutning: Der opsættes fartvisere ved Østre Skole.",
    "ad 1 opgave: Bestille to fartvisere <@UHELLE> frist 1. december 2024",
    "ad 2 Helle Lund oplyste, at fyrværkeri er forbudt på Torvet.",
    "ad 2 opgave: Informere butikkerne om forbuddet <@UOLE> frist 15. december 2024",
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return build(tmp_path_factory.mktemp("facts") / "referat.db")


def build(path: Path) -> Store:
    store = StoreOpener(path)()
    out, err = io.StringIO(), io.StringIO()
    assert import_paths(store, [REFERENCE, LEMVIG], out=out, err=err, now=NOW) == 0, err.getvalue()
    for text in LIVE:
        sender = Sender("UKIRSTEN", "CSTRUER", NOW, NAMES.get)
        handle_command(store, parse_command(text, now=NOW), sender)
    return store


def ask(store: Store, text: str) -> str:
    return answer_question(store, text, now=NOW, scope=EVERYTHING).text


# (question, must appear, must not appear)
Row = tuple[str, tuple[str, ...], tuple[str, ...]]

ATTENDANCE: list[Row] = [
    (
        "hvem deltog i kredsrådsmødet?",
        (
            "Til stede (10)",
            "Helle Kyndesen (Politidirektør)",
            "Fra kommunen:",
            "Kredsrådsmøde i Holstebro Kommune",
        ),
        ("Claus Nørgaard", "Mette Aagaard", "Ole Brix"),
    ),
    (
        "hvem var til stede på mødet i Lemvig?",
        ("Til stede (5)", "Mette Aagaard (Borgmester)", "Sofie Lind (Juridisk konsulent, referent)"),
        ("Poul Ravn", "Helle Kyndesen"),
    ),
    (
        "who attended the Struer meeting?",
        ("Present (3)", "Ole Brix (Politiinspektør)", "From politiet"),
        ("Jens Krog",),
    ),
    (
        "hvem deltog i det seneste møde?",
        ("Kirsten Dahl", "Lokalrådsmøde i Struer Kommune", "12. november 2024"),
        ("Helle Kyndesen", "Lemvig"),
    ),
    (
        "deltagere på lokalrådsmødet i Lemvig",
        ("Rasmus Vinther (Politikommissær)", "Helle Bach"),
        ("Ole Brix",),
    ),
    (
        "who was present at the kredsråd meeting in Holstebro?",
        ("Present (10)", "Camilla Hermann Slumstrup"),
        ("Claus Nørgaard", "Apologies"),
    ),
    (
        "hvem havde afbud til kredsrådsmødet?",
        ("Afbud (1)", "Claus Nørgaard (Stabschef)"),
        ("Helle Kyndesen",),
    ),
    ("hvem var fraværende i Lemvig?", ("Afbud (1)", "Poul Ravn (Kommunaldirektør)"), ("Mette Aagaard",)),
    (
        "who sent apologies to the Struer meeting?",
        ("Apologies (1)", "Jens Krog (Beredskabschef)"),
        ("Ole Brix",),
    ),
    ("hvem havde afbud?", ("Jens Krog", "Poul Ravn", "Claus Nørgaard"), ("Helle Kyndesen",)),
    (
        "hvem var referent på kredsrådsmødet?",
        ("Referent:* Camilla Hermann Slumstrup (Juridisk konsulent)", "19. marts 2024"),
        ("Sofie Lind",),
    ),
    ("hvem var referent i Lemvig?", ("Referent:* Sofie Lind",), ("Camilla",)),
    ("who took the minutes in Struer?", ("Minute-taker:* Kirsten Dahl (Sekretær)",), ("Sofie Lind",)),
    ("hvem skrev referatet af det seneste møde", ("Kirsten Dahl",), ("Sofie Lind", "Camilla")),
    (
        "hvad er Helle Støves titel?",
        ("Helle Støve:* Direktør for Børn og Unge", "kommunen"),
        ("Politidirektør",),
    ),
    ("what is Claus Hilborg's title?", ("Claus Hilborg:* Chefpolitiinspektør",), ("Direktør",)),
    (
        "hvem er Mette Aagaard?",
        ("Mette Aagaard:* Borgmester", "Lokalrådsmøde i Lemvig Kommune"),
        ("Kommunaldirektør",),
    ),
    ("hvilken stilling har RV?", ("Rasmus Vinther:* Politikommissær",), ("Borgmester",)),
]

FRAME: list[Row] = [
    ("hvor blev kredsrådsmødet holdt?", ("Sted:* rådhuset i Holstebro", "19. marts 2024"), ("Lemvig",)),
    (
        "where was the Lemvig meeting held?",
        ("Place:* Lemvig Rådhus, mødelokale 2, kl. 14.00-16.00",),
        ("Holstebro",),
    ),
    ("hvor blev det seneste møde holdt?", ("Sted:* Struer Rådhus",), ("Lemvig Rådhus",)),
    (
        "hvornår var det seneste kredsrådsmøde?",
        ("*19. marts 2024*", "Kredsrådsmøde i Holstebro Kommune"),
        ("Lemvig",),
    ),
    ("when was the meeting in Lemvig?", ("*8 October 2024*", "Lokalrådsmøde i Lemvig Kommune"), ("Struer",)),
    ("hvornår var mødet i Struer?", ("*12. november 2024*",), ("Lemvig",)),
    (
        "hvad stod på dagsordenen til kredsrådsmødet?",
        ("Dagsorden:*", "3. Status på punkter i samarbejdsplanen", "5. Eventuelt"),
        ("Tryghed i Lemvig midtby",),
    ),
    (
        "what was on the agenda in Lemvig?",
        ("Agenda:*", "2. Tryghed i Lemvig midtby", "4. Eventuelt"),
        ("Trekanten",),
    ),
    (
        "dagsorden for mødet i Struer",
        ("1. Trafiksikkerhed ved skolerne", "2. Nytårsaften i Struer"),
        ("Eventuelt",),
    ),
    (
        "hvornår er næste møde i Lemvig?",
        ("Næste møde: 3. december 2024*", "afholdes den 3. december 2024"),
        (),
    ),
    ("when is the next meeting?", ("Next meeting: 3 December 2024*",), ("19 March",)),
    ("Lemvig", ("Lokalrådsmøde i Lemvig Kommune", "Tryghed i Lemvig midtby"), ("Trekanten",)),
    ("Struer", ("Lokalrådsmøde i Struer Kommune",), ("Holstebro",)),
]

ITEMS: list[Row] = [
    (
        "hvad blev drøftet under punkt 4 på kredsrådsmødet?",
        ("Ad 4 – Drøftelse af mulige prioriterede indsatsområder", "Lars Møller oplyste", "19. marts 2024"),
        ("Trekanten", "Boligtotale"),
    ),
    (
        "Ad 3 kredsrådsmødet",
        ("Ad 3 – Status på punkter i samarbejdsplanen", "Der var enighed"),
        ("flerårsaftale",),
    ),
    (
        "pkt. 2 i Lemvig",
        ("Ad 2 – Tryghed i Lemvig midtby", "MA indkalder til borgermøde", "Kommunen udskifter belysningen"),
        ("forældremøde",),
    ),
    (
        "what was said under item 3 in Lemvig?",
        ("Item 3 – Forebyggelse blandt unge", "Helle Bach fortalte"),
        ("havnen",),
    ),
    ("hvad blev besluttet under punkt 2 i Lemvig", ("Kommunen udskifter belysningen",), ("RV orienterede",)),
    (
        "punkt 1 på mødet i Struer",
        ("Ad 1 – Trafiksikkerhed ved skolerne", "fartvisere", "Ole Brix"),
        ("fyrværkeri",),
    ),
    (
        "item 2 of the Struer meeting",
        ("Item 2 – Nytårsaften i Struer", "fyrværkeri er forbudt"),
        ("fartvisere",),
    ),
    ("hvad skete under punkt 9 i Lemvig?", ("Jeg fandt intet punkt 9",), ("Tryghed",)),
    ("Ad 5 kredsrådsmødet", ("Ad 5 – Eventuelt", "Intet at bemærke."), ("Trekanten",)),
]

WHEN: list[Row] = [
    (
        "hvornår holdes mødet i Silkeborg?",
        ("*3. april 2024*", "Den 3. april 2024 afholdes der mødes i Silkeborg"),
        ("Helle Støve", "oplæg", "læringsseminar"),
    ),
    ("when is the meeting in Silkeborg?", ("*3 April 2024*", "Silkeborg"), ("oplæg",)),
    (
        "hvornår skal MA indkalde til borgermøde?",
        ("frist 1. november 2024", "MA indkalder til borgermøde"),
        ("HB",),
    ),
    (
        "hvornår skal der indkaldes til forældremøde?",
        ("frist 15. december 2024", "HB indkalder"),
        ("borgermøde",),
    ),
    (
        "when is the deadline for the fartvisere?",
        ("due 1 December 2024", "Bestille to fartvisere"),
        ("Informere",),
    ),
    (
        "hvornår blev Power-to-x drøftet?",
        ("*19. marts 2024*", "Power-to-x-virksomheder"),
        ("Lemvig",),
    ),
    (
        "hvornår blev fyrværkeri nævnt?",
        ("*12. november 2024*", "fyrværkeri er forbudt på Torvet"),
        ("Holstebro",),
    ),
    ("hvornår blev flerårsaftalen forlænget?", ("flerårsaftale", "19. marts 2024"), ("Silkeborg",)),
]

PEOPLE: list[Row] = [
    (
        "hvad sagde Helle?",
        ("kan være", "Helle Kyndesen", "Helle Støve", "Helle Bach", "Helle Lund", "delt efter person"),
        ("Lars Kirkegaard", "PAC"),
    ),
    ("what did Helle say?", ("may be", "Helle Kyndesen", "grouped by person"), ("PAC",)),
    (
        "hvad sagde Helle Støve?",
        ("Boligtotale", "potentiale for en tværfaglig indsats"),
        ("Helle Kyndesen", "kan være"),
    ),
    (
        "hvad sagde Helle om narkokriminalitet?",
        ("Helle Støve", "narkokriminalitet"),
        ("flerårsaftale", "Lars Kirkegaard"),
    ),
    ("hvad sagde Lars Kirkegaard?", ("Politiets Administrative Center",), ("Helle",)),
    ("hvad sagde RV?", ("RV orienterede om hærværk",), ("MA bemærkede",)),
    (
        "hvilke opgaver har MA?",
        ("Mette Aagaard", "MA indkalder til borgermøde", "1. november 2024"),
        ("RV følger op",),
    ),
    ("hvilke opgaver har Rasmus Vinther?", ("RV følger op på patruljeringen",), ("MA indkalder",)),
    ("hvad skal Helle Lund gøre?", ("Bestille to fartvisere", "1. december 2024"), ("Informere butikkerne",)),
    ("what must Ole Brix do?", ("Informere butikkerne om forbuddet", "15 December 2024"), ("fartvisere",)),
    ("which tasks does HB have?", ("HB indkalder til forældremøde",), ("borgermøde",)),
    (
        "hvilke opgaver er åbne?",
        ("Bestille to fartvisere", "Informere butikkerne", "HB indkalder", "RV følger op"),
        ("MA indkalder",),
    ),
    ("which action items are open?", ("Bestille to fartvisere", "HB indkalder"), ("MA indkalder",)),
    ("hvilke opgaver er åbne i Lemvig?", ("HB indkalder", "RV følger op"), ("fartvisere", "MA indkalder")),
    ("what are the open action items?", ("Informere butikkerne",), ("MA indkalder",)),
    ("hvad sagde borgmesteren?", ("MA bemærkede", "Helle Lund oplyste"), ("Helle Kyndesen",)),
    ("hvem orienterede om Bo Trygt?", ("Claus Hilborg",), ("Helle Støve",)),
    (
        "hvad blev besluttet om Trekanten?",
        ("Der var enighed om at fortsætte det gode samarbejde",),
        ("Lemvig",),
    ),
]

ROWS = [*ATTENDANCE, *FRAME, *ITEMS, *WHEN, *PEOPLE]


def test_the_table_has_every_kind_in_both_languages() -> None:
    assert len(ROWS) >= 60
    for table in (ATTENDANCE, FRAME, ITEMS, WHEN, PEOPLE):
        english = [
            q
            for q, _, _ in table
            if any(w in q.split() for w in ("who", "what", "when", "where", "which", "item"))
        ]
        assert english
        assert len(english) < len(table)


@pytest.mark.parametrize(("question", "present", "absent"), ROWS, ids=[r[0] for r in ROWS])
def test_question(archive: Store, question: str, present: tuple[str, ...], absent: tuple[str, ...]) -> None:
    answer = ask(archive, question)
    for fact in present:
        assert fact in answer, f"{fact!r} missing from:\n{answer}"
    for wrong in absent:
        assert wrong not in answer, f"{wrong!r} must not be in:\n{answer}"


def test_the_fact_leads_the_answer(archive: Store) -> None:
    assert ask(archive, "hvem havde afbud til kredsrådsmødet?").startswith("*Afbud (1):* Claus Nørgaard")
    assert ask(archive, "hvornår holdes mødet i Silkeborg?").startswith("*3. april 2024*")
    assert ask(archive, "hvem var referent i Lemvig?").startswith("*Referent:* Sofie Lind")


def test_every_answer_stays_inside_the_readable_meetings(archive: Store) -> None:
    # Access is decided per conversation: the Lemvig meeting is the one meeting of its channel.
    with archive.db.conn:
        archive.db.execute("update meetings set channel_id = 'CLEMVIG' where title like '%Lemvig%'")
    [team] = {m.team_id for m in archive.meetings() if m.channel_id == "CLEMVIG"}
    only = Scope(channels=frozenset({(team, "CLEMVIG")}))
    for question in (
        "hvem havde afbud?",
        "hvad sagde Helle?",
        "hvilke opgaver er åbne?",
        "Trekanten",
        "punkt 2",
    ):
        answer = answer_question(archive, question, now=NOW, scope=only).text
        for other in ("Holstebro", "Struer", "Claus Nørgaard", "Helle Kyndesen", "Bestille"):
            assert other not in answer, (question, answer)
    assert "Helle Bach" in answer_question(archive, "hvad sagde Helle?", now=NOW, scope=only).text
    nothing = answer_question(
        archive, "hvem deltog i kredsrådsmødet?", now=NOW, scope=Scope(channels=frozenset())
    ).text
    assert "Helle Kyndesen" not in nothing


def test_a_closed_item_stays_out_of_item_agenda_and_when_answers(archive: Store) -> None:
    lemvig = archive.db.execute("select id from meetings where title like '%Lemvig%'").fetchone()[0]
    closed = Scope(hidden_items=frozenset({(lemvig, 2)}))
    item = answer_question(archive, "pkt. 2 i Lemvig", now=NOW, scope=closed).text
    assert "Tryghed" not in item
    assert "MA indkalder" not in item
    agenda = answer_question(archive, "what was on the agenda in Lemvig?", now=NOW, scope=closed).text
    assert "3. Forebyggelse blandt unge" in agenda
    assert "Tryghed" not in agenda
    when = answer_question(archive, "hvornår skal MA indkalde til borgermøde?", now=NOW, scope=closed).text
    assert "borgermøde om trygheden" not in when


def test_an_action_marked_done_is_no_longer_open_though_its_deadline_is_ahead(tmp_path: Path) -> None:
    store = build(tmp_path / "referat.db")
    shops = next(a for a in store.actions() if "butikkerne" in a.entry.text)
    store.mark_action_done(shops.number, user_id="UOLE", note=None, now=NOW)
    open_now = ask(store, "hvilke opgaver er åbne?")
    assert "Bestille to fartvisere" in open_now
    assert "Informere butikkerne" not in open_now
    assert "Informere butikkerne" in ask(store, "hvilke opgaver har Ole Brix?")  # done, still his
    late = answer_question(
        store, "which action items are open?", now=NOW + dt.timedelta(days=60), scope=EVERYTHING
    ).text
    assert "Bestille to fartvisere" in late  # overdue but not done: still open
    assert "HB indkalder" not in late  # imported, past its deadline: nobody follows it up here
