"""The `referat` command line: settings errors are short, specific and never a traceback."""

from __future__ import annotations

import pytest

from bot.cli import main

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
