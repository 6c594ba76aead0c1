"""The referat's form: frame sentences, reported speech, golden text and Markdown."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.referat.compile import (
    compile_referat,
    escape_markdown,
    person_label,
    place_sentence,
    referat_markdown,
    referat_text,
    render_text,
    statement_paragraph,
    title_line,
)
from storage.records import (
    AgendaItem,
    Entry,
    EntryKind,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    Participant,
)
from support.paths import REFERENCE

CREATED = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)


def make_meeting(**changes: object) -> Meeting:
    fields: dict[str, object] = {
        "id": 1,
        "title": "Styregruppemøde i Projekt Bo Trygt",
        "date": dt.date(2026, 11, 24),
        "place": "Rådhuset i Holstebro",
        "status": MeetingStatus.OPEN,
        "channel_id": "C1",
        "starter_user_id": "U1",
        "created_utc": CREATED,
        "time_of_day": "kl. 14.00-16.00",
        "opening": "Politidirektør Helle Kyndesen bød velkommen.",
    }
    fields.update(changes)
    return Meeting(**fields)  # type: ignore[arg-type]


def person(
    pid: int,
    name: str,
    title: str | None,
    organisation: str | None = None,
    *,
    absent: bool = False,
    role: str | None = None,
) -> Participant:
    return Participant(
        id=pid,
        meeting_id=1,
        name=name,
        title=title,
        organisation=organisation,
        absent=absent,
        role=role,
        position=pid,
    )


def entry(
    seq: int,
    item: int,
    text: str,
    kind: EntryKind = EntryKind.STATEMENT,
    **changes: object,
) -> Entry:
    fields: dict[str, object] = {
        "id": seq,
        "meeting_id": 1,
        "seq": seq,
        "item_number": item,
        "kind": kind,
        "text": text,
        "author_user_id": "U1",
    }
    fields.update(changes)
    return Entry(**fields)  # type: ignore[arg-type]


KYNDESEN = person(1, "Helle Kyndesen", "Politidirektør", "politiet")
MOELLER = person(2, "Lars Møller", "Kommunaldirektør", "kommunen")
STOEVE = person(3, "Helle Støve", "Direktør for Børn og Unge", "kommunen")
REFERENT = person(4, "Camilla Hermann Slumstrup", "Juridisk konsulent", "politiet", role="referent")
HOLM = person(5, "Per Holm", None)
NOERGAARD = person(6, "Claus Nørgaard", "Stabschef", "politiet", absent=True)
SUNDTOFT = person(
    7, "Frederik Sundtoft", "Vicepolitiinspektør, fg., Holstebro-Thisted Lokalpoliti", "politiet"
)
KIRKEGAARD = person(8, "Lars Kirkegaard", "Afdelingschef for Politiets Administrative Center", "politiet")
FORMAND = person(9, "Per", "Formand")

SMALL_PEOPLE = (KYNDESEN, MOELLER, STOEVE, REFERENT, HOLM, NOERGAARD)
SMALL_AGENDA = (
    AgendaItem(
        1, 1, 1, "Orientering fra politiet", bullets=("Status på Bo Trygt", "Kriminalitetsudviklingen")
    ),
    AgendaItem(2, 1, 2, "Orientering fra kommunen", background=("Kommunen orienterer om budgettet.",)),
    AgendaItem(3, 1, 3, "Eventuelt"),
)
SMALL_ENTRIES = (
    entry(1, 1, "Helle Kyndesen orienterede om status på samarbejdet.", speaker_id=1),
    entry(
        2,
        1,
        "Der var enighed om at fortsætte det gode samarbejde vedrørende området.",
        EntryKind.DECISION,
    ),
    entry(3, 1, "oplyste, at kommunen bakker op om projektet.", speaker_id=3),
    entry(
        4,
        1,
        "Kommunen sender udkast til samarbejdsaftale.",
        EntryKind.ACTION,
        owner="Lars Møller",
        due=dt.date(2026, 12, 15),
    ),
    entry(5, 2, "Budgettet er vedtaget.", speaker_id=2),
    entry(6, 2, "Budgetorienteringen tages til efterretning.", EntryKind.DECISION),
    entry(7, 7, "Mødet sluttede kl. 16."),
)
SMALL = MeetingDocument(make_meeting(), SMALL_PEOPLE, SMALL_AGENDA, SMALL_ENTRIES)

SMALL_TEXT = """\
UDKAST – version 2 – 27. november 2026

