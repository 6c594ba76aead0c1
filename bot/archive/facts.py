"""Answers that lead with a fact: who came, who sent apologies, who took the minutes, where and when a
meeting was held, its agenda, one agenda item by number, a date asked for with "hvornår", a
person's title.

Search answers list what was said; these answer the question first (`*Afbud (1):* Claus
Nørgaard (Stabschef)`, `*3. april 2024*`) and cite meeting, date and item after it. Pure: the
meetings and hits come in through the protocols below (storage.search's records satisfy them), the
answer goes out as `Answer` lines in the question's language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.archive.answer import (
    COUNTED_UP_TO,
    MAX_CHARS,
    Answer,
    Hit,
    entry_line,
    format_date,
    passage,
    sentences_of,
    shown_text,
)
from bot.archive.question import Lang, Question
from bot.text.dates import MONTHS_DA, MONTHS_EN

CHAIR_ROLES = frozenset({"dirigent", "ordstyrer", "mødeleder"})

MAX_MEETINGS = 3  # meetings shown for a fact asked without naming one meeting


class Attendee(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def organisation(self) -> str | None: ...
    @property
    def absent(self) -> bool: ...
    @property
    def role(self) -> str | None: ...
    @property
    def slack_user_id(self) -> str | None: ...


class AgendaLine(Protocol):
    @property
    def number(self) -> int: ...
    @property
    def title(self) -> str: ...


class MeetingFacts(Protocol):
    """A meeting's frame (storage.meeting_search.MeetingFacts has exactly this)."""

    @property
    def meeting_id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def place(self) -> str | None: ...
    @property
    def time_of_day(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def starter_user_id(self) -> str | None: ...
    @property
    def people(self) -> Sequence[Attendee]: ...
    @property
    def agenda(self) -> Sequence[AgendaLine]: ...


@dataclass(frozen=True)
class ItemSection:
    """One agenda item asked for by number: its meeting and its live entries."""

    meeting: MeetingFacts
    number: int
    hits: Sequence[Hit]


_L: dict[str, dict[str, str]] = {
    "da": {
        "present": "Til stede",
        "absent": "Afbud",
        "referent": "Referent",
        "place": "Sted",
        "agenda": "Dagsorden",
        "from": "Fra",
        "none_absent": "Referatet nævner ingen afbud.",
        "none_present": "Referatet nævner ingen deltagere.",
        "none_referent": "Referatet nævner ingen referent.",
        "chair": "Dirigent",
        "none_chair": "Referatet nævner ingen dirigent eller ordstyrer.",
        "none_place": "Referatet nævner intet mødested.",
        "time": "Tid",
        "none_time": "Referatet nævner intet tidspunkt.",
        "none_agenda": "Referatet har ingen dagsorden.",
        "item": "Ad",
        "empty_item": "Intet noteret under punktet.",
        "more_meetings": "{n} møder passer i alt; de nyeste vises. Nævn mødets type, sted eller dato for ét bestemt.",
        "no_meeting": "Jeg fandt intet møde{what} i referaterne.",
        "no_item": "Jeg fandt intet punkt {n}{what} i referaterne.",
        "no_date": "Jeg fandt ingen dato{what} i referaterne.",
        "due": "frist",
        "next": "Næste møde",
        "no_next": "Jeg fandt intet om næste møde{what} i referaterne.",
        "title_of": "Titel",
        "no_title": "Referaterne nævner ingen titel for {who}.",
        "draft": "udkast",
        "link": "referat",
        "latest": "seneste",
    },
    "en": {
        "present": "Present",
        "absent": "Apologies",
        "referent": "Minute-taker",
        "place": "Place",
        "agenda": "Agenda",
        "from": "From",
        "none_absent": "The minutes list no apologies.",
        "none_present": "The minutes list no participants.",
        "none_referent": "The minutes name no minute-taker.",
        "chair": "Chair",
        "none_chair": "The minutes name no chair.",
        "none_place": "The minutes name no place.",
        "time": "Time",
        "none_time": "The minutes give no time of day.",
        "none_agenda": "The minutes have no agenda.",
        "item": "Item",
        "empty_item": "Nothing was recorded under the item.",
        "more_meetings": "{n} meetings match; the newest are shown. Name the meeting's kind, place or date for one.",
        "no_meeting": "I found no meeting{what} in the minutes.",
        "no_item": "I found no item {n}{what} in the minutes.",
        "no_date": "I found no date{what} in the minutes.",
        "due": "due",
        "next": "Next meeting",
        "no_next": "I found nothing about the next meeting{what} in the minutes.",
        "title_of": "Title",
        "no_title": "The minutes give no title for {who}.",
        "draft": "draft",
        "link": "minutes",
        "latest": "latest",
    },
}


def _answer(lines: Sequence[str], lang: Lang, meeting_ids: Sequence[int], total: int) -> Answer:
    text = "\n".join(lines)
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - 1].rstrip() + "…"
    ids = tuple(dict.fromkeys(meeting_ids))
    return Answer(text=text, lines=tuple(lines), lang=lang, meeting_ids=ids, total=total, page=1, pages=1)


