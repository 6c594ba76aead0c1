"""Answer a question over the whole archive: parse, expand, search, format.

The one entry point shared by the Slack listener, `referat ask` and the console. It is Slack-free:
a permalink lookup comes in as a plain function.

The archive's vocabulary and people are read once per database and kept in it (m071's snapshot):
a process that starts takes the snapshot, in milliseconds, instead of reading every term of the
indexes, which takes seconds at 300,000 entries. It is reused until `search_state` says the
archive changed. A small archive is then read again at once; a large one keeps answering with the
vocabulary it has while a background thread (on its own connection: sqlite3 connections stay on
their thread) reads the new one and stores it for the next process. Meanwhile a brand-new word is
still found exactly, since every word is also searched as written; only its expansions wait.
"""

from __future__ import annotations

import logging
import math
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.archive.agenda_text import AgendaText, format_agenda_text, holds_every_term
from bot.archive.answer import PAGE_SIZE, Answer, NoMatchHelp, format_answer
from bot.archive.facts import (
    CHAIR_ROLES,
    MAX_MEETINGS,
    PRESENCE_PHRASES,
    ItemSection,
    absence_reason,
    format_absence_reasons,
    format_frame,
    format_head_count,
    format_holders,
    format_items,
    format_next_meeting,
    format_titles,
    format_when,
    holders_asked,
    meeting_time_phrases,
    no_meeting,
    title_holders,
)
from bot.archive.initials import dotted_initials, format_listed, format_named, listed_as, named_by
from bot.archive.question import (
    NEXT_MEETING,
    PLANNED_MEETINGS,
    WHO_IS,
    PeopleIndex,
    PersonRef,
    Question,
    parse_question,
    term_alternatives,
    year_asked,
)
from bot.archive.record_answers import (
    SHOWN,
    FoundVote,
    RecordAsk,
    format_how_voted,
    format_took_part,
    format_vote_outcome,
    record_ask,
    vote_topic,
)
from bot.archive.reporters import by_organisation, reporter_terms, reports_of
from bot.archive.vocabulary import Vocabulary, pack
from bot.referat import attendance
from bot.text.dates import TZ
from bot.text.sizes import question_too_long
from storage import search
from storage.archive import Archive
from storage.connection import connect
from storage.records import OPENING_ITEM, AgendaItem
from storage.search import AdditionHit
from storage.search import Hit as EntryHit
from storage.store import Store
from storage.vocabulary import VocabularySnapshot

log = logging.getLogger(__name__)

# A reload slower than this happens in the background; faster ones (small archives, tests) inline.
SYNC_RELOAD_SECONDS = 0.05
# ... and only for a vocabulary this large: a small archive is read again at once whatever the
# machine's load, so what was just logged is understood in all its forms by the next question.
SYNC_RELOAD_TERMS = 50_000
# Above this many agenda items mentioning the rarest topic word, hits are ordered newest first.
RANKING_LIMIT = 5000

_KINDS: dict[str, tuple[str, ...]] = {
    "decisions": ("decision",),
    "statements": ("statement",),
    # Who did or decided something is asked the same way as who said it ("hvem bestiller værdibokse?",
    # "hvem kan leje teltet?"): imported minutes record much of it as actions and decisions.
    "who": ("statement", "action", "decision"),
    "actions": ("action",),
    "when": (),
    "search": (),
}
# A body's own meeting (`byrådsmødet`, `udvalget`), not an event its minutes mention (`årsmødet`).
_MEETING_NOUN = re.compile(
    r"^møde[t]?$|(?:udvalg(?:et)?|råd(?:et)?|rådsmøde[t]?|bestyrelsen|bestyrelsesmøde[t]?|"
    r"generalforsamling(?:en)?)$"
)


def _about_the_meeting(words: Sequence[str]) -> bool:
    """`hvor blev byrådsmødet holdt?`: the words name the meeting itself (its kind), not something in it."""
    return any(_MEETING_NOUN.search(part) for word in words for part in word.split())


