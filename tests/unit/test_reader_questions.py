"""Questions a reader asks of imported minutes that state the fact in passing (issue 20): a next
meeting or an event with its time and place in one sentence, a meeting's end, a reason for absence, a
substitute, a year the minutes speak of; and the layouts of published minutes behind those answers
(glued and repeated headings, case pages, decisions and tasks in prose, page furniture).

Documents written for the test in the layouts real minutes take, imported once into one archive per
module; the pure pieces (how an answer cuts a sentence, how the importer reads a layout) are tested
with plain calls.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from bot.archive.answer import sentences_of
from bot.archive.ask import answer_question
from bot.archive.question import parse_question
from bot.importing.parse import parse_referat
from bot.importing.run import import_paths
from storage.records import EntryKind
from storage.search import EVERYTHING, Scope
from storage.store import Store, StoreOpener

NOW = dt.datetime(2024, 11, 20, 12, 0, tzinfo=dt.UTC)

LOKALRAAD = """\
Referat fra Lokalrådets møde 3. oktober 2024

1. Sommerfesten
Festen holdes 12.juni kl. 14.00 i Præstehaven. Alle er velkomne.
Der var 40, der meldte sig som hjælpere. Mødet for hjælperne er den 2. maj på Skovskolen.

2. Eventuelt
Forvaltningen har kontaktet Kulturhuset, hvor det tilsvarende arrangement i 2019 blev holdt.
Næste møde er d. 7. november kl. 19.00 i Forsamlingshuset, hvor kassereren deltager.
Mødet sluttede kl. 21.30.
"""

UDVALG = """\
UDVALG

Teknik og Miljø

MØDE

Referat

STED

Rådhuset, mødelokale 1

STARTTIDSPUNKT

04-06-2020 09:00:00

SLUTTIDSPUNKT

04-06-2020 11:00:00

PUNKTER

1. Godkendelse af dagsorden

Beslutning i Teknik og Miljø den 04-06-2020

Godkendt
"""

BYRAAD = """\
Byrådet - Referat 29. januar 2020

Afbud: Ida Holm, Per Lund
Fraværende: Ulla Bak (V) - Karl Vind (V) mødte som stedfortræder.