def _what(question: Question) -> str:
    shown = question.topic_text
    if not shown:
        return ""
    return f" om «{shown}»" if question.lang == "da" else f" on «{shown}»"


def cite(meeting: MeetingFacts, lang: Lang, links: Mapping[int, str], *, item: str | None = None) -> str:
    """`_Kredsrådsmøde i Holstebro Kommune, 19. marts 2024 – Ad 3 – Status …_ – <link|referat>`."""
    labels = _L[lang]
    text = f"{meeting.title}, {format_date(meeting.date, lang)}"
    if meeting.status == "open":
        text += f" ({labels['draft']})"
    if item:
        text += f" – {item}"
    line = f"_{text}_"
    link = links.get(meeting.meeting_id)
    if link:
        line += f" – <{link}|{labels['link']}>"
    return line


def _person(p: Attendee, *, with_role: bool = True) -> str:
    details = [d for d in (p.title, p.role if with_role else None) if d]
    return f"{p.name} ({', '.join(details)})" if details else p.name


def _more(lang: Lang, total: int, shown: int) -> list[str]:
    if total <= shown:
        return []
    # The store stops counting just past its bound (storage.search.COUNT_BOUND, the same number).
    n = f"Over {COUNTED_UP_TO}" if total > COUNTED_UP_TO else str(total)
    return ["", _L[lang]["more_meetings"].format(n=n)]


def no_meeting(question: Question) -> Answer:
    return _answer([_L[question.lang]["no_meeting"].format(what=_what(question))], question.lang, (), 0)


def format_frame(
    question: Question, meetings: Sequence[MeetingFacts], *, total: int, links: Mapping[int, str]
) -> Answer:
    """Attendance, apologies, minute-taker, place, time, agenda or date of each meeting, fact first."""
    lang = question.lang
    if not meetings:
        return no_meeting(question)
    lines: list[str] = []
    for meeting in meetings:
        if lines:
            lines.append("")
        lines.extend(_frame_fact(question, meeting))
        lines.append(cite(meeting, lang, links))
    lines.extend(_more(lang, total, len(meetings)))
    return _answer(lines, lang, [m.meeting_id for m in meetings], total)