Referat af styregruppemøde i Projekt Bo Trygt den 24. november 2026

Mødet blev afholdt på Rådhuset i Holstebro, kl. 14.00-16.00

Deltagere:

Per Holm

Fra politiet:

Politidirektør Helle Kyndesen
Juridisk konsulent Camilla Hermann Slumstrup (referent)

Fra kommunen:

Kommunaldirektør Lars Møller
Direktør for Børn og Unge, Helle Støve

Afbud:

Stabschef Claus Nørgaard

Dagsorden:

1. Orientering fra politiet

- Status på Bo Trygt
- Kriminalitetsudviklingen

2. Orientering fra kommunen

Kommunen orienterer om budgettet.

3. Eventuelt

Referat:

Politidirektør Helle Kyndesen bød velkommen.

Ad 1 – Orientering fra politiet

Politidirektør Helle Kyndesen orienterede om status på samarbejdet.

Direktør for Børn og Unge, Helle Støve, oplyste, at kommunen bakker op om projektet.

Der var enighed om at fortsætte det gode samarbejde vedrørende området.

Opfølgning: Kommunen sender udkast til samarbejdsaftale. – ansvarlig: Lars Møller – frist: 15. december 2026

Ad 2 – Orientering fra kommunen

Kommunaldirektør Lars Møller: Budgettet er vedtaget.

Beslutning: Budgetorienteringen tages til efterretning.

Ad 3 – Eventuelt

Intet at bemærke.

Ad 7

Mødet sluttede kl. 16.

