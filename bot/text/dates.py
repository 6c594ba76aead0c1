"""Dates as people write them in Danish (and English) meetings, and date periods inside questions.

This is the only module that calls dateparser. Most forms are read by small rules of our own, because
they are faster, refuse impossible dates instead of rolling them over, and do not mistake first names
such as `Jan` or `Maj` for months; dateparser is the fallback for relative phrases such as
`for 2 uger siden`. Nothing here reads the clock: every function takes `now` (an aware datetime).

Seasons follow the meteorological convention: forår March–May, sommer June–August, efterår
September–November, and vinter December–February, where `vinteren 2024` is the winter whose January
lies in 2024 (1 December 2023 to 1 March 2024).
"""

from __future__ import annotations

import calendar
import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.text.numbers import NUMBER_WORDS_DA, NUMBER_WORDS_EN
from storage.errors import ReferatError

TZ = ZoneInfo("Europe/Copenhagen")

Prefer = Literal["nearest", "future", "past"]

MONTHS_DA = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS_DA = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# A typed meeting date or deadline is a whole date, so abbreviations are safe here; inside questions
# (find_period) only full month names count, since `Jan` and `Maj` are also first names.
_MONTH_WORDS: dict[str, int] = {}
for _i, (_da, _en) in enumerate(zip(MONTHS_DA, MONTHS_EN, strict=True), start=1):
    _MONTH_WORDS[_da] = _i
    _MONTH_WORDS[_en.lower()] = _i
    _MONTH_WORDS[_da[:3]] = _i
    _MONTH_WORDS[_en[:3].lower()] = _i
_MONTH_WORDS.update({"sept": 9, "okt": 10})

_WEEKDAY_WORDS: dict[str, int] = {}
for _i, (_da, _en) in enumerate(zip(WEEKDAYS_DA, WEEKDAYS_EN, strict=True)):
    _WEEKDAY_WORDS[_da] = _i
    _WEEKDAY_WORDS[_en.lower()] = _i
    _WEEKDAY_WORDS[_en[:3].lower()] = _i

_RELATIVE_DAYS: dict[str, int] = {
    "i dag": 0,
    "idag": 0,
    "i morgen": 1,
    "imorgen": 1,
    "i overmorgen": 2,
    "overmorgen": 2,
    "i går": -1,
    "igår": -1,
    "i gaar": -1,
    "i forgårs": -2,
    "forgårs": -2,
    "today": 0,
    "tomorrow": 1,
    "the day after tomorrow": 2,
    "yesterday": -1,
    "the day before yesterday": -2,
}

_MIN_YEAR = 1900
_MAX_YEAR = 2199
_ECHO_LIMIT = 60  # how much of the user's text a message repeats


class DateError(ReferatError, ValueError):
    """A date the user wrote that cannot be used; `message` is ready to show to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Period:
    """A span of days found in a question; `end` is exclusive."""

    start: date
    end: date
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end


# ---------------------------------------------------------------- formatting


def format_long_da(d: date) -> str:
    """`19. marts 2024`: the form of a Danish referat's title line."""
    return f"{d.day}. {MONTHS_DA[d.month - 1]} {d.year}"


def format_stamp(when: datetime) -> str:
    """`27. november 2026 kl. 14.05` in Danish time."""
    local = when.astimezone(TZ)
    return f"{format_long_da(local.date())} kl. {local:%H.%M}"


def format_short_stamp(when: datetime) -> str:
    """`27.11. kl. 14.05` in Danish time."""
    local = when.astimezone(TZ)
    return f"{local:%d.%m.} kl. {local:%H.%M}"


def format_long_en(d: date) -> str:
    """`19 March 2024`."""
    return f"{d.day} {MONTHS_EN[d.month - 1]} {d.year}"


def format_short(d: date) -> str:
    """`19.03.2024`."""
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def _format_long(d: date, lang: str) -> str:
    return format_long_en(d) if lang == "en" else format_long_da(d)


def _weekday_name(d: date, lang: str) -> str:
    return WEEKDAYS_EN[d.weekday()] if lang == "en" else WEEKDAYS_DA[d.weekday()]


# ---------------------------------------------------------------- parse_date


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def _echo(text: str) -> str:
    shown = "".join(ch if ch.isprintable() else " " for ch in _normalise(text))
    return shown if len(shown) <= _ECHO_LIMIT else shown[: _ECHO_LIMIT - 1] + "…"


def _unreadable(text: str, lang: str) -> DateError:
    if lang == "en":
        return DateError(
            f'Could not understand the date "{_echo(text)}". Write e.g. 19 March 2024 or 19.03.2024.'
        )
    return DateError(f'Kunne ikke forstå datoen "{_echo(text)}". Skriv fx 19. marts 2024 eller 19.03.2024.')


