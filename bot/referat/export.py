"""A prepared referat as the bytes of a file, and the file written all or nothing.

Text and Markdown come from the renderer that makes the draft (bot.referat.compile), Word from
bot.referat.word and PDF/A from bot.referat.pdf, all from the same compiled document, so a referat
is exported one way whatever asks for it. Which edition of which meeting an export holds is
decided from the store by bot.meeting.export; this module never reads the store.

A file is written to a temporary file beside the target and renamed into place, so a failed
export never leaves a half-written file behind. Only a regular file is ever replaced, and only
when asked (`--force`): a rename over `/dev/null` would replace the device, and over a FIFO or a
symbolic link something other than what the user named.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.referat.compile import Referat, render_markdown
from bot.referat.formats import CHOOSE_FORMAT, FORMATS
from bot.referat.isolated import PdfNotFinished, pdf_in_child
from bot.referat.pdf import Annex, Attached, PdfUnavailable, html_to_pdf, referat_pdf
from bot.referat.sealing import PROOF_NAME, seal_pdf
from bot.referat.word import referat_docx
from bot.text.dates import TZ, format_stamp
from bot.text.files import file_kind
from storage.errors import ReferatError
from storage.records import Meeting, MeetingDocument
from storage.seal import Seal, subject

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


Approvals = tuple[tuple[str, dt.datetime], ...]  # (approver, with any reservation; when)


@dataclass(frozen=True)
class Proof:
    """What a sealed PDF states about the approved referat it shows, and what it was made as.

    Embedded in the PDF as `godkendt-referat.json` with the text, so `referat verify --pdf` can
    prepare the same export from the archive and compare.
    """

    meeting_id: int
    text_sha256: str  # of the stored approved text
    approvals: Approvals
    additions: tuple[tuple[int, str, Approvals], ...] = ()  # approved additions: (id, SHA-256, approvals)
    public: bool = False  # the public extract
    aktindsigt: int | None = None  # the extract of this item for a request for access


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
    proof: Proof | None = None  # an approved referat's: what its sealed PDF states


def render(prepared: PreparedExport, fmt: str, seal: Seal | None = None, *, isolated: bool = False) -> bytes:
    """The file content in one of FORMATS (text formats in UTF-8); an approved referat's PDF is
    sealed with `seal` when given.

    `isolated`: a PDF is laid out in a child process, bounded in time and memory (the server's
    Slack paths; bot/referat/isolated.py says why).
    """
    if fmt == "txt":
        return prepared.text.encode("utf-8")
    if fmt == "md":
        return render_markdown(prepared.referat).encode("utf-8")
    if fmt == "docx":
        return referat_docx(
            prepared.referat,
            prepared.document.participants,
            status=prepared.status,
            author=minute_taker(prepared),
            created=prepared.meeting.date,
            modified=_approved_day(prepared.meeting),
        )
    if fmt == "pdf":
        return _pdf(prepared, seal, isolated=isolated)
    raise ExportError(f'Kan ikke eksportere som "{fmt}". {CHOOSE_FORMAT}')


def minute_taker(prepared: PreparedExport) -> str:
    """The author of a file: the referent on the list, else the participant who started the meeting
    (the minute-taker in Slack), else `referat` for minutes nobody is named as writing."""
    people = prepared.document.participants
    referent = next((p.name for p in people if (p.role or "").casefold() == "referent"), None)
    starter = prepared.meeting.starter_user_id
    started = next((p.name for p in people if starter and p.slack_user_id == starter), None)
    return referent or started or "referat"


def _approved_day(meeting: Meeting) -> dt.date | None:
    return local_day(meeting.approved_utc) if meeting.approved_utc else None


def _pdf(prepared: PreparedExport, seal: Seal | None, *, isolated: bool) -> bytes:
    meeting = prepared.meeting
    proof = prepared.proof
    sealed = seal is not None and proof is not None
    try:
        pdf = referat_pdf(
            prepared.referat,
            status=prepared.status,
            author=minute_taker(prepared),
            created=prepared.meeting.date,
            modified=_approved_day(prepared.meeting),
            sha256=prepared.sha256,
            annex=annex(proof, seal) if seal is not None and proof is not None else None,
            unsealed=proof is not None and not sealed,
            attachments=[_attached(prepared, proof, meeting)] if sealed and proof is not None else [],
            layout=pdf_in_child if isolated else html_to_pdf,
        )
    except (PdfUnavailable, PdfNotFinished) as error:
        raise ExportError(str(error)) from error
    if seal is None or proof is None:
        return pdf
    return seal_pdf(pdf, seal, reason=f"Godkendt referat af {meeting.title}, {meeting.date.isoformat()}")


def annex(proof: Proof, seal: Seal) -> Annex:
    """The sealed PDF's last page: each approver and when, the hashes, and the seal."""

    def rows(approvals: Approvals) -> tuple[tuple[str, str], ...]:
        return tuple((who, format_stamp(when)) for who, when in approvals)

    return Annex(
        approvals=rows(proof.approvals),
        text_sha256=proof.text_sha256,
        additions=tuple((f"Tilføjelse nr. {i}", digest, rows(a)) for i, digest, a in proof.additions),
        seal=subject(seal.certificate),
        seal_sha256=seal.fingerprint,
    )


def proof_document(prepared: PreparedExport, proof: Proof) -> dict[str, object]:
    """What `godkendt-referat.json` holds: the export's text and what it was made from."""
    return {
        "meeting_id": proof.meeting_id,
        "text_sha256": proof.text_sha256,
        "additions": [{"id": i, "text_sha256": digest} for i, digest, _ in proof.additions],
        "public": proof.public,
        "aktindsigt": proof.aktindsigt,
        "document_sha256": hashlib.sha256(prepared.text.encode("utf-8")).hexdigest(),
        "text": prepared.text,
    }


def _attached(prepared: PreparedExport, proof: Proof, meeting: Meeting) -> Attached:
    content = json.dumps(proof_document(prepared, proof), ensure_ascii=False, indent=1).encode("utf-8")
    return Attached(
        name=PROOF_NAME,
        content=content,
        description="Den godkendte tekst og hvad PDF'en er lavet af (referat verify --pdf)",
        when=meeting.approved_utc
        or dt.datetime(meeting.date.year, meeting.date.month, meeting.date.day, tzinfo=dt.UTC),
    )


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ExportError(f'Kan ikke eksportere som "{fmt}". {CHOOSE_FORMAT}')


# The longest file name (in bytes) Linux, macOS and Windows file systems accept.
NAME_MAX = 255
FORCE_HINT = "Brug --force for at erstatte den."


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
        kind = file_kind(mode)
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


def local_day(when: dt.datetime) -> dt.date:
    """The day in Danish local time of a stored UTC moment."""
    return when.astimezone(TZ).date()
