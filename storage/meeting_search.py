"""The SQL behind questions about meetings themselves: which meetings a question names, and their frames.

"Hvornår var mødet i Lemvig?", "hvem deltog i kredsrådsmødet?": the meetings are found by their
title, place, people, period or agenda words, newest first, and read as facts (date, place, people,
agenda). Split from storage/search.py, which finds what was said in them; like it, every function
takes the reader's `Scope`, and only the standard library is used here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storage.scope import ITEM_KEY_FACTOR, Scope, Sql, scope_on_key, scope_on_meeting
from storage.search import COUNT_BOUND, match_any

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class Attendee:
    """A participant of one meeting, as an answer about attendance shows them."""

    name: str
    title: str | None
    organisation: str | None
    absent: bool
    role: str | None
    initials: str | None
    slack_user_id: str | None


@dataclass(frozen=True)
class AgendaLine:
    number: int
    title: str


@dataclass(frozen=True)
class MeetingFacts:
    """A meeting's frame: what it is called, when and where it was held, who came, its agenda."""

    meeting_id: int
    title: str
    date: dt.date
    place: str | None
    time_of_day: str | None
    status: str
    channel_id: str | None
    starter_user_id: str | None
    people: tuple[Attendee, ...]
    agenda: tuple[AgendaLine, ...]


def names_meeting(db: Database, alternatives: Sequence[str]) -> bool:
    """Whether any meeting's title or place holds one of the alternatives (`Lemvig`, `kredsrådsmøde`)."""
    match = match_any(alternatives)
    if not match:
        return False
    found = db.execute(
        "select 1 from meeting_fts where meeting_fts match ? limit 1", [f"head : ({match})"]
    ).fetchone()
    return found is not None


def find_meetings(
    db: Database,
    *,
    named: Sequence[Sequence[str]] = (),
    about: Sequence[Sequence[str]] = (),
    people: Sequence[str] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
    item_number: int | None = None,
    scope: Scope,
    limit: int | None = 3,
) -> tuple[list[int], int]:
    """Meetings matching a question, newest first (at most `limit`), and how many there are in all
    (counted up to COUNT_BOUND + 1: more than that reads as "over COUNT_BOUND").

    Every term of `named` must occur in the meeting's title or place; every term of `about` in
    the meeting's title, place or people, or in one of its agenda items (title, background, live
    entries). `people` are participant names of whom one must have been there (or sent an
    apology); `item_number` asks for meetings with that agenda item (or entries on it) not hidden
    by the scope. Only meetings of `scope` count, and a topic word only in the items it shows.
    `end` is exclusive.
    """
    if scope.nothing:
        return [], 0
    where = Sql().add("1")
    for alternatives in named:
        match = match_any(alternatives)
        if not match:
            return [], 0
        where.add(
            "and m.id in (select rowid from meeting_fts where meeting_fts match ?)", f"head : ({match})"
        )
    for alternatives in about:
        match = match_any(alternatives)
        if not match:
            return [], 0
        where.add(
            "and m.id in (select rowid from meeting_fts where meeting_fts match ? "
            f"union select rowid / {ITEM_KEY_FACTOR} from item_context_fts where item_context_fts match ? and",
            match,
            f"text : ({match})",
        ).extend(scope_on_key(scope, "item_context_fts.rowid")).add(")")
    if people:
        where.add(
            f"and m.id in (select meeting_id from participants where name in ({', '.join('?' for _ in people)}))",
            *people,
        )
    if start is not None and start > dt.date.min:
        where.add("and m.date >= ?", start.isoformat())
    if end is not None and end < dt.date.max:
        where.add("and m.date < ?", end.isoformat())
    if item_number is not None:
        where.add(
            "and (exists (select 1 from agenda_items a where a.meeting_id = m.id and a.number = ?) "
            "or exists (select 1 from entries x where x.meeting_id = m.id and x.item_number = ? "
            "and x.deleted_utc is null))",
            item_number,
            item_number,
        )
        if scope.hidden_items:
            where.add(
                f"and m.id * {ITEM_KEY_FACTOR} + ? not in (select value from json_each(?))",
                item_number,
                scope.item_keys(),
            )
    where.extend(scope_on_meeting(scope, "m"))
    page = Sql().add("select m.id from meetings m where").extend(where)
    page.add("order by m.date desc, m.id desc")
    if limit is not None:
        page.add("limit ?", limit)
    ids = [int(r[0]) for r in db.execute(page.text, page.params)]
    if limit is None or len(ids) < limit:
        return ids, len(ids)
    # The page is full: count the rest, stopping just past the bound.
    count = Sql().add("select count(*) from (select 1 from meetings m where").extend(where).add("limit ?)")
    bound = max(COUNT_BOUND, limit)
    return ids, int(db.execute(count.text, [*count.params, bound + 1]).fetchone()[0])


def meeting_facts(db: Database, ids: Sequence[int], *, scope: Scope) -> list[MeetingFacts]:
    """The frame of each meeting, in the order of `ids`; agenda items the scope hides are left out."""
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    people: dict[int, list[Attendee]] = {}
    for r in db.execute(
        "select meeting_id, name, title, organisation, absent, role, initials, slack_user_id from participants "
        f"where meeting_id in ({marks}) order by position, id",
        list(ids),
    ):
        people.setdefault(int(r[0]), []).append(Attendee(str(r[1]), r[2], r[3], bool(r[4]), r[5], r[6], r[7]))
    agenda: dict[int, list[AgendaLine]] = {}
    for mid, number, title in db.execute(
        f"select meeting_id, number, title from agenda_items where meeting_id in ({marks}) order by number",
        list(ids),
    ):
        if (int(mid), int(number)) not in scope.hidden_items:
            agenda.setdefault(int(mid), []).append(AgendaLine(int(number), str(title)))
    found = {}
    for r in db.execute(
        "select id, title, date, place, time_of_day, status, channel_id, starter_user_id from meetings "
        f"where id in ({marks})",
        list(ids),
    ):
        mid = int(r[0])
        found[mid] = MeetingFacts(
            meeting_id=mid,
            title=str(r[1]),
            date=dt.date.fromisoformat(r[2]),
            place=r[3],
            time_of_day=r[4],
            status=str(r[5]),
            channel_id=r[6],
            starter_user_id=r[7],
            people=tuple(people.get(mid, ())),
            agenda=tuple(agenda.get(mid, ())),
        )
    return [found[i] for i in ids if i in found]