1. Godkendelse af stedfortrædere
Der er til dette møde afbud fra Ida Holm pga. sygdom. Stedfortræder Bo Ravn indkaldes.
"""


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder: Path = tmp_path_factory.mktemp("reader-questions")
    (folder / "lokalraad.txt").write_text(LOKALRAAD, encoding="utf-8")
    (folder / "udvalg.txt").write_text(UDVALG, encoding="utf-8")
    (folder / "byraad.txt").write_text(BYRAAD, encoding="utf-8")
    store = StoreOpener(folder / "referat.db")()
    err = io.StringIO()
    assert import_paths(store, [folder], out=io.StringIO(), err=err, now=NOW) == 0, err.getvalue()
    return store


def ask(store: Store, question: str) -> str:
    return answer_question(store, question, now=NOW, scope=EVERYTHING).text


def test_an_abbreviation_ends_no_sentence() -> None:
    """`kl. 19.30` and `d. 27. august` stay in their sentence; a full stop before a capital ends one."""
    assert sentences_of("Næste møde er d. 7. november kl. 19.00 i Huset. Alle kommer.") == [
        "Næste møde er d. 7. november kl. 19.00 i Huset.",
        "Alle kommer.",
    ]
    assert sentences_of("Prisen er ca. 300 kr. Det blev godkendt.") == [
        "Prisen er ca. 300 kr. Det blev godkendt."
    ]


@pytest.mark.parametrize(
    ("question", "present", "absent"),
    [
        # The whole sentence answers: time and place come after `kl.` and `d.`.
        ("hvornår er næste møde?", ["7. november", "Forsamlingshuset"], ["Præstehaven"]),
        ("hvornår holdes festen?", ["12.juni", "Præstehaven"], ["Forsamlingshuset"]),
        # Of two sentences with the words asked for, a "when" answer quotes the one with a date.
        ("hvornår er mødet for hjælperne?", ["2. maj", "Skovskolen"], ["Der var 40"]),
        # The meeting's own start and end are its time of day, from `STARTTIDSPUNKT`/`SLUTTIDSPUNKT`.
        ("hvornår sluttede mødet i Teknik og Miljø?", ["09:00–11:00"], ["Lokalrådets"]),
        ("hvornår begyndte lokalrådets møde?", ["Referatet nævner intet tidspunkt"], ["09:00", "21.30"]),
        # A year the minutes speak of, though no meeting was held then.
        ("hvor blev det tilsvarende arrangement holdt i 2019?", ["Kulturhuset"], ["Præstehaven"]),
        ("hvad blev besluttet i 2019?", ["Jeg fandt"], ["Kulturhuset"]),
        # Why someone sent apologies: the sentence that says so; none said, the apologies.
        ("hvorfor havde Ida Holm afbud?", ["Afbud:* Ida Holm", "pga. sygdom"], ["Per Lund"]),
        ("hvorfor havde Per Lund afbud?", ["Per Lund"], ["sygdom"]),
        # Who came as someone's substitute: the holder of that title, not what they said.
        ("hvem mødte som stedfortræder?", ["*Karl Vind:* stedfortræder for Ulla Bak"], ["Ida Holm"]),
        ("hvem havde afbud til byrådet?", ["Ulla Bak", "Ida Holm"], ["Karl Vind"]),
        # … or the minutes' own sentence saying when it ended.
        ("hvornår sluttede lokalrådets møde?", ["Mødet sluttede kl. 21.30"], ["09:00"]),
    ],
)
def test_a_fact_stated_in_passing(
    archive: Store, question: str, present: list[str], absent: list[str]
) -> None:
    answer = ask(archive, question)
    for words in present:
        assert words in answer, (question, words, answer)
    for words in absent:
        assert words not in answer, (question, words, answer)


def test_nothing_under_a_decision_label_is_the_decision() -> None:
    """`Beslutning` / `Ingen.`: no changes was decided; `Ingen.` elsewhere is a plain statement."""
    meeting = parse_referat(
        "Byrådet - Referat 29. januar 2020\n\n1. Bemærkninger til dagsordenen\n\nSagsfremstilling\n\n"
        "Ingen.\n\nBeslutning\n\nIngen.\n\n2. Eventuelt\n\nIntet.\n"
    )
    kinds = [(e.item_number, e.kind, e.text) for e in meeting.entries]
    assert (1, EntryKind.DECISION, "Ingen.") in kinds
    assert (1, EntryKind.STATEMENT, "Ingen.") in kinds
    assert (2, EntryKind.STATEMENT, "Intet.") in kinds


def test_a_heading_glued_to_the_line_before_gets_a_line_of_its_own() -> None:
    """A page's text runs the last agenda line into the first item's heading (`Eventuelt1. Orientering`),
    or a table of contents' heading into item 1; a number glued to a word elsewhere stays as written."""
    meeting = parse_referat(
        "Referat\n\nBestyrelsen 4. marts 2021\n\nPUNKTER\n\n1. Orientering om haven\n2. Eventuelt1. "
        "Orientering om haven\n\nHaven blev gravet om.\n\n2. Eventuelt\n\nSe bilag1. Intet.\n"
    )
    assert [(i.number, i.title) for i in meeting.agenda] == [(1, "Orientering om haven"), (2, "Eventuelt")]
    assert [(e.item_number, e.text) for e in meeting.entries] == [
        (1, "Haven blev gravet om."),
        (2, "Se bilag1. Intet."),
    ]
    toc = parse_referat(
        "Byrådet - Referat 29. januar 2020\n\nIndholdsfortegnelse1. Fraværende\n\nIngen.\n\n"
        "2. Eventuelt\n\nIntet.\n"
    )
    assert [(i.number, i.title) for i in toc.agenda] == [(1, "Fraværende"), (2, "Eventuelt")]


def test_a_start_or_end_is_the_meeting_time_only_for_the_meeting() -> None:
    assert parse_question("hvornår sluttede mødet?", now=NOW).fact == "time"
    assert parse_question("hvornår var generalforsamlingen slut?", now=NOW).fact == "time"
    assert parse_question("when did the meeting end?", now=NOW).fact == "time"
    assert parse_question("hvornår startede projektet?", now=NOW).fact is None


def test_a_list_under_a_colon_is_one_entry_with_its_sentence() -> None:
    """Minutes without items: the lines under `… på næste møde:` belong to it, up to the sentence's end."""
    meeting = parse_referat(
        "Referat fra Skolebestyrelsesmødet\n7. september 2004\n\n"
        "Legepladsen er godt i gang.\n"
        "Bestyrelsen vil arbejde med følgende emner på næste møde:\nPrincip for lejrskoler\n"
        "Princip for mobiltelefoner.\nKantinen får sund mad.\n"
    )
    texts = [e.text for e in meeting.entries]
    assert texts == [
        "Legepladsen er godt i gang.",
        "Bestyrelsen vil arbejde med følgende emner på næste møde: Princip for lejrskoler "
        "Princip for mobiltelefoner.",
        "Kantinen får sund mad.",
    ]


