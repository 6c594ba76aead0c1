"""Slack's scheduled messages, as the stand-ins serve them: chat.scheduleMessage and friends.

One implementation for the console's stand-in and the tests' stand-in, refusing what Slack
refuses: a `post_at` that is not in the future (`time_in_past`) or more than 120 days ahead
(`time_too_far`), no text, and deleting an id that is unknown, already posted, or named with
another channel (`invalid_scheduled_message_id`). Time is the caller's clock, never the wall
clock, so a test can move past a reminder's time and see it posted. Callers hold their own lock.
"""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]

HORIZON = dt.timedelta(days=120)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ScheduledMessage:
    id: str
    channel_id: str
    post_at: int  # Unix seconds
    text: str
    date_created: int


class ScheduledMessages:
    def __init__(self, clock: Callable[[], dt.datetime] = _utc_now) -> None:
        self.clock = clock
        self._ids = itertools.count(1)
        self._messages: dict[str, ScheduledMessage] = {}
        self.deleted: list[ScheduledMessage] = []

    def _now(self) -> int:
        return int(self.clock().timestamp())

    def pending(self) -> list[ScheduledMessage]:
        """Scheduled and not yet due, by time: what chat.scheduledMessages.list shows."""
        now = self._now()
        return sorted(
            (m for m in self._messages.values() if m.post_at > now), key=lambda m: (m.post_at, m.id)
        )

    def posted(self) -> list[ScheduledMessage]:
        """Those whose time has come: Slack has posted them in their channel."""
        now = self._now()
        return sorted(
            (m for m in self._messages.values() if m.post_at <= now), key=lambda m: (m.post_at, m.id)
        )

    def schedule(self, params: Json) -> Json:
        channel = str(params.get("channel") or "")
        text = str(params.get("text") or "")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not text.strip() and not params.get("blocks"):
            return {"ok": False, "error": "no_text"}
        try:
            post_at = int(float(str(params.get("post_at"))))
        except ValueError:
            return {"ok": False, "error": "invalid_time"}
        now = self._now()
        if post_at <= now:
            return {"ok": False, "error": "time_in_past"}
        if post_at > now + int(HORIZON.total_seconds()):
            return {"ok": False, "error": "time_too_far"}
        message = ScheduledMessage(f"Q{next(self._ids):08d}", channel, post_at, text, now)
        self._messages[message.id] = message
        return {
            "ok": True,
            "channel": channel,
            "scheduled_message_id": message.id,
            "post_at": post_at,
            "message": {"type": "message", "text": text},
        }

    def delete(self, params: Json) -> Json:
        message = self._messages.get(str(params.get("scheduled_message_id") or ""))
        if message is None or message.channel_id != params.get("channel") or message.post_at <= self._now():
            return {"ok": False, "error": "invalid_scheduled_message_id"}
        del self._messages[message.id]
        self.deleted.append(message)
        return {"ok": True}

    def list(self, params: Json) -> Json:
        pending = self.pending()
        if params.get("channel"):
            pending = [m for m in pending if m.channel_id == params["channel"]]
        start = int(params.get("cursor") or 0)
        limit = max(1, min(int(params.get("limit") or 100), 1000))
        page = pending[start : start + limit]
        more = start + limit < len(pending)
        return {
            "ok": True,
            "scheduled_messages": [
                {
                    "id": m.id,
                    "channel_id": m.channel_id,
                    "post_at": m.post_at,
                    "date_created": m.date_created,
                    "text": m.text,
                }
                for m in page
            ],
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def kept(self) -> builtins.list[Json]:
        """Every scheduled message, as the console keeps them between sittings (bot.console.kept)."""
        return [dataclasses.asdict(m) for m in self._messages.values()]

    def restore(self, kept: Sequence[Json]) -> None:
        """Put back what `kept` returned; new ids continue after the highest one."""
        self._messages = {str(m["id"]): ScheduledMessage(**m) for m in kept}
        highest = max((int(i[1:]) for i in self._messages if i[1:].isdigit()), default=0)
        self._ids = itertools.count(highest + 1)

    def forget(self, message_id: str) -> None:
        """Lose a message as if withdrawn outside the bot (tests of reconciliation)."""
        self._messages.pop(message_id, None)


def open_conversation(params: Json) -> Json:
    """conversations.open with one user: the bot's direct message with them, `D` + their id."""
    users = [u for u in str(params.get("users") or "").split(",") if u]
    if len(users) != 1:
        return {"ok": False, "error": "users_list_not_supplied" if not users else "not_supported"}
    return {"ok": True, "channel": {"id": f"D{users[0]}"}}
