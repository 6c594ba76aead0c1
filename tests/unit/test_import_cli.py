"""`referat import` end to end: files and folders into the archive, refusals, idempotence."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from storage.records import EntryKind, MeetingStatus
from storage.store import StoreOpener
from support.paths import IMPORT_FIXTURES as FIXTURES
from support.paths import REFERENCE

GOOD = [
    "skolebestyrelse-pkt.txt",
    "ejerforening-parentes.txt",
    "lokalraad-kollapset.txt",
    "kredsraad-udtraek.txt",
]
BAD = ["indkoebsliste.txt", "nyhedsartikel.txt", "tom.txt"]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "archive.db"
    monkeypatch.setenv("REFERAT_DB", str(path))
    return path


def test_reference_referat_imports_with_its_structure(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(REFERENCE)]) == 0
    out = capsys.readouterr().out
    assert "importeret" in out
    assert "19. marts 2024" in out
    store = StoreOpener(db)()
    [meeting] = store.meetings()
    assert meeting.status is MeetingStatus.IMPORTED
    assert meeting.title == "Kredsrådsmøde i Holstebro Kommune"
    doc = store.document(meeting.id)
    assert len(doc.agenda) == 5
    assert len([p for p in doc.participants if not p.absent]) == 10
    decisions = [e for e in doc.entries if e.kind is EntryKind.DECISION]
    assert any(e.text.startswith("Der var enighed om at fortsætte") and e.item_number == 3 for e in decisions)
    by_id = {p.id: p.name for p in doc.participants}
    bo_trygt = next(e for e in doc.entries if "samarbejdet med Bo Trygt" in e.text)
    assert by_id[bo_trygt.speaker_id or -1] == "Claus Hilborg"


def test_folder_import_reports_each_file_and_refuses_bad_ones(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["import", str(FIXTURES)])
    captured = capsys.readouterr()
    assert code == 1  # some files are not referater
    for name in GOOD:
        assert f"{name}: importeret" in captured.out
    for name in BAD:
        assert name in captured.err
        assert "afvist" in captured.err
    store = StoreOpener(db)()
    assert len(store.meetings()) == len(GOOD)
    assert all(m.status is MeetingStatus.IMPORTED for m in store.meetings())


def test_importing_the_same_document_twice_changes_nothing(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = FIXTURES / GOOD[0]
    assert main(["import", str(path)]) == 0
    store = StoreOpener(db)()
    before = store.db.execute("select count(*) from entries").fetchone()[0]
    assert main(["import", str(path)]) == 0
    assert "allerede importeret" in capsys.readouterr().out
    assert len(store.meetings()) == 1
    assert store.db.execute("select count(*) from entries").fetchone()[0] == before


def test_missing_and_unreadable_files_are_refused_with_their_name(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = tmp_path / "billede.docx"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00garbage")
    missing = tmp_path / "findes-ikke.txt"
    assert main(["import", str(binary), str(missing), str(FIXTURES / GOOD[1])]) == 1
    err = capsys.readouterr().err
    assert "billede.docx: afvist" in err
    assert "findes-ikke.txt: afvist – filen findes ikke" in err
    assert len(StoreOpener(db)().meetings()) == 1


def test_bulk_import_builds_the_same_search_documents_as_the_live_triggers(db: Path) -> None:
    assert main(["import", str(FIXTURES)]) == 1
    store = StoreOpener(db)()
    bulk = dict(store.db.execute("select rowid, text from item_context_fts").fetchall())
    assert bulk
    # A no-op update fires the live triggers, which rebuild every item's document their own way.
    with store.db.conn:
        store.db.execute("update agenda_items set title = title")
        store.db.execute("update entries set item_number = item_number")
    live = dict(store.db.execute("select rowid, text from item_context_fts").fetchall())
    assert live == bulk
    assert store.db.execute("select bulk from search_state").fetchone()[0] == 0


def test_every_speaker_named_together_is_stored_with_the_entry(db: Path) -> None:
    """`Claus Hilborg og Vicepolitiinspektør Frederik Sundtoft orienterede …`: both spoke."""
    assert main(["import", str(REFERENCE)]) == 0
    store = StoreOpener(db)()
    meeting = store.meetings()[0]
    people = {p.id: p.name for p in store.participants(meeting.id)}
    together = next(
        e for e in store.entries(meeting.id) if e.text.startswith("Chefpolitiinspektør Claus Hilborg og")
    )
    assert [people[i] for i in together.speaker_ids] == ["Claus Hilborg", "Frederik Sundtoft"]
    alone = next(e for e in store.entries(meeting.id) if e.text.startswith("Borgmester H.C. Østerby"))
    assert [people[i] for i in alone.speaker_ids] == ["H.C. Østerby"]


def test_a_paragraph_longer_than_an_entry_may_be_refuses_its_file_by_name_and_item(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = (FIXTURES / "kredsraad-udtraek.txt").read_text(encoding="utf-8")
    marker = "Politidirektør Helle Kyndesen orienterede om udviklingen"
    long_paragraph = marker + " i antallet af anmeldte indbrud" + " og tryghed" * 1_000
    broken = tmp_path / "kæmpeafsnit.txt"
    broken.write_text(source.replace(marker, long_paragraph, 1), encoding="utf-8")
    assert main(["import", str(broken), str(FIXTURES / "skolebestyrelse-pkt.txt")]) == 1
    captured = capsys.readouterr()
    assert "kæmpeafsnit.txt: afvist – punkt 1" in captured.err
    assert '"Politidirektør Helle Kyndesen' in captured.err
    assert "højst være 10.000 tegn" in captured.err
    assert "skolebestyrelse-pkt.txt: importeret" in captured.out
    assert len(StoreOpener(db)().meetings()) == 1
