"""Votes and arrivals/departures in an imported referat, read from the sentences minutes write them in.

The body parser (bot.importing.body) reads every paragraph as a statement or a decision; this pass
turns the council's record among them into entries of their own, so an imported meeting answers
"hvordan stemte …?" and "hvem deltog i punkt 3?" like one logged in Slack:

* `Afstemning om <forslag>: For stemte 3 (A, B og C), imod stemte 1 (D), 1 undlod at stemme (E).`
  (the bot's own form), `For: 5, imod: 2, undlod: 1`, `For stemte: A og B. Imod stemte: C`, and
  `<forslag> blev vedtaget med 5 stemmer mod 2` / `… med 5 stemmer for og 2 imod`; the outcome
  sentence after it (`Forslaget blev vedtaget.`) is kept only where it differs from simple majority.
* `<Titel> <Navn> deltog fra punkt 3.`, `… ankom under punkt 3`, `… forlod mødet under punkt 4`,
  `… forlod mødet efter punkt 4` (took part in 4, not from 5), `… gik under punkt 4`.

Anything that does not read cleanly stays the statement it was: a misread vote would be a wrong
record, a statement left as it was is not.

Pure: imported records in, imported records out.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from bot.importing.imported import ImportedEntry, ImportedParticipant
from bot.referat.votes import STATED_WORDS, outcome
from storage.records import EntryKind, Vote

_ITEM = r"(?:behandlingen\s+af\s+)?(?:punkt|pkt\.?)\s*(?P<num>\d{1,3})"
_PRESENCE = re.compile(
    r"^(?P<who>.+?)\s+(?P<verb>deltog\s+(?:først\s+)?fra|ankom\s+(?:under|til|ved)|kom\s+(?:under|til)|"
    r"forlod\s+mødet\s+(?:under|efter)|gik\s+(?:under|efter))\s+" + _ITEM + r"\s*\.?$",
    re.IGNORECASE,
)
_VOTE_HEAD = re.compile(
    r"^(?:Afstemning|Ved\s+afstemning(?:en)?)\s+(?:om\s+)?(?P<prop>.+?)\s*:\s*(?P<rest>.+)$", re.I | re.S
)
_COUNT = r"(?P<n>\d{1,3}|ingen)"
_NAMES = r"(?:\s*\((?P<names>[^)]*)\))?"
_SIDE_PATTERNS = (
    ("for", re.compile(r"(?<!\w)for\s+stemte\s*:?\s*" + _COUNT + _NAMES, re.I)),
    ("imod", re.compile(r"(?<!\w)imod\s+stemte\s*:?\s*" + _COUNT + _NAMES, re.I)),
    ("undlod", re.compile(r"(?<!\w)" + _COUNT + r"\s+undlod\s+at\s+stemme" + _NAMES, re.I)),
    ("for", re.compile(r"(?<!\w)for\s*:\s*" + _COUNT + _NAMES, re.I)),
    ("imod", re.compile(r"(?<!\w)imod\s*:\s*" + _COUNT + _NAMES, re.I)),
    (
        "undlod",
        re.compile(
            r"(?<!\w)(?:undlod(?:\s+at\s+stemme)?|hverken\s+for\s+eller\s+imod)\s*:\s*" + _COUNT + _NAMES,
            re.I,
        ),
    ),
)
# `For stemte: A, B og C` — names without a count.
_SIDE_NAMES = (
    ("for", re.compile(r"(?<!\w)for\s+stemte\s*:\s*(?P<names>[^\d.][^.]*)", re.I)),
    ("imod", re.compile(r"(?<!\w)imod\s+stemte\s*:\s*(?P<names>[^\d.][^.]*)", re.I)),
    ("undlod", re.compile(r"(?<!\w)undlod\s+at\s+stemme\s*:\s*(?P<names>[^\d.][^.]*)", re.I)),
)
_WITH_VOTES = re.compile(
    r"^(?P<prop>.+?)\s+blev\s+(?P<out>vedtaget|forkastet)\s+med\s+(?P<for>\d{1,3})\s+stemmer?\s+"
    r"(?:for\s+og\s+(?P<against>\d{1,3})\s+imod|mod\s+(?P<against2>\d{1,3}))"
    r"(?:[,\s]+(?:og\s+)?(?P<abst>\d{1,3})\s+(?:undlod|blanke?)[^.]*)?\s*\.?$",
    re.IGNORECASE,
)
_OUTCOME_SENTENCE = re.compile(
    r"^Forslaget\s+(?:blev\s+)?(?P<out>vedtaget|forkastet|bortfaldt)(?P<tie>\s+ved\s+stemmelighed)?\s*\.?$",
    re.I,
)
_OUTCOME_IN = re.compile(
    r"(?<!\w)Forslaget\s+(?:blev\s+)?(?P<out>vedtaget|forkastet|bortfaldt)(?P<tie>\s+ved\s+stemmelighed)?",
    re.I,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|\s+og\s+)\s*")


def read_record(
    entries: Sequence[ImportedEntry], people: Sequence[ImportedParticipant]
) -> list[ImportedEntry]:
    """`entries` with votes and arrivals/departures as entries of their kinds."""
    out: list[ImportedEntry] = []
    for entry in entries:
        merged = _with_outcome(out[-1], entry) if out and entry.kind is EntryKind.DECISION else None
        if merged is not None:
            out[-1] = merged
            continue
        if entry.kind is not EntryKind.STATEMENT:
            out.append(entry)
            continue
        out.append(_presence(entry, people) or _vote(entry, people) or entry)
    return out


def _person(text: str, people: Sequence[ImportedParticipant]) -> str | None:
    """The participant a name (with or without title) is: the longest name it ends with or holds."""
    folded = " ".join(text.split()).casefold().strip(" ,.")
    found = [
        p.name for p in people if folded == p.name.casefold() or folded.endswith(" " + p.name.casefold())
    ]
    if not found:
        found = [p.name for p in people if re.search(rf"(?<!\w){re.escape(p.name.casefold())}(?!\w)", folded)]
    return max(found, key=len) if found else None


def _presence(entry: ImportedEntry, people: Sequence[ImportedParticipant]) -> ImportedEntry | None:
    m = _PRESENCE.match(" ".join(entry.text.split()))
    if m is None:
        return None
    who = _person(m["who"], people)
    if who is None:
        return None
    verb = m["verb"].casefold()
    number = int(m["num"])
    if verb.startswith(("deltog", "ankom", "kom")):
        return ImportedEntry(number, EntryKind.ARRIVED, who, who)
    # Left after item n: took part in n, not from n + 1 on.
    return ImportedEntry(number + 1 if "efter" in verb else number, EntryKind.LEFT, who, who)


def _count(value: str) -> int:
    return 0 if value.casefold() == "ingen" else int(value)


def _names(value: str | None, people: Sequence[ImportedParticipant]) -> tuple[str, ...] | None:
    """The participants a list of names is, or None when one of them is not on the list."""
    if not value or not value.strip():
        return ()
    parts = [p for p in _NAME_SPLIT.split(value.strip().rstrip(".")) if p]
    found = [_person(p, people) for p in parts]
    if any(f is None for f in found):
        return None
    return tuple(dict.fromkeys(f for f in found if f))


def _vote(entry: ImportedEntry, people: Sequence[ImportedParticipant]) -> ImportedEntry | None:
    text = " ".join(entry.text.split())
    if m := _WITH_VOTES.match(text):
        against = int(m["against"] or m["against2"])
        vote = Vote(int(m["for"]), against, int(m["abst"] or 0))
        return _stated(
            dataclasses.replace(entry, kind=EntryKind.VOTE, text=m["prop"], speaker=None, co_speakers=()),
            vote,
            m["out"],
        )
    head = _VOTE_HEAD.match(text)
    if head is None:
        return None
    rest = head["rest"]
    counts: dict[str, int] = {}
    voters: dict[str, tuple[str, ...]] = {}
    for side, pattern in _SIDE_PATTERNS:
        if side in counts or (found := pattern.search(rest)) is None:
            continue
        names = _names(found["names"], people)
        if names is None or (names and len(names) != _count(found["n"])):
            return None
        counts[side], voters[side] = _count(found["n"]), names
    for side, pattern in _SIDE_NAMES:
        if side in counts or (found := pattern.search(rest)) is None:
            continue
        names = _names(found["names"], people)
        if not names:
            return None
        counts[side], voters[side] = len(names), names
    if "for" not in counts or "imod" not in counts:
        return None
    vote = Vote(counts["for"], counts["imod"], counts.get("undlod", 0))
    entry = dataclasses.replace(
        entry,
        kind=EntryKind.VOTE,
        text=head["prop"],
        speaker=None,
        co_speakers=(),
        voters=(voters.get("for", ()), voters.get("imod", ()), voters.get("undlod", ())),
    )
    tail = _OUTCOME_IN.search(rest)
    return _stated(entry, vote, tail["out"] if tail and not tail["tie"] else None)


def _stated(entry: ImportedEntry, vote: Vote, word: str | None) -> ImportedEntry:
    """The vote with an outcome stated only where it differs from what simple majority gives."""
    if word is not None:
        stated = STATED_WORDS.get(word.casefold())
        if stated is not None and stated is not outcome(vote):
            vote = dataclasses.replace(vote, stated=word.casefold())
    return dataclasses.replace(entry, vote=vote)


def _with_outcome(vote_entry: ImportedEntry, decision: ImportedEntry) -> ImportedEntry | None:
    """`Forslaget blev vedtaget.` after a vote: the vote's outcome, not a decision of its own."""
    m = _OUTCOME_SENTENCE.match(" ".join(decision.text.split()))
    if (
        m is None
        or vote_entry.kind is not EntryKind.VOTE
        or vote_entry.vote is None
        or decision.item_number != vote_entry.item_number
    ):
        return None
    if m["tie"]:
        return vote_entry if outcome(vote_entry.vote).value == "stemmelighed" else None
    return _stated(vote_entry, vote_entry.vote, m["out"])
