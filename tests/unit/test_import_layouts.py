"""Layouts of real published minutes (issue 20): prose participant lists, one-line items, an agenda
followed by a numbered `Referat:` list, Danish date forms, roles, web debris, opening remarks.

The documents here are written for the tests in the shapes real minutes take; the corpus of real
minutes itself lives under tests/fixtures/real/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.cli import main
from bot.importing.imported import ImportedMeeting, NotAReferat
from bot.importing.labels import says_more
from bot.importing.parse import parse_referat
from storage.records import EntryKind
from storage.store import StoreOpener
from support.pdf_text import write_pdf

S, D, A = EntryKind.STATEMENT, EntryKind.DECISION, EntryKind.ACTION

ONE_LINE_ITEMS = """\
• den 14. februar 2023

Bestyrelsesmøde den 13. februar, 2023

Referat

Deltagende: Formand Anna Holm, kasserer Jens Berg, Lise Dam, Ole Friis Lund, Per Vang

Suppleanter: Kim R. Sørensen

Referent: Ole Friis Lund

Referat af dagsorden:

Punkt 1. Økonomi: Regnskabet er færdigt og sendes ud med indkaldelsen.

Punkt 2. planlægning af generalforsamling: Den holdes den 10.marts i klubhuset. Indkaldelsen kommer snart.

Punkt 3. Evt: Tre medlemmer er på valg.

Med venlig hilsen
Bestyrelsen
"""

AGENDA_THEN_LIST = """\
Bestyrelsesmøde 23/5 2017

Formanden havde indkaldt til bestyrelsesmøde tirsdag den 23/5 2017 kl 19.

Tilstede var: Karin, Ditte, Lis og Jens.

Dagsorden var:

1. Regnskab og budget
2. Ændring i bestyrelsen
3. Næste møde

Referat:

1. Bestyrelsen har godkendt regnskab og budget. Regnskabet sendes nu til revisor.
2. Ditte har valgt at udtræde af bestyrelsen.
3. Næste bestyrelsesmøde bliver efter generalforsamlingen

Skriv en kommentar

