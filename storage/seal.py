"""The organisation's seal: a private key and its certificate, signing each link of the hash chain.

A hash chain alone shows that rows changed, but anyone with write access to the database file can
recompute every hash with the project's own code. A signature by a key kept outside the database
cannot be recomputed: an archive rewritten without the key fails `referat verify`.

The key and certificate are read from the environment by bot.config and handed to the store; this
module only loads PEM, signs and checks, with the `cryptography` library. A link names the
certificate it was signed with by the SHA-256 of the certificate (DER), so an archive sealed with
several keys over the years (rotation) is checked link by link against the certificate that link
names, among the ones the operator trusts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa

from storage.errors import ReferatError

SigningKey = (
    rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey
)


class SealError(ReferatError):
    """A key or certificate cannot be used; the message (Danish) says why, without naming a variable."""


def fingerprint(certificate: x509.Certificate) -> str:
    """The SHA-256 of the certificate's DER bytes, hex: how a link names the certificate it was signed with."""
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def subject(certificate: x509.Certificate) -> str:
    """The certificate's common name (or its whole subject), for messages."""
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


@dataclass(frozen=True)
class Seal:
    """A signing key with its certificate chain (the seal's own certificate first)."""

    key: SigningKey
    chain: tuple[x509.Certificate, ...]

    @property
    def certificate(self) -> x509.Certificate:
        return self.chain[0]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    def sign(self, data: bytes) -> bytes:
        key = self.key
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(hashes.SHA256()))
        return key.sign(data)


def load_certificates(pem: bytes) -> tuple[x509.Certificate, ...]:
    """Every certificate in a PEM file, in order; SealError when there is none or one is broken."""
    try:
        certificates = tuple(x509.load_pem_x509_certificates(pem))
    except ValueError as error:
        raise SealError(f"er ikke et PEM-certifikat ({error})") from error
    if not certificates:
        raise SealError("indeholder intet PEM-certifikat")
    return certificates


def load_key(pem: bytes) -> SigningKey:
    """An unencrypted PEM private key (RSA, EC or Ed25519/Ed448)."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except TypeError as error:  # the key is encrypted
        raise SealError("er krypteret; giv nøglen ukrypteret og beskyt filen med rettigheder") from error
    except (ValueError, UnsupportedAlgorithm) as error:
        raise SealError("er ikke en PEM-privatnøgle") from error
    if not isinstance(
        key,
        rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey,
    ):
        raise SealError("er en nøgletype, der ikke kan signere (brug RSA, EC eller Ed25519)")
    return key


def matches(key: SigningKey, certificate: x509.Certificate) -> bool:
    """Whether `certificate` is for `key` (same public key)."""
    raw = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    return key.public_key().public_bytes(*raw) == certificate.public_key().public_bytes(*raw)


def signature_holds(certificate: x509.Certificate, data: bytes, signature: bytes) -> bool:
    """Whether `signature` over `data` was made with the key of `certificate`."""
    public = certificate.public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(public, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            public.verify(signature, data)
        else:
            return False
    except InvalidSignature:
        return False
    return True


def trusted(certificates: Iterable[x509.Certificate]) -> Mapping[str, x509.Certificate]:
    """The certificates `referat verify` accepts a link's signature from, by fingerprint."""
    return {fingerprint(c): c for c in certificates}
