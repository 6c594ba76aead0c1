"""`referat purge`: a workspace's minutes deleted after their retention period, the rest still proven."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.archive.verify import report, verify_archive
from bot.cli import main
from storage.purge import ApprovedRecords
from storage.store import Store, StoreOpener
from support.seals import approve_meeting

NOW = dt.datetime(2031, 1, 2, 9, 0, tzinfo=dt.UTC)


def in_workspace(store: Store, team: str, title: str) -> int:
    meeting = approve_meeting(store, title, channel="C1")
    store.adopt_meetings(team, None)
    return meeting.id


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = StoreOpener(tmp_path / "referat.db")()
    # Approved in turn, so the archive's chain runs through both workspaces: T1, T2, T1.
    in_workspace(store, "T1", "Byrådsmøde")
    in_workspace(store, "T2", "Bestyrelsesmøde")
    in_workspace(store, "T1", "Økonomiudvalget")
    return store


def counts(store: Store) -> dict[str, int]:
    tables = ("meetings", "entries", "participants", "agenda_items", "drafts", "approved_referats", "chain")
    return {t: store.db.execute(f"select count(*) from {t}").fetchone()[0] for t in tables}


def test_approved_records_are_kept_without_force_and_nothing_is_deleted(store: Store) -> None:
    before = counts(store)
    with pytest.raises(ApprovedRecords) as refused:
        store.purge_workspace("T2", force=False, by="drift", now=NOW)
    assert refused.value.approved == 1
    assert counts(store) == before
    assert store.purged_meetings() == frozenset()


def test_a_purge_deletes_one_workspace_and_the_rest_still_verifies(store: Store) -> None:
    purged = store.purge_workspace("T2", force=True, by="drift", now=NOW)
    assert (purged.meetings, purged.approved) == (1, 1)
    assert sorted(m.title for m in store.meetings()) == ["Byrådsmøde", "Økonomiudvalget"]
    left = counts(store)
    assert left["meetings"] == left["approved_referats"] == 2
    assert left["chain"] == 3  # the purged meeting's link stays: the T1 link after it is chained to it
    found = store.db.execute("select count(*) from entries_fts where entries_fts match 'flerårsaftalen'")
    assert found.fetchone()[0] == 2  # the search index forgot the purged meeting's entry

    result = verify_archive(store)
    assert result.whole, result.problems
    assert result.purged == 1
    assert "slettet med referat purge" in report(result)

    # Tampering with what is left is still found.
    store.db.execute("update approved_referats set text = text || ' Tilføjet.' where meeting_id = 3")
    assert not verify_archive(store).whole


def test_the_command_refuses_approved_records_then_purges_with_force(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REFERAT_DB", str(tmp_path / "referat.db"))
    assert main(["purge", "--team", "T2"]) == 1
    err = capsys.readouterr().err
    assert "1 godkendt referat" in err
    assert "--force" in err
    assert main(["purge", "--team", "T9"]) == 2
    assert "ingen referater" in capsys.readouterr().err
    assert main(["purge", "--team", "T2", "--force"]) == 0
    assert "Slettet: 1 møde fra T2 (heraf 1 godkendt referat)" in capsys.readouterr().out
    assert main(["verify"]) == 0


def test_with_several_workspaces_the_listing_and_verify_name_each_meetings_workspace(store: Store) -> None:
    from bot.meeting.export import meetings_table

    table = meetings_table(store)
    assert "Arbejdsområde" in table.splitlines()[0]
    assert {line.split()[2] for line in table.splitlines()[1:]} == {"T1", "T2"}
    store.db.execute("update approved_referats set text = text || ' Tilføjet.' where meeting_id = 2")
    problems = verify_archive(store).problems
    assert problems
    assert all("id 2, T2)" in p for p in problems)