Din e-mailadresse vil ikke blive publiceret. Krævede felter er markeret med *
"""


@pytest.fixture(scope="module")
def one_line() -> ImportedMeeting:
    return parse_referat(ONE_LINE_ITEMS)


@pytest.fixture(scope="module")
def listed() -> ImportedMeeting:
    return parse_referat(AGENDA_THEN_LIST)


def test_meeting_date_from_its_heading_not_the_posting_date(one_line: ImportedMeeting) -> None:
    assert (one_line.title, one_line.date) == ("Bestyrelsesmøde", dt.date(2023, 2, 13))


def test_prose_participants_with_roles_and_groups(one_line: ImportedMeeting) -> None:
    got = [(p.name, p.title, p.role, p.organisation) for p in one_line.participants]
    assert got == [
        ("Anna Holm", "Formand", "formand", None),
        ("Jens Berg", "kasserer", "kasserer", None),
        ("Lise Dam", None, None, None),
        ("Ole Friis Lund", None, "referent", None),
        ("Per Vang", None, None, None),
        ("Kim R. Sørensen", None, None, "Suppleanter"),
    ]


def test_one_line_items_split_title_from_text(one_line: ImportedMeeting) -> None:
    assert [(i.number, i.title) for i in one_line.agenda] == [
        (1, "Økonomi"),
        (2, "planlægning af generalforsamling"),
        (3, "Evt"),
    ]
    assert [(e.item_number, e.kind, e.text) for e in one_line.entries] == [
        (1, S, "Regnskabet er færdigt og sendes ud med indkaldelsen."),
        (2, D, "Den holdes den 10.marts i klubhuset."),
        (2, S, "Indkaldelsen kommer snart."),
        (3, S, "Tre medlemmer er på valg."),
    ]


def test_sign_off_is_dropped_not_stored(one_line: ImportedMeeting) -> None:
    assert one_line.dropped == ("Med venlig hilsen", "Bestyrelsen")
    assert not any("hilsen" in e.text for e in one_line.entries)


def test_agenda_then_numbered_referat_keeps_every_line(listed: ImportedMeeting) -> None:
    assert listed.date == dt.date(2017, 5, 23)
    assert [p.name for p in listed.participants] == ["Karin", "Ditte", "Lis", "Jens"]
    assert [i.title for i in listed.agenda] == ["Regnskab og budget", "Ændring i bestyrelsen", "Næste møde"]
    texts = [(e.item_number, e.text) for e in listed.entries]
    assert texts[0] == (0, "Formanden havde indkaldt til bestyrelsesmøde tirsdag den 23/5 2017 kl 19.")
    assert (1, "Bestyrelsen har godkendt regnskab og budget. Regnskabet sendes nu til revisor.") in [
        (n, t) for n, t in texts
    ] or any(n == 1 and t.startswith("Bestyrelsen har godkendt") for n, t in texts)
    assert (3, "Næste bestyrelsesmøde bliver efter generalforsamlingen") in texts
    assert listed.dropped == (
        "Skriv en kommentar",
        "Din e-mailadresse vil ikke blive publiceret. Krævede felter er markeret med *",
    )


@pytest.mark.parametrize(
    ("heading", "date", "time", "place"),
    [
        ("Bestyrelsesmøde den 12. januar, 2022", dt.date(2022, 1, 12), None, None),
        ("Bestyrelsesmøde 23/5 2016", dt.date(2016, 5, 23), None, None),
        ("Referat af bestyrelsesmøde 16.08.2012", dt.date(2012, 8, 16), None, None),
        (
            "Møde i Ældrerådet\n\nTirsdag den 3.marts 2020 Kl. 13.00 i mødelokale 2, Rådhuset",
            dt.date(2020, 3, 3),
            "Kl. 13.00",
            "mødelokale 2, Rådhuset",
        ),
        (
            "Referat af bestyrelsesmøde\n\nMandag, den 4.november 2019Kl. 17.00",
            dt.date(2019, 11, 4),
            "Kl. 17.00",
            None,
        ),
        (
            "Referat fra Ældrerådets møde den 30. november 2015 i St. Magleby Stuen, Rådhuset kl. 10.00 – 12.00",
            dt.date(2015, 11, 30),
            "kl. 10.00 – 12.00",
            "St. Magleby Stuen, Rådhuset",
        ),
        (
            "Bestyrelsesmøde 23/5 2016\n\nFormanden havde indkaldt til møde mandag den 23/5 2016 kl 20.",
            dt.date(2016, 5, 23),
            "kl 20",
            None,
        ),
        (  # another day's time is not the meeting's
            "Bestyrelsesmøde 23/5 2016\n\nSommerfesten i haven holdes den 2/6 2016 kl 14 for alle.",
            dt.date(2016, 5, 23),
            None,
            None,
        ),
    ],
)
def test_danish_date_forms(heading: str, date: dt.date, time: str | None, place: str | None) -> None:
    m = parse_referat(f"{heading}\n\nDeltagere: Bo Hansen\n\nAd 1 - Orientering\n\nIntet.")
    assert (m.date, m.time_of_day, m.place) == (date, time, place)


@pytest.mark.parametrize(
    ("lines", "role", "who"),
    [
        ("Referat: Bo Hansen", "referent", "Bo Hansen"),
        ("Dirigent: Ida Kromann", "dirigent", "Ida Kromann"),
        ("Valg af dirigent: Ida Kromann", "dirigent", "Ida Kromann"),
        ("Ordstyrer: Bo Hansen", "ordstyrer", "Bo Hansen"),
    ],
)
def test_roles_from_labels(lines: str, role: str, who: str) -> None:
    text = f"Referat af bestyrelsesmøde 5. juni 2024\n\nDeltagere: Bo Hansen, Ida Kromann\n\nAd 1 - Orientering\n\nIntet.\n\n{lines}"
    m = parse_referat(text)
    assert {p.name: p.role for p in m.participants}[who] == role


def test_referat_label_with_a_title_is_no_referent() -> None:
    m = parse_referat(
        "Referat: Bestyrelsesmøde 5. juni 2024\n\nDeltagere: Bo Hansen\n\nAd 1 - Orientering\n\nIntet."
    )
    assert m.date == dt.date(2024, 6, 5)
    assert [p.role for p in m.participants] == [None]


def test_dry_run_prints_the_reading_and_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "archive.db"
    monkeypatch.setenv("REFERAT_DB", str(db))
    source = tmp_path / "bestyrelse.txt"
    source.write_text(ONE_LINE_ITEMS, encoding="utf-8")
    assert main(["import", "--dry-run", str(source)]) == 0
    out = capsys.readouterr().out
    for expected in (
        "Møde: Bestyrelsesmøde",
        "Dato: 13. februar 2023",
        "Anna Holm – Formand",
        "Ole Friis Lund – referent",
        "Kim R. Sørensen [Suppleanter]",
        "Punkt 1: Økonomi",
        "Udeladt som websidens rester (2):",
        "Intet er gemt (--dry-run).",
    ):
        assert expected in out, expected
    assert not db.exists()


def test_dry_run_refuses_what_is_not_minutes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REFERAT_DB", str(tmp_path / "archive.db"))
    source = tmp_path / "liste.txt"
    source.write_text("Indkøbsliste\n\nmælk\nbrød\n", encoding="utf-8")
    assert main(["import", "--dry-run", str(source)]) == 1
    assert "afvist – ingen dato fundet" in capsys.readouterr().err
    assert not (tmp_path / "archive.db").exists()


def test_item_number_alone_on_its_line() -> None:
    text = "Referat fra møde i Ældrerådet den 18. december 2014\n\n1.\nGodkendelse af dagsordenen\n\nGodkendt.\n\n2.\nSiden sidst\n\nIntet."
    m = parse_referat(text)
    assert [(i.number, i.title) for i in m.agenda] == [(1, "Godkendelse af dagsordenen"), (2, "Siden sidst")]


UNNUMBERED = """\
Referat fra Skolebestyrelsesmødet
7. september 2004

