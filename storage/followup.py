"""The store's verbs for following actions up between meetings: numbers, done, reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from storage.base import StoreBase
from storage.errors import (
    ActionNotOpen,
)
from storage.records import (
    Action,
    Reminder,
)
from storage.rows import (
    MEETING_COLUMNS,
    action_from,
    iso,
    required_dt,
)

# The action numbers of one workspace's meetings (bind the team id).
_ACTIONS_OF_WORKSPACE = (
    "select a.number from actions a join entries e on e.id = a.entry_id join meetings m on m.id = e.meeting_id "
    "where m.team_id = ?"
)


class FollowUpStore(StoreBase):
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

    def reminders(self, *, action_number: int | None = None, team_id: str | None = None) -> list[Reminder]:
        """Scheduled reminders, of one action, one workspace's meetings or all, in the order scheduled."""
        sql, params = "select * from reminders where 1", list[Any]()
        if action_number is not None:
            sql += " and action_number = ?"
            params.append(action_number)
        if team_id is not None:
            sql += f" and action_number in ({_ACTIONS_OF_WORKSPACE})"
            params.append(team_id)
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

    def reminded_actions(self, team_id: str | None = None) -> list[int]:
        """Numbers of actions that have (or should lose) scheduled reminders, or may need some.

        `team_id`: of that workspace's meetings only (each workspace's reminders go with its own token).
        """
        rows = self.db.execute(
            "select a.number from actions a join entries e on e.id = a.entry_id "
            "where a.done_utc is null and e.deleted_utc is null and e.kind = 'action' and e.due is not null "
            "and e.owner_user_id is not null union select action_number from reminders order by 1"
        ).fetchall()
        numbers = [int(r[0]) for r in rows]
        if team_id is None:
            return numbers
        own = {int(r[0]) for r in self.db.execute(_ACTIONS_OF_WORKSPACE, [team_id])}
        return [n for n in numbers if n in own]

    def installed_workspaces(self) -> list[tuple[str | None, str | None]]:
        """(enterprise id, team id) of every workspace or organisation with a bot token from Slack's OAuth.

        The table is slack_sdk's installation store's (bot.slack.install), made by it when the first
        workspace installs; before that there is none.
        """
        if not self.db.table("slack_bots").exists():
            return []
        rows = self.db.execute(
            "select distinct enterprise_id, team_id from slack_bots where bot_token is not null order by 1, 2"
        )
        return [(r[0] or None, r[1] or None) for r in rows]

    def meeting_action_numbers(self, meeting_id: int) -> list[int]:
        """Every action number of the meeting, deleted entries included (their reminders must go)."""
        rows = self.db.execute(
            "select a.number from actions a join entries e on e.id = a.entry_id where e.meeting_id = ? "
            "order by a.number",
            [meeting_id],
        ).fetchall()
        return [int(r[0]) for r in rows]
