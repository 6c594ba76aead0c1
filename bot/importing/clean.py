"""Clean extraction debris out of a document's text before it is parsed.

Text pulled out of PDFs and Word files carries page numbers, repeated letterheads, soft hyphens,
words broken at line ends and paragraphs broken by page breaks. `normalise` removes them, so the
parser and the content hash see the document's words only; it never changes a word.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from typing import Final

from bot.importing.vocabulary import (
    NAME_MAX_TOKENS,
    PAREN,
    is_structural,
    name_like,
    name_like_tokens,
    starts_structural,
)

_PAGE_LINE = re.compile(
    r"^(?:(?:side|page)\s+\d{1,3}(?:\s*(?:af|/|of)\s*\d{1,3})?|\d{1,3}\s*(?:/|af)\s*\d{1,3}|[-–]?\s*\d{1,3}\s*[-–]?)$",
    re.IGNORECASE,
)
# The initials form of _NAME_TOKEN (`H.-C.-`) is the only one that can end in `-`, and it is at most
# this long: three times a capital, a dot, a space and a hyphen, then a capital and a dot.
_INITIALS_MAX: Final = 14
# _Line: the structural patterns decide within a normalised line's first _HEAD characters, and a
# PAREN match (at most 43 characters) or a dropped line-end hyphen stay within the last _TAIL.
_HEAD: Final = 32
_TAIL: Final = 64

_INVISIBLE_CHARS = re.compile(
    "[\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\t\v\u00ad\u200b\u200c\u200d\u2060\ufeff]"
)
_INVISIBLE: Final = {
    **dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\t\v"), " "),
    **dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None),
}
_WORD_SEGMENTS = re.compile(r"[\s-]")
_KEEP_HYPHEN_PREFIXES: Final = frozenset({"it", "tv", "pc", "sms", "cpr", "e", "x", "cd", "dvd", "gps", "mc"})
_KEEP_PREFIX_MAX: Final = max(map(len, _KEEP_HYPHEN_PREFIXES))  # lower() never shortens a string
_SUSPENDED_JOINERS: Final = frozenset({"og", "eller", "samt", "el.", "og/eller", "til"})


# --------------------------------------------------------------------------------------------------
# Normalisation


def normalise(text: str) -> str:
    """Undo extraction debris so that the parser and the content hash see the document's words only.

    NFC, NBSP and friends to spaces, soft hyphens and zero-width characters removed, CR/LF to LF,
    runs of whitespace inside a line collapsed, page-number lines and repeated letterhead lines
    removed, hyphenated line ends joined, a paragraph broken by a page break re-joined, and runs of
    blank lines reduced to one.
    """
    text = unicodedata.normalize("NFC", text)
    if _INVISIBLE_CHARS.search(text):  # translate() with a dict is slow; most texts need nothing
        text = text.translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\f\n")
    lines = [" ".join(line.split()) if line != "\f" else "\f" for line in text.split("\n")]
    _remove_page_debris(lines)
    lines = _join_hyphenated(lines)
    blocks = _blocks(lines)
    return "\n\n".join("\n".join(block) for block in _rejoin_blocks(blocks))


def _remove_page_debris(lines: list[str]) -> None:
    boundaries = [i for i, line in enumerate(lines) if line == "\f" or _PAGE_LINE.match(line)]
    for i in boundaries:
        lines[i] = ""
    if not boundaries:
        return
    nonblank = [i for i, line in enumerate(lines) if line]
    if not nonblank:
        return
    # A letterhead or running footer is a short line that sits next to two or more page boundaries.
    # `Side 2 af 3` followed by a form feed is one boundary, not two.
    distinct = [b for k, b in enumerate(boundaries) if k == 0 or any(lines[boundaries[k - 1] : b])]
    seen_near: dict[str, set[int]] = {}
    for b_no, b in enumerate([-1, *distinct]):
        k = bisect_left(nonblank, b)
        window = nonblank[max(0, k - 3) : k + 3] if b >= 0 else nonblank[:3]
        for i in window:
            line = lines[i]
            if len(line) <= 100 and line[-1] not in ".:;,!?" and not is_structural(line):
                seen_near.setdefault(line, set()).add(b_no)
    counts: dict[str, int] = {}
    for i in nonblank:
        if lines[i] in seen_near:
            counts[lines[i]] = counts.get(lines[i], 0) + 1
    letterhead = {line for line, near in seen_near.items() if len(near) >= 2 and counts[line] >= 2}
    if not letterhead:
        return
    # The first occurrence at the very top is the document's own header: keep it.
    keep = {i for i in nonblank[:3] if i < boundaries[0]}
    for i in nonblank:
        if lines[i] in letterhead and i not in keep:
            lines[i] = ""


def _hyphen_join(left: str, right: str) -> tuple[str, str] | None:
    """Join `forebyg-` + `gelse ...`; None when the hyphen is a real one (`Midt- og`, `it-kriminalitet`)."""
    if len(left) < 2 or not left.endswith("-") or not left[-2].isalpha() or not right:
        return None
    keep = _keeps_hyphen(_Segment.of(_WORD_SEGMENTS.split(left[:-1])[-1]), right)
    if keep is None:
        return None
    word, _, rest = right.partition(" ")
    return (left if keep else left[:-1]) + word, rest


@dataclass(frozen=True)
class _Segment:
    """What `_hyphen_join` needs of the word part before a line-end hyphen (after the last space or `-`)."""

    first: str  # its first character, "" when empty
    length: int
    marked: bool  # a capital or a digit in it
    text: str | None  # the part itself while it is short enough to be one of _KEEP_HYPHEN_PREFIXES

    @staticmethod
    def of(text: str) -> _Segment:
        short = text if len(text) <= _KEEP_PREFIX_MAX else None
        return _Segment(text[:1], len(text), any(c.isupper() or c.isdigit() for c in text), short)

    def __add__(self, other: _Segment) -> _Segment:
        length = self.length + other.length
        text = self.text + other.text if self.text is not None and other.text is not None else None
        return _Segment(
            self.first or other.first,
            length,
            self.marked or other.marked,
            text if length <= _KEEP_PREFIX_MAX else None,
        )


def _keeps_hyphen(segment: _Segment, right: str) -> bool | None:
    """Whether the hyphen after `segment` stays when `right` joins on; None when `right` is no word's end."""
    if right[0].islower():
        if right.partition(" ")[0].rstrip(",.;:") in _SUSPENDED_JOINERS:
            return None
        return (segment.text is not None and segment.text.lower() in _KEEP_HYPHEN_PREFIXES) or segment.marked
    if right[0].isupper() and segment.first.isupper():
        return True  # `Ringkøbing-` + `Skjern`: a double name keeps its hyphen
    return None


