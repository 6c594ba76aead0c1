"""Which edition of which meeting's referat an export holds, read from the store.

`referat export`, `referat meetings`, `/referat eksport` and Slack's **Hent som fil** all come here.
What an export contains follows the meeting's state, because an export is what people file and
forward:

* approved: the text file is the stored approved text, byte for byte (the final referat the
  store keeps once every approver has approved; for a meeting marked approved without one, the
  latest draft's text), followed by approved additions; Markdown, Word and PDF are rendered from
  the document as it stood in the approved version and carry the same approval line;
* open, unchanged since draft version N: exactly that draft ("Udkast, version N");
* open with changes after the latest draft, or no draft yet: the current state, clearly marked as
  an unpublished draft, since nobody has seen that text in Slack;
* imported: the document as imported; its approval status is unknown.

The bytes and the file itself are bot.referat.export's job, which never reads the store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from bot.approval.rules import with_reservation
from bot.meeting.refusals import worded
from bot.referat.aktindsigt import NotReleasable, aktindsigt_extract, marker
from bot.referat.compile import compile_referat, render_text
from bot.referat.export import (
    ExportError,
    PreparedExport,
    Proof,
    check_format,
    check_target,
    local_day,
    render,
    write_file,
)
from bot.referat.formats import FORMATS
from bot.text.clip import clip
from bot.text.dates import format_long_da, format_short
from storage.errors import StoreError
from storage.records import ApprovedReferat, Meeting, MeetingDocument, MeetingStatus
from storage.store import Store

_TITLE_WIDTH = 60


def prepare_export(
    store: Store, meeting_id: int | None, *, now: dt.datetime, public: bool = False
) -> PreparedExport:
    """Pick the meeting (default: the latest) and decide what its export says.

    `public`: the public extract (closed items behind closed doors, only their public decisions)
    instead of the full protocol. For a meeting without closed items both are the same.
    """
    prepared = _full_protocol(store, meeting_id, now=now)
    if not public or not any(item.closed for item in prepared.document.agenda):
        return prepared
    extract = dataclasses.replace(
        compile_referat(prepared.document, public=True),
        draft_marker=prepared.referat.draft_marker,
        approval=prepared.referat.approval,
    )
    return dataclasses.replace(
        prepared, referat=extract, text=render_text(extract), stem=f"{prepared.stem}-offentlig"
    )


def prepare_aktindsigt(
    store: Store, meeting_id: int | None, item: int, *, now: dt.datetime
) -> PreparedExport:
    """The extract for a request for access to documents: item `item`'s decisions and votes only.

    Made from the same edition as the full protocol (the approved entries once approved), and
    marked as a draft where that edition is one. Refused (ExportError) when the item is not on the
    agenda, or is closed without a public decision.
    """
    prepared = _full_protocol(store, meeting_id, now=now)
    try:
        extract = aktindsigt_extract(
            prepared.document,
            item,
            draft_marker=prepared.referat.draft_marker,
            approval=prepared.referat.approval,
        )
    except NotReleasable as error:
        raise ExportError(str(error)) from error
    return dataclasses.replace(
        prepared,
        referat=extract,
        text=render_text(extract),
        status=f"{marker(item)} – {prepared.status}",
        stem=f"{prepared.stem}-aktindsigt-punkt-{item}",
        sha256=None,
    )


def _full_protocol(store: Store, meeting_id: int | None, *, now: dt.datetime) -> PreparedExport:
    meeting = _pick_meeting(store, meeting_id)
    document = store.document(meeting.id)
    day = meeting.date.isoformat()
    if meeting.status is MeetingStatus.APPROVED:
        return _approved(store, meeting, document)
    if meeting.status is MeetingStatus.IMPORTED:
        referat = compile_referat(document)
        return PreparedExport(
            meeting,
            document,
            referat,
            render_text(referat),
            "Importeret referat – godkendelse ukendt",
            f"referat-{day}",
        )
    if meeting.status is MeetingStatus.CANCELLED:
        referat = dataclasses.replace(compile_referat(document), draft_marker="AFLYST – mødet blev aflyst")
        return PreparedExport(
            meeting, document, referat, render_text(referat), "Aflyst møde", f"referat-{day}-aflyst"
        )
    draft = store.latest_draft(meeting.id)
    if draft is not None:
        drafted = compile_referat(document, version=draft.version, draft_date=local_day(draft.created_utc))
        if render_text(drafted) == draft.text:
            return PreparedExport(
                meeting,
                document,
                drafted,
                draft.text,
                f"Udkast, version {draft.version}",
                f"referat-{day}-v{draft.version}",
            )
    # Nobody has seen this text in Slack: mark it as an unpublished draft of today.
    today = format_long_da(local_day(now))
    if draft is None:
        marker, status = f"UDKAST – ikke lagt frem – {today}", "Udkast, ikke lagt frem endnu"
    else:
        marker = f"UDKAST – ændret efter version {draft.version} – {today}"
        status = f"Udkast, ændret efter version {draft.version}"
    referat = dataclasses.replace(compile_referat(document), draft_marker=marker)
    return PreparedExport(meeting, document, referat, render_text(referat), status, f"referat-{day}-udkast")


def _approved(store: Store, meeting: Meeting, document: MeetingDocument) -> PreparedExport:
    day = meeting.date.isoformat()
    final = store.approved_referat(meeting.id)
    if final is not None:
        # Markdown and Word show the entries as the approved version had them; entries logged
        # after that version was posted were never approved.
        approved = dataclasses.replace(document, entries=final.entries)
        line = final.approval_line
        # Approved additions follow the approval line; the approved text itself is never changed.
        additions = tuple(a.paragraph for a in store.additions(meeting.id, approved_only=True) if a.paragraph)
        referat = dataclasses.replace(
            compile_referat(approved), draft_marker=None, approval=line, additions=additions
        )
        text = final.text
        if additions:
            text = final.text.rstrip("\n") + "\n\n" + "\n\n".join(additions) + "\n"
        return PreparedExport(
            meeting,
            approved,
            referat,
            text,
            line or "Godkendt",
            f"referat-{day}-godkendt",
            final.text_sha256,
            _proof(store, document, final),
        )
    draft = store.latest_draft(meeting.id)
    if draft is None:
        # Marked approved without a stored draft: all there is, is the document.
        line = f"Godkendt {format_long_da(local_day(meeting.approved_utc))}" if meeting.approved_utc else None
        referat = dataclasses.replace(compile_referat(document), approval=line)
        return PreparedExport(
            meeting, document, referat, render_text(referat), line or "Godkendt", f"referat-{day}"
        )
    # Marked approved without a final referat (a database from before final texts were kept): the
    # latest draft is the text, its snapshot (when it lists entries) the document.
    line = _approval_line_in(draft.text) or _approval_line_from_store(store, document, draft.id)
    drafted = dataclasses.replace(document, entries=store.drafted_entries(draft.id) or document.entries)
    referat = dataclasses.replace(compile_referat(drafted), draft_marker=None, approval=line)
    return PreparedExport(
        meeting, drafted, referat, draft.text, line or "Godkendt", f"referat-{day}-godkendt"
    )


def _proof(store: Store, document: MeetingDocument, final: ApprovedReferat) -> Proof:
    """Who approved the final text and its additions, and when: the sealed PDF's annex."""
    names = {p.slack_user_id: p.name for p in document.participants if p.slack_user_id}
    approvals = tuple(
        (with_reservation(names.get(a.user_id, a.user_id), a.reservation), a.approved_utc)
        for a in store.approvals(final.draft_id)
    )
    additions = tuple(
        (
            a.id,
            a.text_sha256,
            tuple((names.get(u, u), when) for u, when in store.addition_approvals(a.id).items()),
        )
        for a in store.additions(final.meeting_id, approved_only=True)
    )
    return Proof(final.meeting_id, final.text_sha256, approvals, additions)


