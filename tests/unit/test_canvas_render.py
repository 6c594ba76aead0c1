"""The live canvas's sections, as plain calls: the public extract, one section per item, the approval."""

from __future__ import annotations

from bot.referat.canvas import CLOSED_NOW, canvas_sections
from bot.referat.compile import CLOSED_DOORS, AgendaLine, PersonGroup, Referat, Section


def referat(*sections: Section) -> Referat:
    return Referat(
        draft_marker=None,
        title="Referat af kredsrådsmøde den 19. marts 2024",
        place="Mødet blev afholdt på rådhuset",
        participants=(PersonGroup("politiet", ("Politidirektør Helle Kyndesen",)),),
        absent=(),
        agenda=(AgendaLine(1, "Tryghed"), AgendaLine(2, "Personalesag")),
        opening=None,
        sections=sections,
        referent="Referent: Camilla Slumstrup",
        approval=None,
    )


OPEN = Section(1, "Tryghed", ("Politidirektør Helle Kyndesen orienterede om *tryghed* <!here>.",))
CLOSED = Section(2, "Personalesag (lukket punkt)", (CLOSED_DOORS,))


def test_one_section_per_part_and_item_each_starting_with_its_header() -> None:
    sections = canvas_sections(referat(OPEN, CLOSED))
    assert [s.key for s in sections] == ["head", "people", "agenda", "ad-1", "ad-2", "closing"]
    assert all(s.markdown.startswith("#") for s in sections)
    assert len({s.markdown.split("\n", 1)[0] for s in sections}) == len(sections)  # headers find them


def test_while_the_meeting_is_held_a_closed_item_is_being_treated_and_user_text_stays_text() -> None:
    by_key = {s.key: s.markdown for s in canvas_sections(referat(OPEN, CLOSED))}
    assert CLOSED_NOW in by_key["ad-2"]
    assert CLOSED_DOORS not in by_key["ad-2"]
    assert "\\*tryghed\\*" in by_key["ad-1"]  # emphasis typed by a person is not markup
    assert "Mødet er i gang" in by_key["head"]


def test_once_approved_the_head_and_closing_carry_the_approval_line() -> None:
    line = "Godkendt 21. marts 2024 af Helle Kyndesen"
    by_key = {s.key: s.markdown for s in canvas_sections(referat(OPEN, CLOSED), approval=line)}
    assert f"**Godkendt** – {line}" in by_key["head"]
    assert line in by_key["closing"]
    assert CLOSED_DOORS in by_key["ad-2"]  # treated, past tense, as in the referat
    assert "kopi" in by_key["head"]
