"""The SQL behind "Ask the archive": find live entries by topic, speaker, kind and period.

A topic term counts as present for an entry when it occurs in the entry itself or anywhere in the
entry's agenda item: the item's title, sub-bullets or background, or another live entry of the
same item. m002's `item_context_fts` holds one document per (meeting, item) with all of that, so
"every term occurs in the item" is one FTS5 AND query. That is how a decision such as "Der var
enighed om at fortsætte det gode samarbejde vedrørende området." is found by "Trekanten".

Which entries of a matching item are hits: decisions and action items always (they are about
their item); statements only when they name the question's most specific term themselves (the
rarest one, which the caller passes first), so asking about one thing does not list everything
else said under the same item.

Callers pass topic terms already expanded to index vocabulary (see bot/questions.py). This module
builds every MATCH string itself and quotes every alternative, so no user text is ever read as
FTS5 syntax. Soft-deleted entries (`deleted_utc` set) are never returned or counted.

Every function that reads the archive for a person takes a `Scope` (storage/scope.py): the
meetings they may read and the closed agenda items hidden from them (decided in
bot/archive/access.py). Hits, counts, suggested words and related items all stay inside it.

Only the standard library here; the `Database` type is imported for type checking alone.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from storage.scope import EVERYTHING as EVERYTHING
from storage.scope import ITEM_KEY_FACTOR as ITEM_KEY_FACTOR
from storage.scope import ChannelKey as ChannelKey
from storage.scope import Scope as Scope
from storage.scope import Sql, not_hidden, scope_on_key, scope_on_meeting

if TYPE_CHECKING:
    from sqlite_utils import Database

# Counting stops here: past it an answer says "over 100", and a count never reads the whole archive.
COUNT_BOUND = 100
# Up to this many meetings named by a question, they drive a search for people rather than the people's entries.
FEW_MEETINGS = 2000

# Kinds that are found through their agenda item even when their own text names no topic term.
CONTEXT_KINDS: tuple[str, ...] = ("decision", "action")


@dataclass(frozen=True)
class SpeakerFilter:
    """One person to filter by: a participant name, and the title they must have held (None: any), or
    the organisation they sat for (None: any), as that meeting's participant list says."""

    name: str
    title: str | None = None
    organisation: str | None = None


@dataclass(frozen=True)
class Hit:
    """One live entry found, with what an answer shows about its meeting, item and speaker."""

    entry_id: int
    meeting_id: int
    meeting_title: str
    meeting_date: dt.date
    meeting_status: str  # "open" (still a draft), "approved", "imported"
    channel_id: str | None
    item_number: int
    item_title: str | None
    seq: int
    kind: str  # "statement", "decision", "action"
    text: str
    attributed: bool  # the text names its own speaker ("Politidirektør X orienterede …")
    speaker_name: str | None
    speaker_title: str | None
    owner: str | None
    due: dt.date | None
    score: float  # summed bm25 of the terms the entry matches itself (lower is better; 0: none)
    terms_in_text: int  # how many topic terms the entry matches itself (the rest via its item)
    # Participants of the meeting named in an attributed text, speaker first: who said it.
    people: tuple[tuple[str, str | None], ...] = ()
    # For text with Slack mentions: (user id, name, title) of whom they may name, so that the answer
    # shows people, never `<@U…>`.
    slack_people: tuple[tuple[str, str, str | None], ...] = ()


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[Hit, ...]  # the requested page, best first
    total: int  # all hits, every page; at most COUNT_BOUND when `more`
    more: bool = False  # there are more than `total` (counting stopped at the bound)


def _bounded(count: int, bound: int) -> tuple[int, bool]:
    """A count that stopped after bound + 1 rows: (the count, or the bound), and whether there are more."""
    return (bound, True) if count > bound else (count, False)


@dataclass(frozen=True)
class ItemRef:
    """An agenda item, for "the archive knows something close" suggestions."""

    meeting_id: int
    meeting_title: str
    meeting_date: dt.date
    number: int
    title: str


def quote(term: str) -> str:
    """One FTS5 string token: the text in double quotes, inner quotes doubled."""
    return '"' + term.replace('"', '""') + '"'


def match_any(alternatives: Iterable[str]) -> str:
    """An FTS5 expression matching any one of the alternatives (words or phrases), each quoted."""
    return " OR ".join(quote(a) for a in alternatives if _has_token(a))


def _matches(terms: Sequence[Sequence[str]]) -> list[str]:
    """One MATCH expression per term; a bare string is refused (it would be read as its letters)."""
    if isinstance(terms, str) or any(isinstance(alts, str) for alts in terms):
        raise TypeError("terms must be a sequence of alternatives per term, not a string")
    return [match_any(alts) for alts in terms]


def _has_token(text: str) -> bool:
    # A quoted string without letters or digits is an empty phrase, which matches nothing.
    return any(ch.isalnum() for ch in text)


