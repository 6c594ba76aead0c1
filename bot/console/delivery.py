"""How the console reaches the app: request bodies exactly as Slack sends them, and waiting for
the listeners a request starts.

Bolt acknowledges first and runs the rest of a listener on its executor; `ListenerTracker` wraps that
executor (`App(listener_executor=…)`) and counts what still runs, so the console (and the wire tests)
can wait until everything a request started is done before the next input.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlencode

from bot.console.screen import BOT_USER_ID, TEAM_ID
from bot.console.typed import COMMAND

P = ParamSpec("P")
T = TypeVar("T")
Json = dict[str, Any]

API_APP_ID = "AKONSOL"
VERIFICATION_TOKEN = "konsol"


# --------------------------------------------------------------------------------------------
# Waiting for listeners


class ListenerTracker(Executor):
    """Bolt's `App(listener_executor=…)`, counting what still runs so the console can wait for it."""

    def __init__(self, inner: Executor, *, counting_with: ListenerTracker | None = None) -> None:
        self._inner = inner
        self._count: _Count = counting_with._count if counting_with is not None else _Count()

    def alongside(self, inner: Executor) -> ListenerTracker:
        """Another executor (the heavy pool) whose work `wait_idle` here waits for too."""
        return ListenerTracker(inner, counting_with=self)

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        count = self._count
        count.change(+1)

        def run() -> T:
            try:
                return fn(*args, **kwargs)
            finally:
                count.change(-1)

        try:
            return self._inner.submit(run)
        except BaseException:
            count.change(-1)
            raise

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait, cancel_futures=cancel_futures)

    def wait_idle(self, timeout: float) -> bool:
        """True once no listener runs; False if some still do after `timeout` seconds."""
        count = self._count
        with count.idle:
            return count.idle.wait_for(lambda: count.running == 0, timeout=timeout)


class _Count:
    """What runs on one or more tracked executors, and a condition to wait for none."""

    def __init__(self) -> None:
        self.idle = threading.Condition()
        self.running = 0

    def change(self, by: int) -> None:
        with self.idle:
            self.running += by
            self.idle.notify_all()


# --------------------------------------------------------------------------------------------
# Requests as Slack sends them

_counter = itertools.count(1)


def _next(prefix: str) -> str:
    return f"{prefix}{next(_counter):06d}"


def command_body(
    text: str, *, user_id: str, user_name: str, channel_id: str, response_url: str, trigger_id: str
) -> bytes:
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "team_domain": "konsol",
        "channel_id": channel_id,
        "channel_name": "referat-konsol",
        "user_id": user_id,
        "user_name": user_name,
        "command": COMMAND,
        "text": text,
        "api_app_id": API_APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    return urlencode(fields).encode("utf-8")


def event_body(event: Json) -> bytes:
    envelope = {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "api_app_id": API_APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": _next("EvKONSOL"),
        "event_time": int(float(str(event.get("event_ts") or "0"))),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    return json.dumps(envelope).encode("utf-8")


def payload_body(payload: Json) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode("utf-8")
