"""The court's signing key and its self-managed certificate (`microcourt court-key init`,
`rotate`). The private key is kept sealed under the data key (storage.sealing) in
`DATA_DIR/court-key/key.sealed`; every certificate the court has signed with stays public in
`DATA_DIR/court-key/certificates/`, so documents signed before a rotation still verify."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from storage.sealing import Sealer

VALID_FOR = timedelta(days=10 * 366)
KEY_FILE = "key.sealed"
CERTS = "certificates"


class CourtKeyError(Exception):
    """No court key, or one already made where `init` was asked."""


@dataclass(frozen=True)
class CourtKey:
    private_key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate

    @property
    def signer_name(self) -> str:
        return common_name(self.certificate)


def common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


def key_dir(data_dir: Path) -> Path:
    return data_dir / "court-key"


def init(directory: Path, sealer: Sealer, court_name: str, court_code: str, now: datetime) -> CourtKey:
    """A new key and certificate for the court; refused if the court has one (use `rotate`)."""
    if (directory / KEY_FILE).exists():
        raise CourtKeyError(f"the court already has a key in {directory}: `microcourt court-key rotate` replaces it")
    return _make(directory, sealer, court_name, court_code, now)


def rotate(directory: Path, sealer: Sealer, court_name: str, court_code: str, now: datetime) -> CourtKey:
    """A new key and certificate; the previous certificate stays, so what it signed still verifies."""
    if not (directory / KEY_FILE).exists():
        raise CourtKeyError(f"the court has no key in {directory} yet: run `microcourt court-key init`")
    return _make(directory, sealer, court_name, court_code, now)


def load(directory: Path, sealer: Sealer) -> CourtKey:
    path = directory / KEY_FILE
    if not path.exists():
        raise CourtKeyError(f"the court has no key in {directory}: run `microcourt court-key init`")
    opened = sealer.open(path.read_text())
    key = serialization.load_pem_private_key(opened["key"].encode(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise CourtKeyError("the court key is not an EC key")
    return CourtKey(key, x509.load_pem_x509_certificate(opened["certificate"].encode()))


def reseal(directory: Path, sealer: Sealer) -> bool:
    """Seal the court key again under the current data key (`microcourt keys rotate`); whether
    anything was written."""
    path = directory / KEY_FILE
    if not path.exists() or sealer.is_current(token := path.read_text()):
        return False
    _write(path, sealer.reseal(token))
    return True


def certificates(directory: Path) -> list[x509.Certificate]:
    """Every certificate the court has signed with (public: no data key needed)."""
    return [x509.load_pem_x509_certificate(p.read_bytes()) for p in sorted((directory / CERTS).glob("*.pem"))]


def _make(directory: Path, sealer: Sealer, court_name: str, court_code: str, now: datetime) -> CourtKey:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, court_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, court_name),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, court_code),
        ]
    )
    usage = x509.KeyUsage(True, True, False, False, False, True, False, False, False)  # sign, non-repudiation, cert
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + VALID_FOR)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    certs = directory / CERTS
    certs.mkdir(parents=True, exist_ok=True)
    (certs / f"{now:%Y%m%dT%H%M%S}-{certificate.serial_number:x}.pem").write_bytes(pem)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write(directory / KEY_FILE, sealer.seal({"key": private.decode(), "certificate": pem.decode()}))
    return CourtKey(key, certificate)


def _write(path: Path, token: str) -> None:
    """Written whole or not at all (a crash leaves the previous key)."""
    partial = path.with_suffix(".partial")
    partial.write_text(token)
    partial.chmod(0o600)
    partial.replace(path)