def _frame_fact(question: Question, meeting: MeetingFacts) -> list[str]:
    lang, labels = question.lang, _L[question.lang]
    fact = question.fact
    if fact == "absent":
        away = [p for p in meeting.people if p.absent]
        if not away:
            return [labels["none_absent"]]
        return [f"*{labels['absent']} ({len(away)}):* " + ", ".join(_person(p) for p in away)]
    if fact == "referent":
        return [_referent(meeting, lang)]
    if fact == "chair":
        chairs = [p for p in meeting.people if (p.role or "").casefold() in CHAIR_ROLES]
        if not chairs:
            return [labels["none_chair"]]
        return [f"*{labels['chair']}:* " + ", ".join(_person(p, with_role=False) for p in chairs)]
    if fact == "place":
        if not meeting.place:
            return [labels["none_place"]]
        when = f", {meeting.time_of_day}" if meeting.time_of_day else ""
        return [f"*{labels['place']}:* {meeting.place}{when}"]
    if fact == "time":
        if not meeting.time_of_day:
            return [labels["none_time"]]
        return [f"*{labels['time']}:* {format_date(meeting.date, lang)}, {meeting.time_of_day}"]
    if fact == "agenda":
        if not meeting.agenda:
            return [labels["none_agenda"]]
        return [
            f"*{labels['agenda']}:*",
            *(f"{a.number}. {a.title.rstrip(':').strip()}" for a in meeting.agenda),
        ]
    if fact == "attendance":
        present = [p for p in meeting.people if not p.absent]
        if not present:
            return [labels["none_present"]]
        groups: dict[str | None, list[Attendee]] = {}
        for p in present:
            groups.setdefault(p.organisation, []).append(p)
        lines = [f"*{labels['present']} ({len(present)}):*"]
        for organisation, people in groups.items():
            names = ", ".join(_person(p) for p in people)
            lines.append(f"• {labels['from']} {organisation}: {names}" if organisation else f"• {names}")
        return lines
    # The meeting's date ("hvornår var det seneste kredsrådsmøde?").
    where = f" ({meeting.place})" if meeting.place else ""
    return [f"*{format_date(meeting.date, lang)}*: {meeting.title}{where}"]


def _referent(meeting: MeetingFacts, lang: Lang) -> str:
    labels = _L[lang]
    marked = [p for p in meeting.people if (p.role or "").casefold() == "referent"]
    if not marked and meeting.starter_user_id:
        # A meeting logged in Slack: whoever started it takes the minutes.
        marked = [p for p in meeting.people if p.slack_user_id == meeting.starter_user_id]
        if not marked:
            return f"*{labels['referent']}:* <@{meeting.starter_user_id}>"
    if not marked:
        return labels["none_referent"]
    return f"*{labels['referent']}:* " + ", ".join(_person(p, with_role=False) for p in marked)


def format_items(
    question: Question, sections: Sequence[ItemSection], *, total: int, links: Mapping[int, str]
) -> Answer:
    """An agenda item by number: its title first, then what was said, decided and to be done."""
    lang, labels = question.lang, _L[question.lang]
    if not sections:
        text = labels["no_item"].format(n=question.item_number, what=_what(question))
        return _answer([text], lang, (), 0)
    lines: list[str] = []
    for section in sections:
        if lines:
            lines.append("")
        title = next((a.title for a in section.meeting.agenda if a.number == section.number), "")
        title = title.rstrip(":").strip()
        heading = f"{labels['item']} {section.number}" + (f" – {title}" if title else "")
        lines.append(f"*{heading}*")
        lines.append(cite(section.meeting, lang, links))
        if not section.hits:
            lines.append(labels["empty_item"])
        lines.extend(entry_line(hit, question, 700) for hit in section.hits)
    lines.extend(_more(lang, total, len(sections)))
    return _answer(lines, lang, [s.meeting.meeting_id for s in sections], total)


def format_titles(
    question: Question,
    rows: Sequence[tuple[str, MeetingFacts]],
    *,
    links: Mapping[int, str],
) -> Answer:
    """A person's title (or titles, as they changed), newest first, each with the meeting it is from."""
    lang, labels = question.lang, _L[question.lang]
    lines: list[str] = []
    ids: list[int] = []
    seen: set[tuple[str, str | None]] = set()
    for name, meeting in rows:
        person = next((p for p in meeting.people if p.name == name), None)
        if person is None or (name, person.title) in seen:
            continue
        seen.add((name, person.title))
        details = ", ".join(d for d in (person.title, person.organisation, person.role) if d)
        lines.append(f"*{name}:* {details or '–'}")
        lines.append(cite(meeting, lang, links))
        ids.append(meeting.meeting_id)
    if not lines:
        who = question.speaker.words if question.speaker else ""
        return _answer([labels["no_title"].format(who=who)], lang, (), 0)
    return _answer(lines, lang, ids, len(ids))


# ------------------------------------------------------------------------------------------- dates

