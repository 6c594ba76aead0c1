"""Small pieces of Danish every answer needs: counted nouns that agree, and lists that end with `og`.

`1 beslutning`, `2 beslutninger`; `a, b og c`. Kept in one place so that no message says
`beslutning(er)` or `a, b, c`.
"""

from __future__ import annotations

from collections.abc import Sequence

# Singular → plural for the nouns the bot counts.
PLURALS = {
    "beslutning": "beslutninger",
    "opgave": "opgaver",
    "notering": "noteringer",
    "linje": "linjer",
    "punkt": "punkter",
    "person": "personer",
    "kommentar": "kommentarer",
    "dagsordenspunkt": "dagsordenspunkter",
    "møde": "møder",
    "godkendt referat": "godkendte referater",
    "række": "rækker",
    "indlæg": "indlæg",
    "godkender": "godkendere",
    "agenda item": "agenda items",
}


def counted(n: int, noun: str) -> str:
    """`1 beslutning`, `2 beslutninger`, `0 beslutninger`."""
    return f"{n} {noun if n == 1 else PLURALS.get(noun, noun)}"


def and_list(items: Sequence[str], word: str = "og") -> str:
    """`a`, `a og b`, `a, b og c` (`word="and"` for English)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]
