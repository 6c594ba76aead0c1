"""Migrations of the search indexes from m074 on: decisions and actions apart, dates, organisations.

They are registered on `storage.migrations.migrations` when that module imports this one, after
every migration it holds itself, so the order is the order of their numbers. Split off because
the migrations module had reached the size a module here may have.
"""

from __future__ import annotations

import re

from sqlite_utils import Database

from storage.migrations import FTS_TOKENIZE, migrations
from storage.search import ITEM_KEY_FACTOR


def _dated_of(date: str) -> str:
    """The tokens of a meeting date: its month and its year (`m202403 y2024`). The indexes of
    entries and items carry them in a column `dated`, so a question's period is matched inside
    the index (a year as one token, a few months as theirs)."""
    return f"'m' || substr({date}, 1, 4) || substr({date}, 6, 2) || ' y' || substr({date}, 1, 4)"


# The same, of meeting {m}.
_DATED = f"(select {_dated_of('x.date')} from meetings x where x.id = {{m}})"

# The kinds `outcome_fts` holds.
_OUTCOME_KINDS = "('decision', 'action')"

# In a trigger on a meeting's new date: its entries indexed again under it in `entries_fts`.
_REDATE_ENTRIES = (
    "insert into entries_fts (entries_fts, rowid, text, dated) "
    f"select 'delete', id, text, {_dated_of('old.date')} from entries where meeting_id = old.id; "
    f"insert into entries_fts (rowid, text, dated) select id, text, {_dated_of('new.date')} "
    "from entries where meeting_id = new.id; "
)


@migrations()
def m074_outcome_index(db: Database) -> None:
    """A full-text index of decisions and action items alone, beside the one of every entry.

    "Hvad blev besluttet om indbrud?" read every entry naming the word, newest first, to keep the
    few that are decisions: 2,237 entries for 8 decisions at 10,000 meetings, ten times that at
    100,000. Decisions and action items are a sixth of all entries; their own index
    (`outcome_fts`, over `entries` like `entries_fts`, so it holds no second copy of the text)
    yields only them, and its `kind` and `dated` columns (the meeting's month and year,
    `m202403 y2024`) keep one kind and one period apart from the rest inside the index. Deleted
    entries stay in it, as in `entries_fts`: every search tests that. m075 keeps the dates current
    when a meeting's date changes.
    """
    kinds = _OUTCOME_KINDS
    db.execute(
        "create virtual table outcome_fts using fts5(text, kind, dated, content = 'entries', "
        f"content_rowid = 'id', tokenize = '{FTS_TOKENIZE}')"
    )
    db.execute(
        "insert into outcome_fts (rowid, text, kind, dated) select e.id, e.text, e.kind, "
        f"{_dated_of('m.date')} from entries e join meetings m on m.id = e.meeting_id where e.kind in {kinds}"
    )
    add = (
        "insert into outcome_fts (rowid, text, kind, dated) select new.id, new.text, new.kind, "
        f"{_DATED.format(m='new.meeting_id')} where new.kind in {kinds};"
    )
    drop = (
        "insert into outcome_fts (outcome_fts, rowid, text, kind, dated) "
        f"select 'delete', old.id, old.text, old.kind, {_DATED.format(m='old.meeting_id')} where old.kind in {kinds};"
    )
    db.execute(f"create trigger entries_outcome_ai after insert on entries begin {add} end")
    db.execute(f"create trigger entries_outcome_ad after delete on entries begin {drop} end")
    db.execute(
        "create trigger entries_outcome_au after update of text, kind, meeting_id on entries "
        f"begin {drop} {add} end"
    )


