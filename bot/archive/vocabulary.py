"""The archive's words, kept compact: what a question word may be expanded to.

Danish inflects and compounds (`Trekanten`, `narkokriminalitet`), people type `oe` for `ø` and make
typos, so a question's topic term is expanded against every term of the FTS indexes: exact and
inflected forms, the compounds it starts or ends, and rapidfuzz neighbours of an unknown word.

An archive of 10,000 meetings has some 180,000 terms and one of 100,000 meetings about a million.
Held as Python strings, lists and dicts they took some 90 MB per 180,000 terms and most of a new
process's first second. Here they are a handful of flat objects instead: every term joined in one
string, their comparison keys joined in another, and arrays of where each starts and how many
documents hold it, in the order of their keys, plus their order by key read backwards. A word, its
inflections and the compounds it starts or ends are all found by binary search, never by a scan
of the vocabulary (which took 12 ms per new word at 100,000 meetings). That layout is also what is
stored (storage/vocabulary.py keeps it as it is), so a new process reads it without building.

Pure: no Slack, no database.
"""

from __future__ import annotations

import bisect
import heapq
import operator
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from itertools import accumulate

from rapidfuzz import fuzz, process

from storage.vocabulary import PackedTerms

MAX_EXPANSIONS = 200  # per term: enough for every compound of a stem, small enough for FTS5
FUZZY_CUTOFF = 85  # rapidfuzz ratio for typo neighbours (measured: no wrong hits at 85)
MIN_CONTAINS = 4  # a term this long also finds every word containing it (compounds)
MIN_STEM = 5  # inflection endings are stripped only when this much of the word remains
MIN_MODIFIER = 3  # a term found inside a word needs this many letters before it (a compound's first part)

# Danish noun and adjective endings, longest first, in folded form. A vocabulary word counts as an
# inflection of a stem when it is the stem plus one of these.
ENDINGS: tuple[str, ...] = (
    "ernes",
    "erne",
    "enes",
    "ene",
    "ens",
    "ere",
    "ers",
    "ets",
    "nes",
    "en",
    "er",
    "es",
    "et",
    "ne",
    "ts",
    "e",
    "n",
    "s",
    "t",
    "",
)
_ENDING_SET = frozenset(ENDINGS)
# Offsets are 32-bit: the joined terms of an archive stay far below 2 GiB.
_OFFSET = "l" if array("l").itemsize == 4 else "i"


