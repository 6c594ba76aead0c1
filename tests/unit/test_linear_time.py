"""Long hostile text costs time in proportion to its length, and the fast paths decide as the plain ones.

Questions arrive as Slack mentions and imports as whole documents, so 100 kB of one character or one
short piece repeated is ordinary input. A pattern searched with a leading unbounded run, or a check
re-run over a line that keeps growing, makes that quadratic: minutes for 100 kB. The timing bounds
are generous (the linear code needs a tenth of them, the quadratic code took ten times them or more).

The rewrites that made them linear must decide exactly as before: `split_page` against the regex it
replaced, and the importer's `_Line` against the whole-line checks (`name_like`, `_continues`,
`_hyphen_join`), which stay in bot.importing.clean and .vocabulary as the plain reference.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.archive.question import parse_question, split_page
from bot.importing import clean, vocabulary
from bot.importing import parse as importer
from bot.meeting.parse import CommandError, parse_command

NOW = dt.datetime(2026, 11, 27, 13, 0, tzinfo=dt.UTC)
SIZE = 100_000


def _seconds(action: Callable[[], object]) -> float:
    """CPU seconds of this thread: what the code costs, not how long a busy machine kept it waiting."""
    started = time.thread_time()
    action()
    return time.thread_time() - started


def _repeat(piece: str, size: int = SIZE) -> str:
    return (piece * (size // len(piece) + 1))[:size]


# ---------------------------------------------------------------------------------------------
# Questions: the `side N` / `page N` suffix.

# What split_page read before: searched from every position, so quadratic in a run of spaces, `(`
# or `,`, and in the spaces between the page number and something after it.
_PAGE_REGEX = re.compile(r"[\s,(]*\b(?:side|page|s\.|p\.)\s*(\d{1,4})\s*\)?[\s?.!]*$", re.IGNORECASE)


def _split_page_by_regex(text: str) -> tuple[str, int | None]:
    m = _PAGE_REGEX.search(text)
    if m is None or m.start() == 0:
        return text, None
    return text[: m.start()].rstrip(), max(1, int(m.group(1)))


suffix_pieces = st.sampled_from(
    (
        *("side", "SIDE", "ſide", "page", "Page", "s.", "p.", "S.", "P."),
        *(" ", "\n", "\t", "\x1c", "\u3000", "\u00a0", ",", "(", ")", "?", ".", "!"),
        *("0", "7", "12", "2024", "99999", "٣", "a", "é", "_", "-", "x2", "hvad"),
    )
)


@settings(max_examples=250, deadline=None)
@given(text=st.lists(suffix_pieces, max_size=14).map("".join))
def test_split_page_reads_the_suffix_the_regex_read(text: str) -> None:
    assert split_page(text) == _split_page_by_regex(text)


@pytest.mark.parametrize(
    "text",
    [
        "side 1" + " " * SIZE + "x",
        "hvad" + "(" * SIZE + "side 2",
        "hvad" + "\t" * SIZE + "side 2",
        "hvad" + "\u3000" * SIZE + "page 2?",
        _repeat("side 2 "),
        _repeat("(,"),
    ],
    ids=["spaces-after-the-number", "brackets-before", "tabs-before", "wide-spaces", "page-words", "mixed"],
)
def test_a_long_question_is_read_in_linear_time(text: str) -> None:
    assert _seconds(lambda: parse_question(text, now=NOW)) < 2.0


# ---------------------------------------------------------------------------------------------
# The /referat parser.


@pytest.mark.parametrize("run", [" ", "\n"])
def test_a_long_action_is_parsed_in_linear_time(run: str) -> None:
    text = "ad 1 opgave: ring" + run * 6_000 + "til Helle"

    def parse() -> None:
        with contextlib.suppress(CommandError):
            parse_command(text, now=NOW)

    # Linear work on 6 000 characters takes milliseconds.
    assert _seconds(parse) < 0.3


# ---------------------------------------------------------------------------------------------
# The importer: lines re-assembled from hyphenated line ends and paragraphs split by page breaks.


@pytest.mark.parametrize(
    "piece",
    ["a\n\n", "ab-\n", "a-\n", "ab-\n\n", "x (y) Zz\n\n", "b)d(e\n\n", "Anna Bb-\n\ncd-\n\n", "(q q)\n\n"],
)
def test_a_document_of_many_pieces_imports_in_linear_time(piece: str) -> None:
    text = "Referat af kredsrådsmøde 19. marts 2024\n\nAd 1. Orientering\n\n" + _repeat(piece)

    def run() -> None:
        with contextlib.suppress(importer.NotAReferat):
            importer.parse_referat(text)

    # Each of these took 10–20 s before, growing with the square of the size.
    assert _seconds(run) < 3.0


# Words that make the whole-line checks go every way: names, particles, initials, title words,
# brackets that `_name_like` removes or keeps, hyphens that join or stay, digits and colons, and
# long words and brackets so that lines outgrow what `_Line` re-reads.
WORDS = (
    *("a", "ab", "Anna", "Berg", "Bb", "Zz", "von", "de", "H.C.", "A.-", "B.", "formand", "direktør"),
    *("it", "tv", "sms", "og", "eller", "Ad", "AD", "pkt.", "1.", "12", "3)", "-", "–", "•", "o", "a)", "b."),
    *("(", ")", "(a)", "(BH)", "(x", "(e", "x)", "x)y(z", "(1)", ",", ":", ";", "æ", "Ø", "é", "ë", "'", "’"),
    *("«", "Aa-", "cd-", "ab-", "Bb-", "-a", "x(", "side", "2", "af", "Øster-", "gaard", "Σ", "İ", "ſ", "_"),
    *("a" * 30, "B" + "b" * 40, "(" + "q" * 39 + ")", "(" + "q" * 40 + ")", "(" + "q " * 19 + "q)"),
)
words = st.sampled_from(WORDS)
lines = st.lists(words, min_size=1, max_size=4).map(" ".join)
# Lines that stay name-like while they grow, and brackets closed a piece or two later.
NAMEY = (
    *("Anna", "Berg", "Bb", "Zz", "von", "H.C.", "A.-", "Aa-", "cd-", "B" * 40),
    *("(x", "x)", "x)y(z", "(q q)", "a" * 30),
)
namey_lines = st.lists(st.sampled_from(NAMEY), min_size=1, max_size=3).map(" ".join)


def _grow(start: str, steps: list[tuple[bool, str]]) -> None:
    """Grow a `_Line` piece by piece; after each piece it answers as the whole-line checks do."""
    line, text = clean._Line(start), start
    for hyphen_first, piece in steps:
        assert line.text() == text
        assert line.name_like() == vocabulary.name_like(text), text
        if text[-1].islower() or text[-1] in ",-":
            assert line.continues() == clean._continues(text), text
        if hyphen_first:
            joined = clean._hyphen_join(text, piece)
            assert line.hyphen_join(piece) == (joined[1] if joined else None)
            if joined is not None:
                text = joined[0]
                if joined[1]:
                    line.append(joined[1])
                    text += " " + joined[1]
                continue
        line.append(piece)
        text += " " + piece
    assert line.text() == text
    assert line.name_like() == vocabulary.name_like(text), text


@settings(max_examples=200, deadline=None)
@given(
    start=st.one_of(lines, namey_lines),
    steps=st.one_of(
        st.lists(st.tuples(st.booleans(), lines), max_size=100),
        st.lists(st.tuples(st.booleans(), namey_lines), max_size=100),
    ),
)
def test_a_growing_line_answers_as_the_whole_line_would(start: str, steps: list[tuple[bool, str]]) -> None:
    _grow(start, steps)


GROUP = "(" + "q" * 39 + ")"


@pytest.mark.parametrize(
    ("start", "pieces"),
    [
        # A bracket closed two pieces later, after more than the re-read tail: removed after all.
        ("Anna", ["(x", "a" * 30, "x)", "Berg"]),
        # Initials whose token straddles the settled part and the tail, ending in `-`.
        ("Anna", [f"A.{GROUP}{GROUP}-B.-"]),
        ("Anna", [f"A.{GROUP}{GROUP}-B.", "-"]),
        # A word hyphenated over many pieces after a name; then the word ends.
        ("Anna Bb-", ["cd-"] * 40 + ["ef", "Berg"]),
        ("Anna B.-", ["C.-"] * 3 + ["cd-"] * 30),
        # A bullet and a heading, decided by the line's start long after it settled.
        ("-", ["a", "b" * 80, "c"]),
        ("Ad", ["pkt 3 " + "a" * 80, "b"]),
        # A capital long before the hyphen keeps it; a settled run of small letters does not.
        ("x", ["A" + "a" * 79 + "-", "bc-", "de"]),
        ("x", ["a" * 80 + "-", "bc-", "de"]),
    ],
)
def test_a_growing_line_answers_as_the_whole_line_would_on_awkward_pieces(
    start: str, pieces: list[str]
) -> None:
    _grow(start, [(True, piece) for piece in pieces])
    _grow(start, [(False, piece) for piece in pieces])


def _rejoin_whole_lines(blocks: list[list[str]]) -> list[list[str]]:
    """`_rejoin_blocks` as it was: every check on the whole line (quadratic, but plainly right)."""
    out: list[list[str]] = []
    for block in blocks:
        if out and block[0][0].islower() and clean._continues(out[-1][-1]):
            joined = clean._hyphen_join(out[-1][-1], block[0])
            if joined is None:
                out[-1][-1] += " " + block[0]
            else:
                out[-1][-1] = joined[0] + (" " + joined[1] if joined[1] else "")
            out[-1].extend(block[1:])
        else:
            out.append(list(block))
    return out


def _join_hyphenated_whole_lines(lines: list[str]) -> list[str]:
    """`_join_hyphenated` as it was."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        while i + 1 < len(lines) and lines[i + 1] and (joined := clean._hyphen_join(line, lines[i + 1])):
            line, rest = joined
            if rest:
                lines[i + 1] = rest
                break
            i += 1
        out.append(line)
        i += 1
    return out


blocks = st.lists(st.lists(lines, min_size=1, max_size=3), max_size=60)


@settings(max_examples=200, deadline=None)
@given(blocks=st.one_of(blocks, st.tuples(lines, st.integers(10, 120)).map(lambda t: [[t[0]]] * t[1])))
def test_paragraphs_are_rejoined_as_the_whole_line_checks_would(blocks: list[list[str]]) -> None:
    assert clean._rejoin_blocks(blocks) == _rejoin_whole_lines(blocks)


@settings(max_examples=200, deadline=None)
@given(raw=st.lists(st.one_of(lines, st.just("")), max_size=80))
def test_hyphenated_lines_are_joined_as_the_whole_line_checks_would(raw: list[str]) -> None:
    assert clean._join_hyphenated(list(raw)) == _join_hyphenated_whole_lines(list(raw))


@settings(max_examples=250, deadline=None)
@given(token=st.text(alphabet="AaBÆæøé.-'’ëï", min_size=clean._INITIALS_MAX + 1).map(lambda t: t + "-"))
def test_only_short_name_tokens_end_in_a_hyphen(token: str) -> None:
    """`_Line.name_like` skips reading a long last token that ends in `-`: no name token does."""
    assert not vocabulary.is_name_token(token)
