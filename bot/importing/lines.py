"""Repairs of a page's lines before the layout is read: what a web page or a PDF did to the minutes.

A heading glued to the line before it, a bulleted heading repeated as number and title, a case
number under its title, a list under the sentence that announces it, initials the text gives a
listed participant, a committee named only in the items' case lines. Each is a pure function of the
lines, used by bot.importing.parse; each repairs only when the document itself confirms the reading.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from bot.importing.dates import find_date
from bot.importing.imported import ImportedParticipant
from bot.importing.labels import titles_match
from bot.importing.vocabulary import BULLET, heading


def repeated_headings(lines: list[str]) -> list[str]:
    """A web page's item heading as a bullet with its number and title (`• Pkt. 42 Beslutninger om
    dagsordenen`), then the same number alone and the same title on lines of their own: one heading.
    The bullet in front of an `Ad`/`Pkt` heading is decoration; the lines that only repeat it go."""
    out = list(lines)
    for i, line in enumerate(out):
        b = BULLET.match(line) if line else None
        h = heading(b.group("text")) if b else None
        if b is None or h is None or h.style == "bare" or not h.title:
            continue
        out[i] = b.group("text")
        nxt = [k for k in range(i + 1, min(len(out), i + 6)) if out[k]][:2]
        again = heading(out[nxt[0]]) if nxt else None
        if again is not None and again.number == h.number and not again.title:
            out[nxt[0]] = ""
            if len(nxt) > 1 and titles_match(out[nxt[1]], h.title):
                out[nxt[1]] = ""
    return out


_NAMED_INITIALS = re.compile(
    r"(?P<name>[A-ZÆØÅ][\w'’-]+(?:\s+[A-ZÆØÅ][\w'’-]+){1,3})\s*\((?P<ini>[A-ZÆØÅ]{2,4})\)"
)


def _fit_initials(name: str, letters: str) -> bool:
    """Whether `KV` can be the initials of `Kirsten Vej Petersen`: the first name's letter first, then
    letters of later names, in order."""
    heads = [part[0].upper() for part in re.split(r"[\s-]+", name) if part]
    if not heads or letters[0] != heads[0]:
        return False
    at = 1
    for letter in letters[1:]:
        while at < len(heads) and heads[at] != letter:
            at += 1
        if at == len(heads):
            return False
        at += 1
    return True


def initials_from_text(
    participants: list[ImportedParticipant], lines: list[str]
) -> list[ImportedParticipant]:
    """`Kirsten Vej Petersen (KV) gennemgik kvalitetsrapporten`: initials the minutes give a listed
    participant in their text are the participant's, so `KV følger op` finds her."""
    missing = {p.name for p in participants if not p.initials}
    found: dict[str, str] = {}
    taken = {p.initials for p in participants if p.initials}
    for line in lines:
        for m in _NAMED_INITIALS.finditer(line) if line and missing else ():
            name, letters = m["name"], m["ini"]
            if (
                name in missing
                and name not in found
                and letters not in taken
                and _fit_initials(name, letters)
            ):
                found[name] = letters
                taken.add(letters)
    return [replace(p, initials=found[p.name]) if p.name in found else p for p in participants]


# `Sag nr. 129` alone, under the case's title: a municipal web page's heading, title first.
_CASE_NUMBER = re.compile(r"^sag\s+nr\.?\s*\d{1,3}$", re.IGNORECASE)
_CASE_TITLE_WORDS = 20


def case_titles_joined(lines: list[str]) -> list[str]:
    """`Spørgetid` / `Sag nr. 129` → `Sag nr. 129 Spørgetid`: the title right above a lone case number
    (no blank line between, no sentence) belongs to it."""
    out = list(lines)
    for i in range(1, len(out)):
        above = out[i - 1]
        if (
            _CASE_NUMBER.match(out[i])
            and above
            and len(above.split()) <= _CASE_TITLE_WORDS
            and not above.endswith((".", ":", "!", "?"))
            and heading(above) is None
        ):
            out[i], out[i - 1] = f"{out[i]} {above}", ""
    return out


# An item's number glued to the word before it (`10. Eventuelt1. Orientering og rundvisning`), or to
# the sentence before it (`… (måske?). 1. Godkendelse af referat:`).
_GLUED_HEADING = re.compile(r"(?:(?<=[^\W\d_])|(?<=[.!?)]\s))(?P<head>\d{1,2}\.\s+[A-ZÆØÅ].*)$")


def split_glued_headings(lines: list[str]) -> list[str]:
    """A heading glued to the end of the line before it, as a web page's text or a PDF gives it
    (`10. Eventuelt1. Orientering og rundvisning Elmelunden`, `Indholdsfortegnelse1. Fraværende`), on
    a line of its own. Only when the heading fits the document: it repeats an earlier item's number
    and title (the agenda list, then the item itself), or no other heading has its number and the
    next heading goes on from it."""
    heads = [(i, h) for i, line in enumerate(lines) if line and (h := heading(line)) is not None]
    out: list[str] = []
    for i, line in enumerate(lines):
        m = _GLUED_HEADING.search(line) if line else None
        glued = heading(m.group("head")) if m else None
        own = heading(line) if m else None
        if m and glued is not None and not (own is not None and own.number == glued.number):
            # (`Ad. pkt. 2. Budget` is one heading whose number only follows an abbreviation.)
            before = any(
                k < i and h.number == glued.number and titles_match(h.title, glued.title) for k, h in heads
            )
            after = next((h for k, h in heads if k > i), None)
            alone = not any(h.number == glued.number for k, h in heads if k != i)
            if before or (alone and after is not None and after.number == glued.number + 1):
                out += [line[: m.start()].rstrip(), m.group("head")]
                continue
        out.append(line)
    return out


# A municipal case line naming the committee with the meeting's date: `Kultur- og Idrætsudvalget,
# 03-04-2019, pkt. 42`.
_CASE_LINE = re.compile(
    r"^(?P<name>[A-ZÆØÅ][^,]{2,60}?),\s*(?P<date>\d{1,2}[-./]\d{1,2}[-./]\d{4}),\s*(?:pkt|punkt)\.?\s*\d{1,3}$",
    re.IGNORECASE,
)


