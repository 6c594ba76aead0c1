"""Answers from an agenda item's own text: what the invitation wrote under the item.

Minutes often print the agenda with a few lines under each item (`7. Valg til bestyrelsen` /
`På valg dette år: Formand Anders Kamper (2 år)`) and then the minutes of each item. Those lines
are stored as the item's background, not as anything said, so a search of what was said passes
them by. When it finds nothing, the item's text that holds every word asked answers instead.
Pure: the caller passes the readable items.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.archive.answer import Answer, format_date, passage
from bot.archive.facts import MAX_MEETINGS, reply
from bot.archive.question import Question
from bot.archive.vocabulary import index_form

SHOWN = 3  # passages shown; an agenda text answers a question that found nothing else
_WORD = re.compile(r"[^\W_]+")
_HEADER = {"da": "Fra dagsordenen", "en": "From the agenda"}


@dataclass(frozen=True)
class AgendaText:
    meeting_id: int
    meeting_title: str
    meeting_date: dt.date
    number: int
    title: str
    text: str  # a paragraph the agenda prints under the item (its sub-points are topics, not facts)


def _words(text: str) -> str:
    return " " + " ".join(index_form(w) for w in _WORD.findall(text)) + " "


def holds_every_term(title: str, text: str, terms: Sequence[Sequence[str]]) -> bool:
    """Whether each term (any of its alternatives, as the index stores words) is in the title or text."""
    said = _words(f"{title} {text}")
    return bool(terms) and all(any(f" {alt} " in said for alt in alternatives) for alternatives in terms)


def format_agenda_text(question: Question, found: Sequence[AgendaText], *, links: dict[int, str]) -> Answer:
    """The item's text that answers, with the item and the referat it is on, newest first."""
    lang = question.lang
    what = f" om «{question.topic_text}»" if lang == "da" else f" on «{question.topic_text}»"
    lines = [f"*{_HEADER[lang]}{what if question.topic_text else ''}*"]
    item = "Ad" if lang == "da" else "Item"
    for part in found[:SHOWN]:
        cite = f"_{part.meeting_title}, {format_date(part.meeting_date, lang)} – {item} {part.number} – {part.title}_"
        if link := links.get(part.meeting_id):
            cite += f" – <{link}|{'referat' if lang == 'da' else 'minutes'}>"
        lines += ["", f"• {passage(part.text, question.topic_terms, 400)}", cite]
    ids = list(dict.fromkeys(p.meeting_id for p in found[:SHOWN]))[:MAX_MEETINGS]
    return reply(lines, lang, ids, len(found))
