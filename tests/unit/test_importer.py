"""Tests for bot.importing (read, clean, parse): the reference referat, fixture referater in other styles, and refusals."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.importing.clean import normalise
from bot.importing.imported import ImportedEntry, ImportedMeeting, NotAReferat
from bot.importing.parse import parse_referat
from bot.importing.read import read_document
from storage.records import EntryKind
from support.paths import IMPORT_FIXTURES as FIXTURES
from support.paths import REFERENCE

D, S, A = EntryKind.DECISION, EntryKind.STATEMENT, EntryKind.ACTION


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _item_entries(meeting: ImportedMeeting, number: int) -> list[ImportedEntry]:
    return [e for e in meeting.entries if e.item_number == number]


def _entry(meeting: ImportedMeeting, start: str) -> ImportedEntry:
    found = [e for e in meeting.entries if e.text.startswith(start)]
    assert len(found) == 1, f"{start!r}: {[e.text[:60] for e in meeting.entries]}"
    return found[0]


def _assert_rows(got: Sequence[tuple[object, ...]], expected: Sequence[tuple[object, ...]]) -> None:
    """Rows whose last element is an entry text, compared by prefix; everything else exactly."""
    assert [row[:-1] for row in got] == [row[:-1] for row in expected]
    for row, want in zip(got, expected, strict=True):
        assert str(row[-1]).startswith(str(want[-1])), (row[-1], want[-1])


def _fixture(name: str) -> ImportedMeeting:
    path = FIXTURES / name
    return parse_referat(read_document(path), source_name=path.name)


# --------------------------------------------------------------------------------------------------
# The reference referat


@pytest.fixture(scope="module")
def reference_text() -> str:
    return REFERENCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reference(reference_text: str) -> ImportedMeeting:
    return parse_referat(reference_text, source_name=REFERENCE.name)


def test_reference_header(reference: ImportedMeeting) -> None:
    assert reference.title == "kredsrådsmøde i Holstebro Kommune"
    assert reference.date == dt.date(2024, 3, 19)
    assert reference.place == "rådhuset i Holstebro"
    assert reference.time_of_day is None
    # The opening remark is an entry of item 0 (`ad 0`): searchable and credited like any statement.
    assert reference.opening is None
    opening = [e for e in reference.entries if e.item_number == 0]
    assert [(e.kind, e.speaker, e.text) for e in opening] == [
        (
            S,
            "Helle Kyndesen",
            "Politidirektør Helle Kyndesen takkede indledningsvist for det gode samarbejde.",
        )
    ]
    assert reference.warnings == ()
    assert re.fullmatch(r"[0-9a-f]{64}", reference.content_hash)


@pytest.mark.parametrize(
    ("name", "title", "organisation"),
    [
        ("H.C. Østerby", "Borgmester", "kommunen"),
        ("Lars Møller", "Kommunaldirektør", "kommunen"),
        ("Helle Støve", "Direktør for Børn og Unge", "kommunen"),
        ("Anders Debel", "Direktør for Teknik og Miljø", "kommunen"),
        ("Helle Kyndesen", "Politidirektør", "politiet"),
        ("Claus Hilborg", "Chefpolitiinspektør", "politiet"),
        ("Kåre Skjæveland", "Chefanklager", "politiet"),
        ("Lars Kirkegaard", "Afdelingschef for Politiets Administrative Center", "politiet"),
        ("Frederik Sundtoft", "Vicepolitiinspektør, fg., Holstebro-Thisted Lokalpoliti", "politiet"),
        ("Camilla Hermann Slumstrup", "Juridisk konsulent", "politiet"),
    ],
)
def test_reference_participants_present(
    reference: ImportedMeeting, name: str, title: str, organisation: str
) -> None:
    [person] = [p for p in reference.participants if p.name == name]
    assert (person.title, person.organisation, person.absent) == (title, organisation, False)


def test_reference_participant_counts_and_roles(reference: ImportedMeeting) -> None:
    present = [p for p in reference.participants if not p.absent]
    absent = [p for p in reference.participants if p.absent]
    assert len(present) == 10
    assert [(p.name, p.title, p.organisation) for p in absent] == [("Claus Nørgaard", "Stabschef", None)]
    assert [p.name for p in reference.participants if p.role == "referent"] == ["Camilla Hermann Slumstrup"]


def test_reference_agenda(reference: ImportedMeeting) -> None:
    agenda = {item.number: item for item in reference.agenda}
    assert [item.number for item in reference.agenda] == [1, 2, 3, 4, 5]
    assert agenda[1].title == "Orientering fra politiet"
    assert len(agenda[1].bullets) == 3
    assert agenda[1].bullets[2] == "Kriminalitetsudviklingen i Holstebro Kommune"
    assert agenda[2].bullets == ()
    assert agenda[3].title == "Status på punkter i samarbejdsplanen"
    assert agenda[3].bullets == (
        "Indsats for borgere med psykiske lidelser",
        "Indsats i boligområdet Trekanten",
        "Indsats i særligt udpegede områder",
    )
    assert len(agenda[4].background) == 2
    assert agenda[4].background[0].startswith("Indsatsen i forhold til psykisk syge")
    assert agenda[4].background[1].endswith("med særlig fokus på køberne.")
    assert agenda[4].bullets == ()
    assert agenda[5].title == "Eventuelt"


def test_reference_item_5_keeps_its_nothing_to_note(reference: ImportedMeeting) -> None:
    # `Intet at bemærke.` is what the minutes say of the item: kept as written, credited to no one.
    assert [(e.kind, e.speaker, e.text) for e in _item_entries(reference, 5)] == [
        (S, None, "Intet at bemærke.")
    ]


def test_reference_trekanten_decision(reference: ImportedMeeting) -> None:
    item3 = _item_entries(reference, 3)
    assert [(e.kind, e.speaker) for e in item3] == [(S, None), (D, None)]
    assert item3[1].text == "Der var enighed om at fortsætte det gode samarbejde vedrørende området."
    assert item3[0].text.startswith("De forskellige indsatser i Trekanten blev drøftet")
    assert [e for e in reference.entries if e.kind is not S] == [item3[1]]


def test_reference_page_break_rejoined(reference: ImportedMeeting) -> None:
    entry = _entry(reference, "Chefpolitiinspektør Claus Hilborg orienterede om status på samarbejdet med Bo")
    assert "danske hjem bliver udsat for indbrud, for at ingen skal føle" in entry.text
    assert entry.text.endswith("oplyste, at antallet af indbrud generelt er faldende.")
    assert (entry.item_number, entry.kind, entry.speaker) == (1, S, "Claus Hilborg")


@pytest.mark.parametrize(
    ("start", "item", "speaker", "co_speakers"),
    [
        ("Politidirektør Helle Kyndesen orienterede om status for", 1, "Helle Kyndesen", ()),
        ("Direktør for Børn og unge, Helle Støve, oplyste", 1, "Helle Støve", ()),
        ("Den 3. april 2024 afholdes", 1, "Claus Hilborg", ()),  # carried over from the paragraph before
        (
            "Chefpolitiinspektør Claus Hilborg og Vicepolitiinspektør",
            1,
            "Claus Hilborg",
            ("Frederik Sundtoft",),
        ),
        ("Afdelingsleder for Politiets Administrative Center, Lars Kirkegaard,", 1, "Lars Kirkegaard", ()),
        ("Kommunaldirektør Lars Møller orienterede i den forbindelse", 1, "Lars Møller", ()),
        ("Borgmester H.C. Østerby orienterede", 2, "H.C. Østerby", ()),
        ("Direktør for Teknisk og Miljø, Anders Debel,", 2, "Anders Debel", ()),
        ("Politidirektør Helle Kyndesen orienterede om, at", 4, "Helle Kyndesen", ()),
        ("Mulige emner kan f.eks. være", 4, "Helle Kyndesen", ()),
        ("Spørgsmålet om valg af mulige", 4, None, ()),  # impersonal: not carried over
        ("Direktør for Børn og Unge, Helle Støve, bemærkede", 4, "Helle Støve", ()),
    ],
)
def test_reference_speakers(
    reference: ImportedMeeting, start: str, item: int, speaker: str | None, co_speakers: tuple[str, ...]
) -> None:
    entry = _entry(reference, start)
    assert (entry.item_number, entry.speaker, entry.co_speakers) == (item, speaker, co_speakers)


def test_reference_speakers_are_participants(reference: ImportedMeeting) -> None:
    names = {p.name for p in reference.participants}
    spoken = {e.speaker for e in reference.entries} | {c for e in reference.entries for c in e.co_speakers}
    assert spoken - {None} <= names
    assert len(reference.entries) == 21


def test_reference_no_text_lost(reference: ImportedMeeting, reference_text: str) -> None:
    body = normalise(reference_text).split("\nReferat:\n", 1)[1]
    kept = [line for line in body.split("\n") if line and not re.match(r"^Ad \d", line)]
    expected = Counter(_words(" ".join(kept)))
    got = Counter(_words(" ".join([reference.opening or "", *(e.text for e in reference.entries)])))
    assert got == expected


def test_reference_entries_are_verbatim(reference: ImportedMeeting, reference_text: str) -> None:
    source = " ".join(normalise(reference_text).split())
    for entry in reference.entries:
        assert entry.text in source


# --------------------------------------------------------------------------------------------------
# Fixture referater in other styles


def test_pkt_style_header_and_people() -> None:
    m = _fixture("skolebestyrelse-pkt.txt")
    assert (m.title, m.date, m.place, m.time_of_day) == (
        "skolebestyrelsesmøde",
        dt.date(2024, 9, 10),
        "Personalerummet, Vestre Skole",
        "kl. 17.00-19.30",
    )
    people = {p.name: p for p in m.participants}
    assert len(people) == 7
    assert (people["Mette Lund Jensen"].title, people["Mette Lund Jensen"].initials) == ("Formand", "MLJ")
    assert people["Anne-Marie Kjær"].title == "Medarbejderrepræsentant"
    assert people["Per Nørgaard"].role == "referent"
    assert [p.name for p in m.participants if p.absent] == ["Karina Bech"]
    assert m.opening is None
    assert m.warnings == ()


def test_pkt_style_items_carry_their_own_text() -> None:
    m = _fixture("skolebestyrelse-pkt.txt")
    assert [(i.number, i.title) for i in m.agenda] == [
        (1, "Godkendelse af dagsorden"),
        (2, "Godkendelse af referat fra mødet den 13. august 2024"),
        (3, "Meddelelser fra skolelederen"),
        (4, "Principper for lejrskoler"),
        (5, "Eventuelt"),
    ]
    assert [(e.kind, e.text) for e in _item_entries(m, 1)] == [(D, "Dagsordenen blev godkendt.")]
    assert [e.kind for e in _item_entries(m, 2)] == [D]
    assert [(e.kind, e.speaker) for e in _item_entries(m, 5)] == [(S, None)]  # `Intet.` as written


def test_pkt_style_item_3_initials_and_action() -> None:
    m = _fixture("skolebestyrelse-pkt.txt")
    item3 = _item_entries(m, 3)
    assert [(e.kind, e.speaker) for e in item3] == [
        (S, "Susanne Holm"),
        (S, "Susanne Holm"),  # `SH oplyste ...`
        (D, None),  # `... tog orienteringen til efterretning.`
        (A, None),
    ]
    action = item3[3]
    assert (
        action.text == "SH sender tidsplanen for ventilationsarbejdet til bestyrelsen (SH) inden 15. oktober."
    )
    assert (action.owner, action.due) == ("Susanne Holm", dt.date(2024, 10, 15))


def test_pkt_style_item_4_labels() -> None:
    m = _fixture("skolebestyrelse-pkt.txt")
    got = [(e.kind, e.speaker, e.owner, e.due, e.text) for e in _item_entries(m, 4)]
    _assert_rows(
        got,
        [
            (S, None, None, None, "Indstilling: Skolelederen ind"),
            (S, None, None, None, "Sagsfremstilling: De nuværende"),
            (S, "Jakob Brandt", None, None, "Jakob Brandt (JB) foreslog, at"),
            (S, "Anne-Marie Kjær", None, None, "Anne-Marie Kjær bemærkede, at "),
            (S, "Oliver Dam", None, None, "Elevrådsformand Oliver Dam for"),
            (D, None, None, None, "Principperne blev vedtaget med"),
            (A, None, "Mette Lund Jensen", dt.date(2024, 11, 1), "Mette Lund Jensen lægger princ"),
            # `inden 1. februar` is before the meeting, so it means next year
            (A, None, "Per Nørgaard", dt.date(2025, 2, 1), "Orientering til forældrene på "),
        ],
    )


def test_paren_style() -> None:
    m = _fixture("ejerforening-parentes.txt")
    assert (m.title, m.date, m.place, m.time_of_day) == (
        "ordinært bestyrelsesmøde",
        dt.date(2024, 3, 12),
        "Fælleshuset, Lindevej 4, Holstebro",
        "kl. 19.00-21.15",
    )
    people = {p.name: p for p in m.participants}
    assert people["Lone Juhl"].title == "administrator, DEAS"
    assert people["Lone Juhl"].role == "referent"  # from the `Referent:` line at the end
    assert (people["Jens Ottosen"].absent, people["Jens Ottosen"].title) == (True, "bestyrelsesmedlem")
    assert sum(not p.absent for p in m.participants) == 5
    assert [i.title for i in m.agenda][2] == "Økonomi og budget 2024"
    assert len(m.agenda) == 5
    assert m.warnings == ()


def test_paren_style_entries() -> None:
    m = _fixture("ejerforening-parentes.txt")
    got = [(e.item_number, e.kind, e.speaker, e.co_speakers, e.text) for e in m.entries]
    _assert_rows(
        got,
        [
            (1, D, None, (), "Dagsordenen blev godkendt."),
            (2, D, None, (), "Referatet blev godkendt uden"),
            (3, S, "Susanne Bak", (), "Susanne Bak gennemgik regnsk"),
            (3, S, "Lone Juhl", (), "Lone Juhl bemærkede, at rent"),
            (3, D, None, (), "Bestyrelsen besluttede at fa"),
            (4, S, "Henrik Lauridsen", (), "Henrik Lauridsen orienterede"),
            (4, S, "Birthe Kromann", ("Tommy Vestergaard",), "Birthe Kromann og Tommy Vest"),
            (4, D, None, (), "Efter en kort drøftelse besl"),
            (5, S, "Tommy Vestergaard", (), "Tommy Vestergaard spurgte ti"),
            (5, D, None, (), "Næste møde holdes den 9. apr"),  # the date is set: a decision
        ],
    )


def test_collapsed_numbering() -> None:
    m = _fixture("lokalraad-kollapset.txt")
    assert (m.title, m.date, m.place, m.time_of_day) == (
        "møde i Lokalrådet for Vinderup",
        dt.date(2024, 6, 5),
        "Vinderup Kulturhus",
        "kl. 1900",
    )
    assert [(i.number, i.title) for i in m.agenda] == [
        (1, "Velkomst og godkendelse af dagsorden"),
        (2, "Byfornyelse af torvet"),
        (3, "Sommerfest 2024"),
        (4, "Eventuelt"),
    ]
    assert len(m.warnings) == 1
    assert "nummereret om" in m.warnings[0]
    people = {p.name: p for p in m.participants}
    assert list(people) == [
        "Kirsten Mølgaard",
        "Bent Hvid",
        "Jonas Kragh",
        "Mie Thygesen",
        "Poul Erik Brix",
        "Lise Bundgaard",
    ]
    assert people["Kirsten Mølgaard"].role == "formand"
    assert people["Lise Bundgaard"].absent


def test_collapsed_numbering_entries() -> None:
    m = _fixture("lokalraad-kollapset.txt")
    got = [(e.item_number, e.kind, e.speaker, e.owner, e.due, e.text) for e in m.entries]
    _assert_rows(
        got,
        [
            (1, S, "Kirsten Mølgaard", None, None, "Kirsten Mølgaard bød velko"),
            (1, D, None, None, None, "Dagsordenen blev godkendt."),
            (2, S, "Bent Hvid", None, None, "Bent Hvid orienterede fra "),
            (2, S, "Jonas Kragh", None, None, "Jonas Kragh spurgte, om pa"),
            (2, D, None, None, None, "Der var enighed om at send"),
            (2, A, None, "Jonas Kragh", dt.date(2024, 6, 20), "Jonas Kragh skriver udkast"),
            (3, S, "Mie Thygesen", None, None, "Mie Thygesen fortalte, at "),
            (3, A, None, "Mie Thygesen", dt.date(2024, 6, 20), "Mie bestiller telt inden 2"),
            (4, S, "Poul Erik Brix", None, None, "Poul Erik Brix foreslog en"),
        ],
    )


def test_extraction_debris_fixture_really_has_debris() -> None:
    raw = (FIXTURES / "kredsraad-udtraek.txt").read_text(encoding="utf-8")
    for debris in ("\u00ad", "\u00a0", "a\u030a", "Side 2 af 3", "\f", "an-\nmeldte"):
        assert debris in raw


def test_extraction_debris() -> None:
    m = _fixture("kredsraad-udtraek.txt")
    assert (m.title, m.date, m.place, m.time_of_day) == (
        "kredsrådsmøde i Ringkøbing-Skjern Kommune",
        dt.date(2023, 10, 4),
        "rådhuset i Ringkøbing",
        "kl. 13.00-15.30",
    )
    assert unicodedata.is_normalized("NFC", m.title)
    assert [i.title for i in m.agenda] == [
        "Orientering fra politiet",
        "Orientering fra kommunen",
        "Eventuelt",
    ]
    assert [p.name for p in m.participants if p.absent] == ["Kåre Skjæveland"]
    assert [p.name for p in m.participants if p.role == "referent"] == ["Jens Ravn"]
    assert [(e.item_number, e.kind, e.speaker) for e in m.entries] == [
        (1, S, "Helle Kyndesen"),
        (1, S, "Jens Ravn"),
        (2, S, "Hans Østergaard"),
        (2, S, "Ane Søndergaard"),
        (3, D, None),
    ]
    text = "\n".join(e.text for e in m.entries)
    for clean in (
        "antallet af anmeldte indbrud",
        "med 12 procent i forhold til samme periode",
        "sommerhusområderne",
        "de forebyggende samtaler med unge fortsætter i efteråret.",
        "det nye sundhedshus i Tarm",
        "mod it-kriminalitet over for ældre",
        "med Midt- og Vestjyllands Politi.",
    ):
        assert clean in text
    for debris in ("Side", "POLITI", "\u00ad", "\u00a0", "a\u030a"):
        assert debris not in text
    assert m.warnings == ()


# --------------------------------------------------------------------------------------------------
# Variants in small documents


def _doc(body: str, *, people: str | None = None, agenda: str | None = None, title: str | None = None) -> str:
    people = (
        people
        if people is not None
        else "Deltagere:\nFormand Mette Lund Jensen (MLJ)\nKasserer Bo Hansen (BH)\nSekretær Ida Kromann"
    )
    agenda = agenda if agenda is not None else "Dagsorden:\n1. Orientering\n2. Budget\n3. Eventuelt"
    title = title or "Referat af bestyrelsesmøde i Foreningen Engen den 5. juni 2024"
    return f"{title}\n\n{people}\n\n{agenda}\n\nReferat:\n\n{body}\n"


@pytest.mark.parametrize(
    ("heading", "number", "title"),
    [
        ("Ad 1 - Orientering", 1, "Orientering"),
        ("Ad 2 – Budget:", 2, "Budget"),
        ("Ad 2 — Budget", 2, "Budget"),
        ("Ad 3:", 3, "Eventuelt"),
        ("Ad. pkt. 2. Budget", 2, "Budget"),
        ("Ad pkt. 2", 2, "Budget"),
        ("Pkt. 2. Budget (B)", 2, "Budget"),
        ("Punkt 2", 2, "Budget"),
        ("Punkt 2: Budget.", 2, "Budget"),
        ("2. Budget", 2, "Budget"),
        ("2) Budget", 2, "Budget"),
        ("2: Budget", 2, "Budget"),
        ("2:Budget", 2, "Budget"),
    ],
)
def test_heading_variants(heading: str, number: int, title: str) -> None:
    m = parse_referat(_doc(f"{heading}\n\nBo Hansen oplyste, at kassen er tom."))
    [entry] = m.entries
    assert (entry.item_number, entry.speaker) == (number, "Bo Hansen")
    assert {i.number: i.title for i in m.agenda}[number] == title


@pytest.mark.parametrize(
    "line",
    [
        "19. marts 2024 blev der holdt møde.",
        "2 millioner sager om året.",
        "1. maj var der fest.",
        "12:30 Frokost i kantinen.",
    ],
)
def test_lines_that_are_not_headings(line: str) -> None:
    m = parse_referat(_doc(f"Ad 1 - Orientering\n\n{line}"))
    assert [(e.item_number, e.text) for e in m.entries] == [(1, line)]


def test_numbered_list_inside_an_item_is_content() -> None:
    body = "1. Orientering\n\nBo Hansen gennemgik listen:\n\n1. Nye bænke\n\n2. Budget\n\nIntet."
    m = parse_referat(_doc(body, agenda="Dagsorden:\n1. Orientering\n2. Budget"))
    assert [(e.item_number, e.text) for e in m.entries] == [
        (1, "Bo Hansen gennemgik listen:"),
        (1, "1. Nye bænke"),
        (2, "Intet."),
    ]


@pytest.mark.parametrize(
    ("title", "date"),
    [
        ("Referat af bestyrelsesmøde den 19. marts 2024", dt.date(2024, 3, 19)),
        ("Referat af bestyrelsesmøde tirsdag den 19. marts 2024", dt.date(2024, 3, 19)),
        ("Referat af bestyrelsesmøde 19.03.2024", dt.date(2024, 3, 19)),
        ("Referat af bestyrelsesmøde 19-03-2024", dt.date(2024, 3, 19)),
        ("Referat af bestyrelsesmøde 19/3-2024", dt.date(2024, 3, 19)),
        ("Referat af bestyrelsesmøde d. 1. dec. 2023", dt.date(2023, 12, 1)),
        ("REFERAT AF BESTYRELSESMØDE DEN 2. JANUAR 2025", dt.date(2025, 1, 2)),
    ],
)
def test_title_dates(title: str, date: dt.date) -> None:
    m = parse_referat(_doc("Ad 1 - Orientering\n\nIntet.", title=title))
    assert m.date == date
    assert m.title.lower() == "bestyrelsesmøde"


@pytest.mark.parametrize(
    ("header", "title", "date", "place", "time"),
    [
        (
            "REFERAT\nBestyrelsesmøde i Grundejerforeningen Egebakken\nDato: 12.03.2024\nMødested: Klubhuset",
            "Bestyrelsesmøde i Grundejerforeningen Egebakken",
            dt.date(2024, 3, 12),
            "Klubhuset",
            None,
        ),
        (
            "Referat fra generalforsamling\nDato og tid: tirsdag den 4. juni 2024 kl. 19.30",
            "generalforsamling",
            dt.date(2024, 6, 4),
            None,
            "kl. 19.30",
        ),
        (
            "Referat af udvalgsmøde\nDato: 19/3-2024\nTidspunkt: 15.00-17.00\nSted: Rådhuset, lokale 2",
            "udvalgsmøde",
            dt.date(2024, 3, 19),
            "Rådhuset, lokale 2",
            "15.00-17.00",
        ),
        (
            "Referat af kredsrådsmøde den 7. maj 2024\nMødet blev holdt i Fælleshuset den 7. maj kl. 14.00-16.00.",
            "kredsrådsmøde",
            dt.date(2024, 5, 7),
            "Fælleshuset",
            "kl. 14.00-16.00",
        ),
    ],
)
def test_header_fields(header: str, title: str, date: dt.date, place: str | None, time: str | None) -> None:
    text = f"{header}\n\nDeltagere:\nBo Hansen\n\nDagsorden:\n1. Orientering\n\nReferat:\n\nAd 1\n\nIntet."
    m = parse_referat(text)
    assert (m.title, m.date, m.place, m.time_of_day) == (title, date, place, time)


@pytest.mark.parametrize(
    ("line", "name", "title", "role", "initials"),
    [
        ("Formand Mette Lund Jensen (MLJ)", "Mette Lund Jensen", "Formand", "formand", "MLJ"),
        ("Mette Lund Jensen, formand", "Mette Lund Jensen", "formand", "formand", None),
        ("Direktør for Børn og Unge, Helle Støve", "Helle Støve", "Direktør for Børn og Unge", None, None),
        ("Borgmester H.C. Østerby", "H.C. Østerby", "Borgmester", None, None),
        ("Juridisk konsulent Camilla Hermann Slumstrup (referent)", "Camilla Hermann Slumstrup",
         "Juridisk konsulent", "referent", None),
        ("Bo Hansen (formand)", "Bo Hansen", None, "formand", None),
        ("Kasserer Anne-Marie Kjær", "Anne-Marie Kjær", "Kasserer", "kasserer", None),
    ],
)  # fmt: skip
def test_participant_lines(
    line: str, name: str, title: str | None, role: str | None, initials: str | None
) -> None:
    m = parse_referat(_doc("Ad 1\n\nIntet.", people=f"Til stede:\n{line}"))
    assert [(p.name, p.title, p.role, p.initials, p.absent) for p in m.participants] == [
        (name, title, role, initials, False)
    ]


@pytest.mark.parametrize(
    "label", ["Afbud:", "Afbud fra:", "Fraværende:", "Fraværende med afbud", "Fraværende med afbud:"]
)
def test_absent_labels(label: str) -> None:
    m = parse_referat(_doc("Ad 1\n\nIntet.", people=f"Deltagere:\nBo Hansen\n\n{label}\nIda Kromann"))
    assert [(p.name, p.absent) for p in m.participants] == [("Bo Hansen", False), ("Ida Kromann", True)]


def test_referent_line_adds_missing_person() -> None:
    m = parse_referat(_doc("Ad 1\n\nIntet.\n\nReferent: Søren Dahl", people="Deltagere:\nBo Hansen"))
    assert [(p.name, p.role) for p in m.participants] == [("Bo Hansen", None), ("Søren Dahl", "referent")]
    assert [(e.item_number, e.text) for e in m.entries] == [(1, "Intet.")]


def test_labelled_decision_with_organ_and_date() -> None:
    body = (
        "Ad 2 - Budget\n\nSagsfremstilling:\nForvaltningen har udarbejdet et budget.\n\n"
        "Beslutning i Økonomiudvalget den 12-03-2024\nIndstillingen blev fulgt.\n\nDet samlede beløb er 2 mio. kr.\n\n"
        "Ida Kromann bemærkede, at beløbet er for højt."
    )
    m = parse_referat(_doc(body))
    assert [(e.kind, e.speaker, e.text) for e in m.entries] == [
        (S, None, "Sagsfremstilling: Forvaltningen har udarbejdet et budget."),
        (D, None, "Indstillingen blev fulgt."),
        (D, None, "Det samlede beløb er 2 mio. kr."),
        (S, "Ida Kromann", "Ida Kromann bemærkede, at beløbet er for højt."),
    ]


@pytest.mark.parametrize(
    ("line", "owner", "due"),
    [
        (
            "Opfølgning: Kassereren laver et nyt budget (BH) inden 15. oktober.",
            "Bo Hansen",
            dt.date(2024, 10, 15),
        ),
        ("Opfølgning: BH laver et nyt budget senest 1.11.2024.", "Bo Hansen", dt.date(2024, 11, 1)),
        ("To do: Ida Kromann indkalder, frist: 1/7.", "Ida Kromann", dt.date(2024, 7, 1)),
        (
            "To do: Nyt budget. Ansvarlig: Mette Lund Jensen. Frist 3. maj",
            "Mette Lund Jensen",
            dt.date(2025, 5, 3),
        ),
        ("Opfølgning: Ida indkalder til nyt møde.", "Ida Kromann", None),
        ("To do: Nyt budget (XY) inden 1. august 2024.", "XY", dt.date(2024, 8, 1)),
    ],
)
def test_actions(line: str, owner: str, due: dt.date | None) -> None:
    m = parse_referat(_doc(f"Ad 2 - Budget\n\n{line}"))
    [entry] = m.entries
    assert (entry.kind, entry.owner, entry.due, entry.speaker) == (A, owner, due, None)
    assert entry.text == line.split(":", 1)[1].strip()
    assert any("(XY)" in w for w in m.warnings) == (owner == "XY")


def test_action_label_with_bullets_then_statement() -> None:
    body = "Ad 2 - Budget\n\nOpfølgning:\n- BH sender budget.\n- MLJ indkalder.\n\nDer blev ikke spurgt til andet."
    m = parse_referat(_doc(body))
    assert [(e.kind, e.owner) for e in m.entries] == [(A, "Bo Hansen"), (A, "Mette Lund Jensen"), (S, None)]


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("Der var enighed om at købe nye stole.", D),
        ("Regnskabet blev godkendt.", D),
        ("Bestyrelsen besluttede at købe nye stole.", D),
        ("Orienteringen blev taget til efterretning.", D),
        ("Der var bred enighed om forslaget.", D),
        ("Forslaget blev drøftet.", S),
    ],
)
def test_implicit_decisions(sentence: str, kind: EntryKind) -> None:
    m = parse_referat(_doc(f"Ad 1\n\nBo Hansen orienterede om stolene. {sentence}"))
    assert [(e.kind, e.speaker, e.text) for e in m.entries] == [
        (S, "Bo Hansen", "Bo Hansen orienterede om stolene." + ("" if kind is D else f" {sentence}")),
        *([(D, None, sentence)] if kind is D else []),
    ]


def test_speaker_claiming_a_decision_stays_a_statement() -> None:
    m = parse_referat(_doc("Ad 1\n\nBo Hansen oplyste, at bestyrelsen besluttede at spare."))
    assert [(e.kind, e.speaker) for e in m.entries] == [(S, "Bo Hansen")]


def test_unknown_speaker_and_unknown_item_warn() -> None:
    body = "Ad 1\n\nSkoleleder Susanne Holm orienterede om skolen.\n\nAd 7 - Fest\n\nBo Hansen takkede."
    m = parse_referat(_doc(body))
    assert [(e.item_number, e.speaker) for e in m.entries] == [(1, None), (7, "Bo Hansen")]
    assert {i.number: i.title for i in m.agenda}[7] == "Fest"
    assert any("Susanne Holm" in w and "deltagerlisten" in w for w in m.warnings)
    assert any("Punkt 7" in w and "dagsordenen" in w for w in m.warnings)


def test_carried_speaker_is_reset_by_a_new_item() -> None:
    body = "Ad 1\n\nBo Hansen orienterede om stolene.\n\nDe er bestilt.\n\nAd 2\n\nDe koster 300 kr."
    m = parse_referat(_doc(body))
    assert [e.speaker for e in m.entries] == ["Bo Hansen", "Bo Hansen", None]


def test_no_body_label_but_ad_headings() -> None:
    text = _doc("Ad 1 - Orientering\n\nBo Hansen takkede.").replace("Referat:\n\n", "")
    m = parse_referat(text)
    assert [i.number for i in m.agenda] == [1, 2, 3]
    assert [(e.item_number, e.speaker) for e in m.entries] == [(1, "Bo Hansen")]


def test_name_after_a_verb_is_not_the_speaker() -> None:
    m = parse_referat(_doc("Ad 1\n\nFormanden takkede Bo Hansen for indsatsen."))
    assert [e.speaker for e in m.entries] == [None]


def test_per_item_referat_labels_in_pkt_style() -> None:
    text = (
        "Referat af bestyrelsesmøde den 5. juni 2024\n\nTil stede:\nBo Hansen\nIda Kromann\n\n"
        "Pkt. 1. Budget (B)\nSagsfremstilling:\nBudgettet er udsendt.\nReferat:\nBo Hansen gennemgik budgettet.\n"
        "Beslutning:\nGodkendt.\n\n"
        "Pkt. 2. Eventuelt\nReferat:\nIda Kromann takkede for i aften."
    )
    m = parse_referat(text)
    assert [(i.number, i.title) for i in m.agenda] == [(1, "Budget"), (2, "Eventuelt")]
    assert m.opening is None
    assert [(e.item_number, e.kind, e.speaker, e.text) for e in m.entries] == [
        (1, S, None, "Sagsfremstilling: Budgettet er udsendt."),
        (1, S, "Bo Hansen", "Bo Hansen gennemgik budgettet."),
        (1, D, None, "Godkendt."),
        (2, S, "Ida Kromann", "Ida Kromann takkede for i aften."),
    ]


def test_wrapped_agenda_title_and_dated_heading_line() -> None:
    text = (
        "Grundejerforeningen Egebakken\nBestyrelsesmøde 12.03.2024\n\nAfbud: Ingen\n\n"
        "Dagsorden:\n1. Drøftelse af mulige indsatser i\nsamarbejdsplanen for 2025\n2. Eventuelt\n\n"
        "Referat:\n\nAd 1\n\nDer blev ikke drøftet noget."
    )
    m = parse_referat(text)
    assert (m.title, m.date) == ("Bestyrelsesmøde", dt.date(2024, 3, 12))
    assert m.agenda[0].title == "Drøftelse af mulige indsatser i samarbejdsplanen for 2025"
    assert m.agenda[0].background == ()
    assert m.participants == ()
    assert "Ingen deltagerliste fundet." in m.warnings


# --------------------------------------------------------------------------------------------------
# Refusals


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("tom.txt", "filen er tom"),
        ("indkoebsliste.txt", "ingen dato fundet"),
        ("nyhedsartikel.txt", "ingen dagsordenspunkter eller Ad-afsnit fundet"),
    ],
)
def test_refuses_fixtures(name: str, reason: str) -> None:
    with pytest.raises(NotAReferat, match=reason):
        _fixture(name)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "filen er tom"),
        ("  \n\n\t \r\n", "filen er tom"),
        ("PK\x03\x04\x14\x00\x06\x00\x08\x00!\x00" * 20, "ikke læsbar tekst"),
        ("\x01\x02\x03\x1b\x1c" * 50 + "Referat af møde den 5. juni 2024", "ikke læsbar tekst"),
    ],
)
def test_refuses_text(text: str, reason: str) -> None:
    with pytest.raises(NotAReferat, match=reason):
        parse_referat(text)


# --------------------------------------------------------------------------------------------------
# Reading files and normalising


def test_read_docx_round_trip(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Referat af bestyrelsesmøde i Foreningen Engen")
    table = document.add_table(rows=2, cols=2)
    for row, (key, value) in zip(
        table.rows, [("Dato:", "5. juni 2024"), ("Sted:", "Klubhuset")], strict=True
    ):
        row.cells[0].text, row.cells[1].text = key, value
    document.add_paragraph("Deltagere:")
    people = document.add_table(rows=2, cols=2)
    for row, (name, title) in zip(
        people.rows, [("Bo Hansen", "formand"), ("Ida Kromann", "kasserer")], strict=True
    ):
        row.cells[0].text, row.cells[1].text = name, title
    document.add_paragraph("Dagsorden:")
    document.add_paragraph("Orientering", style="List Number")
    document.add_paragraph("Nye stole til salen", style="List Bullet")
    document.add_paragraph("Eventuelt", style="List Number")
    document.add_paragraph("Referat:")
    document.add_paragraph("Ad 1 - Orientering")
    document.add_paragraph("Bo Hansen orienterede om stolene. Der var enighed om at købe 20 nye.")
    document.add_paragraph("Ad 2:")
    document.add_paragraph("Intet at bemærke.")
    path = tmp_path / "referat.docx"
    document.save(str(path))

    m = parse_referat(read_document(path), source_name=path.name)
    assert (m.title, m.date, m.place) == (
        "bestyrelsesmøde i Foreningen Engen",
        dt.date(2024, 6, 5),
        "Klubhuset",
    )
    assert [(p.name, p.title) for p in m.participants] == [
        ("Bo Hansen", "formand"),
        ("Ida Kromann", "kasserer"),
    ]
    assert [(i.number, i.title, i.bullets) for i in m.agenda] == [
        (1, "Orientering", ("Nye stole til salen",)),
        (2, "Eventuelt", ()),
    ]
    assert [(e.kind, e.speaker, e.text) for e in m.entries] == [
        (S, "Bo Hansen", "Bo Hansen orienterede om stolene."),
        (D, None, "Der var enighed om at købe 20 nye."),
        (S, None, "Intet at bemærke."),
    ]


def test_read_docx_with_word_list_numbering(tmp_path: Path) -> None:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    def numbered(paragraph: Paragraph, num_id: int, level: int = 0) -> None:
        num_pr = OxmlElement("w:numPr")
        for tag, value in (("w:ilvl", level), ("w:numId", num_id)):
            child = OxmlElement(tag)
            child.set(qn("w:val"), str(value))
            num_pr.append(child)
        paragraph._p.get_or_add_pPr().append(num_pr)

    document = docx.Document()
    document.add_paragraph("Referat af styregruppemøde den 2. februar 2024")
    document.add_paragraph("Dagsorden:")
    # In the default template numId 5 is a decimal list and numId 1 a bullet list.
    numbered(document.add_paragraph("Status på byggeriet"), 5)
    numbered(document.add_paragraph("Tidsplan for etape 2"), 5, level=1)
    numbered(document.add_paragraph("Økonomi"), 1)
    numbered(document.add_paragraph("Eventuelt"), 5)
    document.add_paragraph("Referat:")
    document.add_paragraph("Ad 2 - Eventuelt")
    document.add_paragraph("Intet.")
    path = tmp_path / "styregruppe.docx"
    document.save(str(path))

    m = parse_referat(read_document(path))
    assert [(i.number, i.title, i.bullets) for i in m.agenda] == [
        (1, "Status på byggeriet", ("Tidsplan for etape 2", "Økonomi")),
        (2, "Eventuelt", ()),
    ]
    assert m.warnings == ("Ingen deltagerliste fundet.",)


def test_read_cp1252_and_utf8_sig(tmp_path: Path) -> None:
    text = (FIXTURES / "ejerforening-parentes.txt").read_text(encoding="utf-8")
    latin = tmp_path / "latin.txt"
    latin.write_bytes(text.encode("cp1252"))
    bom = tmp_path / "bom.txt"
    bom.write_bytes(text.encode("utf-8-sig"))
    assert read_document(latin) == text
    assert read_document(bom) == text
    assert parse_referat(read_document(latin)).participants[0].name == "Birthe Kromann"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("referat.pdf", b"%PDF-1.7", "ikke en gyldig PDF"),
        ("referat.odt", b"x", "filtypen .odt"),
        ("referat", b"x", "filtypen uden endelse"),
        ("referat.docx", b"not a zip", "gyldigt Word-dokument"),
        ("referat.txt", b"abc\x00def", "ikke læsbar tekst"),
    ],
)
def test_read_document_refuses(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(NotAReferat, match=reason):
        read_document(path)


def test_read_missing_file(tmp_path: Path) -> None:
    with pytest.raises(NotAReferat, match="kunne ikke læses"):
        read_document(tmp_path / "findes-ikke.txt")


def test_content_hash_ignores_line_endings_and_unicode_form() -> None:
    text = (FIXTURES / "lokalraad-kollapset.txt").read_text(encoding="utf-8")
    lf = parse_referat(text).content_hash
    assert parse_referat(text.replace("\n", "\r\n")).content_hash == lf
    assert parse_referat(unicodedata.normalize("NFD", text)).content_hash == lf
    assert parse_referat(text.replace("torvet", "torvene")).content_hash != lf


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("r\u0061\u030adhus", "rådhus"),
        ("12\u00a0procent  og\tmere ", "12 procent og mere"),
        ("sund\u00adheds\u00adhus", "sundhedshus"),
        ("forebyg-\ngelse af vold", "forebyggelse\naf vold"),
        ("mod it-\nkriminalitet", "mod it-kriminalitet"),
        ("Midt-\nog Vestjyllands", "Midt-\nog Vestjyllands"),
        ("Ringkøbing-\nSkjern Kommune", "Ringkøbing-Skjern\nKommune"),
        ("udsat for\n\n\n\nindbrud, for at", "udsat for indbrud, for at"),
        ("slut.\n\n\n\nNæste afsnit", "slut.\n\nNæste afsnit"),
        ("tekst her\n\nSide 2 af 3\n\nmere tekst", "tekst her mere tekst"),
        ("Et afsnit.\n\n2\n\nNyt afsnit.", "Et afsnit.\n\nNyt afsnit."),
        (
            "Kommunen\nSide 1\n\fKommunen\nEt afsnit.\nSide 2\n\fKommunen\nSlut.",
            "Kommunen\n\nEt afsnit.\n\nSlut.",
        ),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_normalise_is_idempotent(reference_text: str) -> None:
    once = normalise(reference_text)
    assert normalise(once) == once
    debris = normalise((FIXTURES / "kredsraad-udtraek.txt").read_text(encoding="utf-8"))
    assert normalise(debris) == debris