@migrations()
def m075_entry_dates(db: Database) -> None:
    """The index of every entry carries its meeting's month and year, so a period is matched inside it.

    "Indbrud i 2023" read the entries naming the word newest first and kept those of 2023: at
    100,000 meetings a year is a fifteenth of them, so some 1,500 entries were read (and their
    meetings looked up) for a page of 101. `entries_fts` gets a second column, `dated`
    (`m202301 y2023`), not stored anywhere else (the index is over `entries`, which has no such
    column; nothing reads it back), and the question's months or years are matched with its
    words; the exact dates are still tested on the meeting. When a meeting's date changes, its
    entries are indexed again under the new date, in both indexes.
    """
    for trigger in ("entries_ai", "entries_ad", "entries_au"):
        db.execute(f"drop trigger if exists {trigger}")
    db.execute("drop table entries_fts")
    db.execute(
        "create virtual table entries_fts using fts5(text, dated, content = 'entries', content_rowid = 'id', "
        f"tokenize = '{FTS_TOKENIZE}')"
    )
    db.execute(
        "insert into entries_fts (rowid, text, dated) select e.id, e.text, "
        f"{_dated_of('m.date')} from entries e join meetings m on m.id = e.meeting_id"
    )
    add = f"insert into entries_fts (rowid, text, dated) values (new.id, new.text, {_DATED.format(m='new.meeting_id')});"
    drop = (
        "insert into entries_fts (entries_fts, rowid, text, dated) "
        f"values ('delete', old.id, old.text, {_DATED.format(m='old.meeting_id')});"
    )
    db.execute(f"create trigger entries_fts_ai after insert on entries begin {add} end")
    db.execute(f"create trigger entries_fts_ad after delete on entries begin {drop} end")
    db.execute(
        f"create trigger entries_fts_au after update of text, meeting_id on entries begin {drop} {add} end"
    )
    kinds = _OUTCOME_KINDS
    db.execute(
        "create trigger meetings_dated_au after update of date on meetings when old.date is not new.date begin "
        f"{_REDATE_ENTRIES}"
        "insert into outcome_fts (outcome_fts, rowid, text, kind, dated) "
        f"select 'delete', id, text, kind, {_dated_of('old.date')} from entries where meeting_id = old.id "
        f"and kind in {kinds}; "
        f"insert into outcome_fts (rowid, text, kind, dated) select id, text, kind, {_dated_of('new.date')} "
        f"from entries where meeting_id = new.id and kind in {kinds}; end"
    )


# `insert into item_context_fts (rowid, text) select KEY, t from …` in the triggers m002 to m005 made.
_CONTEXT_INSERT = re.compile(
    r"insert into item_context_fts \(rowid, text\) select (?P<m>[a-z_.]+) \* 1048576 \+ (?P<i>[a-z_.]+), t from"
)


@migrations()
def m076_item_dates(db: Database) -> None:
    """Each item's search document carries its meeting's month and year, so a period is matched inside it.

    "Hvilke opgaver blev aftalt om bilkriminaliteten sidste år?" went through the 3,457 items
    naming the word at 100,000 meetings, newest first, to keep the 44 action items of 2025.
    `item_context_fts` gets a `dated` column (`m202501 y2025`), filled by every statement that
    writes a document (the triggers, `item_context_source`); its vocabulary (`item_context_vocab`)
    now reads per column, so the dates are not offered as words. When a meeting's date changes,
    its documents are written again.
    """
    # The writers go first: renaming the new table checks every trigger naming the old one.
    triggers = db.execute(
        "select name, sql from sqlite_master where type = 'trigger' and sql like '%insert into item_context_fts%'"
    ).fetchall()
    for name, sql in triggers:
        assert _CONTEXT_INSERT.search(sql), name  # every writer of a document will give its date
        db.execute(f"drop trigger {name}")
    db.execute(f"create virtual table item_context_new using fts5(text, dated, tokenize = '{FTS_TOKENIZE}')")
    db.execute(
        "insert into item_context_new (rowid, text, dated) select c.rowid, c.text, "
        f"{_DATED.format(m=f'c.rowid / {ITEM_KEY_FACTOR}')} from item_context_fts c"
    )
    db.execute("drop table item_context_vocab")
    db.execute("drop table item_context_fts")
    db.execute("alter table item_context_new rename to item_context_fts")
    db.execute("create virtual table item_context_vocab using fts5vocab(item_context_fts, 'col')")
    for _name, sql in triggers:
        db.execute(
            _CONTEXT_INSERT.sub(
                lambda found: (
                    "insert into item_context_fts (rowid, text, dated) select "
                    f"{found['m']} * {ITEM_KEY_FACTOR} + {found['i']}, t, {_DATED.format(m=found['m'])} from"
                ),
                sql,
            )
        )
    view = db.execute(
        "select sql from sqlite_master where type = 'view' and name = 'item_context_source'"
    ).fetchone()[0]
    db.execute("drop view item_context_source")
    db.execute(
        "create view item_context_source as select s.meeting_id as meeting_id, s.key as key, s.text as text, "
        f"{_DATED.format(m='s.meeting_id')} as dated from ({view.split(' as ', 1)[1]}) s"
    )
    db.execute(
        "create trigger meetings_dated_items_au after update of date on meetings when old.date is not new.date begin "
        f"delete from item_context_fts where rowid >= old.id * {ITEM_KEY_FACTOR} "
        f"and rowid < (old.id + 1) * {ITEM_KEY_FACTOR}; "
        "insert into item_context_fts (rowid, text, dated) select key, text, dated from item_context_source "
        "where meeting_id = new.id and length(trim(text, ' ' || char(10))) > 0; end"
    )


