"""Migrations from m080 on, in a module of their own (storage/migrations.py is near its size limit).

Importing this module registers them, after every migration in storage/migrations.py.
"""

from __future__ import annotations

from sqlite_utils import Database

from storage.migrations import migrations


@migrations()
def m080_canvas_leases(db: Database) -> None:
    """Which process writes a channel's canvas now, and until when (storage.canvases).

    Several processes may serve one file. Two of them writing a new meeting's canvas at once each
    created one; now a writer holds the channel's lease while it writes, and another waits its turn.
    """
    db.execute(
        "create table canvas_leases (channel_id text not null, team text not null, holder text not null, "
        "until_utc text not null, primary key (channel_id, team))"
    )