def _impossible(text: str, lang: str, why: str) -> DateError:
    if lang == "en":
        return DateError(f'The date "{_echo(text)}" does not exist ({why}).')
    return DateError(f'Datoen "{_echo(text)}" findes ikke ({why}).')


def _month_name(month: int, lang: str) -> str:
    return MONTHS_EN[month - 1] if lang == "en" else MONTHS_DA[month - 1]


def _checked_date(text: str, lang: str, year: int, month: int, day: int) -> date:
    """Build a date or explain, in the user's language, why it does not exist."""
    if not 1 <= month <= 12:
        why = "there are only 12 months" if lang == "en" else "der er kun 12 måneder"
        raise _impossible(text, lang, why)
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        if lang == "en":
            raise DateError(f'The year {year} in "{_echo(text)}" looks wrong.')
        raise DateError(f'Året {year} i datoen "{_echo(text)}" ser forkert ud.')
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        name = _month_name(month, lang)
        why = f"{name} {year} has {days} days" if lang == "en" else f"{name} {year} har {days} dage"
        raise _impossible(text, lang, why)
    return date(year, month, day)


def _full_year(digits: str) -> int:
    # Two-digit years in minutes are always this century (`19.03.24`).
    return 2000 + int(digits) if len(digits) <= 2 else int(digits)


def _resolve_yearless(text: str, lang: str, month: int, day: int, today: date, prefer: Prefer) -> date:
    if not 1 <= month <= 12:
        why = "there are only 12 months" if lang == "en" else "der er kun 12 måneder"
        raise _impossible(text, lang, why)
    candidates = []
    for year in range(today.year - 4, today.year + 5):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        name = _month_name(month, lang)
        why = f"{name} has no day {day}" if lang == "en" else f"{name} har ingen {day}. dag"
        raise _impossible(text, lang, why)
    if prefer == "future":
        return min((c for c in candidates if c >= today), default=candidates[-1])
    if prefer == "past":
        return max((c for c in candidates if c <= today), default=candidates[0])
    # Nearest occurrence, ties to the future: a meeting date may lie on either side of today.
    return min(candidates, key=lambda c: (abs((c - today).days), c < today))


_WD = rf"(?P<wd>{'|'.join(sorted(_WEEKDAY_WORDS, key=len, reverse=True))})(?:,\s*|\s+)"
_NUMERIC_RE = re.compile(
    rf"^(?:{_WD})?(?:(?:den|d\.|the|on)\s*)?"
    r"(?P<d>\d{1,2})\s*[./-]\s*(?P<m>\d{1,2})"
    r"(?:(?:\s*[./-]\s*|\s+)(?P<y>\d{4}|\d{2}))?\.?$",
    re.IGNORECASE,
)
_ISO_RE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")
_DMY_NAMED_RE = re.compile(
    rf"^(?:{_WD})?(?:(?:den|d\.|the|on)\s*)?"
    r"(?P<d>\d{1,2})(?:\.|st|nd|rd|th)?\s*(?:of\s+)?(?P<mw>[^\W\d_]+)\.?,?(?:\s+(?P<y>\d{4}))?$",
    re.IGNORECASE,
)
_MDY_NAMED_RE = re.compile(
    rf"^(?:{_WD})?(?:on\s+)?(?P<mw>[^\W\d_]+)\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?(?:\s+(?P<y>\d{{4}}))?$",
    re.IGNORECASE,
)


def _check_weekday(text: str, lang: str, wd_word: str | None, result: date) -> date:
    """`mandag den 19. marts 2024` names the wrong day: say so rather than guess which part is right."""
    if wd_word is None:
        return result
    wanted = _WEEKDAY_WORDS[wd_word.lower()]
    if wanted != result.weekday():
        written = WEEKDAYS_EN[wanted] if lang == "en" else WEEKDAYS_DA[wanted]
        if lang == "en":
            raise DateError(f"{format_long_en(result)} is a {_weekday_name(result, lang)}, not a {written}.")
        raise DateError(f"{format_long_da(result)} er en {_weekday_name(result, lang)}, ikke en {written}.")
    return result


def _dateparser_date(text: str, now: datetime, lang: str) -> tuple[date, str] | None:
    """Ask dateparser, in exactly one language; returns the date and its precision (day, month…)."""
    from dateparser.date import DateDataParser  # imported late: ~80 ms that most calls never need

    base = now.astimezone(TZ).replace(tzinfo=None)
    parser = DateDataParser(
        languages=["en" if lang == "en" else "da"],
        settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "RELATIVE_BASE": base},
    )
    try:
        data = parser.get_date_data(text)
    except (ValueError, OverflowError):
        # dateparser builds dates from what it reads and can trip over absurd numbers itself.
        return None
    if data.date_obj is None:
        return None
    return data.date_obj.date(), data.period or "day"


