"""The live canvas's worker is woken only when it sleeps without a timeout, not by every statement."""

from __future__ import annotations

import threading
from typing import Any

from slack_sdk import WebClient

from bot.slack.canvas import LiveCanvas


class CountingCondition(threading.Condition):
    def __init__(self) -> None:
        super().__init__()
        self.notified = 0

    def notify_all(self) -> None:
        self.notified += 1
        super().notify_all()


def _never(*args: Any) -> Any:
    raise AssertionError("nothing is written while the changes go on")


def test_a_burst_of_changes_wakes_the_worker_once() -> None:
    canvas = LiveCanvas(_never, quiet=60.0, max_wait=60.0)
    counting = CountingCondition()
    canvas._cond = counting  # before the worker exists, so it waits on this one
    client = WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/")
    try:
        for _ in range(30):
            canvas.touch(client, 1)
        canvas.touch(client, 2)  # another meeting in the same burst: the worker already knows to look
        assert counting.notified == 1
        assert not canvas.wait_idle(timeout=0.01)  # both are waiting to be written
    finally:
        canvas.stop(timeout=0.01)


def test_a_change_after_a_quiet_spell_wakes_it_again() -> None:
    written: list[int] = []
    canvas = LiveCanvas(_never, quiet=0.01, max_wait=0.05)
    client = WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/")

    def write(client: WebClient, meeting_id: int, attempts: int) -> None:
        written.append(meeting_id)

    canvas._write = write  # type: ignore[method-assign]
    try:
        canvas.touch(client, 1)
        assert canvas.wait_idle(timeout=5)
        assert written == [1]
        canvas.touch(client, 2)  # the worker sleeps without a timeout now: only a notice wakes it
        assert canvas.wait_idle(timeout=5)
        assert written == [1, 2]
    finally:
        canvas.stop(timeout=1)