_WHY = re.compile(r"^\W*(?:hvorfor|why)\b", re.IGNORECASE)
_HOLDER_MEETINGS = 20  # the newest meetings a "hvem er <title>?" looks in
_CHAIR_WORDS = ("dirigent", "dirigenten", "ordstyrer", "ordstyreren", "mødeleder")
# Questions an approved addition answers (it has no speaker, owner or deadline).
_ADDITION_INTENTS = ("search", "decisions")
# Phrases a referat states its next meeting with (matched as the index stores words).
_NEXT_MEETING = ("næste møde", "next meeting")
_NEXT_MEETING_LOOKBACK = 20  # newest meetings read for a "next meeting" sentence
_REPORT_ITEMS = 30  # agenda items mentioning a reporter's word, read for one titled as their report
_NEXT_MEETING_ASKED = re.compile(NEXT_MEETING, re.IGNORECASE)
# A question naming the agenda with this many words of its own asks what was said (if anything was).
_AGENDA_TOPIC_WORDS = 2
# A statement that announces what follows it: `To store emner har …`, `… drøftede følgende:`.
_ANNOUNCES = re.compile(
    r"\b(?:to|tre|fire|fem|seks|flere|følgende)\s+(?:\w+\s+)?(?:emner|ting|punkter|sager|forhold|områder|"
    r"spørgsmål|forslag)\b|:\s*$",
    re.IGNORECASE,
)
# An agenda item's own text answers these when nothing said does (see bot/archive/agenda_text.py).
_AGENDA_TEXT_INTENTS = ("search", "who", "when")
_AGENDA_TEXT_ITEMS = 8  # readable items mentioning the topic that are read for it
# An item that plans the meetings to come: `Mødedatoer 2015`, `Mødeplan for foråret`, `Møder i 2025`.
_PLAN_TITLE = re.compile(r"\bmøde(?:datoer|plan|kalender|række)|\bmøder\s+i\s+\d{4}", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_COUNT_ASKED = re.compile(r"^\W*(?:hvor\s+mange|how\s+many)\b", re.IGNORECASE)


@dataclass(frozen=True)
class ArchiveState:
    """What questions are understood against: cached per database until the archive changes."""

    marker: tuple[str, int]
    vocabulary: Vocabulary
    people: PeopleIndex
    meetings: int
    load_seconds: float


_cache: dict[str, ArchiveState] = {}
_refreshing: set[str] = set()
_lock = threading.Lock()
_first_take = threading.Lock()
_refreshed_at: dict[str, float] = {}
# A background reading waits this many times its own duration after the last one (12 s of reading at
# 100,000 meetings: one every 10 minutes at most), so reading takes at most a fiftieth of the machine.
REFRESH_PAUSE = 50


def _state(archive: Archive, snapshot: VocabularySnapshot) -> ArchiveState:
    vocabulary = Vocabulary(snapshot.terms)
    people = PeopleIndex((PersonRef(name, title) for name, title in snapshot.people), snapshot.initials)
    return ArchiveState(snapshot.marker, vocabulary, people, archive.meeting_count(), snapshot.load_seconds)


def remember_vocabulary(archive: Archive) -> VocabularySnapshot:
    """Read the vocabulary from the indexes, lay it out, and keep it for the next process."""
    started = time.perf_counter()
    reading = archive.read_vocabulary()
    snapshot = VocabularySnapshot(
        reading.marker,
        pack(reading.terms, reading.docs),
        reading.people,
        reading.initials,
        time.perf_counter() - started,
    )
    try:
        archive.save_vocabulary_snapshot(snapshot)
    except sqlite3.Error as error:  # a busy or read-only database: the next process reads again
        log.warning("vocabulary snapshot not kept: %s", error)
    return snapshot


def _read(archive: Archive) -> ArchiveState:
    return _state(archive, remember_vocabulary(archive))


def archive_state(store: Store) -> ArchiveState:
    """The vocabulary and people of the store's database, reloaded when it has changed."""
    store.flush_search_documents()  # statements logged since the last question become searchable
    archive = store.archive
    path = archive.location()
    key = archive.key()
    marker = archive.change_marker()
    with _lock:
        cached = _cache.get(key)
    if cached is not None and cached.marker == marker:
        return cached
    if cached is None:
        # A new process: one thread takes the vocabulary (seconds when it must be read at
        # 100,000 meetings); a question that comes meanwhile waits for it rather than read it too.
        with _first_take:
            with _lock:
                cached = _cache.get(key)
            if cached is None:
                return _take(archive, key, path, marker)
            if cached.marker == marker:
                return cached
    if not _large(cached.load_seconds, len(cached.vocabulary)) or path is None:
        state = _read(archive)
        with _lock:
            _cache[key] = state
        return state
    _refresh_in_background(key, path)
    return cached


def _large(load_seconds: float, terms: int) -> bool:
    """Whether an archive's vocabulary is read again in the background rather than before answering."""
    return load_seconds >= SYNC_RELOAD_SECONDS and terms >= SYNC_RELOAD_TERMS


def _take(archive: Archive, key: str, path: str | None, marker: tuple[str, int]) -> ArchiveState:
    """A new process's state: the stored snapshot, when it is current or the archive is large
    (then kept while a current one is read in the background); else the indexes read now."""
    snapshot = archive.vocabulary_snapshot()
    if snapshot is not None and (
        snapshot.marker == marker
        or (path is not None and _large(snapshot.load_seconds, snapshot.terms.count))
    ):
        cached = _state(archive, snapshot)
        with _lock:
            _cache[key] = cached
        if cached.marker != marker and path is not None:
            _refresh_in_background(key, path)
        return cached
    state = _read(archive)
    with _lock:
        _cache[key] = state
    return state


def _refresh_in_background(key: str, path: str) -> None:
    """Read the vocabulary again on a thread of its own, at most once per REFRESH_PAUSE readings.

    At 100,000 meetings a reading takes seconds of work; while statements are logged every
    question would start one. Between readings a brand-new word is still found as written.
    """
    with _lock:
        cached = _cache.get(key)
        pause = REFRESH_PAUSE * (cached.load_seconds if cached is not None else 0.0)
        if key in _refreshing or time.monotonic() - _refreshed_at.get(key, -math.inf) < pause:
            return
        _refreshing.add(key)

    def run() -> None:
        try:
            archive = Archive(connect(path))
            try:
                state = _read(archive)
                state.vocabulary.warm()
            finally:
                archive.close()
            with _lock:
                _cache[key] = state
        finally:
            with _lock:
                _refreshing.discard(key)
                _refreshed_at[key] = time.monotonic()

    threading.Thread(target=run, name="referat-vocabulary", daemon=True).start()


def answer_question(
    store: Store,
    text: str,
    *,
    now: datetime,
    page: int = 1,
    links: Callable[[int], str | None] | None = None,
    scope: search.Scope,
    command_line: bool = False,
) -> Answer:
    """The answer to `text` (Danish or English); `links(meeting_id)` gives a referat's permalink.

    `scope` is what the reader may see (bot/archive/access.py); everything the answer says, hits,
    counts, suggested words, related items, meetings, people and agenda items, stays inside it.
    There is no default: a caller that forgot it would show private minutes, so even the whole
    archive (`search.EVERYTHING`, for the operator on the command line) is asked for by name.
    """
    if refusal := question_too_long(text):
        # Refused before it is read: understanding and searching cost grows with the text.
        return Answer(text=refusal, lines=(refusal,), lang="da")
    state = archive_state(store)
    question = parse_question(text, now=now, known_people=state.people, page=page)
    if question.speaker is None and question.intent == "statements" and question.topic_terms:
        question = by_organisation(
            question,
            lambda: store.archive.organisations(scope),
            lambda bodies: store.archive.organisation_people(bodies, scope),
        )
    if command_line:
        question = replace(question, command_line=True)
    if state.meetings == 0:
        return format_answer(question, (), total=0, hints=NoMatchHelp(empty_archive=True))
    if scope.nothing:
        if question.speaker is not None:
            # Nobody the reader may not read about is named back: the words as asked, no holders.
            question = replace(question, speaker=replace(question.speaker, people=(), by_role=False))
        return format_answer(question, (), total=0, hints=NoMatchHelp())
    asking = _Asking(store, question, state, scope, links, now)
    routed = asking.route()
    if routed is not None:
        return routed
    return asking.search()


class _Asking:
    """One question on its way to an answer: which kind of answer, which meetings, which entries."""

    def __init__(
        self,
        store: Store,
        question: Question,
        state: ArchiveState,
        scope: search.Scope,
        links: Callable[[int], str | None] | None,
        now: datetime,
    ) -> None:
        self.archive = store.archive
        self.store = store
        self.state = state
        self.scope = scope
        self.links = links
        self.today = now.astimezone(TZ).date()
        vocabulary = state.vocabulary
        pairs = [(t, term_alternatives(t, vocabulary, lang=question.lang)) for t in question.topic_terms]
        if question.speaker is not None and scope.channels is not None:
            # Only people of readable meetings may be named back, or the answer tells who exists.
            seen = self.archive.people_in([p.name for p in question.speaker.people], scope)
            people = tuple(p for p in question.speaker.people if p.name in seen)
            shared = question.speaker.shared and len({p.name for p in people}) > 1
            question = replace(question, speaker=replace(question.speaker, people=people, shared=shared))
        self.asked = question  # topic terms in the order asked, for hints that echo them
        self.asked_terms = [alts for _, alts in pairs]
        pairs.sort(key=lambda pair: vocabulary.frequency(pair[1]))  # the rarest term drives the search
        if question.speaker is None and len(pairs) > 1 and vocabulary.frequency(pairs[-1][1]):
            # A question word no minutes use ("hvor *tit* er der græsslåning?", "hvornår *holder* …")
            # would make every entry fail; the words the archive has carry the question.
            pairs = [pair for pair in pairs if vocabulary.frequency(pair[1])]
        self.question = replace(question, topic_terms=tuple(t for t, _ in pairs))
        self.terms = [alts for _, alts in pairs]
        # Terms naming a meeting by its title or place ("kredsrådsmødet", "Lemvig") choose meetings.
        self.named = [alts for alts in self.terms if alts and self.archive.names_meeting(alts)]
        self.topic = [alts for alts in self.terms if not any(alts is n for n in self.named)]
        self._found_meetings: dict[tuple[int | None, bool, int | None], tuple[list[int], int]] = {}

    # --- routing ------------------------------------------------------------------------------

    def route(self) -> Answer | None:
        q = self.question
        if (asked := record_ask(q, q.text)) is not None and (recorded := self._record(asked)) is not None:
            return recorded
        if q.fact == "next_meeting":
            return self._next_meeting()
        if q.fact == "title":
            return self._titles()
        if q.item_number is not None:
            return self._items()
        if q.fact == "chair":
            return self._chair()
        if q.fact == "time":
            return self._time()
        if q.fact is None and (initials := dotted_initials(q.text)) and (named := self._named_by(initials)):
            return named
        if (
            q.fact == "absent"
            and q.speaker is not None
            and _WHY.match(q.text)
            and (why := self._why_absent())
        ):
            return why
        if q.fact is None and q.item_number is None and WHO_IS.match(q.text) and (held := self._holders()):
            return held
        if q.fact == "place" and self.topic and not self.named and not _about_the_meeting(q.topic_terms):
            # "hvor holdes årsmødet?" asks where something the minutes mention happens, not where
            # the meeting itself was: the minutes' text answers it.
            return None
        if q.fact == "attendance" and _COUNT_ASKED.match(q.text) and (counted := self._head_count()):
            return counted
        if q.fact == "agenda" and len(self.topic) >= _AGENDA_TOPIC_WORDS and (said := self.search()).total:
            # "hvad har stået højt på bestyrelsens dagsorden?": words of what was said, not the agenda.
            return said
        if q.fact is not None:
            return self._frame()
        if q.intent == "when" and PLANNED_MEETINGS.search(q.text) and (planned := self._meeting_plan()):
            return planned
        if q.intent == "when" and (q.latest or (self.named and not self.topic)):
            return self._frame()
        if q.intent == "statements" and q.speaker is None and (reported := self._reported()) is not None:
            return reported
        if q.intent == "when":
            found = self._entries_led((), self.terms, self._latest(), limit=3)
            answer = format_when(q, found.hits, links=self._links(h.meeting_id for h in found.hits))
            if answer is not None:
                return answer
            return self._frame() if self.named else None
        return None

    def _meetings(
        self, *, item_number: int | None = None, about: bool = True, limit: int | None = MAX_MEETINGS
    ) -> tuple[list[int], int]:
        # Asked once per answer: the search and the additions both want the meetings named.
        key = (item_number, about, limit)
        if key not in self._found_meetings:
            q = self.question
            self._found_meetings[key] = self.archive.find_meetings(
                named=self.named,
                about=self.topic if about else (),
                start=q.period.start if q.period else None,
                end=q.period.end if q.period else None,
                item_number=item_number,
                scope=self.scope,
                limit=1 if q.latest else limit,
            )
        ids, total = self._found_meetings[key]
        return list(ids), total

    def _latest(self) -> list[int] | None:
        """The one meeting entries may come from when the question asks for the latest (else None)."""
        if not self.question.latest:
            return None
        ids, _ = self._meetings(about=False, limit=1)
        return ids

    def _frame(self) -> Answer:
        ids, total = self._meetings()
        if not ids and self.topic and self.named:
            # A stray word ("who sent apologies to the Struer meeting"): the named meeting decides.
            ids, total = self._meetings(about=False)
        if not ids and self.topic:
            return no_meeting(self.question)
        facts = self.archive.meeting_facts(ids, scope=self.scope)
        return format_frame(self.question, facts, total=total, links=self._links(ids))

    def _why_absent(self) -> Answer | None:
        """ "hvorfor havde Martin Bech afbud?": the sentence of the minutes that gives the reason, from
        the meetings the person is listed at; None when none gives one (the apology list answers)."""
        q = self.question
        assert q.speaker is not None
        names = list(dict.fromkeys(p.name for p in q.speaker.people))
        ids, _ = self.archive.find_meetings(
            named=self.named,
            people=names,
            start=q.period.start if q.period else None,
            end=q.period.end if q.period else None,
            scope=self.scope,
            limit=_HOLDER_MEETINGS,
        )
        found = []
        for hit in self.archive.entries_saying(names, ids, scope=self.scope):
            for name in names:
                if (sentence := absence_reason(hit.text, name)) is not None:
                    found.append((name, sentence, hit))
                    break
        if not found:
            return None
        return format_absence_reasons(q, found, links=self._links(h.meeting_id for _, _, h in found))

    def _time(self) -> Answer:
        """When the meeting ended (or began): the minutes' own sentence saying so, else the time of
        day its frame gives (`STARTTIDSPUNKT` / `SLUTTIDSPUNKT`, `kl. 18.30`)."""
        q = self.question
        ids, total = self._meetings()
        if not ids and self.topic and self.named:
            ids, total = self._meetings(about=False)
        if not ids and self.topic:
            return no_meeting(q)
        phrases = meeting_time_phrases(q.text)
        said = self.archive.entries_saying(phrases, ids, scope=self.scope)
        if said and (answer := format_when(q, said, links=self._links(h.meeting_id for h in said))):
            return answer
        facts = self.archive.meeting_facts(ids, scope=self.scope)
        return format_frame(q, facts, total=total, links=self._links(ids))

    def _reported(self) -> Answer | None:
        """ "hvad orienterede formanden om?" where no participant is the chair: the items that hold what
        the word's holder reported (`Meddelelser fra formanden`, `Formandens beretning`), entry by
        entry; None when no readable item is titled so."""
        q = self.question
        for term in reporter_terms(q):
            alts = term_alternatives(term, self.state.vocabulary, lang=q.lang)
            refs = self.archive.related_items([alts], limit=_REPORT_ITEMS, scope=self.scope)
            found = [r for r in refs if reports_of(term, r.title)][:MAX_MEETINGS]
            if not found:
                continue
            facts = {
                m.meeting_id: m
                for m in self.archive.meeting_facts([r.meeting_id for r in found], scope=self.scope)
            }
            sections = [
                ItemSection(
                    facts[r.meeting_id],
                    r.number,
                    self.archive.item_hits(r.meeting_id, r.number, scope=self.scope),
                )
                for r in found
                if r.meeting_id in facts
            ]
            if sections:
                return format_items(q, sections, total=len(sections), links=self._links(list(facts)))
        return None

    def _named_by(self, initials: str) -> Answer | None:
        """ "hvem er J.G.?": the full name the referater that use the initials give them; None if none."""
        ids, _ = self._meetings(about=False, limit=_HOLDER_MEETINGS)
        listed = [
            (meeting, people)
            for meeting in self.archive.meeting_facts(ids, scope=self.scope)
            if (people := listed_as(initials, meeting.people))
        ]
        if listed:  # `Jens Berg (JB)` on a meeting's list: the list says who they are
            return format_listed(
                self.question, initials, listed, links=self._links(m.meeting_id for m, _ in listed)
            )
        using = list(
            dict.fromkeys(
                h.meeting_id for h in self.archive.entries_saying([initials], ids, scope=self.scope)
            )
        )
        hits = [
            hit
            for meeting in self.archive.meeting_facts(using, scope=self.scope)
            for number in (OPENING_ITEM, *(line.number for line in meeting.agenda))
            for hit in self.archive.item_hits(meeting.meeting_id, number, scope=self.scope)
        ]
        found = named_by(initials, hits)
        if not found:
            return None
        return format_named(
            self.question, initials, found, links=self._links(n.hit.meeting_id for n in found)
        )

    def _holders(self) -> Answer | None:
        """ "hvem er suppleant for Brian Møller?": the people whose title says so; None when nobody's does."""
        words = holders_asked(WHO_IS.sub("", self.question.text))
        if not words:
            return None
        ids, _ = self._meetings(about=False, limit=_HOLDER_MEETINGS)
        found = [
            (meeting, people)
            for meeting in self.archive.meeting_facts(ids, scope=self.scope)
            if (people := title_holders(meeting, words))
        ]
        if not found:
            return None
        return format_holders(self.question, found, links=self._links(m.meeting_id for m, _ in found))

    def _chair(self) -> Answer:
        """Who chaired: the participant with the role; else what the minutes say about the chair."""
        ids, _ = self._meetings()
        facts = self.archive.meeting_facts(ids, scope=self.scope)
        if not ids or any((p.role or "").casefold() in CHAIR_ROLES for m in facts for p in m.people):
            return self._frame()
        # `Valg af dirigent` followed by `Bjarne blev valgt`: the item says it, the people list does not.
        found = self._entries((), [_CHAIR_WORDS], ids)
        if not found.total:
            return self._frame()
        links = self._links(h.meeting_id for h in found.hits)
        return format_answer(self.question, found.hits, total=found.total, links=links)

    def _items(self) -> Answer:
        q = self.question
        number = q.item_number
        assert number is not None
        # "punkt 4" alone means the newest meeting with an item 4; a named meeting narrows it.
        limit = 1 if not (self.named or self.topic) else 2
        ids, total = self._meetings(item_number=number, limit=limit)
        if not ids and self.topic and self.named:
            ids, total = self._meetings(item_number=number, about=False, limit=limit)
        kinds = _KINDS[q.intent] if q.intent in ("decisions", "actions") else ()
        sections = [
            ItemSection(
                meeting,
                number,
                self.archive.item_hits(meeting.meeting_id, number, kinds=kinds, scope=self.scope),
            )
            for meeting in self.archive.meeting_facts(ids, scope=self.scope)
        ]
        return format_items(q, sections, total=total, links=self._links(ids))

    def _titles(self) -> Answer:
        q = self.question
        assert q.speaker is not None
        names = list(dict.fromkeys(p.name for p in q.speaker.people))
        rows = []
        for name in names:
            ids, _ = self.archive.find_meetings(people=[name], scope=self.scope, limit=1)
            rows += [(name, meeting) for meeting in self.archive.meeting_facts(ids, scope=self.scope)]
        return format_titles(q, rows, links=self._links(m.meeting_id for _, m in rows))

    def _head_count(self) -> Answer | None:
        """ "hvor mange medlemmer var til stede?": the sentence that counts them, when a referat has one."""
        ids, _ = self._meetings(about=False)
        if not self.topic and any(m.people for m in self.archive.meeting_facts(ids, scope=self.scope)):
            return None  # "hvor mange deltog?" of a meeting with an attendance list: the list counts them
        found = self.archive.entries_saying(PRESENCE_PHRASES, ids, scope=self.scope)
        return format_head_count(self.question, found, links=self._links(h.meeting_id for h in found))

    def _meeting_plan(self) -> Answer | None:
        """ "hvornår holder ældrerådet møder i 2015?": the items that plan the meetings (`Mødedatoer
        2015`, `Mødeplan`), of the year asked when the title names one; None when no referat has one."""
        q = self.question
        # The year asked is when the meetings are; the referat planning them is of the year before, so
        # the period chooses the plan's title, not the referater read.
        ids, _ = self.archive.find_meetings(named=self.named, scope=self.scope, limit=_NEXT_MEETING_LOOKBACK)
        asked = (
            {str(q.period.start.year)} if q.period and (q.period.end - q.period.start).days <= 366 else set()
        )
        sections = [
            ItemSection(
                meeting,
                line.number,
                self.archive.item_hits(meeting.meeting_id, line.number, scope=self.scope),
            )
            for meeting in self.archive.meeting_facts(ids, scope=self.scope)
            for line in meeting.agenda
            if _PLAN_TITLE.search(line.title)
            and not (asked and (years := _YEAR.findall(line.title)) and not asked & set(years))
        ]
        if not sections:
            return None
        shown = sections[:MAX_MEETINGS]
        return format_items(
            q, shown, total=len(sections), links=self._links(s.meeting.meeting_id for s in shown)
        )

    def _next_meeting(self) -> Answer:
        # The newest referater that match are the ones that know the next meeting.
        ids, _ = self._meetings(limit=_NEXT_MEETING_LOOKBACK)
        asked = [m.group().casefold() for m in _NEXT_MEETING_ASKED.finditer(self.question.text)]
        found = self.archive.entries_saying([*_NEXT_MEETING, *asked], ids, scope=self.scope)
        # An item `Næste møde` whose text says when, in words of its own (`Vi mødes igen sidst i januar`).
        under = tuple(
            hit
            for meeting in self.archive.meeting_facts(ids, scope=self.scope)
            for line in meeting.agenda
            if _NEXT_MEETING_ASKED.search(line.title)
            for hit in self.archive.item_hits(meeting.meeting_id, line.number, scope=self.scope)
        )
        return format_next_meeting(
            self.question, found, under=under, links=self._links(h.meeting_id for h in (*found, *under))
        )

    # --- searching what was said --------------------------------------------------------------

    def _entries(
        self,
        kinds: Sequence[str],
        terms: Sequence[Sequence[str]],
        meetings: Sequence[int] | None,
        *,
        limit: int = PAGE_SIZE,
        offset: int = 0,
        relevance: bool | None = None,
        context_kinds: Sequence[str] = search.CONTEXT_KINDS,
        undated: bool = False,
    ) -> search.SearchResult:
        q = self.question
        period = None if undated else q.period
        return self.archive.search_entries(
            terms,
            kinds=kinds,
            speakers=_speaker_filters(q),
            start=period.start if period else None,
            end=period.end if period else None,
            limit=limit,
            offset=offset,
            relevance=_worth_ranking(kinds, terms, self.state.vocabulary) if relevance is None else relevance,
            scope=self.scope,
            meetings=meetings,
            context_kinds=context_kinds,
            due_from=self.today if q.open_only else None,
        )

    def _entries_led(
        self,
        kinds: Sequence[str],
        terms: Sequence[Sequence[str]],
        meetings: Sequence[int] | None,
        *,
        limit: int = PAGE_SIZE,
        offset: int = 0,
    ) -> search.SearchResult:
        """Entries on the topic; when none name the rarest term, the next term leads in its place.

        A statement is a hit when it names the leading term itself; the item's title may carry that
        word instead (`Årsberetning 2015` above `Skal foreligge senest 1. marts 2016`).
        """
        found = self._entries(kinds, terms, meetings, limit=limit, offset=offset)
        for k in range(1, len(terms) if not found.total else 0):
            led = [terms[k], *terms[:k], *terms[k + 1 :]]
            found = self._entries(kinds, led, meetings, limit=limit, offset=offset)
            if found.total:
                break
        return found

    def search(self) -> Answer:
        """What was said, decided or given as a task, on a topic, by a person, in a period."""
        q = self.question
        unbounded = not q.topic_terms and q.speaker is None and q.period is None and not q.latest
        if unbounded and q.intent in ("search", "who", "when"):
            # Nothing to look for: say how to ask rather than list the whole archive.
            return format_answer(q, (), total=0)
        kinds = _KINDS[q.intent]
        offset = (q.page - 1) * PAGE_SIZE
        latest = self._latest()
        result = search.SearchResult((), 0)
        if self.named:
            # Meetings named by title or place are a filter; the other words are the topic.
            ids, _ = self._meetings(about=False, limit=None)
            result = self._entries(kinds, self.topic, ids, offset=offset)
        if not result.total:
            result = self._entries_led(kinds, self.terms, latest, offset=offset)
        if not result.total and (year := year_asked(q)) is not None:
            # "hvor blev det tilsvarende møde holdt i 2009?" over minutes of 2013: no meeting was held
            # then, but the minutes may speak of that year.
            result = self._entries(kinds, [*self.terms, [year]], latest, offset=offset, undated=True)
        additions = self._additions(latest)
        if not result.total and not additions and (listed := self._agenda_text()) is not None:
            return listed
        hints = (
            None
            if result.total or additions
            else _hints(self.archive, self.asked, self.asked_terms, self.state, self.scope)
        )
        hits = self._with_what_follows(result.hits) if q.page == 1 else result.hits
        links = self._links([*(h.meeting_id for h in hits), *(a.meeting_id for a in additions)])
        return format_answer(
            q,
            hits,
            total=result.total,
            links=links,
            hints=hints,
            additions=additions,
            more=result.more,
        )

    def _with_what_follows(self, hits: Sequence[EntryHit]) -> tuple[EntryHit, ...]:
        """A statement that announces what comes (`To store emner har stået højt …`, `… følgende:`) is
        shown with the entry after it in its item, which says what they are."""
        shown = {(h.meeting_id, h.item_number, h.seq) for h in hits}
        out: list[EntryHit] = []
        for hit in hits:
            out.append(hit)
            if hit.kind != "statement" or not _ANNOUNCES.search(hit.text):
                continue
            after = self.archive.item_hits(hit.meeting_id, hit.item_number, scope=self.scope)
            following = next((h for h in after if h.seq > hit.seq), None)
            if (
                following is not None
                and (key := (following.meeting_id, following.item_number, following.seq)) not in shown
            ):
                shown.add(key)
                out.append(following)
        return tuple(out)

    def _agenda_text(self) -> Answer | None:
        """The agenda's own text under an item, when what was said holds nothing on the topic."""
        q = self.question
        if q.page != 1 or q.speaker is not None or q.open_only or q.intent not in _AGENDA_TEXT_INTENTS:
            return None
        named = set(self._meetings(about=False, limit=None)[0]) if self.named else None
        found: list[AgendaText] = []
        agendas: dict[int, Sequence[AgendaItem]] = {}  # each meeting's agenda read once
        for ref in self.archive.related_items(self.terms, limit=_AGENDA_TEXT_ITEMS, scope=self.scope):
            if named is not None and ref.meeting_id not in named:
                continue
            if q.period is not None and not q.period.start <= ref.meeting_date < q.period.end:
                continue
            if ref.meeting_id not in agendas:
                agendas[ref.meeting_id] = self.store.document(ref.meeting_id).agenda
            item = next((i for i in agendas[ref.meeting_id] if i.number == ref.number), None)
            for text in item.background if item is not None else ():
                if holds_every_term(ref.title, text, self.terms):
                    found.append(
                        AgendaText(
                            ref.meeting_id, ref.meeting_title, ref.meeting_date, ref.number, ref.title, text
                        )
                    )
        if not found:
            return None
        found.sort(key=lambda part: part.meeting_date, reverse=True)
        return format_agenda_text(q, found, links=self._links(p.meeting_id for p in found))

    def _additions(self, latest: list[int] | None) -> tuple[AdditionHit, ...]:
        """Approved additions on the topic, for the first page of a topic question.

        An addition is the referat's own text, so a plain search or a question for decisions
        finds it; it has no speaker and no task, so a question about a person or tasks does not.
        """
        q = self.question
        if q.page != 1 or not self.terms or q.intent not in _ADDITION_INTENTS:
            return ()
        if q.speaker is not None or q.open_only:
            return ()

        def find(terms: Sequence[Sequence[str]], meetings: list[int] | None) -> tuple[AdditionHit, ...]:
            return self.archive.search_additions(
                terms,
                scope=self.scope,
                start=q.period.start if q.period else None,
                end=q.period.end if q.period else None,
                meetings=meetings,
            )

        found: tuple[AdditionHit, ...] = ()
        if self.named:
            # As for entries: the meetings named by title or place filter, the other words are the topic.
            named, _ = self._meetings(about=False, limit=None)
            found = find(self.topic, [m for m in named if latest is None or m in latest])
        return found or find(self.terms, latest)

    # --- the council's record: votes and who took part ---------------------------------------

    def _record(self, asked: RecordAsk) -> Answer | None:
        """A question the votes and attendance entries answer; None sends it on to the search."""
        q = self.question
        if asked == "took_part":
            assert q.item_number is not None
            ids, _ = self._meetings(item_number=q.item_number, about=False, limit=1)
            facts = self.archive.meeting_facts(ids, scope=self.scope)
            if not facts:
                return None
            meeting, number = facts[0], q.item_number
            line = next((a for a in meeting.agenda if a.number == number), None)
            if line is None or (meeting.meeting_id, number) in self.scope.hidden_items:
                return None  # not on the agenda, or a closed item this reader may not read
            title = line.title
            people = [p for p in self.store.participants(meeting.meeting_id) if not p.absent]
            known = attendance.presence(self.store.entries(meeting.meeting_id))
            took = [p for p in people if attendance.absence(p, number, known) is None]
            missing = [
                (p, attendance.worded(why, q.lang))
                for p in people
                if (why := attendance.absence(p, number, known))
            ]
            item = ("punkt" if q.lang == "da" else "item") + f" {number}" + (f" – {title}" if title else "")
            return format_took_part(q, meeting, item, took, missing, self._links([meeting.meeting_id]))
        topic = set(vote_topic(q))
        terms = [alts for term, alts in zip(q.topic_terms, self.terms, strict=True) if term in topic]
        # Votes have no speaker: the person asked about is found among the voters, not as a speaker.
        found = self.archive.search_entries(
            terms,
            kinds=("vote",),
            start=q.period.start if q.period else None,
            end=q.period.end if q.period else None,
            limit=SHOWN * 4,
            relevance=False,
            scope=self.scope,
            meetings=self._latest(),
            context_kinds=("vote",),
        )
        votes = self._votes(found.hits)
        if asked == "vote_outcome":
            return (
                format_vote_outcome(q, votes, self._links(v.meeting.meeting_id for v in votes))
                if votes
                else None
            )
        names = [p.name for p in q.speaker.people] if q.speaker else []
        return format_how_voted(q, names, votes, self._links(v.meeting.meeting_id for v in votes))

    def _votes(self, hits: Sequence[EntryHit]) -> list[FoundVote]:
        facts = {
            m.meeting_id: m
            for m in self.archive.meeting_facts([h.meeting_id for h in hits], scope=self.scope)
        }
        found = []
        for hit in hits:
            entry = self.store.entry_by_id(hit.entry_id)
            if entry is None or entry.vote is None or hit.meeting_id not in facts:
                continue
            people = self.store.participants(hit.meeting_id)
            known = attendance.presence(self.store.entries(hit.meeting_id))
            reasons = {
                p.id: attendance.worded(why, self.question.lang)
                for p in people
                if (why := attendance.absence(p, hit.item_number, known))
            }
            title = (hit.item_title or "").strip()
            item = f"Ad {hit.item_number}" + (f" – {title}" if title else "")
            found.append(
                FoundVote(
                    facts[hit.meeting_id], item, entry.text, entry.vote, {p.id: p for p in people}, reasons
                )
            )
        return found

    def _links(self, meeting_ids: Iterable[int]) -> dict[int, str]:
        link_map: dict[int, str] = {}
        if self.links is not None:
            for meeting_id in dict.fromkeys(meeting_ids):
                url = self.links(meeting_id)
                if url:
                    link_map[meeting_id] = url
        return link_map


def _worth_ranking(kinds: Sequence[str], terms: Sequence[Sequence[str]], vocabulary: Vocabulary) -> bool:
    """Whether bm25 should order the hits, or simply the newest meeting first.

    Decisions and action items are short and equally "about" their item. And when the deciding
    word occurs in thousands of items, bm25 mostly prefers short sentences while costing most of
    the query; recency tells the reader more.
    """
    if kinds and all(k in search.CONTEXT_KINDS for k in kinds):
        return False
    return not terms or vocabulary.frequency(terms[0]) <= RANKING_LIMIT


def _speaker_filters(question: Question) -> list[search.SpeakerFilter]:
    speaker = question.speaker
    if speaker is None:
        return []
    if speaker.organisations:
        # An organisation means its people as they sat for it, meeting by meeting.
        return [
            search.SpeakerFilter(p.name, None, org) for p in speaker.people for org in speaker.organisations
        ]
    # A name means the person whatever their title then; a role means whoever held that title.
    return [search.SpeakerFilter(p.name, p.title if speaker.by_role else None) for p in speaker.people]


def _hints(
    archive: Archive,
    question: Question,
    terms: Sequence[Sequence[str]],
    state: ArchiveState,
    scope: search.Scope,
) -> NoMatchHelp:
    """What the readable archive knows close to a question that found nothing."""
    close: list[str] = []
    for term in question.topic_terms:
        for word in term.replace("-", " ").split():
            if not state.vocabulary.knows(word):
                close += [w for w in state.vocabulary.nearest(word, limit=8) if w not in close]
    close = archive.live_terms(close, scope=scope)[:5]
    counts: tuple[tuple[str, int], ...] = ()
    if len(terms) > 1:
        counts = tuple(
            (term, archive.count_items([alts], scope=scope))
            for term, alts in zip(question.topic_terms, terms, strict=True)
        )
    without = 0
    filtered = question.period is not None or question.speaker is not None or question.intent != "search"
    if filtered and terms and all(terms):
        without = archive.count_items(terms, scope=scope)
    related: tuple[search.ItemRef, ...] = ()
    if not without and any(terms):
        related = tuple(archive.related_items(terms, limit=3, scope=scope))
    return NoMatchHelp(close_terms=tuple(close), term_counts=counts, related=related, without_filters=without)
