"""Open the database file: the settings every connection needs, and the migrations.

WAL so readers never wait for the writer, synchronous=FULL so an acknowledged statement survives a
crash, foreign keys on, and a busy timeout shorter than Slack's 3-second budget.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.utils import dedupe_keys

from storage.migrations import migrations

# Commands must be answered within Slack's 3-second budget; a writer blocked longer than this in
# total (waiting for this process's other writers and for other processes) gets "database is
# locked", and the user is asked to try again rather than the request timing out.
BUSY_TIMEOUT_MS = 2000


# A statement that only reads: SELECT, or WITH … SELECT with no writing word anywhere in it.
_WRITES = re.compile(r"\b(insert|update|delete|replace|create|drop|alter|returning)\b", re.IGNORECASE)


class ReadingDatabase(Database):
    """sqlite-utils' Database, whose `query` runs a read as it is, without a savepoint around it.

    sqlite-utils wraps every `query` in SAVEPOINT and RELEASE, so that a statement that returns no
    rows, passed by mistake, can be undone before it refuses it. Storage passes `query` only reads,
    and for a read the guard was two statements of every three. Each also lets go of the GIL, a
    turn for every other thread. Anything else still goes through the guard.
    """

    def query(
        self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
    ) -> Generator[dict[str, Any], None, None]:
        head = sql.lstrip()[:6].casefold()
        if head != "select" and not (head.startswith("with") and not _WRITES.search(sql)):
            return super().query(sql, params)
        if self._tracer:
            self._tracer(sql, params)
        cursor = self.conn.execute(sql, params) if params is not None else self.conn.execute(sql)
        if cursor.description is None:
            raise ValueError("query() can only be used with SQL that returns rows")
        keys = dedupe_keys(d[0] for d in cursor.description)
        return (dict(zip(keys, row, strict=True)) for row in cursor)


def connect(path: str | Path) -> Database:
    """Open the database file with the settings every connection needs, and migrate it."""
    # Each connection is only ever used by the thread that opened it (StoreOpener); the flag is off
    # so that shutdown can close every connection from the main thread.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    db = ReadingDatabase(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return db


def migrate(path: str | Path) -> None:
    db = connect(path)
    try:
        migrations.apply(db)
    finally:
        db.close()
