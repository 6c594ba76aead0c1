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
    "meeting/parse_frame",
    "meeting/parse_entries",
    "meeting/subcommands",
    "meeting/commands",
    "meeting/fields",
    "text/dates",
    "referat/compile",
    "slack/blocks",
    "archive/question",
    "archive/answer",
    "archive/facts",
    "archive/reporters",
    "importing/lines",
    "importing/parse",
    "importing/body",
    "importing/labels",
    "importing/dates",
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


def test_manual_lists_every_subcommand_and_cli_command() -> None:
    readme = (ROOT / "docs" / "manual.md").read_text(encoding="utf-8")
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


def test_the_manual_shows_the_example_file_word_for_word() -> None:
    readme = (ROOT / "docs" / "manual.md").read_text(encoding="utf-8")
    example = (ROOT / "examples" / "moede.txt").read_text(encoding="utf-8")
    assert f"```text\n{example.rstrip()}\n```" in readme


# --------------------------------------------------------------------------------------------
# Package-to-package imports, followed through the repository's own modules

SLACK_SDKS = ("slack_bolt", "slack_sdk")
# The entry points, besides bot/slack/ and bot/console/, that may talk to Slack.
SLACK_ENTRY_POINTS = {"bot.cli", "bot.app", "bot.serve"}
# Parts that must stay pure: no store, no Slack, however deep the import chain goes.
# (bot/importing/run.py stores an import: the store-facing end of its package. Which meeting an
# export holds is read by bot/meeting/export.py, so the whole of bot/referat/ stays pure.)
NEVER_THE_STORE = [
    "bot.text",
    "bot.referat",
    "bot.approval.rules",
    "bot.archive.question",
    "bot.archive.answer",
    "bot.importing.read",
    "bot.importing.clean",
    "bot.importing.parse",
    "bot.meeting.parse",
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    _module_name(p): p
    for top in ("bot", "storage")
    for p in (ROOT / top).rglob("*.py")
    if ".venv" not in p.parts
}


def _internal(name: str) -> str | None:
    """The repository module an import names (a package's `__init__` for a package), if any."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def reachable(start: str) -> set[str]:
    """Every name `start` imports, directly or through the repository's own modules."""
    seen: set[str] = set()
    names: set[str] = set()
    todo = [start]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        for name in imports_of(MODULES[module]):
            names.add(name)
            inner = _internal(name)
            if inner is not None:
                todo.append(inner)
    return names


def test_only_slack_console_and_entry_points_import_the_slack_sdk() -> None:
    allowed = ("bot.slack", "bot.console")
    for module, path in MODULES.items():
        if module.startswith(allowed) or module in SLACK_ENTRY_POINTS:
            continue
        sdk = sorted(n for n in imports_of(path) if n.startswith(SLACK_SDKS))
        assert not sdk, (
            f"{module} imports {sdk}: only bot/slack/, bot/console/ and entry points talk to Slack"
        )


@pytest.mark.parametrize("package", NEVER_THE_STORE)
def test_pure_parts_reach_neither_the_store_nor_slack(package: str) -> None:
    modules = [m for m in MODULES if m == package or m.startswith(package + ".")]
    assert modules, package
    for module in modules:
        bad = sorted(n for n in reachable(module) if n.startswith(("storage.store", *SLACK_SDKS)))
        assert not bad, f"{module} reaches {bad}"


MAX_MODULE_LINES = 1000


def test_no_module_in_bot_or_storage_is_over_a_thousand_lines() -> None:
    # A module that long does more than one job; split it by job before it grows further.
    too_long = {
        name: lines
        for name, path in MODULES.items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not too_long, too_long


def test_the_readme_is_a_front_door_that_links_every_document_in_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme) <= 20_000
    documents = sorted(p.name for p in (ROOT / "docs").glob("*.md"))
    assert documents, "docs/ holds the manual, configuration, operations, architecture, glossary, benchmarks"
    for name in documents:
        assert f"(docs/{name})" in readme, name
