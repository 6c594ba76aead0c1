"""Parse the text after `/referat` into a Command, or refuse it with a short Danish message.

Pure: no Slack, no store. The listener turns a Command into store calls and a reply; checks that need
the meeting (does item 7 exist?) get pure helpers here (`unknown_item_message`) so they can be tested
without Slack; who speaks is `bot.meeting.speakers`.

This module is the parser's front door: it dispatches through the one registry
(`bot.meeting.subcommands`) to the parsers of each family (`parse_frame`: the meeting, its people and
agenda; `parse_entries`: what is said under an item; the small ones here), and re-exports the commands
(`bot.meeting.commands`) so callers need one import.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence

from bot.meeting.commands import (
    AddAbsent,
    AddAddition,
    AddParticipant,
    AgendaItemSpec,
    Ask,
    CancelMeeting,
    CloseItem,
    Command,
    CompileDraft,
    DeleteEntry,
    EditEntry,
    EditMeeting,
    Export,
    ExportAktindsigt,
    HandOver,
    ItemNote,
    ListActions,
    LogEntry,
    MarkCommentHandled,
    MarkDone,
    NextMeeting,
    RecordVote,
    RemovePerson,
    SetAgenda,
    SetApprovers,
    ShowHelp,
    ShowStatus,
    StartMeeting,
    Undo,
    VotePart,
)
from bot.meeting.fields import MENTION_RE, collapse
from bot.meeting.parse_entries import (
    note_on_person,
    parse_ad,
    parse_addition,
    parse_dissent,
    parse_entry,
)
from bot.meeting.parse_frame import (
    closed_title,
    impossible_time,
    normalise_organisation,
    parse_absent,
    parse_agenda,
    parse_next,
    parse_participant,
    parse_start,
    person_fields,
)
from bot.meeting.parse_votes import parse_vote
from bot.meeting.subcommands import (
    COMMAND,
    SUBCOMMANDS,
    CommandError,
    Subcommand,
    closest_subcommand,
    echo,
    fail,
    help_text,
    subcommand,
    unknown_subcommand,
)
from bot.referat.formats import CHOOSE_FORMAT
from bot.text.hygiene import clean_input
from bot.text.sizes import command_too_long, entry_too_long, question_too_long
from storage.records import EntryKind

# Callers name commands, the registry and the helpers through this module, the parser's one front door.
__all__ = [
    "COMMAND",
    "SUBCOMMANDS",
    "AddAbsent",
    "AddAddition",
    "AddParticipant",
    "AgendaItemSpec",
    "Ask",
    "CancelMeeting",
    "CloseItem",
    "Command",
    "CommandError",
    "CompileDraft",
    "DeleteEntry",
    "EditEntry",
    "EditMeeting",
    "Export",
    "ExportAktindsigt",
    "HandOver",
    "ItemNote",
    "ListActions",
    "LogEntry",
    "MarkCommentHandled",
    "MarkDone",
    "NextMeeting",
    "RecordVote",
    "RemovePerson",
    "SetAgenda",
    "SetApprovers",
    "ShowHelp",
    "ShowStatus",
    "StartMeeting",
    "Subcommand",
    "Undo",
    "VotePart",
    "closed_title",
    "closest_subcommand",
    "help_text",
    "impossible_time",
    "normalise_organisation",
    "parse_command",
    "parse_entry",
    "subcommand",
    "unknown_item_message",
]

_FORMAT_WORDS = {
    "md": "md",
    "markdown": "md",
    "txt": "txt",
    "tekst": "txt",
    "text": "txt",
    "docx": "docx",
    "word": "docx",
    "pdf": "pdf",
    "pdf/a": "pdf",
}


def _no_arguments(command: Command) -> Callable[[Subcommand, str, dt.datetime], Command]:
    def parse(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
        extra = rest.strip().strip(".!:")
        if not extra:
            return command
        hint = ""
        if sub.name == "fortryd" and re.fullmatch(r"#?[0-9]{1,6}", extra):
            hint = (
                f" Vil du slette notering {extra.lstrip('#')}, så skriv {COMMAND} slet {extra.lstrip('#')}."
            )
        raise fail(sub, f'"{sub.name}" skal ikke have noget efter sig.{hint}')

    return parse


_SEQ_RE = re.compile(r"\s*#?(?P<num>[0-9]+)(?![0-9])")


def _parse_seq(sub: Subcommand, rest: str) -> tuple[int, str]:
    m = _SEQ_RE.match(rest)
    if m is None or len(m["num"]) > 6:
        raise fail(sub, f"Skriv nummeret på noteringen, fx {sub.name} 12. Numrene står i {COMMAND} status.")
    seq = int(m["num"])
    if seq < 1:
        raise fail(sub, "Noteringerne er nummereret fra 1.")
    return seq, rest[m.end() :]


def _parse_edit(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    if m := re.match(r"\s*(?:møde|moede|meeting)(?![\w-])\s*:?", rest, re.IGNORECASE):
        start = parse_start(sub, rest[m.end() :], now)
        assert isinstance(start, StartMeeting)
        return EditMeeting(start)
    seq, after = _parse_seq(sub, rest)
    text = re.sub(r"^[ \t]*[:.\-–—]?", "", after, count=1).strip()
    if not text:
        raise fail(sub, f"Skriv den nye tekst efter nummeret {seq}.")
    return EditEntry(seq, text)


def _parse_delete(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    seq, after = _parse_seq(sub, rest)
    if after.strip().strip("."):
        raise fail(sub, f'Slet tager kun ét nummer, ikke "{echo(after.strip())}".')
    return DeleteEntry(seq)


def _parse_handled(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    number, after = _parse_seq(sub, rest)
    if after.strip().strip("."):
        raise fail(sub, f'Skriv kun kommentarens nummer, ikke "{echo(after.strip())}".')
    return MarkCommentHandled(number)


def _parse_remove(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    if "|" in rest:
        raise fail(sub, "Skriv kun navnet eller @bruger på den, der skal fjernes.")
    name, user_id, _, _, _ = person_fields(sub, rest)
    return RemovePerson(None if user_id else name, user_id)


def _parse_item(sub: Subcommand, rest: str) -> int:
    m = re.fullmatch(r"\s*(?:(?:pkt|punkt)\.?\s*)?#?(?P<num>[0-9]{1,4})\s*\.?\s*", rest, re.IGNORECASE)
    if m is None or int(m["num"]) < 1:
        raise fail(sub, f"Skriv punktets nummer, fx {sub.name} 2.")
    return int(m["num"])


def _parse_close(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    return CloseItem(_parse_item(sub, rest), closed=True)


def _parse_open(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    return CloseItem(_parse_item(sub, rest), closed=False)


def _parse_hand_over(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    found = [m["uid"] for m in MENTION_RE.finditer(rest)]
    leftover = MENTION_RE.sub(" ", rest).strip()
    if len(set(found)) != 1 or leftover:
        raise fail(sub, "Skriv den nye referent som én @bruger.")
    return HandOver(found[0])


def _parse_approvers(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    user_ids = tuple(dict.fromkeys(m["uid"] for m in MENTION_RE.finditer(rest)))
    leftover = MENTION_RE.sub(" ", rest)
    leftover = re.sub(r"(?<![\w-])(?:og|and)(?![\w-])|[,;&+]", " ", leftover, flags=re.IGNORECASE).strip()
    if leftover:
        raise fail(sub, f'Skriv godkenderne som @bruger; "{echo(leftover)}" er ikke en Slack-bruger.')
    if not user_ids:
        raise fail(sub, "Skriv mindst én godkender som @bruger.")
    return SetApprovers(user_ids)


def _parse_ask(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    question = rest.strip()
    if not question:
        raise fail(sub, "Skriv dit spørgsmål efter spørg.")
    return Ask(question)


def _parse_export(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    if m := re.match(r"\s*(?:aktindsigt|akt-?indsigt|foi)(?![\w-])", rest, re.IGNORECASE):
        return _parse_aktindsigt(sub, rest[m.end() :])
    word = rest.strip().strip(".").lstrip(".").casefold()
    if not word:
        return Export(None)
    if word in _FORMAT_WORDS:
        return Export(_FORMAT_WORDS[word])
    raise fail(sub, f'Kan ikke eksportere som "{echo(word)}". {CHOOSE_FORMAT}')


def _parse_aktindsigt(sub: Subcommand, rest: str) -> Command:
    """`eksport aktindsigt 3 [pdf]`: the item, then the format if given."""
    words = rest.split()
    fmt: str | None = None
    if words and words[-1].strip(".").lstrip(".").casefold() in _FORMAT_WORDS:
        fmt = _FORMAT_WORDS[words.pop().strip(".").lstrip(".").casefold()]
    m = re.fullmatch(r"(?:(?:pkt|punkt)\.?\s*)?#?(?P<num>[0-9]{1,4})\.?", " ".join(words), re.IGNORECASE)
    if m is None or int(m["num"]) < 1:
        raise fail(sub, "Skriv punktets nummer efter aktindsigt, fx eksport aktindsigt 3 pdf.")
    return ExportAktindsigt(int(m["num"]), fmt)


_MINE_WORDS = frozenset({"mine", "min", "mig", "my", "mine.", "me"})
_ALL_WORDS = frozenset({"alle", "all", "også", "udførte", "inkl"})


def _parse_actions(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    mentions = list(dict.fromkeys(m["uid"] for m in MENTION_RE.finditer(rest)))
    if len(mentions) > 1:
        raise fail(sub, "Skriv én person ad gangen.")
    words = [w.strip(".,;") for w in MENTION_RE.sub(" ", rest).casefold().split()]
    mine = any(w in _MINE_WORDS for w in words)
    include_done = any(w in _ALL_WORDS for w in words)
    unknown = [w for w in words if w and w not in _MINE_WORDS and w not in _ALL_WORDS]
    if unknown:
        raise fail(sub, f'Forstår ikke "{echo(unknown[0])}". Skriv mine, @person eller alle.')
    if mine and mentions:
        raise fail(sub, "Skriv enten mine eller @person, ikke begge.")
    return ListActions(mentions[0] if mentions else None, mine, include_done)


def _parse_done(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    if _SEQ_RE.match(rest) is None:
        raise fail(sub, f"Skriv opgavens nummer, fx udført 7. Numrene står i {COMMAND} opgaver.")
    number, after = _parse_seq(sub, rest)
    note = re.sub(r"^[ \t]*[:.\-–—]?", "", after, count=1).strip()
    return MarkDone(number, note or None)


def _parse_help(sub: Subcommand, rest: str, now: dt.datetime) -> Command:
    topic = collapse(rest).removeprefix(COMMAND).strip()
    if not topic:
        return ShowHelp(None)
    known = subcommand(topic.split()[0])
    return ShowHelp(known.name if known else topic)


_PARSERS: dict[str, Callable[[Subcommand, str, dt.datetime], Command]] = {
    "start": parse_start,
    "deltager": parse_participant,
    "afbud": parse_absent,
    "dagsorden": parse_agenda,
    "ad": parse_ad,
    "fortryd": _no_arguments(Undo()),
    "ret": _parse_edit,
    "slet": _parse_delete,
    "fjern": _parse_remove,
    "aflys": _no_arguments(CancelMeeting()),
    "behandlet": _parse_handled,
    "lukket": _parse_close,
    "åben": _parse_open,
    "referent": _parse_hand_over,
    "status": _no_arguments(ShowStatus()),
    "udkast": _no_arguments(CompileDraft()),
    "protokollat": parse_dissent,
    "afstemning": parse_vote,
    "ankommet": note_on_person(EntryKind.ARRIVED),
    "gået": note_on_person(EntryKind.LEFT),
    "inhabil": note_on_person(EntryKind.CONFLICT),
    "fravær": note_on_person(EntryKind.AWAY),
    "tilføjelse": parse_addition,
    "godkendere": _parse_approvers,
    "eksport": _parse_export,
    "opgaver": _parse_actions,
    "udført": _parse_done,
    "næste": parse_next,
    "spørg": _parse_ask,
    "hjælp": _parse_help,
}
assert set(_PARSERS) == {s.name for s in SUBCOMMANDS}, "every registered subcommand needs a parser"


# ---------------------------------------------------------------- the entry point


_FIRST_WORD = re.compile(r"\s*(?P<word>\?|[^\W\d_]+)")


def parse_command(text: str, *, now: dt.datetime) -> Command:
    """Turn everything after `/referat` into a Command; raise CommandError with a Danish message."""
    if too_long := command_too_long(text):
        # Refused before any parsing: its cost would grow with the text.
        raise CommandError(too_long)
    # Control, bidi and zero-width characters never reach a title, a name or an entry.
    text = clean_input(unicodedata.normalize("NFC", text)).replace("\u00a0", " ")
    if not text.strip():
        return ShowHelp(None)
    if suggestion := _meant_ad(text):
        raise CommandError(suggestion)
    m = _FIRST_WORD.match(text)
    if m is None:
        raise unknown_subcommand(text.split()[0])
    sub = subcommand(m["word"])
    if sub is None:
        raise unknown_subcommand(m["word"])
    return _within_sizes(sub, _PARSERS[sub.name](sub, text[m.end() :], now))


def _within_sizes(sub: Subcommand, command: Command) -> Command:
    """The command, unless an entry or question in it is longer than bot/text/sizes.py allows."""
    match command:
        case LogEntry(text=text) | EditEntry(text=text) | ItemNote(text=text) | AddAddition(text=text):
            refusal = entry_too_long(text)
        case Ask(question=question):
            refusal = question_too_long(question)
        case _:
            refusal = None
    if refusal is not None:
        raise fail(sub, refusal)
    return command


_ITEM_FIRST = re.compile(
    r"\s*(?:pkt\.?\s*|punkt\s+)?(?P<num>[0-9]{1,4})(?![0-9.,][0-9])\s*[.:)\-–]?\s*(?P<rest>.*)", re.S | re.I
)
_NAME_FIRST = re.compile(r"\s*(?P<name>[A-ZÆØÅ][\w.-]*(?:\s+[A-ZÆØÅ][\w.-]*)+)\s+\S")


def _meant_ad(text: str) -> str | None:
    """`/referat 2 …` or `/referat Helle Kyndesen takkede …`: an entry without `ad`; say how to write it."""
    if m := _ITEM_FIRST.fullmatch(text):
        rest = m["rest"].strip()
        if rest:
            return f"Mente du: {COMMAND} ad {m['num']} {echo(rest)}\nSkriv ad foran punktets nummer."
        return None
    first = text.split()[0]
    if subcommand(first) is None and _NAME_FIRST.match(text):
        return (
            f"Mente du: {COMMAND} ad <punkt> {echo(text.strip())}\n"
            f"Skriv ad og punktets nummer foran teksten, fx {COMMAND} ad 1 {echo(text.strip())}"
        )
    return None


# ---------------------------------------------------------------- helpers for the listener


def unknown_item_message(number: int, existing: Sequence[tuple[int, str]]) -> str:
    """Danish reply when `ad <number>` names an item that is not on the meeting's agenda."""
    if not existing:
        return (
            f"Punkt {number} findes ikke: mødet har ingen dagsorden endnu. Sæt den med {COMMAND} dagsorden."
        )
    listed = "\n".join(f"{n}. {title}" for n, title in sorted(existing))
    return f"Punkt {number} findes ikke på dagsordenen. Punkterne er:\n{listed}"
