"""Parsers for the meeting's frame: `start`, `ret møde`, `næste` (title, date, time, place), the people
(`deltager`, `afbud`) and the agenda (`dagsorden`).

Pure, like `bot.meeting.parse`, which dispatches to them through the registry.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.meeting.commands import (
    AddAbsent,
    AddParticipant,
    AgendaItemSpec,
    Command,
    NextMeeting,
    SetAgenda,
    StartMeeting,
)
from bot.meeting.fields import MENTION_RE, check_field_count, collapse, split_fields
from bot.meeting.subcommands import COMMAND, Subcommand, echo, fail
from bot.text.dates import MONTHS_DA, TZ, DateError, parse_date
from bot.text.people import split_initials

_DEFINITE_ENDINGS = ("en", "et", "erne", "ene")


def normalise_organisation(raw: str | None) -> str | None:
    """`Fra kommunen:` / `fra Kommunen` → `kommunen`; proper nouns (`Holstebro Kommune`) stay as typed.

    The referat groups people under `Fra <organisation>:`, so the stored form is the bare noun.
    """
    if raw is None:
        return None
    text = collapse(raw).rstrip(":").strip()
    text = re.sub(r"^fra(?:\s+|$)", "", text, flags=re.IGNORECASE).rstrip(":").strip()
    if not text:
        return None
    # A single capitalised word in definite form (Kommunen, Politiet, Regionen) is a common noun.
    if " " not in text and text[1:].islower() and text.lower().endswith(_DEFINITE_ENDINGS):
        return text.lower()
    return text


_TIME_OF_DAY = re.compile(r"(?:^|[\s,])(?P<time>(?:kl\.?|klokken)\s*\S.*)$", re.IGNORECASE)


def split_time_of_day(sub: Subcommand, date_text: str) -> tuple[str, str | None]:
    """`19. marts 2024 kl. 14.00-16.00` → (`19. marts 2024`, `kl. 14.00-16.00`); `kl. 25.99` is refused."""
    if m := _TIME_OF_DAY.search(date_text):
        time_of_day = m["time"].strip()
        if impossible := impossible_time(time_of_day):
            raise fail(
                sub,
                f"Klokkeslættet {impossible} findes ikke: timerne går fra 0 til 23, minutterne fra 0 til 59.",
            )
        return date_text[: m.start()].strip(" ,"), time_of_day
    return date_text, None


_DATE_IN_TITLE = re.compile(
    r"(?:,?\s+(?:den|d\.))?\s+(?P<date>[0-9]{1,2}\.?\s*(?:"
    + "|".join(MONTHS_DA)
    + r")\s+[0-9]{4}|[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{2,4})(?![\w.-])",
    re.IGNORECASE,
)


def _date_in_title(sub: Subcommand, title: str, now: dt.datetime) -> str | None:
    """`start Kredsrådsmøde … 19. marts 2024 rådhuset i Holstebro`: the reading with `|` to propose."""
    m = _DATE_IN_TITLE.search(title)
    if m is None:
        return None
    try:
        parse_date(m["date"], now=now, lang="da")
    except DateError:
        return None
    head = title[: m.start()].strip(" ,")
    place = re.sub(r"^(?:på|i)\s+(?=\S)", "", title[m.end() :].strip(" ,"), flags=re.IGNORECASE)
    if not head:
        return None
    fields = [echo(head), m["date"]] + ([echo(place)] if place else [])
    return (
        f"Mente du: {COMMAND} {sub.name} {' | '.join(fields)}?\n"
        "Adskil titel, dato og sted med |. Er datoen en del af titlen, så skriv | efter titlen."
    )


def parse_start(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    fields = split_fields(rest)
    check_field_count(sub, fields, 3)
    title = fields[0]
    if not title:
        raise fail(sub, "Mødet mangler en titel.")
    if len(fields) == 1 and (proposal := _date_in_title(sub, title, now)):
        raise fail(sub, proposal)
    date_text, time_of_day = split_time_of_day(sub, fields[1] if len(fields) > 1 else "")
    if date_text:
        try:
            meeting_date = parse_date(date_text, now=now, lang="da")
        except DateError as error:
            raise fail(sub, error.message) from None
        date_given = True
    else:
        meeting_date, date_given = now.astimezone(TZ).date(), False
    place = fields[2] if len(fields) > 2 else ""
    # The referat writes `Mødet blev afholdt på <sted>`, so a typed `på` would be doubled.
    place = re.sub(r"^på\s+", "", place, flags=re.IGNORECASE)
    return StartMeeting(title, meeting_date, date_given, place or None, time_of_day)


# `14.00`, `9:30`, `kl. 14`: hours and minutes as written after `kl.`; `14.00-16.00` has two.
_CLOCK = re.compile(r"(?<![0-9])(?P<h>[0-9]{1,2})(?:[.:](?P<m>[0-9]{1,2}))?(?![0-9])")


def impossible_time(text: str) -> str | None:
    """The first clock time in `text` that no clock shows (`25.99`, `14.60`), else None."""
    for m in _CLOCK.finditer(text):
        hours, minutes = int(m["h"]), int(m["m"] or 0)
        if hours > 24 or minutes > 59 or (hours == 24 and minutes > 0):
            return m.group(0)
    return None


def person_fields(
    sub: Subcommand, rest: str
) -> tuple[str | None, str | None, str | None, str | None, str | None]:
    """Name, Slack user, title, organisation and initials of a `deltager`/`afbud` line.

    Initials in parentheses after the name (`@Ida Holm (IH)`, `Ida Holm (IH)`) or the title are a field
    of their own: never part of the name the referat and the approval line show.
    """
    fields = split_fields(rest)
    check_field_count(sub, fields, 3)
    who, initials = split_initials(fields[0])
    mentions = list(MENTION_RE.finditer(who))
    if len(mentions) > 1:
        raise fail(sub, "Skriv én person ad gangen.")
    user_id = mentions[0]["uid"] if mentions else None
    name = collapse(MENTION_RE.sub(" ", who)) or None
    if name is None and user_id is None:
        raise fail(sub, "Skriv personens navn eller @bruger.")
    title = fields[1] if len(fields) > 1 and fields[1] else None
    if title is not None and initials is None:
        title, initials = split_initials(title)
        title = title or None
    organisation = normalise_organisation(fields[2]) if len(fields) > 2 else None
    return name, user_id, title, organisation, initials


# Words that end a `deltager` line typed without `|`: an organisation, or a word that is a title.
_ORGANISATION_WORDS = frozenset(
    {"politiet", "kommunen", "regionen", "anklagemyndigheden", "kriminalforsorgen", "staten", "beredskabet"}
)
_TITLE_ENDINGS = re.compile(
    r"\w*(?:direktør|chef|inspektør|konsulent|mester|formand|forkvinde|leder|anklager|sekretær|"
    r"medarbejder|betjent|assistent|rådgiver|referent|kommissær|fuldmægtig|koordinator)",
    re.IGNORECASE,
)


def _participant_reading(sub: Subcommand, rest: str) -> str | None:
    """`deltager Helle Kyndesen Politidirektør politiet`: the reading with `|` to propose."""
    if "|" in rest:
        return None
    words = rest.split()
    org = words.pop() if len(words) > 2 and words[-1].casefold() in _ORGANISATION_WORDS else None
    at = next(
        (i for i, w in enumerate(words) if i > 0 and _TITLE_ENDINGS.fullmatch(w.rstrip(",")) is not None),
        None,
    )
    if at is None and org is None:
        return None
    who, title = (words[:at], words[at:]) if at is not None else (words, [])
    if not any(ch.isalpha() for ch in "".join(who)):
        return None  # `0 DIREKTØR`: no name to propose
    fields = [echo(" ".join(who)), echo(" ".join(title).strip(","))] + ([org] if org else [])
    return (
        f"Mente du: {COMMAND} {sub.name} {' | '.join(fields)}?\n"
        "Adskil navn, titel og organisation med |. Er det hele et navn, så skriv | efter navnet."
    )


def parse_participant(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    if proposal := _participant_reading(sub, rest):
        raise fail(sub, proposal)
    return AddParticipant(*person_fields(sub, rest))


def parse_absent(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    return AddAbsent(*person_fields(sub, rest))


_ITEM_LINE = re.compile(r"(?P<num>[0-9]{1,6})\s*[.)](?![0-9])\s*(?P<title>.*)")
_BULLET_LINE = re.compile(r"[-•*–—◦▪]\s*(?P<text>.*)")


# A closed item: `2. Personalesag (lukket)`, `2. Lukket punkt: Personalesag`, or an unnumbered
# `Lukket punkt: Personalesag` line, which takes the next number.
_CLOSED_SUFFIX = re.compile(r"\s*[(\[]\s*lukket(?:\s+punkt)?\s*[)\]]\s*$", re.IGNORECASE)
_CLOSED_PREFIX = re.compile(r"^lukket\s+punkt\s*[:.\-–—]\s*", re.IGNORECASE)


def closed_title(title: str) -> tuple[str, bool]:
    """An agenda item's title without its closed marker, and whether it had one."""
    for marker in (_CLOSED_SUFFIX, _CLOSED_PREFIX):
        bare = marker.sub("", title, count=1)
        if bare != title:
            return bare.strip().rstrip(":").strip(), True
    return title, False


