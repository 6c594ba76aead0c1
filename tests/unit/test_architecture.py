"""The project's shape holds: dependency direction, and docs and manifest that agree with the code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from bot.cli import _parser
from bot.meeting.parse import SUBCOMMANDS

ROOT = Path(__file__).resolve().parents[2]
PURE = [
    "meeting/parse",
    "text/dates",
    "referat/compile",
    "slack/blocks",
    "archive/question",
    "archive/answer",
    "archive/facts",
    "importing/parse",
    "slack/ids",
]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_import_neither_slack_nor_the_store(module: str) -> None:
    path = ROOT / "bot" / f"{module}.py"
    if not path.exists():
        pytest.skip(f"{module} not present")
    for name in imports_of(path):
        assert not name.startswith(
            ("slack_bolt", "slack_sdk", "storage.store", "storage.search", "sqlite")
        ), (
            module,
            name,
        )


def test_storage_never_imports_bot() -> None:
    for path in (ROOT / "storage").glob("*.py"):
        assert not any(name == "bot" or name.startswith("bot.") for name in imports_of(path)), path


def test_readme_lists_every_subcommand_and_cli_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for sub in SUBCOMMANDS:
        assert f"/referat {sub.name}" in readme, sub.name
    choices = _parser()._subparsers._group_actions[0].choices
    for name in choices:
        assert f"referat {name}" in readme, name


def test_manifest_declares_the_command_and_what_the_bot_listens_to() -> None:
    manifest = yaml.safe_load((ROOT / "app.manifest.yml").read_text(encoding="utf-8"))
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == ["/referat"]
    hint = commands[0]["usage_hint"]
    for sub in SUBCOMMANDS:
        assert sub.name in hint, sub.name
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_mention", "message.channels", "message.groups", "message.im"} <= events
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "app_mentions:read", "users:read", "files:write"} <= scopes
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True


def test_the_readme_shows_the_example_file_word_for_word() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = (ROOT / "examples" / "moede.txt").read_text(encoding="utf-8")
    assert f"```text\n{example.rstrip()}\n```" in readme