_MONTHS = {m.casefold(): i for i, m in enumerate(MONTHS_DA, start=1)} | {
    m.casefold(): i for i, m in enumerate(MONTHS_EN, start=1)
}
_MONTH_WORDS = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_RE = re.compile(
    rf"\b(?P<d>\d{{1,2}})\.?\s*(?P<mw>{_MONTH_WORDS})\b(?:\s+(?P<y>\d{{4}}))?"
    rf"|\b(?P<mw2>{_MONTH_WORDS})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?(?:\s+(?P<y2>\d{{4}}))?"
    r"|\b(?P<d3>\d{1,2})[./-](?P<m3>\d{1,2})[./-](?P<y3>\d{4}|\d{2})\b",
    re.IGNORECASE,
)


def find_date(text: str, base: dt.date) -> dt.date | None:
    """The first calendar date written in `text`; a date without a year is the one nearest `base`."""
    for m in _DATE_RE.finditer(text):
        if m["d"]:
            day, month, year = int(m["d"]), _MONTHS[m["mw"].casefold()], m["y"]
        elif m["d2"]:
            day, month, year = int(m["d2"]), _MONTHS[m["mw2"].casefold()], m["y2"]
        else:
            day, month, year = int(m["d3"]), int(m["m3"]), m["y3"]
            year = f"20{year}" if year and len(year) == 2 else year
        years = [int(year)] if year else [base.year - 1, base.year, base.year + 1]
        candidates = []
        for y in years:
            try:
                candidates.append(dt.date(y, month, day))
            except ValueError:
                continue
        if candidates:
            return min(candidates, key=lambda c: abs((c - base).days))
    return None


def _dated(base: dt.date) -> Callable[[str], bool]:
    """Whether a sentence names a calendar date: what a "when" answer quotes first."""
    return lambda sentence: find_date(sentence, base) is not None


def format_when(question: Question, hits: Sequence[Hit], *, links: Mapping[int, str]) -> Answer | None:
    """A "when" question over what was said: the deadline of an action, or the date in the sentence
    that carries the question's words, or the meeting's date; None when nothing was found."""
    lang = question.lang
    lines: list[str] = []
    for hit in hits[:3]:
        sentence = passage(
            shown_text(hit), question.topic_terms, 400, sentences=1, prefer=_dated(hit.meeting_date)
        )
        if hit.kind == "action" and hit.due is not None:
            when = f"{_L[lang]['due']} {format_date(hit.due, lang)}"
        else:
            found = find_date(sentence, hit.meeting_date)
            when = format_date(found or hit.meeting_date, lang)
        if lines:
            lines.append("")
        lines.append(f"*{when}*")
        lines.append(entry_line(hit, question, 400, text=sentence))
        lines.append(_hit_cite(hit, lang, links))
    if not lines:
        return None
    return _answer(lines, lang, [h.meeting_id for h in hits[:3]], len(hits))


# How many came, as minutes write it: `84 medlemmer til stede`, `Blot syv medlemmer var mødt op`,
# `33 haver repræsenteret`, `i alt 31 ud af 215 medlemmer`.
# How minutes state their meeting's own end or start (`Mødet sluttede klokken 20.45.`), as written.
_MEETING_ENDED = (
    "mødet sluttede",
    "mødet slut",
    "mødet hævet",
    "mødet blev hævet",
    "mødet afsluttet",
    "mødet blev afsluttet",
    "meeting ended",
    "meeting closed",
)
_MEETING_BEGAN = ("mødet startede", "mødet begyndte", "mødet blev åbnet", "meeting started", "meeting opened")
_END_ASKED = re.compile(r"\b(?:slut|sluttede|slutter|ended|ends|end|finished)\b", re.IGNORECASE)


def meeting_time_phrases(question: str) -> tuple[str, ...]:
    """What minutes say when they state the end (or, asked for the start, the start) of their meeting."""
    return _MEETING_ENDED if _END_ASKED.search(question) else _MEETING_BEGAN


PRESENCE_PHRASES = (
    "til stede",
    "tilstede",
    "mødt",
    "fremmødt",
    "repræsenteret",
    "deltog",
    "present",
    "attended",
)
_COUNT = re.compile(
    r"\b(?:\d+|to|tre|fire|fem|seks|syv|otte|ni|ti|elleve|tolv|tretten|fjorten|femten|seksten|"
    r"sytten|atten|nitten|tyve|tredive|fyrre|halvtreds|tres|halvfjerds|firs|halvfems|hundrede)\b",
    re.IGNORECASE,
)
_PRESENCE = re.compile(r"\b(?:" + "|".join(PRESENCE_PHRASES) + r")", re.IGNORECASE)
_NOT_THERE = re.compile(
    r"\bikke\s+(?:\w+\s+)?(?:til\s+stede|mødt|repræsenteret|deltog|present)\b", re.IGNORECASE
)


