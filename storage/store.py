"""Every SQL statement of referat lives here, behind verbs the bot understands.

A `Store` wraps one sqlite-utils `Database` (one connection). Bolt runs listeners on worker
threads and sqlite3 connections must stay on the thread that made them, so `StoreOpener` hands
each thread its own connection to the same file. Writes that touch several rows run inside
`db.atomic()`; every committed write is durable before the caller acknowledges the user
(WAL with synchronous=FULL), because an acknowledged statement must survive a crash.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from storage.approvals import ApprovalStore
from storage.archive import Archive
from storage.base import CommitGroup
from storage.canvases import CanvasStore
from storage.connection import connect, migrate
from storage.errors import (
    AgendaInUse,
    AnotherMeetingStarted,
    EntryNotFound,
    MeetingAlreadyOpen,
    MeetingNotFound,
    NoChannel,
    ParticipantNotFound,
)
from storage.followup import FollowUpStore
from storage.membership import MembershipStore
from storage.purge import PurgeStore
from storage.records import (
    AgendaItem,
    Entry,
    EntryKind,
    Meeting,
    MeetingAccess,
    MeetingDocument,
    MeetingStatus,
    Participant,
    Vote,
    utc_clock,
)
from storage.rows import (
    agenda_item_from,
    agenda_rows,
    entry_from,
    in_workspace,
    iso,
    mapping_json,
    meeting_from,
    participant_fields,
    participant_from,
    primary_key,
    vote_json,
)
from storage.seal import Seal
from storage.search import ITEM_KEY_FACTOR


class StoreOpener:
    """Gives each thread its own `Store` on one database file (migrated once, at construction)."""

    def __init__(self, path: str | Path, seal: Seal | None = None) -> None:
        self.path = Path(path)
        self.seal = seal
        migrate(self.path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._group = CommitGroup()
        self._all: list[Database] = []

    def __call__(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            db = connect(self.path)
            store = Store(db, self._write_lock, self._group)
            store.seal = self.seal
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


class Store(ApprovalStore, FollowUpStore, PurgeStore, CanvasStore, MembershipStore):
    """The bot's verbs on one connection: meetings, people, agenda, entries (drafts and approvals in
    storage.approvals, follow-up of actions in storage.followup, the machinery in storage.base)."""

    @cached_property
    def archive(self) -> Archive:
        """The archive's reads for questions (storage/archive.py), on this store's connection."""
        return Archive(self.db)

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
                    "insert into item_context_fts (rowid, text, dated) select key, text, dated from item_context_source "
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
                current = self.open_meeting(channel_id, team_id)
                if current is not None:
                    raise MeetingAlreadyOpen(current)
            meeting_id = primary_key(
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

    def open_meeting(self, channel_id: str, team_id: str | None = None) -> Meeting | None:
        """The channel's meeting that is still being logged, if any (`team_id`: in that workspace)."""
        where, team = in_workspace(team_id)
        rows = self.db.query(
            f"select * from meetings m where channel_id = ? and status = ?{where} order by id desc limit 1",
            [channel_id, str(MeetingStatus.OPEN), *team],
        )
        return next((meeting_from(r) for r in rows), None)

    def current_meeting(self, channel_id: str, team_id: str | None = None) -> Meeting | None:
        """The channel's latest meeting, open or approved (approved ones refuse changes).

        Channel ids are Slack's per workspace: two workspaces served by one installation of the bot
        may both have a `C1`, so callers name the workspace the request came from.
        """
        where, team = in_workspace(team_id)
        rows = self.db.query(
            f"select * from meetings m where channel_id = ?{where} order by id desc limit 1",
            [channel_id, *team],
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
            latest = self.current_meeting(channel_id, previous.team_id)
            if latest is None or latest.id != previous.id:
                raise AnotherMeetingStarted(channel_id)
            meeting_id = primary_key(
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

    def workspaces(self) -> list[str]:
        """The workspaces (team ids) the archive's meetings belong to, in order."""
        rows = self.db.execute(
            "select distinct team_id from meetings where team_id is not null order by team_id"
        ).fetchall()
        return [str(r[0]) for r in rows]

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
            meeting_id = primary_key(
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

            # A vote's voters come by name (`voters`: for, against, abstaining); kept by participant id.
            def vote_of(entry: dict[str, Any]) -> str | None:
                vote: Vote | None = entry.get("vote")
                if vote is None:
                    return None
                named = [
                    [ids[n.casefold()] for n in side if n.casefold() in ids]
                    for side in entry.get("voters", ())
                ]
                named += [[] for _ in range(3 - len(named))]
                return vote_json(
                    dataclasses.replace(
                        vote,
                        in_favour_ids=tuple(named[0]),
                        against_ids=tuple(named[1]),
                        abstained_ids=tuple(named[2]),
                    )
                )

            together = ", speakers" if any(entry.get("co_speakers") for entry in entries) else ""
            voted = ", vote" if any(entry.get("vote") for entry in entries) else ""
            conn.executemany(
                "insert into entries (meeting_id, seq, item_number, kind, text, speaker_id, owner, due, "
                f"attributed, created_utc{together}{voted}) values (?, ?, ?, ?, ?, ?, ?, ?, 1, ?"
                f"{', ?' if together else ''}{', ?' if voted else ''})",
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
                        *([vote_of(entry)] if voted else []),
                    )
                    for seq, entry in enumerate(entries, start=1)
                ],
            )
            conn.execute(
                "insert into item_context_fts (rowid, text, dated) select key, text, dated from item_context_source "
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
        # archive_channels (m070) counts meetings per workspace: no scan of the meetings.
        found = self.db.execute("select 1 from archive_channels where team_key = '' limit 1").fetchone()
        return found is not None

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
        rows = self._rows(
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
                participant_id = primary_key(
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

    # --- agenda ---------------------------------------------------------------------------------

    def agenda(self, meeting_id: int) -> list[AgendaItem]:
        rows = self._rows("select * from agenda_items where meeting_id = ? order by number", [meeting_id])
        return [agenda_item_from(r) for r in rows]

    def agenda_title(self, meeting_id: int, number: int) -> str | None:
        """One item's title (None when the agenda has no such item): what a statement's reply names."""
        row = self.db.execute(
            "select title from agenda_items where meeting_id = ? and number = ?", [meeting_id, number]
        ).fetchone()
        return None if row is None else str(row[0])

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
        vote: Vote | None = None,
    ) -> Entry:
        """Store one entry; `speaker_ids` lists every speaker (`speaker_id` defaults to the first),
        `mentioned` the names of Slack users it mentions who are not participants."""
        speakers = list(dict.fromkeys(speaker_ids)) or ([speaker_id] if speaker_id is not None else [])
        if speaker_id is None and speakers:
            speaker_id = speakers[0]

        def insert(store: Store) -> int:
            return store._insert_entry(
                meeting_id, item_number, kind, text, author_user_id, now, speaker_id, owner, owner_user_id,
                due, attributed, public, speakers, mentioned, vote,
            )  # fmt: skip

        # Committed together with the other statements sent meanwhile (storage.base.CommitGroup).
        entry = self.entry_by_id(self._grouped(insert))
        assert entry is not None
        return entry

    def _insert_entry(
        self,
        meeting_id: int,
        item_number: int,
        kind: EntryKind,
        text: str,
        author_user_id: str | None,
        now: dt.datetime,
        speaker_id: int | None,
        owner: str | None,
        owner_user_id: str | None,
        due: dt.date | None,
        attributed: bool,
        public: bool,
        speakers: list[int],
        mentioned: Mapping[str, str] | None,
        vote: Vote | None,
    ) -> int:
        with self._write():
            seq = self._next_value("entries", "seq", meeting_id)
            entry_id = self._insert_row(
                "entries",
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
                    **({"vote": vote_json(vote)} if vote else {}),
                },
            )
            self._audit(meeting_id, entry_id, author_user_id, "add", None, text, now)
            if kind is EntryKind.ACTION:
                self._number_action(entry_id)
        return entry_id

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

    # --- entries from Slack messages, and lists of meetings ------------------------------------

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

    def channel_meetings(self, channel_id: str, team_id: str | None = None) -> list[Meeting]:
        """Every meeting logged in the channel, newest first (`team_id`: in that workspace)."""
        where, team = in_workspace(team_id)
        rows = self.db.query(
            f"select * from meetings m where channel_id = ?{where} order by date desc, id desc",
            [channel_id, *team],
        )
        return [meeting_from(r) for r in rows]

    # --- idempotency ----------------------------------------------------------------------------

    def claim_event(self, key: str, now: dt.datetime) -> bool:
        """True the first time `key` is seen: the caller acts; False for a redelivery.

        The claim is committed without waiting for the disk (synchronous=NORMAL): the write-ahead
        log is sequential, so whatever durable write the caller then makes (a statement, an
        approval) carries the claim to the disk with it. Only a claim followed by no write at all,
        an answer to a question, can be lost with the machine, and then a redelivery answers again.
        That saves a disk flush (a millisecond or more) on every question.
        """
        relaxed = not self.db.conn.in_transaction
        if relaxed:
            self.db.execute("PRAGMA synchronous=NORMAL")
        try:
            with self._write():
                cursor = self.db.execute(
                    "insert or ignore into processed_events (key, at_utc) values (?, ?)", [key, iso(now)]
                )
                return cursor.rowcount == 1
        finally:
            if relaxed:
                self.db.execute("PRAGMA synchronous=FULL")