def parse_date(text: str, *, now: datetime, lang: str = "da", prefer: Prefer = "nearest") -> date:
    """Read a whole date as a user typed it, or raise DateError with a message for the user.

    A date without a year takes the occurrence nearest to `now` (`prefer="nearest"`, right for a
    meeting that may be planned or past), the next one (`"future"`, right for deadlines) or the last
    one (`"past"`).
    """
    today = now.astimezone(TZ).date()
    cleaned = _normalise(text).rstrip(".,; ")
    if not cleaned:
        if lang == "en":
            raise DateError("Write a date, e.g. 19 March 2024 or 19.03.2024.")
        raise DateError("Skriv en dato, fx 19. marts 2024 eller 19.03.2024.")
    key = cleaned.lower()
    if key in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[key])

    if m := _ISO_RE.match(cleaned):
        return _checked_date(text, lang, int(m["y"]), int(m["m"]), int(m["d"]))
    if m := _NUMERIC_RE.match(cleaned):
        month, day = int(m["m"]), int(m["d"])
        if m["y"] is None:
            result = _resolve_yearless(text, lang, month, day, today, prefer)
        else:
            result = _checked_date(text, lang, _full_year(m["y"]), month, day)
        return _check_weekday(text, lang, m["wd"], result)
    for pattern in (_DMY_NAMED_RE, _MDY_NAMED_RE):
        m = pattern.match(cleaned)
        if m is None:
            continue
        word = m["mw"].lower()
        if word not in _MONTH_WORDS:
            if pattern is _MDY_NAMED_RE:
                continue
            raise _unknown_month(text, lang, m["mw"])
        month, day = _MONTH_WORDS[word], int(m["d"])
        if m["y"] is None:
            result = _resolve_yearless(text, lang, month, day, today, prefer)
        else:
            result = _checked_date(text, lang, int(m["y"]), month, day)
        return _check_weekday(text, lang, m["wd"], result)

    if re.fullmatch(r"\d{4}", cleaned):
        raise _no_day(text, lang)
    # Other bare numbers are not dates (dateparser would read `3` as the 3rd of this month), and
    # very long text is not one date.
    if len(cleaned) > _ECHO_LIMIT or not re.search(r"[^\W\d_]", cleaned):
        raise _unreadable(text, lang)
    found = _dateparser_date(cleaned, now, lang)
    if found is None or not _MIN_YEAR <= found[0].year <= _MAX_YEAR:
        raise _unreadable(text, lang)
    if found[1] in ("month", "year"):
        raise _no_day(text, lang)
    return found[0]


def _no_day(text: str, lang: str) -> DateError:
    if lang == "en":
        return DateError(f'The date "{_echo(text)}" has no day. Write e.g. 19 March 2024.')
    return DateError(f'Datoen "{_echo(text)}" mangler en dag. Skriv fx 19. marts 2024.')


def _unknown_month(text: str, lang: str, word: str) -> DateError:
    names = MONTHS_EN if lang == "en" else MONTHS_DA
    close = difflib.get_close_matches(word.lower(), [n.lower() for n in names], n=1, cutoff=0.6)
    base = _unreadable(text, lang).message
    if close:
        hint = f' Did you mean "{close[0]}"?' if lang == "en" else f' Mente du "{close[0]}"?'
        return DateError(base + hint)
    return DateError(base)


def warm_up() -> None:
    """Load dateparser's Danish and English data now, so the first user does not wait ~150 ms."""
    fixed = datetime(2024, 1, 1, 12, tzinfo=TZ)
    _dateparser_date("19. marts 2024", fixed, "da")
    _dateparser_date("March 19, 2024", fixed, "en")


# ---------------------------------------------------------------- periods in questions


@dataclass(frozen=True)
class _Atom:
    """A date phrase resolved to days, before a rule (since, before, range…) turns it into a Period."""

    start: date
    end: date
    label: str
    year: int
    year_given: bool


def _month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    year, month0 = divmod(index, 12)
    day = min(d.day, calendar.monthrange(year, month0 + 1)[1])
    return date(year, month0 + 1, day)


def _month_atom(year: int, month: int, lang: str, year_given: bool) -> _Atom:
    start = _month_start(year, month)
    return _Atom(start, _add_months(start, 1), f"{_month_name(month, lang)} {year}", year, year_given)


