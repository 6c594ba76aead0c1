"""The log of Slack's membership events, read by every process that serves the same file.

A process that hears `member_joined_channel` or `member_left_channel` forgets what it kept about the
channel and the person at once, and records the change here; every other process reads the changes
after the last one it applied before it next decides who may read what (bot/slack/context.py). So a
member removed from the board's channel loses its minutes with their next question whichever process
answers it, not a minute later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.base import StoreBase
from storage.rows import iso

# Changes kept: far more, and far longer, than any process can fall behind in the minute its facts
# are kept (a change is of no use once every fact from before it has expired). A process that finds
# changes it missed gone forgets everything it kept. Who joined which channel is not kept longer.
KEPT_CHANGES = 10_000
KEPT_FOR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class MembershipChange:
    seq: int
    workspace: str | None
    channel_id: str
    user_id: str


@dataclass(frozen=True)
class MembershipNews:
    """The changes after a process's last one; `complete` is False when some were no longer kept."""

    changes: tuple[MembershipChange, ...]
    last: int
    complete: bool


class MembershipStore(StoreBase):
    def record_membership_change(
        self, workspace: str | None, channel_id: str, user_id: str, now: dt.datetime
    ) -> int:
        """Record that `user_id` joined or left `channel_id`; returns the change's number."""
        with self._write():
            cursor = self.db.execute(
                "insert into membership_changes (workspace, channel_id, user_id, at_utc) values (?, ?, ?, ?)",
                [workspace or "", channel_id, user_id, iso(now)],
            )
            seq = int(cursor.lastrowid or 0)
            self.db.execute(
                "delete from membership_changes where seq <= ? or at_utc < ?",
                [seq - KEPT_CHANGES, iso(now - KEPT_FOR)],
            )
        return seq

    def last_membership_change(self) -> int:
        """The newest change's number (0 before the first)."""
        row = self.db.execute("select max(seq) from membership_changes").fetchone()
        return int(row[0] or 0)

    def membership_changes_after(self, seq: int) -> MembershipNews:
        """Every kept change after number `seq`, oldest first."""
        rows = self.db.execute(
            "select seq, workspace, channel_id, user_id from membership_changes where seq > ? order by seq",
            [seq],
        ).fetchall()
        changes = tuple(MembershipChange(int(s), w or None, str(c), str(u)) for s, w, c, u in rows)
        if not changes:
            return MembershipNews((), seq, True)
        # The numbers may skip one (a rolled-back insert); a gap is a change no longer kept only
        # when the oldest kept one is past it.
        oldest = int(self.db.execute("select min(seq) from membership_changes").fetchone()[0])
        return MembershipNews(changes, changes[-1].seq, oldest <= seq + 1)
