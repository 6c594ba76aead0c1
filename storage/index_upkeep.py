"""The search indexes merged into one piece after a large import, a bounded step at a time.

FTS5 writes the terms of each transaction (and of every megabyte within one) as a b-tree of their
own, a segment, and merges segments only four at a time as they pile up. An archive imported
document by document therefore carries 10 to 20 segments per index, and a question looks up each
of its words in every one of them. Merged into one, the same 200 questions over 10,000 imported
meetings took 13-17 % less time in-process (3-7 % at 100,000), with the same answers.

Merging is FTS5's own 'merge' command with a negative budget: the work of 'optimize', done in steps
of about STEP_PAGES pages, each committed on its own. A statement logged meanwhile by a running
service waits for one step (about 0.1 s), never for the whole (about 10 s at 100,000 meetings).

Merging rewrites a whole index, so it pays only after an import that added a good part of the
archive (`worth_merging`); a few documents into a large archive would cost far more than they save.
The small segments that live meetings add afterwards cost little: after 1,000 statements over ten
new meetings, questions were still 8-10 % faster than before the merge.
"""

from __future__ import annotations

import sqlite3

# Every FTS5 index a question reads (the fts5vocab tables are views of these, not indexes).
SEARCH_INDEXES = ("entries_fts", "item_context_fts", "meeting_fts", "outcome_fts", "addition_fts")

# Pages written per step: about 4 MB, some 0.1 s at 100,000 meetings on the benchmark machine.
STEP_PAGES = 1000

# Merge when the import added at least this share of the archive's meetings.
WORTH_SHARE = 0.1


def worth_merging(added: int, meetings: int) -> bool:
    """Whether an import that added `added` of `meetings` meetings should merge the indexes."""
    return added > 0 and added >= WORTH_SHARE * meetings


def segments(conn: sqlite3.Connection, index: str) -> int:
    """How many segments `index` has (0 when it holds nothing)."""
    return int(conn.execute(f"select count(distinct segid) from '{index}_idx'").fetchone()[0])


def merge_step(conn: sqlite3.Connection, index: str, pages: int = STEP_PAGES) -> bool:
    """One step of merging `index` towards a single segment; False when there was nothing left to do.

    FTS5 says the merge is complete when the command changes fewer than two rows.
    """
    before = conn.total_changes
    conn.execute(f"insert into {index}({index}, rank) values ('merge', ?)", [-pages])
    return conn.total_changes - before >= 2
