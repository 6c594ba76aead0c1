"""`referat import`: turn existing referat documents into archived meetings.

Each file is read and parsed completely before anything is stored, and stored in one
transaction, so a refused or broken file leaves nothing behind while the others still import.
The same document imported twice is recognised by its content hash and changes nothing.

One file never stops the run: whatever goes wrong with it (unreadable, malformed, not a referat,
not a regular file) refuses that file by name, and the next one is read. A database that another
process is writing to is waited for, not given up on: the live bot's writes are short.
"""

from __future__ import annotations

import datetime as dt
import errno
import functools
import logging
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TextIO

from bot.archive.ask import remember_vocabulary
from bot.importing.imported import ImportedMeeting, NotAReferat
from bot.importing.parse import parse_referat
from bot.importing.read import read_document
from bot.importing.report import dry_run_lines
from bot.text.danish import counted
from bot.text.dates import format_long_da
from bot.text.files import file_kind
from bot.text.hygiene import escape_controls
from bot.text.sizes import oversized_paragraph
from storage.index_upkeep import worth_merging
from storage.records import EntryKind
from storage.store import Store

log = logging.getLogger(__name__)


def _say(line: str, *, file: TextIO) -> None:
    """One line of the report: file names and imported titles come from outside, so no escapes pass."""
    print(escape_controls(line, keep_layout=True), file=file)


SUFFIXES = (".txt", ".docx", ".pdf")
PROGRESS_EVERY = 50
# How long one document waits for a database that other writers hold, retrying, before it is refused.
LOCK_PATIENCE_S = 60.0


def _not_regular(path: Path) -> str | None:
    """Why `path` cannot be imported as a file or searched as a folder, or None when it can."""
    try:
        mode = os.stat(path).st_mode  # follows symbolic links: a link to a referat imports it
    except FileNotFoundError:
        return "filen findes ikke"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "et symbolsk link, der peger i ring"
        return f"filen kunne ikke læses ({error.strerror or error})"
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return f"{file_kind(mode)}, ikke en almindelig fil"


