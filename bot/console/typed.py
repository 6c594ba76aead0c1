"""What is typed at the console: lines joined into messages, each of a kind, with `@Navn` linked.

One message per line as in Slack: `/referat …` is the slash command, `@referat …` mentions the bot,
`> …` replies in the draft's thread, `/som` and friends are the console's own commands, and any other
line continues the message above. Pure text handling, so `bot.console.terminal` only decides what to
send for each message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.console.screen import BOT_NAME, BOT_USER_ID

COMMAND = "/referat"


# --------------------------------------------------------------------------------------------
# What was typed


class Kind(StrEnum):
    COMMAND = "command"  # /referat …
    MENTION = "mention"  # @referat … in the channel
    REPLY = "reply"  # > … in the thread of the latest draft
    CONSOLE = "console"  # /som, /klik, …
    TEXT = "text"  # lines that continue nothing (a modal's field, or a mistake)
    COMMENT = "comment"  # # …


@dataclass(frozen=True)
class Typed:
    """One message as typed: its first line carries the prefix that decided its kind."""

    kind: Kind
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def body(self) -> str:
        """The text without the prefix (`/referat`, `>`, the console command word)."""
        first = self.lines[0]
        if self.kind is Kind.COMMAND:
            first = first[len(COMMAND) :]
        elif self.kind is Kind.REPLY:
            first = first[1:]
        elif self.kind is Kind.CONSOLE:
            first = first.split(None, 1)[1] if len(first.split(None, 1)) > 1 else ""
        return "\n".join((first.strip(), *self.lines[1:])).strip()


_MENTION_BOT = re.compile(rf"@{BOT_NAME}(?![\w-])", re.IGNORECASE)


def classify(line: str) -> Kind | None:
    """The kind of message a line starts, or None when it continues the message above."""
    if line.startswith("#"):
        return Kind.COMMENT
    if line.startswith("/"):
        word = line[1:].split(None, 1)[0].casefold() if line[1:].strip() else ""
        return Kind.COMMAND if word == COMMAND[1:] else Kind.CONSOLE
    if _MENTION_BOT.match(line):
        return Kind.MENTION
    if line.startswith(">"):
        return Kind.REPLY
    return None


class Assembler:
    """Joins lines into messages: a message ends where the next one starts (or at the end)."""

    def __init__(self) -> None:
        self._kind: Kind | None = None
        self._lines: list[str] = []

    @property
    def pending(self) -> bool:
        return self._kind is not None

    def feed(self, line: str) -> list[Typed]:
        kind = classify(line)
        if kind is None:
            if self._kind is not None:
                self._lines.append(line)
            elif line.strip():
                self._kind, self._lines = Kind.TEXT, [line]
            return []
        done = self.flush()
        if kind is Kind.COMMENT:
            return [*done, Typed(kind, (line,))]
        self._kind, self._lines = kind, [line]
        return done

    def flush(self) -> list[Typed]:
        if self._kind is None:
            return []
        lines = list(self._lines)
        while lines and not lines[-1].strip():
            lines.pop()
        typed = Typed(self._kind, tuple(lines))
        self._kind, self._lines = None, []
        return [typed]


# --------------------------------------------------------------------------------------------
# Mentions

_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W_]|['’.-](?=[^\W\d_]))*")
_AT = re.compile(r"(?<![\w@<])@")
MAX_NEW_NAME_WORDS = 3


def _name_at(text: str, name: str) -> bool:
    """Whether `text` starts with `name` (any case) followed by no further letter of a word."""
    if text[: len(name)].casefold() != name.casefold():
        return False
    after = text[len(name) : len(name) + 1]
    return not after or not (after.isalnum() or after == "_")


def _capitalised_run(text: str) -> str | None:
    """`Helle Kyndesen` from `Helle Kyndesen | Politidirektør`: up to three capitalised words."""
    words: list[str] = []
    position = 0
    while len(words) < MAX_NEW_NAME_WORDS:
        gap = 0 if not words else 1
        if words and text[position : position + 1] != " ":
            break
        match = _NAME_WORD.match(text, position + gap)
        if match is None or not match.group(0)[0].isupper():
            break
        words.append(match.group(0))
        position = match.end()
    return " ".join(words) or None


def link_mentions(text: str, users: Mapping[str, str], register: Callable[[str], str]) -> str:
    """Turn `@Navn Efternavn` into Slack's `<@U…>`, as Slack does when a user is picked.

    `users` maps console user ids to names; `@referat` is the bot. The longest known name wins,
    then a unique first name; otherwise up to three capitalised words are a new user (made by
    `register`, which returns the id). Anything else after `@` stays as typed.
    """
    known = sorted(
        [(name, uid) for uid, name in users.items()] + [(BOT_NAME, BOT_USER_ID)], key=lambda p: -len(p[0])
    )
    first_names: dict[str, list[str]] = {}
    for uid, name in users.items():
        if name.split():
            first_names.setdefault(name.split()[0].casefold(), []).append(uid)
    out: list[str] = []
    position = 0
    for at in _AT.finditer(text):
        if at.start() < position:
            continue
        rest = text[at.end() :]
        found: tuple[str, int] | None = None
        for name, uid in known:
            if _name_at(rest, name):
                found = (uid, len(name))
                break
        if found is None:
            word = _NAME_WORD.match(rest)
            owners = first_names.get(word.group(0).casefold(), []) if word else []
            if word and len(owners) == 1:
                found = (owners[0], word.end())
        if found is None:
            new_name = _capitalised_run(rest)
            if new_name:
                found = (register(new_name), len(new_name))
        if found is None:
            continue
        out += [text[position : at.start()], f"<@{found[0]}>"]
        position = at.end() + found[1]
    out.append(text[position:])
    return "".join(out)
