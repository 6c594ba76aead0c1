"""Parsers for what is said under an agenda item: `ad` (statements, decisions, actions with owner and
deadline), `protokollat`, `inhabil`, `fravær`, and `tilføjelse` to an approved referat.

`parse_entry` is also how `ret` reads an edited entry, so an edit is read exactly as a new entry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from bot.meeting.commands import AddAddition, Command, ItemNote, LogEntry
from bot.meeting.fields import MENTION_RE, collapse
from bot.meeting.subcommands import SUBCOMMANDS, Subcommand, echo, fail
from bot.text.deadlines import DEADLINE_WORDS
from storage.records import EntryKind

_AD = next(s for s in SUBCOMMANDS if s.name == "ad")
_ITEM_REF = re.compile(r"(?:(?:pkt|punkt)\.?\s*)?(?P<num>[0-9]+)(?P<frac>[.,][0-9]+)?", re.IGNORECASE)
# `beslutning: …` and `beslutning …` alike; the word must stand alone (`Opgaven blev …` is a statement).
_KIND_LABEL = re.compile(
    r"(?P<label>beslutning|decision|opgave|action|opfølgning|to-?do|to do)"
    r"(?:\s*(?P<public>\(\s*(?:offentlig|public)\s*\)))?(?:\s*:\s*|\s+(?=\S))",
    re.IGNORECASE,
)
_DECISION_LABELS = frozenset({"beslutning", "decision"})
# Searched for the keyword alone: a leading `[,;]?\s*` would be retried from every position of a run
# of spaces (quadratic); `_clause_start` then takes in the spaces and one `,`/`;` before it.
_DUE_RE = re.compile(
    r"(?<![\w-])(?:" + "|".join(DEADLINE_WORDS) + r")(?![\w-])\s*(?P<colon>:)?\s*", re.IGNORECASE
)
_OWNER_RE = re.compile(r"(?<![\w-])(?:ansvarlig|owner|responsible)(?:\s*:\s*|\s+(?=<@))", re.IGNORECASE)
_MAX_NUMBER = 9999


def parse_item_number(sub: Subcommand, text: str) -> tuple[int, str]:
    """The agenda item number at the start of `ad` text and what follows it."""
    body = re.sub(r"^\s*[.:]?\s*", "", text, count=1)
    if not body:
        raise fail(sub, "Skriv punktets nummer og teksten.")
    m = _ITEM_REF.match(body)
    if m is None:
        first = body.split()[0]
        raise fail(sub, f'"{echo(first)}" er ikke et punktnummer. Skriv nummeret som et tal, fx ad 3.')
    if m["frac"]:
        raise fail(sub, f'"{echo(m.group(0))}" er ikke et helt tal. Skriv punktets nummer, fx ad 3.')
    # Item 0 holds the opening remarks, which belong to no agenda item.
    if len(m["num"]) > 4 or not 0 <= int(m["num"]) <= _MAX_NUMBER:
        raise fail(sub, f"Punkt {echo(m['num'])} findes ikke: punkterne er nummereret fra 1.")
    after = re.sub(r"^[ \t]*[:.\-–—)]?", "", body[m.end() :], count=1)
    return int(m["num"]), after.strip()


def parse_dissent(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    number, body = parse_item_number(sub, rest)
    if not body:
        raise fail(sub, f"Skriv hvad du ønsker ført til protokol under punkt {number}.")
    return ItemNote(EntryKind.DISSENT, number, body)


def note_on_person(kind: EntryKind) -> Callable[[Subcommand, str, dt.datetime], Command]:
    def parse(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
        number, who = parse_item_number(sub, rest)
        mentions = list(MENTION_RE.finditer(who))
        if len(mentions) > 1:
            raise fail(sub, "Skriv én person ad gangen.")
        name = collapse(MENTION_RE.sub(" ", who)) or None
        if not mentions and name is None:
            raise fail(sub, f"Skriv hvem det gælder under punkt {number}: navn eller @bruger.")
        user_id = mentions[0]["uid"] if mentions else None
        return ItemNote(kind, number, collapse(who), user_id, name)

    return parse


def parse_addition(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    text = rest.strip()
    if not text:
        raise fail(sub, "Skriv tilføjelsens tekst.")
    return AddAddition(text)


def parse_ad(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    number, body = parse_item_number(sub, rest)
    if not body:
        raise fail(sub, f"Mangler teksten til punkt {number}.")
    return parse_entry(number, body)


def parse_entry(number: int, body: str) -> LogEntry:
    """What an entry's text says: its kind, and for an action the owner and the deadline's words.

    `/referat ad` and `/referat ret` both read text through here, so an edited entry is read exactly
    as a new one would be.
    """
    sub = _AD
    label = _KIND_LABEL.match(body)
    if label is None:
        return LogEntry(number, EntryKind.STATEMENT, body)
    text = body[label.end() :].strip()
    if label["label"].casefold() in _DECISION_LABELS:
        if not text:
            raise fail(sub, f"Beslutningen til punkt {number} mangler tekst.")
        return LogEntry(number, EntryKind.DECISION, text, public=bool(label["public"]))
    if label["public"]:
        raise fail(sub, "Kun en beslutning kan markeres (offentlig), fx ad 2 beslutning (offentlig): …")
    return _parse_action(sub, number, text)


def _clause_start(text: str, keyword_start: int) -> int:
    """Where a `frist`/`ansvarlig` clause starts: its keyword, with the spaces and one `,`/`;` before it."""
    start = keyword_start
    while start > 0 and text[start - 1].isspace():
        start -= 1
    if start > 0 and text[start - 1] in ",;":
        start -= 1
    return start


def _parse_action(sub: Subcommand, number: int, text: str) -> LogEntry:
    due_text: str | None = None
    due_matches = list(_DUE_RE.finditer(text))
    if due_matches:
        # Only the last deadline word is the deadline; earlier ones belong to the task's own wording.
        dm = due_matches[-1]
        tail = text[dm.end() :]
        stop = re.search(r"<@|(?<![\w-])(?:ansvarlig|owner|responsible)(?![\w-])", tail, re.IGNORECASE)
        due_text = (tail[: stop.start()] if stop else tail).strip().rstrip(".,;").strip()
        text = text[: _clause_start(text, dm.start())] + " " + (tail[stop.start() :] if stop else "")

    owner_user_id: str | None = None
    owner_name: str | None = None
    if om := _OWNER_RE.search(text):
        owner_text = text[om.end() :].strip().rstrip(".,;")
        text = text[: _clause_start(text, om.start())]
        mention = MENTION_RE.search(owner_text)
        if mention:
            owner_user_id = mention["uid"]
            owner_name = collapse(MENTION_RE.sub(" ", owner_text)) or (mention["label"] or "").strip() or None
        else:
            owner_name = collapse(owner_text) or None
        if owner_user_id is None and owner_name is None:
            raise fail(sub, "Skriv hvem der er ansvarlig efter ansvarlig:.")
    else:
        stripped = text.strip().rstrip(".,;").strip()
        mentions = list(MENTION_RE.finditer(stripped))
        # Only a mention at the very start or end names the owner; one inside the task is wording.
        owner = None
        if mentions and mentions[-1].end() == len(stripped):
            owner = mentions[-1]
        elif mentions and mentions[0].start() == 0:
            owner = mentions[0]
        if owner is not None:
            owner_user_id = owner["uid"]
            owner_name = (owner["label"] or "").strip() or None
            text = stripped[: owner.start()] + " " + stripped[owner.end() :]

    task = re.sub(r"[ \t]{2,}", " ", text).strip().strip(",;–—-").strip()
    if not task:
        raise fail(sub, f"Opgaven til punkt {number} mangler en beskrivelse.")
    return LogEntry(number, EntryKind.ACTION, task, owner_user_id, owner_name, due_text)
