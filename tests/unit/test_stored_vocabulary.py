"""The archive's vocabulary is stored in the database: a new process takes it instead of reading
every term of the indexes, and writing (statements, an import) keeps it current."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest

from bot.archive import ask
from bot.importing.run import import_paths
from storage import vocabulary
from storage.archive import Archive
from storage.records import EntryKind
from storage.store import Store, StoreOpener

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = StoreOpener(tmp_path / "referat.db")()
    meeting = store.create_meeting(
        title="Kredsrådsmøde", date=dt.date(2024, 3, 19), place="Lemvig", channel_id="C1",
        starter_user_id="UMINUTES", now=NOW, team_id="T1",
    )  # fmt: skip
    store.set_agenda(meeting.id, [(1, "Trekanten", (), ())])
    store.add_entry(
        meeting.id, item_number=1, kind=EntryKind.DECISION, text="Boligsocialindsatsen fortsætter.",
        author_user_id="UMINUTES", now=NOW,
    )  # fmt: skip
    return store


def new_process(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Forget what this process holds; record every read of the indexes from now on."""
    monkeypatch.setattr(ask, "_cache", {})
    reads: list[str] = []

    def counted(archive: Archive) -> vocabulary.VocabularySnapshot:
        reads.append("read")
        return vocabulary.read_vocabulary(archive.db)

    monkeypatch.setattr(Archive, "read_vocabulary", counted)
    return reads


def test_a_new_process_takes_the_stored_vocabulary(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    first = ask.archive_state(store)  # reads the indexes once and stores what it read
    assert first.vocabulary.knows("boligsocialindsatsen")
    reads = new_process(monkeypatch)
    state = ask.archive_state(store)
    assert reads == []
    assert state.marker == store.archive.change_marker()
    assert state.vocabulary.knows("boligsocialindsatsen")
    assert [p.name for p in state.people.people] == [p.name for p in first.people.people]


def test_a_statement_and_an_import_keep_it_current(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    ask.archive_state(store)
    meeting = store.current_meeting("C1")
    assert meeting is not None
    store.add_entry(
        meeting.id, item_number=1, kind=EntryKind.STATEMENT, text="Nattelivsstrategien blev drøftet.",
        author_user_id="UMINUTES", now=NOW,
    )  # fmt: skip
    # The next question sees the new word (a small archive is read again at once) and stores it.
    assert ask.archive_state(store).vocabulary.knows("nattelivsstrategien")
    reads = new_process(monkeypatch)
    assert ask.archive_state(store).vocabulary.knows("nattelivsstrategien")
    assert reads == []
    # An import stores the vocabulary it made, for the processes that answer next.
    document = FIXTURES / "import" / "kredsraad-udtraek.txt"
    assert import_paths(store, [document], out=io.StringIO(), err=io.StringIO(), now=NOW) == 0
    snapshot = store.archive.vocabulary_snapshot()
    assert snapshot is not None
    assert snapshot.marker == store.archive.change_marker()
    reads = new_process(monkeypatch)
    ask.archive_state(store)
    assert reads == []


def test_a_question_while_the_vocabulary_is_read_waits_for_that_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    opener = StoreOpener(tmp_path / "referat.db")
    first = opener()
    meeting = first.create_meeting(
        title="Kredsrådsmøde", date=dt.date(2024, 3, 19), place="Lemvig", channel_id="C1",
        starter_user_id="UMINUTES", now=NOW, team_id="T1",
    )  # fmt: skip
    first.set_agenda(meeting.id, [(1, "Trekanten", (), ())])
    monkeypatch.setattr(ask, "_cache", {})
    reading, release, reads = threading.Event(), threading.Event(), []

    def slow(archive: Archive) -> vocabulary.VocabularyReading:
        reads.append("read")
        reading.set()
        assert release.wait(10)
        return vocabulary.read_vocabulary(archive.db)

    monkeypatch.setattr(Archive, "read_vocabulary", slow)
    waiting, arrived = [], threading.Event()
    lock = threading.Lock()

    class Recorded:
        """The first-take lock, telling when the second thread has come to it."""

        def __enter__(self) -> None:
            waiting.append(1)
            if len(waiting) == 2:
                arrived.set()
            lock.acquire()

        def __exit__(self, *_: object) -> None:
            lock.release()

    monkeypatch.setattr(ask, "_first_take", Recorded())
    states: list[ask.ArchiveState] = []
    threads = [threading.Thread(target=lambda: states.append(ask.archive_state(opener()))) for _ in range(2)]
    threads[0].start()
    assert reading.wait(10)  # the service's start is reading the indexes …
    threads[1].start()  # … when a question comes
    assert arrived.wait(10)  # and waits for that reading
    release.set()
    for thread in threads:
        thread.join(10)
    assert len(states) == 2
    assert states[0] is states[1]
    assert reads == ["read"]


def test_a_large_archive_reads_its_vocabulary_again_at_most_once_per_pause(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    state = ask.archive_state(store)
    key = store.archive.key()
    path = store.archive.location()
    assert path is not None
    slow = dataclasses.replace(state, load_seconds=1.0)  # as if reading took a second
    monkeypatch.setattr(ask, "_cache", {key: slow})
    monkeypatch.setattr(ask, "_refreshed_at", {key: time.monotonic()})
    read = threading.Event()

    def counted(archive: Archive) -> vocabulary.VocabularyReading:
        read.set()
        return vocabulary.read_vocabulary(archive.db)

    monkeypatch.setattr(Archive, "read_vocabulary", counted)
    ask._refresh_in_background(key, path)  # read a moment ago: not again yet
    assert key not in ask._refreshing
    assert not read.is_set()
    monkeypatch.setattr(ask, "_refreshed_at", {key: time.monotonic() - 60})  # 50 × 1 s have passed
    ask._refresh_in_background(key, path)
    assert read.wait(10)


def test_a_small_archive_is_read_again_before_the_answer_however_slow_the_machine(store: Store) -> None:
    state = ask.archive_state(store)
    key = store.archive.key()
    # As if the last reading had taken a second (a loaded machine): still a small vocabulary.
    ask._cache[key] = dataclasses.replace(state, load_seconds=1.0)
    meeting = store.current_meeting("C1")
    assert meeting is not None
    store.add_entry(
        meeting.id, item_number=1, kind=EntryKind.STATEMENT, text="Nattelivsstrategien blev drøftet.",
        author_user_id="UMINUTES", now=NOW,
    )  # fmt: skip
    fresh = ask.archive_state(store)
    assert fresh.marker == store.archive.change_marker()
    assert fresh.vocabulary.knows("nattelivsstrategien")
