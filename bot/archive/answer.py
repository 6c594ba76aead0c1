"""Turn search hits into the answer a person reads in Slack (mrkdwn) or the console.

Pure: it gets the parsed question, one page of hits and what the archive knows nearby, and writes
text in the question's language. It reads hits through the `Hit` and `ItemRef` protocols below,
which storage.search's records satisfy, so it imports no storage code. Labels are translated; the minutes are quoted as logged, never
translated or reworded (a long statement is shortened with `…` around the words asked about;
decisions are kept whole). Hits are grouped by meeting in rank order, so the best meeting comes
first; within a meeting they follow the agenda. One page fits a Slack message (≤ 3,500 characters)
and says how to ask for the next one.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.archive.question import Lang, Question
from bot.archive.vocabulary import index_form
from bot.text.danish import ABBREVIATION, and_list, counted
from bot.text.dates import TZ, Period, format_long_da, format_long_en
from bot.text.people import Person, render_mentions

# How far the store counts hits, meetings and agenda items (storage.search.COUNT_BOUND): past it, "over".
COUNTED_UP_TO = 100


class _Meeting(Protocol):
    """What a meeting's heading in an answer needs (hits and additions both have it)."""

    @property
    def meeting_id(self) -> int: ...
    @property
    def meeting_title(self) -> str: ...
    @property
    def meeting_date(self) -> dt.date: ...
    @property
    def meeting_status(self) -> str: ...


