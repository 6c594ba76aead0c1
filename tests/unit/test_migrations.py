"""Migrations: an existing database upgrades to what a fresh one is, and keeps what it held."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from bot.meeting.export import export_bytes
from bot.referat.compile import referat_text
from bot.slack.drafts import entries_snapshot
from storage.connection import connect
from storage.migrations import migrations
from storage.records import EntryKind
from storage.store import Store

DRAFTED = dt.datetime(2024, 3, 19, 15, 0, tzinfo=dt.UTC)
APPROVED = dt.datetime(2024, 3, 21, 8, 0, tzinfo=dt.UTC)


def test_a_referat_finalised_before_m006_keeps_its_approved_entries(tmp_path: Path) -> None:
    db = connect(tmp_path / "old.db")
    migrations.apply(db, stop_before="m006_approved_snapshot")
    store = Store(db)
    meeting = store.create_meeting(
        title="Kredsrådsmøde", date=dt.date(2024, 3, 19), place=None, channel_id="C1",
        starter_user_id="UREF", now=DRAFTED,
    )  # fmt: skip
    store.set_agenda(meeting.id, [(1, "Orientering", (), ())], user_id="UREF", now=DRAFTED)
    store.add_entry(
        meeting.id, item_number=1, kind=EntryKind.STATEMENT, text="Godkendt tekst.", author_user_id="UREF",
        now=DRAFTED,
    )  # fmt: skip
    doc = store.document(meeting.id)
    drafted = referat_text(doc, version=1, draft_date=DRAFTED.date())
    draft = store.add_draft(
        meeting.id, text=drafted, text_sha256="x", snapshot=entries_snapshot(doc.entries), now=DRAFTED
    )
    store.edit_entry(meeting.id, 1, "Rettet efter godkendelsen.", user_id="UREF", now=APPROVED)
    line = "Godkendt 21. marts 2024 af Lars Møller"
    final = drafted.partition("\n\n")[2].rstrip("\n") + f"\n\n{line}\n"
    # What m003's finalize wrote: the meeting locked, the final text kept without a snapshot.
    db.execute(
        "update meetings set status = 'approved', approved_utc = ? where id = ?",
        [APPROVED.isoformat(), meeting.id],
    )
    db.table("approved_referats").insert(
        {"meeting_id": meeting.id, "draft_id": draft.id, "draft_sha256": "x", "text": final,
         "text_sha256": "y", "approved_utc": APPROVED.isoformat()}
    )  # fmt: skip
    db.conn.commit()

    migrations.apply(db)

    kept = store.approved_referat(meeting.id)
    assert kept is not None
    assert kept.approval_line == line
    assert [e.text for e in kept.entries] == ["Godkendt tekst."]
    markdown = export_bytes(store, meeting.id, "md", now=APPROVED)[0].decode("utf-8")
    assert "Godkendt tekst." in markdown
    assert "Rettet efter godkendelsen." not in markdown
    assert markdown.rstrip().endswith(line)
    assert json.loads(db.execute("select entries from approved_referats").fetchone()[0])[0]["seq"] == 1


SCHEMA = Path(__file__).resolve().parents[1] / "fixtures" / "schema.sql"
REGENERATE = "REFERAT_REGENERATE_SCHEMA"


def schema_of(db_path: Path) -> str:
    """Every table, index, view and trigger of the database, in a stable order."""
    db = connect(db_path)
    try:
        rows = db.execute(
            "select type, name, sql from sqlite_master where sql is not null order by type, name"
        ).fetchall()
    finally:
        db.close()
    return "".join(f"-- {kind} {name}\n{sql.strip()};\n\n" for kind, name, sql in rows)


def test_the_schema_after_all_migrations_is_the_checked_in_one(tmp_path: Path) -> None:
    """A migration changes the schema on purpose only: the expectation is updated with it."""
    db = connect(tmp_path / "fresh.db")
    migrations.apply(db)
    db.close()
    actual = schema_of(tmp_path / "fresh.db")
    if os.environ.get(REGENERATE):
        SCHEMA.write_text(actual, encoding="utf-8")
    expected = SCHEMA.read_text(encoding="utf-8") if SCHEMA.exists() else ""
    assert actual == expected, (
        f"The schema after all migrations differs from {SCHEMA.relative_to(SCHEMA.parents[2])}. "
        f"If your migration meant it, regenerate the expectation and review its diff:\n"
        f"    {REGENERATE}=1 .venv/bin/pytest tests/unit/test_migrations.py -k schema && git diff tests/fixtures/schema.sql"
    )
