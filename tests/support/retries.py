"""Slack's retry handlers as the bot configures them, without the waiting.

slack_sdk sleeps between attempts: Retry-After plus up to a second of jitter after a 429, a backoff
of 0.5 s and more after a 5xx or a dropped connection. Tests keep the real handlers (what is retried,
how often) and record each wait instead of sleeping it, so they can assert the wait was honoured.
"""

from __future__ import annotations

import types

import pytest
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry import handler as retry_handler_module


def instant_retries(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Make every retry wait in this process instant; returns the waits asked for, in order."""
    waits: list[float] = []
    no_waiting = types.SimpleNamespace(sleep=waits.append)
    monkeypatch.setattr(builtin_handlers, "time", no_waiting)  # after a 429: Retry-After + jitter
    monkeypatch.setattr(retry_handler_module, "time", no_waiting)  # after a 5xx or a drop: backoff
    return waits
