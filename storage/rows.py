"""Records to table rows and back: the one place that knows how a record is stored as a row.

Timestamps are ISO-8601 UTC text, dates ISO text, lists JSON; `storage.store` reads and writes the
tables and hands these conversions the rows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from storage.records import (
    Action,
    AgendaItem,
    Draft,
    Entry,
    EntryKind,
    Meeting,
    MeetingStatus,
    Participant,
    Vote,
)


# The meetings columns, for queries that read a meeting beside another table's row.
def in_workspace(team_id: str | None) -> tuple[str, list[str]]:
    """The condition (and its parameter) that keeps a channel lookup inside one workspace.

    Meetings are aliased `m`. None means any workspace (the console, the command line); meetings
    stored before workspaces were recorded belong to whichever asks, as they did.
    """
    if team_id is None:
        return "", []
    return " and (m.team_id = ? or m.team_id is null)", [team_id]


MEETING_COLUMNS = (
    "id",
    "title",
    "date",
    "place",
    "time_of_day",
    "status",
    "channel_id",
    "starter_user_id",
    "opening",
    "source_name",
    "content_hash",
    "created_utc",
    "approved_utc",
    "team_id",
    "enterprise_id",
)


def iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value is not None else None


def parse_dt(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def parse_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def agenda_rows(
    meeting_id: int, items: Iterable[tuple[int, str, Sequence[str], Sequence[str]]]
) -> Iterator[dict[str, Any]]:
    for number, title, bullets, background in items:
        yield {
            "meeting_id": meeting_id,
            "number": number,
            "title": title,
            "bullets": json.dumps(list(bullets), ensure_ascii=False),
            "background": json.dumps(list(background), ensure_ascii=False),
        }


def required_dt(value: str) -> dt.datetime:
    parsed = parse_dt(value)
    assert parsed is not None
    return parsed


def participant_fields(p: Participant) -> dict[str, Any]:
    return {"name": p.name, "title": p.title, "organisation": p.organisation, "absent": p.absent}


def meeting_from(r: dict[str, Any]) -> Meeting:
    return Meeting(
        id=r["id"],
        title=r["title"],
        date=dt.date.fromisoformat(r["date"]),
        place=r["place"],
        status=MeetingStatus(r["status"]),
        channel_id=r["channel_id"],
        starter_user_id=r["starter_user_id"],
        created_utc=required_dt(r["created_utc"]),
        time_of_day=r["time_of_day"],
        opening=r["opening"],
        source_name=r["source_name"],
        content_hash=r["content_hash"],
        approved_utc=parse_dt(r["approved_utc"]),
        team_id=r.get("team_id"),
        enterprise_id=r.get("enterprise_id"),
    )


def participant_from(r: Mapping[str, Any] | sqlite3.Row) -> Participant:
    return Participant(
        id=r["id"],
        meeting_id=r["meeting_id"],
        name=r["name"],
        title=r["title"],
        organisation=r["organisation"],
        absent=bool(r["absent"]),
        slack_user_id=r["slack_user_id"],
        role=r["role"],
        initials=r["initials"],
        position=r["position"],
    )


def agenda_item_from(r: Mapping[str, Any] | sqlite3.Row) -> AgendaItem:
    return AgendaItem(
        id=r["id"],
        meeting_id=r["meeting_id"],
        number=r["number"],
        title=r["title"],
        bullets=tuple(json.loads(r["bullets"] or "[]")),
        background=tuple(json.loads(r["background"] or "[]")),
        # A database before m020 has no `closed` column (migrations read it that way). `keys()`: `in`
        # on an sqlite3.Row looks among the values.
        closed=bool(r["closed"]) if "closed" in r.keys() else False,  # noqa: SIM118
    )


def entry_from(r: dict[str, Any]) -> Entry:
    return Entry(
        id=r["id"],
        meeting_id=r["meeting_id"],
        seq=r["seq"],
        item_number=r["item_number"],
        kind=EntryKind(r["kind"]),
        text=r["text"],
        author_user_id=r["author_user_id"],
        speaker_id=r["speaker_id"],
        owner=r["owner"],
        owner_user_id=r["owner_user_id"],
        due=parse_date(r["due"]),
        attributed=bool(r["attributed"]),
        created_utc=parse_dt(r["created_utc"]),
        edited_utc=parse_dt(r["edited_utc"]),
        deleted_utc=parse_dt(r["deleted_utc"]),
        public=bool(r.get("public")),
        speaker_ids=speaker_ids_of(r),
        mentioned=tuple(sorted(json.loads(r["mentions"]).items())) if r.get("mentions") else (),
        vote=vote_from(r.get("vote")),
    )


def vote_json(vote: Vote) -> str:
    """A vote as the entries table keeps it (m110): counts, voters, and an outcome as stated."""
    return json.dumps(
        {
            "for": vote.in_favour,
            "against": vote.against,
            "abstained": vote.abstained,
            "for_ids": list(vote.in_favour_ids),
            "against_ids": list(vote.against_ids),
            "abstained_ids": list(vote.abstained_ids),
            "stated": vote.stated,
        },
        ensure_ascii=False,
    )


def vote_from(value: str | None) -> Vote | None:
    if not value:
        return None
    v = json.loads(value)
    return Vote(
        in_favour=int(v["for"]),
        against=int(v["against"]),
        abstained=int(v.get("abstained", 0)),
        in_favour_ids=tuple(int(i) for i in v.get("for_ids", ())),
        against_ids=tuple(int(i) for i in v.get("against_ids", ())),
        abstained_ids=tuple(int(i) for i in v.get("abstained_ids", ())),
        stated=v.get("stated"),
    )


def entry_row(e: Entry) -> dict[str, Any]:
    """An entry as a row of the entries table (the form `_entry` reads)."""
    return {
        "id": e.id,
        "meeting_id": e.meeting_id,
        "seq": e.seq,
        "item_number": e.item_number,
        "kind": str(e.kind),
        "text": e.text,
        "author_user_id": e.author_user_id,
        "speaker_id": e.speaker_id,
        "owner": e.owner,
        "owner_user_id": e.owner_user_id,
        "due": e.due.isoformat() if e.due else None,
        "attributed": int(e.attributed),
        "created_utc": iso(e.created_utc),
        "edited_utc": iso(e.edited_utc),
        "deleted_utc": iso(e.deleted_utc),
        "public": int(e.public),
        "speakers": json.dumps(list(e.speaker_ids)) if e.speaker_ids else None,
        "mentions": mapping_json(dict(e.mentioned)) if e.mentioned else None,
        "vote": vote_json(e.vote) if e.vote else None,
    }


def entries_as_drafted(snapshot: Any, by_id: dict[int, Entry]) -> tuple[Entry, ...] | None:
    if not isinstance(snapshot, list) or not all(isinstance(e, dict) and "id" in e for e in snapshot):
        return None
    entries = []
    for recorded in snapshot:
        entry = by_id.get(int(recorded["id"]))
        if entry is None:
            return None
        entries.append(
            dataclasses.replace(
                entry,
                text=str(recorded.get("text", entry.text)),
                item_number=int(recorded.get("item", entry.item_number)),
                kind=EntryKind(recorded.get("kind", entry.kind)),
                deleted_utc=None,
            )
        )
    return tuple(entries)


def mapping_json(value: Mapping[str, str]) -> str:
    return json.dumps(dict(sorted(value.items())), ensure_ascii=False)


def speaker_ids_of(r: dict[str, Any]) -> tuple[int, ...]:
    if r.get("speakers"):
        return tuple(int(i) for i in json.loads(r["speakers"]))
    return (int(r["speaker_id"]),) if r["speaker_id"] is not None else ()


def draft_from(r: dict[str, Any]) -> Draft:
    return Draft(
        id=r["id"],
        meeting_id=r["meeting_id"],
        version=r["version"],
        text=r["text"],
        text_sha256=r["text_sha256"],
        created_utc=required_dt(r["created_utc"]),
        channel_id=r["channel_id"],
        message_ts=r["message_ts"],
        thread_ts=r["thread_ts"],
        approvers=tuple(json.loads(r["approvers"])) if r.get("approvers") else None,
        public_text=r.get("public_text"),
    )


def action_from(r: dict[str, Any]) -> Action:
    return Action(
        number=r["number"],
        entry=entry_from(r),
        meeting=meeting_from({c: r[f"m_{c}"] for c in MEETING_COLUMNS}),
        done_utc=parse_dt(r["done_utc"]),
        done_by=r["done_by"],
        done_note=r["done_note"],
    )


def primary_key(value: Any) -> int:
    """The id an insert returned."""
    assert value is not None, "insert returned no primary key"
    return int(value)