def committee_of(lines: list[str], date: dt.date) -> str | None:
    """The committee the items' case lines name for the meeting's date, when the heading says only
    `Referat`."""
    for line in lines:
        m = _CASE_LINE.match(line) if line else None
        if m and (found := find_date(m["date"])) is not None and found[0] == date:
            return m["name"].strip()
    return None


def lists_joined(lines: list[tuple[int, str]]) -> list[str]:
    """Numbered lines (index, text) as paragraphs: a line ending in a colon and the lines right under it,
    up to one that ends a sentence, are one (`… følgende principper på næste møde:` and the principles),
    as the body's paragraphs are; every other line stands alone."""
    out: list[str] = []
    listing, last = False, -2
    for i, line in lines:
        if listing and i == last + 1:
            out[-1] = f"{out[-1]} {line}"
            listing = not line.endswith((".", "!", "?"))
        else:
            out.append(line)
            listing = line.endswith(":")
        last = i
    return out


# A second attendance label on the line of the first, after its sentence: `Elevrepræsentanter: Marie
# Carstens. Fraværende: Kaja Damgaard.`
_SECOND_LABEL = re.compile(
    r"(?<=[.!?])\s+(?=(?:fraværende|afbud|tilstedeværende|til\s+stede|deltagere|referent|dirigent)\s*:)",
    re.IGNORECASE,
)


def labels_split(lines: list[str]) -> list[str]:
    """An attendance label that follows a sentence on the same line starts a line of its own."""
    out: list[str] = []
    for line in lines:
        out += _SECOND_LABEL.split(line) if line and ":" in line else [line]
    return out
