"""The rule book is complete and is the documentation: every subcommand and command has its rule,
and the manual's table of who may do what is the one generated from the declarations."""

from __future__ import annotations

import typing
from pathlib import Path

from bot.meeting import commands
from bot.meeting.parse import SUBCOMMANDS
from bot.rulebook import table
from bot.rulebook.book import RULES
from bot.rulebook.declare import Needs, Role, Surface

ROOT = Path(__file__).resolve().parents[2]


def test_rule_names_are_unique() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_every_subcommand_has_a_rule_on_the_slash_command() -> None:
    words = {w for r in RULES if Surface.SLASH in r.surfaces for w in (r.name, *r.also)}
    missing = [s.name for s in SUBCOMMANDS if s.name not in words]
    assert not missing, f"subcommands without a rule in bot/rulebook/book.py: {missing}"


def test_every_command_type_is_handled_by_a_rule() -> None:
    handled = {r.command for r in RULES if r.command is not None}
    missing = [t.__name__ for t in typing.get_args(commands.Command) if t not in handled]
    assert not missing, missing
    assert all(r.handler is not None for r in RULES if r.command is not None)


def test_a_rule_that_names_roles_works_on_a_meeting() -> None:
    for rule in RULES:
        if Role.ANYONE not in rule.who:
            assert rule.needs is not Needs.NOTHING, rule.name
        assert rule.who, rule.name
        if Role.AUTHOR in rule.who or Role.OWNER in rule.who:
            assert rule.subject is not None, rule.name


def test_the_manual_table_is_generated_from_the_rule_book() -> None:
    manual = (ROOT / "docs" / "manual.md").read_text(encoding="utf-8")
    assert table.block(RULES) in manual, "run: python -m bot.rulebook.table"
    assert table.replaced(manual, RULES) == manual


def test_the_table_shows_who_may_in_both_directions() -> None:
    text = table.table(RULES)
    assert (
        "| `/referat dagsorden` | /referat | et åbent møde (ikke godkendt eller aflyst) | referenten |"
        in text
    )
    assert (
        "| `/referat ad` | /referat | et åbent møde (ikke godkendt eller aflyst) | deltagerne eller referenten |"
        in text
    )
