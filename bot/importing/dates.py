"""Dates, clock times and deadlines as Danish minutes write them.

Minutes come in a handful of fixed date shapes (`19. marts 2024`, `12. januar, 2022`, `16.08.2012`,
`23/5 2016`, `Tirsdag den 3.marts 2020 Kl. 13.00`), so a few compiled patterns cover them; dateparser
would cost far more per document and guess where these refuse. Pure.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from bot.importing.vocabulary import MONTH_ALT, MONTHS

WEEKDAY_ALT: Final = "mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag"
_LEAD: Final = rf"(?:(?:{WEEKDAY_ALT}),?\s*)?(?:(?:den|d\.)\s*)?"

LONG_DATE = re.compile(
    rf"(?<![\w.])(?:(?:{WEEKDAY_ALT}),?\s*)?(?:(?:den|d\.)\s*)?(?P<day>\d{{1,2}})\.?\s*"
    rf"(?P<month>{MONTH_ALT})(?![a-zæøå])\.?(?:,?\s*(?P<year>(?:19|20)\d{{2}})(?!\d))?",
    re.IGNORECASE,
)
NUM_DATE = re.compile(
    rf"(?<![\w.,/-]){_LEAD}(?P<day>\d{{1,2}})[./-](?P<month>\d{{1,2}})"
    r"(?:[./-](?P<year>(?:19|20)\d{2}|\d{2})|\.?\s+(?P<spaced>(?:19|20)\d{2}))(?!\d|[.,:/-]\d)",
    re.IGNORECASE,
)
NUM_DAY_MONTH = re.compile(
    rf"(?<![\w.,/-]){_LEAD}(?P<day>\d{{1,2}})[./](?P<month>\d{{1,2}})(?!\d|[./-]\d)",
    re.IGNORECASE,
)
_EN_MONTHS: Final = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
# `April 3, 2019`: web pages in English templates print the Danish minutes' date month first.
EN_DATE = re.compile(
    rf"\b(?P<month>{'|'.join(_EN_MONTHS)})\s+(?P<day>\d{{1,2}}),?\s+(?P<year>(?:19|20)\d{{2}})(?!\d)",
    re.IGNORECASE,
)
_CLOCK_AFTER_DATE = re.compile(r"(?<![\d.:])(?P<clock>\d{1,2}[:.]\d{2})(?::\d{2})?(?![\d.:]\d)")
_CLOCK: Final = r"(?:\d{1,2}[.:]\d{2}|\d{3,4}|\d{1,2})"
TIME = re.compile(rf"(?<![^\W\d])kl\.?\s*{_CLOCK}(?:\s*[-–—]\s*(?:kl\.?\s*)?{_CLOCK})?(?!\d)", re.IGNORECASE)
_TIME_RANGE = re.compile(r"(?<![\d.])\d{1,2}[.:]\d{2}\s*[-–—]\s*\d{1,2}[.:]\d{2}(?!\d)")
_DUE = re.compile(r"\b(?:inden|senest|frist|deadline|til)\b\s*:?\s*(?:den\s+|d\.\s*)?", re.IGNORECASE)


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year(raw: str) -> int:
    return int(raw) + 2000 if len(raw) == 2 else int(raw)


def find_date(text: str) -> tuple[dt.date, int] | None:
    """The first complete date (with year) in `text`, and where it starts."""
    best: tuple[dt.date, int] | None = None
    for m in LONG_DATE.finditer(text):
        if m.group("year") is None:
            continue
        found = _valid_date(int(m.group("year")), MONTHS[m.group("month").lower()], int(m.group("day")))
        if found is not None:
            best = (found, m.start())
            break
    for m in NUM_DATE.finditer(text):
        found = _valid_date(
            _year(m.group("year") or m.group("spaced")), int(m.group("month")), int(m.group("day"))
        )
        if found is not None:
            if best is None or m.start() < best[1]:
                best = (found, m.start())
            break
    if best is None and (en := EN_DATE.search(text)):
        month = _EN_MONTHS[en.group("month").lower()]
        found = _valid_date(int(en.group("year")), month, int(en.group("day")))
        best = (found, en.start()) if found is not None else None
    return best


def clock_after_date(text: str) -> str | None:
    """`18:00` in `Onsdag, April 3, 2019 - 18:00` or `04-06-2020 09:00:00`: the time a date field gives."""
    found = find_date(text)
    if found is None:
        return None
    m = _CLOCK_AFTER_DATE.search(text, found[1] + 6)
    return m.group("clock") if m else None


def date_at(text: str, pos: int, meeting: dt.date) -> dt.date | None:
    """A deadline date starting at `pos`; a missing year is the meeting's, or the next if already past."""
    if m := NUM_DATE.match(text, pos):
        return _valid_date(
            _year(m.group("year") or m.group("spaced")), int(m.group("month")), int(m.group("day"))
        )
    if m := LONG_DATE.match(text, pos):
        month, day = MONTHS[m.group("month").lower()], int(m.group("day"))
        if m.group("year"):
            return _valid_date(int(m.group("year")), month, day)
        return _roll(meeting, month, day)
    if m := NUM_DAY_MONTH.match(text, pos):
        return _roll(meeting, int(m.group("month")), int(m.group("day")))
    return None


def _roll(meeting: dt.date, month: int, day: int) -> dt.date | None:
    found = _valid_date(meeting.year, month, day)
    if found is not None and found < meeting:
        found = _valid_date(meeting.year + 1, month, day)
    return found


def find_due(text: str, meeting: dt.date) -> dt.date | None:
    """The deadline an action names (`inden 1. april`, `senest 5/6`, `til den 3.3.2025`)."""
    for m in _DUE.finditer(text):
        if (found := date_at(text, m.end(), meeting)) is not None:
            return found
    return None


def find_time(text: str) -> str | None:
    if m := TIME.search(text):
        return m.group(0)
    if m := _TIME_RANGE.search(text):
        return m.group(0)
    return None
