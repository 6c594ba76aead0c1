"""The rule book is complete and is the documentation: every subcommand and command has its rule,
and the manual's table of who may do what is the one generated from the declarations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.meeting.parse import SUBCOMMANDS, CommandError, parse_command
from bot.rulebook import table
from bot.rulebook.book import RULES, rule_for
from bot.rulebook.declare import Needs, Role, Surface

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 27, 13, 0, tzinfo=dt.UTC)


def test_rule_names_are_unique() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


def test_every_subcommand_has_a_rule_on_the_slash_command() -> None:
    words = {w for r in RULES if Surface.SLASH in r.surfaces for w in (r.name, *r.also)}
    missing = [s.name for s in SUBCOMMANDS if s.name not in words]
    assert not missing, f"subcommands without a rule in bot/rulebook/book.py: {missing}"


def test_every_subcommand_example_parses_to_a_command_with_exactly_one_rule() -> None:
    for sub in SUBCOMMANDS:
        for example in (sub.example, *sub.usage.splitlines()[:1]):
            try:
                command = parse_command(example.removeprefix("/referat"), now=NOW)
            except CommandError:
                continue  # a usage line with <placeholders>
            rule = rule_for(command)  # asserts exactly one
            assert rule.handler is not None, rule.name
            assert sub.name in (rule.name.split()[0], *rule.also), (sub.name, rule.name)


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
