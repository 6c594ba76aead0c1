"""The machinery every part of the store shares: one connection, the write lock, the audit trail.

`Store` (storage.store) is assembled from parts by topic (storage.approvals, storage.followup), so
that no file holds every verb; they all write through `_write` and record through `_audit` here.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

from sqlite_utils import Database

from storage import index_upkeep
from storage.connection import BUSY_TIMEOUT_MS
from storage.records import (
    AuditRecord,
    Entry,
)
from storage.rows import (
    entry_from,
    iso,
    required_dt,
)
from storage.seal import Seal

R = TypeVar("R")


@dataclass(eq=False)
class _Job:
    """One write waiting in a `CommitGroup`: what to do, and (once committed or refused) its outcome."""

    work: Callable[[Any], Any]
    started: float  # when it began to wait (time.monotonic)
    done: bool = False
    result: Any = None
    error: BaseException | None = None


@dataclass(eq=False)
class CommitGroup:
    """Writes of one process waiting for the write lock, committed together (group commit).

    Each COMMIT with synchronous=FULL waits for the disk; with several senders, most of an
    acknowledgement's time went to waiting for the lock and then for the commit. Now the first
    writer to find no one committing leads: it takes every write queued so far, runs each in a
    savepoint of one transaction on its own connection (a write that fails is undone alone), and
    commits them with one durable COMMIT; only then is each told its outcome and acknowledged.
    Writes queued meanwhile are the next leader's batch. Shared by a StoreOpener's stores.
    """

    cond: threading.Condition = field(default_factory=threading.Condition)
    queue: list[_Job] = field(default_factory=list)
    leading: bool = False


class StoreBase:
    def __init__(
        self, db: Database, write_lock: threading.Lock | None = None, group: CommitGroup | None = None
    ) -> None:
        self.db = db
        # Shared by every Store of one StoreOpener: threads of this process queue for writing here,
        # in order, rather than in SQLite's busy handler, whose growing sleeps make a slow tail.
        self._write_lock = write_lock or threading.Lock()
        self._group = group or CommitGroup()
        # The organisation's seal (storage.seal): signs each new link of the hash chain when set.
        self.seal: Seal | None = None

    @contextmanager
    def _write(self, started: float | None = None) -> Iterator[None]:
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
        # `started`: when the wait began, if earlier (a statement that queued in a CommitGroup first).
        started = time.monotonic() if started is None else started
        if not self._write_lock.acquire(
            timeout=max(0.001, BUSY_TIMEOUT_MS / 1000 - (time.monotonic() - started))
        ):
            raise sqlite3.OperationalError("database is locked (waited for another writer in this process)")
        try:
            left_ms = max(1, BUSY_TIMEOUT_MS - int((time.monotonic() - started) * 1000))
            if left_ms == BUSY_TIMEOUT_MS:
                # Not a millisecond spent waiting: the connection's own timeout is the budget left.
                self.db.execute("BEGIN IMMEDIATE")
            else:
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

    def _grouped(self, work: Callable[[Self], R]) -> R:
        """`work(store)` committed with the other writes waiting now (CommitGroup), durably, before
        it returns; `store` is whichever store leads the commit. Inside a transaction: part of it."""
        if self.db.conn.in_transaction:
            with self.db.atomic():
                return work(self)
        started = time.monotonic()
        group, job = self._group, _Job(work, started)
        deadline = started + BUSY_TIMEOUT_MS / 1000
        with group.cond:
            group.queue.append(job)
            while not job.done and group.leading:
                left = deadline - time.monotonic()
                if left <= 0 and job in group.queue:
                    group.queue.remove(job)  # not taken by a leader: nothing of it is stored
                    raise sqlite3.OperationalError(
                        "database is locked (waited for another writer in this process)"
                    )
                group.cond.wait(timeout=max(left, 0.05))
            if not job.done:
                group.leading = True
                # The batch's budget runs from when its oldest statement queued (the queue's first).
                started = min(started, group.queue[0].started) if group.queue else started
        if not job.done:
            self._lead(group, job, started)
        if job.error is not None:
            raise job.error
        return job.result  # type: ignore[no-any-return]

    def _lead(self, group: CommitGroup, own: _Job, started: float) -> None:
        """Commit every queued write in one transaction, then tell each its outcome.

        The leader's wait for the lock counts from when its own statement queued: one budget for
        both waits, so a statement is answered within Slack's 3 s either stored or "try again".
        """
        batch: list[_Job] = []
        try:
            with self._write(started):
                with group.cond:
                    batch, group.queue = group.queue, []
                for job in batch:
                    try:
                        with self.db.atomic():  # a savepoint: a refused write is undone alone
                            job.result = job.work(self)
                    except Exception as error:
                        job.error = error
        except BaseException as error:
            # Not committed (the lock not had in time, a full disk): none of the batch is stored.
            for job in batch:
                job.result, job.error = None, error
            with group.cond:
                if own in group.queue:
                    group.queue.remove(own)
            own.error = error
        finally:
            with group.cond:
                for job in [*batch, own]:
                    job.done = True
                group.leading = False
                group.cond.notify_all()

    def merge_search_indexes(self, pages: int = index_upkeep.STEP_PAGES) -> int:
        """Merge every search index into one segment (storage.index_upkeep), a step per transaction.

        Returns how many steps merged something. Each step takes the write lock as a statement does,
        so statements logged meanwhile wait for one step at most.
        """
        steps = 0
        for index in index_upkeep.SEARCH_INDEXES:
            while True:
                with self._write():
                    merged = index_upkeep.merge_step(self.db.conn, index, pages)
                if not merged:
                    break
                steps += 1
        return steps

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Several verbs as one write: all of them are stored, or none (e.g. an approval and the lock)."""
        with self._write():
            yield

    def _next_value(self, table: str, column: str, meeting_id: int) -> int:
        row = next(
            self.db.query(
                f"select coalesce(max({column}), 0) + 1 as n from {table} where meeting_id = ?",
                [meeting_id],
            )
        )
        return int(row["n"])

    def entries(self, meeting_id: int, *, include_deleted: bool = False) -> list[Entry]:
        sql = "select * from entries where meeting_id = ?"
        if not include_deleted:
            sql += " and deleted_utc is null"
        return [entry_from(r) for r in self.db.query(sql + " order by seq", [meeting_id])]

    def _rows(self, sql: str, params: Sequence[Any]) -> list[sqlite3.Row]:
        """Rows read by column name, made in C (`sqlite3.Row`): the reads every command makes
        (participants, agenda) cost more as sqlite-utils' dicts than the statement's own write."""
        cursor = self.db.conn.cursor()
        cursor.row_factory = sqlite3.Row
        return cursor.execute(sql, params).fetchall()

    def _insert_row(self, table: str, values: Mapping[str, Any]) -> int:
        """Insert one row and return its rowid: a plain INSERT, for the statements a command waits on.

        sqlite-utils' `Table.insert` reads the schema on every call (table names, columns), which
        was a third of logging a statement; `table` and the column names are this module's own.
        """
        columns = ", ".join(f'"{c}"' for c in values)
        marks = ", ".join("?" for _ in values)
        cursor = self.db.execute(f'insert into "{table}" ({columns}) values ({marks})', list(values.values()))
        return int(cursor.lastrowid or 0)

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
        self._insert_row(
            "audit",
            {
                "meeting_id": meeting_id,
                "entry_id": entry_id,
                "user_id": user_id,
                "action": action,
                "before": before,
                "after": after,
                "at_utc": iso(now),
            },
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
