"""Open the database file: the settings every connection needs, and the migrations.

WAL so readers never wait for the writer, synchronous=FULL so an acknowledged statement survives a
crash, foreign keys on, and a busy timeout shorter than Slack's 3-second budget.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from storage.migrations import migrations

# Commands must be answered within Slack's 3-second budget; a writer blocked longer than this in
# total (waiting for this process's other writers and for other processes) gets "database is
# locked", and the user is asked to try again rather than the request timing out.
BUSY_TIMEOUT_MS = 2000


def connect(path: str | Path) -> Database:
    """Open the database file with the settings every connection needs, and migrate it."""
    # Each connection is only ever used by the thread that opened it (StoreOpener); the flag is off
    # so that shutdown can close every connection from the main thread.
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    db = Database(conn)
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