def index_form(word: str) -> str:
    """A word as the FTS tokenizer stores it: case folded, diacritics removed (å→a), æ and ø kept."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold_index_forms(text: str) -> str:
    """`fold` of text already in index form: æ→ae, ø→oe, aa→a (newlines keep `aa` within a word)."""
    return text.replace("æ", "ae").replace("ø", "oe").replace("aa", "a")


def fold(word: str) -> str:
    """The comparison key: index form with æ→ae, ø→oe and aa→a, so every Danish spelling meets."""
    return _fold_index_forms(index_form(word))


def stem(key: str) -> str:
    """A folded word without its inflection ending, when enough of it remains."""
    for ending in ENDINGS:
        if ending and key.endswith(ending) and len(key) - len(ending) >= MIN_STEM:
            return key[: -len(ending)]
    return key


class _Joined:
    """The strings of one joined text by index (`bisect` searches it without splitting it)."""

    def __init__(self, text: str, starts: array[int]) -> None:
        self.text = text
        self.starts = starts  # where each string starts, and one past the last one's newline

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, index: int) -> str:
        starts = self.starts
        return self.text[starts[index] : starts[index + 1] - 1]

    def length(self, index: int) -> int:
        return self.starts[index + 1] - self.starts[index] - 1


def _starts(strings: Iterable[str]) -> array[int]:
    """Where each string starts once they are joined with a newline after each, and the end."""
    return array(_OFFSET, accumulate(map((1).__add__, map(len, strings)), initial=0))


def pack(terms: Sequence[str], docs: Sequence[int]) -> PackedTerms:
    """Lay out the terms (in order) and their document counts as a vocabulary keeps them: in the
    order of their keys. A million terms are packed in the background of a running service, so
    each step drops what the next does not need (per-term strings are most of the memory)."""
    if not terms:
        return PackedTerms("", "", array(_OFFSET, [0]).tobytes(), array(_OFFSET, [0]).tobytes(), b"", b"")
    keys = _fold_index_forms("\n".join(terms)).split("\n")
    order = sorted(range(len(keys)), key=keys.__getitem__)  # stable: equal keys keep term order
    term_text = "\n".join(map(terms.__getitem__, order)) + "\n"
    term_starts = _starts(map(terms.__getitem__, order)).tobytes()
    key_text = "\n".join(map(keys.__getitem__, order)) + "\n"
    key_starts = _starts(map(keys.__getitem__, order)).tobytes()
    counts = array(_OFFSET, map(docs.__getitem__, order)).tobytes()
    del keys, order
    # The keys read backwards are the joined keys reversed, split: last key first.
    backwards = key_text[-2::-1].split("\n")
    last = len(backwards) - 1
    by_suffix = sorted(range(len(backwards)), key=backwards.__getitem__)
    del backwards
    return PackedTerms(
        terms=term_text,
        keys=key_text,
        term_starts=term_starts,
        key_starts=key_starts,
        docs=counts,
        suffix_order=array(_OFFSET, map(last.__sub__, by_suffix)).tobytes(),
    )


def _array(data: bytes) -> array[int]:
    values = array(_OFFSET)
    values.frombytes(data)
    return values


class _Backwards:
    """The keys read backwards, in their sorted order: `bisect` finds every key ending alike."""

    def __init__(self, keys: _Joined, order: array[int]) -> None:
        self.keys = keys
        self.order = order

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, index: int) -> str:
        # One Python call per read, not two (`self.keys[…]`): a binary search reads a few per step.
        starts, at = self.keys.starts, self.order[index]
        return self.keys.text[starts[at] : starts[at + 1] - 1][::-1]


# Bounds of a range of sorted keys: a key followed by _FIRST sorts after the key itself and before
# every longer key it starts; followed by _LAST, after every key it starts (keys are folded letters).
_FIRST = "\x00"
_LAST = "\U0010ffff"
# Every SAMPLE_STEP-th string of a sorted sequence is kept as a plain list, so a binary search runs
# in C over the samples and reads only a few strings of the packed text (one Python call each).
SAMPLE_STEP = 16


class _Sampled:
    """A sorted sequence of strings with every SAMPLE_STEP-th kept aside for `bisect`.

    A question word new to the process costs some forty binary searches (its inflections, and the
    compounds it ends); over a million packed terms each took twenty string reads in Python.
    """

    def __init__(self, strings: _Joined | _Backwards) -> None:
        self.strings = strings
        self.samples = [strings[i] for i in range(0, len(strings), SAMPLE_STEP)]

    def bisect_left(self, x: str, lo: int = 0) -> int:
        """The first index whose string is not less than `x`, at or after `lo`."""
        b = bisect.bisect_left(self.samples, x)
        start = max(lo, (b - 1) * SAMPLE_STEP)
        end = b * SAMPLE_STEP if b < len(self.samples) else len(self.strings)
        return bisect.bisect_left(self.strings, x, start, max(start, end))


class Vocabulary:
    """The terms of the archive's FTS indexes, ready for expansion of question words.

    Expanding a word costs binary searches: for its inflections and the compounds it starts in the
    keys, for the compounds it ends in the keys read backwards; and, for a word the archive does
    not hold, a rapidfuzz pass over the words that share its first letter and have a length that
    can reach the cutoff.
    """

    def __init__(self, terms: Iterable[tuple[str, int]] | PackedTerms) -> None:
        if isinstance(terms, PackedTerms):
            packed = terms
        else:
            pairs = sorted(terms)
            packed = pack([t for t, _ in pairs], [d for _, d in pairs])
        self.packed = packed
        self._terms = _Joined(packed.terms, _array(packed.term_starts))
        self._keys = _Joined(packed.keys, _array(packed.key_starts))
        self._docs = _array(packed.docs)
        self._backwards = _Backwards(self._keys, _array(packed.suffix_order))
        self._sorted_keys = _Sampled(self._keys)
        self._sorted_backwards = _Sampled(self._backwards)
        # Per first letter: its words' indexes ordered by length, and those lengths (made on first use).
        self._buckets: dict[str, tuple[array[int], array[int]]] = {}
        self._cache: dict[str, tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self._docs)

    def _lookup(self, key: str) -> range:
        """The indexes of the terms whose key is `key` (`ae` and `æ` spellings share one)."""
        lo = self._sorted_keys.bisect_left(key)
        return range(lo, self._sorted_keys.bisect_left(key + _FIRST, lo))

    def _docs_of(self, term: str) -> int:
        for i in self._lookup(_fold_index_forms(term)):
            if self._terms[i] == term:
                return self._docs[i]
        return 0

    def _bucket(self, letter: str) -> tuple[array[int], array[int]]:
        """Fuzzy candidates starting with `letter`, sorted by length (a typo rarely hits the first letter)."""
        bucket = self._buckets.get(letter)
        if bucket is None:
            keys = self._keys
            lo = self._sorted_keys.bisect_left(letter)
            hi = self._sorted_keys.bisect_left(chr(ord(letter) + 1), lo)
            # Built in C-level passes (map over arrays): a letter holds tens of thousands of words.
            starts = keys.starts[lo : hi + 1]
            spans = array(_OFFSET, map(operator.sub, starts[1:], starts[:-1]))  # length + 1
            order = sorted(range(hi - lo), key=spans.__getitem__)
            bucket = (
                array(_OFFSET, map(lo.__add__, order)),
                array(_OFFSET, map((-1).__add__, map(spans.__getitem__, order))),
            )
            self._buckets[letter] = bucket
        return bucket

    def warm(self) -> None:
        """Lay out every first letter's typo candidates now, not when a question first needs them.

        A service does this once when it takes a vocabulary: at 100,000 meetings a letter takes
        some 15 ms, which the first question with a new word of each letter paid otherwise.
        """
        keys, lo = self._keys, 0
        while lo < len(keys):
            letter = keys[lo][:1]
            if letter:  # no key is empty; were one, it would have no letter to lay out
                self._bucket(letter)
            lo = self._sorted_keys.bisect_left(letter + _LAST, lo + 1)

    def knows(self, word: str) -> bool:
        """Whether the word, in any spelling that folds the same, is in the archive."""
        return bool(self._lookup(fold(word)))

    def frequency(self, alternatives: Iterable[str]) -> int:
        """Roughly how many rows match any alternative (a phrase counts as its rarest word)."""
        total = 0
        for alternative in alternatives:
            words = alternative.split()
            total += min((self._docs_of(w) for w in words), default=0)
        return total

    def expand(self, word: str) -> tuple[str, ...]:
        """The vocabulary terms that count as `word`: best first, at most MAX_EXPANSIONS."""
        key = fold(word)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        result = self._expand(key)
        if len(self._cache) > 4096:
            self._cache.clear()
        self._cache[key] = result
        return result

    def _expand(self, key: str) -> tuple[str, ...]:
        if not key:
            return ()
        rank: dict[int, int] = {}  # term index → 0 exact, 1 inflection, 2 compound, 3 typo

        def add(indexes: Iterable[int], level: int) -> None:
            for i in indexes:
                if rank.get(i, 9) > level:
                    rank[i] = level

        exact = self._lookup(key)
        add(exact, 0)
        root = stem(key)
        if len(key) >= MIN_CONTAINS:
            # The stem starts the word, its inflections and the compounds it begins: one range.
            keys, cut = self._keys, len(root)
            for i in self._starting(root):
                if keys[i][cut:] in _ENDING_SET:
                    add((i,), 1)
                elif keys[i].startswith(key):
                    add((i,), 2)
            add(self._compounds_ending(key, root), 2)
        else:
            for ending in ENDINGS:
                add(self._lookup(root + ending), 1)
        if len(key) >= MIN_STEM and not exact:
            # Only a word the archive does not hold is read as a possible typo: a word it holds is
            # meant as written, and its neighbours are other words (most of the cost of a new word).
            add((i for _, i in self._similar(key, FUZZY_CUTOFF, spread=1.353)), 3)
        best = heapq.nsmallest(MAX_EXPANSIONS, rank, key=lambda i: (rank[i], -self._docs[i], self._terms[i]))
        return tuple(self._terms[i] for i in best)

    def _starting(self, prefix: str) -> range:
        """The indexes of the keys that start with `prefix` (they sort together)."""
        lo = self._sorted_keys.bisect_left(prefix)
        return range(lo, self._sorted_keys.bisect_left(prefix + _LAST, lo))

    def _ending(self, suffix: str) -> list[int]:
        """The indexes of the keys that end with `suffix` (they sort together read backwards)."""
        wanted = suffix[::-1]
        j = self._sorted_backwards.bisect_left(wanted)
        if j == len(self._backwards) or not self._backwards[j].startswith(wanted):
            return []  # most endings make no word: one search, not two
        return self._backwards.order[j : self._sorted_backwards.bisect_left(wanted + _LAST, j)].tolist()

    def _compounds_ending(self, key: str, root: str) -> list[int]:
        """Compounds whose last part is the word or an inflection of it (`partnervold`,
        `narkokriminaliteten`), found by binary search in the keys read backwards."""
        keys = self._keys
        found: list[int] = []
        for suffix in {root + ending for ending in ENDINGS} | {key + ending for ending in ENDINGS}:
            # A compound's first part has at least MIN_MODIFIER letters.
            found += [i for i in self._ending(suffix) if keys.length(i) - len(suffix) >= MIN_MODIFIER]
        return found

    def _similar(self, key: str, cutoff: float, *, spread: float) -> list[tuple[float, int]]:
        """(score, index) of words within rapidfuzz ratio `cutoff`, among lengths that can reach it."""
        if not key:
            return []
        order, lengths = self._bucket(key[:1])
        lo = bisect.bisect_left(lengths, int(len(key) / spread))
        hi = bisect.bisect_right(lengths, int(len(key) * spread) + 1)
        candidates = order[lo:hi]
        keys = self._keys
        ends = map((-1).__add__, map(keys.starts.__getitem__, map((1).__add__, candidates)))
        choices = list(map(keys.text.__getitem__, map(slice, map(keys.starts.__getitem__, candidates), ends)))
        matches = process.extract(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
        return [(score, candidates[pos]) for _, score, pos in matches]

    def nearest(self, word: str, *, limit: int = 5) -> list[str]:
        """Vocabulary words that look most like `word` (for "did you mean"), most common first on ties."""
        key = fold(word)
        if len(key) < 3:
            return []
        scored = sorted(
            (-score, -self._docs[i], self._terms[i], i) for score, i in self._similar(key, 70, spread=2.0)
        )
        out: list[str] = []
        for _, _, term, index in scored:
            if term not in out and self._keys[index] != key and len(term) >= 3 and not term.isdigit():
                out.append(term)
            if len(out) == limit:
                break
        return out