def _latest_month(month: int, today: date, *, strictly_before: bool = False) -> int:
    """Year of the latest `month` not in the future (or, strictly, wholly before this month)."""
    if month < today.month or (month == today.month and not strictly_before):
        return today.year
    return today.year - 1


def _year_atom(year: int, lang: str) -> _Atom:
    return _Atom(date(year, 1, 1), date(year + 1, 1, 1), str(year), year, True)


def _day_atom(d: date, lang: str, year_given: bool) -> _Atom:
    return _Atom(d, d + timedelta(days=1), _format_long(d, lang), d.year, year_given)


_SEASON_MONTH = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}
_SEASON_WORDS = {
    "forår": "spring",
    "foråret": "spring",
    "sommer": "summer",
    "sommeren": "summer",
    "efterår": "autumn",
    "efteråret": "autumn",
    "vinter": "winter",
    "vinteren": "winter",
    "spring": "spring",
    "summer": "summer",
    "autumn": "autumn",
    "fall": "autumn",
    "winter": "winter",
}
_SEASON_LABEL_DA = {"spring": "foråret", "summer": "sommeren", "autumn": "efteråret", "winter": "vinteren"}


def _season_bounds(season: str, year: int) -> tuple[date, date]:
    if season == "winter":
        return date(year - 1, 12, 1), date(year, 3, 1)
    start = date(year, _SEASON_MONTH[season], 1)
    return start, _add_months(start, 3)


def _season_atom(season: str, year: int, lang: str, year_given: bool) -> _Atom:
    start, end = _season_bounds(season, year)
    shown = f"{year - 1}/{str(year)[2:]}" if season == "winter" else str(year)
    label = f"{season} {shown}" if lang == "en" else f"{_SEASON_LABEL_DA[season]} {shown}"
    return _Atom(start, end, label, year, year_given)


def _latest_season(season: str, today: date, *, ended: bool) -> int:
    """Year of the latest season that has begun (or, with `ended`, that is over)."""
    for year in range(today.year + 1, today.year - 3, -1):
        start, end = _season_bounds(season, year)
        if (end <= today) if ended else (start <= today):
            return year
    return today.year - 1


def _week_atom(year: int, week: int, lang: str, year_given: bool) -> _Atom:
    start = date.fromisocalendar(year, week, 1)
    label = f"week {week} of {year}" if lang == "en" else f"uge {week} {year}"
    return _Atom(start, start + timedelta(days=7), label, year, year_given)


_UNIT_WORDS = {
    "dag": "day",
    "dage": "day",
    "uge": "week",
    "uger": "week",
    "måned": "month",
    "måneder": "month",
    "år": "year",
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
}
_UNIT_LABEL = {
    "da": {"day": "dage", "week": "uger", "month": "måneder", "year": "år"},
    "en": {"day": "days", "week": "weeks", "month": "months", "year": "years"},
}


def _alternation(words: list[str] | tuple[str, ...]) -> str:
    # Longest first, so `foråret` is tried before `forår`.
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_YEAR = r"(?:19|20)\d{2}"
# A phrase starts and ends at a word boundary that is not inside `Maj-projektet` or `30.02.2024`.
_B = r"(?<![\w./-])"
_E = r"(?![\w-]|[./]\d)"


@dataclass(frozen=True)
class _Lexicon:
    lang: str
    months: str
    weekdays: str
    seasons: str
    numbers: dict[str, int]


_LEXICONS = {
    "da": _Lexicon(
        "da",
        _alternation(MONTHS_DA),
        _alternation(WEEKDAYS_DA),
        _alternation(
            ["forår", "foråret", "sommer", "sommeren", "efterår", "efteråret", "vinter", "vinteren"]
        ),
        NUMBER_WORDS_DA,
    ),
    "en": _Lexicon(
        "en",
        _alternation([m.lower() for m in MONTHS_EN]),
        _alternation([w.lower() for w in WEEKDAYS_EN]),
        _alternation(["spring", "summer", "autumn", "fall", "winter"]),
        NUMBER_WORDS_EN,
    ),
}


