"""What an import makes of a document: the meeting as read, or the reason it is not a referat.

Plain records, handed from the parser (bot.importing.parse) to the importer that stores them
(bot.importing.run); nothing here reads or writes anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.errors import ReferatError
from storage.records import EntryKind, Vote


class NotAReferat(ReferatError):
    """The input is not a referat the importer can read; the message names the reason in Danish."""


@dataclass(frozen=True)
class ImportedParticipant:
    name: str
    title: str | None
    organisation: str | None  # "kommunen", "politiet", ... from a `Fra <org>:` group
    absent: bool  # listed under Afbud / Fraværende
    role: str | None  # "referent", "formand", ...
    initials: str | None  # "SH" from `Susanne Holm (SH)`


@dataclass(frozen=True)
class ImportedItem:
    number: int
    title: str
    bullets: tuple[str, ...]
    background: tuple[str, ...]  # paragraphs under the item in the agenda


@dataclass(frozen=True)
class ImportedEntry:
    item_number: int
    kind: EntryKind
    text: str  # verbatim; it already carries its attribution where the source had one
    speaker: str | None  # participant name exactly as in the participant list
    owner: str | None = None  # actions: participant name (or the raw initials/name when unknown)
    due: dt.date | None = None
    co_speakers: tuple[str, ...] = ()  # `A og B orienterede ...`: B (and further names) here
    vote: Vote | None = None  # a VOTE (bot.importing.record): the counts; the voters are named below
    voters: tuple[tuple[str, ...], ...] = ()  # participant names voting for, against, abstaining


@dataclass(frozen=True)
class ImportedMeeting:
    title: str  # meeting type and host as written, e.g. "kredsrådsmøde i Holstebro Kommune"
    date: dt.date
    place: str | None
    time_of_day: str | None
    opening: str | None  # text after `Referat:` that belongs to no item
    participants: tuple[ImportedParticipant, ...]
    agenda: tuple[ImportedItem, ...]
    entries: tuple[ImportedEntry, ...]
    warnings: tuple[str, ...]  # Danish, for the person importing
    content_hash: str  # sha256 hex of the normalised text: the same document imports once
    unplaced: tuple[str, ...] = ()  # lines above the agenda that are neither header nor sentence
    dropped: tuple[str, ...] = ()  # the web page's furniture around the minutes (comment forms, …)