Elevrådet ønsker bænke ved busstoppestedet.
7. klasserne fik tilladelse til at forlade skolen i pauserne.
Principper til næste møde:
Princip for mobiltelefoner

Referat
Jens Mikkelsen

Sidst opdateret den 22. september 2004
"""


def test_minutes_without_numbers_are_kept_as_opening_remarks() -> None:
    m = parse_referat(UNNUMBERED)
    assert m.agenda == ()
    assert [(e.item_number, e.text) for e in m.entries] == [
        (0, "Elevrådet ønsker bænke ved busstoppestedet."),
        (0, "7. klasserne fik tilladelse til at forlade skolen i pauserne."),
        (0, "Principper til næste møde: Princip for mobiltelefoner"),  # the list goes with its line
    ]
    assert [(p.name, p.role) for p in m.participants] == [("Jens Mikkelsen", "referent")]
    assert m.dropped == ("Sidst opdateret den 22. september 2004",)


def test_text_that_is_no_meeting_is_still_refused_with_the_reason() -> None:
    with pytest.raises(NotAReferat, match="ligner ikke et referat"):
        parse_referat("Holstebro, 12. marts 2024\n\nNy cykelsti\n\nKommunen åbnede i dag en ny cykelsti.")


@pytest.mark.parametrize(
    "line",
    [
        "Skriv et svar",
        "Dette site bruger cookies. Hvis du fortsætter, accepterer du dette.",
        "Tilbage til indhold | Retur til hoved menu",
        "Middelfart Kommune Logo",
        "Posted By : admin",
    ],
)
def test_page_furniture_is_dropped(line: str) -> None:
    m = parse_referat(
        f"Referat af bestyrelsesmøde 5. juni 2024\n\nAd 1 - Orientering\n\nBo orienterede.\n\n{line}"
    )
    assert m.dropped == (line,)
    assert [e.text for e in m.entries] == ["Bo orienterede."]


@pytest.mark.parametrize(
    ("sentence", "kind", "owner"),
    [
        ("Godkendt uden anmærkninger.", D, None),
        ("Hans Jensen blev konstitueret som formand.", D, None),
        ("Steen Berg blev valgt som dirigent.", D, None),
        ("Udskudt til næste møde.", D, None),
        ("Frekvensen af møder fastsættes til 4 møder per år.", D, None),
        ("Bestyrelsen aftalte at mødes igen i januar.", D, None),
        ("Bestyrelsen har godkendt regnskabet.", D, None),
        ("Udvalget har desuden vedtaget at holde et temamøde.", D, None),
        ("Regnskabet blev fremlagt af kassereren og godkendt.", D, None),
        ("HJ følger op.", A, "Hans Jensen"),
        ("BH indkalder til temamøde inden 1. april 2020.", A, "Birte Hansen"),
        ("Ny oversigt bliver udarbejdet af Birte Hansen.", A, "Birte Hansen"),
        ("Kirstine bestiller.", A, "Kirstine"),
        ("Formanden sender en påmindelse til borgmesteren.", A, "Hans Jensen"),
        ("Planerne lægges på hjemmesiden, Ole laver en præsentation.", A, "Ole Madsen"),
        ("Hans Jensen orienterede om budgettet.", S, None),
        ("Hvornår skal beretningen være færdig?", S, None),
        ("Ældrerådet udpegede Birte Hansen som næstformand.", D, None),
        ("Formandens beretning godkendt.", D, None),
        ("Bestyrelsen konstituerer sig som følger:", D, None),
        ("I den forbindelse har bestyrelsen bestemt, at lejen deles i 2 rater.", D, None),
        ("Dirigenten foreslår rokering af punkterne. Vedtaget.", D, None),
        ("Den nye bestyrelse har fået til opgave at finde en anden løsning.", A, "Den nye bestyrelse"),
        ("Græsslåning vil blive foretaget ca. 18 gange årligt.", S, None),  # passive: nobody's task
        ("Der kom spørgsmål fra have 57, og Ole Madsen lovede at sende en oversigt.", A, "Ole Madsen"),
        ("Hans Jensen foreslår et oprydningshold, ligesom han tager en snak med kommunen.", A, "Hans Jensen"),
    ],
)
def test_decisions_and_actions_in_prose(sentence: str, kind: EntryKind, owner: str | None) -> None:
    text = (
        "Referat fra møde i Ældrerådet den 3. marts 2020\n\n"
        "Fremmødt: Formand Hans Jensen (HJ), Birte Hansen (BH) og Ole Madsen.\n\n"
        f"Punkt 1. Orientering\n\n{sentence}"
    )
    [entry] = parse_referat(text).entries
    assert (entry.kind, entry.owner, entry.text) == (kind, owner, sentence)


def test_an_actions_deadline_is_read_once() -> None:
    text = "Referat fra møde den 3. marts 2020\n\nFremmødt: Birte Hansen (BH).\n\nPunkt 1. Temamøde\n\nBH indkalder til temamøde inden 1. april 2020."
    [entry] = parse_referat(text).entries
    assert (entry.owner, entry.due) == ("Birte Hansen", dt.date(2020, 4, 1))


def test_a_deadline_the_text_states_is_not_printed_again() -> None:
    from bot.referat.compile import mentions_date

    assert mentions_date("BH indkalder til temamøde inden 1. april 2020.", dt.date(2020, 4, 1))
    assert mentions_date("Udkast senest 20/6.", dt.date(2024, 6, 20))
    assert not mentions_date("BH indkalder til temamøde snarest.", dt.date(2020, 4, 1))
    assert not mentions_date("inden 11. april", dt.date(2020, 4, 1))


def test_a_text_pdf_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "archive.db"
    monkeypatch.setenv("REFERAT_DB", str(db))
    pages = [
        [
            "Referat af bestyrelsesmøde 5. juni 2024",
            "Deltagere: Bo Hansen (BH), Ida Kromann",
            "1. Orientering",
        ],
        ["Bo Hansen orienterede om stolene.", "2. Eventuelt", "BH følger op inden 1. juli."],
    ]
    source = write_pdf(tmp_path / "bestyrelse.pdf", pages)
    assert main(["import", str(source)]) == 0
    out = capsys.readouterr().out
    assert "bestyrelse.pdf: importeret – bestyrelsesmøde, 5. juni 2024: 2 punkter" in out
    assert "udeladt" not in out  # nothing on the page was furniture
    store = StoreOpener(db)()
    [meeting] = store.meetings()
    doc = store.document(meeting.id)
    assert [(e.item_number, e.kind, e.owner, e.text) for e in doc.entries] == [
        (1, S, None, "Bo Hansen orienterede om stolene."),
        (2, A, "Bo Hansen", "BH følger op inden 1. juli."),
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "PDF-filen indeholder ingen tekst, kun billeder – formentlig et scannet dokument"),
        (b"%PDF-1.4\nnot really", "filen er ikke en gyldig PDF"),
    ],
)
def test_a_pdf_without_text_is_refused_by_name(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: bytes | None,
    reason: str,
) -> None:
    db = tmp_path / "archive.db"
    monkeypatch.setenv("REFERAT_DB", str(db))
    source = tmp_path / "scannet.pdf"
    if content is None:
        write_pdf(source, [[], []])
    else:
        source.write_bytes(content)
    assert main(["import", str(source)]) == 1
    assert f"scannet.pdf: afvist – {reason}" in capsys.readouterr().err
    assert StoreOpener(db)().meetings() == []


def test_a_header_table_with_labels_above_values() -> None:
    text = (
        "UDVALG\n\nUdvalget for Ældre og Sundhed\n\nMØDE\n\nReferat\n\nSTED\n\nKanalstræde 2, mødelokale 0.21\n\n"
        "STARTTIDSPUNKT\n\n04-06-2020 09:00:00\n\nPUNKTER\n\n49. Godkendelse af dagsorden\n50. Eventuelt\n\n"
        "49. Godkendelse af dagsorden\n\nGodkendt."
    )
    m = parse_referat(text)
    assert (m.title, m.date, m.place, m.time_of_day) == (
        "Udvalget for Ældre og Sundhed",
        dt.date(2020, 6, 4),
        "Kanalstræde 2, mødelokale 0.21",
        "09:00",
    )
    assert [(i.number, i.title) for i in m.agenda] == [(49, "Godkendelse af dagsorden"), (50, "Eventuelt")]


def test_a_date_written_month_first_by_an_english_page_template() -> None:
    m = parse_referat(
        "Referat\n\nDato: Onsdag, April 3, 2019 - 18:00\nSted: Mødelokale 2A\n\nPkt. 42 Meddelelser\n\nIntet."
    )
    assert (m.date, m.time_of_day, m.place) == (dt.date(2019, 4, 3), "18:00", "Mødelokale 2A")


def test_members_listed_by_house_number_with_the_role_after() -> None:
    text = (
        "Referat af bestyrelsesmøde 16. november 2021\n\nDeltagere: Anna Hallgren #72 Formand\n"
        "Preben Skovbjerg (referent) #1 Suppleant\n\n1. Valg af referent\n\nPreben blev valgt som referent."
    )
    m = parse_referat(text)
    assert [(p.name, p.title, p.role) for p in m.participants] == [
        ("Anna Hallgren", "Formand, #72", "formand"),
        ("Preben Skovbjerg", "Suppleant, #1", "referent"),
    ]


@pytest.mark.parametrize(
    ("item", "text", "role", "who"),
    [
        (
            "Valg af dirigent og referent",
            "Steen Berg blev valgt som dirigent og Carl Holm som referent.",
            "referent",
            "Carl Holm",
        ),
        (
            "Valg af dirigent og referent",
            "Steen Berg blev valgt som dirigent og Carl Holm som referent.",
            "dirigent",
            "Steen Berg",
        ),
        ("Generalforsamlingen", "Til referent valgtes Ann Lund.", "referent", "Ann Lund"),
        ("Valg af dirigent", "Kim, have 22 valgt.", "dirigent", "Kim"),
        (
            "Åbning",
            "Der var 40 til stede. Ida Marie Lund (Mia) 12N valgt som referent.",
            "referent",
            "Ida Marie Lund",
        ),
        ("Åbning", "Ole Dam, have 7, blev valgt som dirigent.", "dirigent", "Ole Dam"),
        (
            "Valg af referent og stemmetællere",
            "ref. Lene have 47 Stemmetællere Ove have 30",
            "referent",
            "Lene",
        ),
    ],
)
def test_meeting_roles_chosen_in_the_minutes(item: str, text: str, role: str, who: str) -> None:
    m = parse_referat(f"Referat fra generalforsamlingen 22.02.2022\n\n1. {item}\n{text}")
    assert {p.name: p.role for p in m.participants}[who] == role


def test_attendance_and_absence_written_as_sentences() -> None:
    text = (
        "Referat af lokalrådsmødet 6. marts 2017\n\nTil stede var Karen, Mette, Thomas og Jørgen\n\n"
        "1. Orientering\n\nHans Berg og Ida Lund var fraværende.\n\nDer er afbud fra Ole Dam."
    )
    m = parse_referat(text)
    assert [(p.name, p.absent) for p in m.participants] == [
        ("Karen", False),
        ("Mette", False),
        ("Thomas", False),
        ("Jørgen", False),
        ("Hans Berg", True),
        ("Ida Lund", True),
        ("Ole Dam", True),
    ]
    # The sentences stay in the minutes' text too.
    assert [e.text for e in m.entries] == [
        "Hans Berg og Ida Lund var fraværende.",
        "Der er afbud fra Ole Dam.",
    ]


def test_a_sentence_about_absence_without_names_adds_nobody() -> None:
    m = parse_referat(
        "Referat af møde 6. marts 2017\n\nDeltagere: Bo Hansen\n\n1. Orientering\n\nMange var fraværende."
    )
    assert [(p.name, p.absent) for p in m.participants] == [("Bo Hansen", False)]


def test_a_numbered_line_with_a_short_title_sentence_and_more_text() -> None:
    m = parse_referat(
        "Referat af lokalrådets møde 9. august 2007\n\n"
        "1. Forslag til bemærkninger til Kommunestrategiplanen. Se bilag.\n\n"
        "2. Nyt fra de forskellige foreninger og institutioner.\n\nIntet."
    )
    assert [(i.number, i.title) for i in m.agenda] == [
        (1, "Forslag til bemærkninger til Kommunestrategiplanen"),
        (2, "Nyt fra de forskellige foreninger og institutioner"),
    ]
    assert [(e.item_number, e.text) for e in m.entries] == [(1, "Se bilag."), (2, "Intet.")]


def test_the_import_report_counts_the_dropped_page_furniture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REFERAT_DB", str(tmp_path / "archive.db"))
    source = tmp_path / "side.txt"
    source.write_text(AGENDA_THEN_LIST, encoding="utf-8")
    assert main(["import", str(source)]) == 0
    assert "side.txt: note – 2 linjer fra websiden udeladt" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("title", "line", "more"),
    [
        ("Næste bestyrelsesmøde", "Næste bestyrelsesmøde bliver umiddelbart efter generalforsamlingen", True),
        ("Økonomi", "Økonomi. Regnskabet er godkendt.", True),
        ("Godkendelse af referat", "Godkendelse af referat fra sidste møde", False),
        ("Eventuelt", "Eventuelt", False),
        ("Budget", "Budgetopfølgning for resten af året og næste", False),
    ],
)
def test_a_title_that_opens_a_sentence_is_told_from_a_longer_title(title: str, line: str, more: bool) -> None:
    assert says_more(title, line) is more


def test_a_place_line_and_a_short_sentence_above_the_items() -> None:
    m = parse_referat(
        "Referat fra generalforsamling\n\nSøndag d. 7/4 2024\n\npå Fælleshuset\n\n21 haver repræsenteret.\n\n"
        "1. Valg af dirigent: Kim valgt.\n2. Eventuelt: Intet."
    )
    assert (m.date, m.place) == (dt.date(2024, 4, 7), "Fælleshuset")
    assert (0, "21 haver repræsenteret.") in [(e.item_number, e.text) for e in m.entries]
    assert not m.unplaced


def test_a_list_under_a_sentence_ending_in_a_colon_is_one_entry() -> None:
    m = parse_referat(
        "Referat fra bestyrelsesmøde den 2. februar 2024\n\n1. Mødeplan\n\nMøderne blev aftalt til:\n\n"
        "6. maj 2024 kl. 19\n\n9. september 2024 kl. 19\n\nSommerfesten holdes i haven den 22. juni.\n\n"
        "2. Eventuelt\n\nSpørgsmål:\n\nHvem har nøglen til skuret?"
    )
    assert [(e.item_number, e.kind, e.text) for e in m.entries] == [
        (1, D, "Møderne blev aftalt til: 6. maj 2024 kl. 19; 9. september 2024 kl. 19"),
        (1, S, "Sommerfesten holdes i haven den 22. juni."),
        (2, S, "Spørgsmål:"),
        (2, S, "Hvem har nøglen til skuret?"),
    ]


def test_offices_the_minutes_give_listed_participants() -> None:
    m = parse_referat(
        "Bestyrelsesmøde den 19. april 2016\n\nDeltagere: Morten Bay Dahl, Mogens Rubech, Lars Møller, Ida Lund\n\n"
        "1. Konstituering\nFormand: Morten Bay Dahl (nr. 22) Kasserer: Mogens Rubech Jacobsen (nr. 10) "
        "Sekretær: Ole Berg (nr. 4)\n\n2. Valg\nBestyrelsen udpegede Ida Lund som næstformand.\n"
    )
    assert {p.name: p.role for p in m.participants} == {
        "Morten Bay Dahl": "formand",
        "Mogens Rubech": "kasserer",  # the list leaves out a surname the minutes write
        "Lars Møller": None,
        "Ida Lund": "næstformand",
    }  # Ole Berg is on no list: an office alone adds no participant


def test_an_unnumbered_eventuelt_after_numbered_items_is_the_last_item() -> None:
    m = parse_referat(
        "Bestyrelsesmøde den 19.04.2016\n\nPunkt 1: Haven\nHækken klippes.\n\nPunkt 2: Møder\nNæste møde i juni.\n\n"
        "Evt:\nUkrudt brændes 8 gange årligt.\n"
    )
    assert [(i.number, i.title) for i in m.agenda] == [(1, "Haven"), (2, "Møder"), (3, "Evt")]
    assert (3, "Ukrudt brændes 8 gange årligt.") in [(e.item_number, e.text) for e in m.entries]


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("2: Referat fra mødet i P. Bøge Andersens Fond", "Referat fra mødet i P. Bøge Andersens Fond"),
        ("2. Forslag til bemærkninger. Se bilag.", "Forslag til bemærkninger"),
    ],
)
def test_an_initial_in_a_title_ends_no_sentence(line: str, title: str) -> None:
    m = parse_referat(
        f"Referat fra Ældrerådets møde den 30. november 2015\n\n1. Velkomst\nGodkendt.\n\n{line}\n"
    )
    assert {i.number: i.title for i in m.agenda}[2] == title


def test_a_line_wrapped_above_the_items_is_joined_and_kept() -> None:
    m = parse_referat(
        "Referat af bestyrelsesmøde 16. november 2021\n\nSted: Teams\n\n"
        "Notatet er udarbejdet af Anna Holm, formand og Bo Berg,\nbestyrelsesmedlem.\n\n"
        "Deltagere: Anna Holm, Bo Berg\n\n"
        "1. Valg af referent\nBo blev valgt som referent.\n"
    )
    said = [e.text for e in m.entries if e.item_number == 0]
    assert said == ["Notatet er udarbejdet af Anna Holm, formand og Bo Berg, bestyrelsesmedlem."]
    assert not m.unplaced


def test_people_of_minutes_without_a_list_are_those_the_text_gives_a_role() -> None:
    m = parse_referat(
        "Referat fra den ordinære generalforsamling\n\nmandag, 16. marts 2015\n\n"
        "Generalforsamlingen åbnes af Forkvinde Jeanne med et minuts stilhed.\n\n"
        "1 bestyrelsesmedlem, Charlotte 14N ikke til stede da barn er syg.\n\n"
        "Valg af dirigent. Formand fra økohaverne, André Just vælges efter forslag fra bestyrelsen.\n\n"
        "Kasserer: Aase have 5, genvalgt.\n"
    )
    got = {p.name: (p.role, p.absent) for p in m.participants}
    assert got == {
        "Charlotte": (None, True),
        "André Just": ("dirigent", False),
        "Jeanne": ("forkvinde", False),
        "Aase": ("kasserer", False),
    }


def test_a_chair_chosen_by_first_name_is_the_one_proposed_in_full() -> None:
    m = parse_referat(
        "Referat fra generalforsamling 2005, tirsdag den 8. november 2005\n\n"
        "1: VALG AF DIRIGENT\nBestyrelsen foreslår Bjarne Olsen\nBjarne blev enstemmigt valgt.\n\n"
        "2: EVENTUELT\nIntet.\n"
    )
    assert {p.name: p.role for p in m.participants} == {"Bjarne Olsen": "dirigent"}


def test_offices_add_no_one_to_minutes_with_an_attendance_list() -> None:
    m = parse_referat(
        "Bestyrelsesmøde den 5. maj 2022\n\nDeltagere: Anna Holm, Ole Friis\n\n"
        "1. Orientering\nFormand Jens Berg sendte en hilsen.\n"
    )
    assert [p.name for p in m.participants] == ["Anna Holm", "Ole Friis"]


def test_an_office_taken_over_in_a_sentence() -> None:
    m = parse_referat(
        "Referat af generalforsamling 2012\n\nLørdag d. 26-05-2012 kl. 14.00 i fælleshuset\n\n"
        "Beretningen påbegyndtes af Ann Holm. Hun bad dog Jens Berg overtage straks, da han i foråret fik "
        "overdraget formandsposten. Hun takkede.\n"
    )
    assert {p.name: p.role for p in m.participants} == {"Jens Berg": "formand"}


def test_a_verdict_after_a_referat_label_is_no_minute_taker() -> None:
    m = parse_referat(
        "Referat fra Ældrerådets møde den 22. februar 2016\n\nDeltagere: Bo Holm, Eva Lund\n\n"
        "1. Godkendelse af referat\nReferat: Godkendt\n\n2. Eventuelt\nReferat: Bo Holm\n"
    )
    assert {p.name: p.role for p in m.participants} == {"Bo Holm": "referent", "Eva Lund": None}
    assert "Referat: Godkendt" in [e.text for e in m.entries]
