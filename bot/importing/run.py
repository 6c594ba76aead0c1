"""`referat import`: turn existing referat documents into archived meetings.

Each file is read and parsed completely before anything is stored, and stored in one
transaction, so a refused or broken file leaves nothing behind while the others still import.
The same document imported twice is recognised by its content hash and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from bot.importing.parse import ImportedMeeting, NotAReferat, parse_referat, read_document
from bot.text.danish import counted
from bot.text.dates import format_long_da
from storage.records import EntryKind
from storage.store import Store

SUFFIXES = (".txt", ".docx")
PROGRESS_EVERY = 50


def documents(paths: Sequence[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files to import (folders searched recursively), and paths refused outright."""
    found: list[Path] = []
    refused: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        elif path.is_file():
            found.append(path)
        else:
            refused.append((path, "filen findes ikke"))
    return found, refused


def store_imported(store: Store, meeting: ImportedMeeting, source_name: str, now: dt.datetime) -> bool:
    """Store one parsed document; False when the same document was imported before."""
    stored = store.import_meeting(
        # Titles read from "Referat af kredsrådsmøde i …" start in lower case; meetings started in
        # Slack are typed "Kredsrådsmøde i …". One form keeps lists and answers consistent.
        title=meeting.title[:1].upper() + meeting.title[1:],
        date=meeting.date,
        place=meeting.place,
        time_of_day=meeting.time_of_day,
        opening=meeting.opening,
        source_name=source_name,
        content_hash=meeting.content_hash,
        participants=[
            {
                "name": p.name,
                "title": p.title,
                "organisation": p.organisation,
                "absent": p.absent,
                "role": p.role,
                "initials": p.initials,
            }
            for p in meeting.participants
        ],
        agenda=[(i.number, i.title, i.bullets, i.background) for i in meeting.agenda],
        entries=[
            {
                "item_number": e.item_number,
                "kind": e.kind,
                "text": e.text,
                "speaker": e.speaker,
                "owner": e.owner,
                "due": e.due,
            }
            for e in meeting.entries
        ],
        now=now,
    )
    return stored is not None


def describe(meeting: ImportedMeeting) -> str:
    decisions = sum(1 for e in meeting.entries if e.kind is EntryKind.DECISION)
    actions = sum(1 for e in meeting.entries if e.kind is EntryKind.ACTION)
    return (
        f"{meeting.title}, {format_long_da(meeting.date)}: {counted(len(meeting.agenda), 'punkt')}, "
        f"{counted(len(meeting.participants), 'person')}, {counted(len(meeting.entries), 'notering')}, "
        f"{counted(decisions, 'beslutning')} og {counted(actions, 'opgave')}"
    )


def import_paths(store: Store, paths: Iterable[Path], *, out: TextIO, err: TextIO, now: dt.datetime) -> int:
    """Import every document; prints what was recognised per file. Exit code 1 if any was refused."""
    files, refused = documents(list(paths))
    for path, reason in refused:
        print(f"{path}: afvist – {reason}", file=err)
    with store.batch_durability():
        return _import_files(store, files, refused, out=out, err=err, now=now)


def _import_files(
    store: Store,
    files: list[Path],
    refused: list[tuple[Path, str]],
    *,
    out: TextIO,
    err: TextIO,
    now: dt.datetime,
) -> int:
    imported = already = 0
    for number, path in enumerate(files, start=1):
        try:
            meeting = parse_referat(read_document(path), source_name=path.name)
        except NotAReferat as error:
            refused.append((path, str(error)))
            print(f"{path}: afvist – {error}", file=err)
            continue
        if store_imported(store, meeting, path.name, now):
            imported += 1
            print(f"{path}: importeret – {describe(meeting)}", file=out)
        else:
            already += 1
            print(f"{path}: allerede importeret – intet ændret", file=out)
        for warning in meeting.warnings:
            print(f"{path}: advarsel – {warning}", file=out)
        if len(files) > PROGRESS_EVERY and number % PROGRESS_EVERY == 0:
            print(f"… {number}/{len(files)} filer", file=err)
    print(
        f"{imported} importeret, {already} allerede importeret, {len(refused)} afvist.",
        file=out,
    )
    return 1 if refused else 0