def archive_channels(db: Database) -> frozenset[ChannelKey]:
    """Every (workspace, conversation) holding meetings: a few rows, kept current by triggers (m070)."""
    rows = db.execute("select team_key, channel_key from archive_channels")
    return frozenset((str(team) or None, str(channel) or None) for team, channel in rows)


def closed_items(db: Database, reader: str | None) -> frozenset[tuple[int, int]]:
    """The closed agenda items hidden from an answer: (meeting id, item number).

    `reader`: the one person an answer is for (privately); they see the closed items of meetings
    they attended as a linked participant or took the minutes of. None: an answer every member of
    a channel reads, from which every closed item is hidden.
    """
    sql = Sql().add("select a.meeting_id, a.number from agenda_items a where a.closed = 1")
    if reader is not None:
        sql.add(
            "and not exists (select 1 from meetings m where m.id = a.meeting_id and m.starter_user_id = ?) "
            "and not exists (select 1 from participants p where p.meeting_id = a.meeting_id "
            "and p.slack_user_id = ?)",
            reader,
            reader,
        )
    return frozenset((int(m), int(n)) for m, n in db.execute(sql.text, sql.params))


def meeting_count(db: Database) -> int:
    return int(db.execute("select count(*) from meetings").fetchone()[0])


def live_terms(db: Database, terms: Iterable[str], *, scope: Scope) -> list[str]:
    """The terms that occur in a live entry or an agenda item the reader may see.

    Deleted text must not be suggested, nor a word only an unreadable meeting or item holds.
    """
    found = []
    inside = scope_on_key(scope, "item_context_fts.rowid")
    for term in terms:
        match = match_any([term])
        if (
            match
            and db.execute(
                f"select 1 from item_context_fts where item_context_fts match ? and {inside.text} limit 1",
                [f"text : ({match})", *inside.params],
            ).fetchone()
        ):
            found.append(term)
    return found


def count_items(db: Database, terms: Sequence[Sequence[str]], *, scope: Scope) -> int:
    """How many readable agenda items (with their live entries) mention every term (any alternative),
    up to COUNT_BOUND + 1."""
    matches = _matches(terms)
    if not matches or not all(matches):
        return 0
    match = " AND ".join(f"({m})" for m in matches)
    inside = scope_on_key(scope, "item_context_fts.rowid")
    # Counting stops just past the bound (COUNT_BOUND + 1 reads as "over COUNT_BOUND").
    return int(
        db.execute(
            f"select count(*) from (select 1 from item_context_fts where item_context_fts match ? and {inside.text} "
            "limit ?)",
            [f"text : ({match})", *inside.params, COUNT_BOUND + 1],
        ).fetchone()[0]
    )


def related_items(
    db: Database, terms: Sequence[Sequence[str]], *, limit: int = 3, scope: Scope
) -> list[ItemRef]:
    """Readable agenda items mentioning any alternative of any term: best match first, then newest
    (among the newest COUNT_BOUND + 1 of them)."""
    match = " OR ".join(f"({m})" for m in _matches(terms) if m)
    if not match:
        return []
    inside = scope_on_key(scope, "item_context_fts.rowid")
    # The best of the newest COUNT_BOUND + 1 matching items: a common word matches tens of thousands.
    rows = db.execute(
        "select m.id, m.title, m.date, a.number, a.title from "
        f"(select rowid as k, rank from item_context_fts where item_context_fts match ? and {inside.text} "
        "order by rowid desc limit ?) f "
        f"join agenda_items a on a.meeting_id = f.k / {ITEM_KEY_FACTOR} and a.number = f.k % {ITEM_KEY_FACTOR} "
        "join meetings m on m.id = a.meeting_id order by round(f.rank), m.date desc, a.number limit ?",
        [f"text : ({match})", *inside.params, COUNT_BOUND + 1, limit],
    )
    return [
        ItemRef(mid, title, dt.date.fromisoformat(date), number, item)
        for mid, title, date, number, item in rows
    ]


