"""Export a referat as Markdown, text, Word or PDF/A, and list the meetings a database holds.

`referat export`, `referat meetings` and Slack's **Hent som fil** all come here, so a referat is
exported one way whatever asks for it: text and Markdown by the renderer that makes the draft
(bot.referat.compile), Word by bot.referat.word and PDF/A by bot.referat.pdf from the same compiled
document.

What an export contains follows the meeting's state, because an export is what people file and
forward:

* approved: the text file is the stored approved text, byte for byte (the final referat the
  store keeps once every approver has approved; for a meeting marked approved without one, the
  latest draft's text); Markdown and Word are rendered from the document as it stood in the
  approved version and carry the same approval line, which also fills the Word footer;
* open, unchanged since draft version N: exactly that draft ("Udkast, version N");
* open with changes after the latest draft, or no draft yet: the current state, clearly marked as
  an unpublished draft, since nobody has seen that text in Slack;
* imported: the document as imported; its approval status is unknown.

A file is written to a temporary file beside the target and renamed into place, so a failed
export never leaves a half-written file behind. Only a regular file is ever replaced, and only
when asked (`--force`): a rename over `/dev/null` would replace the device, and over a FIFO or a
symbolic link something other than what the user named.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.meeting.refusals import worded
from bot.referat.compile import Referat, compile_referat, render_markdown, render_text
from bot.referat.formats import CHOOSE_FORMAT, FORMATS
from bot.referat.pdf import PdfUnavailable, referat_pdf
from bot.referat.word import referat_docx
from bot.text.clip import clip
from bot.text.dates import TZ, format_long_da, format_short
from storage.errors import ReferatError, StoreError
from storage.records import Meeting, MeetingDocument, MeetingStatus
from storage.store import Store

_TITLE_WIDTH = 60

_OS_REASONS = {
    errno.EACCES: "ingen skriveadgang",
    errno.EPERM: "ingen skriveadgang",
    errno.EROFS: "filsystemet er skrivebeskyttet",
    errno.ENOSPC: "disken er fuld",
    errno.EDQUOT: "diskkvoten er brugt op",
    errno.ENAMETOOLONG: "filnavnet er for langt",
}


class ExportError(ReferatError):
    """The export cannot be made; the message (Danish) says why. Nothing was written."""


@dataclass(frozen=True)
class PreparedExport:
    """Everything the three formats are made from, decided once."""

    meeting: Meeting
    document: MeetingDocument
    referat: Referat
    text: str  # the .txt content (for an approved meeting: the stored approved text)
    status: str  # "Udkast, version 2", "Godkendt 21. marts 2024 af …": the Word footer
    stem: str  # file name without suffix, e.g. "referat-2024-03-19-v2"
    sha256: str | None = None  # of the stored approved text, printed in the PDF so a copy can be checked


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
        drafted = compile_referat(document, version=draft.version, draft_date=_local_day(draft.created_utc))
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
    today = format_long_da(_local_day(now))
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
        referat = dataclasses.replace(compile_referat(approved), draft_marker=None, approval=line)
        return PreparedExport(
            meeting,
            approved,
            referat,
            final.text,
            line or "Godkendt",
            f"referat-{day}-godkendt",
            final.text_sha256,
        )
    draft = store.latest_draft(meeting.id)
    if draft is None:
        # Marked approved without a stored draft: all there is, is the document.
        line = (
            f"Godkendt {format_long_da(_local_day(meeting.approved_utc))}" if meeting.approved_utc else None
        )
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


def _local_day(when: dt.datetime) -> dt.date:
    return when.astimezone(TZ).date()


def render(prepared: PreparedExport, fmt: str) -> bytes:
    """The file content in one of FORMATS (text formats in UTF-8)."""
    if fmt == "txt":
        return prepared.text.encode("utf-8")
    if fmt == "md":
        return render_markdown(prepared.referat).encode("utf-8")
    if fmt == "docx":
        return referat_docx(prepared.referat, prepared.document.participants, status=prepared.status)
    if fmt == "pdf":
        return _pdf(prepared)
    raise ExportError(f'Kan ikke eksportere som "{fmt}". {CHOOSE_FORMAT}')


def _pdf(prepared: PreparedExport) -> bytes:
    meeting = prepared.meeting
    referent = next(
        (p.name for p in prepared.document.participants if (p.role or "").casefold() == "referent"), None
    )
    try:
        return referat_pdf(
            prepared.referat,
            status=prepared.status,
            author=referent or "referat",
            created=meeting.date,
            modified=_local_day(meeting.approved_utc) if meeting.approved_utc else None,
            sha256=prepared.sha256,
        )
    except PdfUnavailable as error:
        raise ExportError(str(error)) from error


def export_bytes(
    store: Store, meeting_id: int | None, fmt: str, *, now: dt.datetime, public: bool = False
) -> tuple[bytes, str]:
    """`(content, file name)` of a meeting's referat, e.g. for an upload to Slack (Hent som fil)."""
    _check_format(fmt)
    prepared = _prepare(store, meeting_id, now=now, public=public)
    return render(prepared, fmt), f"{prepared.stem}.{fmt}"


