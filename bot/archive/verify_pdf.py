"""`referat verify --pdf FIL`: is this PDF the organisation's sealed copy of a referat as approved?

A PDF passes only when all of it holds: it carries a signature (an unsigned copy is refused), the
signature is intact and covers the whole file (a changed or appended byte is refused), it was made
with one of the seal's certificates (a PDF sealed by anyone else is refused), and the approved text
it carries is the archive's approved referat of that meeting as it stands now, with the same
additions (a PDF of another version is refused). Each refusal says why, in Danish.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509

from bot.meeting.export import export_proof
from bot.referat.export import ExportError
from bot.referat.sealing import PROOF_NAME, PdfUnreadable, check_pdf
from bot.text.dates import format_short
from storage.store import Store


@dataclass(frozen=True)
class PdfVerdict:
    genuine: bool
    message: str  # Danish, one paragraph


def verify_pdf(
    store: Store, pdf: bytes, certificates: Sequence[x509.Certificate], *, now: dt.datetime
) -> PdfVerdict:
    try:
        seal = check_pdf(pdf, certificates)
    except PdfUnreadable as error:
        return _refused(str(error))
    if not seal.signed:
        return _refused(
            "PDF'en er ikke forseglet (den har ingen signatur); en uforseglet kopi kan ikke bevise noget"
        )
    if not seal.intact:
        return _refused("PDF'en er ændret efter forseglingen: signaturen passer ikke til filens indhold")
    if not seal.whole_file:
        return _refused("der er tilføjet indhold efter forseglingen: signaturen dækker ikke hele filen")
    if not seal.trusted:
        return _refused(
            f"PDF'en er forseglet af {seal.signer} (certifikatets SHA-256 {seal.signer_sha256[:16]}…), "
            "som ikke er organisationens segl"
        )
    proof = seal.proof
    if proof is None:
        return _refused(f"PDF'en bærer ikke den godkendte tekst ({PROOF_NAME})")
    return _compare(store, proof, now=now, signer=seal.signer)


def _compare(store: Store, proof: dict[str, Any], *, now: dt.datetime, signer: str) -> PdfVerdict:
    try:
        meeting_id = int(proof["meeting_id"])
        aktindsigt = int(proof["aktindsigt"]) if proof.get("aktindsigt") is not None else None
        claimed = {
            "text_sha256": str(proof["text_sha256"]),
            "additions": [(int(a["id"]), str(a["text_sha256"])) for a in proof["additions"]],
            "document_sha256": str(proof["document_sha256"]),
        }
        text = str(proof["text"])
    except (KeyError, TypeError, ValueError):
        return _refused(f"PDF'ens {PROOF_NAME} kan ikke læses")
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != claimed["document_sha256"]:
        return _refused(f"teksten i PDF'ens {PROOF_NAME} stemmer ikke med dens egen SHA-256")
    meeting = store.meeting(meeting_id)
    final = store.approved_referat(meeting_id)
    if meeting is None or final is None:
        return _refused(
            f"arkivet har intet godkendt referat af møde id {meeting_id}, som PDF'en siger den er"
        )
    named = f"{meeting.title} ({format_short(meeting.date)}, id {meeting.id})"
    if final.text_sha256 != claimed["text_sha256"]:
        return _refused(f"PDF'en er af en anden tekst end det godkendte referat af {named} i arkivet")
    try:
        archived, archived_text = export_proof(
            store, meeting_id, public=bool(proof.get("public")), aktindsigt=aktindsigt, now=now
        )
    except ExportError:
        archived = None
    if archived is None:
        return _refused(f"arkivet kan ikke lave samme udgave af {named}")
    additions = [(i, digest) for i, digest, _ in archived.additions]
    if additions != claimed["additions"]:
        newer = [f"nr. {i}" for i, digest in additions if (i, digest) not in claimed["additions"]]
        why = (
            f"arkivet har siden godkendt tilføjelse {', '.join(newer)}" if newer else "tilføjelserne er andre"
        )
        return _refused(f"PDF'en er af en anden udgave af {named}: {why}")
    if hashlib.sha256(archived_text.encode("utf-8")).hexdigest() != claimed["document_sha256"]:
        return _refused(f"PDF'ens tekst stemmer ikke med arkivets udgave af {named}")
    return PdfVerdict(
        True,
        f"PDF'en er ægte: forseglet af {signer} over hele filen, og den er det godkendte referat af {named}, "
        f"som arkivet har det (SHA-256 af den godkendte tekst {final.text_sha256}).",
    )


def _refused(reason: str) -> PdfVerdict:
    return PdfVerdict(False, f"Afvist: {reason}.")