def test_what_happens_at_the_next_meeting_is_no_question_for_its_date() -> None:
    assert parse_question("hvilke emner vil bestyrelsen tage op på næste møde?", now=NOW).fact is None
    assert parse_question("hvad er datoen for næste møde?", now=NOW).fact == "next_meeting"
    assert parse_question("hvornår er næste møde?", now=NOW).fact == "next_meeting"
    assert parse_question("hvad står der om næste møde?", now=NOW).fact == "next_meeting"


def test_a_bulleted_heading_repeated_as_number_and_title_is_one_heading() -> None:
    """A web page: `• Pkt. 42 Title`, then `Pkt. 42` and `Title` again on lines of their own."""
    meeting = parse_referat(
        "Referat\n\nDato: 3. april 2019\n • Pkt. 42 Beslutninger om dagsordenen\n\n  Pkt. 42\n\n"
        "  Beslutninger om dagsordenen\n\n  Godkendt.\n\n • Pkt. 43 Meddelelser fra formanden\n\n  Pkt. 43\n\n"
        "  Meddelelser fra formanden\n\n  - Standerhejsning i Roklubben\n"
    )
    assert [(i.number, i.title) for i in meeting.agenda] == [
        (42, "Beslutninger om dagsordenen"),
        (43, "Meddelelser fra formanden"),
    ]
    assert [(e.item_number, e.text) for e in meeting.entries] == [
        (42, "Godkendt."),
        (43, "Standerhejsning i Roklubben"),
    ]
    assert not meeting.warnings or all("flere gange" not in w for w in meeting.warnings)


def test_a_decision_that_refers_back_takes_the_sentence_before_it() -> None:
    meeting = parse_referat(
        "Referat af udvalgsmøde 3. april 2019\n\nDeltagere: Anna Holm, Bo Berg\n\n1. Dagsorden\n"
        "Tillægsdagsordenen blev optaget som punkt 5.\nHerefter godkendt.\n\n2. Budget\n"
        "Anna Holm fremlagde budgettet. Herefter godkendt.\n"
    )
    said = [(e.item_number, e.kind, e.text, e.speaker) for e in meeting.entries]
    assert said == [
        (1, EntryKind.DECISION, "Tillægsdagsordenen blev optaget som punkt 5. Herefter godkendt.", None),
        (2, EntryKind.STATEMENT, "Anna Holm fremlagde budgettet.", "Anna Holm"),
        (2, EntryKind.DECISION, "Herefter godkendt.", None),
    ]


def test_a_compound_of_an_intent_word_is_a_topic() -> None:
    """`orienteringsmødet` is a meeting asked about, not a question for what was reported."""
    assert parse_question("hvor holdes orienteringsmødet?", now=NOW).intent == "search"
    assert parse_question("hvad blev der orienteret om?", now=NOW).intent == "statements"
    assert parse_question("hvad står der om beslutningsforslaget?", now=NOW).intent == "search"
    assert parse_question("hvad blev besluttet?", now=NOW).intent == "decisions"


def test_a_web_page_title_the_committee_and_its_furniture() -> None:
    """`Byrådet - Referat` is the meeting's title, not the cookie notice above it; `Til toppen` and a
    table of contents' heading are page furniture; a heading that says only `Referat` takes the
    committee its case lines name for the meeting's date."""
    byraad = parse_referat(
        'Vi bruger cookies til statistik.\n\nSe vores "cookiepolitik".\n\nByrådet - Referat\n\n'
        "Dato: 29. januar 2020\n\nIndholdsfortegnelse\n\n1. Fraværende\n\nIngen.\n\nTil toppen\n"
    )
    assert byraad.title == "Byrådet"
    assert [e.text for e in byraad.entries] == ["Ingen."]
    udvalg = parse_referat(
        "Referat\n\nDato: 3. april 2019\n\nPkt. 42 Dagsorden\n\nMiljøudvalget, 02-04-2019, pkt. 42\n\n"
        "Teknikudvalget, 03-04-2019, pkt. 42\n\nGodkendt.\n"
    )
    assert udvalg.title == "Teknikudvalget"