def _join_hyphenated(lines: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not lines[i].endswith("-"):
            out.append(lines[i])
            i += 1
            continue
        line = _Line(lines[i])
        while i + 1 < len(lines) and lines[i + 1] and (rest := line.hyphen_join(lines[i + 1])) is not None:
            if rest:
                lines[i + 1] = rest
                break
            i += 1  # the next line was a single word: swallow it and look again
        out.append(line.text())
        i += 1
    return out


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _rejoin_blocks(blocks: list[list[str]]) -> list[list[str]]:
    """Re-join a paragraph that a page break split mid-sentence (no end punctuation, lower-case next)."""
    out: list[list[str]] = []
    growing: _Line | None = None  # out[-1]'s last line once a paragraph has joined it, kept apart
    for block in blocks:
        first = block[0]
        if (
            out
            and first[0].islower()
            and (growing.continues() if growing is not None else _continues(out[-1][-1]))
        ):
            if growing is None:
                growing = _Line(out[-1].pop())
            growing.join(first)
            if len(block) > 1:
                out[-1].append(growing.text())
                out[-1].extend(block[1:])
                growing = None
            continue
        if growing is not None:
            out[-1].append(growing.text())
            growing = None
        out.append(list(block))
    if growing is not None:
        out[-1].append(growing.text())
    return out


def _continues(line: str) -> bool:
    """May a lower-case paragraph continue `line`: no end punctuation, no heading, no name?"""
    return (line[-1].islower() or line[-1] in ",-") and not is_structural(line) and not name_like(line)


class _Line:
    """A line put back together from pieces: hyphenated line ends, a paragraph split by a page break.

    Whether the next piece joins on depends on the whole line so far (`_hyphen_join`, `is_structural`,
    `name_like`), and a document may split one line into thousands of pieces (`a` + blank line, over
    and over). Asking again of the whole line after each piece is quadratic; this keeps what the three
    need up to date as pieces arrive, so each piece costs time in proportion to its own length.

    The line is kept as a settled part and a tail of at least `_TAIL` characters. `PAREN` (which
    `name_like` removes) spans at most 43 characters, so once a position is that far from the end,
    what the pattern does before it is final: the settled part is summarised once (its tokens for
    `name_like`, its last word part for `_hyphen_join`) and only the tail is read again. This relies on
    what `normalise` guarantees here: no line break in a line, no space at its ends, no two in a row.
    """

    def __init__(self, line: str) -> None:
        self._settled: list[str] = []
        self._tail = line
        self._head = ""  # the first _HEAD characters, once the line has settled anything
        self._segment = _Segment.of("")  # the settled part's last word part (after a space or `-`)
        # `PAREN.sub("", settled part)`, summarised: the first tokens, how many, the unfinished last one.
        self._tokens: list[str] = []
        self._count = 0
        self._partial: list[str] = []
        self._partial_length = 0
        self._unnamelike = False  # a digit or `:,;` in it, or too many tokens: never a name again

    def text(self) -> str:
        return "".join(self._settled) + self._tail

    def continues(self) -> bool:
        """`_continues(self.text())`."""
        end = self._tail[-1]
        if not (end.islower() or end in ",-"):
            return False
        # The line ends in a letter, `,` or `-`: of `is_structural`, only the start can say yes.
        structural = starts_structural(self._head) if self._settled else starts_structural(self._tail)
        return not structural and not self.name_like()

    def join(self, paragraph: str) -> None:
        """Continue the line with the paragraph, joining a word broken by a line-end hyphen."""
        rest = self.hyphen_join(paragraph)
        if rest is None:
            self.append(paragraph)
        elif rest:
            self.append(rest)

    def append(self, piece: str) -> None:
        self._tail += " " + piece
        self._settle()

    def hyphen_join(self, right: str) -> str | None:
        """`_hyphen_join(self.text(), right)`: join `right`'s first word and return the rest, or None."""
        tail = self._tail
        if (
            (len(tail) < 2 and not self._settled)
            or not tail.endswith("-")
            or not tail[-2].isalpha()
            or not right
        ):
            return None
        parts = _WORD_SEGMENTS.split(tail[:-1])
        segment = _Segment.of(parts[-1]) if len(parts) > 1 else self._segment + _Segment.of(parts[0])
        keep = _keeps_hyphen(segment, right)
        if keep is None:
            return None
        word, _, rest = right.partition(" ")
        self._tail = (tail if keep else tail[:-1]) + word
        self._settle()
        return rest

    def name_like(self) -> bool:
        """`name_like(self.text())`, reading only the tail and, rarely, the unfinished last token."""
        if self._unnamelike:
            return False
        out = PAREN.sub("", self._tail)
        if any(c.isdigit() or c in ":,;" for c in out):
            return False
        words = out.split()
        merged = bool(self._partial and words and not out[0].isspace())
        count = self._count + bool(self._partial) + len(words) - merged
        if not 2 <= count <= NAME_MAX_TOKENS:
            return False
        if self._partial and (not words or (merged and len(words) == 1)):
            # The last token continues the settled part's; a hyphenated chain makes it long, and a long
            # token ending in `-` is never a name token (see _NAME_TOKEN), so it need not be read.
            end = words[0][-1] if words else self._partial[-1][-1]
            if end == "-" and self._partial_length + (len(words[0]) if words else 0) > _INITIALS_MAX:
                return False
        return name_like_tokens([*self._tokens, *("".join(self._partial) + out).split()])

    def _settle(self) -> None:
        """Move all but the last `_TAIL` or so characters into the settled part."""
        tail = self._tail
        cut = len(tail) - _TAIL
        if cut <= 0:
            return
        spans = [m.span() for m in PAREN.finditer(tail)]
        inside = {i for start, end in spans for i in range(start + 1, end)}
        # A cut after a space could split a `\s*` run from the bracket it leads to.
        while cut > 0 and (cut in inside or tail[cut - 1].isspace()):
            cut -= 1
        if cut == 0:
            return
        done = tail[:cut]
        if not self._settled:
            self._head = tail[:_HEAD]
        self._settled.append(done)
        self._tail = tail[cut:]
        parts = _WORD_SEGMENTS.split(done)
        self._segment = _Segment.of(parts[-1]) if len(parts) > 1 else self._segment + _Segment.of(done)
        self._add_output(PAREN.sub("", done))

    def _add_output(self, out: str) -> None:
        if any(c.isdigit() or c in ":,;" for c in out):
            self._unnamelike = True
        if out[:1].isspace():
            self._finish_token()
        for k, word in enumerate(out.split()):
            if k:
                self._finish_token()
            self._partial.append(word)
            self._partial_length += len(word)
        if out[-1:].isspace():
            self._finish_token()

    def _finish_token(self) -> None:
        if not self._partial:
            return
        self._count += 1
        if self._count > NAME_MAX_TOKENS:
            self._unnamelike = True
        else:
            self._tokens.append("".join(self._partial))
        self._partial = []
        self._partial_length = 0