def search_entries(
    db: Database,
    terms: Sequence[Sequence[str]],
    *,
    kinds: Sequence[str] = (),
    speakers: Sequence[SpeakerFilter] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
    limit: int = 8,
    offset: int = 0,
    context_kinds: Sequence[str] = CONTEXT_KINDS,
    relevance: bool = True,
    scope: Scope,
    due_from: dt.date | None = None,
    meetings: Sequence[int] | None = None,
) -> SearchResult:
    """Live entries where every topic term occurs (in the entry or its agenda item), ranked.

    `terms` holds one sequence per topic term: its alternatives (vocabulary words, or phrases of
    several words), of which any one may match; all terms must match. Pass the rarest term first:
    it drives the search, the others only filter. With no terms, every entry passing the filters
    is a hit, newest first. `end` is exclusive. Hits are ordered by how many terms the entry names
    itself, then bm25 of the first term (in whole units, so near-ties go to the newer meeting;
    skipped when `relevance` is False), then meeting date, newest first. Only entries inside
    `scope` are hits or counted. `due_from` keeps only action items still open on that day: one
    followed up in Slack (numbered in `actions`) while nobody has marked it done; one without
    follow-up (imported) while it has no deadline or one on or after that day. `meetings` narrows
    the search to the meetings a question names, newest first as find_meetings gives them (None:
    no narrowing; the scope applies either way).
    """
    matches = _matches(terms)
    if any(not m for m in matches) or (meetings is not None and not meetings):
        return SearchResult((), 0)
    period = _period(start, end)
    if meetings is not None:
        # Like a period: a set of meeting ids the entries' own index can be driven from.
        period = Sql().add("(select value from json_each(?))", json.dumps(sorted(meetings)))
        if _period(start, end) is not None:
            # Each named meeting's own date is read, not a list of every meeting in the period.
            period = Sql().add(
                "(select x.id from meetings x where x.id in (select value from json_each(?))",
                json.dumps(sorted(meetings)),
            )
            period.extend(_dated((start, end), "x")).add(")")
    extra = Sql()
    if due_from is not None:
        extra.add(
            "and e.kind = 'action' and coalesce((select t.done_utc is null from actions t where t.entry_id = e.id), "
            "e.due is null or e.due >= ?)",
            due_from.isoformat(),
        )
    dates = (start, end) if meetings is None and period is not None else None
    if not matches:
        # A few named meetings are read whole, cheaper than every entry of the people asked about.
        few = meetings is not None and len(meetings) <= FEW_MEETINGS
        rows, total, more = _browse(
            db, kinds, speakers, period, scope, extra, limit, offset, few=few, dates=dates,
            listed=(meetings, _dated((start, end), "m")) if meetings is not None and few else None,
        )  # fmt: skip
    else:
        rows, total, more = _ranked(
            db, matches, kinds, speakers, period, scope, extra, context_kinds, relevance, limit, offset, dates
        )
    if not rows:
        return SearchResult((), total, more)
    ranking = {int(r[0]): (int(r[1]), float(r[2])) for r in rows}
    return SearchResult(_details(db, ranking), total, more)


@dataclass(frozen=True)
class AdditionHit:
    """An approved addition found: cited as an addition to its meeting's referat, with its dates."""

    addition_id: int
    meeting_id: int
    meeting_title: str
    meeting_date: dt.date
    meeting_status: str
    channel_id: str | None
    text: str
    created_utc: dt.datetime
    approved_utc: dt.datetime


def search_additions(
    db: Database,
    terms: Sequence[Sequence[str]],
    *,
    scope: Scope,
    start: dt.date | None = None,
    end: dt.date | None = None,
    meetings: Sequence[int] | None = None,
    limit: int = 3,
) -> tuple[AdditionHit, ...]:
    """Approved additions holding every topic term (any alternative of each), newest meeting first.

    A pending addition is never found (only approved ones are indexed, and approval is checked
    again here). An addition belongs to its meeting's whole referat, so it is in scope only where
    the reader gets the whole referat: a readable meeting none of whose items the scope hides (the
    public extract of a meeting with closed items leaves additions out, as its export does).
    `end` is exclusive; `meetings` narrows to the meetings a question names.
    """
    matches = _matches(terms)
    if not matches or not all(matches) or (meetings is not None and not meetings):
        return ()
    if scope.nothing:
        return ()
    sql = Sql().add(
        "select d.id, d.meeting_id, m.title, m.date, m.status, m.channel_id, d.text, d.created_utc, "
        "d.approved_utc from addition_fts f join additions d on d.id = f.rowid "
        "join meetings m on m.id = d.meeting_id where addition_fts match ? and d.approved_utc is not null",
        " AND ".join(f"({m})" for m in matches),
    )
    sql.extend(scope_on_meeting(scope, "m"))
    if scope.hidden_items:
        hidden = sorted({meeting for meeting, _ in scope.hidden_items})
        sql.add("and m.id not in (select value from json_each(?))", json.dumps(hidden))
    if meetings is not None:
        sql.add("and m.id in (select value from json_each(?))", json.dumps(sorted(meetings)))
    if start is not None and start > dt.date.min:
        sql.add("and m.date >= ?", start.isoformat())
    if end is not None and end < dt.date.max:
        sql.add("and m.date < ?", end.isoformat())
    sql.add("order by m.date desc, m.id desc, d.id limit ?", limit)
    return tuple(
        AdditionHit(
            addition_id=int(r[0]),
            meeting_id=int(r[1]),
            meeting_title=str(r[2]),
            meeting_date=dt.date.fromisoformat(r[3]),
            meeting_status=str(r[4]),
            channel_id=r[5],
            text=str(r[6]),
            created_utc=dt.datetime.fromisoformat(r[7]),
            approved_utc=dt.datetime.fromisoformat(r[8]),
        )
        for r in db.execute(sql.text, sql.params)
    )


