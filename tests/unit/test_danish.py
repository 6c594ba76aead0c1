"""Counted nouns agree and lists end with `og`."""

from __future__ import annotations

import pytest

from bot.text.danish import and_list, counted


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
    ("items", "expected"),
    [([], ""), (["a"], "a"), (["a", "b"], "a og b"), (["a", "b", "c"], "a, b og c")],
)
def test_and_list(items: list[str], expected: str) -> None:
    assert and_list(items) == expected
    assert and_list(items, "and") == expected.replace(" og ", " and ")
