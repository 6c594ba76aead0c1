"""A reader's scope in SQL: which conversations and closed agenda items a search may draw on.

Who may read what is decided in bot/archive/access.py, per conversation; this module turns that
decision (`Scope`) into the conditions every query of the archive adds, and `Sql` keeps a query's
text and parameters together while it is built. Only the standard library here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

# An item's search key is meeting_id * ITEM_KEY_FACTOR + item number (item numbers stay below it).
ITEM_KEY_FACTOR = 1 << 20

# A conversation of the archive: (workspace id, channel id); None where a meeting has none (imports).
ChannelKey = tuple[str | None, str | None]


def channel_key_sql(meeting: str) -> str:
    """The SQL text of a meeting row's channel key, as `Scope.channel_keys` spells it."""
    return f"ifnull({meeting}.team_id, '') || '/' || ifnull({meeting}.channel_id, '')"


@dataclass(frozen=True)
class Scope:
    """What a reader may see: the meetings of some conversations (None: every one) minus hidden
    closed agenda items. Access is decided per conversation (bot/archive/access.py), so a scope
    stays a handful of channel keys however many meetings the archive holds."""

    channels: frozenset[ChannelKey] | None = None
    hidden_items: frozenset[tuple[int, int]] = frozenset()  # (meeting id, item number)

    @property
    def everything(self) -> bool:
        return self.channels is None and not self.hidden_items

    @property
    def nothing(self) -> bool:
        """No meeting at all is readable."""
        return self.channels is not None and not self.channels

    def covers(self, team_id: str | None, channel_id: str | None) -> bool:
        """Whether meetings of that conversation are inside the scope."""
        return self.channels is None or (team_id or None, channel_id or None) in self.channels

    # Laid out once per scope: an answer's statements name them a dozen times.
    @cached_property
    def _item_keys(self) -> str:
        return json.dumps(sorted(m * ITEM_KEY_FACTOR + n for m, n in self.hidden_items))

    @cached_property
    def _channel_keys(self) -> str:
        return json.dumps(sorted(f"{team or ''}/{channel or ''}" for team, channel in self.channels or ()))

    def item_keys(self) -> str:
        return self._item_keys

    def channel_keys(self) -> str:
        return self._channel_keys


EVERYTHING = Scope()


def scope_on_key(scope: Scope, key: str, public: str | None = None) -> Sql:
    """Conditions keeping an item key expression (meeting * factor + number) inside the scope.

    `public`: an entry's public flag; such an entry of a hidden (closed) item stays in scope, as
    the public extract shows it. Items are never matched through a hidden item's text.
    """
    sql = Sql().add("1")
    if scope.channels is not None:
        sql.add(
            f"and (select {channel_key_sql('s')} from meetings s where s.id = ({key}) / {ITEM_KEY_FACTOR}) "
            "in (select value from json_each(?))",
            scope.channel_keys(),
        )
    return sql.extend(not_hidden(scope, key, public))


def not_hidden(scope: Scope, key: str, public: str | None = None) -> Sql:
    """`and <item key> is not a closed item hidden from the reader` (nothing when none is)."""
    sql = Sql()
    if scope.hidden_items:
        hidden = f"({key}) not in (select value from json_each(?))"
        sql.add(f"and ({hidden} or {public} = 1)" if public else f"and {hidden}", scope.item_keys())
    return sql


def scope_on_meeting(scope: Scope, meeting: str) -> Sql:
    """`and <meeting row> is in a readable conversation` (nothing when every meeting is)."""
    if scope.channels is None:
        return Sql()
    return Sql().add(
        f"and {channel_key_sql(meeting)} in (select value from json_each(?))", scope.channel_keys()
    )


class Sql:
    """SQL text and its parameters, built together so they cannot drift apart."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: list[Any] = []

    def add(self, text: str, *params: Any) -> Sql:
        self.parts.append(text)
        self.params.extend(params)
        return self

    def extend(self, other: Sql) -> Sql:
        self.parts.extend(other.parts)
        self.params.extend(other.params)
        return self

    @property
    def text(self) -> str:
        return " ".join(self.parts)