@migrations()
def m077_participant_organisations(db: Database) -> None:
    """An index of participants by the organisation they sat for.

    `hvad orienterede kommunen om?` asks which organisations the readable meetings hold; without
    the index that read every participant row (half a second at 100,000 meetings) for every
    question for statements without a speaker. With it the organisations are walked one name at a
    time, and whether one sat in a readable meeting stops at its first such meeting.
    """
    db.execute(
        "create index if not exists idx_participants_organisation on participants (organisation, meeting_id)"
    )


@migrations()
def m078_outcome_columns(db: Database) -> None:
    """Decisions and action items each get a column of their own in `outcome_fts`.

    m074 kept the two kinds apart by a `kind` column holding the word `decision` or `action`, and
    "hvad blev besluttet om cykelområdet?" matched the topic AND `kind : decision`. At 100,000
    meetings the word `decision` stands in 300,000 rows, and stepping through them beside the
    topic's 1,664 took 1.5 to 3 ms a question, even when no decision named it. With the text in
    the column of its kind (`decision`, `action`), the kind is a column filter on the topic's own
    rows. The index holds no copy of the text (it is contentless: nothing reads it back).
    """
    for trigger in ("entries_outcome_ai", "entries_outcome_ad", "entries_outcome_au", "meetings_dated_au"):
        db.execute(f"drop trigger if exists {trigger}")
    db.execute("drop table if exists outcome_fts")
    db.execute(
        "create virtual table outcome_fts using fts5(decision, action, dated, content = '', "
        f"tokenize = '{FTS_TOKENIZE}')"
    )

    def columns(e: str, dated: str) -> str:
        return (
            f"case when {e}.kind = 'decision' then {e}.text end, "
            f"case when {e}.kind = 'action' then {e}.text end, {dated}"
        )

    kinds = _OUTCOME_KINDS
    db.execute(
        f"insert into outcome_fts (rowid, decision, action, dated) select e.id, {columns('e', _dated_of('m.date'))} "
        f"from entries e join meetings m on m.id = e.meeting_id where e.kind in {kinds}"
    )
    add = (
        f"insert into outcome_fts (rowid, decision, action, dated) select new.id, "
        f"{columns('new', _DATED.format(m='new.meeting_id'))} where new.kind in {kinds};"
    )
    drop = (
        "insert into outcome_fts (outcome_fts, rowid, decision, action, dated) select 'delete', old.id, "
        f"{columns('old', _DATED.format(m='old.meeting_id'))} where old.kind in {kinds};"
    )
    db.execute(f"create trigger entries_outcome_ai after insert on entries begin {add} end")
    db.execute(f"create trigger entries_outcome_ad after delete on entries begin {drop} end")
    db.execute(
        "create trigger entries_outcome_au after update of text, kind, meeting_id on entries "
        f"begin {drop} {add} end"
    )
    # A meeting's new date indexes its entries again, in both indexes (as m075 made it).
    db.execute(
        "create trigger meetings_dated_au after update of date on meetings when old.date is not new.date begin "
        f"{_REDATE_ENTRIES}"
        "insert into outcome_fts (outcome_fts, rowid, decision, action, dated) "
        f"select 'delete', e.id, {columns('e', _dated_of('old.date'))} from entries e "
        f"where e.meeting_id = old.id and e.kind in {kinds}; "
        f"insert into outcome_fts (rowid, decision, action, dated) select e.id, {columns('e', _dated_of('new.date'))} "
        f"from entries e where e.meeting_id = new.id and e.kind in {kinds}; end"
    )
