"""The sealed PDF/A: a real PAdES signature checked by pyHanko's validator, and `referat verify --pdf`.

Rendering takes about half a second, so the module exports once sealed and once unsealed, and each
test changes a copy of those bytes.
"""

from __future__ import annotations

import io
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from bot import cli
from bot.referat.sealing import check_pdf
from storage.store import StoreOpener
from support.seals import APPROVED, MadeSeal, approve_meeting, make_seal

OURS = make_seal("Holstebro Kommune")
THEIRS = make_seal("Holstebro Kommune")


def export(folder: Path, name: str, seal: MadeSeal | None) -> bytes:
    out = folder / name
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REFERAT_DB", str(folder / "referat.db"))
        if seal is not None:
            key, cert = seal.write(folder, name)
            patch.setenv("REFERAT_SEAL_KEY", str(key))
            patch.setenv("REFERAT_SEAL_CERT", str(cert))
        assert cli.main(["export", "--format", "pdf", "--out", str(out)]) == 0
    return out.read_bytes()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("segl")
    store = StoreOpener(folder / "referat.db")()
    meeting = approve_meeting(store, "Kredsrådsmøde i Holstebro Kommune")
    final = store.approved_referat(meeting.id)
    assert final is not None
    return {
        "folder": folder,
        "meeting": meeting,
        "sha256": final.text_sha256,
        "sealed": export(folder, "segl.pdf", OURS),
        "theirs": export(folder, "andet.pdf", THEIRS),
        "unsealed": export(folder, "uforseglet.pdf", None),
    }


def validate(pdf: bytes) -> Any:
    """pyHanko's own validation, with our certificate as the only trust root."""
    root = asn1_x509.Certificate.load(OURS.seal.certificate.public_bytes(serialization.Encoding.DER))
    signature = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[0]
    return validate_pdf_signature(signature, signer_validation_context=ValidationContext(trust_roots=[root]))


