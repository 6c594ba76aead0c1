"""Deleting a workspace's minutes after its retention period: everything but the proof that they existed.

A workspace that uninstalls the app leaves its minutes behind: they are an official record, kept for
the retention period the organisation's archive rules set, and then deleted by the operator with
`referat purge --team T…`. What is deleted is found from the schema itself — every table that holds
a meeting id, or refers (by its foreign keys, however deep) to a row that does — so a table added by a
later migration is purged too without being named here.

Two things stay. The hash chain's links of approved referater hold hashes, not text, and later links
of every workspace are chained to them: deleting them would break the proof of everybody else's
minutes, so they stay and `referat verify` checks them as links, naming the purge instead of a
missing text. And `purges` records what was deleted, when and by whom: the audit line of the deletion.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from storage.base import StoreBase
from storage.errors import StoreError
from storage.rows import iso

# Kept whole: the chain (see above), and the record of purges itself.
_KEPT = frozenset({"chain", "purges"})


class ApprovedRecords(StoreError):
    """The workspace holds approved referater; deleting them needs the operator's explicit word."""

    def __init__(self, team_id: str, approved: int) -> None:
        super().__init__(f"{approved} approved referater in {team_id}")
        self.team_id, self.approved = team_id, approved


@dataclass(frozen=True)
class Purged:
    """What one purge deleted."""

    team_id: str
    meetings: int
    approved: int
    rows: int  # rows deleted in all tables


class PurgeStore(StoreBase):
    def purge_workspace(self, team_id: str, *, force: bool, by: str, now: dt.datetime) -> Purged:
        """Delete every meeting of `team_id` and all that hangs on them, in one transaction.

        Refused with `ApprovedRecords` (nothing deleted) while approved referater are among them and
        `force` is not given. The chain's links stay; `purges` records the deletion.
        """
        assert not self.db.conn.in_transaction, "a purge is a transaction of its own"
        # The chain's links keep the ids of the meetings they proved; SQLite checks foreign keys even
        # when deferred, so the check is off for this one transaction of this one connection.
        self.db.execute("PRAGMA foreign_keys = OFF")
        try:
            return self._purge(team_id, force=force, by=by, now=now)
        finally:
            self.db.execute("PRAGMA foreign_keys = ON")

    def _purge(self, team_id: str, *, force: bool, by: str, now: dt.datetime) -> Purged:
        with self._write():
            ids = [r[0] for r in self.db.execute("select id from meetings where team_id = ?", [team_id])]
            approved = self.db.execute(
                "select count(*) from approved_referats where meeting_id in (select id from meetings "
                "where team_id = ?)",
                [team_id],
            ).fetchone()[0]
            if approved and not force:
                raise ApprovedRecords(team_id, approved)
            rows = self._delete_meetings(ids) if ids else 0
            self.db.execute(
                "insert into purges (team_id, meeting_ids, approved, rows, purged_by, purged_utc) "
                "values (?, ?, ?, ?, ?, ?)",
                [team_id, json.dumps(ids), approved, rows, by, iso(now)],
            )
        return Purged(team_id, len(ids), approved, rows)

    def purged_meetings(self) -> frozenset[int]:
        """Meetings deleted by `purge_workspace`, whose chain links stand without their texts."""
        found: set[int] = set()
        for (ids,) in self.db.execute("select meeting_ids from purges"):
            found.update(int(i) for i in json.loads(ids))
        return frozenset(found)

    def _delete_meetings(self, ids: list[int]) -> int:
        """Delete the meetings and, children first, every row that refers to them; returns the count."""
        marks = ",".join("?" * len(ids))
        # Each table that refers to meetings, directly or through its foreign keys, with the condition
        # that picks its rows; found breadth first from `meetings`, deleted in reverse (children first).
        selected: dict[str, str] = {"meetings": f"id in ({marks})"}
        order = ["meetings"]
        for table in order:
            for child, column, parent_column in self._referring(table):
                if child in selected or child in _KEPT:
                    continue
                selected[child] = f"{column} in (select {parent_column} from {table} where {selected[table]})"
                order.append(child)
        for table in self._tables():
            if table not in selected and table not in _KEPT and "meeting_id" in self._columns(table):
                selected[table] = f"meeting_id in ({marks})"
                order.insert(1, table)
        deleted = 0
        for table in reversed(order):
            where = selected[table]
            cursor = self.db.execute(f"delete from {table} where {where}", ids * where.count(marks))
            deleted += max(cursor.rowcount, 0)
        return deleted

    def _tables(self) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "select name from sqlite_master where type = 'table' and sql not like 'CREATE VIRTUAL%' "
                "and name not like 'sqlite_%' and name not like '%fts_%' and name not like '%_vocab'"
            )
        ]

    def _columns(self, table: str) -> set[str]:
        return {r[1] for r in self.db.execute(f"pragma table_info('{table}')")}

    def _referring(self, parent: str) -> list[tuple[str, str, str]]:
        """(table, its column, the parent's column) for every foreign key that points at `parent`."""
        found = []
        for table in self._tables():
            for fk in self.db.execute(f"pragma foreign_key_list('{table}')"):
                if fk[2] == parent:
                    found.append((table, fk[3], fk[4] or "rowid"))
        return found
