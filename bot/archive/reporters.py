"""Who reported, when a question names no participant: an organisation or an office.

`hvad orienterede kommunen om?` names an organisation participants sat for (`Fra kommunen:` on
import, `deltager … | titel | kommunen` live): its people become the speaker, meeting by meeting.
`hvad orienterede formanden om?` where nobody is listed as chair is answered by the item titled as
the office's report (`Meddelelser fra formanden`). Pure: the archive's rows come in as arguments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from bot.archive.question import PersonRef, Question, Speaker, glossary
from bot.archive.vocabulary import ENDINGS, fold
from bot.archive.vocabulary import stem as _stem

_ABOUT = r"(?:om|omkring|angående|vedrørende|vedr\.?|about|regarding|on)"


def _inflects(a: str, b: str) -> bool:
    """Whether two words are forms of one (`kommunen`, `Kommune`; `politiet`, `Politi`)."""
    ka, kb = fold(a), fold(b)
    return ka == kb or any(kb == _stem(ka) + e or ka == _stem(kb) + e for e in ENDINGS)


def reporter_terms(question: Question) -> list[str]:
    """Topic terms that may name who reported (`kommunen` in `hvad orienterede kommunen om?`): not a
    genitive (`kommunens budget`), not the topic after `om` (`orienterede om kommunen`)."""
    return [
        term
        for term in question.topic_terms
        if not term.endswith("s")
        and len(term) >= 4
        and not re.search(rf"\b{_ABOUT}\s+{re.escape(term)}\b", question.text, re.IGNORECASE)
    ]


# An item for what someone reported: `Meddelelser fra formanden`, `Orientering fra kommunen`,
# `Formandens beretning`.
_REPORT_NOUNS = r"(?:beretning|orientering|meddelelser|meddelelse|redegørelse|nyt|status)(?:en)?"
_FROM_WORD = re.compile(r"\bfra\s+(?:[^\W\d_]+\s+)?(?P<who>[^\W\d_]+)", re.IGNORECASE)
_OWNER_REPORT = re.compile(rf"\b(?P<who>[^\W\d_]+)s\s+{_REPORT_NOUNS}\b", re.IGNORECASE)


def reports_of(term: str, item_title: str) -> bool:
    """Whether an agenda item's title says it holds what `term` reported (`Meddelelser fra formanden`,
    `Orientering fra politiet`, `Formandens beretning` for `formanden`)."""
    found = [m["who"] for m in _FROM_WORD.finditer(item_title)]
    found += [m["who"] for m in _OWNER_REPORT.finditer(item_title)]
    return any(_inflects(term, word) for word in found)


def by_organisation(
    question: Question,
    organisations: Callable[[], Sequence[str]],
    people_of: Callable[[Sequence[str]], Iterable[tuple[str, str, str | None]]],
) -> Question:
    """`hvad orienterede kommunen om?`: a topic word that names an organisation participants sat for
    (`kommunen` for `kommunen` or `Holstebro Kommune`, `politiet` for `Midt- og Vestjyllands Politi`)
    makes that organisation's people the speaker. `organisations()` gives those of the readable
    meetings and `people_of(bodies)` their (organisation, name, title); each is asked only when the
    question gets that far. Only a question for statements, only a word that is the subject: not a
    genitive (`kommunens budget`) nor the topic after `om` (`orienterede om kommunen`)."""
    if question.speaker is not None or question.intent != "statements":
        return question
    terms = reporter_terms(question)
    if not terms:
        return question
    names = organisations()
    for term in terms:
        # Every word of the term is a word of the organisation's name; `the police` asks for politi.
        asked = [(word, *glossary(word)) for word in term.split()]
        bodies = sorted(
            org
            for org in set(names)
            if all(
                any(_inflects(a, w) for a in forms for w in re.findall(r"[^\W\d_]+", org)) for forms in asked
            )
        )
        if not bodies:
            continue
        people = tuple(dict.fromkeys(PersonRef(name, title) for _, name, title in people_of(bodies)))
        speaker = Speaker(words=term, people=people, by_role=False, organisations=tuple(bodies))
        topic = tuple(t for t in question.topic_terms if t != term)
        shown = " ".join(w for w in question.topic_text.split() if w.casefold() != term)
        return replace(question, speaker=speaker, topic_terms=topic, topic_text=shown)
    return question
