"""Real seals for tests: an EC key and a self-signed certificate made with `cryptography`.

Small EC keys are made in milliseconds; modules make theirs once. The certificates are valid from
2020 to 2099, so nothing depends on today's date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot.approval.rules import approval_line, final_text
from bot.referat.compile import referat_text
from bot.slack.drafts import entries_snapshot
from storage.records import EntryKind, Meeting
from storage.seal import Seal
from storage.store import Store

VALID_FROM = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
VALID_TO = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
DRAFTED = dt.datetime(2024, 3, 19, 15, 0, tzinfo=dt.UTC)
APPROVED = dt.datetime(2024, 3, 21, 8, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class MadeSeal:
    seal: Seal
    key_pem: bytes
    cert_pem: bytes

    def write(self, folder: Path, name: str) -> tuple[Path, Path]:
        """The key and certificate as PEM files `name.key` and `name.crt` in `folder`."""
        key, cert = folder / f"{name}.key", folder / f"{name}.crt"
        key.write_bytes(self.key_pem)
        cert.write_bytes(self.cert_pem)
        return key, cert


def make_seal(organisation: str = "Holstebro Kommune") -> MadeSeal:
    """A self-signed seal of `organisation`, as docs/operations.md tells an organisation to try it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation} – referatsegl"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DK"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(VALID_FROM)
        .not_valid_after(VALID_TO)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return MadeSeal(Seal(key, (certificate,)), key_pem, certificate.public_bytes(serialization.Encoding.PEM))


def approve_meeting(store: Store, title: str = "Kredsrådsmøde", *, channel: str = "C1") -> Meeting:
    """A meeting approved by one approver as the bot approves one (its link sealed if the store is)."""
    meeting = store.create_meeting(
        title=title, date=dt.date(2024, 3, 19), place="rådhuset", channel_id=channel,
        starter_user_id="UREF", now=DRAFTED,
    )  # fmt: skip
    store.add_participant(
        meeting.id, name="Helle Kyndesen", title="Politidirektør", organisation="politiet", absent=False,
        slack_user_id="UHELLE", role=None, now=DRAFTED,
    )  # fmt: skip
    store.set_agenda(meeting.id, [(1, "Orientering", (), ())], user_id="UREF", now=DRAFTED)
    store.add_entry(
        meeting.id, item_number=1, kind=EntryKind.STATEMENT, text="orienterede om flerårsaftalen.",
        author_user_id="UHELLE", speaker_id=store.participants(meeting.id)[0].id, now=DRAFTED,
    )  # fmt: skip
    doc = store.document(meeting.id)
    text = referat_text(doc, version=1, draft_date=DRAFTED.date())
    draft = store.add_draft(
        meeting.id, text=text, text_sha256=hashlib.sha256(text.encode()).hexdigest(),
        snapshot=entries_snapshot(doc.entries), now=DRAFTED,
    )  # fmt: skip
    store.add_approval(draft.id, "UHELLE", APPROVED)
    approvals = [("Helle Kyndesen", APPROVED)]
    final = final_text(text, approvals)
    assert store.finalize(
        meeting.id, draft.id, text=final, text_sha256=hashlib.sha256(final.encode()).hexdigest(),
        approval_line=approval_line(approvals), now=APPROVED,
    )  # fmt: skip
    return meeting
