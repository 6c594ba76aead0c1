"""The database schema, as an append-only list of sqlite-utils migrations.

Never edit a migration that has shipped: add a new `m00N_...` function instead, so that every
existing referat.db upgrades the same way a fresh one is created.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from storage import chain
from storage.search import ITEM_KEY_FACTOR

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


# An agenda item's row in `item_context_fts`: meeting id and item number packed into one rowid.


# One search document per (meeting, agenda item): its key, and its text (title, sub-bullets,
# background, then every live entry of the item), as SQL templates over {m} and {i}.
_ITEM_KEY = f"{{m}} * {ITEM_KEY_FACTOR} + {{i}}"
_ITEM_CONTEXT = (
    "coalesce((select a.title"
    " || ' ' || coalesce((select group_concat(value, ' ') from json_each("
    "case when json_valid(a.bullets) then a.bullets else '[]' end)), '')"
    " || ' ' || coalesce((select group_concat(value, ' ') from json_each("
    "case when json_valid(a.background) then a.background else '[]' end)), '')"
    " from agenda_items a where a.meeting_id = {m} and a.number = {i}), '')"
    " || char(10) || coalesce((select group_concat(x.text, char(10)) from entries x"
    " where x.meeting_id = {m} and x.item_number = {i} and x.deleted_utc is null), '')"
)


@migrations()
def m002_search(db: Database) -> None:
    """What "Ask the archive" needs beyond the entry index of m001.

    A decision is often reached only through its agenda item ("Der var enighed om at fortsætte…"
    never names Trekanten; the item's sub-bullet and a sibling statement do). `item_context_fts`
    holds one document per (meeting, item): the item's title, sub-bullets and background plus the
    text of every live entry of that item, kept current by triggers. "Every topic term occurs
    somewhere in the item" is then one FTS5 AND query instead of a join over every entry naming a
    common word. Deleted entries leave their item's document, so its vocabulary
    (`item_context_vocab`, what question words are expanded against) never offers deleted text.
    `search_state.generation` changes whenever that vocabulary or the people may have changed, so a
    process can cache them and check one row per question; `archive` tells two database files
    apart that share a path and a generation.
    """
    key, context = _ITEM_KEY, _ITEM_CONTEXT

    def rebuild(m: str, i: str) -> str:
        """Statements replacing the document of item (m, i) by its current text."""
        k = key.format(m=m, i=i)
        return (
            f"delete from item_context_fts where rowid = {k}; "
            f"insert into item_context_fts (rowid, text) select {k}, t from "
            f"(select {context.format(m=m, i=i)} as t) where length(trim(t, ' ' || char(10))) > 0; "
        )

    db.execute("create virtual table item_context_fts using fts5(text, tokenize = '" + FTS_TOKENIZE + "')")
    db.execute(
        "insert into item_context_fts (rowid, text) select "
        + key.format(m="k.meeting_id", i="k.item_number")
        + ", "
        + context.format(m="k.meeting_id", i="k.item_number")
        + " from (select meeting_id, item_number from entries where deleted_utc is null "
        "union select meeting_id, number from agenda_items) k"
    )
    db.execute(
        f"create trigger entries_context_ai after insert on entries begin {rebuild('new.meeting_id', 'new.item_number')} end"
    )
    db.execute(
        f"create trigger entries_context_ad after delete on entries begin {rebuild('old.meeting_id', 'old.item_number')} end"
    )
    db.execute(
        "create trigger entries_context_au after update of text, deleted_utc, meeting_id, item_number on entries "
        f"begin {rebuild('old.meeting_id', 'old.item_number')} {rebuild('new.meeting_id', 'new.item_number')} end"
    )
    db.execute(
        f"create trigger agenda_items_context_ai after insert on agenda_items begin {rebuild('new.meeting_id', 'new.number')} end"
    )
    db.execute(
        f"create trigger agenda_items_context_ad after delete on agenda_items begin {rebuild('old.meeting_id', 'old.number')} end"
    )
    db.execute(
        "create trigger agenda_items_context_au after update on agenda_items "
        f"begin {rebuild('old.meeting_id', 'old.number')} {rebuild('new.meeting_id', 'new.number')} end"
    )
    db.execute("create virtual table item_context_vocab using fts5vocab(item_context_fts, 'row')")

    db.execute(
        "create table search_state (id integer primary key check (id = 1), archive text not null, "
        "generation integer not null)"
    )
    db.execute("insert into search_state (id, archive, generation) values (1, lower(hex(randomblob(8))), 0)")
    bump = "update search_state set generation = generation + 1 where id = 1;"
    for table, event in (
        ("entries", "insert"),
        ("entries", "update of text, deleted_utc"),
        ("entries", "delete"),
        ("agenda_items", "insert"),
        ("agenda_items", "update"),
        ("agenda_items", "delete"),
        ("participants", "insert"),
        ("participants", "update of name, title"),
        ("participants", "delete"),
    ):
        db.execute(
            f"create trigger {table}_generation_{event.split()[0]} after {event} on {table} begin {bump} end"
        )

    # Speaker filters look people up by name and entries by speaker. Reaching decisions through
    # their agenda item reads (meeting, item) → live entries of a kind: covered by one index, so
    # only the entries finally shown are read from the table.
    db.table("entries").create_index(["speaker_id"])
    db.table("entries").create_index(["meeting_id", "item_number", "deleted_utc", "kind"])
    db.table("entries").create_index(["kind", "deleted_utc"])
    db.table("participants").create_index(["name"])


@migrations()
def m003_approved_referats(db: Database) -> None:
    """The final referat of an approved meeting, stored once and never rewritten.

    Approvers approve one exact draft (its text and sha256 stay in `drafts`); the final text is
    that draft with the draft marker replaced by the approval line. Both hashes are kept, so what
    was approved, and what was published as final, can be shown again word for word. One row per
    meeting: the primary key also makes finalising idempotent when two last approvals race.
    """
    db.table("approved_referats").create(
        {
            "meeting_id": int,
            "draft_id": int,
            "draft_sha256": str,
            "text": str,
            "text_sha256": str,
            "approved_utc": str,
        },
        pk="meeting_id",
        not_null={"draft_id", "draft_sha256", "text", "text_sha256", "approved_utc"},
        foreign_keys=[("meeting_id", "meetings", "id"), ("draft_id", "drafts", "id")],
    )


@migrations()
def m004_bulk_item_context(db: Database) -> None:
    """Let an import rebuild each item's search document once instead of once per inserted row.

    Rebuilding an item's document on every entry insert made `referat import` three times slower.
    While `search_state.bulk` is 1 — set only inside an import's own write transaction, so no other
    connection ever sees it — the insert triggers skip the rebuild; the import then rebuilds its
    meeting's documents from `item_context_source` before it commits.
    """
    db.execute("alter table search_state add column bulk integer not null default 0")
    for name, table in (("entries_context_ai", "entries"), ("agenda_items_context_ai", "agenda_items")):
        sql = db.execute(
            "select sql from sqlite_master where type = 'trigger' and name = ?", [name]
        ).fetchone()[0]
        head = f"after insert on {table} begin"
        assert head in sql, name
        db.execute(f"drop trigger {name}")
        db.execute(
            sql.replace(head, f"after insert on {table} when (select bulk from search_state) = 0 begin")
        )
    # Agenda items, then items that only entries name; UNION ALL, so that a query for one meeting
    # is pushed into both arms and reads only that meeting's rows.
    # (`g`, not `a`: the context template names its own agenda_items subquery `a`.)
    g_key, g_text = (t.format(m="g.meeting_id", i="g.number") for t in (_ITEM_KEY, _ITEM_CONTEXT))
    e_key, e_text = (t.format(m="e.meeting_id", i="e.item_number") for t in (_ITEM_KEY, _ITEM_CONTEXT))
    db.execute(
        "create view item_context_source as "
        f"select g.meeting_id as meeting_id, {g_key} as key, {g_text} as text from agenda_items g "
        f"union all select e.meeting_id, {e_key}, {e_text} from "
        "(select distinct meeting_id, item_number from entries where deleted_utc is null) e "
        "where not exists (select 1 from agenda_items o where o.meeting_id = e.meeting_id "
        "and o.number = e.item_number)"
    )


@migrations()
def m005_deferred_item_context(db: Database) -> None:
    """A new statement marks its item's search document stale instead of rebuilding it.

    Rebuilding costs time in proportion to everything already said on the item, inside the write
    that must finish before `/referat ad` is acknowledged; under load it pushed the ack past Bolt's
    10 ms acknowledgement poll. Questions are rarer than statements: the store rebuilds the marked
    items before each question (`Store.flush_search_documents`). Edits and deletions, which are
    rare, still rebuild at once.
    """
    db.execute(
        "create table item_context_dirty (meeting_id integer not null, item_number integer not null, "
        "primary key (meeting_id, item_number)) without rowid"
    )
    db.execute("drop trigger entries_context_ai")
    db.execute(
        "create trigger entries_context_ai after insert on entries when (select bulk from search_state) = 0 "
        "begin insert or ignore into item_context_dirty (meeting_id, item_number) "
        "values (new.meeting_id, new.item_number); end"
    )


@migrations()
def m006_approved_snapshot(db: Database) -> None:
    """Keep, with each final referat, its approval line and the entries as the approved version had them.

    An export of an approved meeting renders Markdown and Word from these, instead of finding out
    which document rendered to the stored text. Rows finalised before this migration get the line
    from the end of their text and the entries from their draft's snapshot over the entry rows
    (the live entries when the snapshot is missing, empty or names an entry that is gone).
    """
    db.execute("alter table approved_referats add column approval_line text")
    db.execute("alter table approved_referats add column entries text not null default '[]'")
    finals = list(
        db.query(
            "select a.meeting_id, a.text, d.snapshot from approved_referats a join drafts d on d.id = a.draft_id"
        )
    )
    for final in finals:
        paragraphs = [p.strip() for p in final["text"].split("\n\n") if p.strip()]
        line = paragraphs[-1] if paragraphs and paragraphs[-1].startswith("Godkendt ") else None
        rows = {
            r["id"]: r for r in db.query("select * from entries where meeting_id = ?", [final["meeting_id"]])
        }
        snapshot = json.loads(final["snapshot"]) if final["snapshot"] else None
        entries: list[dict[str, Any]] | None = None
        if (
            isinstance(snapshot, list)
            and snapshot
            and all(isinstance(e, dict) and e.get("id") in rows for e in snapshot)
        ):
            entries = [
                {
                    **rows[e["id"]],
                    "text": e.get("text", rows[e["id"]]["text"]),
                    "item_number": e.get("item", rows[e["id"]]["item_number"]),
                    "kind": e.get("kind", rows[e["id"]]["kind"]),
                    "deleted_utc": None,
                }
                for e in snapshot
            ]
        if entries is None:
            entries = sorted((r for r in rows.values() if r["deleted_utc"] is None), key=lambda r: r["seq"])
        db.execute(
            "update approved_referats set approval_line = ?, entries = ? where meeting_id = ?",
            [line, json.dumps(entries, ensure_ascii=False), final["meeting_id"]],
        )


@migrations()
def m010_entry_speakers(db: Database) -> None:
    """Every speaker of a statement, not only the first.

    `Claus Hilborg og Frederik Sundtoft orienterede …` is said by both, and `status`, the draft and
    the archive must know it. `entries.speakers` is a JSON array of participant ids in the order
    the text names them; `entries.speaker_id` stays the first of them (searches read it). NULL
    means the entry has at most the one `speaker_id`.
    """
    db.execute("alter table entries add column speakers text")
    db.execute("update entries set speakers = json_array(speaker_id) where speaker_id is not null")


@migrations()
def m011_entry_mentions(db: Database) -> None:
    """The names of Slack users an entry mentions who are not on the participant list.

    A document never shows `<@U…>`: a mention reads as the person. Participants carry their own
    name; for anyone else the name Slack gave when the text was logged is kept with the entry
    (`entries.mentions`, a JSON object user id → name), so rendering stays pure and the archive
    shows the same name years later. NULL when the entry mentions nobody else.
    """
    db.execute("alter table entries add column mentions text")


@migrations()
def m012_comment_handled(db: Database) -> None:
    """When the minute-taker marked a comment on a draft as handled (`/referat behandlet <nr>`).

    A comment stays open until then, and each new version's change list names the open ones, so a
    remark in the thread is not forgotten because a new version was posted.
    """
    db.execute("alter table comments add column handled_utc text")
    db.execute("alter table comments add column handled_by text")


@migrations()
def m020_access(db: Database) -> None:
    """Who may read what: the workspace a meeting belongs to, closed agenda items, frozen approvers.

    `team_id`/`enterprise_id` say which Slack workspace (and Enterprise Grid organisation) a
    meeting came from; existing rows stay NULL until the bot learns its installation's team at
    start-up and adopts them (`Store.adopt_meetings`). `agenda_items.closed` marks an item treated
    behind closed doors; `entries.public` marks a decision on a closed item that the public extract
    may show. `drafts.approvers` freezes the approver set of each posted version.
    """
    db.table("meetings").add_column("team_id", str)
    db.table("meetings").add_column("enterprise_id", str)
    db.table("agenda_items").add_column("closed", int, not_null_default=0)
    db.table("entries").add_column("public", int, not_null_default=0)
    db.table("drafts").add_column("approvers", str)


@migrations()
def m021_meetings_by_team(db: Database) -> None:
    """Finding meetings not yet given to a workspace is an index lookup, done before each question."""
    db.table("meetings").create_index(["team_id"])


@migrations()
def m022_public_extract(db: Database) -> None:
    """Each posted version's public extract, when the meeting has closed items.

    The channel sees the extract (closed items as «Punktet blev behandlet for lukkede døre.»); the
    approvers approve the full protocol in `text`. Both are kept word for word, so the top message,
    the final referat and Hent som fil show the version as it was posted.
    """
    db.table("drafts").add_column("public_text", str)


@migrations()
def m030_final_posted(db: Database) -> None:
    """When the final referat was posted in Slack; NULL while that is still to do.

    The approval that completes the set locks the meeting before any Slack call; posting the final
    text can then fail, and a later click or reply finishes it. Referater approved before this
    column existed were posted at approval.
    """
    db.table("approved_referats").add_column("posted_utc", str)
    db.execute("update approved_referats set posted_utc = approved_utc")


# A meeting's search document: its head (title and place) and its people (every
# participant's name, title and initials), as SQL over {m}.
_MEETING_HEAD = (
    "(select coalesce(m.title, '') || ' ' || coalesce(m.place, '') from meetings m where m.id = {m})"
)
_MEETING_PEOPLE = (
    "coalesce((select group_concat(p.name || ' ' || coalesce(p.title, '') || ' ' || coalesce(p.initials, ''), "
    "' ') from participants p where p.meeting_id = {m}), '')"
)


@migrations()
def m040_meeting_search(db: Database) -> None:
    """Meeting titles, places and people become searchable.

    A person asks for a meeting by what it is called and where it was held (`Lemvig`,
    `kredsrådsmødet`), and for people by name, title or initials; none of that is in the agenda
    items' documents. `meeting_fts` holds one row per meeting (rowid = meeting id) with two columns,
    `head` (title and place) and `people`, so a term can be asked of the meeting's name
    alone (`head : …`) or of everything about it. Triggers keep it current; its vocabulary
    (`meeting_vocab`) joins the items' vocabulary for expanding question words, so the
    `search_state` generation now also moves when a meeting's title or place changes.
    """
    db.execute("create virtual table meeting_fts using fts5(head, people, tokenize = '" + FTS_TOKENIZE + "')")
    db.execute("create virtual table meeting_vocab using fts5vocab(meeting_fts, 'row')")

    def rebuild(m: str) -> str:
        head, people = _MEETING_HEAD.format(m=m), _MEETING_PEOPLE.format(m=m)
        return (
            f"delete from meeting_fts where rowid = {m}; "
            f"insert into meeting_fts (rowid, head, people) select {m}, {head}, {people} "
            f"where exists (select 1 from meetings where id = {m}); "
        )

    db.execute(
        "insert into meeting_fts (rowid, head, people) select x.id, "
        + _MEETING_HEAD.format(m="x.id")
        + ", "
        + _MEETING_PEOPLE.format(m="x.id")
        + " from meetings x"
    )
    bump = "update search_state set generation = generation + 1 where id = 1;"
    db.execute(
        f"create trigger meetings_search_ai after insert on meetings begin {rebuild('new.id')} {bump} end"
    )
    db.execute(
        "create trigger meetings_search_au after update of title, place on meetings "
        f"begin {rebuild('old.id')} {rebuild('new.id')} {bump} end"
    )
    db.execute(f"create trigger meetings_search_ad after delete on meetings begin {rebuild('old.id')} end")
    db.execute(
        f"create trigger participants_search_ai after insert on participants begin {rebuild('new.meeting_id')} end"
    )
    db.execute(
        "create trigger participants_search_au after update of name, title, initials, meeting_id on participants "
        f"begin {rebuild('old.meeting_id')} {rebuild('new.meeting_id')} end"
    )
    db.execute(
        f"create trigger participants_search_ad after delete on participants begin {rebuild('old.meeting_id')} end"
    )


@migrations()
def m041_live_entries_by_kind(db: Database) -> None:
    """Listing every live entry of a kind (`hvilke opgaver er åbne?`) reads only an index, and a
    person's actions are found by owner.

    The answer needs each action's meeting, item, order and deadline to page and count them; with
    those in the index, the rows themselves (long texts) are read only for the page shown, which
    halves the time at 10,000 meetings. Before the owner index, "what must X do" read every entry
    of every meeting X attended to compare owners.
    """
    db.table("entries").create_index(["kind", "deleted_utc", "meeting_id", "item_number", "seq", "due"])
    db.table("entries").create_index(["owner", "meeting_id"])


@migrations()
def m050_action_followup(db: Database) -> None:
    """Action items logged in Slack get a number of their own and a follow-up state.

    `/referat udført 7` must name one action wherever it is typed (a channel, a DM with the bot, a
    reminder's instructions), so the number is global, not per meeting like an entry's `seq`. Being
    done is follow-up, not part of what was said: it lives here, so an approved referat (and any
    draft compiled later) reads exactly as before. Imported actions stay unnumbered: nobody follows
    them up in Slack. Existing actions of meetings logged in Slack are numbered in logged order.
    """
    db.table("actions").create(
        {
            "number": int,
            "entry_id": int,
            "done_utc": str,
            "done_by": str,  # Slack user id of who marked it done
            "done_note": str,
        },
        pk="number",
        not_null={"entry_id"},
        foreign_keys=[("entry_id", "entries", "id")],
    )
    db.table("actions").create_index(["entry_id"], unique=True)
    db.execute(
        "insert into actions (entry_id) select e.id from entries e join meetings m on m.id = e.meeting_id "
        "where e.kind = 'action' and m.status != 'imported' order by e.id"
    )


@migrations()
def m051_reminders(db: Database) -> None:
    """The reminders scheduled in Slack for each action (chat.scheduleMessage ids).

    Kept so they can be withdrawn when the action is done, edited or deleted, and compared with
    Slack's own list at start-up. One row per (action, kind): a changed deadline replaces it.
    """
    db.table("reminders").create(
        {
            "id": int,
            "action_number": int,
            "kind": str,  # "before" (REFERAT_REMINDER_DAYS ahead) or "morning" (the deadline's day)
            "post_at_utc": str,
            "user_id": str,  # the owner it was scheduled for
            "channel_id": str,  # the owner's direct message with the bot
            "text": str,  # as scheduled: an edited action needs a new reminder
            "scheduled_message_id": str,
            "created_utc": str,
        },
        pk="id",
        not_null={
            "action_number",
            "kind",
            "post_at_utc",
            "channel_id",
            "scheduled_message_id",
            "created_utc",
        },
        foreign_keys=[("action_number", "actions", "number")],
    )
    db.table("reminders").create_index(["action_number", "kind"], unique=True)
    db.table("reminders").create_index(["scheduled_message_id"], unique=True)


@migrations()
def m052_entry_sources(db: Database) -> None:
    """The Slack message an entry was made from ("Tilføj til referat"), so it can be found again."""
    db.table("entry_sources").create(
        {"entry_id": int, "channel_id": str, "message_ts": str, "permalink": str},
        pk="entry_id",
        not_null={"channel_id", "message_ts"},
        foreign_keys=[("entry_id", "entries", "id")],
    )


@migrations()
def m060_chain(db: Database) -> None:
    """The hash chain over approved texts (storage.chain): tamper evidence for the archive.

    One row per link, in order of approval (`id`): the text's SHA-256, the hash of the meeting's
    previous link and of the archive's previous link, and the link's own hash. Referater approved
    before this migration are chained now, in the order they were approved.
    """
    db.table("chain").create(
        {
            "id": int,
            "meeting_id": int,
            "kind": str,
            "source_id": int,
            "text_sha256": str,
            "previous_meeting": str,
            "previous_archive": str,
            "link_sha256": str,
            "linked_utc": str,
        },
        pk="id",
        not_null={
            "meeting_id",
            "kind",
            "source_id",
            "text_sha256",
            "previous_meeting",
            "previous_archive",
            "link_sha256",
            "linked_utc",
        },
        foreign_keys=[("meeting_id", "meetings", "id")],
    )
    db.table("chain").create_index(["kind", "source_id"], unique=True)
    links: list[chain.Link] = []
    for row in db.query(
        "select meeting_id, text_sha256, approved_utc from approved_referats order by approved_utc, meeting_id"
    ):
        # The hash stored at approval, not one of today's text: a text changed before now must not pass.
        digest = row["text_sha256"]
        previous_meeting, previous_archive, link = chain.next_link(
            links,
            meeting_id=row["meeting_id"],
            kind=chain.KIND_REFERAT,
            source_id=row["meeting_id"],
            text_sha256=digest,
        )
        db.execute(
            "insert into chain (meeting_id, kind, source_id, text_sha256, previous_meeting, previous_archive, "
            "link_sha256, linked_utc) values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                row["meeting_id"],
                chain.KIND_REFERAT,
                row["meeting_id"],
                digest,
                previous_meeting,
                previous_archive,
                link,
                row["approved_utc"],
            ],
        )
        links.append(
            chain.Link(
                0,
                row["meeting_id"],
                chain.KIND_REFERAT,
                row["meeting_id"],
                digest,
                previous_meeting,
                previous_archive,
                link,
            )
        )


@migrations()
def m061_reservations(db: Database) -> None:
    """An approval may carry a reservation (`godkendt med forbehold: …`), printed in the approval line."""
    db.execute("alter table approvals add column reservation text")


@migrations()
def m062_additions(db: Database) -> None:
    """Additions to an approved referat (`/referat tilføjelse`): the approved text itself never changes.

    An addition is approved by the same approvers; once approved (`approved_utc`, with the paragraph
    the referat prints in `approval_line`) it is chained like the approved text (storage.chain).
    """
    db.table("additions").create(
        {
            "id": int,
            "meeting_id": int,
            "text": str,
            "text_sha256": str,
            "author_user_id": str,
            "created_utc": str,
            "approved_utc": str,
            "approval_line": str,
        },
        pk="id",
        not_null={"meeting_id", "text", "text_sha256", "created_utc"},
        foreign_keys=[("meeting_id", "meetings", "id")],
    )
    db.table("additions").create_index(["meeting_id"])
    db.table("addition_approvals").create(
        {"addition_id": int, "user_id": str, "approved_utc": str},
        pk=("addition_id", "user_id"),
        not_null={"approved_utc"},
        foreign_keys=[("addition_id", "additions", "id")],
    )


@migrations()
def m063_addition_search(db: Database) -> None:
    """Approved additions become searchable: "Ask the archive" answers from them too.

    `addition_fts` holds the text of every approved addition (rowid = the addition's id); a pending
    one is never in it, so its words cannot be found before the approvers have approved them.
    Approval (setting `approved_utc`) puts an addition in, through a trigger; its vocabulary
    (`addition_vocab`) joins the words questions are expanded against, so the `search_state`
    generation moves too.
    """
    db.execute("create virtual table addition_fts using fts5(text, tokenize = '" + FTS_TOKENIZE + "')")
    db.execute("create virtual table addition_vocab using fts5vocab(addition_fts, 'row')")
    db.execute(
        "insert into addition_fts (rowid, text) select id, text from additions where approved_utc is not null"
    )
    bump = "update search_state set generation = generation + 1 where id = 1;"
    db.execute(
        "create trigger additions_search_ai after insert on additions when new.approved_utc is not null begin "
        f"insert into addition_fts (rowid, text) values (new.id, new.text); {bump} end"
    )
    db.execute(
        "create trigger additions_search_au after update of text, approved_utc on additions begin "
        "delete from addition_fts where rowid = old.id; "
        "insert into addition_fts (rowid, text) select new.id, new.text where new.approved_utc is not null; "
        f"{bump} end"
    )
    db.execute(
        "create trigger additions_search_ad after delete on additions begin "
        f"delete from addition_fts where rowid = old.id; {bump} end"
    )


# `Ida Holm (IH)`: initials in parentheses, as bot.text.people.split_initials reads them.
_INITIALS_IN_NAME = re.compile(r"^(?P<name>.*?\S)\s*\(\s*(?P<ini>[A-ZÆØÅ]{2,4})\s*\)$")


@migrations()
def m100_initials_out_of_names(db: Database) -> None:
    """Initials typed after a name (`deltager Ida Holm (IH) | Formand`) were kept as part of the name.

    They are a field of their own: the name the referat, the status and the approval line show is
    `Ida Holm`, and the participant list adds `(IH)`. A name that was nothing but the initials (typed
    after a Slack mention) is left as it is, because the person's real name is not in the database:
    adding the person again with `deltager @bruger` corrects it.
    """
    rows = list(db.query("select id, name, initials from participants where name like '%(%)'"))
    for row in rows:
        m = _INITIALS_IN_NAME.match(row["name"].strip())
        if m is None or row["initials"] not in (None, "", m["ini"]):
            continue
        db.execute(
            "update participants set name = ?, initials = ? where id = ?", [m["name"], m["ini"], row["id"]]
        )


@migrations()
def m110_entry_votes(db: Database) -> None:
    """Votes, arrivals and departures (`afstemning`, `ankommet`, `gået`) are entries of their own kinds.

    An arrival or a departure is an entry about a person (its `speaker_id`) on an item, like an
    inhabilitet; a vote is an entry whose text is the proposal, and `vote` (JSON: the counts for,
    against and abstaining, the participant ids of named voters, an outcome as stated) says how it
    went. Being entries, they have a number in status, are undone and deleted like any other, and
    are in the snapshot of the version approvers approve.
    """
    db.execute("alter table entries add column vote text")


@migrations()
def m095_sealed_chain(db: Database) -> None:
    """The organisation's seal on the hash chain (storage.seal, storage.covered).

    A link made from now on stores the digest of everything a reader sees of its text
    (`covered_sha256`, inside the link's hash) and, when a seal is configured, the seal's signature
    of the link's hash with the fingerprint of the certificate it was made with. Links made before
    stay as they were: they verify by hash as before and are reported as made before the seal.
    """
    db.execute("alter table chain add column covered_sha256 text")
    db.execute("alter table chain add column signature text")
    db.execute("alter table chain add column certificate_sha256 text")


@migrations()
def m120_purges(db: Database) -> None:
    """The record of each `referat purge`: which workspace's meetings were deleted, when, by whom.

    The deleted meetings' chain links stay (storage.purge); this is how `referat verify` knows that
    their texts are gone by the operator's decision, not by tampering.
    """
    db.table("purges").create(
        {
            "id": int,
            "team_id": str,
            "meeting_ids": str,
            "approved": int,
            "rows": int,
            "purged_by": str,
            "purged_utc": str,
        },
        pk="id",
        not_null={"team_id", "meeting_ids", "approved", "rows", "purged_by", "purged_utc"},
    )


@migrations()
def m070_archive_channels(db: Database) -> None:
    """The archive's conversations, kept by triggers: who may read what is decided per channel.

    `archive_channels` holds one row per (workspace, conversation) that has meetings, with how many
    ('' where a meeting has no workspace or no channel: an import). A question reads these few rows
    instead of every meeting, and a new meeting, an import or a move of meetings to the
    installation's workspace keeps them current in the same transaction. The partial index finds
    the closed agenda items without reading the open ones.
    """
    db.execute(
        "create table archive_channels (team_key text not null, channel_key text not null, "
        "meetings integer not null, primary key (team_key, channel_key)) without rowid"
    )
    db.execute(
        "insert into archive_channels (team_key, channel_key, meetings) select coalesce(team_id, ''), "
        "coalesce(channel_id, ''), count(*) from meetings group by 1, 2"
    )
    add = (
        "insert into archive_channels (team_key, channel_key, meetings) "
        "values (coalesce(new.team_id, ''), coalesce(new.channel_id, ''), 1) "
        "on conflict (team_key, channel_key) do update set meetings = meetings + 1;"
    )
    remove = (
        "update archive_channels set meetings = meetings - 1 "
        "where team_key = coalesce(old.team_id, '') and channel_key = coalesce(old.channel_id, ''); "
        "delete from archive_channels where meetings <= 0;"
    )
    db.execute(f"create trigger meetings_channels_ai after insert on meetings begin {add} end")
    db.execute(f"create trigger meetings_channels_ad after delete on meetings begin {remove} end")
    db.execute(
        "create trigger meetings_channels_au after update of team_id, channel_id on meetings "
        "when coalesce(old.team_id, '') != coalesce(new.team_id, '') "
        f"or coalesce(old.channel_id, '') != coalesce(new.channel_id, '') begin {remove} {add} end"
    )
    db.execute("create index agenda_items_closed on agenda_items (meeting_id, number) where closed = 1")


@migrations()
def m071_vocabulary_snapshot(db: Database) -> None:
    """The archive's vocabulary and people as last read, so a new process need not read them again.

    Reading every term of the FTS indexes (fts5vocab) and every participant takes seconds at
    10,000 meetings; a process that starts reads this one row instead. `generation` is the
    `search_state` generation it was read at: a snapshot behind it is still good for expanding
    question words (a word new since then is searched as written) while a fresh one is read.
    `load_seconds` says how long reading it took, so a small archive is simply read again.
    """
    db.execute(
        "create table vocabulary_snapshot (id integer primary key check (id = 1), archive text not null, "
        "generation integer not null, terms text not null, docs text not null, people text not null, "
        "initials text not null, load_seconds real not null)"
    )


@migrations()
def m121_canvases(db: Database) -> None:
    """The live referat's canvas per channel (storage.canvases): which canvas, which meeting, which sections."""
    db.execute(
        "create table canvases (channel_id text not null, team text not null, canvas_id text not null, "
        "meeting_id integer not null, sections text not null, primary key (channel_id, team))"
    )


@migrations()
def m072_packed_vocabulary(db: Database) -> None:
    """The vocabulary snapshot in the layout questions use (bot/archive/vocabulary.py), not as pairs.

    A process took some 90 MB and a fifth of a second per 180,000 terms turning the pairs into
    lists and dicts; the packed layout (joined terms and keys, their starts and document counts) is
    read as it is. The old row is dropped: the next question reads the indexes again and keeps it.
    """
    db.execute("drop table vocabulary_snapshot")
    db.execute(
        "create table vocabulary_snapshot (id integer primary key check (id = 1), archive text not null, "
        "generation integer not null, terms text not null, keys text not null, term_starts blob not null, "
        "key_starts blob not null, docs blob not null, people text not null, initials text not null, "
        "load_seconds real not null)"
    )


@migrations()
def m073_vocabulary_suffixes(db: Database) -> None:
    """The vocabulary snapshot also keeps its terms in the order of their keys read backwards.

    A question word finds the compounds it ends (`vold` → `partnervold`) by binary search in that
    order, instead of a scan of every term (12 ms per new word at 100,000 meetings). The old row is
    dropped: the next question reads the indexes again and keeps the new layout.
    """
    db.execute("delete from vocabulary_snapshot")
    db.execute("alter table vocabulary_snapshot add column suffix_order blob not null default x''")


# The indexes questions read by month and kind (m074 on) live in a module of their own; importing it
# registers them, after every migration above.
from storage import search_migrations  # noqa: E402, F401


@migrations()
def m079_membership_changes(db: Database) -> None:
    """Slack's membership events as they arrive, so every process serving the file hears of each.

    Slack sends `member_joined_channel` and `member_left_channel` to one process; the others kept
    what Slack had told them about people and channels for up to a minute. Each process now reads
    the changes after the last one it applied before it decides who may read what
    (storage/membership.py). Changes are kept an hour at most.
    """
    db.execute(
        "create table membership_changes (seq integer primary key autoincrement, workspace text not null, "
        "channel_id text not null, user_id text not null, at_utc text not null)"
    )


# Later migrations live in a module of their own; importing it registers them after all of the above.
from storage import later_migrations  # noqa: E402, F401
