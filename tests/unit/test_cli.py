"""The `referat` command line: settings errors are short, specific and never a traceback."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from bot.cli import _parser, main
from storage.store import StoreOpener

SLACK_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")


@pytest.fixture(autouse=True)
def no_slack_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SLACK_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("argv", "env", "missing"),
    [
        (["serve"], {}, ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"]),
        (["serve"], {"SLACK_BOT_TOKEN": "xoxb-1"}, ["SLACK_APP_TOKEN"]),
        (["serve", "--http"], {}, ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]),
        (["serve", "--http", "--port", "3999"], {"SLACK_BOT_TOKEN": "xoxb-1"}, ["SLACK_SIGNING_SECRET"]),
    ],
)
def test_missing_settings_name_the_variable_and_exit_non_zero(
    argv: list[str],
    env: dict[str, str],
    missing: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(argv) == 2
    err = capsys.readouterr().err
    for name in missing:
        assert name in err
    assert "app.manifest.yml" in err
    assert "README.md" in err
    assert "Traceback" not in err


def test_no_command_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "serve" in capsys.readouterr().out


def test_ask_without_question_words_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "   "]) == 2
    assert "spørgsmål" in capsys.readouterr().err


def test_help_and_argument_errors_are_danish(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as shown:
        main(["--help"])
    assert shown.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("brug: referat")
    assert "vis denne hjælp og afslut" in out
    assert "usage" not in out
    assert "show this help" not in out
    with pytest.raises(SystemExit) as refused:
        main(["export", "--format", "odt"])
    assert refused.value.code == 2
    err = capsys.readouterr().err
    assert "referat export: fejl:" in err
    assert "ugyldigt valg: 'odt'" in err
    assert "error" not in err


# Words a Danish reader of `--help` should not meet: argparse's English defaults for metavars.
_ENGLISH_METAVARS = re.compile(r"\b(?:AS_NAME|HOST|PAGE|PATHS?|QUESTION|MEETING|OUT|ITEM|TEAM|CHANNEL)\b")


def test_every_help_page_is_danish_and_every_argument_has_help() -> None:
    parser = _parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subparsers.choices.items():
        shown = sub.format_help()
        assert shown.startswith(f"brug: referat {name}"), shown
        assert not _ENGLISH_METAVARS.search(shown), shown
        assert "positional arguments" not in shown
        assert "options:" not in shown
        for action in sub._actions:
            assert action.help, f"referat {name}: {action.option_strings or action.metavar} has no help"


def test_the_command_lines_next_page_hint_is_the_command_line(tmp_path: Path) -> None:
    from bot.archive.answer import _ask_again
    from bot.archive.question import parse_question

    now = dt.datetime(2024, 3, 20, tzinfo=dt.UTC)
    question = parse_question("hvad blev besluttet om Trekanten?", now=now)
    assert _ask_again(question, 2) == "`/referat spørg hvad blev besluttet om Trekanten? side 2`"
    on_cli = dataclasses.replace(question, command_line=True)
    assert _ask_again(on_cli, 2) == 'referat ask "hvad blev besluttet om Trekanten?" --page 2'


def test_export_takes_the_format_from_the_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "referat.db"
    store = StoreOpener(db)()
    meeting = store.create_meeting(
        title="Kredsrådsmøde", date=dt.date(2024, 3, 19), place=None, channel_id="C1",
        starter_user_id="U1", now=dt.datetime(2024, 3, 19, 12, tzinfo=dt.UTC),
    )  # fmt: skip
    monkeypatch.setenv("REFERAT_DB", str(db))
    for name, magic in (("referat.docx", b"PK"), ("referat.txt", b"UDKAST"), ("referat.md", b"**UDKAST")):
        assert main(["export", "--meeting", str(meeting.id), "--out", str(tmp_path / name)]) == 0
        assert (tmp_path / name).read_bytes().startswith(magic), name
    # A --format that contradicts the file name is refused rather than guessed.
    assert main(["export", "--format", "txt", "--out", str(tmp_path / "x.docx")]) == 1
    assert "Brug --format docx" in capsys.readouterr().err
    assert not (tmp_path / "x.docx").exists()


BROKEN_DATABASES = {
    "not sqlite": ("notes.txt", "ikke en SQLite-database"),
    "missing folder": ("missing/referat.db", "findes ikke"),
    "a directory": ("folder", "er en mappe"),
    "/dev/null": ("/dev/null", "er en enhed"),
}
EVERY_DATABASE_COMMAND = [
    ["serve", "--http"],
    ["serve"],
    ["ask", "budget"],
    ["verify"],
    ["meetings"],
    ["export", "--out", "{tmp}/out.md"],
    ["import", "{tmp}/notes.txt"],
    ["console"],
]


@pytest.mark.parametrize("broken", BROKEN_DATABASES, ids=list(BROKEN_DATABASES))
def test_a_database_that_cannot_serve_is_one_danish_line_and_exit_2_for_every_command(
    broken: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    name, reason = BROKEN_DATABASES[broken]
    (tmp_path / "notes.txt").write_text("Referat af et møde\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    db = name if name.startswith("/") else str(tmp_path / name)
    monkeypatch.setenv("REFERAT_DB", db)
    for variable in SLACK_VARIABLES:
        monkeypatch.setenv(variable, "xoxb-1" if variable == "SLACK_BOT_TOKEN" else "x")
    # An unreachable Slack: the database must be told before Slack would be asked.
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    for argv in EVERY_DATABASE_COMMAND:
        assert main([arg.format(tmp=tmp_path) for arg in argv]) == 2, argv
        err = capsys.readouterr().err
        assert reason in err, (argv, err)
        assert "REFERAT_DB" in err, (argv, err)
        assert err.count("\n") == 1, (argv, err)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "Referat af et møde\n"
    assert not (tmp_path / "out.md").exists()


@pytest.mark.parametrize(("switch", "sweeps"), [(None, 1), ("1", 1), ("0", 0)])
def test_the_reminder_sweep_runs_unless_this_process_is_told_to_leave_it_to_another(
    switch: str | None, sweeps: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several processes serving one database run the reminders' sweep in one of them only."""
    import bot.app
    import bot.serve
    from bot.slack import reminders
    from support.slack_fake import FakeSlack

    started: list[int] = []
    served: list[int] = []
    monkeypatch.setattr(reminders, "start", lambda *args: started.append(1))
    monkeypatch.setattr(bot.serve, "serve_http", lambda *args: served.append(1))
    monkeypatch.setattr(bot.app, "check_slack", lambda settings: None)
    with FakeSlack() as fake:
        monkeypatch.setenv("SLACK_API_URL", fake.api_url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_SIGNING_SECRET", "hemmelig")
        monkeypatch.setenv("REFERAT_DB", str(tmp_path / "referat.db"))
        if switch is not None:
            monkeypatch.setenv("REFERAT_REMINDER_SWEEP", switch)
        assert main(["serve", "--http", "--port", "0"]) == 0
    assert served == [1]
    assert len(started) == sweeps


def test_a_reminder_sweep_switch_that_is_not_a_switch_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "hemmelig")
    monkeypatch.setenv("REFERAT_DB", str(tmp_path / "referat.db"))
    monkeypatch.setenv("REFERAT_REMINDER_SWEEP", "måske")
    assert main(["serve", "--http"]) != 0
    err = capsys.readouterr().err
    assert "REFERAT_REMINDER_SWEEP skal være 1 (til) eller 0 (fra)" in err
    assert "Traceback" not in err
    assert not (tmp_path / "referat.db").exists()
