"""The project's Slack stand-in (bot.console.standin) as the tests use it: a workspace of its own,
timestamps that read the same in every run, and faults on demand.

`fail_next` makes the next calls to a method (or to "response_url" / "file_upload") answer a rate
limit with Retry-After, a server error, an error Slack reports with HTTP 200, a dropped connection,
or a slow answer; the bot's real retry handlers and error handling meet them over HTTP. Everything
else (what Slack holds, what it refuses, waiting for conditions) is the stand-in's own.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.console.records import ApiCall, Ephemeral, Message, Reply, Response, SharedFile, View
from bot.console.standin import SlackStandIn
from bot.slack.limits import blocks_error, message_error

BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"
TEAM_ID = "T1"
MAX_DELAY = 10.0  # an injected slow answer is bounded, and released at once by stop()

# The records under the names the tests read them by.
FakeMessage = Message
FakeEphemeral = Ephemeral
FakeFile = SharedFile
FakeView = View
FakeResponse = Response


@dataclass(frozen=True)
class _Fault:
    status: int
    retry_after: int
    error: str | None
    drop_connection: bool
    delay: float


class FakeSlack(SlackStandIn):
    """A threaded local Slack Web API. Use as `with FakeSlack() as fake:` or `start()`/`stop()`."""

    bot_user_id = BOT_USER_ID
    bot_id = BOT_ID
    team_id = TEAM_ID
    team_name = "Fake"
    permalink_base = "https://fake.slack"

    def __init__(self, clock: Callable[[], dt.datetime] | None = None) -> None:
        super().__init__(clock)
        self._ts_numbers = itertools.count(100, 100)
        self._faults: dict[str, list[_Fault]] = {}
        self._delayed: dict[str, int] = {}
        self._released: dict[str, threading.Event] = {}

    def new_ts(self) -> str:
        """`1700000000.000100`, `….000200`, …: the same in every run, so failures read alike."""
        n = next(self._ts_numbers)
        return f"{1_700_000_000 + n // 1_000_000}.{n % 1_000_000:06d}"

    def reset(self) -> None:
        """Forget everything but the users and channels, faults included."""
        with self._cond:
            self._faults.clear()
            self._delayed.clear()
        super().reset()

    # --- faults ----------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        error: str | None = None,
        times: int = 1,
        drop_connection: bool = False,
        delay: float = 0.0,
    ) -> None:
        """Make the next `times` calls to `method` fail.

        Precedence: `drop_connection`, then `error` (HTTP 200 with ok=false), then `status`
        (429 with Retry-After, or any other HTTP status). `status=200` with a `delay` only slows the
        call down. `method` may also be "response_url" or "file_upload".
        """
        fault = _Fault(
            status=status,
            retry_after=retry_after,
            error=error,
            drop_connection=drop_connection,
            delay=min(max(delay, 0.0), MAX_DELAY),
        )
        with self._cond:
            self._faults.setdefault(method, []).extend([fault] * times)
            self._released[method] = threading.Event()

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        self.fail_next(method, status=200, delay=seconds, times=times)

    def release(self, method: str) -> None:
        """Let the calls to `method` an injected delay is holding go on now (a test's window closes)."""
        with self._cond:
            released = self._released.get(method)
        if released is not None:
            released.set()

    def delayed(self, method: str) -> int:
        """How many calls to `method` an injected delay is holding right now."""
        with self._cond:
            return self._delayed.get(method, 0)

    def fault_for(self, key: str) -> Reply | None:
        with self._cond:
            queue = self._faults.get(key)
            fault = queue.pop(0) if queue else None
        if fault is None:
            return None
        if fault.delay:
            with self._cond:
                self._delayed[key] = self._delayed.get(key, 0) + 1
                self._cond.notify_all()
                released = self._released.setdefault(key, threading.Event())
            try:
                deadline = time.monotonic() + fault.delay
                while not (released.is_set() or self._stopping.is_set()):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    released.wait(min(left, 0.05))
            finally:
                with self._cond:
                    self._delayed[key] = max(self._delayed.get(key, 0) - 1, 0)
        if fault.drop_connection:
            return Reply(drop=True)
        if fault.error is not None:
            return Reply.of({"ok": False, "error": fault.error})
        if fault.status == 429:
            return Reply.of(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers=(("Retry-After", str(fault.retry_after)),),
            )
        if fault.status != 200:
            return Reply.of({"ok": False, "error": "fatal_error"}, status=fault.status)
        return None


__all__ = [
    "BOT_ID",
    "BOT_USER_ID",
    "TEAM_ID",
    "ApiCall",
    "FakeEphemeral",
    "FakeFile",
    "FakeMessage",
    "FakeResponse",
    "FakeSlack",
    "FakeView",
    "blocks_error",
    "message_error",
]
