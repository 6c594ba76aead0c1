"""Answer a question over the whole archive: parse, expand, search, format.

The one entry point shared by the Slack listener, `referat ask` and the console. It is Slack-free:
a permalink lookup comes in as a plain function.

The archive's vocabulary and people are loaded once per process and database and reused until
`search_state` says the archive changed. Loading costs a few milliseconds for a small archive but
most of a second at 300,000 entries, while a question should take a few milliseconds, so a large
archive keeps answering with the vocabulary it has while a background thread (on its own
connection: sqlite3 connections stay on their thread) loads the new one. Meanwhile a brand-new word
is still found exactly, since every word is also searched as written; only its expansions wait.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.archive.answer import PAGE_SIZE, Answer, NoMatchHelp, format_answer
from bot.archive.question import (
    PeopleIndex,
    PersonRef,
    Question,
    Vocabulary,
    parse_question,
    term_alternatives,
)
from storage import search
from storage.connection import connect
from storage.store import Store

if TYPE_CHECKING:
    from sqlite_utils import Database

# A reload slower than this happens in the background; faster ones (small archives, tests) inline.
SYNC_RELOAD_SECONDS = 0.05
# Above this many agenda items mentioning the rarest topic word, hits are ordered newest first.
RANKING_LIMIT = 5000

_KINDS: dict[str, tuple[str, ...]] = {
    "decisions": ("decision",),
    "statements": ("statement",),
    "who": ("statement",),
    "actions": ("action",),
    "search": (),
}


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


def _load(db: Database, marker: tuple[str, int]) -> ArchiveState:
    started = time.perf_counter()
    vocabulary = Vocabulary(search.vocabulary(db))
    people = PeopleIndex(PersonRef(name, title) for name, title in search.people(db))
    meetings = search.meeting_count(db)
    return ArchiveState(marker, vocabulary, people, meetings, time.perf_counter() - started)


def archive_state(store: Store) -> ArchiveState:
    """The vocabulary and people of the store's database, reloaded when it has changed."""
    store.flush_search_documents()  # statements logged since the last question become searchable
    key, path = _database_key(store)
    marker = search.change_marker(store.db)
    with _lock:
        cached = _cache.get(key)
    if cached is not None and cached.marker == marker:
        return cached
    if cached is None or path is None or cached.load_seconds < SYNC_RELOAD_SECONDS:
        state = _load(store.db, marker)
        with _lock:
            _cache[key] = state
        return state
    _refresh_in_background(key, path)
    return cached


def _refresh_in_background(key: str, path: str) -> None:
    with _lock:
        if key in _refreshing:
            return
        _refreshing.add(key)

    def run() -> None:
        try:
            db = connect(path)
            try:
                state = _load(db, search.change_marker(db))
            finally:
                db.close()
            with _lock:
                _cache[key] = state
        finally:
            with _lock:
                _refreshing.discard(key)

    threading.Thread(target=run, name="referat-vocabulary", daemon=True).start()


def _database_key(store: Store) -> tuple[str, str | None]:
    """A cache key for the store's database, and its file path (None in memory)."""
    for _, name, path in store.db.execute("pragma database_list"):
        if name == "main" and path:
            return str(path), str(path)
    return f"memory:{id(store.db.conn)}", None


def answer_question(
    store: Store,
    text: str,
    *,
    now: datetime,
    page: int = 1,
    links: Callable[[int], str | None] | None = None,
    scope: search.Scope = search.EVERYTHING,
) -> Answer:
    """The answer to `text` (Danish or English); `links(meeting_id)` gives a referat's permalink.

    `scope` is what the reader may see (bot/archive/access.py); everything the answer says, hits,
    counts, suggested words and related items, stays inside it. The default is the whole archive,
    for the operator on the command line.
    """
    state = archive_state(store)
    question = parse_question(text, now=now, known_people=state.people, page=page)
    if state.meetings == 0:
        return format_answer(question, (), total=0, hints=NoMatchHelp(empty_archive=True))
    if scope.meetings is not None and not scope.meetings:
        return format_answer(question, (), total=0, hints=NoMatchHelp())
    unbounded = not question.topic_terms and question.speaker is None and question.period is None
    if unbounded and question.intent in ("search", "who"):
        # Nothing to look for: say how to ask rather than list the whole archive.
        return format_answer(question, (), total=0)
    terms = [term_alternatives(t, state.vocabulary, lang=question.lang) for t in question.topic_terms]
    ordered = sorted(terms, key=state.vocabulary.frequency)  # the rarest term drives the search
    kinds = _KINDS[question.intent]
    result = search.search_entries(
        store.db,
        ordered,
        kinds=kinds,
        speakers=_speaker_filters(question),
        start=question.period.start if question.period else None,
        end=question.period.end if question.period else None,
        limit=PAGE_SIZE,
        offset=(question.page - 1) * PAGE_SIZE,
        relevance=_worth_ranking(kinds, ordered, state.vocabulary),
        scope=scope,
    )
    hints = None if result.total else _hints(store, question, terms, state, scope)
    link_map: dict[int, str] = {}
    if links is not None:
        for meeting_id in dict.fromkeys(h.meeting_id for h in result.hits):
            url = links(meeting_id)
            if url:
                link_map[meeting_id] = url
    return format_answer(question, result.hits, total=result.total, links=link_map, hints=hints)


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
    # A name means the person whatever their title then; a role means whoever held that title.
    return [search.SpeakerFilter(p.name, p.title if speaker.by_role else None) for p in speaker.people]


def _hints(
    store: Store,
    question: Question,
    terms: Sequence[Sequence[str]],
    state: ArchiveState,
    scope: search.Scope,
) -> NoMatchHelp:
    """What the archive knows close to a question that found nothing."""
    db = store.db
    close: list[str] = []
    for term in question.topic_terms:
        for word in term.replace("-", " ").split():
            if not state.vocabulary.knows(word):
                close += [w for w in state.vocabulary.nearest(word, limit=8) if w not in close]
    close = search.live_terms(db, close, scope)[:5]
    counts: tuple[tuple[str, int], ...] = ()
    if len(terms) > 1:
        counts = tuple(
            (term, search.count_items(db, [alts], scope))
            for term, alts in zip(question.topic_terms, terms, strict=True)
        )
    without = 0
    filtered = question.period is not None or question.speaker is not None or question.intent != "search"
    if filtered and terms and all(terms):
        without = search.count_items(db, terms, scope)
    related: tuple[search.ItemRef, ...] = ()
    if not without and any(terms):
        related = tuple(search.related_items(db, terms, limit=3, scope=scope))
    return NoMatchHelp(close_terms=tuple(close), term_counts=counts, related=related, without_filters=without)