def _dated(dates: tuple[dt.date | None, dt.date | None], m: str) -> Sql:
    """The period tested on meeting row `m` already joined: no list of the period's meetings is built
    (a year of 100,000 meetings is some 10,000 ids, built again for every statement naming it)."""
    start, end = dates
    sql = Sql()
    if start is not None and start > dt.date.min:
        sql.add(f"and {m}.date >= ?", start.isoformat())
    if end is not None and end < dt.date.max:
        sql.add(f"and {m}.date < ?", end.isoformat())
    return sql


# A period of up to this many months is matched by its months in the indexes; a longer one by its
# years, up to YEARS_MATCHED of them (each token's list is read along with the words').
MONTHS_MATCHED = 3
YEARS_MATCHED = 3


def _period_tokens(dates: tuple[dt.date | None, dt.date | None]) -> list[str] | None:
    """The tokens covering [start, end) as the indexes' `dated` column holds them (m075, m076):
    months (`m202403`) or whole years (`y2024`); None when the period is open at either end or
    longer than YEARS_MATCHED years. The exact dates are tested on each hit's meeting as well."""
    start, end = dates
    if start is None or end is None or start <= dt.date.min or end >= dt.date.max or end <= start:
        return None
    last = end - dt.timedelta(days=1)
    months = (last.year - start.year) * 12 + last.month - start.month + 1
    if months <= MONTHS_MATCHED:
        first = start.year * 12 + start.month - 1
        return [f"m{(first + n) // 12:04d}{(first + n) % 12 + 1:02d}" for n in range(months)]
    if last.year - start.year + 1 <= YEARS_MATCHED:
        return [f"y{year:04d}" for year in range(start.year, last.year + 1)]
    return None


def _period(start: dt.date | None, end: dt.date | None) -> Sql | None:
    """`meeting_id in (…)` for meetings in [start, end), or None when the period bounds nothing."""
    sql = Sql().add("(select id from meetings where 1")
    bounded = False
    if start is not None and start > dt.date.min:
        sql.add("and date >= ?", start.isoformat())
        bounded = True
    if end is not None and end < dt.date.max:
        sql.add("and date < ?", end.isoformat())
        bounded = True
    return sql.add(")") if bounded else None


def _who(speakers: Sequence[SpeakerFilter], p: str) -> Sql:
    """Whether participant row `p` is one of the people: by name, and by title when all are by role.

    Plain `IN (?, …)` lists: they use the name index and stay cheap inside correlated subqueries,
    where a nested subquery would be run again for every row.
    """
    names = sorted({s.name for s in speakers})
    sql = Sql().add(f"{p}.name in ({', '.join('?' for _ in names)})", *names)
    if all(s.title is not None for s in speakers):
        titles = sorted({s.title for s in speakers if s.title is not None})
        sql.add(f"and {p}.title in ({', '.join('?' for _ in titles)})", *titles)
    if all(s.organisation is not None for s in speakers):
        bodies = sorted({s.organisation for s in speakers if s.organisation is not None})
        sql.add(f"and {p}.organisation in ({', '.join('?' for _ in bodies)})", *bodies)
    return sql


def _speaker_test(speakers: Sequence[SpeakerFilter], *, listed: bool = True) -> Sql:
    """Whether entry `e` of meeting `m` was spoken by one of the people, for a candidate already
    bounded by a topic or by the meetings a question names.

    As its speaker, as the owner of an action item, as one of the speakers of a shared line, or
    named in an attributed text ("Chefpolitiinspektør X og Vicepolitiinspektør Y orienterede …"):
    each looked up for the row itself (its speaker by id, its meeting's few participants). Listing
    the people's meetings and participant rows first cost more than every candidate together: a
    role names dozens of people with hundreds of meetings each.
    """
    names = sorted({s.name for s in speakers})
    # First the test that prunes most rows: was one of them at the meeting at all. `listed`: the
    # people's meetings are listed once (many candidates, each a look-up in the list); else the
    # few participants of each meeting are read, once per meeting where meetings drive.
    if listed:
        sql = Sql().add("e.meeting_id in (select a.meeting_id from participants a where")
    else:
        sql = Sql().add("exists (select 1 from participants a where a.meeting_id = m.id and")
    sql.extend(_who(speakers, "a")).add(")")
    sql.add("and (exists (select 1 from participants p where p.id = e.speaker_id and")
    sql.extend(_who(speakers, "p")).add(")")
    sql.add(f"or e.owner in ({', '.join('?' for _ in names)})", *names)
    # Every speaker of a shared line (`X og Y orienterede …`), not only the first.
    sql.add(
        "or (e.speakers is not null and exists (select 1 from json_each(e.speakers) j "
        "join participants q on q.id = j.value where"
    )
    sql.extend(_who(speakers, "q")).add("))")
    sql.add(
        "or (e.attributed = 1 and exists (select 1 from participants q where q.meeting_id = e.meeting_id and"
    )
    sql.extend(_who(speakers, "q")).add("and instr(e.text, q.name) > 0)))")
    return sql


