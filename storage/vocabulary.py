"""What questions are understood against: the archive's words and people, and their snapshot.

Every term of the FTS indexes with how many documents hold it, and every participant's name,
title and initials; reading them takes seconds on a large archive, so the last reading is kept in
one row (`vocabulary_snapshot`, m071, laid out for questions since m072, with suffixes since m073) for the next process.
`change_marker` says whether a reading is still current. Only the standard library here; the `Database` type is imported for type checking.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database


def change_marker(db: Database) -> tuple[str, int]:
    """(archive id, generation): changes whenever the searchable vocabulary or the people may have."""
    row = db.execute("select archive, generation from search_state where id = 1").fetchone()
    return (str(row[0]), int(row[1])) if row else ("", 0)


def vocabulary_columns(db: Database) -> tuple[list[str], list[int]]:
    """Every term of the live archive (entries not deleted, agenda items, meetings' titles, places
    and people, approved additions) in order, and the number of documents holding each.

    Two lists rather than a list of pairs: a million terms as pairs took some 100 MB more."""
    terms: list[str] = []
    docs: list[int] = []
    rows = db.execute(
        "select term, sum(doc) from (select term, doc from item_context_vocab where col = 'text' "
        "union all select term, doc from meeting_vocab union all select term, doc from addition_vocab) "
        "group by term order by term"
    )
    for term, count in rows:
        terms.append(str(term))
        docs.append(int(count))
    return terms, docs


def vocabulary(db: Database) -> list[tuple[str, int]]:
    """Every term of the live archive with the number of documents holding it."""
    return list(zip(*vocabulary_columns(db), strict=True))


@dataclass(frozen=True)
class PackedTerms:
    """The archive's terms as bot/archive/vocabulary.py lays them out, kept here as they are:
    terms and their comparison keys, each joined by newlines in one string, where each starts, and
    how many documents hold each, and their order by key read backwards (machine-order 32-bit
    arrays as bytes)."""

    terms: str
    keys: str
    term_starts: bytes
    key_starts: bytes
    docs: bytes
    suffix_order: bytes  # the terms' positions in the order of their keys read backwards

    @property
    def count(self) -> int:
        """How many terms: one 32-bit document count each."""
        return len(self.docs) // 4


@dataclass(frozen=True)
class VocabularyReading:
    """The archive's terms (with document counts), people and initials, as read at `marker`."""

    marker: tuple[str, int]
    terms: list[str]  # in order
    docs: list[int]  # how many documents hold each term
    people: list[tuple[str, str | None]]
    initials: list[tuple[str, str]]
    load_seconds: float


@dataclass(frozen=True)
class VocabularySnapshot:
    """A reading laid out for questions: what one row of `vocabulary_snapshot` (m072) keeps."""

    marker: tuple[str, int]
    terms: PackedTerms
    people: list[tuple[str, str | None]]
    initials: list[tuple[str, str]]
    load_seconds: float


def read_vocabulary(db: Database) -> VocabularyReading:
    """Read the vocabulary and people from the indexes themselves (seconds on a large archive)."""
    started = time.perf_counter()
    marker = change_marker(db)
    (terms, docs), found, letters = vocabulary_columns(db), people(db), initials(db)
    return VocabularyReading(marker, terms, docs, found, letters, time.perf_counter() - started)


def vocabulary_snapshot(db: Database) -> VocabularySnapshot | None:
    """The stored snapshot, whatever its generation; None when there is none."""
    row = db.execute(
        "select archive, generation, terms, keys, term_starts, key_starts, docs, people, initials, load_seconds, "
        "suffix_order from vocabulary_snapshot"
    ).fetchone()
    if row is None:
        return None
    found = [
        (name, title or None)
        for name, _, title in (line.partition("\t") for line in str(row[7]).split("\n") if line)
    ]
    letters = [(a, b) for a, _, b in (line.partition("\t") for line in str(row[8]).split("\n") if line)]
    packed = PackedTerms(
        str(row[2]), str(row[3]), bytes(row[4]), bytes(row[5]), bytes(row[6]), bytes(row[10])
    )
    return VocabularySnapshot((str(row[0]), int(row[1])), packed, found, letters, float(row[9]))


def save_vocabulary_snapshot(db: Database, snapshot: VocabularySnapshot) -> None:
    """Keep a snapshot for the next process (one row, replaced)."""
    # Names and titles are cleaned input (no tabs or newlines).
    terms = snapshot.terms
    values = [
        snapshot.marker[0],
        snapshot.marker[1],
        terms.terms,
        terms.keys,
        terms.term_starts,
        terms.key_starts,
        terms.docs,
        terms.suffix_order,
        "\n".join(f"{name}\t{title or ''}" for name, title in snapshot.people),
        "\n".join(f"{a}\t{b}" for a, b in snapshot.initials),
        snapshot.load_seconds,
    ]
    with db.conn:
        db.execute(
            "insert or replace into vocabulary_snapshot (id, archive, generation, terms, keys, term_starts, "
            "key_starts, docs, suffix_order, people, initials, load_seconds) values (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )


def people(db: Database) -> list[tuple[str, str | None]]:
    """Every distinct (name, title) among the participants of all meetings."""
    rows = db.execute("select distinct name, title from participants order by name, title")
    return [(str(name), title) for name, title in rows]


def initials(db: Database) -> list[tuple[str, str]]:
    """Every distinct (initials, name) a referat lists (`Mette Aagaard (MA)`)."""
    rows = db.execute(
        "select distinct initials, name from participants where initials is not null and initials != ''"
    )
    return [(str(letters), str(name)) for letters, name in rows]