def test_a_heading_glued_to_a_sentence_gets_a_line_of_its_own_when_nothing_else_has_its_number() -> None:
    glued = parse_referat(
        "Referat af Skolebestyrelsesmøde 2. december 2008\n\nFraværende: Rikke Holm (syg?). 1. Godkendelse:\n"
        "Referatet godkendt.\n\n2. Elevråd:\nIntet.\n"
    )
    assert [(i.number, i.title) for i in glued.agenda] == [(1, "Godkendelse"), (2, "Elevråd")]
    assert [(p.name, p.absent) for p in glued.participants] == [("Rikke Holm", True)]
    kept = parse_referat(
        "Referat af Skolebestyrelsesmøde 2. december 2008\n\n3. Lejrskole\nVi tager afsted i maj. 3. Klasse "
        "tager med.\n\n4. Eventuelt\nIntet.\n"
    )
    assert [i.number for i in kept.agenda] == [3, 4]
    assert "Vi tager afsted i maj. 3. Klasse tager med." in [e.text for e in kept.entries]


def test_a_venue_line_under_the_heading_is_the_place() -> None:
    meeting = parse_referat(
        "Referat af Skolebestyrelsesmøde\nSkovboskolen, mødelokale K2\ntirsdag den 2. oktober 2007 kl. 18.30\n\n"
        "1. Godkendelse\nGodkendt.\n"
    )
    assert meeting.place == "Skovboskolen, mødelokale K2"
    plain = parse_referat(
        "Referat af bestyrelsesmøde\nBestyrelsen og suppleanter\n2. oktober 2007\n\n1. Eventuelt\nIntet.\n"
    )
    assert plain.place is None


def test_a_task_given_under_a_decision_label_is_an_action() -> None:
    meeting = parse_referat(
        "Referat af Handicaprådets møde 3. juni 2013\n\n1. Stormøde\n\nBeslutning\nRådet var enige om, at mødet "
        "holdes i Hallen. Birgit finder en dato. Birgit sender en mail rundt.\n\n2. Eventuelt\n\nBeslutning\n"
        "Godkendt.\n"
    )
    said = [(e.item_number, e.kind, e.text, e.owner) for e in meeting.entries]
    assert said == [
        (1, EntryKind.DECISION, "Rådet var enige om, at mødet holdes i Hallen.", None),
        (1, EntryKind.ACTION, "Birgit finder en dato.", "Birgit"),
        (1, EntryKind.ACTION, "Birgit sender en mail rundt.", "Birgit"),
        (2, EntryKind.DECISION, "Godkendt.", None),
    ]


def test_a_verdict_with_what_it_went_by_and_furniture_glued_to_the_last_sentence() -> None:
    meeting = parse_referat(
        "Referat af Skolebestyrelsesmøde 2. oktober 2007\n\n1. Godkendelse af referat:\n"
        "Referatet godkendt i h.t. sidste mødes beslutning.\n\n2. Eventuelt:\n"
        "Drøftelse af lejrskole.Sidst opdateret den 7. maj 2008\n"
    )
    said = [(e.item_number, e.kind, e.text) for e in meeting.entries]
    assert said == [
        (1, EntryKind.DECISION, "Referatet godkendt i h.t. sidste mødes beslutning."),
        (2, EntryKind.STATEMENT, "Drøftelse af lejrskole."),
    ]
    assert "Sidst opdateret den 7. maj 2008" in meeting.dropped


def test_a_wrapped_heading_and_a_column_of_codes() -> None:
    """A PDF wraps `… til det` / `nye Handicapråd`; a case sheet's distribution boxes are no statement."""
    meeting = parse_referat(
        "Udvalg: Handicaprådet\nMødedato: 3. juni 2013\n\n39. Udpegning af repræsentanter til det\n"
        "nye Handicapråd\nDIR\nFOU\nBFU\nSOS\nSagsresume\nRådet drøftede udpegningen.\n\n40. Eventuelt\n"
        "ref. Lene har ordet.\n"
    )
    assert [(i.number, i.title) for i in meeting.agenda] == [
        (39, "Udpegning af repræsentanter til det nye Handicapråd"),
        (40, "Eventuelt"),
    ]
    texts = [e.text for e in meeting.entries]
    assert not any("DIR" in t or "FOU" in t for t in texts)
    assert "ref. Lene har ordet." in texts  # a heading that ends as titles do is not continued
    assert meeting.dropped[:4] == ("DIR", "FOU", "BFU", "SOS")


def test_an_agreement_is_a_decision_and_a_drawn_rule_is_furniture() -> None:
    meeting = parse_referat(
        "Referat af lokalrådsmødet 6. marts 2017\n\n1. Eventuelt\n"
        "– Det er aftalt med brugsuddeleren, at Lokalrådet får en konto i Brugsen.\n\n——————————————–\n\n"
        "Mødet sluttede klokken 20.45.\n"
    )
    said = [(e.kind, e.text) for e in meeting.entries]
    assert (
        EntryKind.DECISION,
        "Det er aftalt med brugsuddeleren, at Lokalrådet får en konto i Brugsen.",
    ) in said
    assert not any("——" in text for _, text in said)
    assert "——————————————–" in meeting.dropped