def _day_pattern(lex: _Lexicon, s: str) -> str:
    """Alternatives naming one day; `s` suffixes the group names so a pattern can hold two."""
    iso = rf"(?P<iy{s}>\d{{4}})-(?P<im{s}>\d{{1,2}})-(?P<id{s}>\d{{1,2}})"
    num = (
        rf"(?P<nd{s}>\d{{1,2}})[./-](?P<nm{s}>\d{{1,2}})"
        rf"(?:[./-]|\s(?=\d{{4}}))(?P<ny{s}>\d{{4}}|\d{{2}})(?!\d)"
    )
    if lex.lang == "en":
        named = (
            rf"(?:(?:{lex.weekdays}),?\s+)?(?:the\s+)?(?P<dd{s}>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
            rf"(?P<dm{s}>{lex.months})(?:,?\s+(?P<dy{s}>{_YEAR}))?"
        )
        mdy = (
            rf"(?:(?:{lex.weekdays}),?\s+)?(?P<mm_d{s}>{lex.months})\s+(?P<md{s}>\d{{1,2}})(?!\d)"
            rf"(?:st|nd|rd|th)?(?:,?\s+(?P<mdy{s}>{_YEAR}))?"
        )
        return f"{iso}|{num}|{named}|{mdy}"
    named = (
        rf"(?:(?:{lex.weekdays})\s+)?(?:(?:den|d\.)\s*)?(?P<dd{s}>\d{{1,2}})\.?\s*"
        rf"(?P<dm{s}>{lex.months})(?:\s+(?P<dy{s}>{_YEAR}))?"
    )
    return f"{iso}|{num}|{named}"


def _atom_pattern(lex: _Lexicon, s: str) -> str:
    """Any date phrase that can follow `siden`, `før`, `fra … til …` and the like."""
    of = r"(?:of\s+)?" if lex.lang == "en" else ""
    week_word = "week" if lex.lang == "en" else "uge"
    week = rf"{week_word}\s+(?P<wk{s}>\d{{1,2}})(?:(?:,?\s+|\s+of\s+)(?P<wy{s}>{_YEAR}))?"
    month = rf"(?P<mm{s}>{lex.months})(?:,?\s+{of}(?P<my{s}>{_YEAR}))?"
    season = rf"(?:the\s+)?(?P<se{s}>{lex.seasons})(?:\s+{of}(?P<sy{s}>{_YEAR}))?"
    year = rf"(?P<yy{s}>{_YEAR})"
    return rf"(?:{_day_pattern(lex, s)}|{week}|{month}|{season}|{year}){_E}"


def _resolve_atom(m: re.Match[str], s: str, today: date, lang: str, default_year: int | None) -> _Atom | None:
    """Turn the atom groups with suffix `s` into days.

    A missing year means `default_year` or else the latest such day, month or season not in the future.
    """

    def g(name: str) -> str | None:
        return m.groupdict().get(name + s)

    if (iy := g("iy")) is not None:
        return _day_atom(date(int(iy), int(g("im") or 0), int(g("id") or 0)), lang, True)
    if (nd := g("nd")) is not None:
        return _day_atom(date(_full_year(g("ny") or ""), int(g("nm") or 0), int(nd)), lang, True)
    day_month = (g("dd"), g("dm"), g("dy")) if g("dd") is not None else (g("md"), g("mm_d"), g("mdy"))
    if day_month[0] is not None and day_month[1] is not None:
        day, month = int(day_month[0]), _MONTH_WORDS[day_month[1].lower()]
        if day_month[2] is not None:
            return _day_atom(date(int(day_month[2]), month, day), lang, True)
        if default_year is not None:
            return _day_atom(date(default_year, month, day), lang, False)
        candidate = date(today.year, month, day)
        if candidate > today:
            candidate = date(today.year - 1, month, day)
        return _day_atom(candidate, lang, False)
    if (wk := g("wk")) is not None:
        if (wy := g("wy")) is not None:
            return _week_atom(int(wy), int(wk), lang, True)
        year = default_year if default_year is not None else today.year
        atom = _week_atom(year, int(wk), lang, False)
        if default_year is None and atom.start > today:
            atom = _week_atom(year - 1, int(wk), lang, False)
        return atom
    if (mm := g("mm")) is not None:
        month = _MONTH_WORDS[mm.lower()]
        if (my := g("my")) is not None:
            return _month_atom(int(my), month, lang, True)
        year = default_year if default_year is not None else _latest_month(month, today)
        return _month_atom(year, month, lang, False)
    if (se := g("se")) is not None:
        season = _SEASON_WORDS[se.lower()]
        if (sy := g("sy")) is not None:
            return _season_atom(season, int(sy), lang, True)
        year = default_year if default_year is not None else _latest_season(season, today, ended=False)
        return _season_atom(season, year, lang, False)
    if (yy := g("yy")) is not None:
        return _year_atom(int(yy), lang)
    return None


_Handler = Callable[[re.Match[str], date, str], Period | None]


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    handler: _Handler


def _words(lang: str, da: str, en: str) -> str:
    return en if lang == "en" else da


