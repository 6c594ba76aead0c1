"""What a chain link covers: every column a reader of an approved text sees, in one place.

A link used to cover only the approved text's SHA-256, so the approval line, who approved and when,
their reservations, the entries and agenda a Word or PDF export is laid out from, and an addition's
printed paragraph could be changed without the chain noticing. Each link now carries the SHA-256 of
a record of all of them, read here at approval (inside the approving transaction) and read again by
`referat verify`: any difference is a changed column.

To cover something new, raise RECORD_VERSION and add the field to `referat_record` or
`addition_record` under `if version >= N`: a link stores the version its digest was made with
(`"2:<sha256>"`), and is checked against a record of that version, so links made before keep
verifying. A later migration that rewrites a covered column of an approved meeting is reported by
`referat verify` as a change, because it is one.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlite_utils import Database

from storage.chain import KIND_REFERAT

RECORD_VERSION = 1

_MEETING = "title, date, place, time_of_day, opening"
_AGENDA = "number, title, bullets, background, closed"
_PARTICIPANTS = "id, name, title, organisation, absent, role, position"


def digest(record: dict[str, Any]) -> str:
    """SHA-256 of the record as canonical JSON (sorted keys, no spacing, UTF-8)."""
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _rows(db: Database, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in db.query(sql, params)]


def referat_record(db: Database, meeting_id: int, version: int = RECORD_VERSION) -> dict[str, Any] | None:
    """The approved referat of `meeting_id` as a reader sees it; None when there is none."""
    final = _rows(
        db,
        "select draft_id, draft_sha256, text, text_sha256, approved_utc, approval_line, entries "
        "from approved_referats where meeting_id = ?",
        [meeting_id],
    )
    if not final:
        return None
    approved = final[0]
    approved["text"] = hashlib.sha256(str(approved["text"]).encode("utf-8")).hexdigest()
    draft_id = approved["draft_id"]
    # The approved entries (with their votes, arrivals and departures) are in `approved.entries`.
    return {
        "version": version,
        "approved": approved,
        "meeting": _rows(db, f"select {_MEETING} from meetings where id = ?", [meeting_id]),
        "agenda": _rows(
            db, f"select {_AGENDA} from agenda_items where meeting_id = ? order by number", [meeting_id]
        ),
        "participants": _rows(
            db, f"select {_PARTICIPANTS} from participants where meeting_id = ? order by id", [meeting_id]
        ),
        # What the channel saw (the public extract) and whom the version named as its approvers.
        "draft": _rows(
            db, "select version, text_sha256, public_text, approvers from drafts where id = ?", [draft_id]
        ),
        "approvals": _rows(
            db,
            "select user_id, approved_utc, reservation from approvals where draft_id = ? order by user_id",
            [draft_id],
        ),
    }


def addition_record(db: Database, addition_id: int, version: int = RECORD_VERSION) -> dict[str, Any] | None:
    """An approved addition as a reader sees it: its text, printed paragraph, and who approved when."""
    rows = _rows(
        db,
        "select meeting_id, text, text_sha256, author_user_id, created_utc, approved_utc, approval_line "
        "from additions where id = ? and approved_utc is not null",
        [addition_id],
    )
    if not rows:
        return None
    return {
        "version": version,
        "addition": rows[0],
        "approvals": _rows(
            db,
            "select user_id, approved_utc from addition_approvals where addition_id = ? order by user_id",
            [addition_id],
        ),
    }


def covered_digest(db: Database, kind: str, source_id: int, version: int | None = None) -> str | None:
    """`"<version>:<sha256>"` of what a link of `kind` for `source_id` covers now, as a record of
    `version` (default: the current one); None when the text is gone."""
    version = version or RECORD_VERSION
    if kind == KIND_REFERAT:
        record = referat_record(db, source_id, version)
    else:
        record = addition_record(db, source_id, version)
    return f"{version}:{digest(record)}" if record is not None else None


def version_of(stored: str) -> int:
    """The record version a stored digest was made with (see `covered_digest`)."""
    head, _, _ = stored.partition(":")
    return int(head) if head.isdigit() else RECORD_VERSION