def export_meeting(
    store: Store,
    meeting_id: int | None,
    fmt: str,
    out: Path,
    *,
    now: dt.datetime,
    force: bool = False,
    public: bool = False,
) -> Path:
    """Write the referat of `meeting_id` (default: the latest meeting) to `out`; returns the path.

    Raises ExportError with a Danish message when the meeting does not exist or the file cannot
    be written; nothing is left at `out` (or beside it) then.
    """
    _check_format(fmt)
    target = Path(out).expanduser()
    other = target.suffix.lower().lstrip(".")
    if other in FORMATS and other != fmt:
        raise ExportError(
            f"Filnavnet {target.name} slutter på .{other}, men formatet er {fmt}. "
            f"Brug --format {other} eller et filnavn der slutter på .{fmt}."
        )
    check_target(target, force=force, example=f"referat.{fmt}")
    # Render first: a meeting that cannot be exported must not cost the user an existing file.
    content, _ = export_bytes(store, meeting_id, fmt, now=now, public=public)
    write_file(target, content, force=force)
    return target


def _prepare(
    store: Store, meeting_id: int | None, *, now: dt.datetime, public: bool = False
) -> PreparedExport:
    try:
        return prepare_export(store, meeting_id, now=now, public=public)
    except StoreError as error:
        raise ExportError(worded(error)) from error


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ExportError(f'Kan ikke eksportere som "{fmt}". {CHOOSE_FORMAT}')


# The longest file name (in bytes) Linux, macOS and Windows file systems accept.
NAME_MAX = 255
FORCE_HINT = "Brug --force for at erstatte den."
_KINDS = {
    stat.S_IFIFO: "en FIFO (et navngivet rør)",
    stat.S_IFCHR: "en enhed",
    stat.S_IFBLK: "en enhed",
    stat.S_IFSOCK: "en socket",
    stat.S_IFLNK: "et symbolsk link",
}


def check_target(target: Path, *, force: bool, example: str = "referat.md", hint: str = FORCE_HINT) -> None:
    """Refuse a target that is not a file name we may write: too long, a directory, a device, a FIFO,
    a symbolic link, or an existing file without `force`."""
    length = len(os.fsencode(target.name))
    if length > NAME_MAX:
        raise ExportError(
            f"Filnavnet er for langt ({len(target.name)} tegn, {length} bytes); "
            f"et filnavn må højst fylde {NAME_MAX} bytes. Vælg et kortere navn. Intet blev skrevet."
        )
    try:
        mode = os.lstat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return  # a new file; whether its folder exists is checked when writing
    except OSError as error:
        raise ExportError(f"Kan ikke bruge {target}: {_reason(error)}. Intet blev skrevet.") from error
    if stat.S_ISDIR(mode):
        raise ExportError(f"{target} er en mappe. Angiv et filnavn, fx {target / example}.")
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "ikke en almindelig fil")
        raise ExportError(
            f"{target} er {kind}, ikke en almindelig fil, så den erstattes ikke. Intet blev skrevet."
        )
    if not force:
        raise ExportError(f"{target} findes allerede. {hint} Intet blev skrevet.")


def write_file(target: Path, content: bytes, *, force: bool = False, hint: str = FORCE_HINT) -> None:
    """Write `content` to `target` all or nothing: a temporary file beside it, then a rename.

    Only a new file, or with `force` an existing regular file, is written (see `check_target`).
    """
    check_target(target, force=force, hint=hint)
    folder = target.parent
    try:
        folder_ok = folder.is_dir()
    except OSError:
        folder_ok = False
    if not folder_ok:
        raise ExportError(f"Mappen {folder} findes ikke, så {target} blev ikke skrevet.")
    try:
        # A short prefix: the target's own name may already be as long as the file system allows.
        handle, temporary = tempfile.mkstemp(prefix=".referat-", suffix=".tmp", dir=folder)
    except OSError as error:
        raise ExportError(
            f"Kan ikke skrive i mappen {folder}: {_reason(error)}. Intet blev skrevet."
        ) from error
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes the file private; an exported referat is an ordinary document.
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise ExportError(f"Kan ikke skrive {target}: {_reason(error)}. Intet blev skrevet.") from error


def _reason(error: OSError) -> str:
    return _OS_REASONS.get(error.errno or 0) or (error.strerror or str(error))


# --------------------------------------------------------------------------------------------
# referat meetings


def status_label(store: Store, meeting: Meeting) -> str:
    """`åben`, `udkast v2`, `godkendt 21.03.2024` or `importeret`."""
    if meeting.status is MeetingStatus.APPROVED:
        return (
            f"godkendt {format_short(_local_day(meeting.approved_utc))}"
            if meeting.approved_utc
            else "godkendt"
        )
    if meeting.status is MeetingStatus.IMPORTED:
        return "importeret"
    draft = store.latest_draft(meeting.id)
    return f"udkast v{draft.version}" if draft else "åben"


def meetings_table(store: Store) -> str:
    """The meetings in the database, newest first: id, date, title and status, aligned in columns."""
    meetings = store.meetings()
    if not meetings:
        return "Der er ingen møder i databasen endnu."
    rows = [
        (str(m.id), format_short(m.date), clip(m.title, _TITLE_WIDTH), status_label(store, m))
        for m in meetings
    ]
    header = ("Id", "Dato", "Titel", "Status")
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(3)]

    def line(row: tuple[str, str, str, str]) -> str:
        return f"{row[0]:>{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}".rstrip()

    return "\n".join(line(r) for r in (header, *rows))
