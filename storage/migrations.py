"""The database schema, as an append-only list of sqlite-utils migrations.

Never edit a migration that has shipped: add a new `m00N_...` function instead, so that every
existing referat.db upgrades the same way a fresh one is created.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("referat")

# unicode61 folds case for æøå; remove_diacritics 2 folds å→a and é→e (never æ or ø).
FTS_TOKENIZE = "unicode61 remove_diacritics 2"


@migrations()
def m001_initial(db: Database) -> None:
    db.table("meetings").create(
        {
            "id": int,
            "title": str,
            "date": str,  # ISO date
            "place": str,
            "time_of_day": str,
            "status": str,
            "channel_id": str,
            "starter_user_id": str,
            "opening": str,
            "source_name": str,
            "content_hash": str,
            "created_utc": str,
            "approved_utc": str,
        },
        pk="id",
        not_null={"title", "date", "status", "created_utc"},
    )
    db.table("meetings").create_index(["channel_id", "status"])
    db.table("meetings").create_index(["content_hash"], unique=True)
    db.table("meetings").create_index(["date"])

    db.table("participants").create(
        {
            "id": int,
            "meeting_id": int,
            "name": str,
            "title": str,
            "organisation": str,
            "absent": int,
            "slack_user_id": str,
            "role": str,
            "initials": str,
            "position": int,
        },
        pk="id",
        not_null={"meeting_id", "name", "absent", "position"},
        foreign_keys=[("meeting_id", "meetings", "id")],
    )
    db.table("participants").create_index(["meeting_id"])

    db.table("agenda_items").create(
        {
            "id": int,
            "meeting_id": int,
            "number": int,
            "title": str,
            "bullets": str,  # JSON list of strings
            "background": str,  # JSON list of paragraphs
        },
        pk="id",
        not_null={"meeting_id", "number", "title"},
        foreign_keys=[("meeting_id", "meetings", "id")],
    )
    db.table("agenda_items").create_index(["meeting_id", "number"], unique=True)

    db.table("entries").create(
        {
            "id": int,
            "meeting_id": int,
            "seq": int,
            "item_number": int,
            "kind": str,
            "text": str,
            "author_user_id": str,
            "speaker_id": int,
            "owner": str,
            "owner_user_id": str,
            "due": str,
            "attributed": int,
            "created_utc": str,
            "edited_utc": str,
            "deleted_utc": str,
        },
        pk="id",
        not_null={"meeting_id", "seq", "item_number", "kind", "text", "attributed"},
        foreign_keys=[("meeting_id", "meetings", "id"), ("speaker_id", "participants", "id")],
    )
    db.table("entries").create_index(["meeting_id", "seq"], unique=True)
    db.table("entries").create_index(["meeting_id", "author_user_id"])
    db.table("entries").enable_fts(["text"], tokenize=FTS_TOKENIZE, create_triggers=True)

    db.table("audit").create(
        {
            "id": int,
            "meeting_id": int,
            "entry_id": int,
            "user_id": str,
            "action": str,
            "before": str,
            "after": str,
            "at_utc": str,
        },
        pk="id",
        not_null={"meeting_id", "action", "at_utc"},
        foreign_keys=[("meeting_id", "meetings", "id")],
    )
    db.table("audit").create_index(["meeting_id"])

    db.table("drafts").create(
        {
            "id": int,
            "meeting_id": int,
            "version": int,
            "text": str,
            "text_sha256": str,
            "snapshot": str,  # JSON: the entries as they stood, for the next version's change list
            "created_utc": str,
            "channel_id": str,
            "message_ts": str,
            "thread_ts": str,
        },
        pk="id",
        not_null={"meeting_id", "version", "text", "text_sha256", "created_utc"},
        foreign_keys=[("meeting_id", "meetings", "id")],
    )
    db.table("drafts").create_index(["meeting_id", "version"], unique=True)
    db.table("drafts").create_index(["channel_id", "thread_ts"])

    db.table("approvers").create(
        {"meeting_id": int, "user_id": str},
        pk=("meeting_id", "user_id"),
        foreign_keys=[("meeting_id", "meetings", "id")],
    )
    db.table("approvals").create(
        {"draft_id": int, "user_id": str, "approved_utc": str},
        pk=("draft_id", "user_id"),
        not_null={"approved_utc"},
        foreign_keys=[("draft_id", "drafts", "id")],
    )
    db.table("comments").create(
        {
            "id": int,
            "meeting_id": int,
            "draft_version": int,
            "user_id": str,
            "text": str,
            "ts": str,
            "created_utc": str,
        },
        pk="id",
        not_null={"meeting_id", "draft_version", "user_id", "text", "created_utc"},
        foreign_keys=[("meeting_id", "meetings", "id")],
    )
    db.table("comments").create_index(["meeting_id"])

    # Idempotency: Slack redelivers events and may send one post as two events.
    db.table("processed_events").create({"key": str, "at_utc": str}, pk="key", not_null={"at_utc"})


@migrations()
def m002_search(db: Database) -> None:
    """What "Ask the archive" needs beyond the entry index of m001.

    A decision is often reached only through its agenda item ("Der var enighed om at fortsætte…"
    never names Trekanten; the item's sub-bullet does), so agenda items get their own index over
    title, sub-bullets and background. The fts5vocab tables expose both indexes' terms, which the
    question side expands user words against (inflections, compounds, æ/ø/å spellings, typos).
    `search_state.generation` changes whenever that vocabulary or the people may have changed, so
    a process can cache them and check one integer per question.
    """
    db.execute("create virtual table agenda_items_fts using fts5(text, tokenize = '" + FTS_TOKENIZE + "')")
    item_text = (
        "{p}.title"
        " || ' ' || coalesce((select group_concat(value, ' ') from json_each("
        "case when json_valid({p}.bullets) then {p}.bullets else '[]' end)), '')"
        " || ' ' || coalesce((select group_concat(value, ' ') from json_each("
        "case when json_valid({p}.background) then {p}.background else '[]' end)), '')"
    )
    db.execute(
        "insert into agenda_items_fts (rowid, text) select a.id, "
        + item_text.format(p="a")
        + " from agenda_items a"
    )
    db.execute(
        "create trigger agenda_items_search_ai after insert on agenda_items begin "
        "insert into agenda_items_fts (rowid, text) values (new.id, " + item_text.format(p="new") + "); "
        "end"
    )
    db.execute(
        "create trigger agenda_items_search_ad after delete on agenda_items begin "
        "delete from agenda_items_fts where rowid = old.id; "
        "end"
    )
    db.execute(
        "create trigger agenda_items_search_au after update on agenda_items begin "
        "delete from agenda_items_fts where rowid = old.id; "
        "insert into agenda_items_fts (rowid, text) values (new.id, " + item_text.format(p="new") + "); "
        "end"
    )
    db.execute("create virtual table entries_vocab using fts5vocab(entries_fts, 'row')")
    db.execute("create virtual table agenda_items_vocab using fts5vocab(agenda_items_fts, 'row')")

    db.execute(
        "create table search_state (id integer primary key check (id = 1), generation integer not null)"
    )
    db.execute("insert into search_state (id, generation) values (1, 0)")
    bump = "update search_state set generation = generation + 1 where id = 1;"
    for table, event in (
        ("entries", "insert"),
        ("entries", "update of text"),
        ("entries", "delete"),
        ("agenda_items", "insert"),
        ("agenda_items", "update"),
        ("agenda_items", "delete"),
        ("participants", "insert"),
        ("participants", "update of name, title"),
        ("participants", "delete"),
    ):
        name = f"{table}_generation_{event.split()[0]}"
        db.execute(f"create trigger {name} after {event} on {table} begin {bump} end")

    # Speaker filters look people up by name and entries by speaker; item context joins on
    # (meeting, item).
    db.table("entries").create_index(["speaker_id"])
    db.table("entries").create_index(["meeting_id", "item_number"])
    db.table("participants").create_index(["name"])
