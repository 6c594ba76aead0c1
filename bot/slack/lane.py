"""Slash commands do their work before the acknowledgement one at a time, not all at once.

Python's sqlite3 lets go of the GIL for every step of a statement. When several listener threads
run a command's reads and writes at once, each statement hands the GIL to another thread and then
waits to get it back, so the threads take turns statement by statement. Under eight senders a
`/referat ad` cost 3.5 ms of CPU, 260 futex calls and 125 context switches that way. With the work
before the ack one at a time, it cost 2.1 ms, 77 and 36, and the acknowledgement's p50 went from
25 to 16 ms. That work is short (parse, the rule book, one statement stored), so waiting for it
costs less than the convoy did. What a command does after its ack (posts, App Home, the canvas)
runs beside the lane as before.

A command never waits long for its turn. After LANE_WAIT it goes ahead beside whoever holds the
lane, as every command did before: a Slack look-up that hangs, or another process's long write,
delays nobody else's acknowledgement by more than that.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Seconds a command waits for its turn before it goes ahead anyway (Slack allows 3 for the ack).
LANE_WAIT = 0.5


class CommandLane:
    """A turn for a command's work before its ack; `turn()` yields whether the turn was had."""

    def __init__(self, wait: float = LANE_WAIT) -> None:
        self._lock = threading.Lock()
        self._wait = wait

    @contextmanager
    def turn(self) -> Iterator[bool]:
        had = self._lock.acquire(timeout=self._wait)
        try:
            yield had
        finally:
            if had:
                self._lock.release()
