"""An action's deadline, read relative to the meeting's date and never before it.

Minutes are often written up days after the meeting, so `fredag` in `frist fredag` is the first Friday
after the meeting, not after today; `19/3` is the next 19 March on or after the meeting; `om 14 dage`
counts from the meeting. A deadline that cannot be read is refused with the words that could not be
read and how to write one: an action must never lose its deadline without a word.

Forms: a weekday (`fredag`, `på mandag`, `næste mandag`, `next Friday`: the first such day after the
meeting), `i morgen`, `om 14 dage` / `inden for 2 uger` / `in 3 weeks`, `ultimo marts` (the month's
last day), `medio marts` (the 15th), `primo april` (the 1st), `uge 14` (that week's Friday), and every
date `bot.text.dates.parse_date` reads (`19. marts`, `19/3`, `19.03.2024`).

Pure: no clock, no Slack, no store.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta

from bot.text import dates
from bot.text.dates import DateError, format_long_da
from bot.text.numbers import NUMBER_WORDS_DA, NUMBER_WORDS_EN

# The words that introduce a deadline in an action (`frist fredag`, `senest 1. april`, `due Friday`).
DEADLINE_WORDS = ("frist", "deadline", "senest", "inden", "due", "by")

HOW_TO_WRITE = (
    "Skriv fx frist 5. april, frist fredag, frist om 14 dage, frist ultimo marts eller frist uge 14."
)

# English "a week" and "an hour" count one too, after `om`/`in` only.
_NUMBER_WORDS = {**NUMBER_WORDS_DA, **NUMBER_WORDS_EN, "a": 1, "an": 1}
_UNITS = {
    "dag": "day",
    "dage": "day",
    "day": "day",
    "days": "day",
    "uge": "week",
    "uger": "week",
    "week": "week",
    "weeks": "week",
    "måned": "month",
    "måneder": "month",
    "month": "month",
    "months": "month",
}
_WEEKDAYS = {w: i for i, w in enumerate(dates.WEEKDAYS_DA)} | {
    w.lower(): i for i, w in enumerate(dates.WEEKDAYS_EN)
}
_MONTHS = {m: i for i, m in enumerate(dates.MONTHS_DA, start=1)} | {
    m.lower(): i for i, m in enumerate(dates.MONTHS_EN, start=1)
}
_MONTH_PART = {"primo": 1, "medio": 15, "ultimo": 0, "start": 1, "early": 1, "mid": 15, "end": 0}

_WEEKDAY_RE = re.compile(
    r"(?:(?:på|næste|førstkommende|next|on|this|coming)\s+)?(?P<wd>" + "|".join(_WEEKDAYS) + r")",
    re.IGNORECASE,
)
_IN_RE = re.compile(
    r"(?:om|for|in|within|inden\s+for)\s+(?P<n>\d{1,3}|"
    + "|".join(_NUMBER_WORDS)
    + r")\s+(?P<unit>"
    + "|".join(_UNITS)
    + r")",
    re.IGNORECASE,
)
_MONTH_PART_RE = re.compile(
    r"(?P<part>primo|medio|ultimo|start|early|mid|end)(?:\s+of)?\s+(?P<month>"
    + "|".join(_MONTHS)
    + r")(?:\s+(?P<year>\d{4}))?",
    re.IGNORECASE,
)
_WEEK_RE = re.compile(
    r"(?:i\s+|in\s+)?(?:uge|week)\s+(?P<week>\d{1,2})(?:,?\s+(?P<year>\d{4}))?", re.IGNORECASE
)
_TOMORROW = {"i morgen": 1, "imorgen": 1, "i overmorgen": 2, "overmorgen": 2, "tomorrow": 1}


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    return " ".join(text.split()).strip(" .,;:")


def unreadable(text: str) -> DateError:
    shown = _clean(text)
    if not shown:
        return DateError(f"Fristen mangler en dato. {HOW_TO_WRITE}")
    return DateError(f'Kunne ikke læse fristen "{shown}". {HOW_TO_WRITE}')


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def _month_day(year: int, month: int, part: int) -> date:
    return date(year, month, part or calendar.monthrange(year, month)[1])


def _friday_of_week(year: int, week: int) -> date | None:
    try:
        return date.fromisocalendar(year, week, 5)
    except ValueError:
        return None


def read_deadline(text: str, meeting_date: date) -> date:
    """The date a deadline's words name, counted from `meeting_date`; DateError (Danish) if none.

    A deadline never falls before the meeting: a yearless date is the next one on or after it, and
    a date written with a year that lies before the meeting is refused.
    """
    cleaned = _clean(text)
    key = cleaned.casefold()
    if not key:
        raise unreadable(text)
    if key in _TOMORROW:
        return meeting_date + timedelta(days=_TOMORROW[key])
    if m := _WEEKDAY_RE.fullmatch(cleaned):
        ahead = (_WEEKDAYS[m["wd"].lower()] - meeting_date.weekday() - 1) % 7 + 1
        return meeting_date + timedelta(days=ahead)
    if m := _IN_RE.fullmatch(cleaned):
        raw = m["n"].lower()
        count = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
        unit = _UNITS[m["unit"].lower()]
        if unit == "day":
            return meeting_date + timedelta(days=count)
        if unit == "week":
            return meeting_date + timedelta(weeks=count)
        return _add_months(meeting_date, count)
    if m := _MONTH_PART_RE.fullmatch(cleaned):
        month, part = _MONTHS[m["month"].lower()], _MONTH_PART[m["part"].lower()]
        if m["year"]:
            return _not_before(cleaned, _month_day(int(m["year"]), month, part), meeting_date)
        year = meeting_date.year
        while _month_day(year, month, part) < meeting_date:
            year += 1
        return _month_day(year, month, part)
    if m := _WEEK_RE.fullmatch(cleaned):
        week = int(m["week"])
        if m["year"]:
            friday = _friday_of_week(int(m["year"]), week)
            if friday is None:
                raise DateError(f"Uge {week} findes ikke i {m['year']}. {HOW_TO_WRITE}")
            return _not_before(cleaned, friday, meeting_date)
        for year in (meeting_date.year, meeting_date.year + 1, meeting_date.year + 2):
            friday = _friday_of_week(year, week)
            if friday is not None and friday >= meeting_date:
                return friday
        raise DateError(f"Uge {week} findes ikke. {HOW_TO_WRITE}")
    # Every other form is a date; read it as if the meeting were today, preferring the future.
    base = datetime(meeting_date.year, meeting_date.month, meeting_date.day, 12, tzinfo=dates.TZ)
    try:
        found = dates.parse_date(cleaned, now=base.astimezone(UTC), lang="da", prefer="future")
    except DateError as error:
        if error.message.startswith("Kunne ikke forstå"):
            raise unreadable(text) from None
        # A date that does not exist, or names the wrong weekday: say exactly that.
        raise DateError(f"{error.message} {HOW_TO_WRITE}") from None
    return _not_before(cleaned, found, meeting_date)


def _not_before(text: str, found: date, meeting_date: date) -> date:
    if found < meeting_date:
        raise DateError(
            f'Fristen "{text}" ({format_long_da(found)}) ligger før mødet den {format_long_da(meeting_date)}. '
            f"{HOW_TO_WRITE}"
        )
    return found
