"""The command line with more than one workspace in the database: imports name theirs, serve's modes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from storage.store import StoreOpener

REFERENCE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "reference" / "kredsraad-holstebro-2024-03-19.txt"
)
IMPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "import"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "referat.db"
    monkeypatch.setenv("REFERAT_DB", str(path))
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    return path


def teams_of(db: Path) -> list[str | None]:
    store = StoreOpener(db)()
    return [m.team_id for m in store.meetings()]


def test_import_with_team_puts_the_meetings_in_that_workspace(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "--team", "t0foreningen", str(REFERENCE)]) == 0
    assert teams_of(db) == ["T0FORENINGEN"]


def test_with_two_workspaces_an_import_must_name_its_own(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "skolebestyrelse.txt"
    shutil.copy(IMPORTS / "skolebestyrelse-pkt.txt", other)
    assert main(["import", "--team", "T1", str(REFERENCE)]) == 0
    assert main(["import", "--team", "T2", str(other)]) == 0
    capsys.readouterr()

    assert main(["import", str(IMPORTS / "kredsraad-udtraek.txt")]) == 2
    err = capsys.readouterr().err
    assert "--team" in err
    assert "T1, T2" in err
    assert sorted(teams_of(db), key=str) == ["T1", "T2"]  # nothing more was imported


def test_a_team_that_is_no_id_is_refused(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "--team", "Kommunen", str(REFERENCE)]) == 2
    assert "arbejdsområde-id" in capsys.readouterr().err
    assert not db.exists() or teams_of(db) == []


def test_many_workspaces_need_http_mode(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", "1234.5678")
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "secret")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "serve --http" in err
    assert "Traceback" not in err