def _range_handler(m: re.Match[str], today: date, lang: str) -> Period | None:
    last = _resolve_atom(m, "b", today, lang, None)
    if last is None:
        return None
    first = _resolve_atom(m, "a", today, lang, last.year if last.year_given else None)
    if first is None or first.start >= last.end:
        return None
    return Period(first.start, last.end, f"{first.label}–{last.label}")


def _since_handler(m: re.Match[str], today: date, lang: str) -> Period | None:
    atom = _resolve_atom(m, "a", today, lang, None)
    if atom is None:
        return None
    end = max(atom.end, today + timedelta(days=1))
    return Period(atom.start, end, f"{_words(lang, 'siden', 'since')} {atom.label}")


def _before_handler(m: re.Match[str], today: date, lang: str) -> Period | None:
    atom = _resolve_atom(m, "a", today, lang, None)
    if atom is None:
        return None
    return Period(date.min, atom.start, f"{_words(lang, 'før', 'before')} {atom.label}")


def _after_handler(m: re.Match[str], today: date, lang: str) -> Period | None:
    atom = _resolve_atom(m, "a", today, lang, None)
    if atom is None:
        return None
    return Period(atom.end, date.max, f"{_words(lang, 'efter', 'after')} {atom.label}")


def _plain_handler(m: re.Match[str], today: date, lang: str) -> Period | None:
    # English `May 3` without a year needs `on`: `may` is also a verb.
    groups = m.groupdict()
    if lang == "en" and groups.get("mm_da") and not groups.get("mdya") and not groups.get("on"):
        return None
    atom = _resolve_atom(m, "a", today, lang, None)
    return None if atom is None else Period(atom.start, atom.end, atom.label)


def _month_relative_year_handler(m: re.Match[str], today: date, lang: str) -> Period | None:
    year = today.year - 1 if m.group("last") else today.year
    atom = _month_atom(year, _MONTH_WORDS[m.group("mon").lower()], lang, True)
    return Period(atom.start, atom.end, atom.label)


def _month_year_handler(m: re.Match[str], today: date, lang: str) -> Period | None:
    atom = _month_atom(int(m.group("yr")), _MONTH_WORDS[m.group("mon").lower()], lang, True)
    return Period(atom.start, atom.end, atom.label)


def _season_handler(m: re.Match[str], today: date, lang: str) -> Period | None:
    word = m.group("se").lower()
    season = _SEASON_WORDS[word]
    if m.group("yr"):
        year = int(m.group("yr"))
    elif m.group("last"):
        year = _latest_season(season, today, ended=True)
    elif m.group("this") or m.group("in") or (lang == "da" and word.endswith(("et", "en"))):
        year = _latest_season(season, today, ended=False)
    else:
        # A bare `sommer` or `spring` is as likely a topic as a time.
        return None
    atom = _season_atom(season, year, lang, True)
    return Period(atom.start, atom.end, atom.label)


def _month_in_handler(m: re.Match[str], today: date, lang: str) -> Period | None:
    month = _MONTH_WORDS[m.group("mon").lower()]
    year = _latest_month(month, today, strictly_before=bool(m.groupdict().get("last")))
    atom = _month_atom(year, month, lang, False)
    return Period(atom.start, atom.end, atom.label)


def _rolling_handler(m: re.Match[str], today: date, lang: str) -> Period | None:
    raw = m.group("n").lower()
    count = int(raw) if raw.isdigit() else _LEXICONS[lang].numbers[raw]
    unit = _UNIT_WORDS[m.group("unit").lower()]
    if not 1 <= count <= 100:
        return None
    if unit == "day":
        start = today - timedelta(days=count)
    elif unit == "week":
        start = today - timedelta(weeks=count)
    else:
        start = _add_months(today, -count * (12 if unit == "year" else 1))
    unit_label = _UNIT_LABEL[lang][unit] if count != 1 else m.group("unit").lower()
    label = f"the last {count} {unit_label}" if lang == "en" else f"de sidste {count} {unit_label}"
    return Period(start, today + timedelta(days=1), label)


def _unit_atom(unit: str, today: date, lang: str, offset: int) -> _Atom:
    """The calendar year, month or ISO week containing today, moved `offset` units."""
    if unit == "year":
        return _year_atom(today.year + offset, lang)
    if unit == "month":
        first = _add_months(_month_start(today.year, today.month), offset)
        return _month_atom(first.year, first.month, lang, True)
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
    iso = monday.isocalendar()
    return _week_atom(iso.year, iso.week, lang, True)


