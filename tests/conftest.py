"""The root of the tests: unit/ (plain calls), wire/ (signed HTTP through the real app), support/ (shared).

pytest puts this folder on sys.path (rootdir-relative "prepend" import mode), which is what makes
`support` importable from every test module. The fixtures here are the stand-in Slack with the
meeting's people, a settable clock, and the real bot served on loopback.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import storage.store
from storage.connection import migrate
from support.app import USERS, Bot, Clock
from support.slack_fake import FakeSlack


@pytest.fixture(autouse=True, scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A new database file a test opens in this process starts as a copy of one migrated file.

    Hundreds of tests open a fresh `referat.db`; running every migration for each was most of the
    suite's set-up time. The copy is the file the migrations make (tests/unit/test_migrations.py
    runs them from nothing and compares the schema), with an archive id of its own as a new file
    gets. A path that is not a new file in an existing folder is opened as it always was.
    """
    template = tmp_path_factory.mktemp("template") / "referat.db"
    migrate(template)
    with sqlite3.connect(template) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
    conn.close()

    def from_template(path: str | Path) -> None:
        path = Path(path)
        if not path.exists() and path.parent.is_dir():
            try:
                shutil.copyfile(template, path)
                with sqlite3.connect(path) as copy:
                    copy.execute("update search_state set archive = lower(hex(randomblob(8)))")
                copy.close()
            except OSError:
                path.unlink(missing_ok=True)
        migrate(path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(storage.store, "migrate", from_template)
        yield template


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
