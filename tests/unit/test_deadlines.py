"""Deadlines are read from the meeting's date, never fall before it, and are never dropped silently."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.text.dates import DateError
from bot.text.deadlines import read_deadline

MEETING = dt.date(2024, 3, 19)  # a Tuesday, long before the tests run


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        # Weekdays: the first such day after the meeting, however it is introduced.
        ("fredag", dt.date(2024, 3, 22)),
        ("Fredag", dt.date(2024, 3, 22)),
        ("på mandag", dt.date(2024, 3, 25)),
        ("næste mandag", dt.date(2024, 3, 25)),
        ("tirsdag", dt.date(2024, 3, 26)),
        ("next Friday", dt.date(2024, 3, 22)),
        ("friday", dt.date(2024, 3, 22)),
        # Day and month without a year: the next one on or after the meeting.
        ("19/3", dt.date(2024, 3, 19)),
        ("20/3", dt.date(2024, 3, 20)),
        ("18/3", dt.date(2025, 3, 18)),
        ("5. april", dt.date(2024, 4, 5)),
        ("den 5. april", dt.date(2024, 4, 5)),
        ("1. marts", dt.date(2025, 3, 1)),
        # Whole dates.
        ("19.03.2024", dt.date(2024, 3, 19)),
        ("5. april 2024.", dt.date(2024, 4, 5)),
        ("fredag den 22. marts 2024", dt.date(2024, 3, 22)),
        ("2024-04-01", dt.date(2024, 4, 1)),
        # Counted from the meeting.
        ("i morgen", dt.date(2024, 3, 20)),
        ("om 14 dage", dt.date(2024, 4, 2)),
        ("om en uge", dt.date(2024, 3, 26)),
        ("inden for 2 uger", dt.date(2024, 4, 2)),
        ("om 2 måneder", dt.date(2024, 5, 19)),
        ("in 3 weeks", dt.date(2024, 4, 9)),
        # Parts of a month and weeks.
        ("ultimo marts", dt.date(2024, 3, 31)),
        ("primo april", dt.date(2024, 4, 1)),
        ("medio maj 2024", dt.date(2024, 5, 15)),
        ("ultimo februar", dt.date(2025, 2, 28)),
        ("uge 14", dt.date(2024, 4, 5)),
        ("uge 12", dt.date(2024, 3, 22)),
        ("uge 11", dt.date(2025, 3, 14)),
        ("i uge 14 2024", dt.date(2024, 4, 5)),
    ],
)
def test_read_deadline(words: str, expected: dt.date) -> None:
    assert read_deadline(words, MEETING) == expected


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("næste møde", 'Kunne ikke læse fristen "næste møde". Skriv fx frist 5. april'),
        ("snarest", 'Kunne ikke læse fristen "snarest".'),
        ("", "Fristen mangler en dato."),
        ("1. marts 2024", "ligger før mødet den 19. marts 2024"),
        ("uge 11 2024", "ligger før mødet"),
        ("31/2", "findes ikke"),
        ("mandag den 22. marts 2024", "er en fredag, ikke en mandag"),
        ("uge 60", "Uge 60 findes ikke"),
    ],
)
def test_unreadable_deadlines_are_refused_with_the_words_and_how_to_write_one(
    words: str, message: str
) -> None:
    with pytest.raises(DateError) as caught:
        read_deadline(words, MEETING)
    assert message in caught.value.message
    assert "frist fredag" in caught.value.message
