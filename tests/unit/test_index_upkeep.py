"""The search indexes merged into one piece after a large import: same answers, bounded steps, and
never after a small import into a large archive."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from pathlib import Path

import pytest

from bot.archive.ask import answer_question
from bot.importing.run import import_paths
from storage import index_upkeep
from storage.index_upkeep import SEARCH_INDEXES, segments, worth_merging
from storage.records import EntryKind
from storage.search import EVERYTHING
from storage.store import Store, StoreOpener

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TOPICS = ("trafiksikkerhed", "indbrud", "nattelivet", "ungdomsklubben", "cykelstien", "graffiti")
QUESTIONS = (
    "hvad blev besluttet om indbrud?",
    "hvem orienterede om nattelivet?",
    "trafiksikkerhed",
    "hvilke opgaver blev aftalt om graffiti?",
    "hvad sagde politidirektøren om cykelstien",
)


def _counts(store: Store) -> dict[str, int]:
    return {index: segments(store.db.conn, index) for index in SEARCH_INDEXES}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """Three meetings logged statement by statement: every statement its own transaction."""
    store = StoreOpener(tmp_path / "referat.db")()
    for number in range(3):
        meeting = store.create_meeting(
            title=f"Kredsrådsmøde {number + 1}", date=dt.date(2024, 3 + number, 19), place="Lemvig",
            channel_id=f"C{number + 1}", starter_user_id="UMINUTES", now=NOW, team_id="T1",
        )  # fmt: skip
        store.set_agenda(meeting.id, [(n, f"Punkt om {TOPICS[n]}", (), ()) for n in range(1, 5)])
        for n in range(24):
            topic = TOPICS[(n + number) % len(TOPICS)]
            kind = (EntryKind.STATEMENT, EntryKind.DECISION, EntryKind.ACTION)[n % 3]
            store.add_entry(
                meeting.id, item_number=1 + n % 4, kind=kind, text=f"Politidirektøren orienterede om {topic} ({n}).",
                author_user_id="UMINUTES", now=NOW,
            )  # fmt: skip
        store.flush_search_documents()
    return store


def _answers(store: Store) -> list[str]:
    return [answer_question(store, q, now=NOW, scope=EVERYTHING).text for q in QUESTIONS]


def test_merged_indexes_are_one_piece_and_answer_the_same(store: Store) -> None:
    before = _counts(store)
    assert before["entries_fts"] > 1, before
    assert before["item_context_fts"] > 1, before
    answers = _answers(store)
    assert store.merge_search_indexes() > 0
    assert all(count <= 1 for count in _counts(store).values()), _counts(store)
    assert _answers(store) == answers
    # Nothing is left to do: a second merge takes no step.
    assert store.merge_search_indexes() == 0


def _long_meeting(path: Path) -> Store:
    """One meeting whose 60 statements hold enough distinct words that its index spans pages."""
    store = StoreOpener(path)()
    meeting = store.create_meeting(
        title="Langt møde", date=dt.date(2024, 3, 19), place=None, channel_id="C1",
        starter_user_id="UMINUTES", now=NOW, team_id="T1",
    )  # fmt: skip
    store.set_agenda(meeting.id, [(1, "Alt", (), ())])
    for n in range(60):
        text = " ".join(f"emne{n}x{k}" for k in range(40))
        store.add_entry(
            meeting.id, item_number=1, kind=EntryKind.STATEMENT, text=f"Politidirektøren nævnte {text}.",
            author_user_id="UMINUTES", now=NOW,
        )  # fmt: skip
    assert segments(store.db.conn, "entries_fts") > 1
    return store


def test_each_step_is_a_bounded_transaction_of_its_own(tmp_path: Path) -> None:
    whole = _long_meeting(tmp_path / "whole.db").merge_search_indexes()
    store = _long_meeting(tmp_path / "steps.db")
    commits: list[str] = []
    store.db.conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    try:
        steps = store.merge_search_indexes(pages=1)
    finally:
        store.db.conn.set_trace_callback(None)
    # A step of about one page merges part of the index; the default budget takes it whole at once.
    # Each step is committed, so a statement logged meanwhile waits for one step only.
    assert whole == 1
    assert steps > whole
    assert len(commits) >= steps
    assert segments(store.db.conn, "entries_fts") == 1


def test_a_refused_step_is_undone_and_stops_the_merge(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _counts(store)

    def full_disk(conn: sqlite3.Connection, index: str, pages: int = 0) -> bool:
        conn.execute("insert into audit (meeting_id, action, at_utc) values (1, 'merge', 'x')")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(index_upkeep, "merge_step", full_disk)
    audit = store.db.execute("select count(*) from audit").fetchone()[0]
    with pytest.raises(sqlite3.OperationalError):
        store.merge_search_indexes()
    assert store.db.execute("select count(*) from audit").fetchone()[0] == audit
    assert _counts(store) == before


def test_worth_merging_after_an_import_that_added_a_tenth_of_the_archive() -> None:
    assert worth_merging(10, 10)  # an import into an empty archive
    assert worth_merging(10, 100)
    assert not worth_merging(9, 100)  # a few documents into a larger archive: not worth a rewrite
    assert not worth_merging(0, 0)
    assert not worth_merging(0, 50)  # nothing new (all of it imported before)


def _import(store: Store, *paths: Path) -> str:
    err = io.StringIO()
    assert import_paths(store, list(paths), out=io.StringIO(), err=err, now=NOW) == 0, err.getvalue()
    return err.getvalue()


def test_an_import_that_fills_the_archive_merges_it(tmp_path: Path) -> None:
    store = StoreOpener(tmp_path / "referat.db")()
    documents = [
        FIXTURES / "import" / name
        for name in (
            "ejerforening-parentes.txt",
            "kredsraad-udtraek.txt",
            "lokalraad-kollapset.txt",
            "skolebestyrelse-pkt.txt",
        )
    ]
    calls: list[int] = []
    merge = Store.merge_search_indexes

    def counted(self: Store, pages: int = index_upkeep.STEP_PAGES) -> int:
        calls.append(pages)
        return merge(self, pages)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Store, "merge_search_indexes", counted)
        err = _import(store, *documents)
    assert calls == [index_upkeep.STEP_PAGES]
    assert all(count <= 1 for count in _counts(store).values())
    # A small archive is merged in a moment: nothing to announce.
    assert "Søgeindeksene" not in err


def test_an_import_whose_merge_is_refused_is_still_stored(tmp_path: Path) -> None:
    store = StoreOpener(tmp_path / "referat.db")()

    def locked(self: Store, pages: int = index_upkeep.STEP_PAGES) -> int:
        raise sqlite3.OperationalError("database is locked")

    err = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Store, "merge_search_indexes", locked)
        code = import_paths(
            store, [FIXTURES / "import" / "kredsraad-udtraek.txt"], out=io.StringIO(), err=err, now=NOW
        )
    assert code == 0
    assert "Søgeindeksene blev ikke samlet" in err.getvalue()
    assert store.archive.meeting_count() == 1
    assert answer_question(store, "hvem deltog?", now=NOW, scope=EVERYTHING).total > 0


def test_a_small_import_into_a_larger_archive_leaves_the_indexes(store: Store) -> None:
    # 43 meetings; one more document is under a tenth of them: a rewrite of every index would cost
    # more than the few pieces it adds.
    for n in range(40):
        store.create_meeting(
            title=f"Ældre møde {n}", date=dt.date(2020, 1, 1) + dt.timedelta(days=n), place=None,
            channel_id=f"COLD{n}", starter_user_id=None, now=NOW, team_id="T1",
        )  # fmt: skip
    calls: list[int] = []

    def counted(self: Store, pages: int = index_upkeep.STEP_PAGES) -> int:
        calls.append(pages)
        return 0

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Store, "merge_search_indexes", counted)
        _import(store, FIXTURES / "import" / "kredsraad-udtraek.txt")
    assert calls == []
    assert store.archive.meeting_count() == 44
