"""Reading the pieces of a command's text: Slack mentions, `|`-separated fields, collapsed spaces.

Shared by every family of subcommand parsers (`parse_frame`, `parse_entries`, `parse`).
"""

from __future__ import annotations

import re

from bot.meeting.subcommands import Subcommand, fail

MENTION_RE = re.compile(r"<@(?P<uid>[UW][A-Z0-9]+)(?:\|(?P<label>[^>]*))?>")


def collapse(text: str) -> str:
    return " ".join(text.split())


# A `|` inside `<@U1|helle>` belongs to the mention, not to the field list. The look-ahead stops at
# the next `|` too, so each scan is bounded by the next separator: linear time on any input.
_FIELD_SEPARATOR = re.compile(r"\|(?![^<>|]*>)")


def split_fields(text: str) -> list[str]:
    return [collapse(f) for f in _FIELD_SEPARATOR.split(text)]


def check_field_count(sub: Subcommand, fields: list[str], allowed: int) -> None:
    if len(fields) > allowed:
        raise fail(sub, f"For mange felter: der må højst være {allowed}, adskilt af |.")