def _last_unit_handler(m: re.Match[str], today: date, lang: str) -> Period | None:
    unit = _UNIT_WORDS[m.group("unit").lower()]
    if m.groupdict().get("past"):
        # `the past year` is the last twelve months, not the previous calendar year.
        start = (
            today - timedelta(weeks=1)
            if unit == "week"
            else _add_months(today, -12 if unit == "year" else -1)
        )
        label = f"the past {m.group('unit').lower()}"
        return Period(start, today + timedelta(days=1), label)
    atom = _unit_atom(unit, today, lang, -1)
    return Period(atom.start, atom.end, atom.label)


def _this_unit_handler(m: re.Match[str], today: date, lang: str) -> Period | None:
    unit = _UNIT_WORDS[(m.group("unit") or "år").lower()]
    atom = _unit_atom(unit, today, lang, 0)
    return Period(atom.start, atom.end, atom.label)


def _day_offset_handler(offset: int) -> _Handler:
    def handler(m: re.Match[str], today: date, lang: str) -> Period | None:
        atom = _day_atom(today + timedelta(days=offset), lang, True)
        return Period(atom.start, atom.end, atom.label)

    return handler


_ENDS_WITH_FOR = re.compile(r"(?<![\w-])for\s+$", re.IGNORECASE)


def _year_handler(m: re.Match[str], today: date, lang: str) -> Period | None:
    # `samarbejdsplanen for 2025` names a topic, not when something was said.
    if not m.group("in") and _ENDS_WITH_FOR.search(m.string, 0, m.start()):
        return None
    atom = _year_atom(int(m.group("yr")), lang)
    return Period(atom.start, atom.end, atom.label)


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _danish_rules() -> tuple[_Rule, ...]:
    lex = _LEXICONS["da"]
    a, b = _atom_pattern(lex, "a"), _atom_pattern(lex, "b")
    n = rf"\d{{1,3}}|{_alternation(list(lex.numbers))}"
    return (
        _Rule(_compile(rf"{_B}(?:fra|mellem)\s+{a}\s+(?:til|og)\s+(?:og\s+med\s+)?{b}"), _range_handler),
        _Rule(_compile(rf"{_B}(?:siden|fra\s+og\s+med)\s+{a}"), _since_handler),
        _Rule(_compile(rf"{_B}(?:før|inden)\s+{a}"), _before_handler),
        _Rule(_compile(rf"{_B}efter\s+{a}"), _after_handler),
        _Rule(_compile(rf"{_B}(?:på\s+)?(?:{_day_pattern(lex, 'a')}){_E}"), _plain_handler),
        _Rule(
            _compile(rf"{_B}(?:i\s+)?uge\s+(?P<wka>\d{{1,2}})(?:,?\s+(?:i\s+)?(?P<wya>{_YEAR}))?{_E}"),
            _plain_handler,
        ),
        _Rule(
            _compile(
                rf"{_B}(?:i\s+)?(?P<mon>{lex.months})\s+(?:(?P<last>sidste|forrige)\s+år|i\s+år|dette\s+år){_E}"
            ),
            _month_relative_year_handler,
        ),
        _Rule(_compile(rf"{_B}(?:i\s+)?(?P<mon>{lex.months})\s+(?P<yr>{_YEAR}){_E}"), _month_year_handler),
        _Rule(
            _compile(
                rf"{_B}(?:(?P<in>i)\s+)?(?:(?P<last>sidste|forrige)\s+|(?P<this>dette|denne)\s+)?"
                rf"(?P<se>{lex.seasons})(?:\s+(?P<yr>{_YEAR}))?{_E}"
            ),
            _season_handler,
        ),
        _Rule(
            _compile(rf"{_B}(?:i|i\s+løbet\s+af)\s+(?P<mon>{lex.months})(?:\s+måned)?{_E}"),
            _month_in_handler,
        ),
        _Rule(
            _compile(
                rf"{_B}(?:i\s+)?(?:de\s+)?(?:sidste|seneste)\s+(?P<n>{n})\s+"
                rf"(?P<unit>dage|uger|måneder|år){_E}"
            ),
            _rolling_handler,
        ),
        _Rule(_compile(rf"{_B}(?:i\s+)?(?:sidste|forrige)\s+(?P<unit>år|måned|uge){_E}"), _last_unit_handler),
        _Rule(
            _compile(rf"{_B}(?:i\s+år|(?:i\s+)?(?:dette|denne)\s+(?P<unit>år|måned|uge)){_E}"),
            _this_unit_handler,
        ),
        _Rule(_compile(rf"{_B}(?:i\s+dag|idag){_E}"), _day_offset_handler(0)),
        _Rule(_compile(rf"{_B}(?:i\s+går|igår){_E}"), _day_offset_handler(-1)),
        _Rule(_compile(rf"{_B}i\s+forgårs{_E}"), _day_offset_handler(-2)),
        _Rule(_compile(rf"{_B}(?:(?P<in>i|året|år)\s+)?(?P<yr>{_YEAR}){_E}"), _year_handler),
    )


