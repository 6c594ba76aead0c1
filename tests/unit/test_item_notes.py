"""Parsing and wording of dissent (protokollat), inhabilitet and absence from an item: plain calls."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.meeting.parse import CommandError, ItemNote, parse_command
from bot.referat.compile import note_paragraph
from storage.records import Entry, EntryKind, Participant

NOW = dt.datetime(2024, 3, 19, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("protokollat 3 Jeg er imod.", ItemNote(EntryKind.DISSENT, 3, "Jeg er imod.")),
        ("dissent 3: I disagree", ItemNote(EntryKind.DISSENT, 3, "I disagree")),
        ("inhabil 4 <@ULARS>", ItemNote(EntryKind.CONFLICT, 4, "<@ULARS>", "ULARS", None)),
        ("conflict 4 Lars  Møller", ItemNote(EntryKind.CONFLICT, 4, "Lars Møller", None, "Lars Møller")),
        ("fravær 2 Helle Støve", ItemNote(EntryKind.AWAY, 2, "Helle Støve", None, "Helle Støve")),
        ("fravaer 2 <@USTOVE|helle>", ItemNote(EntryKind.AWAY, 2, "<@USTOVE|helle>", "USTOVE", None)),
    ],
)
def test_notes_on_an_item_parse(text: str, expected: ItemNote) -> None:
    assert parse_command(text, now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("protokollat", "Skriv punktets nummer"),
        ("protokollat 3", "Skriv hvad du ønsker ført til protokol under punkt 3"),
        ("inhabil 3", "Skriv hvem det gælder under punkt 3"),
        ("fravær x Helle", "er ikke et punktnummer"),
        ("inhabil 3 <@U1> <@U2>", "Skriv én person ad gangen"),
    ],
)
def test_sloppy_notes_are_refused_with_the_usage(text: str, fragment: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse_command(text, now=NOW)
    assert fragment in caught.value.message
    assert "Brug: /referat" in caught.value.message


HELLE = Participant(1, 1, "Helle Kyndesen", "Politidirektør", "politiet", False, "UHELLE")
STOVE = Participant(2, 1, "Helle Støve", "Direktør for Børn og Unge", "kommunen", False, "USTOVE")


@pytest.mark.parametrize(
    ("kind", "person", "text", "sentence"),
    [
        (
            EntryKind.DISSENT,
            HELLE,
            "Jeg kan ikke støtte beslutningen.",
            "Politidirektør Helle Kyndesen ønskede følgende ført til protokol: «Jeg kan ikke støtte beslutningen.»",
        ),
        (
            EntryKind.CONFLICT,
            STOVE,
            "<@USTOVE>",
            "Direktør for Børn og Unge, Helle Støve, erklærede sig inhabil og deltog ikke i behandlingen af punktet.",
        ),
        (EntryKind.AWAY, HELLE, "Helle", "Politidirektør Helle Kyndesen deltog ikke under punktet."),
    ],
)
def test_each_note_has_its_fixed_sentence(
    kind: EntryKind, person: Participant, text: str, sentence: str
) -> None:
    entry = Entry(1, 1, 1, 3, kind, text, "UREF", speaker_id=person.id)
    assert note_paragraph(entry, [HELLE, STOVE]) == sentence
