"""Shorten a text for a one-line mention: whitespace flattened, the cut marked with an ellipsis.

Confirmations, status lines and tables quote what someone wrote; one rule for how a quote is cut.
(Slack's block limits count differently and cut at line ends: bot.slack.blocks has its own.)
"""

from __future__ import annotations


def clip(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters, ending in `…` when it was cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