def _approval_line_in(text: str) -> str | None:
    """The closing `Godkendt … af …` paragraph of a stored approved text, exactly as it was written."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    last = paragraphs[-1] if paragraphs else ""
    return last if last.startswith("Godkendt ") else None


def _approval_line_from_store(store: Store, document: MeetingDocument, draft_id: int) -> str | None:
    """Who approved, named from the participant list (user id when someone is not on it)."""
    names = {p.slack_user_id: p.name for p in document.participants if p.slack_user_id}
    approved = tuple((names.get(a.user_id, a.user_id), a.approved_utc) for a in store.approvals(draft_id))
    return compile_referat(document, approved=approved).approval if approved else None


def _pick_meeting(store: Store, meeting_id: int | None) -> Meeting:
    if meeting_id is None:
        latest = store.latest_meeting()
        if latest is None:
            raise ExportError(
                "Der er ingen møder i databasen endnu. Start et møde i Slack (eller i `referat console`) "
                "eller importér referater med `referat import`."
            )
        return latest
    meeting = store.meeting(meeting_id)
    if meeting is None:
        raise ExportError(
            f"Der er intet møde med id {meeting_id}. Se møderne og deres id med `referat meetings`."
        )
    return meeting


def export_bytes(
    store: Store,
    meeting_id: int | None,
    fmt: str,
    *,
    now: dt.datetime,
    public: bool = False,
    aktindsigt: int | None = None,
    isolated: bool = False,
) -> tuple[bytes, str]:
    """`(content, file name)` of a meeting's referat, e.g. for an upload to Slack (Hent som fil).

    `aktindsigt`: the extract of that item for a request for access to documents instead.
    `isolated`: a PDF is laid out in a child process, bounded in time and memory.
    """
    check_format(fmt)
    prepared = _prepare(store, meeting_id, now=now, public=public, aktindsigt=aktindsigt)
    # An approved referat's PDF is sealed when the store carries the organisation's seal.
    return render(prepared, fmt, store.seal, isolated=isolated), f"{prepared.stem}.{fmt}"


def export_proof(
    store: Store, meeting_id: int, *, public: bool, aktindsigt: int | None, now: dt.datetime
) -> tuple[Proof | None, str]:
    """What a sealed PDF of this edition would state and carry now: `(proof, text)`."""
    prepared = _prepare(store, meeting_id, now=now, public=public, aktindsigt=aktindsigt)
    return prepared.proof, prepared.text


def export_meeting(
    store: Store,
    meeting_id: int | None,
    fmt: str,
    out: Path,
    *,
    now: dt.datetime,
    force: bool = False,
    public: bool = False,
    aktindsigt: int | None = None,
) -> Path:
    """Write the referat of `meeting_id` (default: the latest meeting) to `out`; returns the path.

    Raises ExportError with a Danish message when the meeting does not exist or the file cannot
    be written; nothing is left at `out` (or beside it) then.
    """
    check_format(fmt)
    target = Path(out).expanduser()
    other = target.suffix.lower().lstrip(".")
    if other in FORMATS and other != fmt:
        raise ExportError(
            f"Filnavnet {target.name} slutter på .{other}, men formatet er {fmt}. "
            f"Brug --format {other} eller et filnavn der slutter på .{fmt}."
        )
    check_target(target, force=force, example=f"referat.{fmt}")
    # Render first: a meeting that cannot be exported must not cost the user an existing file.
    content, _ = export_bytes(store, meeting_id, fmt, now=now, public=public, aktindsigt=aktindsigt)
    write_file(target, content, force=force)
    return target


def _prepare(
    store: Store,
    meeting_id: int | None,
    *,
    now: dt.datetime,
    public: bool = False,
    aktindsigt: int | None = None,
) -> PreparedExport:
    try:
        if aktindsigt is not None:
            prepared = prepare_aktindsigt(store, meeting_id, aktindsigt, now=now)
        else:
            prepared = prepare_export(store, meeting_id, now=now, public=public)
    except StoreError as error:
        raise ExportError(worded(error)) from error
    if prepared.proof is None:
        return prepared
    # A sealed PDF says which edition it is, so `referat verify --pdf` can make the same one again.
    edition = dataclasses.replace(prepared.proof, public=public and aktindsigt is None, aktindsigt=aktindsigt)
    return dataclasses.replace(prepared, proof=edition)


# --------------------------------------------------------------------------------------------
# referat meetings


def status_label(store: Store, meeting: Meeting) -> str:
    """`åben`, `udkast v2`, `godkendt 21.03.2024` or `importeret`."""
    if meeting.status is MeetingStatus.APPROVED:
        return (
            f"godkendt {format_short(local_day(meeting.approved_utc))}"
            if meeting.approved_utc
            else "godkendt"
        )
    if meeting.status is MeetingStatus.IMPORTED:
        return "importeret"
    draft = store.latest_draft(meeting.id)
    return f"udkast v{draft.version}" if draft else "åben"


def meetings_table(store: Store) -> str:
    """The meetings in the database, newest first: id, date, title and status, aligned in columns.

    With meetings of more than one workspace, a column names each meeting's workspace (team id).
    """
    meetings = store.meetings()
    if not meetings:
        return "Der er ingen møder i databasen endnu."
    several = len(store.workspaces()) > 1
    header = ("Id", "Dato", *(("Arbejdsområde",) if several else ()), "Titel", "Status")
    rows = [
        (
            str(m.id),
            format_short(m.date),
            *((m.team_id or "–",) if several else ()),
            clip(m.title, _TITLE_WIDTH),
            status_label(store, m),
        )
        for m in meetings
    ]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header) - 1)]

    def line(row: tuple[str, ...]) -> str:
        cells = [row[0].rjust(widths[0]), *(c.ljust(w) for c, w in zip(row[1:-1], widths[1:], strict=True))]
        return "  ".join([*cells, row[-1]]).rstrip()

    return "\n".join(line(r) for r in (header, *rows))
