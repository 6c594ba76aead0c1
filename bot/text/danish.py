"""Small pieces of Danish every answer needs: counted nouns that agree, and lists that end with `og`.

`1 beslutning`, `2 beslutninger`; `a, b og c`. Kept in one place so that no message says
`beslutning(er)` or `a, b, c`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A word that ends in a full stop without ending a sentence: `f.eks.`, `bl.a.`, `kl.`, `d.`, an
# ordinal (`27.`) or an initial (`J.`). Whoever splits Danish text into sentences asks this.
ABBREVIATION = re.compile(
    r"^(?:(?:[A-Za-zæøåÆØÅ]{1,3}\.){2,}|\d{1,2}\.|[A-ZÆØÅ]\.|"
    r"(?i:ca|pga|kl|nr|jf|evt|inkl|ekskl|mht|vedr|mv|dvs|osv|stk|pkt|tlf|hhv|iflg|ift|bl|fg|kst|kr|mio|"
    r"mia|pr|hr|fru|dr|st|ang|afd|att|sept|okt|nov|dec|jan|feb|aug|d)\.)$"
)

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
    "referat": "referater",
    "tilføjelse": "tilføjelser",
    "led": "led",
    "fejl": "fejl",
    "fil": "filer",
    "side": "sider",
    "stemme": "stemmer",
    "navn": "navne",
    "godkendelse": "godkendelser",
}

# Singular → plural of the adjectives counted nouns take (`1 godkendt referat`, `2 godkendte
# referater`), and of the predicates after a counted subject (`… er uændret`, `… er uændrede`).
ADJECTIVES = {
    "godkendt": "godkendte",
    "forfalden": "forfaldne",
    "uændret": "uændrede",
    "åben": "åbne",
    "udført": "udførte",
}


def counted(n: int, noun: str, adjective: str | None = None) -> str:
    """`1 beslutning`, `2 beslutninger`, `0 beslutninger`; `1 godkendt referat`, `2 godkendte referater`.

    `counted(1, "forfalden")` counts with an adjective alone (`heraf 1 forfalden`, `heraf 2 forfaldne`).
    """
    words = [agreeing(n, adjective)] if adjective else []
    words.append(noun if n == 1 else PLURALS.get(noun) or ADJECTIVES.get(noun, noun))
    return f"{n} {' '.join(words)}"


def agreeing(n: int, adjective: str) -> str:
    """An adjective agreeing with `n` things: `uændret` for one, `uændrede` for none or several."""
    return adjective if n == 1 else ADJECTIVES.get(adjective, adjective)


def and_list(items: Sequence[str], word: str = "og") -> str:
    """`a`, `a og b`, `a, b og c` (`word="and"` for English)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]
