"""What every listener needs besides Bolt's own arguments: the store opener, the clock, names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient

from storage.store import Store


def utc_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Deps:
    """What every listener needs besides Bolt's own arguments."""

    open_store: Callable[[], Store]
    clock: Callable[[], dt.datetime] = utc_clock
    _names: dict[str, str] = field(default_factory=dict)

    def user_name(self, client: WebClient) -> Callable[[str], str | None]:
        """A users.info lookup (cached per process: names rarely change within a meeting)."""

        def lookup(user_id: str) -> str | None:
            if user_id in self._names:
                return self._names[user_id]
            response = client.users_info(user=user_id)
            user: dict[str, Any] = response.get("user") or {}
            profile: dict[str, Any] = user.get("profile") or {}
            name = profile.get("real_name") or user.get("real_name") or user.get("name")
            if name:
                self._names[user_id] = str(name)
            return str(name) if name else None

        return lookup
