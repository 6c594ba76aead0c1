"""Who dotted initials in a referat stand for: "hvem er J.G.?".

Minutes name a person once in full and then by initials (`Hun bad Jens Galsgaard overtage …
J.G. gennemgik havesæsonen`), often someone on no attendance list. The answer is the full name in
the referat that uses the initials whose first letters are those initials, with the sentence
naming them. Pure: the caller passes the readable entries.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.archive.answer import Answer, Hit, sentences_of, shown_text
from bot.archive.facts import MAX_MEETINGS, MeetingFacts, cite, hit_cite, reply
from bot.archive.question import Question

# `hvem er J.G.?`, `who is J. G.?`: two to four capital letters, each with its dot.
_ASKED = re.compile(r"^\W*(?:hvem\s+er|who\s+is)\s+(?P<ini>(?:[A-ZÆØÅ]\.\s?){2,4})\s*\??\s*$")
# A full name as minutes write it: two to four capitalised words (`Jens Galsgaard`, `Anne-Marie Holm`).
_NAME = re.compile(
    r"\b[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ][a-zæøåéü]+)?(?:\s+[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ][a-zæøåéü]+)?){1,3}\b"
)


def dotted_initials(question: str) -> str | None:
    """The initials a "who is" question asks about, as written (`J.G.`), else None."""
    m = _ASKED.match(question)
    return "".join(m.group("ini").split()) if m else None


def _letters(initials: str) -> str:
    return initials.replace(".", "")


def _fits(name: str, letters: str) -> bool:
    """`Jens Galsgaard` fits JG; so does `Jens Peter Galsgaard` (first and last name)."""
    firsts = "".join(part[0] for part in name.split())
    return firsts == letters or (len(letters) == 2 and firsts[0] + firsts[-1] == letters)


@dataclass(frozen=True)
class Named:
    name: str
    sentence: str
    hit: Hit


def named_by(initials: str, hits: Sequence[Hit]) -> list[Named]:
    """Per meeting whose entries use the initials, the full name in them the initials fit."""
    letters = _letters(initials)
    using = {h.meeting_id for h in hits if initials in shown_text(h)}
    found: list[Named] = []
    for hit in hits:
        if hit.meeting_id not in using or any(n.hit.meeting_id == hit.meeting_id for n in found):
            continue
        for sentence in sentences_of(shown_text(hit)):
            name = next((m.group() for m in _NAME.finditer(sentence) if _fits(m.group(), letters)), None)
            if name is not None:
                found.append(Named(name, sentence, hit))
                break
    return found


def format_named(
    question: Question, initials: str, found: Sequence[Named], *, links: Mapping[int, str]
) -> Answer:
    """`*Jens Galsgaard* (J.G.)`, the sentence naming them, and the referat, newest first."""
    lines: list[str] = []
    for named in found[:MAX_MEETINGS]:
        if lines:
            lines.append("")
        lines += [
            f"*{named.name}* ({initials})",
            f"• {named.sentence}",
            hit_cite(named.hit, question.lang, links),
        ]
    return reply(lines, question.lang, [n.hit.meeting_id for n in found[:MAX_MEETINGS]], len(found))


class Listed(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def initials(self) -> str | None: ...


def listed_as(initials: str, people: Sequence[Listed]) -> list[Listed]:
    """The participants the initials stand for: listed with them (`Jens Berg (JB)`) or named so."""
    letters = _letters(initials)
    return [p for p in people if p.initials == letters or _fits(p.name, letters)]


def format_listed(
    question: Question,
    initials: str,
    found: Sequence[tuple[MeetingFacts, Sequence[Listed]]],
    *,
    links: Mapping[int, str],
) -> Answer:
    """`*Jens Berg* (J.B.) – kasserer` per meeting whose participants the initials fit, newest first."""
    lines: list[str] = []
    for meeting, people in found[:MAX_MEETINGS]:
        if lines:
            lines.append("")
        lines.append(
            ", ".join(f"*{p.name}* ({initials})" + (f" – {p.title}" if p.title else "") for p in people)
        )
        lines.append(cite(meeting, question.lang, links))
    return reply(lines, question.lang, [m.meeting_id for m, _ in found[:MAX_MEETINGS]], len(found))