def _filters(
    kinds: Sequence[str], speakers: Sequence[SpeakerFilter], period: Sql | None, scope: Scope, extra: Sql
) -> Sql:
    """Conditions on a candidate entry `e` of meeting `m` (bounded by a topic): live, scope, kind, period, speaker."""
    # The meeting row `m` is joined already: its channel decides, with no second look-up per entry.
    sql = (
        Sql()
        .add("e.deleted_utc is null")
        .extend(scope_on_meeting(scope, "m"))
        .extend(not_hidden(scope, f"e.meeting_id * {ITEM_KEY_FACTOR} + e.item_number", "e.public"))
        .extend(extra)
    )
    if kinds:
        sql.add(f"and e.kind in ({', '.join('?' for _ in kinds)})", *kinds)
    if period is not None:
        sql.add("and e.meeting_id in").extend(period)
    if speakers:
        sql.add("and").extend(_speaker_test(speakers))
    return sql


def _ranked(
    db: Database,
    matches: Sequence[str],
    kinds: Sequence[str],
    speakers: Sequence[SpeakerFilter],
    period: Sql | None,
    scope: Scope,
    extra: Sql,
    context_kinds: Sequence[str],
    relevance: bool,
    limit: int,
    offset: int,
    dates: tuple[dt.date | None, dt.date | None] | None = None,
) -> tuple[list[tuple[Any, ...]], int, bool]:
    """Topic search: items where every term occurs, then the hits among their entries.

    `ctx` holds the matching items (one FTS5 AND over `item_context_fts`); `named` the entries
    naming the first (rarest) term themselves, with bm25 when `relevance` (`tall`: those naming
    every term); `through` the decisions and action items of matching items, which come in through
    `ctx` alone. `ctx` is NOT MATERIALIZED on purpose: materialized, its `IN` test re-ran the FTS
    query for every candidate row.

    Each of `named` and `through` takes at most COUNT_BOUND + 1 hits (or as many as the page
    reaches), newest first: the indexes give rows newest first, so they stop there, and the page
    and its count are made in one statement from at most twice that many rows however large the
    archive. Up to COUNT_BOUND hits of each, the answer is the same as ranking them all; past it
    the count reads "over COUNT_BOUND" and the page ranks the newest ones ("newest": logged or
    imported last, as entry and meeting ids go).
    """
    all_terms = " AND ".join(f"({m})" for m in matches)
    # The words are matched in the text; a period by its months or years (m074 to m076), with them.
    # Decisions and action items asked for alone are read from their own index (m074, m078).
    tokens = _period_tokens(dates) if dates is not None else None
    in_period = f" AND dated : ({' OR '.join(tokens)})" if tokens else ""
    # `weights`: bm25 counts the text alone; a date is in every row alike.
    fts, text, weights = "entries_fts", "text", "1.0, 0.0"
    if kinds and set(kinds) <= set(CONTEXT_KINDS):
        # Each kind is a column of its own (m078): the kind asked for is a filter on the words' rows.
        fts, text, weights = "outcome_fts", "{" + " ".join(sorted(set(kinds))) + "}", "1.0, 1.0, 0.0"
    first, every = f"{text} : ({matches[0]}){in_period}", f"{text} : ({all_terms}){in_period}"
    reachable = [k for k in context_kinds if not kinds or k in kinds]
    key = f"e.meeting_id * {ITEM_KEY_FACTOR} + e.item_number"
    # bm25 weighs every phrase of its match, a date token too: at 100,000 meetings counting the
    # rows of a year cost some 8 ms a question. With a period the hits are found without it and
    # then scored by a match of the words alone, which gives each the same score.
    scored_apart = relevance and bool(tokens)
    rank = f"bm25({fts}, {weights})" if relevance and not scored_apart else "0.0"
    # Reaching it means there are more than the bound; a later page reaches as far as it shows.
    candidates = max(COUNT_BOUND, offset + limit) + 1
    sql = Sql().add(
        "with ctx as not materialized (select rowid as k from item_context_fts where item_context_fts match ?",
        f"text : ({all_terms}){in_period}",
    )
    if period is not None and dates is None:
        sql.add(f"and rowid / {ITEM_KEY_FACTOR} in").extend(period)
    # Only hidden items matter here: every hit is kept to readable channels by its own meeting.
    sql.extend(not_hidden(scope, "item_context_fts.rowid")).add(")")
    own = "1"
    if len(matches) > 1:
        sql.add(
            f", tall as materialized (select rowid as id from {fts} where {fts} match ?)",
            every,
        )
        own = f"case when e.id in (select id from tall) then {len(matches)} else 1 end"
    sql.add(
        f", named as materialized (select e.id, {own} as own, f.s as score, m.id as meeting_id, m.date, "
        "e.item_number, e.seq from (select rowid as id, "
        f"{rank} as s from {fts} where {fts} match ? order by rowid desc) f",
        first,
    )
    sql.add("join entries e on e.id = f.id join meetings m on m.id = e.meeting_id where")
    if len(matches) > 1:
        # First: the item holds every term (a look-up in one small list), before any per-row test.
        sql.add(f"{key} in (select k from ctx) and")
    # A period of dates is tested on the meeting row each branch joins already, not as a list.
    on_dates = extra if dates is None else Sql().extend(extra).extend(_dated(dates, "m"))
    sql.extend(_filters(kinds, speakers, None if dates else period, scope, on_dates))
    sql.add("limit ?)", candidates)
    branches = ["named"]
    if scored_apart:
        # Materialized, so the index scores once: joined row by row, it would count again each time.
        sql.add(
            f", scores as materialized (select rowid as id, bm25({fts}, {weights}) as s from {fts} "
            f"where {fts} match ? and rowid >= (select min(id) from named) and +rowid in (select id from named))",
            f"{text} : ({matches[0]})",
        )
        sql.add(
            ", scored as (select n.id, n.own, ifnull(s.s, 0.0) as score, n.meeting_id, n.date, n.item_number, "
            "n.seq from named n left join scores s on s.id = n.id)"
        )
        branches = ["scored"]
    if reachable:
        sql.add(
            ", through as materialized (select e.id, 0 as own, 0.0 as score, m.id as meeting_id, m.date, "
            "e.item_number, e.seq from (select k from ctx order by k desc) c "
            f"join entries e on e.meeting_id = c.k / {ITEM_KEY_FACTOR} and e.item_number = c.k % {ITEM_KEY_FACTOR} "
            "join meetings m on m.id = e.meeting_id where"
        )
        sql.extend(_filters(kinds, speakers, None, scope, on_dates))
        sql.add(f"and e.kind in ({', '.join('?' for _ in reachable)})", *reachable)
        # `through` ranks after every `named` hit: once `named` fills the page, `through` counts
        # only up to the bound (all it adds is the count); else it gives the page its rows.
        sql.add(
            "and e.id not in (select id from named) limit case when (select count(*) from named) >= ? "
            "then ? - (select count(*) from named) else ? end)",
            offset + limit,
            candidates,
            candidates,
        )
        branches.append("through")
    sql.add(", hits as (" + " union all ".join(f"select * from {b}" for b in branches) + ")")
    counts = ", ".join(f"(select count(*) from {b})" for b in ["named", *branches[1:]])
    page = Sql().extend(sql).add(f"select id, own, score, {counts} from hits")
    page.add("order by own desc, round(score) asc, date desc, meeting_id desc, item_number, seq")
    page.add("limit ? offset ?", limit, offset)
    rows = list(db.execute(page.text, page.params).fetchall())
    if rows:
        found = [int(n) for n in rows[0][3:]]
    elif offset:
        found = [
            int(n) for n in db.execute(Sql().extend(sql).add(f"select {counts}").text, sql.params).fetchone()
        ]
    else:
        found = [0]
    if any(n >= candidates for n in found):
        return [r[:3] for r in rows], COUNT_BOUND, True
    if len(rows) < limit and (rows or offset == 0):
        return [r[:3] for r in rows], offset + len(rows), False  # a short page knows the total
    return [r[:3] for r in rows], *_bounded(sum(found), COUNT_BOUND)