class Hit(_Meeting, Protocol):
    """What an answer shows of one entry found (storage.search.Hit has exactly this)."""

    @property
    def item_number(self) -> int: ...
    @property
    def item_title(self) -> str | None: ...
    @property
    def seq(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def attributed(self) -> bool: ...
    @property
    def speaker_name(self) -> str | None: ...
    @property
    def speaker_title(self) -> str | None: ...
    @property
    def owner(self) -> str | None: ...
    @property
    def due(self) -> dt.date | None: ...
    @property
    def people(self) -> tuple[tuple[str, str | None], ...]: ...
    @property
    def slack_people(self) -> tuple[tuple[str, str, str | None], ...]: ...


class Addition(_Meeting, Protocol):
    """An approved addition found (storage.search.AdditionHit has exactly this)."""

    @property
    def text(self) -> str: ...
    @property
    def created_utc(self) -> dt.datetime: ...
    @property
    def approved_utc(self) -> dt.datetime: ...


class ItemRef(Protocol):
    """An agenda item to suggest (storage.search.ItemRef has exactly this)."""

    @property
    def meeting_title(self) -> str: ...
    @property
    def meeting_date(self) -> dt.date: ...
    @property
    def number(self) -> int: ...
    @property
    def title(self) -> str: ...


PAGE_SIZE = 8
MAX_CHARS = 3500
_EXCERPT_LIMITS = (360, 220, 130)  # tried in turn until the page fits MAX_CHARS
_DECISION_LIMIT = 700


@dataclass(frozen=True)
class NoMatchHelp:
    """What the archive knows close to a question that found nothing."""

    empty_archive: bool = False
    close_terms: tuple[str, ...] = ()  # vocabulary words that look like the unknown ones
    term_counts: tuple[tuple[str, int], ...] = ()  # agenda items naming each topic term, when together none

    related: tuple[ItemRef, ...] = ()  # agenda items naming the topic
    without_filters: int = 0  # agenda items on the topic when period, person and kind are dropped


@dataclass(frozen=True)
class Answer:
    text: str
    lines: tuple[str, ...]
    lang: Lang
    meeting_ids: tuple[int, ...] = ()  # meetings shown, in order (for links)
    total: int = 0
    page: int = 1
    pages: int = 0


_LABELS: dict[str, dict[str, str]] = {
    "da": {
        "decisions": "Beslutninger",
        "statements": "Udtalelser",
        "who": "Hvem har talt",
        "actions": "Opgaver",
        "when": "Fundet i referaterne",
        "search": "Fundet i referaterne",
        "about": "om",
        "from": "fra",
        "to": "til",  # actions are given to someone: `Opgaver til Lars Møller`
        "found": "fundet",
        "item": "Ad",
        "opening": "Indledning",
        "draft": "udkast",
        "cancelled": "aflyst",
        "link": "referat",
        "decision": "Beslutning",
        "action": "Opfølgning",
        "dissent": "ønskede ført til protokol",
        "conflict": "erklærede sig inhabil og deltog ikke i behandlingen af punktet",
        "away": "deltog ikke under punktet",
        "arrived": "deltog fra dette punkt",
        "left": "forlod mødet under dette punkt",
        "vote": "Afstemning om",
        "due": "frist",
        "no_owner": "ingen ansvarlig",
        "people": "Personer",
        "page": "side",
        "of": "af",
        "more": "flere",
        "over": "over",
        "more_cmd": "/referat spørg",
        "see_more": "se dem med",
        "addition": "Tilføjelse til referatet",
        "approved": "godkendt",
    },
    "en": {
        "decisions": "Decisions",
        "statements": "Statements",
        "who": "Who spoke",
        "actions": "Action items",
        "when": "Found in the minutes",
        "search": "Found in the minutes",
        "about": "on",
        "from": "by",
        "to": "for",
        "found": "found",
        "item": "Item",
        "opening": "Opening",
        "draft": "draft",
        "cancelled": "cancelled",
        "link": "minutes",
        "decision": "Decision",
        "action": "Follow-up",
        "dissent": "asked to have entered in the minutes",
        "conflict": "declared a conflict of interest and took no part in the item",
        "away": "was not present for the item",
        "arrived": "took part from this item on",
        "left": "left the meeting during this item",
        "vote": "Vote on",
        "due": "due",
        "no_owner": "no owner",
        "people": "People",
        "page": "page",
        "of": "of",
        "more": "more",
        "over": "over",
        "more_cmd": "/referat ask",
        "see_more": "see them with",
        "addition": "Addition to the minutes",
        "approved": "approved",
    },
}

_NOTHING = {
    "da": {
        "decisions": "beslutninger",
        "statements": "udtalelser",
        "who": "udtalelser",
        "actions": "opgaver",
        "when": "noget",
        "search": "noget",
    },
    "en": {
        "decisions": "decisions",
        "statements": "statements",
        "who": "statements",
        "actions": "action items",
        "when": "anything",
        "search": "anything",
    },
}


def pages_for(total: int, page_size: int = PAGE_SIZE) -> int:
    return math.ceil(total / page_size) if total > 0 else 0


def format_date(d: dt.date, lang: Lang) -> str:
    return format_long_en(d) if lang == "en" else format_long_da(d)


def format_answer(
    question: Question,
    hits: Sequence[Hit],
    *,
    total: int,
    links: Mapping[int, str] | None = None,
    hints: NoMatchHelp | None = None,
    page_size: int = PAGE_SIZE,
    additions: Sequence[Addition] = (),
    more: bool = False,
) -> Answer:
    """The answer to one page of a question; `links` maps meeting id → permalink of its referat.

    `additions`: approved additions found besides the hits (the caller passes them on the first
    page only); each is shown under its meeting, cited with its dates, and counted in the headline.
    `more`: there are more hits than `total` (counting stopped there), so the answer says "over".
    """
    lang = question.lang
    pages = pages_for(total, page_size)
    if not hits and not additions:
        if total > 0:
            lines = _beyond_last_page(question, pages)
        else:
            lines = _no_match(question, hints or NoMatchHelp())
        return _answer(lines, lang, (), total, question.page, pages)
    meeting_ids = tuple(dict.fromkeys([*(h.meeting_id for h in hits), *(a.meeting_id for a in additions)]))
    for limit in _EXCERPT_LIMITS:
        lines = _page(
            question, hits, additions, total=total, pages=pages, links=links or {}, limit=limit, more=more
        )
        if len("\n".join(lines)) <= MAX_CHARS:
            break
    return _answer(lines, lang, meeting_ids, total, question.page, pages)


def _answer(
    lines: Sequence[str], lang: Lang, meeting_ids: tuple[int, ...], total: int, page: int, pages: int
) -> Answer:
    text = "\n".join(lines)
    if len(text) > MAX_CHARS:
        text = text[: MAX_CHARS - 1].rstrip() + "…"
    return Answer(
        text=text, lines=tuple(lines), lang=lang, meeting_ids=meeting_ids, total=total, page=page, pages=pages
    )


# ------------------------------------------------------------------------------------------ a page


def _headline(question: Question, total: int | None, more: bool = False) -> str:
    labels = _LABELS[question.lang]
    parts = [labels[question.intent]]
    if question.speaker is not None:
        parts.append(f"{_person_word(question)} {_speaker_words(question)}")
    if question.topic_text:
        parts.append(f"{labels['about']} «{question.topic_text}»")
    if question.period is not None:
        parts.append(f"({question.period.label})")
    head = "*" + " ".join(parts) + "*"
    if total is not None:
        head += f" – {labels['over'] + ' ' if more else ''}{total} {labels['found']}"
    return head


def _person_word(question: Question) -> str:
    """`fra` for what people said, `til` for the actions given to them."""
    labels = _LABELS[question.lang]
    return labels["to"] if question.intent == "actions" else labels["from"]


def _speaker_words(question: Question) -> str:
    speaker = question.speaker
    assert speaker is not None
    names = list(dict.fromkeys(p.name for p in speaker.people))
    if not speaker.by_role or not names:
        return speaker.words
    shown = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
    return f"{speaker.words} ({shown})"


def _page(
    question: Question,
    hits: Sequence[Hit],
    additions: Sequence[Addition],
    *,
    total: int,
    pages: int,
    links: Mapping[int, str],
    limit: int,
    more: bool = False,
) -> list[str]:
    labels = _LABELS[question.lang]
    lines = [_headline(question, total + len(additions), more)]
    if question.intent == "who":
        people = _people(hits)
        if people:
            lines.append(f"{labels['people']}: " + ", ".join(people))
    speaker = question.speaker
    if speaker is not None and speaker.shared:
        # "hvad sagde Helle?" with two Helles: say so, and answer for each one apart.
        names = list(dict.fromkeys(p.name for p in speaker.people))
        if question.lang == "en":
            lines.append(
                f"«{speaker.words}» may be {len(names)} people: {and_list(names, 'and')}. The answer is grouped by person."
            )
        else:
            lines.append(
                f"«{speaker.words}» kan være {len(names)} personer: {and_list(names)}. Svaret er delt efter person."
            )
        by_person: dict[str, list[Hit]] = {}
        for hit in hits:
            by_person.setdefault(_whose(hit, names), []).append(hit)
        for name in [*names, ""]:
            if name in by_person:
                title = next((p.title for p in speaker.people if p.name == name and p.title), None)
                lines.append("")
                lines.append(f"*{name}*" + (f" ({title})" if title else "") if name else "*…*")
                lines.extend(_by_meeting(by_person[name], question, links, limit, spaced=False))
    else:
        lines.extend(_by_meeting(hits, question, links, limit, spaced=True, additions=additions))
    lines.extend(_footer(question, hits, total=total, pages=pages, more=more))
    return lines


def _whose(hit: Hit, names: Sequence[str]) -> str:
    """Which of the people an entry belongs to: its speaker, its owner, or the first one it names."""
    for candidate in (hit.speaker_name, hit.owner, *(n for n, _ in hit.people)):
        if candidate is not None and candidate in names:
            return candidate
    return ""


def _by_meeting(
    hits: Sequence[Hit],
    question: Question,
    links: Mapping[int, str],
    limit: int,
    *,
    spaced: bool,
    additions: Sequence[Addition] = (),
) -> list[str]:
    lines: list[str] = []
    groups: dict[int, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.meeting_id, []).append(hit)
    added: dict[int, list[Addition]] = {}
    for addition in additions:
        added.setdefault(addition.meeting_id, []).append(addition)
    heads: dict[int, _Meeting] = {
        **{a.meeting_id: a for a in additions},
        **{m: g[0] for m, g in groups.items()},
    }
    # Meetings in rank order of their hits; meetings found only through an addition after them.
    for meeting_id in dict.fromkeys([*groups, *added]):
        if spaced:
            lines.append("")
        lines.append(_meeting_line(heads[meeting_id], question.lang, links))
        item: int | None = None
        for hit in sorted(groups.get(meeting_id, ()), key=lambda h: (h.item_number, h.seq)):
            if hit.item_number != item:
                item = hit.item_number
                lines.append(_item_line(hit, question.lang))
            lines.append(entry_line(hit, question, limit))
        lines.extend(addition_line(a, question, limit) for a in added.get(meeting_id, ()))
    return lines


def addition_line(addition: Addition, question: Question, limit: int) -> str:
    """An approved addition, cited as such: `Tilføjelse til referatet, <dato>, godkendt <dato>: «…»`."""
    labels = _LABELS[question.lang]

    def day(when: dt.datetime) -> str:
        return format_date(when.astimezone(TZ).date(), question.lang)

    shown = passage(addition.text, question.topic_terms, limit)
    return (
        f"• _{labels['addition']}, {day(addition.created_utc)}, "
        f"{labels['approved']} {day(addition.approved_utc)}:_ «{shown}»"
    )


def _people(hits: Sequence[Hit]) -> list[str]:
    seen: dict[str, str | None] = {}
    for hit in hits:
        if hit.kind == "action" and hit.owner and hit.owner not in seen:
            seen[hit.owner] = None  # who does it is the answer to "hvem …?"
        for name, title in hit.people:
            if name not in seen or (seen[name] is None and title):
                seen[name] = title
    return [f"*{name}* ({title})" if title else f"*{name}*" for name, title in seen.items()]


def _meeting_line(hit: _Meeting, lang: Lang, links: Mapping[int, str]) -> str:
    labels = _LABELS[lang]
    line = f"*{hit.meeting_title}*, {format_date(hit.meeting_date, lang)}"
    if hit.meeting_status == "open":
        line += f" ({labels['draft']})"
    elif hit.meeting_status == "cancelled":
        line += f" ({labels['cancelled']})"
    link = links.get(hit.meeting_id)
    if link:
        line += f" – <{link}|{labels['link']}>"
    return line


def _item_line(hit: Hit, lang: Lang) -> str:
    labels = _LABELS[lang]
    if hit.item_number == 0:
        return f"_{labels['opening']}_"
    title = (hit.item_title or "").strip().rstrip(":").strip()
    return (
        f"_{labels['item']} {hit.item_number} – {title}_"
        if title
        else f"_{labels['item']} {hit.item_number}_"
    )


def shown_text(hit: Hit) -> str:
    """The entry's words with every Slack mention shown as the person (never `<@U…>`)."""
    people = {uid: Person(name, title) for uid, name, title in hit.slack_people}
    return render_mentions(hit.text, people)


def entry_line(hit: Hit, question: Question, limit: int, *, text: str | None = None) -> str:
    """One entry as a bullet: owner and deadline of an action, a decision, or a statement with its
    speaker; `text` replaces the passage chosen from the entry (a sentence already picked)."""
    labels = _LABELS[question.lang]
    if text is not None:
        limit = max(limit, len(text))
    body = text if text is not None else shown_text(hit)
    if hit.kind == "action":
        owner = hit.owner or f"({labels['no_owner']})"
        line = f"• *{owner}* – {passage(body, question.topic_terms, limit)}"
        if hit.due is not None:
            line += f" – {labels['due']} {format_date(hit.due, question.lang)}"
        if question.intent != "actions":
            line = line.replace("• ", f"• {labels['action']}: ", 1)
        return line
    if hit.kind == "decision":
        shown = passage(body, question.topic_terms, max(limit, _DECISION_LIMIT))
        return f"• {shown}" if question.intent == "decisions" else f"• *{labels['decision']}:* {shown}"
    if hit.kind == "vote":
        return f"• *{labels['vote']}* {passage(body, question.topic_terms, limit)}"
    if hit.kind in ("dissent", "conflict", "away", "arrived", "left"):
        # The record's fixed sentences: the person, what the note says, and a dissent's own words.
        who = f"*{hit.speaker_name}* " if hit.speaker_name else ""
        if hit.kind == "dissent":
            return f"• {who}{labels['dissent']}: «{passage(body, question.topic_terms, limit)}»"
        return f"• {who}{labels[hit.kind]}"
    shown = passage(body, question.topic_terms, limit)
    if hit.speaker_name and not hit.attributed:
        who = f"*{hit.speaker_name}*" + (f", {hit.speaker_title}" if hit.speaker_title else "")
        return f"• {who}: {shown}"
    return f"• {shown}"


# A sentence ends at . ! ? followed by space and a capital, a digit or a quote ("ca. 325" and
# "f.eks. være" do not end one: a lower-case word follows).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"«A-ZÆØÅ0-9])")


def sentences_of(text: str) -> list[str]:
    """The sentences of `text`; an abbreviation (`kl. 19.30`, `d. 27. august`) ends none."""
    parts: list[str] = []
    for part in _SENTENCE_END.split(" ".join(text.split())):
        if parts and ABBREVIATION.match(parts[-1].rsplit(" ", 1)[-1]):
            parts[-1] += f" {part}"
        elif part:
            parts.append(part)
    return parts


def _probes(terms: Sequence[str]) -> list[list[str]]:
    """Per term, the beginnings of its words as the index folds them (`trekanten` → `trekant`)."""
    return [[index_form(w)[: max(4, len(w) - 2)] for w in re.findall(r"[^\W_]+", t)] for t in terms]


def passage(
    text: str,
    terms: Sequence[str],
    limit: int,
    *,
    sentences: int | None = None,
    prefer: Callable[[str], bool] | None = None,
) -> str:
    """The words of the entry that answer the question, word for word.

    The whole text when it fits (and `sentences` is None); otherwise the sentence carrying the
    question's rarest terms (`terms` come rarest first: the first weighs most), then the sentences
    after it while they fit, marked with `…` where text was left out. Of sentences that carry the
    terms equally, one that `prefer` accepts wins (a "when" answer wants the one with a date).
    """
    text = " ".join(text.split())
    if sentences is None and len(text) <= limit:
        return text
    parts = sentences_of(text)
    probes = _probes(terms)
    folded = [index_form(p) for p in parts]

    def score(i: int) -> int:
        weight = 0
        for rank, words in enumerate(probes):
            if words and all(w in folded[i] for w in words):
                weight += 1 << (len(probes) - rank)
        return weight

    def preferred(i: int) -> bool:
        return prefer is not None and prefer(parts[i])

    best = max(range(len(parts)), key=lambda i: (score(i), preferred(i), -i)) if parts else 0
    chosen = [best]
    while chosen[-1] + 1 < len(parts) and (sentences is None or len(chosen) < sentences):
        following = chosen[-1] + 1
        if sum(len(parts[i]) + 1 for i in [*chosen, following]) > limit:
            break
        chosen.append(following)
    out = " ".join(parts[i] for i in chosen) if parts else text
    if len(out) > limit:
        out = out[: _word_end(out, limit)].rstrip() + " …"
    return ("… " if chosen[0] > 0 else "") + out + (" …" if chosen[-1] + 1 < len(parts) else "")


def _word_end(text: str, pos: int) -> int:
    if pos >= len(text):
        return len(text)
    space = text.rfind(" ", 0, pos)
    return space if space > 0 else pos


def _footer(
    question: Question, hits: Sequence[Hit], *, total: int, pages: int, more: bool = False
) -> list[str]:
    labels = _LABELS[question.lang]
    shown_until = (question.page - 1) * PAGE_SIZE + len(hits)
    remaining = total - shown_until
    over = f"{labels['over']} " if more else ""  # counting stopped at the bound: there are more
    lines: list[str] = []
    if pages > 1:
        lines.append("")
        page_note = f"{labels['page'].capitalize()} {question.page} {labels['of']} {over}{pages}."
        if remaining > 0:
            command = _ask_again(question, question.page + 1)
            page_note += f" {over.capitalize()}{remaining} {labels['more']} – {labels['see_more']} {command}"
        lines.append(page_note)
    return lines


def _ask_again(question: Question, page: int | None = None) -> str:
    """The question asked again (on `page`) as it is typed where it was asked: `/referat spørg … side 2`
    as code in Slack, `referat ask "…" --page 2` as plain text on the command line."""
    labels = _LABELS[question.lang]
    if question.command_line:
        quoted = '"' + question.text.replace('"', "'") + '"'
        return f"referat ask {quoted}" + (f" --page {page}" if page else "")
    return f"`{labels['more_cmd']} {question.text}" + (f" {labels['page']} {page}`" if page else "`")


def _beyond_last_page(question: Question, pages: int) -> list[str]:
    command = _ask_again(question)
    if question.lang == "en":
        return [f"Page {question.page} does not exist: the answer has {pages} page(s). Start with {command}."]
    side = "side" if pages == 1 else "sider"
    return [f"Side {question.page} findes ikke: svaret har {pages} {side}. Start med {command}."]


# ---------------------------------------------------------------------------------------- no match


def _no_match(question: Question, hints: NoMatchHelp) -> list[str]:
    lang = question.lang
    if hints.empty_archive:
        if lang == "en":
            return ["The archive is empty: there are no minutes to search yet."]
        return ["Arkivet er tomt: der er endnu ingen referater at søge i."]
    if not question.topic_terms and question.speaker is None and question.period is None:
        if lang == "en":
            return [
                "What would you like to know? Ask e.g. `/referat ask what was decided on Trekanten?` "
                "or `/referat ask what did the mayor say about burglaries last year?`"
            ]
        return [
            "Hvad vil du vide? Spørg fx `/referat spørg hvad blev besluttet om Trekanten?` "
            "eller `/referat spørg hvad sagde politidirektøren om flerårsaftalen?`"
        ]
    lines = [_nothing_found(question)]
    if hints.without_filters:
        lines.append(_without_filters(question, hints.without_filters))
    if len(hints.term_counts) > 1:
        counts = ", ".join(f"«{term}» {_up_to(count, lang)}" for term, count in hints.term_counts)
        if lang == "en":
            lines.append(f"No agenda item has all the words. Agenda items with each word: {counts}.")
        else:
            lines.append(f"Intet dagsordenspunkt har alle ordene. Punkter med hvert ord: {counts}.")
    if hints.close_terms:
        words = ", ".join(hints.close_terms)
        lines.append(
            f"Words in the archive that look similar: {words}."
            if lang == "en"
            else f"Ord i arkivet, der ligner: {words}."
        )
    if hints.related:
        lines.append("Related agenda items:" if lang == "en" else "Beslægtede dagsordenspunkter:")
        for ref in hints.related:
            label = "Item" if lang == "en" else "Ad"
            lines.append(
                f"• {label} {ref.number} – {ref.title.rstrip(':').strip()} "
                f"({ref.meeting_title}, {format_date(ref.meeting_date, lang)})"
            )
    return lines


def _nothing_found(question: Question) -> str:
    lang = question.lang
    what = _NOTHING[lang][question.intent]
    parts = []
    if question.speaker is not None:
        parts.append(f"{_person_word(question)} {_speaker_words(question)}")
    if question.topic_text:
        parts.append(f"{_LABELS[lang]['about']} «{question.topic_text}»")
    if question.period is not None:
        parts.append(_period_phrase(question.period, lang))
    tail = (" " + " ".join(parts)) if parts else ""
    if lang == "en":
        return (
            f"I found no {what}{tail} in the minutes."
            if what != "anything"
            else f"I found nothing{tail} in the minutes."
        )
    return (
        f"Jeg fandt ingen {what}{tail} i referaterne."
        if what != "noget"
        else f"Jeg fandt intet{tail} i referaterne."
    )


def _period_phrase(period: Period, lang: Lang) -> str:
    label = period.label
    if re.match(r"^(siden|før|efter|since|before|after|de sidste|the last|the past)\b", label):
        return label
    if re.match(r"^\d{1,2}\.? ", label):
        return f"on {label}" if lang == "en" else f"den {label}"
    return f"in {label}" if lang == "en" else f"i {label}"


def _without_filters(question: Question, count: int) -> str:
    lang = question.lang
    dropped = []
    if question.period is not None:
        dropped.append(_period_phrase(question.period, lang))
    if question.speaker is not None:
        dropped.append(f"{_person_word(question)} {question.speaker.words}")
    if question.intent in ("decisions", "actions", "statements", "who"):
        dropped.append(("only " if lang == "en" else "kun ") + _NOTHING[lang][question.intent])
    over = ("more than " if lang == "en" else "mere end ") if count > COUNTED_UP_TO else ""
    count = min(count, COUNTED_UP_TO)
    if lang == "en":
        return (
            f"Without the limits ({and_list(dropped, 'and')}) the topic comes up under "
            f"{over}{counted(count, 'agenda item')}."
        )
    return f"Uden afgrænsning ({and_list(dropped)}) nævnes emnet under {over}{counted(count, 'dagsordenspunkt')}."


def _up_to(count: int, lang: Lang) -> str:
    """A count the store stopped past its bound reads "over" the bound."""
    return f"{_LABELS[lang]['over']} {COUNTED_UP_TO}" if count > COUNTED_UP_TO else str(count)