Referent: Juridisk konsulent Camilla Hermann Slumstrup
"""


def test_small_meeting_golden_text() -> None:
    assert referat_text(SMALL, version=2, draft_date=dt.date(2026, 11, 27)) == SMALL_TEXT


def test_approved_referat_has_no_marker_and_says_who_approved() -> None:
    approvals = (
        ("Helle Kyndesen", dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)),
        ("Lars Møller", dt.datetime(2026, 11, 28, 22, 30, tzinfo=dt.UTC)),  # 23.30 in Copenhagen
    )
    text = referat_text(SMALL, version=2, draft_date=dt.date(2026, 11, 27), approved=approvals)
    assert "UDKAST" not in text
    assert text.startswith("Referat af styregruppemøde")
    assert text.endswith(
        "Referent: Juridisk konsulent Camilla Hermann Slumstrup\n\n"
        "Godkendt 28. november 2026 af Helle Kyndesen og Lars Møller\n"
    )


def test_approvals_on_different_days_are_dated_one_by_one() -> None:
    approvals = (
        ("Helle Kyndesen", dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)),
        ("Lars Møller", dt.datetime(2026, 11, 28, 23, 30, tzinfo=dt.UTC)),  # 29 November locally
    )
    referat = compile_referat(SMALL, version=2, draft_date=None, approved=approvals)
    assert referat.approval == "Godkendt af Helle Kyndesen 27. november 2026 og Lars Møller 29. november 2026"


def test_document_approvals_and_status_count_as_approved() -> None:
    when = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
    with_approvals = MeetingDocument(SMALL.meeting, SMALL_PEOPLE, SMALL_AGENDA, (), (("Per Holm", when),))
    assert compile_referat(with_approvals, version=3).draft_marker is None
    locked = MeetingDocument(make_meeting(status=MeetingStatus.APPROVED), SMALL_PEOPLE, SMALL_AGENDA, ())
    assert compile_referat(locked, version=3).draft_marker is None
    assert compile_referat(SMALL, version=3).draft_marker == "UDKAST – version 3"
    assert compile_referat(SMALL, version=None).draft_marker is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Kredsrådsmøde i Holstebro Kommune",
            "Referat af kredsrådsmøde i Holstebro Kommune den 19. marts 2024",
        ),
        ("Bestyrelsesmøde", "Referat af bestyrelsesmøde den 19. marts 2024"),
        ("  Møde i bestyrelsen ", "Referat af møde i bestyrelsen den 19. marts 2024"),
        ("KL-møde om beskæftigelse", "Referat af KL-møde om beskæftigelse den 19. marts 2024"),
        ("DR bestyrelsesmøde", "Referat af DR bestyrelsesmøde den 19. marts 2024"),
        ("Holstebro Kommunes budgetmøde", "Referat af Holstebro Kommunes budgetmøde den 19. marts 2024"),
        ("Referat af kredsrådsmøde", "Referat af kredsrådsmøde den 19. marts 2024"),
        ("referat af kredsrådsmøde", "Referat af kredsrådsmøde den 19. marts 2024"),
        ("Referat af møde den 19. marts 2024", "Referat af møde den 19. marts 2024"),
        ("", "Referat af møde den 19. marts 2024"),
    ],
)
def test_title_line(title: str, expected: str) -> None:
    assert title_line(title, dt.date(2024, 3, 19)) == expected


@pytest.mark.parametrize(
    ("place", "time", "expected"),
    [
        ("rådhuset i Holstebro", None, "Mødet blev afholdt på rådhuset i Holstebro"),
        ("Rådhuset i Holstebro", None, "Mødet blev afholdt på Rådhuset i Holstebro"),
        ("hos Midt- og Vestjyllands Politi", None, "Mødet blev afholdt hos Midt- og Vestjyllands Politi"),
        ("Via Teams", None, "Mødet blev afholdt via Teams"),
        ("Imperiet", None, "Mødet blev afholdt på Imperiet"),
        ("i byrådssalen", "kl. 14.00-16.00", "Mødet blev afholdt i byrådssalen, kl. 14.00-16.00"),
        ("byrådssalen", "14.00-16.00", "Mødet blev afholdt på byrådssalen, kl. 14.00-16.00"),
        (None, "kl. 14.00-16.00", "Mødet blev afholdt kl. 14.00-16.00"),
        (None, None, None),
        ("  ", "", None),
    ],
)
def test_place_sentence(place: str | None, time: str | None, expected: str | None) -> None:
    assert place_sentence(place, time) == expected


ALL_PEOPLE = (KYNDESEN, MOELLER, STOEVE, REFERENT, HOLM, SUNDTOFT, KIRKEGAARD, FORMAND)


@pytest.mark.parametrize(
    ("text", "speaker", "attributed", "expected"),
    [
        # Attributed text (imported, or typed with the attribution) is never touched.
        ("Politidirektør Helle Kyndesen orienterede om X.", 1, True, None),
        # Starts with the name: the title goes in front.
        (
            "Helle Kyndesen orienterede om X.",
            1,
            False,
            "Politidirektør Helle Kyndesen orienterede om X.",
        ),
        ("helle kyndesen orienterede om X.", 1, False, "Politidirektør helle kyndesen orienterede om X."),
        (
            "Helle Kyndesens oplæg blev drøftet.",
            1,
            False,
            "Politidirektør Helle Kyndesens oplæg blev drøftet.",
        ),
        # Already title and name, or named by the writer with another title: as is.
        ("Politidirektør Helle Kyndesen orienterede om X.", 1, False, None),
        ("Afdelingsleder for PAC, Lars Kirkegaard, orienterede om PAC.", 8, False, None),
        # Long titles take the appositive form when a verb follows the name.
        (
            "Helle Støve oplyste, at kommunen bakker op.",
            3,
            False,
            "Direktør for Børn og Unge, Helle Støve, oplyste, at kommunen bakker op.",
        ),
        (
            "Frederik Sundtoft orienterede om konkrete sager.",
            7,
            False,
            # Inside a sentence the title's first part, as the reference writes it.
            "Vicepolitiinspektør Frederik Sundtoft orienterede om konkrete sager.",
        ),
        (
            "Helle Støve og Lars Møller orienterede om X.",
            3,
            False,
            # Every speaker the sentence names gets a title.
            "Direktør for Børn og Unge Helle Støve og Kommunaldirektør Lars Møller orienterede om X.",
        ),
        # The sender logged their own words: the speaker goes in front.
        (
            "orienterede om status.",
            1,
            False,
            "Politidirektør Helle Kyndesen orienterede om status.",
        ),
        (
            "oplyste, at kommunen bakker op.",
            3,
            False,
            "Direktør for Børn og Unge, Helle Støve, oplyste, at kommunen bakker op.",
        ),
        ("Budgettet er vedtaget.", 2, False, "Kommunaldirektør Lars Møller: Budgettet er vedtaget."),
        (
            "og derfor er budgettet vedtaget.",
            2,
            False,
            "Kommunaldirektør Lars Møller: og derfor er budgettet vedtaget.",
        ),
        ("Vi er enige.", 5, False, "Per Holm: Vi er enige."),
        ("takkede for mødet.", 5, False, "Per Holm takkede for mødet."),
        # No speaker: as is, unless the text opens with a participant's name.
        ("Sagen blev drøftet.", None, False, None),
        ("Lars Møller takkede for mødet.", None, False, "Kommunaldirektør Lars Møller takkede for mødet."),
        # The name in the text wins over the speaker the logger picked.
        ("Lars Møller takkede for mødet.", 1, False, "Kommunaldirektør Lars Møller takkede for mødet."),
        # A one-word name counts only for its own speaker.
        ("Per 1. januar træder aftalen i kraft.", None, False, None),
        ("Per takkede for mødet.", 9, False, "Formand Per takkede for mødet."),
        # A speaker id that is not a participant: as is.
        ("Budgettet er vedtaget.", 99, False, None),
    ],
)
def test_statement_attribution(
    text: str, speaker: int | None, attributed: bool, expected: str | None
) -> None:
    logged = entry(1, 1, text, speaker_id=speaker, attributed=attributed)
    assert statement_paragraph(logged, ALL_PEOPLE) == (text if expected is None else expected)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (KYNDESEN, "Politidirektør Helle Kyndesen"),
        (STOEVE, "Direktør for Børn og Unge, Helle Støve"),
        (SUNDTOFT, "Vicepolitiinspektør, fg., Holstebro-Thisted Lokalpoliti, Frederik Sundtoft"),
        (HOLM, "Per Holm"),
    ],
)
def test_person_label(who: Participant, expected: str) -> None:
    assert person_label(who) == expected


@pytest.mark.parametrize(
    ("kind", "text", "changes", "expected"),
    [
        (EntryKind.DECISION, "Der var enighed om at fortsætte.", {}, "Der var enighed om at fortsætte."),
        (EntryKind.DECISION, "Beslutning: Godkendt.", {}, "Beslutning: Godkendt."),
        (EntryKind.DECISION, "Det blev besluttet at vente.", {}, "Det blev besluttet at vente."),
        (EntryKind.DECISION, "Budgettet godkendes.", {}, "Beslutning: Budgettet godkendes."),
        (
            EntryKind.DECISION,
            "Byrådet godkendte budgettet.",
            {"attributed": True},
            "Byrådet godkendte budgettet.",
        ),
        (EntryKind.ACTION, "Send aftalen", {}, "Opfølgning: Send aftalen"),
        (
            EntryKind.ACTION,
            "Send aftalen",
            {"owner": "Lars Møller"},
            "Opfølgning: Send aftalen – ansvarlig: Lars Møller",
        ),
        (
            EntryKind.ACTION,
            "Send aftalen",
            {"due": dt.date(2026, 10, 15)},
            "Opfølgning: Send aftalen – frist: 15. oktober 2026",
        ),
        (
            EntryKind.ACTION,
            "Opfølgning: send aftalen",
            {"owner_user_id": "U9"},
            "Opfølgning: send aftalen – ansvarlig: Per Holm",
        ),
    ],
)
def test_decisions_and_actions(kind: EntryKind, text: str, changes: dict[str, object], expected: str) -> None:
    holm = Participant(5, 1, "Per Holm", None, None, False, slack_user_id="U9")
    doc = MeetingDocument(
        make_meeting(), (holm,), (AgendaItem(1, 1, 1, "Punkt"),), (entry(1, 1, text, kind, **changes),)
    )
    assert compile_referat(doc).sections[0].paragraphs == (expected,)


def test_statements_then_decisions_then_actions_in_logged_order() -> None:
    section = compile_referat(SMALL).sections[0]
    assert [p.split()[0] for p in section.paragraphs] == ["Politidirektør", "Direktør", "Der", "Opfølgning:"]


def test_entries_off_the_agenda_get_their_own_heading_at_the_end() -> None:
    sections = compile_referat(SMALL).sections
    assert [s.heading for s in sections] == [
        "Ad 1 – Orientering fra politiet",
        "Ad 2 – Orientering fra kommunen",
        "Ad 3 – Eventuelt",
        "Ad 7",
    ]
    assert sections[-1].paragraphs == ("Mødet sluttede kl. 16.",)


def test_empty_meeting_still_renders() -> None:
    doc = MeetingDocument(make_meeting(place=None, time_of_day=None, opening=None), (), (), ())
    assert referat_text(doc) == (
        "Referat af styregruppemøde i Projekt Bo Trygt den 24. november 2026\n\n"
        "Referat:\n\nIntet at bemærke.\n"
    )


def _logged_forms(logged: Entry, people: tuple[Participant, ...]) -> set[str]:
    """The entry's text, and the same words with the appositive comma after the speaker's name."""
    forms = {logged.text}
    for who in people:
        if logged.text.startswith(who.name + " "):
            forms.add(f"{who.name},{logged.text[len(who.name) :]}")
    return forms


@pytest.mark.parametrize("doc", [SMALL], ids=["small"])
def test_every_logged_text_appears_verbatim(doc: MeetingDocument) -> None:
    text = referat_text(doc, version=1)
    for logged in doc.entries:
        assert any(form in text for form in _logged_forms(logged, doc.participants)), logged.text


def test_deleted_entries_are_not_rendered() -> None:
    # The store hands out live entries only; the renderer must not bring back anything else.
    gone = entry(8, 1, "Denne sætning blev slettet.")
    live = MeetingDocument(SMALL.meeting, SMALL_PEOPLE, SMALL_AGENDA, SMALL_ENTRIES)
    assert gone.text not in referat_text(live)
    with_gone = MeetingDocument(SMALL.meeting, SMALL_PEOPLE, SMALL_AGENDA, (*SMALL_ENTRIES, gone))
    assert gone.text in referat_text(with_gone)


def test_markdown_structure() -> None:
    md = referat_markdown(SMALL, version=2, draft_date=dt.date(2026, 11, 27))
    lines = md.splitlines()
    assert lines[0] == "**UDKAST – version 2 – 27. november 2026**"
    assert "# Referat af styregruppemøde i Projekt Bo Trygt den 24. november 2026" in lines
    for heading in ("## Deltagere", "## Afbud", "## Dagsorden", "## Referat"):
        assert heading in lines
    assert "**Fra politiet:**" in lines
    assert "- Politidirektør Helle Kyndesen" in lines
    assert "1. Orientering fra politiet" in lines
    assert "   - Status på Bo Trygt" in lines
    assert "   Kommunen orienterer om budgettet." in lines
    assert "### Ad 1 – Orientering fra politiet" in lines
    assert "### Ad 7" in lines
    assert lines.index("## Deltagere") < lines.index("## Dagsorden") < lines.index("## Referat")
    assert md.endswith("Referent: Juridisk konsulent Camilla Hermann Slumstrup\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Almindelig tekst, æøå.", "Almindelig tekst, æøå."),
        ("*vigtigt* og _note_", r"\*vigtigt\* og \_note\_"),
        ("`kode` [link](x)", r"\`kode\` \[link\](x)"),
        ("# ikke en overskrift", r"\# ikke en overskrift"),
        ("- ikke en liste\n2. heller ikke", "\\- ikke en liste\n2\\. heller ikke"),
        ("> ikke citat", r"\> ikke citat"),
        ("it-kriminalitet 2. marts", "it-kriminalitet 2. marts"),
    ],
)
def test_escape_markdown(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


def test_markdown_escapes_user_text_but_keeps_the_words() -> None:
    doc = MeetingDocument(
        SMALL.meeting,
        SMALL_PEOPLE,
        (AgendaItem(1, 1, 1, "Punkt_1 *vigtigt*"),),
        (entry(1, 1, "# Budget\n- 2 mio. kr. til *drift*"),),
    )
    md = referat_markdown(doc)
    assert "### Ad 1 – Punkt\\_1 \\*vigtigt\\*" in md
    assert "\\# Budget\n\\- 2 mio. kr. til \\*drift\\*" in md


# --------------------------------------------------------------------------------------------
# The reference referat, typed by hand


REF_PEOPLE = (
    person(1, "H.C. Østerby", "Borgmester", "kommunen"),
    person(2, "Lars Møller", "Kommunaldirektør", "kommunen"),
    person(3, "Helle Støve", "Direktør for Børn og Unge", "kommunen"),
    person(4, "Anders Debel", "Direktør for Teknik og Miljø", "kommunen"),
    person(5, "Helle Kyndesen", "Politidirektør", "politiet"),
    person(6, "Claus Hilborg", "Chefpolitiinspektør", "politiet"),
    person(7, "Kåre Skjæveland", "Chefanklager", "politiet"),
    person(8, "Lars Kirkegaard", "Afdelingschef for Politiets Administrative Center", "politiet"),
    person(9, "Frederik Sundtoft", "Vicepolitiinspektør, fg., Holstebro-Thisted Lokalpoliti", "politiet"),
    person(10, "Camilla Hermann Slumstrup", "Juridisk konsulent", "politiet", role="referent"),
    person(11, "Claus Nørgaard", "Stabschef", absent=True),
)
REF_AGENDA = (
    AgendaItem(
        1,
        1,
        1,
        "Orientering fra politiet",
        bullets=("Kriminalitetsudviklingen i Holstebro Kommune",),
    ),
    AgendaItem(2, 1, 2, "Orientering fra kommunen"),
    AgendaItem(
        3,
        1,
        3,
        "Status på punkter i samarbejdsplanen:",
        bullets=(
            "Indsats for borgere med psykiske lidelser",
            "Indsats i boligområdet Trekanten",
            "Indsats i særligt udpegede områder",
        ),
    ),
    AgendaItem(4, 1, 4, "Drøftelse af mulige prioriterede indsatsområder i samarbejdsplanen for 2025"),
    AgendaItem(5, 1, 5, "Eventuelt"),
)
REF_ENTRIES = (
    entry(1, 1, "oplyste, at antallet af indbrud generelt er faldende.", speaker_id=6),
    entry(2, 2, "Lars Møller takkede for politiets tjenestevillighed.", speaker_id=2),
    entry(
        3,
        2,
        "H.C. Østerby orienterede om kommende begivenheder i Holstebro Kommune, hvor særligt Holstebros "
        "jubilæum medfører flere aktiviteter i byen.",
        speaker_id=1,
    ),
    entry(
        4,
        2,
        "Helle Støve oplyste om projektet Boligtotale, hvor politiet og kommunen samarbejder om "
        "forebyggelsesindsatsen.",
        speaker_id=3,
    ),
    entry(
        5,
        3,
        "De forskellige indsatser i Trekanten blev drøftet, herunder samarbejdet mellem kommunen og "
        "politiet.",
    ),
    entry(
        6, 3, "Der var enighed om at fortsætte det gode samarbejde vedrørende området.", EntryKind.DECISION
    ),
    entry(
        7,
        4,
        "Helle Kyndesen orienterede om, at der på det fælles kredsrådsmøde i efteråret 2024 skal vælges "
        "et nyt prioriteret indsatsområde gældende for samarbejdsplanen 2025.",
        speaker_id=5,
    ),
)
REF_DOC = MeetingDocument(
    make_meeting(
        title="Kredsrådsmøde i Holstebro Kommune",
        date=dt.date(2024, 3, 19),
        place="rådhuset i Holstebro",
        time_of_day=None,
        opening="Politidirektør Helle Kyndesen takkede indledningsvist for det gode samarbejde.",
    ),
    REF_PEOPLE,
    REF_AGENDA,
    REF_ENTRIES,
)


def test_every_logged_text_of_the_reference_meeting_appears() -> None:
    text = referat_text(REF_DOC, version=1)
    for logged in REF_DOC.entries:
        assert any(form in text for form in _logged_forms(logged, REF_PEOPLE)), logged.text


def test_rendering_reproduces_the_reference_lines() -> None:
    reference_lines = {line.strip() for line in REFERENCE.read_text(encoding="utf-8").splitlines()}
    rendered = render_text(compile_referat(REF_DOC, version=None))
    paragraphs = [p for p in rendered.split("\n\n") if p.strip()]

    # The header block, word for word.
    for line in paragraphs[:3]:
        assert line in reference_lines, line
    for line in ("Deltagere:", "Fra kommunen:", "Fra politiet:", "Afbud:", "Dagsorden:", "Referat:"):
        assert line in paragraphs
        assert line in reference_lines
    # Each person's title and name, which the extracted reference has in two columns.
    for who in REF_PEOPLE:
        assert who.name in reference_lines
        title_in_reference = f"{who.title} (referent)" if who.role else who.title
        assert title_in_reference in reference_lines
    # The agenda and what was said: sentences the reference has, in the same words.
    reference_text = " ".join(REFERENCE.read_text(encoding="utf-8").split())
    for expected in (
        "1. Orientering fra politiet",
        "- Kriminalitetsudviklingen i Holstebro Kommune",
        "3. Status på punkter i samarbejdsplanen:",
        "Ad 3 – Status på punkter i samarbejdsplanen:",
        "Politidirektør Helle Kyndesen takkede indledningsvist for det gode samarbejde.",
        "Chefpolitiinspektør Claus Hilborg oplyste, at antallet af indbrud generelt er faldende.",
        "Kommunaldirektør Lars Møller takkede for politiets tjenestevillighed.",
        "Borgmester H.C. Østerby orienterede om kommende begivenheder i Holstebro Kommune",
        "Direktør for Børn og Unge, Helle Støve, oplyste om projektet Boligtotale, hvor politiet og kommunen "
        "samarbejder om forebyggelsesindsatsen.",
        "Der var enighed om at fortsætte det gode samarbejde vedrørende området.",
        "Politidirektør Helle Kyndesen orienterede om, at der på det fælles kredsrådsmøde i efteråret 2024",
        "Intet at bemærke.",
    ):
        assert expected in rendered, expected
        assert expected in reference_text, expected
