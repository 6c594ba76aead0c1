"""How long one entry and one question may be, written once, with the Danish refusal.

An entry is one statement, decision or action in an official record; a question is a search. Neither
has a reason to run to hundreds of thousands of characters, and one that does costs every later
draft, search and export. `/referat`, the "Tilføj til referat" modal, questions by mention or DM and
`referat import` all measure against these numbers (docs/manual.md states them).
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_ENTRY_CHARS = 10_000
MAX_QUESTION_CHARS = 1_000
# The whole `/referat` text: a long agenda of short items fits; anything longer is refused before
# it is parsed at all.
MAX_COMMAND_CHARS = 40_000


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def entry_too_long(text: str) -> str | None:
    """The refusal for an entry of this length, or None when it fits."""
    if len(text) <= MAX_ENTRY_CHARS:
        return None
    return (
        f"Teksten er {_thousands(len(text))} tegn; én notering må højst være "
        f"{_thousands(MAX_ENTRY_CHARS)} tegn. Del den i flere noteringer. Intet er gemt."
    )


def question_too_long(text: str) -> str | None:
    """The refusal for a question of this length, or None when it fits."""
    if len(text) <= MAX_QUESTION_CHARS:
        return None
    return (
        f"Spørgsmålet er {_thousands(len(text))} tegn; et spørgsmål må højst være "
        f"{_thousands(MAX_QUESTION_CHARS)} tegn. Spørg kortere, fx med et par nøgleord."
    )


def command_too_long(text: str) -> str | None:
    """The refusal for a whole `/referat` text of this length, or None when it fits."""
    if len(text) <= MAX_COMMAND_CHARS:
        return None
    return (
        f"Kommandoen er {_thousands(len(text))} tegn; højst {_thousands(MAX_COMMAND_CHARS)} tegn ad "
        f"gangen, og én notering højst {_thousands(MAX_ENTRY_CHARS)} tegn. Intet er gemt."
    )


def oversized_paragraph(paragraphs: Iterable[tuple[int, str]]) -> str | None:
    """For an import: the first paragraph, as (agenda item, text), longer than an entry may be,
    named by its item and first words; None when all fit.

    Refused rather than cut: an imported referat is an official record, and the person importing
    shortens or splits the paragraph in the document, where its wording is theirs to decide.
    """
    for item, text in paragraphs:
        if len(text) > MAX_ENTRY_CHARS:
            start = " ".join(text[:60].split())
            return (
                f'punkt {item}, afsnittet "{start} …" er {_thousands(len(text))} tegn; et afsnit må '
                f"højst være {_thousands(MAX_ENTRY_CHARS)} tegn. Del afsnittet i dokumentet og importér igen"
            )
    return None