def _total(db: Database, rows: Sequence[Any], limit: int, offset: int, count: Sql) -> tuple[int, bool]:
    """How many hits in all: known from a short page; else counted by `count` (its last parameter
    the bound), which stops after the bound."""
    if len(rows) < limit and (rows or offset == 0):
        return offset + len(rows), False
    bound = max(COUNT_BOUND, offset + limit)
    counted = int(db.execute(count.text, [*count.params, bound + 1]).fetchone()[0])
    return _bounded(counted, bound)


def _browse(
    db: Database,
    kinds: Sequence[str],
    speakers: Sequence[SpeakerFilter],
    period: Sql | None,
    scope: Scope,
    extra: Sql,
    limit: int,
    offset: int,
    *,
    few: bool = False,
    dates: tuple[dt.date | None, dt.date | None] | None = None,
    listed: tuple[Sequence[int], Sql] | None = None,
) -> tuple[list[tuple[Any, ...]], int, bool]:
    """No topic: every live entry passing the filters, newest meeting first, counted apart.

    `few`: `period` is a few meetings, whose entries drive the query and are tested one by one.
    `dates`: `period` is these dates [start, end); without people to filter by, the meetings are
    then read newest first through the date index, so the page stops at its last row instead of
    reading every meeting of the period (a year of 100,000 meetings is thousands).
    `listed`: `period` is the meetings a question names, given newest first (as find_meetings
    gives them), with the test of the period's dates on their row `m`; without people to filter by,
    they are read a few at a time until the page is full (a place names 300 meetings at 100,000,
    and sorting every decision of them cost 1.4 ms a question).
    """
    # With people to filter by, their entries drive the query: `+` keeps SQLite from scanning
    # every live entry of the kind through the kind index instead.
    plus = "+" if speakers and not few else ""
    where = (
        Sql()
        .add(f"{plus}e.deleted_utc is null")
        .extend(scope_on_meeting(scope, "m"))
        .extend(not_hidden(scope, f"e.meeting_id * {ITEM_KEY_FACTOR} + e.item_number", "e.public"))
        .extend(extra)
    )
    if kinds:
        where.add(f"and {plus}e.kind in ({', '.join('?' for _ in kinds)})", *kinds)
    by_meeting = Sql().extend(where)
    if period is not None and dates is not None and not (speakers and not few):
        where.extend(_dated(dates, "m"))
    elif period is not None and speakers and few:
        where.add("and m.id in").extend(period)  # the meetings drive, each checked for the people once
    elif period is not None:
        where.add("and e.meeting_id in").extend(period)
    if speakers and few:
        where.add("and").extend(_speaker_test(speakers, listed=False))
    elif speakers:
        # Driven from the people: their entries by speaker id, or in their meetings naming them.
        # A period bounds the people's meetings too, so only those are read.
        who = _who(speakers, "p")
        if period is not None:
            who = _who(speakers, "p").add("and p.meeting_id in").extend(period)
        # Texts naming them are found through the index first (reading every entry of every meeting
        # they attended was most of the time); owners through the owner index.
        names = sorted({sp.name for sp in speakers})
        where.add("and e.id in (select x.id from participants p join entries x on x.speaker_id = p.id where")
        where.extend(who).add(
            "union all select x.id from entries_fts join entries x on x.id = entries_fts.rowid"
        )
        where.add(
            "join participants p on p.meeting_id = x.meeting_id where entries_fts match ?",
            f"text : ({match_any(names)})",
        )
        where.add("and x.attributed = 1 and instr(x.text, p.name) > 0 and").extend(who)
        where.add(
            f"union all select x.id from entries x where x.owner in ({', '.join('?' for _ in names)})", *names
        )
        where.add("and exists (select 1 from participants p where p.meeting_id = x.meeting_id and")
        where.extend(who).add("and p.name = x.owner))")
    # The page stops at its last row (newest meetings first, through the date index); a count is
    # made only when the page is full, and stops at the bound.
    if listed is not None and not speakers:
        ordered, on_dates = listed
        rows = _listed_page(db, Sql().extend(by_meeting).extend(on_dates), ordered, limit, offset)
    else:
        page = Sql().add("select e.id, 0, 0.0 from meetings m join entries e on e.meeting_id = m.id where")
        page.extend(where).add(
            "order by m.date desc, m.id desc, e.item_number, e.seq limit ? offset ?", limit, offset
        )
        rows = list(db.execute(page.text, page.params).fetchall())
    count = (
        Sql()
        .add("select count(*) from (select 1 from entries e join meetings m on m.id = e.meeting_id where")
        .extend(where)
        .add("limit ?)")
    )
    return rows, *_total(db, rows, limit, offset, count)


