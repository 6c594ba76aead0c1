"""Every SQL statement of referat lives here, behind verbs the bot understands.

A `Store` wraps one sqlite-utils `Database` (one connection). Bolt runs listeners on worker
threads and sqlite3 connections must stay on the thread that made them, so `StoreOpener` hands
each thread its own connection to the same file. Writes that touch several rows run inside
`db.atomic()`; every committed write is durable before the caller acknowledges the user
(WAL with synchronous=FULL), because an acknowledged statement must survive a crash.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from storage import chain
from storage.connection import BUSY_TIMEOUT_MS, connect, migrate
from storage.errors import (
    ActionNotOpen,
    AgendaInUse,
    AnotherMeetingStarted,
    EntryNotFound,
    MeetingAlreadyOpen,
    MeetingNotFound,
    NoChannel,
    ParticipantNotFound,
)
from storage.records import (
    Action,
    AgendaItem,
    Approval,
    ApprovedReferat,
    AuditRecord,
    Comment,
    Draft,
    Entry,
    EntryKind,
    Meeting,
    MeetingAccess,
    MeetingDocument,
    MeetingStatus,
    Participant,
    Reminder,
    utc_clock,
)
from storage.rows import (
    MEETING_COLUMNS,
    action_from,
    agenda_item_from,
    agenda_rows,
    draft_from,
    entries_as_drafted,
    entry_from,
    entry_row,
    iso,
    mapping_json,
    meeting_from,
    parse_dt,
    participant_fields,
    participant_from,
    required_dt,
)
from storage.search import ITEM_KEY_FACTOR


class StoreOpener:
    """Gives each thread its own `Store` on one database file (migrated once, at construction)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        migrate(self.path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._all: list[Database] = []

    def __call__(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            db = connect(self.path)
            store = Store(db, self._write_lock)
            self._local.store = store
            with self._lock:
                self._all.append(db)
        return store

    def close(self) -> None:
        """Close every connection; threads still holding one must not use it afterwards."""
        with self._lock:
            for db in self._all:
                db.close()
            self._all.clear()
        self._local = threading.local()


class Store:
    def __init__(self, db: Database, write_lock: threading.Lock | None = None) -> None:
        self.db = db
        # Shared by every Store of one StoreOpener: threads of this process queue for writing here,
        # in order, rather than in SQLite's busy handler, whose growing sleeps make a slow tail.
        self._write_lock = write_lock or threading.Lock()

    @contextmanager
    def _write(self) -> Iterator[None]:
        """A write transaction that takes the write lock up front (BEGIN IMMEDIATE).

        A deferred transaction that reads first and then writes cannot wait for a concurrent
        writer: SQLite fails it at once with "database is locked". Taking the lock at BEGIN lets
        busy_timeout queue concurrent commands instead. Nested use becomes a savepoint.
        """
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield
            return
        # One budget for both waits, the queue in this process and SQLite's busy handler (another
        # process writing): a command answers within Slack's 3 s either stored or "try again".
        started = time.monotonic()
        if not self._write_lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            raise sqlite3.OperationalError("database is locked (waited for another writer in this process)")
        try:
            left_ms = max(1, BUSY_TIMEOUT_MS - int((time.monotonic() - started) * 1000))
            self.db.execute(f"PRAGMA busy_timeout={left_ms}")
            try:
                self.db.execute("BEGIN IMMEDIATE")
            finally:
                self.db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            try:
                yield
            except BaseException:
                if self.db.conn.in_transaction:
                    self.db.conn.rollback()
                raise
            self.db.execute("COMMIT")
        finally:
            self._write_lock.release()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Several verbs as one write: all of them are stored, or none (e.g. an approval and the lock)."""
        with self._write():
            yield

    @contextmanager
    def batch_durability(self) -> Iterator[None]:
        """Commits stay atomic but are not flushed to disk one by one (WAL, synchronous=NORMAL).

        For `referat import` only: a crash can lose the last documents committed, and running the
        same import again restores them (documents are keyed by content hash). Live statements
        always use FULL, because an acknowledged statement must survive a power cut.
        """
        self.db.execute("PRAGMA synchronous=NORMAL")
        try:
            yield
        finally:
            self.db.execute("PRAGMA synchronous=FULL")

    def flush_search_documents(self) -> int:
        """Rebuild the search documents of items that got statements since the last question.

        Returns how many were rebuilt. Cheap when nothing is marked: one read, no write lock.
        """
        if self.db.execute("select 1 from item_context_dirty limit 1").fetchone() is None:
            return 0
        conn = self.db.conn
        with self._write():
            marked = conn.execute("select meeting_id, item_number from item_context_dirty").fetchall()
            for meeting_id, item_number in marked:
                key = meeting_id * ITEM_KEY_FACTOR + item_number
                conn.execute("delete from item_context_fts where rowid = ?", [key])
                conn.execute(
                    "insert into item_context_fts (rowid, text) select key, text from item_context_source "
                    "where meeting_id = ? and key = ? and length(trim(text, ' ' || char(10))) > 0",
                    [meeting_id, key],
                )
            conn.execute("delete from item_context_dirty")
        return len(marked)

    # --- meetings -------------------------------------------------------------------------------

    def create_meeting(
        self,
        *,
        title: str,
        date: dt.date,
        place: str | None,
        channel_id: str | None,
        starter_user_id: str | None,
        now: dt.datetime,
        status: MeetingStatus = MeetingStatus.OPEN,
        time_of_day: str | None = None,
        opening: str | None = None,
        source_name: str | None = None,
        content_hash: str | None = None,
        team_id: str | None = None,
        enterprise_id: str | None = None,
    ) -> Meeting:
        with self._write():
            if channel_id is not None and status is MeetingStatus.OPEN:
                current = self.open_meeting(channel_id)
                if current is not None:
                    raise MeetingAlreadyOpen(current)
            meeting_id = _pk(
                self.db.table("meetings")
                .insert(
                    {
                        "title": title,
                        "date": date.isoformat(),
                        "place": place,
                        "time_of_day": time_of_day,
                        "status": str(status),
                        "channel_id": channel_id,
                        "starter_user_id": starter_user_id,
                        "opening": opening,
                        "source_name": source_name,
                        "content_hash": content_hash,
                        "created_utc": iso(now),
                        # Only when known: the tests of older migrations run this on their schema.
                        **({"team_id": team_id, "enterprise_id": enterprise_id} if team_id else {}),
                    }
                )
                .last_pk
            )
        meeting = self.meeting(int(meeting_id))
        assert meeting is not None
        return meeting

    def meeting(self, meeting_id: int) -> Meeting | None:
        rows = list(self.db.query("select * from meetings where id = ?", [meeting_id]))
        return meeting_from(rows[0]) if rows else None

    def open_meeting(self, channel_id: str) -> Meeting | None:
        """The channel's meeting that is still being logged, if any."""
        rows = self.db.query(
            "select * from meetings where channel_id = ? and status = ? order by id desc limit 1",
            [channel_id, str(MeetingStatus.OPEN)],
        )
        return next((meeting_from(r) for r in rows), None)

    def current_meeting(self, channel_id: str) -> Meeting | None:
        """The channel's latest meeting, open or approved (approved ones refuse changes)."""
        rows = self.db.query(
            "select * from meetings where channel_id = ? order by id desc limit 1", [channel_id]
        )
        return next((meeting_from(r) for r in rows), None)

    def start_next_meeting(
        self,
        previous: Meeting,
        *,
        date: dt.date,
        place: str | None,
        time_of_day: str | None,
        starter_user_id: str,
        agenda: Iterable[tuple[int, str, Sequence[str], Sequence[str]]],
        now: dt.datetime,
    ) -> Meeting:
        """Start the meeting after `previous` in its channel, with its people and a prepared agenda.

        `previous` may still be open while its draft awaits approval: approving it goes on in its
        draft's thread while the channel's commands act on the new meeting. Refused when another
        meeting was started in the channel meanwhile. Everyone listed last time is listed again as
        expected (an apology for absence is per meeting).
        """
        channel_id = previous.channel_id
        if channel_id is None:
            raise NoChannel(previous.id)
        with self._write():
            latest = self.current_meeting(channel_id)
            if latest is None or latest.id != previous.id:
                raise AnotherMeetingStarted(channel_id)
            meeting_id = _pk(
                self.db.table("meetings")
                .insert(
                    {
                        "title": previous.title,
                        "date": date.isoformat(),
                        "place": place,
                        "time_of_day": time_of_day,
                        "status": str(MeetingStatus.OPEN),
                        "channel_id": channel_id,
                        "starter_user_id": starter_user_id,
                        "created_utc": iso(now),
                        **(
                            {"team_id": previous.team_id, "enterprise_id": previous.enterprise_id}
                            if previous.team_id
                            else {}
                        ),
                    }
                )
                .last_pk
            )
            self.db.execute(
                "insert into participants (meeting_id, name, title, organisation, absent, slack_user_id, role, "
                "initials, position) select ?, name, title, organisation, 0, slack_user_id, role, initials, "
                "position from participants where meeting_id = ? order by position, id",
                [meeting_id, previous.id],
            )
            self.db.table("agenda_items").insert_all(agenda_rows(meeting_id, agenda))
            self._audit(meeting_id, None, starter_user_id, "next", str(previous.id), None, now)
        meeting = self.meeting(meeting_id)
        assert meeting is not None
        return meeting

    def meeting_by_hash(self, content_hash: str) -> Meeting | None:
        rows = self.db.query("select * from meetings where content_hash = ?", [content_hash])
        return next((meeting_from(r) for r in rows), None)

    def import_meeting(
        self,
        *,
        title: str,
        date: dt.date,
        place: str | None,
        time_of_day: str | None,
        opening: str | None,
        source_name: str,
        content_hash: str,
        participants: Sequence[dict[str, Any]],
        agenda: Sequence[tuple[int, str, Sequence[str], Sequence[str]]],
        entries: Sequence[dict[str, Any]],
        now: dt.datetime,
        channel_id: str | None = None,
        team_id: str | None = None,
    ) -> Meeting | None:
        """Store a whole imported meeting in one transaction; None if that document is already in.

        `participants`: name, title, organisation, absent, role, initials. `entries`: item_number,
        kind, text, speaker (a participant's name or None), co_speakers (names), owner, due. Entries keep their words
        verbatim and carry their own attribution.
        """
        # Plain executemany: an import is many small inserts, where sqlite-utils' per-call table
        # introspection would cost more than the rows themselves.
        conn = self.db.conn
        with self._write():
            if self.meeting_by_hash(content_hash) is not None:
                return None
            # Search documents per agenda item are built once at the end, not per inserted row.
            conn.execute("update search_state set bulk = 1")
            meeting_id = _pk(
                conn.execute(
                    "insert into meetings (title, date, place, time_of_day, status, opening, source_name, "
                    "content_hash, created_utc, channel_id, team_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        title,
                        date.isoformat(),
                        place,
                        time_of_day,
                        str(MeetingStatus.IMPORTED),
                        opening,
                        source_name,
                        content_hash,
                        iso(now),
                        channel_id,
                        team_id,
                    ],
                ).lastrowid
            )
            conn.executemany(
                "insert into participants (meeting_id, name, title, organisation, absent, role, initials, "
                "position) values (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        meeting_id,
                        person["name"],
                        person.get("title"),
                        person.get("organisation"),
                        int(bool(person.get("absent"))),
                        person.get("role"),
                        person.get("initials"),
                        position,
                    )
                    for position, person in enumerate(participants, start=1)
                ],
            )
            ids: dict[str, int] = {}
            for person_id, name in conn.execute(
                "select id, name from participants where meeting_id = ? order by position", [meeting_id]
            ):
                ids.setdefault(str(name).casefold(), int(person_id))
            conn.executemany(
                "insert into agenda_items (meeting_id, number, title, bullets, background) "
                "values (:meeting_id, :number, :title, :bullets, :background)",
                list(agenda_rows(meeting_id, agenda)),
            )
            created = iso(now)

            # `A og B orienterede …`: everyone named is a speaker (the column only when someone is:
            # the tests of older migrations import on their schema).
            def speakers_json(entry: dict[str, Any]) -> str | None:
                named = [entry.get("speaker"), *entry.get("co_speakers", ())]
                found = [ids[n.casefold()] for n in named if n and n.casefold() in ids]
                return json.dumps(list(dict.fromkeys(found))) if len(found) > 1 else None

            together = ", speakers" if any(entry.get("co_speakers") for entry in entries) else ""
            conn.executemany(
                "insert into entries (meeting_id, seq, item_number, kind, text, speaker_id, owner, due, "
                f"attributed, created_utc{together}) values (?, ?, ?, ?, ?, ?, ?, ?, 1, ?{', ?' if together else ''})",
                [
                    (
                        meeting_id,
                        seq,
                        entry["item_number"],
                        str(entry["kind"]),
                        entry["text"],
                        ids.get(str(entry.get("speaker") or "").casefold()),
                        entry.get("owner"),
                        entry["due"].isoformat() if entry.get("due") else None,
                        created,
                        *([speakers_json(entry)] if together else []),
                    )
                    for seq, entry in enumerate(entries, start=1)
                ],
            )
            conn.execute(
                "insert into item_context_fts (rowid, text) select key, text from item_context_source "
                "where meeting_id = ? and length(trim(text, ' ' || char(10))) > 0",
                [meeting_id],
            )
            conn.execute("update search_state set bulk = 0")
            self._audit(meeting_id, None, None, "import", None, source_name, now)
        return self.meeting(meeting_id)

    def meetings(self) -> list[Meeting]:
        return [meeting_from(r) for r in self.db.query("select * from meetings order by date desc, id desc")]

    def latest_meeting(self) -> Meeting | None:
        rows = self.db.query("select * from meetings order by date desc, id desc limit 1")
        return next((meeting_from(r) for r in rows), None)

    def has_unowned_meetings(self) -> bool:
        return self.db.execute("select 1 from meetings where team_id is null limit 1").fetchone() is not None

    def adopt_meetings(self, team_id: str, enterprise_id: str | None) -> int:
        """Give meetings stored before workspaces were recorded to the installation's workspace."""
        with self._write():
            cursor = self.db.execute(
                "update meetings set team_id = ?, enterprise_id = ? where team_id is null",
                [team_id, enterprise_id],
            )
            return int(cursor.rowcount)

    def access_facts(self, meeting_id: int | None = None) -> list[MeetingAccess]:
        """Per meeting (every one, or one): its channel, workspace, minute-taker, people, closed items."""
        only, params = ("", []) if meeting_id is None else (" and meeting_id = ?", [meeting_id])
        people: dict[int, set[str]] = {}
        for mid, user in self.db.execute(
            "select meeting_id, slack_user_id from participants where slack_user_id is not null" + only,
            params,
        ):
            people.setdefault(int(mid), set()).add(str(user))
        closed: dict[int, set[int]] = {}
        for mid, number in self.db.execute(
            "select meeting_id, number from agenda_items where closed = 1" + only, params
        ):
            closed.setdefault(int(mid), set()).add(int(number))
        return [
            MeetingAccess(
                meeting_id=int(mid),
                channel_id=channel,
                team_id=team,
                enterprise_id=enterprise,
                minute_taker=starter,
                participants=frozenset(people.get(int(mid), ())),
                closed_items=frozenset(closed.get(int(mid), ())),
            )
            for mid, channel, team, enterprise, starter in self.db.execute(
                "select id, channel_id, team_id, enterprise_id, starter_user_id from meetings where 1"
                + only.replace("meeting_id", "id"),
                params,
            )
        ]

    def set_minute_taker(self, meeting_id: int, new_user_id: str, *, user_id: str, now: dt.datetime) -> None:
        """Hand the minute-taker's role to another Slack user (audited)."""
        with self._write():
            before = self.meeting(meeting_id)
            self.db.execute("update meetings set starter_user_id = ? where id = ?", [new_user_id, meeting_id])
            self._audit(
                meeting_id,
                None,
                user_id,
                "minute_taker",
                before.starter_user_id if before else None,
                new_user_id,
                now,
            )

    def update_meeting(
        self,
        meeting_id: int,
        *,
        title: str,
        date: dt.date | None,
        place: str | None,
        time_of_day: str | None,
        user_id: str,
        now: dt.datetime,
    ) -> Meeting:
        """Correct the meeting's frame; a date, place or time left out keeps what was there."""
        with self._write():
            before = self.meeting(meeting_id)
            if before is None:
                raise MeetingNotFound(meeting_id)
            values: dict[str, Any] = {"title": title}
            if date is not None:
                values["date"] = date.isoformat()
            if place is not None:
                values["place"] = place
            if time_of_day is not None:
                values["time_of_day"] = time_of_day
            self.db.table("meetings").update(meeting_id, values)
            old = {"title": before.title, "date": before.date.isoformat(), "place": before.place}
            self._audit(
                meeting_id, None, user_id, "meeting", json.dumps(old, ensure_ascii=False),
                json.dumps(values, ensure_ascii=False), now,
            )  # fmt: skip
        meeting = self.meeting(meeting_id)
        assert meeting is not None
        return meeting

    def cancel_meeting(self, meeting_id: int, *, user_id: str, now: dt.datetime) -> bool:
        """Mark an open meeting cancelled; it stays in the archive. False when it was not open."""
        with self._write():
            cursor = self.db.execute(
                "update meetings set status = ? where id = ? and status = ?",
                [str(MeetingStatus.CANCELLED), meeting_id, str(MeetingStatus.OPEN)],
            )
            if cursor.rowcount != 1:
                return False
            self._audit(meeting_id, None, user_id, "cancel", None, None, now)
        return True

    def remove_participant(
        self, meeting_id: int, participant_id: int, *, user_id: str, now: dt.datetime
    ) -> None:
        """Take a participant or apology off the list; the caller checked no live entry names them.

        Deleted entries that had them as speaker keep their text but lose the link.
        """
        with self._write():
            rows = list(
                self.db.query(
                    "select * from participants where id = ? and meeting_id = ?", [participant_id, meeting_id]
                )
            )
            if not rows:
                raise ParticipantNotFound(participant_id)
            self.db.execute(
                "update entries set speaker_id = null, speakers = null where meeting_id = ? and speaker_id = ?",
                [meeting_id, participant_id],
            )
            self.db.execute("delete from participants where id = ?", [participant_id])
            self._audit(
                meeting_id, None, user_id, "remove",
                json.dumps(participant_fields(participant_from(rows[0])), ensure_ascii=False), None, now,
            )  # fmt: skip

    def mark_approved(self, meeting_id: int, now: dt.datetime) -> None:
        self.db.execute(
            "update meetings set status = ?, approved_utc = ? where id = ?",
            [str(MeetingStatus.APPROVED), iso(now), meeting_id],
        )
        self.db.conn.commit()

    # --- participants ---------------------------------------------------------------------------

    def participants(self, meeting_id: int) -> list[Participant]:
        rows = self.db.query(
            "select * from participants where meeting_id = ? order by position, id", [meeting_id]
        )
        return [participant_from(r) for r in rows]

    def add_participant(
        self,
        meeting_id: int,
        *,
        name: str,
        title: str | None,
        organisation: str | None,
        absent: bool,
        slack_user_id: str | None = None,
        role: str | None = None,
        initials: str | None = None,
        user_id: str | None = None,
        now: dt.datetime | None = None,
    ) -> tuple[Participant, bool]:
        """Add someone, or update the person already listed under that name or Slack user.

        Returns the participant and whether they were new.
        """
        with self._write():
            existing = self._find_participant(meeting_id, name, slack_user_id)
            values: dict[str, Any] = {
                "name": name,
                "title": title,
                "organisation": organisation,
                "absent": int(absent),
                "slack_user_id": slack_user_id,
                "role": role,
                "initials": initials,
            }
            if existing is not None:
                # Keep what the new line leaves out rather than blanking it.
                keep = {k: v for k, v in values.items() if v is not None}
                self.db.table("participants").update(existing.id, keep)
                participant_id, created = existing.id, False
            else:
                position = self._next_value("participants", "position", meeting_id)
                participant_id = _pk(
                    self.db.table("participants")
                    .insert({"meeting_id": meeting_id, "position": position, **values})
                    .last_pk
                )
                created = True
            self._audit(
                meeting_id,
                None,
                user_id,
                "absent" if absent else "participant",
                json.dumps(participant_fields(existing), ensure_ascii=False) if existing else None,
                json.dumps(values, ensure_ascii=False),
                now or utc_clock(),
            )
        rows = list(self.db.query("select * from participants where id = ?", [participant_id]))
        return participant_from(rows[0]), created

    def _find_participant(self, meeting_id: int, name: str, slack_user_id: str | None) -> Participant | None:
        """The person a `deltager`/`afbud` line is about: by Slack user when it has a mention (or a
        listed person of that whole name not yet linked to anyone), else by the whole name."""
        people = self.participants(meeting_id)
        folded = " ".join(name.split()).casefold()
        if slack_user_id:
            linked = next((p for p in people if p.slack_user_id == slack_user_id), None)
            if linked is not None:
                return linked
            return next(
                (p for p in people if not p.slack_user_id and " ".join(p.name.split()).casefold() == folded),
                None,
            )
        return next((p for p in people if " ".join(p.name.split()).casefold() == folded), None)

    def _next_value(self, table: str, column: str, meeting_id: int) -> int:
        row = next(
            self.db.query(
                f"select coalesce(max({column}), 0) + 1 as n from {table} where meeting_id = ?",
                [meeting_id],
            )
        )
        return int(row["n"])

    # --- agenda ---------------------------------------------------------------------------------

    def agenda(self, meeting_id: int) -> list[AgendaItem]:
        rows = self.db.query("select * from agenda_items where meeting_id = ? order by number", [meeting_id])
        return [agenda_item_from(r) for r in rows]

    def set_agenda(
        self,
        meeting_id: int,
        items: Iterable[tuple[int, str, Sequence[str], Sequence[str]]],
        *,
        user_id: str | None = None,
        now: dt.datetime | None = None,
        closed: Iterable[int] = (),
    ) -> list[AgendaItem]:
        """Replace the agenda; refused when live entries sit on items the new agenda drops.

        `closed`: the numbers of items treated behind closed doors.
        """
        new_items = list(items)
        closed_numbers = set(closed)
        numbers = {n for n, _, _, _ in new_items}
        with self._write():
            used = [
                int(r["item_number"])
                for r in self.db.query(
                    "select distinct item_number from entries where meeting_id = ? and deleted_utc is null "
                    "order by item_number",
                    [meeting_id],
                )
            ]
            orphaned = [n for n in used if n not in numbers]
            if orphaned:
                raise AgendaInUse(orphaned)
            before = [(a.number, a.title) for a in self.agenda(meeting_id)]
            self.db.execute("delete from agenda_items where meeting_id = ?", [meeting_id])
            rows = list(agenda_rows(meeting_id, new_items))
            if closed_numbers:  # (only then: the tests of older migrations run this on their schema)
                rows = [{**row, "closed": int(row["number"] in closed_numbers)} for row in rows]
            self.db.table("agenda_items").insert_all(rows)
            self._audit(
                meeting_id,
                None,
                user_id,
                "agenda",
                json.dumps(before, ensure_ascii=False),
                json.dumps([(n, t) for n, t, _, _ in new_items], ensure_ascii=False),
                now or utc_clock(),
            )
        return self.agenda(meeting_id)

    def set_item_closed(
        self, meeting_id: int, number: int, closed: bool, *, user_id: str, now: dt.datetime
    ) -> AgendaItem | None:
        """Mark an agenda item closed (lukket) or open again; None when the meeting has no such item."""
        with self._write():
            cursor = self.db.execute(
                "update agenda_items set closed = ? where meeting_id = ? and number = ?",
                [int(closed), meeting_id, number],
            )
            if cursor.rowcount != 1:
                return None
            self._audit(meeting_id, None, user_id, "closed" if closed else "opened", None, str(number), now)
        return next((a for a in self.agenda(meeting_id) if a.number == number), None)

    # --- entries --------------------------------------------------------------------------------

    def add_entry(
        self,
        meeting_id: int,
        *,
        item_number: int,
        kind: EntryKind,
        text: str,
        author_user_id: str | None,
        now: dt.datetime,
        speaker_id: int | None = None,
        owner: str | None = None,
        owner_user_id: str | None = None,
        due: dt.date | None = None,
        attributed: bool = False,
        public: bool = False,
        speaker_ids: Sequence[int] = (),
        mentioned: Mapping[str, str] | None = None,
    ) -> Entry:
        """Store one entry; `speaker_ids` lists every speaker (`speaker_id` defaults to the first),
        `mentioned` the names of Slack users it mentions who are not participants."""
        speakers = list(dict.fromkeys(speaker_ids)) or ([speaker_id] if speaker_id is not None else [])
        if speaker_id is None and speakers:
            speaker_id = speakers[0]
        with self._write():
            seq = self._next_value("entries", "seq", meeting_id)
            entry_id = _pk(
                self.db.table("entries")
                .insert(
                    {
                        "meeting_id": meeting_id,
                        "seq": seq,
                        "item_number": item_number,
                        "kind": str(kind),
                        "text": text,
                        "author_user_id": author_user_id,
                        "speaker_id": speaker_id,
                        "owner": owner,
                        "owner_user_id": owner_user_id,
                        "due": due.isoformat() if due else None,
                        "attributed": int(attributed),
                        **({"public": 1} if public else {}),
                        "created_utc": iso(now),
                        # Only when there is a speaker: an entry without one needs no m010 column.
                        **({"speakers": json.dumps(speakers)} if speakers else {}),
                        **({"mentions": mapping_json(mentioned)} if mentioned else {}),
                    }
                )
                .last_pk
            )
            self._audit(meeting_id, entry_id, author_user_id, "add", None, text, now)
            if kind is EntryKind.ACTION:
                self._number_action(entry_id)
        entry = self.entry_by_id(entry_id)
        assert entry is not None
        return entry

    def entry_by_id(self, entry_id: int) -> Entry | None:
        rows = list(self.db.query("select * from entries where id = ?", [entry_id]))
        return entry_from(rows[0]) if rows else None

    def entry_by_seq(self, meeting_id: int, seq: int) -> Entry | None:
        rows = list(
            self.db.query(
                "select * from entries where meeting_id = ? and seq = ? and deleted_utc is null",
                [meeting_id, seq],
            )
        )
        return entry_from(rows[0]) if rows else None

    def entries(self, meeting_id: int, *, include_deleted: bool = False) -> list[Entry]:
        sql = "select * from entries where meeting_id = ?"
        if not include_deleted:
            sql += " and deleted_utc is null"
        return [entry_from(r) for r in self.db.query(sql + " order by seq", [meeting_id])]

    def last_entry_by(self, meeting_id: int, user_id: str) -> Entry | None:
        rows = self.db.query(
            "select * from entries where meeting_id = ? and author_user_id = ? and deleted_utc is null "
            "order by seq desc limit 1",
            [meeting_id, user_id],
        )
        return next((entry_from(r) for r in rows), None)

    def edit_entry(
        self,
        meeting_id: int,
        seq: int,
        text: str,
        *,
        user_id: str,
        now: dt.datetime,
        kind: EntryKind | None = None,
        speaker_ids: Sequence[int] | None = None,
        owner: str | None = None,
        owner_user_id: str | None = None,
        due: dt.date | None = None,
        mentioned: Mapping[str, str] | None = None,
    ) -> Entry:
        """Replace an entry's text; with `kind`, also everything read from it (speakers, owner, deadline).

        An edit is parsed as a new entry would be, so `kind` given means the entry is re-read as a
        whole: speakers, owner and deadline are replaced, not kept from the old text.
        """
        with self._write():
            entry = self.entry_by_seq(meeting_id, seq)
            if entry is None:
                raise EntryNotFound(seq)
            if kind is None:
                self.db.execute(
                    "update entries set text = ?, edited_utc = ? where id = ?", [text, iso(now), entry.id]
                )
            else:
                speakers = list(dict.fromkeys(speaker_ids or ()))
                self.db.execute(
                    "update entries set text = ?, kind = ?, speaker_id = ?, speakers = ?, mentions = ?, "
                    "owner = ?, owner_user_id = ?, due = ?, edited_utc = ? where id = ?",
                    [
                        text,
                        str(kind),
                        speakers[0] if speakers else None,
                        json.dumps(speakers) if speakers else None,
                        mapping_json(mentioned) if mentioned else None,
                        owner,
                        owner_user_id,
                        due.isoformat() if due else None,
                        iso(now),
                        entry.id,
                    ],
                )
            self._audit(meeting_id, entry.id, user_id, "edit", entry.text, text, now)
            if kind is EntryKind.ACTION:
                self._number_action(entry.id)
        edited = self.entry_by_id(entry.id)
        assert edited is not None
        return edited

    def delete_entry(
        self, meeting_id: int, seq: int, *, user_id: str, now: dt.datetime, action: str = "delete"
    ) -> Entry:
        """Soft-delete: the row stays for the audit trail and the next draft's change list."""
        with self._write():
            entry = self.entry_by_seq(meeting_id, seq)
            if entry is None:
                raise EntryNotFound(seq)
            self.db.execute("update entries set deleted_utc = ? where id = ?", [iso(now), entry.id])
            self._audit(meeting_id, entry.id, user_id, action, entry.text, None, now)
        return entry

    def document(self, meeting_id: int) -> MeetingDocument:
        meeting = self.meeting(meeting_id)
        if meeting is None:
            raise MeetingNotFound(meeting_id)
        return MeetingDocument(
            meeting=meeting,
            participants=tuple(self.participants(meeting_id)),
            agenda=tuple(self.agenda(meeting_id)),
            entries=tuple(self.entries(meeting_id)),
        )

    # --- follow-up of actions --------------------------------------------------------------------

    def _number_action(self, entry_id: int) -> None:
        """Give an action logged in Slack its global number, once (imported ones are not followed up).

        An entry edited from an action into a statement keeps its number but leaves the lists.
        """
        self.db.execute(
            "insert or ignore into actions (entry_id) select e.id from entries e "
            "join meetings m on m.id = e.meeting_id where e.id = ? and m.status != 'imported'",
            [entry_id],
        )

    _ACTIONS_SQL = (
        "select a.number, a.done_utc, a.done_by, a.done_note, e.*, "
        + ", ".join(f"m.{c} as m_{c}" for c in MEETING_COLUMNS)
        + " from actions a join entries e on e.id = a.entry_id join meetings m on m.id = e.meeting_id"
        " where e.deleted_utc is null and e.kind = 'action' and m.status != 'cancelled'"
    )

    def action(self, number: int) -> Action | None:
        """The action with that number, unless its entry was deleted."""
        rows = self.db.query(self._ACTIONS_SQL + " and a.number = ?", [number])
        return next((action_from(r) for r in rows), None)

    def actions(
        self,
        *,
        meeting_ids: Sequence[int] | None = None,
        owner_user_id: str | None = None,
        include_done: bool = False,
    ) -> list[Action]:
        """Live actions of the given meetings (all when None), optionally one owner's, by number."""
        sql, params = self._ACTIONS_SQL, list[Any]()
        if meeting_ids is not None:
            if not meeting_ids:
                return []
            sql += f" and e.meeting_id in ({', '.join('?' * len(meeting_ids))})"
            params += list(meeting_ids)
        if owner_user_id is not None:
            sql += " and e.owner_user_id = ?"
            params.append(owner_user_id)
        if not include_done:
            sql += " and a.done_utc is null"
        return [action_from(r) for r in self.db.query(sql + " order by a.number", params)]

    def mark_action_done(self, number: int, *, user_id: str, note: str | None, now: dt.datetime) -> Action:
        """Record that an action is done (once); the entry itself, and so the referat, is untouched."""
        with self._write():
            cursor = self.db.execute(
                "update actions set done_utc = ?, done_by = ?, done_note = ? "
                "where number = ? and done_utc is null",
                [iso(now), user_id, note, number],
            )
            action = self.action(number)
            if cursor.rowcount != 1 or action is None:
                raise ActionNotOpen(number)
            self._audit(action.meeting.id, action.entry.id, user_id, "done", None, note or "", now)
        return action

    def reminders(self, *, action_number: int | None = None) -> list[Reminder]:
        """Scheduled reminders, of one action or all, in the order they were scheduled."""
        sql, params = "select * from reminders", list[Any]()
        if action_number is not None:
            sql += " where action_number = ?"
            params.append(action_number)
        return [
            Reminder(
                id=r["id"],
                action_number=r["action_number"],
                kind=r["kind"],
                post_at=required_dt(r["post_at_utc"]),
                user_id=r["user_id"],
                channel_id=r["channel_id"],
                text=r["text"],
                scheduled_message_id=r["scheduled_message_id"],
            )
            for r in self.db.query(sql + " order by id", params)
        ]

    def add_reminder(
        self,
        action_number: int,
        *,
        kind: str,
        post_at: dt.datetime,
        user_id: str,
        channel_id: str,
        text: str,
        scheduled_message_id: str,
        now: dt.datetime,
    ) -> None:
        with self._write():
            self.db.execute(
                "insert into reminders (action_number, kind, post_at_utc, user_id, channel_id, text, "
                "scheduled_message_id, created_utc) values (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    action_number,
                    kind,
                    iso(post_at),
                    user_id,
                    channel_id,
                    text,
                    scheduled_message_id,
                    iso(now),
                ],
            )

    def remove_reminder(self, reminder_id: int) -> None:
        with self._write():
            self.db.execute("delete from reminders where id = ?", [reminder_id])

    def reminded_actions(self) -> list[int]:
        """Numbers of actions that have (or should lose) scheduled reminders, or may need some."""
        rows = self.db.execute(
            "select a.number from actions a join entries e on e.id = a.entry_id "
            "where a.done_utc is null and e.deleted_utc is null and e.kind = 'action' and e.due is not null "
            "and e.owner_user_id is not null union select action_number from reminders order by 1"
        ).fetchall()
        return [int(r[0]) for r in rows]

    def meeting_action_numbers(self, meeting_id: int) -> list[int]:
        """Every action number of the meeting, deleted entries included (their reminders must go)."""
        rows = self.db.execute(
            "select a.number from actions a join entries e on e.id = a.entry_id where e.meeting_id = ? "
            "order by a.number",
            [meeting_id],
        ).fetchall()
        return [int(r[0]) for r in rows]

    def add_entry_from_message(
        self,
        meeting_id: int,
        *,
        channel_id: str,
        message_ts: str,
        permalink: str | None,
        **entry: Any,
    ) -> Entry:
        """`add_entry` and the link to the Slack message it was made from, in one transaction."""
        with self._write():
            added = self.add_entry(meeting_id, **entry)
            self.db.execute(
                "insert into entry_sources (entry_id, channel_id, message_ts, permalink) values (?, ?, ?, ?)",
                [added.id, channel_id, message_ts, permalink],
            )
        return added

    def entry_source(self, entry_id: int) -> tuple[str, str, str | None] | None:
        """(channel, ts, permalink) of the message an entry was made from, if any."""
        row = self.db.execute(
            "select channel_id, message_ts, permalink from entry_sources where entry_id = ?", [entry_id]
        ).fetchone()
        return (str(row[0]), str(row[1]), row[2]) if row else None

    def last_logged_item(self, meeting_id: int) -> int | None:
        """The agenda item the meeting's newest live entry was logged to."""
        row = self.db.execute(
            "select item_number from entries where meeting_id = ? and deleted_utc is null order by seq desc limit 1",
            [meeting_id],
        ).fetchone()
        return int(row[0]) if row else None

    def open_meetings(self) -> list[Meeting]:
        """Every meeting still open (being logged, or its draft awaiting approval), newest first."""
        rows = self.db.query("select * from meetings where status = 'open' order by date desc, id desc")
        return [meeting_from(r) for r in rows]

    def recent_meetings(self, limit: int) -> list[Meeting]:
        """The newest meetings of the archive by date, for a reader's filter to pick from."""
        rows = self.db.query("select * from meetings order by date desc, id desc limit ?", [limit])
        return [meeting_from(r) for r in rows]

    def channel_meetings(self, channel_id: str) -> list[Meeting]:
        """Every meeting logged in the channel, newest first."""
        rows = self.db.query(
            "select * from meetings where channel_id = ? order by date desc, id desc", [channel_id]
        )
        return [meeting_from(r) for r in rows]

    # --- audit ----------------------------------------------------------------------------------

    def _audit(
        self,
        meeting_id: int,
        entry_id: int | None,
        user_id: str | None,
        action: str,
        before: str | None,
        after: str | None,
        now: dt.datetime,
    ) -> None:
        self.db.table("audit").insert(
            {
                "meeting_id": meeting_id,
                "entry_id": entry_id,
                "user_id": user_id,
                "action": action,
                "before": before,
                "after": after,
                "at_utc": iso(now),
            }
        )

    def audit_trail(self, meeting_id: int) -> list[AuditRecord]:
        rows = self.db.query("select * from audit where meeting_id = ? order by id", [meeting_id])
        return [
            AuditRecord(
                id=r["id"],
                meeting_id=r["meeting_id"],
                entry_id=r["entry_id"],
                user_id=r["user_id"],
                action=r["action"],
                before=r["before"],
                after=r["after"],
                at_utc=required_dt(r["at_utc"]),
            )
            for r in rows
        ]

    # --- drafts, approvals, comments ------------------------------------------------------------

    def add_draft(
        self,
        meeting_id: int,
        *,
        text: str,
        text_sha256: str,
        snapshot: Any,
        now: dt.datetime,
        approvers: Sequence[str] | None = None,
        public_text: str | None = None,
    ) -> Draft:
        with self._write():
            version = self._next_value("drafts", "version", meeting_id)
            draft_id = _pk(
                self.db.table("drafts")
                .insert(
                    {
                        "meeting_id": meeting_id,
                        "version": version,
                        "text": text,
                        "text_sha256": text_sha256,
                        "snapshot": json.dumps(snapshot, ensure_ascii=False),
                        "created_utc": iso(now),
                        **({"approvers": json.dumps(list(approvers))} if approvers is not None else {}),
                        **({"public_text": public_text} if public_text is not None else {}),
                    }
                )
                .last_pk
            )
            # Marks where this version stands in the audit trail: its change list covers what
            # the minute-taker changed in the setup since the previous version's mark.
            self._audit(meeting_id, None, None, "draft", None, str(version), now)
        draft = self.draft(draft_id)
        assert draft is not None
        return draft

    def discard_unposted_draft(self, draft_id: int) -> bool:
        """Remove a version that never reached Slack, so the next attempt gets its number."""
        with self._write():
            cursor = self.db.execute("delete from drafts where id = ? and message_ts is null", [draft_id])
            return cursor.rowcount == 1

    def set_draft_message(self, draft_id: int, *, channel_id: str, message_ts: str, thread_ts: str) -> None:
        self.db.execute(
            "update drafts set channel_id = ?, message_ts = ?, thread_ts = ? where id = ?",
            [channel_id, message_ts, thread_ts, draft_id],
        )
        self.db.conn.commit()

    def draft(self, draft_id: int) -> Draft | None:
        rows = list(self.db.query("select * from drafts where id = ?", [draft_id]))
        return draft_from(rows[0]) if rows else None

    def latest_draft(self, meeting_id: int) -> Draft | None:
        rows = self.db.query(
            "select * from drafts where meeting_id = ? order by version desc limit 1", [meeting_id]
        )
        return next((draft_from(r) for r in rows), None)

    def draft_snapshot(self, draft_id: int) -> Any:
        rows = list(self.db.query("select snapshot from drafts where id = ?", [draft_id]))
        return json.loads(rows[0]["snapshot"]) if rows and rows[0]["snapshot"] else None

    def draft_by_thread(self, channel_id: str, thread_ts: str) -> Draft | None:
        rows = self.db.query(
            "select * from drafts where channel_id = ? and thread_ts = ? order by version desc limit 1",
            [channel_id, thread_ts],
        )
        return next((draft_from(r) for r in rows), None)

    def draft_version(self, meeting_id: int, version: int) -> Draft | None:
        rows = list(
            self.db.query("select * from drafts where meeting_id = ? and version = ?", [meeting_id, version])
        )
        return draft_from(rows[0]) if rows else None

    def drafted_entries(self, draft_id: int) -> tuple[Entry, ...] | None:
        """The entries as draft `draft_id` showed them: its snapshot over the stored rows.

        A snapshot records each entry's id, item, kind and text when the version was made; the rest
        (speaker, owner, due date) comes from the entry's row, which those never change. None when
        the draft has no usable snapshot or names an entry the table no longer has.
        """
        rows = self.db.query(
            "select e.* from entries e join drafts d on d.meeting_id = e.meeting_id where d.id = ?",
            [draft_id],
        )
        return entries_as_drafted(self.draft_snapshot(draft_id), {r["id"]: entry_from(r) for r in rows})

    def finalize(
        self,
        meeting_id: int,
        draft_id: int,
        *,
        text: str,
        text_sha256: str,
        approval_line: str | None,
        now: dt.datetime,
    ) -> bool:
        """Lock the meeting with its final text; False (nothing written) unless this call did it.

        Refused when the meeting is no longer open or `draft_id` is no longer its newest draft (a
        new version voids the approvals the caller counted), so racing last approvals finalise once.
        The entries as the approved version showed them are kept with the text, so an export renders
        what was approved without guessing from the live meeting.
        """
        with self._write():
            cursor = self.db.execute(
                "update meetings set status = ?, approved_utc = ? where id = ? and status = ? "
                "and (select id from drafts where meeting_id = ? order by version desc limit 1) = ?",
                [
                    str(MeetingStatus.APPROVED),
                    iso(now),
                    meeting_id,
                    str(MeetingStatus.OPEN),
                    meeting_id,
                    draft_id,
                ],
            )
            if cursor.rowcount != 1:
                return False
            draft = self.draft(draft_id)
            assert draft is not None
            entries = self.drafted_entries(draft_id)
            if entries is None:
                entries = tuple(self.entries(meeting_id))
            self.db.table("approved_referats").insert(
                {
                    "meeting_id": meeting_id,
                    "draft_id": draft_id,
                    "draft_sha256": draft.text_sha256,
                    "text": text,
                    "text_sha256": text_sha256,
                    "approved_utc": iso(now),
                    "approval_line": approval_line,
                    "entries": json.dumps([entry_row(e) for e in entries], ensure_ascii=False),
                }
            )
            self._audit(meeting_id, None, None, "approved", draft.text_sha256, text_sha256, now)
            self._chain(meeting_id, chain.KIND_REFERAT, meeting_id, text_sha256, now)
        return True

    # --- the hash chain (storage.chain) -----------------------------------------------------------

    def _chain(self, meeting_id: int, kind: str, source_id: int, text_sha256: str, now: dt.datetime) -> None:
        """Append a link for an approved text; the caller's write transaction makes it atomic."""
        last = self.db.execute("select link_sha256 from chain order by id desc limit 1").fetchone()
        mine = self.db.execute(
            "select link_sha256 from chain where meeting_id = ? order by id desc limit 1", [meeting_id]
        ).fetchone()
        previous_archive = last[0] if last else chain.GENESIS
        previous_meeting = mine[0] if mine else chain.GENESIS
        link = chain.link_hash(
            meeting_id=meeting_id,
            kind=kind,
            source_id=source_id,
            text_sha256=text_sha256,
            previous_meeting=previous_meeting,
            previous_archive=previous_archive,
        )
        self.db.execute(
            "insert into chain (meeting_id, kind, source_id, text_sha256, previous_meeting, "
            "previous_archive, link_sha256, linked_utc) values (?, ?, ?, ?, ?, ?, ?, ?)",
            [meeting_id, kind, source_id, text_sha256, previous_meeting, previous_archive, link, iso(now)],
        )

    def chain_links(self) -> list[chain.Link]:
        """Every link, in the order the texts were approved."""
        rows = self.db.query(
            "select id, meeting_id, kind, source_id, text_sha256, previous_meeting, previous_archive, "
            "link_sha256 from chain order by id"
        )
        return [chain.Link(**r) for r in rows]

    def chained_texts(self) -> list[chain.ChainedText]:
        """Every approved text as its table holds it now, with the hash stored beside it."""
        rows = self.db.query(
            "select meeting_id, text, text_sha256 from approved_referats order by meeting_id"
        )
        return [
            chain.ChainedText(
                r["meeting_id"], chain.KIND_REFERAT, r["meeting_id"], r["text"], r["text_sha256"]
            )
            for r in rows
        ]

    def approved_referat(self, meeting_id: int) -> ApprovedReferat | None:
        rows = list(self.db.query("select * from approved_referats where meeting_id = ?", [meeting_id]))
        if not rows:
            return None
        r = rows[0]
        return ApprovedReferat(
            meeting_id=r["meeting_id"],
            draft_id=r["draft_id"],
            draft_sha256=r["draft_sha256"],
            text=r["text"],
            text_sha256=r["text_sha256"],
            approved_utc=required_dt(r["approved_utc"]),
            approval_line=r["approval_line"],
            entries=tuple(entry_from(e) for e in json.loads(r["entries"])),
            posted_utc=parse_dt(r["posted_utc"]),
        )

    def mark_final_posted(self, meeting_id: int, now: dt.datetime) -> None:
        """The final referat is in Slack: a later click or reply has nothing left to finish."""
        with self._write():
            self.db.execute(
                "update approved_referats set posted_utc = ? where meeting_id = ? and posted_utc is null",
                [iso(now), meeting_id],
            )

    def approvers(self, meeting_id: int) -> list[str]:
        rows = self.db.query(
            "select user_id from approvers where meeting_id = ? order by rowid", [meeting_id]
        )
        return [r["user_id"] for r in rows]

    def set_approvers(
        self, meeting_id: int, user_ids: Sequence[str], *, user_id: str, now: dt.datetime
    ) -> None:
        with self._write():
            before = self.approvers(meeting_id)
            self.db.execute("delete from approvers where meeting_id = ?", [meeting_id])
            self.db.table("approvers").insert_all({"meeting_id": meeting_id, "user_id": u} for u in user_ids)
            self._audit(
                meeting_id, None, user_id, "approvers", json.dumps(before), json.dumps(list(user_ids)), now
            )

    def add_approval(
        self, draft_id: int, user_id: str, now: dt.datetime, *, reservation: str | None = None
    ) -> bool:
        """Record an approval of one exact draft version; False when it was already there as given.

        A reservation given after a plain approval (or a new wording of it) replaces the one stored.
        """
        with self._write():
            cursor = self.db.execute(
                "insert or ignore into approvals (draft_id, user_id, approved_utc, reservation) "
                "values (?, ?, ?, ?)",
                [draft_id, user_id, iso(now), reservation],
            )
            if cursor.rowcount == 1:
                return True
            if reservation is None:
                return False
            cursor = self.db.execute(
                "update approvals set reservation = ? where draft_id = ? and user_id = ? "
                "and reservation is not ?",
                [reservation, draft_id, user_id, reservation],
            )
            return cursor.rowcount == 1

    def approvals(self, draft_id: int) -> list[Approval]:
        rows = self.db.query(
            "select * from approvals where draft_id = ? order by approved_utc, user_id", [draft_id]
        )
        return [
            Approval(
                draft_id=r["draft_id"],
                user_id=r["user_id"],
                approved_utc=required_dt(r["approved_utc"]),
                reservation=r.get("reservation"),
            )
            for r in rows
        ]

    def add_comment(
        self,
        meeting_id: int,
        *,
        draft_version: int,
        user_id: str,
        text: str,
        ts: str | None,
        now: dt.datetime,
    ) -> Comment:
        with self._write():
            comment_id = _pk(
                self.db.table("comments")
                .insert(
                    {
                        "meeting_id": meeting_id,
                        "draft_version": draft_version,
                        "user_id": user_id,
                        "text": text,
                        "ts": ts,
                        "created_utc": iso(now),
                    }
                )
                .last_pk
            )
        return Comment(
            id=comment_id,
            meeting_id=meeting_id,
            draft_version=draft_version,
            user_id=user_id,
            text=text,
            ts=ts,
            created_utc=now,
        )

    def comments(self, meeting_id: int) -> list[Comment]:
        rows = self.db.query("select * from comments where meeting_id = ? order by id", [meeting_id])
        return [
            Comment(
                id=r["id"],
                meeting_id=r["meeting_id"],
                draft_version=r["draft_version"],
                user_id=r["user_id"],
                text=r["text"],
                ts=r["ts"],
                created_utc=required_dt(r["created_utc"]),
                handled_utc=parse_dt(r.get("handled_utc")),
            )
            for r in rows
        ]

    def mark_comment_handled(
        self, meeting_id: int, comment_id: int, *, user_id: str, now: dt.datetime
    ) -> bool:
        """Close a comment; False when it was already handled (nothing written)."""
        with self._write():
            cursor = self.db.execute(
                "update comments set handled_utc = ?, handled_by = ? where id = ? and meeting_id = ? "
                "and handled_utc is null",
                [iso(now), user_id, comment_id, meeting_id],
            )
            if cursor.rowcount != 1:
                return False
            self._audit(meeting_id, None, user_id, "comment handled", None, str(comment_id), now)
        return True

    # --- idempotency ----------------------------------------------------------------------------

    def claim_event(self, key: str, now: dt.datetime) -> bool:
        """True the first time `key` is seen: the caller acts; False for a redelivery."""
        with self._write():
            cursor = self.db.execute(
                "insert or ignore into processed_events (key, at_utc) values (?, ?)", [key, iso(now)]
            )
            return cursor.rowcount == 1


def _pk(value: Any) -> int:
    assert value is not None, "insert returned no primary key"
    return int(value)
