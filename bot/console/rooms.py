"""The stand-in's conversations and who is in them, and the Web API methods that describe them.

One implementation for the console's stand-in and the tests' stand-in: `conversations.info`,
`conversations.members`, `users.conversations` and `conversations.list`, refusing and hiding what
Slack refuses and hides — a private conversation the bot is not in is unknown to it, and
`users.conversations` lists a person's private conversations only where the bot is in them too.
A conversation never set up is a public channel of every known user and the bot (the console's
one channel); it is listed once it has been set up or named in a call. Callers hold their own lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from bot.console import conversations

Json = dict[str, Any]

PUBLIC, PRIVATE, IM, MPIM = "public", "private", "im", "mpim"
_TYPES = {"public_channel": PUBLIC, "private_channel": PRIVATE, "im": IM, "mpim": MPIM}


class Rooms:
    """Channels, DMs and group DMs with their members, as Slack would describe them to the bot."""

    def __init__(self, bot_user_id: str, users: Callable[[], Iterable[str]]) -> None:
        self.bot_user_id = bot_user_id
        self._users = users
        self.names: dict[str, str] = {}
        # Conversations set up explicitly: kind and members.
        self._rooms: dict[str, tuple[str, set[str]]] = {}

    def add_channel(
        self, channel_id: str, name: str, *, private: bool, members: Iterable[str] | None, bot_member: bool
    ) -> None:
        self.names[channel_id] = name
        if members is not None:
            people = set(members) | ({self.bot_user_id} if bot_member else set())
            self._rooms[channel_id] = (PRIVATE if private else PUBLIC, people)

    def add(self, channel_id: str, kind: str, members: Iterable[str]) -> None:
        self._rooms[channel_id] = (kind, {*members, self.bot_user_id})

    def join(self, channel_id: str, user_id: str) -> None:
        self._rooms[channel_id][1].add(user_id)

    def leave(self, channel_id: str, user_id: str) -> None:
        self._rooms[channel_id][1].discard(user_id)

    def may_share(self, channel: str) -> bool:
        """Whether the bot may share a file here: only where it is a member, as in Slack."""
        return self.bot_user_id in self.room(channel)[1]

    def bot_joins(self, channel: str) -> Json:
        """`conversations.join`: a public channel only (a private one needs an invitation)."""
        kind, members = self.room(channel)
        if kind != PUBLIC:
            return {"ok": False, "error": "method_not_supported_for_channel_type"}
        members.add(self.bot_user_id)
        return {"ok": True, "channel": self.describe(channel)}

    def seen(self, channel_id: str) -> None:
        """A conversation named in a call exists from then on (listed by the list methods)."""
        known = channel_id in self.names or channel_id in self._rooms
        if channel_id[:1] in ("C", "G", "D") and not known:
            self.names[channel_id] = channel_id.lower()

    def kept(self) -> tuple[dict[str, str], dict[str, tuple[str, list[str]]]]:
        """Names and set-up conversations, to keep between the console's sittings."""
        return dict(self.names), {
            cid: (kind, sorted(members)) for cid, (kind, members) in self._rooms.items()
        }

    def restore(self, names: dict[str, str], rooms: dict[str, tuple[str, list[str]]]) -> None:
        self.names.update(names)
        self._rooms.update({cid: (kind, set(members)) for cid, (kind, members) in rooms.items()})

    def room(self, channel: str) -> tuple[str, set[str]]:
        if channel in self._rooms:
            return self._rooms[channel]
        kind = IM if channel.startswith("D") else PRIVATE if channel.startswith("G") else PUBLIC
        return kind, {*self._users(), self.bot_user_id}

    def hidden(self, channel: str) -> bool:
        """Slack hides a private conversation from a bot that is not in it."""
        kind, members = self.room(channel)
        return kind != PUBLIC and self.bot_user_id not in members

    def _known(self) -> list[str]:
        return sorted({*self.names, *self._rooms})

    def describe(self, channel: str) -> Json:
        """The channel object conversations.info and the list methods carry."""
        kind, members = self.room(channel)
        name = self.names.get(channel, channel.lower())
        return dict(conversations.info(channel, kind, members, name, self.bot_user_id)["channel"])

    def listed(self, params: Json, user: str | None = None) -> list[Json]:
        """`conversations.list` (user None) or `users.conversations` for `user`, of the types asked."""
        kinds = {_TYPES[t] for t in str(params.get("types") or "public_channel").split(",") if t in _TYPES}
        found = []
        for channel in self._known():
            kind, members = self.room(channel)
            if kind not in kinds or self.hidden(channel):
                continue
            if user is not None and user not in members:
                continue
            found.append(self.describe(channel))
        return found