def _english_rules() -> tuple[_Rule, ...]:
    lex = _LEXICONS["en"]
    a, b = _atom_pattern(lex, "a"), _atom_pattern(lex, "b")
    n = rf"\d{{1,3}}|{_alternation(list(lex.numbers))}"
    return (
        _Rule(
            _compile(rf"{_B}(?:from|between)\s+{a}\s+(?:to|until|till|through|and)\s+{b}"),
            _range_handler,
        ),
        _Rule(_compile(rf"{_B}since\s+{a}"), _since_handler),
        _Rule(_compile(rf"{_B}before\s+{a}"), _before_handler),
        _Rule(_compile(rf"{_B}after\s+{a}"), _after_handler),
        _Rule(_compile(rf"{_B}(?P<on>on\s+)?(?:{_day_pattern(lex, 'a')}){_E}"), _plain_handler),
        _Rule(
            _compile(rf"{_B}(?:in\s+)?week\s+(?P<wka>\d{{1,2}})(?:(?:,?\s+|\s+of\s+)(?P<wya>{_YEAR}))?{_E}"),
            _plain_handler,
        ),
        _Rule(
            _compile(rf"{_B}(?:in\s+)?(?P<mon>{lex.months})\s+(?:of\s+)?(?:(?P<last>last)|this)\s+year{_E}"),
            _month_relative_year_handler,
        ),
        _Rule(
            _compile(rf"{_B}(?:in\s+)?(?P<mon>{lex.months}),?\s+(?:of\s+)?(?P<yr>{_YEAR}){_E}"),
            _month_year_handler,
        ),
        _Rule(
            _compile(
                rf"{_B}(?:(?P<in>in|during)\s+)?(?:the\s+)?(?:(?P<last>last|previous|past)\s+|(?P<this>this)\s+)?"
                rf"(?P<se>{lex.seasons})(?:\s+(?:of\s+)?(?P<yr>{_YEAR}))?{_E}"
            ),
            _season_handler,
        ),
        _Rule(
            _compile(rf"{_B}(?:(?:in|during)\s+|(?P<last>last)\s+)(?P<mon>{lex.months}){_E}"),
            _month_in_handler,
        ),
        _Rule(
            _compile(
                rf"{_B}(?:(?:in|during|over)\s+)?(?:the\s+)?(?:last|past)\s+(?P<n>{n})\s+"
                rf"(?P<unit>days|weeks|months|years){_E}"
            ),
            _rolling_handler,
        ),
        _Rule(
            _compile(
                rf"{_B}(?:(?:in|during|over)\s+)?(?:the\s+)?(?:last|previous|(?P<past>past))\s+"
                rf"(?P<unit>year|month|week){_E}"
            ),
            _last_unit_handler,
        ),
        _Rule(_compile(rf"{_B}this\s+(?P<unit>year|month|week){_E}"), _this_unit_handler),
        _Rule(_compile(rf"{_B}today{_E}"), _day_offset_handler(0)),
        _Rule(_compile(rf"{_B}yesterday{_E}"), _day_offset_handler(-1)),
        _Rule(_compile(rf"{_B}(?:(?P<in>in|during)\s+)?(?P<yr>{_YEAR}){_E}"), _year_handler),
    )


_RULES = {"da": _danish_rules(), "en": _english_rules()}


def _cut(text: str, start: int, end: int) -> str:
    """Remove text[start:end] and mend the seam (no double spaces, no space before `?`)."""
    left, right = text[:start].rstrip(), text[end:].lstrip()
    if not right or right[0] in "?.!,;:":
        left = left.rstrip(",;")
        return (left + right).strip()
    if not left:
        return right.strip()
    return f"{left} {right}".strip()


def find_period(text: str, *, now: datetime, lang: str) -> tuple[Period | None, str]:
    """Find the first date phrase in a question; return its period and the question without it.

    Returns `(None, text)` unchanged when the question names no time.
    """
    today = now.astimezone(TZ).date()
    normal = unicodedata.normalize("NFC", text)
    for rule in _RULES["en" if lang == "en" else "da"]:
        for match in rule.pattern.finditer(normal):
            try:
                period = rule.handler(match, today, lang)
            except (ValueError, OverflowError, KeyError):
                # An impossible date (`30.02.2024`) or a year out of range is not a period.
                period = None
            if period is not None:
                return period, _cut(normal, match.start(), match.end())
    return None, text