def documents(paths: Sequence[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files to import (folders searched recursively), and paths refused outright."""
    found: list[Path] = []
    refused: list[tuple[Path, str]] = []
    for path in paths:
        if reason := _not_regular(path):
            refused.append((path, reason))
        elif path.is_dir():
            # Links to folders are not followed: a link back up the tree would never end.
            for folder, _, names in sorted(os.walk(path)):
                for name in sorted(names):
                    candidate = Path(folder) / name
                    if candidate.suffix.lower() not in SUFFIXES:
                        continue
                    if reason := _not_regular(candidate):
                        refused.append((candidate, reason))
                    else:
                        found.append(candidate)
        else:
            found.append(path)
    return found, refused


def patiently(write: Callable[[], bool], *, patience: float = LOCK_PATIENCE_S) -> bool:
    """Run `write`; while another process holds the database, wait and try again (up to `patience` s)."""
    deadline = time.monotonic() + patience
    pause = 0.05
    while True:
        try:
            return write()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)  # another writer holds the database; its transactions are short
        pause = min(pause * 2, 1.0)


def store_imported(
    store: Store,
    meeting: ImportedMeeting,
    source_name: str,
    now: dt.datetime,
    channel_id: str | None = None,
    team_id: str | None = None,
) -> bool:
    """Store one parsed document; False when the same document was imported before.

    `channel_id` puts the meeting in a Slack channel: only those who may read that channel read it.
    Without one it is readable by every full member of the workspace, like a public channel's.
    `team_id` names that workspace; without it the meeting joins the installation's workspace.
    """
    stored = store.import_meeting(
        channel_id=channel_id,
        team_id=team_id,
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
                "co_speakers": e.co_speakers,
                "owner": e.owner,
                "due": e.due,
                **({"vote": e.vote, "voters": e.voters} if e.vote else {}),
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


def _read(path: Path, refused: list[tuple[Path, str]], err: TextIO) -> ImportedMeeting | None:
    """The document parsed, or None after refusing it by name (the reason on `err` and in `refused`)."""
    try:
        return parse_referat(read_document(path), source_name=path.name)
    except NotAReferat as error:
        refused.append((path, str(error)))
        _say(f"{path}: afvist – {error}", file=err)
    except Exception as error:
        # A malformed file the readers did not foresee: refuse it by name, and go on.
        log.debug("reading %s failed", path, exc_info=error)
        refused.append((path, type(error).__name__))
        _say(f"{path}: afvist – filen kunne ikke læses ({type(error).__name__})", file=err)
    return None


def dry_run_paths(paths: Iterable[Path], *, out: TextIO, err: TextIO) -> int:
    """Read and parse every document and print how it was read; store nothing. Exit 1 if any is refused."""
    files, refused = documents(list(paths))
    for path, reason in refused:
        _say(f"{path}: afvist – {reason}", file=err)
    for path in files:
        if (meeting := _read(path, refused, err)) is None:
            continue
        _say(f"== {path}", file=out)
        for line in dry_run_lines(meeting):
            _say(line, file=out)
    return 1 if refused else 0


# From this many meetings merging the search indexes takes long enough to be announced (0.1 s at
# 1,000, about 10 s at 100,000).
MERGE_NOTICE_FROM = 1000
NOT_MERGED = (
    "Søgeindeksene blev ikke samlet (databasen var optaget eller fuld). Importen er gemt, "
    "og spørgsmål besvares som før; en senere stor import samler dem."
)


def import_paths(
    store: Store,
    paths: Iterable[Path],
    *,
    out: TextIO,
    err: TextIO,
    now: dt.datetime,
    channel_id: str | None = None,
    team_id: str | None = None,
) -> int:
    """Import every document; prints what was recognised per file. Exit code 1 if any was refused."""
    files, refused = documents(list(paths))
    for path, reason in refused:
        _say(f"{path}: afvist – {reason}", file=err)
    before = store.archive.change_marker()
    meetings_before = store.archive.meeting_count()
    with store.batch_durability():
        code = _import_files(
            store, files, refused, out=out, err=err, now=now, channel_id=channel_id, team_id=team_id
        )
    store.flush_search_documents()
    meetings = store.archive.meeting_count()
    if worth_merging(meetings - meetings_before, meetings):
        # A large import leaves the search indexes in many pieces; one piece answers faster.
        if meetings >= MERGE_NOTICE_FROM:
            _say("Søgeindeksene samles, så spørgsmål besvares hurtigere …", file=err)
        try:
            with store.batch_durability():
                store.merge_search_indexes()
        except sqlite3.OperationalError as error:
            # The documents are stored; only the merge is left undone, and questions are answered as before.
            log.warning("the search indexes were not merged after the import: %s", error)
            _say(NOT_MERGED, file=err)
    if store.archive.change_marker() != before:
        # The archive's words changed: keep its stored vocabulary current for the processes that answer.
        remember_vocabulary(store.archive)
    return code


def _import_files(
    store: Store,
    files: list[Path],
    refused: list[tuple[Path, str]],
    *,
    out: TextIO,
    err: TextIO,
    now: dt.datetime,
    channel_id: str | None,
    team_id: str | None,
) -> int:
    imported = already = 0
    for number, path in enumerate(files, start=1):
        if (meeting := _read(path, refused, err)) is None:
            continue
        if too_long := oversized_paragraph((e.item_number, e.text) for e in meeting.entries):
            refused.append((path, too_long))
            _say(f"{path}: afvist – {too_long}", file=err)
            continue
        try:
            stored = patiently(
                functools.partial(store_imported, store, meeting, path.name, now, channel_id, team_id)
            )
        except sqlite3.OperationalError as error:
            refused.append((path, str(error)))
            _say(
                f"{path}: afvist – databasen var optaget i over {LOCK_PATIENCE_S:.0f} s; prøv igen", file=err
            )
            continue
        if stored:
            imported += 1
            _say(f"{path}: importeret – {describe(meeting)}", file=out)
        else:
            already += 1
            _say(f"{path}: allerede importeret – intet ændret", file=out)
        for warning in meeting.warnings:
            _say(f"{path}: advarsel – {warning}", file=out)
        if meeting.unplaced:
            shown = "; ".join(f"«{line[:60]}»" for line in meeting.unplaced[:3])
            _say(f"{path}: note – {counted(len(meeting.unplaced), 'linje')} ikke placeret: {shown}", file=out)
        if meeting.dropped:
            dropped = counted(len(meeting.dropped), "linje")
            _say(
                f"{path}: note – {dropped} fra websiden udeladt (kommentarfelt, cookies, hilsen; se --dry-run)",
                file=out,
            )
        if len(files) > PROGRESS_EVERY and number % PROGRESS_EVERY == 0:
            _say(f"… {number}/{len(files)} filer", file=err)
    _say(
        f"{imported} importeret, {already} allerede importeret, {len(refused)} afvist.",
        file=out,
    )
    return 1 if refused else 0
