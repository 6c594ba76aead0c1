"""The root of the tests: unit/ (plain calls), wire/ (signed HTTP through the real app), support/ (shared).

pytest puts this folder on sys.path (rootdir-relative "prepend" import mode), which is what makes
`support` importable from every test module. The fixtures here are the stand-in Slack with the
meeting's people, a settable clock, and the real bot served on loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.app import USERS, Bot, Clock
from support.slack_fake import FakeSlack


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeSlack]:
    with FakeSlack(clock) as slack:
        for user_id, name in USERS.items():
            slack.add_user(user_id, name)
        yield slack


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bot(fake: FakeSlack, tmp_path: Path, clock: Clock) -> Iterator[Bot]:
    running = Bot(fake=fake, db_path=tmp_path / "referat.db", clock=clock).start()
    try:
        yield running
    finally:
        running.stop()