def test_a_municipal_case_page_body_name_above_the_date_and_titles_above_case_numbers() -> None:
    meeting = parse_referat(
        "Kommunalbestyrelsen\n\n24-09-2019\n\nMedlemmer\n\nFormand Erik Nielsen (A)\nLene Due (A)\n\n"
        "Spørgetid\nSag nr. 129\n\nBeslutning\n\nTaget til efterretning.\n\n"
        "Tillæg 1 til Lokalplan 145 - endelig vedtagelse\nSag nr. 130\n\nBeslutning\n\nGodkendt.\n"
    )
    assert meeting.title == "Kommunalbestyrelsen"
    assert [(i.number, i.title) for i in meeting.agenda] == [
        (129, "Spørgetid"),
        (130, "Tillæg 1 til Lokalplan 145 - endelig vedtagelse"),
    ]
    assert [(e.item_number, e.kind, e.text) for e in meeting.entries] == [
        (129, EntryKind.DECISION, "Taget til efterretning."),
        (130, EntryKind.DECISION, "Godkendt."),
    ]


def test_initials_the_text_gives_a_listed_participant_are_theirs() -> None:
    meeting = parse_referat(
        "Referat af Skolebestyrelsesmøde 2. oktober 2007\n\nTilstedeværende: Kirsten Vej Petersen, Bo Dam.\n\n"
        "1. Kvalitetsrapport\nKirsten Vej Petersen (KV) gennemgik rapporten. Bo Dam (XY) spurgte.\n"
        "KV følger op.\n"
    )
    assert [(p.name, p.initials) for p in meeting.participants] == [
        ("Kirsten Vej Petersen", "KV"),
        ("Bo Dam", None),
    ]
    assert [(e.kind, e.owner) for e in meeting.entries if e.kind is EntryKind.ACTION] == [
        (EntryKind.ACTION, "Kirsten Vej Petersen")
    ]


def test_apologies_on_the_labels_line_and_a_second_label_after_a_sentence() -> None:
    meeting = parse_referat(
        "Referat af Skolebestyrelsesmøde 2. oktober 2007\n\nTilstedeværende: Dorte Holm, Erling Dam.\n"
        "Afbud: Peter Knap.\nElevrepræsentanter: Marie Braad. Fraværende: Kaja Damgaard.\n\nPræsentation.\n"
        "Kontoret sørger for mad.\n\n1. Godkendelse\nGodkendt.\n"
    )
    assert [(p.name, p.absent) for p in meeting.participants] == [
        ("Dorte Holm", False),
        ("Erling Dam", False),
        ("Peter Knap", True),
        ("Marie Braad", False),
        ("Kaja Damgaard", True),
    ]


def test_reasons_ends_and_years_stay_inside_the_readers_scope(archive: Store) -> None:
    nothing = Scope(channels=frozenset())
    for question, secret in (
        ("hvorfor havde Ida Holm afbud?", "sygdom"),
        ("hvornår sluttede lokalrådets møde?", "21.30"),
        ("hvor blev det tilsvarende arrangement holdt i 2019?", "Kulturhuset"),
        ("hvem mødte som stedfortræder?", "Karl Vind"),
    ):
        assert secret not in answer_question(archive, question, now=NOW, scope=nothing).text, question
    byraad = next(m for m in archive.meetings() if m.title.startswith("Byrådet"))
    closed = Scope(hidden_items=frozenset({(byraad.id, 1)}))
    assert (
        "sygdom" not in answer_question(archive, "hvorfor havde Ida Holm afbud?", now=NOW, scope=closed).text
    )


def test_a_numbered_list_inside_an_item_and_an_owner_in_brackets() -> None:
    meeting = parse_referat(
        "Referat af lokalrådsmødet 6. marts 2017\n\n1. Regnskab\nGodkendt.\n\n2. Siden sidst\n"
        "Husk at søge diverse fonde:\n1. SEAS-NVE – senest 10. marts (Jørgen søger)\n"
        "2. Matas Miljøfond – senest 15. maj\n"
    )
    assert [i.number for i in meeting.agenda] == [1, 2]
    said = [(e.item_number, e.kind, e.text, e.owner, e.due) for e in meeting.entries]
    assert (
        2,
        EntryKind.ACTION,
        "1. SEAS-NVE – senest 10. marts (Jørgen søger)",
        "Jørgen",
        dt.date(2017, 3, 10),
    ) in said
    assert (2, EntryKind.STATEMENT, "2. Matas Miljøfond – senest 15. maj", None, None) in said