def _listed_page(db: Database, where: Sql, ordered: Sequence[int], limit: int, offset: int) -> list[Any]:
    """A page of the entries of the meetings `ordered` (newest first) passing `where`, in the order
    of _browse: the meetings are read 8, 32, 128 … at a time until the page is full."""
    wanted = offset + limit
    rows: list[Any] = []
    start, size = 0, 8
    while start < len(ordered) and len(rows) < wanted:
        chunk = ordered[start : start + size]
        start, size = start + size, size * 4
        page = Sql().add("select e.id, 0, 0.0 from meetings m join entries e on e.meeting_id = m.id where")
        page.extend(where).add("and e.meeting_id in (select value from json_each(?))", json.dumps(chunk))
        page.add("order by m.date desc, m.id desc, e.item_number, e.seq limit ?", wanted - len(rows))
        rows += db.execute(page.text, page.params).fetchall()
    return rows[offset:wanted]


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def _details(db: Database, ranking: dict[int, tuple[int, float]]) -> tuple[Hit, ...]:
    ids = list(ranking)
    rows = db.execute(
        "select e.id, e.meeting_id, m.title, m.date, m.status, m.channel_id, e.item_number, a.title, e.seq, "
        "e.kind, e.text, e.attributed, p.name, p.title, e.owner, e.due, e.mentions "
        "from entries e join meetings m on m.id = e.meeting_id "
        "left join agenda_items a on a.meeting_id = e.meeting_id and a.number = e.item_number "
        "left join participants p on p.id = e.speaker_id "
        f"where e.id in ({_marks(ids)})",
        ids,
    ).fetchall()
    # The people an attributed text names, and everyone linked to Slack where a text mentions
    # someone with @: only those participants are read (a page's meetings hold some sixty).
    said = "\n".join(str(r[10]) for r in rows if r[11])
    mentioning = sorted({int(r[1]) for r in rows if "@" in str(r[10])})
    meeting_ids = sorted({int(r[1]) for r in rows if r[11]} | set(mentioning))
    present: dict[int, list[tuple[str, str | None]]] = {}
    linked: dict[int, list[tuple[str, str, str | None]]] = {}
    people = Sql().add(
        "select meeting_id, name, title, slack_user_id from participants "
        f"where meeting_id in ({_marks(meeting_ids)}) and absent = 0",
        *meeting_ids,
    )
    people.add(f"and (instr(?, name) > 0 or meeting_id in ({_marks(mentioning)}))", said, *mentioning)
    people.add("order by position, id")
    for mid, name, title, user_id in db.execute(people.text, people.params) if meeting_ids else ():
        present.setdefault(int(mid), []).append((str(name), title))
        if user_id:
            linked.setdefault(int(mid), []).append((str(user_id), str(name), title))
    by_id: dict[int, Hit] = {}
    for r in rows:
        entry_id, meeting_id, text, attributed = int(r[0]), int(r[1]), str(r[10]), bool(r[11])
        speaker = (str(r[12]), r[13]) if r[12] is not None else None
        named = [speaker] if speaker else []
        if attributed:
            # In the order the text names them: "X og Y orienterede …" lists X first.
            mentioned = [p for p in present.get(meeting_id, []) if p[0] in text and p not in named]
            named += sorted(mentioned, key=lambda p: text.find(p[0]))
        own, score = ranking[entry_id]
        slack_people: list[tuple[str, str, str | None]] = []
        if "@" in text:
            slack_people = [(uid, name, None) for uid, name in json.loads(r[16] or "{}").items()]
            slack_people += linked.get(meeting_id, [])
        by_id[entry_id] = Hit(
            entry_id=entry_id,
            meeting_id=meeting_id,
            meeting_title=str(r[2]),
            meeting_date=dt.date.fromisoformat(r[3]),
            meeting_status=str(r[4]),
            channel_id=r[5],
            item_number=int(r[6]),
            item_title=r[7],
            seq=int(r[8]),
            kind=str(r[9]),
            text=text,
            attributed=attributed,
            speaker_name=speaker[0] if speaker else None,
            speaker_title=speaker[1] if speaker else None,
            owner=r[14],
            due=dt.date.fromisoformat(r[15]) if r[15] else None,
            score=score,
            terms_in_text=own,
            people=tuple(named),
            slack_people=tuple(slack_people),
        )
    return tuple(by_id[i] for i in ids if i in by_id)


