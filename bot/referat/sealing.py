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
        # The rest of the chain (the signing certificate is embedded once, as itself).
        cert_registry=SimpleCertificateStore.from_certs(chain[1:]),  # type: ignore[no-untyped-call]
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
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    _pyhanko()
    # The file is untrusted input: whatever the parser or the validator fails with, the answer is
    # that it cannot be read as a sealed PDF, never a traceback.
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        proof = _proof(reader)
    except Exception as error:
        raise PdfUnreadable(f"filen kan ikke læses som PDF ({error})") from error
    if not signatures:
        return PdfSeal(signed=False, proof=proof)
    roots = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in certificates]
    embedded = signatures[-1]
    try:
        signed_at = embedded.self_reported_timestamp
    except Exception:
        signed_at = None
    # Checked as of when it says it was sealed: a seal whose certificate has expired since (and was
    # rotated) still proves the PDFs it sealed while it was valid.
    context = ValidationContext(trust_roots=roots, allow_fetching=False, moment=signed_at)
    try:
        status = validate_pdf_signature(embedded, signer_validation_context=context)
    except SignatureValidationError:
        # The signature is there but does not hold together (e.g. a certificate inside it changed).
        return PdfSeal(signed=True, proof=proof)
    except Exception as error:
        raise PdfUnreadable(f"signaturen kan ikke læses ({error})") from error
    try:
        signer = x509.load_der_x509_certificate(embedded.signer_cert.dump())
        embedded_certs = [
            x509.load_der_x509_certificate(c.chosen.dump())
            for c in embedded.signed_data["certificates"] or []
        ]
        canonical = _canonical_contents(pdf, [int(n) for n in embedded.byte_range])
        # The certificates inside the signature are not signed by it: a byte changed there leaves
        # the signature valid, so each must be one of the configured certificates, byte for byte.
        ours = {fingerprint(c) for c in certificates}
        altered = any(fingerprint(c) not in ours for c in embedded_certs) and any(
            c.public_key() == signer.public_key() for c in certificates
        )
        # So is the head of the CMS before them: it must say what the signed part says.
        altered = altered or not _head_agrees(embedded.signed_data, embedded.signer_cert)
        name, signer_sha256 = subject(signer), fingerprint(signer)
    except Exception as error:
        raise PdfUnreadable(f"signaturen kan ikke læses ({error})") from error
    return PdfSeal(
        signed=True,
        intact=bool(status.intact and status.valid and canonical and not altered),
        trusted=bool(status.trusted) and signer_sha256 in ours,
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=name,
        signer_sha256=signer_sha256,
        proof=proof,
    )


def _head_agrees(signed_data: Any, signer_cert: Any) -> bool:
    """The unsigned parts of the CMS say what its signed part and certificate do: the digest
    algorithm used, the version RFC 5652 gives a SignedData of this shape (v3 for a key identifier
    or non-data content, else v1), and the signer named by the certificate's issuer and serial."""
    listed = [a["algorithm"].native for a in signed_data["digest_algorithms"]]
    infos = signed_data["signer_infos"]
    used = [i["digest_algorithm"]["algorithm"].native for i in infos]
    keyed = any(i["sid"].name == "subject_key_identifier" for i in infos)
    data = signed_data["encap_content_info"]["content_type"].native == "data"
    expected = "v3" if keyed or not data else "v1"
    named = all(
        i["sid"].name != "issuer_and_serial_number"
        or (
            i["sid"].chosen["issuer"].dump() == signer_cert.issuer.dump()
            and i["sid"].chosen["serial_number"].native == signer_cert.serial_number
        )
        for i in infos
    )
    versions = all(
        i["version"].native == ("v3" if i["sid"].name == "subject_key_identifier" else "v1") for i in infos
    )
    return listed == used and signed_data["version"].native == expected and named and versions


def _canonical_contents(pdf: bytes, byte_range: list[int]) -> bool:
    """Whether the one gap the signature does not cover holds exactly what the signer wrote there.

    The signature covers every byte but its own `/Contents` hex string. A validator decodes that
    string leniently (either case of hex digit; the zero padding after the signature ignored), so a
    byte flipped there would leave the signature valid. Written by pyHanko it is the signature's DER
    in one case of hex digits followed by zeros, nothing else.
    """
    from asn1crypto import cms

    if len(byte_range) != 4 or byte_range[0] != 0:
        return False
    gap = pdf[byte_range[1] : byte_range[2]]
    if len(gap) < 2 or gap[:1] != b"<" or gap[-1:] != b">":
        return False
    digits = gap[1:-1]
    try:
        decoded = bytes.fromhex(digits.decode("ascii"))
    except ValueError:
        return False
    if digits not in (decoded.hex().encode("ascii"), decoded.hex().upper().encode("ascii")):
        return False
    length = len(cms.ContentInfo.load(decoded).dump())
    if any(decoded[length:]):
        return False
    # Read every field and write it again as DER: an encoding a lenient reader let pass (a changed
    # tag or length inside the unsigned parts) does not come out the same.
    try:
        strict = cms.ContentInfo.load(decoded[:length])
        strict.native  # noqa: B018 (parses every field)
        return bool(strict.dump(force=True) == decoded[:length])
    except (ValueError, TypeError, KeyError):
        return False


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