def verify_pdf(
    archive: dict[str, Any],
    pdf: bytes,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    db: Path | None = None,
) -> tuple[int, str]:
    path = archive["folder"] / "til-kontrol.pdf"
    path.write_bytes(pdf)
    monkeypatch.setenv("REFERAT_DB", str(db or archive["folder"] / "referat.db"))
    _, cert = OURS.write(archive["folder"], "kontrol")
    monkeypatch.setenv("REFERAT_SEAL_CERT", str(cert))
    code = cli.main(["verify", "--pdf", str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_sealed_pdf_validates_over_the_whole_file(archive: dict[str, Any]) -> None:
    status = validate(archive["sealed"])
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def test_one_flipped_byte_breaks_the_signature(archive: dict[str, Any]) -> None:
    pdf = bytearray(archive["sealed"])
    position = archive["sealed"].index(b"Kredsr")  # inside the signed content
    pdf[position] ^= 0x01
    assert not validate(bytes(pdf)).intact


def test_the_sealed_pdf_stays_pdf_a_and_has_the_annex(archive: dict[str, Any]) -> None:
    reader = PdfReader(io.BytesIO(archive["sealed"]))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="3"|<pdfaid:part>3<', xmp)
    assert re.search(r'pdfaid:conformance="B"|<pdfaid:conformance>B<', xmp)
    # PDF/A: the document information and the XMP name the same producer.
    producer = str(reader.metadata["/Producer"]) if reader.metadata else ""
    assert producer
    assert producer in xmp
    annex = reader.pages[-1].extract_text()
    assert "Bilag: Godkendelse og segl" in annex
    assert "Helle Kyndesen" in annex
    assert "21. marts 2024 kl. 09.00" in annex  # APPROVED, in Danish time
    assert archive["sha256"] in annex.replace("\n", "")
    assert "Holstebro Kommune – referatsegl" in annex
    assert APPROVED.year == 2024


def test_without_a_seal_the_pdf_says_it_is_unsealed(archive: dict[str, Any]) -> None:
    reader = PdfReader(io.BytesIO(archive["unsealed"]))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Ikke forseglet" in text
    assert "Bilag: Godkendelse og segl" not in text
    assert not PdfFileReader(io.BytesIO(archive["unsealed"]), strict=False).embedded_signatures


def test_verify_pdf_accepts_the_sealed_copy_and_refuses_every_other(
    archive: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = verify_pdf(archive, archive["sealed"], monkeypatch, capsys)
    assert code == 0, out
    assert "PDF'en er ægte" in out
    assert f"id {archive['meeting'].id}" in out

    flipped = bytearray(archive["sealed"])
    flipped[archive["sealed"].index(b"Kredsr")] ^= 0x01
    refusals = {
        "ændret efter forseglingen": bytes(flipped),
        "ikke forseglet": archive["unsealed"],
        "ikke er organisationens segl": archive["theirs"],
        "ikke læses som PDF": b"%PDF-1.7\nikke en pdf",
    }
    for reason, pdf in refusals.items():
        code, out = verify_pdf(archive, pdf, monkeypatch, capsys)
        assert code == 1, reason
        assert out.startswith("Afvist: ")
        assert reason in out


def test_a_pdf_of_an_earlier_version_is_refused_naming_the_addition(
    archive: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The archive moves on (a copy of it, so the module's archive stays as the PDFs were made).
    later = tmp_path / "senere.db"
    with sqlite3.connect(archive["folder"] / "referat.db") as source, sqlite3.connect(later) as copy:
        source.backup(copy)
    store = StoreOpener(later)()
    meeting = archive["meeting"]
    addition = store.add_addition(meeting.id, "Mødet sluttede kl. 16.", user_id="UREF", now=APPROVED)
    store.add_addition_approval(addition.id, "UHELLE", APPROVED)
    assert store.approve_addition(addition.id, "Tilføjelse godkendt af Helle Kyndesen", APPROVED)
    code, out = verify_pdf(archive, archive["sealed"], monkeypatch, capsys, db=later)
    assert code == 1
    assert f"anden udgave af Kredsrådsmøde i Holstebro Kommune (19.03.2024, id {meeting.id})" in out
    assert f"tilføjelse nr. {addition.id}" in out


def test_verify_pdf_without_a_certificate_or_a_file_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REFERAT_DB", str(tmp_path / "referat.db"))
    assert cli.main(["verify", "--pdf", str(tmp_path / "x.pdf")]) == 2
    assert "sæt REFERAT_SEAL_CERT" in capsys.readouterr().err
    _, cert = OURS.write(tmp_path, "segl")
    monkeypatch.setenv("REFERAT_SEAL_CERT", str(cert))
    assert cli.main(["verify", "--pdf", str(tmp_path / "x.pdf")]) == 2
    assert "Kan ikke læse" in capsys.readouterr().err
    assert cli.main(["verify", "--pdf", str(tmp_path)]) == 2
    assert "ikke en PDF-fil" in capsys.readouterr().err


def test_a_byte_changed_where_the_signature_itself_sits_is_refused_too(archive: dict[str, Any]) -> None:
    """The signature's own hex string is the one part of the file its digest cannot cover; validators
    read it leniently (either case, padding ignored, the certificates inside unsigned)."""
    pdf = archive["sealed"]
    start = pdf.index(b"/Contents <") + len(b"/Contents <")
    end = pdf.index(b">", start)
    der = bytes.fromhex(pdf[start:end].decode("ascii"))
    certificate = OURS.seal.certificate.public_bytes(serialization.Encoding.DER)
    inside_certificate = start + 2 * der.index(certificate) + 2 * (len(certificate) - 80)
    letter = next(i for i in range(start, end) if chr(pdf[i]) in "ABCDEFabcdef")
    changes = {
        "the zero padding": (end - 1, ord("1")),
        "a hex digit's case": (letter, pdf[letter] ^ 0x20),
        "the certificate inside": (
            inside_certificate,
            ord("0") if pdf[inside_certificate] != ord("0") else ord("1"),
        ),
    }
    assert check_pdf(pdf, OURS.seal.chain).intact
    for where, (position, value) in changes.items():
        changed = bytearray(pdf)
        changed[position] = value
        assert bytes(changed) != pdf
        assert not check_pdf(bytes(changed), OURS.seal.chain).intact, where
