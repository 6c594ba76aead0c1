"""Heavy work (PDF and Word files, exports, long drafts) on a small pool of its own, never on Bolt's.

Bolt runs each listener, and everything it does after its ack, on the listener executor. Six PDF
exports of a long meeting used to fill it, and for a minute every other command waited behind them
and got Slack's timeout. Heavy work is therefore handed to this pool: a few workers, and a bounded
number of jobs waiting for them; a job beyond that is refused at once (the caller says so in its
ack), so the wait is bounded too. PDF layout itself runs in a child process with a deadline and a
memory cap (bot/referat/isolated.py), so a worker is never held for longer than that.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from bot.slack.errors import after_ack

log = logging.getLogger(__name__)

HEAVY_WORKERS = 2
HEAVY_WAITING = 8  # jobs that may wait for a worker; beyond that a job is refused

BUSY = (
    "Der er mange eksporter og udkast i gang lige nu, så dette blev ikke sat i gang. "
    "Prøv igen om et minut; intet er ændret."
)


class HeavyWork:
    """A bounded pool for work that may take seconds; `executor` runs the jobs (tests track it)."""

    def __init__(
        self, executor: Executor | None = None, *, workers: int = HEAVY_WORKERS, waiting: int = HEAVY_WAITING
    ) -> None:
        self.executor = executor or ThreadPoolExecutor(max_workers=workers, thread_name_prefix="heavy")
        self._slots = threading.BoundedSemaphore(workers + waiting)

    def reserve(self) -> bool:
        """Take a place for one job; False when the pool is full (then nothing is to be started)."""
        return self._slots.acquire(blocking=False)

    def run(self, job: Callable[[], None], respond: Callable[..., Any]) -> None:
        """Run `job` on the pool in the place `reserve()` took; an unexpected error is told, not raised."""

        def guarded() -> None:
            try:
                with after_ack(respond):
                    job()
            finally:
                self._slots.release()

        try:
            self.executor.submit(guarded)
        except RuntimeError:
            # The pool is shutting down with the server: the place is given back, the job dropped.
            self._slots.release()
            log.warning("heavy work dropped at shutdown")

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True)