def head_count(text: str) -> str | None:
    """The sentence of an entry that says how many were present, else None."""
    for sentence in sentences_of(text):
        if _PRESENCE.search(sentence) and _COUNT.search(sentence) and not _NOT_THERE.search(sentence):
            return sentence
    return None


def format_head_count(question: Question, hits: Sequence[Hit], *, links: Mapping[int, str]) -> Answer | None:
    """ "hvor mange var til stede?": the sentences that count those present, newest referat first;
    None when no referat counts them (the attendance list answers instead)."""
    lang = question.lang
    lines: list[str] = []
    shown: list[int] = []
    for hit in hits:
        if (
            hit.meeting_id in shown
            or len(shown) == MAX_MEETINGS
            or (said := head_count(shown_text(hit))) is None
        ):
            continue
        if lines:
            lines.append("")
        lines += [f"• {said}", _hit_cite(hit, lang, links)]
        shown.append(hit.meeting_id)
    return _answer(lines, lang, shown, len(shown)) if lines else None


# When a sentence says the next meeting is, in words rather than as a date: `primo juni`,
# `sidst i januar`, `umiddelbart efter generalforsamlingen`, `i uge 12`.
_VAGUE_WHEN = re.compile(
    rf"\b(?:{_MONTH_WORDS}|mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag|primo|medio|ultimo|"
    r"sidst\s+i|først\s+i|midt\s+i|(?:umiddelbart\s+)?(?:efter|før|inden)\s+\w+|uge\s*\d+|"
    r"foråret|sommeren|efteråret|vinteren|kl\.?\s*\d|early|late|after|before)\b",
    re.IGNORECASE,
)


def format_next_meeting(
    question: Question, hits: Sequence[Hit], *, under: Sequence[Hit] = (), links: Mapping[int, str]
) -> Answer:
    """`Næste møde afholdes den 3. december 2024`: the date first, from the newest referat saying so.

    `hits` say "næste møde" themselves; `under` are the entries of an item titled so. The newest
    referat that tells when decides; one that says it in words (`primo juni`) is shown as written.
    """
    lang, labels = question.lang, _L[question.lang]
    phrases = ("næste møde", "next meeting", *question.topic_terms)
    seen: set[tuple[int, int, int]] = set()
    found: list[tuple[Hit, bool]] = []
    for hit, titled in [*((h, False) for h in hits), *((h, True) for h in under)]:
        if (key := (hit.meeting_id, hit.item_number, hit.seq)) not in seen:
            seen.add(key)
            found.append((hit, titled))
    found.sort(key=lambda pair: (pair[0].meeting_date, pair[0].meeting_id), reverse=True)  # stable
    worded: tuple[Hit, str] | None = None
    for hit, titled in found:
        if worded is not None and hit.meeting_id != worded[0].meeting_id:
            break  # an older referat's date is no longer the next meeting
        sentence = passage(shown_text(hit), phrases, 400, sentences=1)
        date = find_date(sentence, hit.meeting_date)
        if date is not None:
            lines = [
                f"*{labels['next']}: {format_date(date, lang)}*",
                f"• {sentence}",
                _hit_cite(hit, lang, links),
            ]
            return _answer(lines, lang, [hit.meeting_id], 1)
        if worded is None and (titled or _VAGUE_WHEN.search(sentence)):
            worded = (hit, sentence)
    if worded is not None:
        hit, sentence = worded
        return _answer(
            [f"*{labels['next']}:*", f"• {sentence}", _hit_cite(hit, lang, links)], lang, [hit.meeting_id], 1
        )
    return _answer([labels["no_next"].format(what=_what(question))], lang, (), 0)


