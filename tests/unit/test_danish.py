"""Counted nouns agree and lists end with `og`."""

from __future__ import annotations

import pytest

from bot.text.danish import agreeing, and_list, counted


@pytest.mark.parametrize(
    ("n", "noun", "expected"),
    [
        (1, "beslutning", "1 beslutning"),
        (2, "beslutning", "2 beslutninger"),
        (0, "opgave", "0 opgaver"),
        (1, "kommentar", "1 kommentar"),
        (3, "kommentar", "3 kommentarer"),
        (1, "dagsordenspunkt", "1 dagsordenspunkt"),
        (2, "indlæg", "2 indlæg"),
    ],
)
def test_counted(n: int, noun: str, expected: str) -> None:
    assert counted(n, noun) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 godkendt referat i 1 møde er uændret, heraf 1 forfalden"),
        (2, "2 godkendte referater i 2 møder er uændrede, heraf 2 forfaldne"),
        (0, "0 godkendte referater i 0 møder er uændrede, heraf 0 forfaldne"),
    ],
)
def test_counted_with_adjectives_agrees_in_number(n: int, expected: str) -> None:
    shown = (
        f"{counted(n, 'referat', 'godkendt')} i {counted(n, 'møde')} er {agreeing(n, 'uændret')}, "
        f"heraf {counted(n, 'forfalden')}"
    )
    assert shown == expected


@pytest.mark.parametrize(
    ("items", "expected"),
    [([], ""), (["a"], "a"), (["a", "b"], "a og b"), (["a", "b", "c"], "a, b og c")],
)
def test_and_list(items: list[str], expected: str) -> None:
    assert and_list(items) == expected
    assert and_list(items, "and") == expected.replace(" og ", " and ")
