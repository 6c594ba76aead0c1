"""The sealed PDF: a PAdES signature by the organisation's seal over the whole file, and its check.

A footer with the text's SHA-256 binds a PDF to nothing: anyone can make a PDF with the same footer.
A signature by the seal's key (pyHanko, PAdES baseline B-B) binds every byte of the file to the
organisation; any viewer that checks signatures shows who sealed it, and `referat verify --pdf`
checks it against the seal's certificates.

The signature is an incremental update, so the PDF/A the renderer made stays as it was; pyHanko
updates the XMP metadata (producer, modification date) and the document information alike, which is
what PDF/A asks of the two. The PDF carries the approved text as an embedded file (PDF/A-3 allows
it, `AFRelationship /Source`) with what it was made from, so a check can compare it with the archive.
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from storage.seal import Seal, fingerprint, subject

FIELD = "Segl"
PROOF_NAME = "godkendt-referat.json"


class PdfUnreadable(Exception):
    """The bytes are not a PDF pyHanko can read; the message (Danish) says so."""


@dataclass(frozen=True)
class PdfSeal:
    """What a PDF's seal shows."""

    signed: bool  # has a signature at all
    intact: bool = False  # the signed bytes are unchanged
    trusted: bool = False  # signed by a key whose certificate is among those trusted
    whole_file: bool = False  # the signature covers every byte of the file, nothing was added after
    signer: str = ""  # the signing certificate's name
    signer_sha256: str = ""  # and fingerprint
    proof: dict[str, Any] | None = None  # the embedded `godkendt-referat.json`, if any


def _pyhanko() -> Any:
    with warnings.catch_warnings():
        # pyHanko still imports cryptography's DSA names, which cryptography has deprecated.
        warnings.simplefilter("ignore")
        from pyhanko.sign import signers

    return signers


def seal_pdf(pdf: bytes, seal: Seal, *, reason: str) -> bytes:
    """`pdf` signed by `seal` over the whole file (PAdES B-B, SHA-256), as an incremental update."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.metadata.model import VENDOR
    from pyhanko.sign import fields
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signers = _pyhanko()
    chain = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in seal.chain]
    key = asn1_keys.PrivateKeyInfo.load(
        seal.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=chain[0],
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs(chain),  # type: ignore[no-untyped-call]
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    # pyHanko names itself the producer in the XMP but appends itself in the document information;
    # PDF/A wants both the same. The modification date it writes to the XMP only (now): an older one
    # left in the information would disagree with it.
    reference = writer.prev.trailer_view.raw_get("/Info")
    info = reference.get_object()
    info["/Producer"] = generic.TextStringObject(VENDOR)
    if "/ModDate" in info:
        del info["/ModDate"]
    writer.mark_update(reference)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        name=subject(seal.certificate),
    )
    signed: bytes = signers.sign_pdf(writer, metadata, signer=signer).getvalue()
    return signed


def check_pdf(pdf: bytes, certificates: Sequence[x509.Certificate]) -> PdfSeal:
    """Validate the PDF's last signature with pyHanko against `certificates` as trust roots."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext

    _pyhanko()
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        proof = _proof(reader)
    except (PdfError, ValueError, KeyError, TypeError) as error:
        raise PdfUnreadable(f"filen kan ikke læses som PDF ({error})") from error
    if not signatures:
        return PdfSeal(signed=False, proof=proof)
    roots = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in certificates]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    embedded = signatures[-1]
    try:
        status = validate_pdf_signature(embedded, signer_validation_context=context)
    except (SignatureValidationError, PdfError, ValueError) as error:
        raise PdfUnreadable(f"signaturen kan ikke læses ({error})") from error
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    signer = x509.load_der_x509_certificate(embedded.signer_cert.dump())
    return PdfSeal(
        signed=True,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=subject(signer),
        signer_sha256=fingerprint(signer),
        proof=proof,
    )


def _proof(reader: Any) -> dict[str, Any] | None:
    """The embedded `godkendt-referat.json`, read from the document's EmbeddedFiles name tree."""
    root = reader.root
    try:
        names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    except KeyError:
        return None
    for index in range(0, len(names) - 1, 2):
        if str(names[index]) != PROOF_NAME:
            continue
        stream = names[index + 1].get_object()["/EF"]["/F"].get_object()
        try:
            loaded = json.loads(stream.data)
        except ValueError:
            return None
        return loaded if isinstance(loaded, dict) else None
    return None