def item_hits(
    db: Database, meeting_id: int, item_number: int, *, kinds: Sequence[str] = (), scope: Scope
) -> tuple[Hit, ...]:
    """The live entries of one agenda item, in the order they were logged (none if the scope hides it)."""
    if (meeting_id, item_number) in scope.hidden_items or scope.nothing:
        return ()
    sql = (
        Sql()
        .add(
            "select e.id from entries e join meetings m on m.id = e.meeting_id "
            "where e.meeting_id = ? and e.item_number = ? and e.deleted_utc is null",
            meeting_id,
            item_number,
        )
        .extend(scope_on_meeting(scope, "m"))
    )
    if kinds:
        sql.add(f"and e.kind in ({', '.join('?' for _ in kinds)})", *kinds)
    sql.add("order by e.seq")
    ids = [int(r[0]) for r in db.execute(sql.text, sql.params)]
    return _details(db, {i: (0, 0.0) for i in ids}) if ids else ()


def entries_saying(
    db: Database, phrases: Sequence[str], meeting_ids: Sequence[int], *, scope: Scope
) -> tuple[Hit, ...]:
    """Live entries of the given meetings whose text holds one of the phrases (as written, or with
    a capital first letter), newest meeting first: a plain scan of a few meetings' entries, cheaper
    than the index when the phrase is common (`næste møde`)."""
    if not meeting_ids or not phrases:
        return ()
    forms = sorted({f for p in phrases for f in (p, p[:1].upper() + p[1:])})
    sql = Sql().add(
        "select e.id from entries e join meetings m on m.id = e.meeting_id "
        "where e.meeting_id in (select value from json_each(?)) and e.deleted_utc is null and",
        json.dumps(sorted(meeting_ids)),
    )
    sql.extend(scope_on_key(scope, f"e.meeting_id * {ITEM_KEY_FACTOR} + e.item_number"))
    sql.add("and (" + " or ".join("instr(e.text, ?) > 0" for _ in forms) + ")", *forms)
    sql.add("order by m.date desc, m.id desc, e.item_number, e.seq")
    ids = [int(r[0]) for r in db.execute(sql.text, sql.params)]
    return _details(db, {i: (0, 0.0) for i in ids}) if ids else ()