# A sentence that says someone was away (`afbud fra X`, `X var fraværende`) and why (`pga. ferie`).
_AWAY = re.compile(
    r"\b(?:afbud|fravær\w*|forhindret|bortrejst|ikke\s+til\s+stede|deltog\s+ikke|absent|apologies)\b",
    re.IGNORECASE,
)
_WHY_AWAY = re.compile(
    r"\b(?:pga\.?|på\s+grund\s+af|grundet|som\s+følge\s+af|syg\w*|ferie|barsel\w*|orlov|"
    r"forhindret|bortrejst|because|due\s+to|ill|illness|holiday)\b",
    re.IGNORECASE,
)


def absence_reason(text: str, name: str) -> str | None:
    """The sentence of `text` that says why `name` was away (`… afbud fra Martin Bech pga. ferie.`)."""
    for sentence in sentences_of(text):
        if name in sentence and _AWAY.search(sentence) and _WHY_AWAY.search(sentence):
            return sentence
    return None


def format_absence_reasons(
    question: Question, found: Sequence[tuple[str, str, Hit]], *, links: Mapping[int, str]
) -> Answer:
    """ "hvorfor havde Martin Bech afbud?": per (name, sentence, hit), the apology and the sentence
    that gives its reason, with meeting, date and item."""
    lang, labels = question.lang, _L[question.lang]
    lines: list[str] = []
    for name, sentence, hit in found[:MAX_MEETINGS]:
        if lines:
            lines.append("")
        lines += [f"*{labels['absent']}:* {name}", f"• {sentence}", _hit_cite(hit, lang, links)]
    return _answer(lines, lang, [h.meeting_id for _, _, h in found[:MAX_MEETINGS]], len(found))


def _hit_cite(hit: Hit, lang: Lang, links: Mapping[int, str]) -> str:
    labels = _L[lang]
    item = ""
    if hit.item_number:
        title = (hit.item_title or "").rstrip(":").strip()
        item = f" – {labels['item']} {hit.item_number}" + (f" – {title}" if title else "")
    text = f"{hit.meeting_title}, {format_date(hit.meeting_date, lang)}{item}"
    if hit.meeting_status == "open":
        text += f" ({labels['draft']})"
    line = f"_{text}_"
    link = links.get(hit.meeting_id)
    if link:
        line += f" – <{link}|{labels['link']}>"
    return line


_HOLDER_WORD = re.compile(r"[^\W\d_][\w-]*")
_HOLDER_SKIP = frozenset(
    {"hvem", "er", "var", "blev", "for", "i", "af", "på", "til", "who", "is", "was", "the", "of"}
)


def holders_asked(text: str) -> frozenset[str]:
    """The words of "hvem er suppleant for Brian Møller?" that a person's title or role must have."""
    return frozenset(w for w in _HOLDER_WORD.findall(text.casefold()) if w not in _HOLDER_SKIP)


def title_holders(meeting: MeetingFacts, words: frozenset[str]) -> list[Attendee]:
    """People whose title and role (with their name) carry every word asked, one word from the title."""
    found = []
    for p in meeting.people:
        titled = set(_HOLDER_WORD.findall(f"{p.title or ''} {p.role or ''}".casefold()))
        if titled & words and words <= titled | set(_HOLDER_WORD.findall(p.name.casefold())):
            found.append(p)
    return found


def format_holders(
    question: Question, found: Sequence[tuple[MeetingFacts, Sequence[Attendee]]], *, links: Mapping[int, str]
) -> Answer:
    """`*Birgitte Glifberg* (Suppleant for Brian Møller)` per meeting: who holds the title asked for."""
    lines: list[str] = []
    for meeting, people in found[:MAX_MEETINGS]:
        if lines:
            lines.append("")
        lines.append(", ".join(f"*{p.name}*" + (f" ({p.title})" if p.title else "") for p in people))
        lines.append(cite(meeting, question.lang, links))
    lines.extend(_more(question.lang, len(found), min(len(found), MAX_MEETINGS)))
    return _answer(lines, question.lang, [m.meeting_id for m, _ in found[:MAX_MEETINGS]], len(found))


# For answers built beside this module (bot/archive/initials.py): the same citation and answer shape.
hit_cite = _hit_cite
reply = _answer