@dataclass
class _ItemDraft:
    number: int
    title: str
    bullets: list[str]
    paragraphs: list[list[str]]
    closed: bool = False

    def spec(self) -> AgendaItemSpec:
        background = tuple(" ".join(lines) for lines in self.paragraphs if lines)
        return AgendaItemSpec(self.number, self.title, tuple(self.bullets), background, self.closed)


def parse_agenda(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    items: list[_ItemDraft] = []
    seen: set[int] = set()
    for raw in rest.lstrip(" \t:").split("\n"):
        line = collapse(raw)
        if not line:
            if items and items[-1].paragraphs[-1]:
                items[-1].paragraphs.append([])
            continue
        item = _ITEM_LINE.fullmatch(line)
        if item is None and _CLOSED_PREFIX.match(line):
            # An unnumbered closed item takes the next number.
            item = _ITEM_LINE.fullmatch(f"{max(seen, default=0) + 1}. {line}")
        if m := item:
            number, title = int(m["num"]), m["title"].strip().rstrip(":").strip()
            title, closed = closed_title(title)
            if number < 1:
                raise fail(sub, f"Punkt {number}: numrene starter ved 1.")
            if number in seen:
                raise fail(sub, f"Punkt {number} står to gange på dagsordenen.")
            if not title:
                raise fail(sub, f"Punkt {number} mangler en titel.")
            seen.add(number)
            items.append(_ItemDraft(number, title, [], [[]], closed))
            continue
        if not items:
            raise fail(
                sub,
                f'Linjen "{echo(line)}" står før første punkt. Start med fx "1. Orientering fra politiet".',
            )
        current = items[-1]
        if m := _BULLET_LINE.fullmatch(line):
            if not m["text"]:
                continue
            current.bullets.append(m["text"])
            if current.paragraphs[-1]:
                current.paragraphs.append([])
        else:
            current.paragraphs[-1].append(line)
    if not items:
        raise fail(
            sub, 'Dagsordenen har ingen punkter. Skriv ét punkt pr. linje, fx "1. Orientering fra politiet".'
        )
    return SetAgenda(tuple(item.spec() for item in items))


def parse_next(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    fields = split_fields(rest)
    check_field_count(sub, fields, 2)
    date_text, time_of_day = split_time_of_day(sub, fields[0])
    meeting_date = None
    if date_text:
        try:
            meeting_date = parse_date(date_text, now=now, lang="da", prefer="future")
        except DateError as error:
            raise fail(sub, error.message) from None
    place = re.sub(r"^på\s+", "", fields[1], flags=re.IGNORECASE) if len(fields) > 1 else ""
    return NextMeeting(meeting_date, place or None, time_of_day)
