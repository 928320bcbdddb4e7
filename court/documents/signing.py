"""The court signs its PDFs: a PAdES signature (pyHanko) with the court's key, covering the
whole file, with the signing time the court's clock gives (never the machine's own: a test that
jumps the court's clock sees the jump in the signature); the signed file's SHA-256 goes into the
case's event log."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from court.documents.court_key import CourtKey

FIELD = "CourtSignature"


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    sha256: str  # of the signed file, as served
    signed_at: datetime
    signer: str


class _AtTheCourtsTime(signers.PdfSigner):
    """pyHanko's signer with the signing time handed in: a signing session's `system_time` (what
    the CMS signing-time attribute and the signature dictionary's /M state) is the court's
    instant instead of the machine's clock."""

    def __init__(self, meta: signers.PdfSignatureMetadata, signer: signers.Signer, at: datetime) -> None:
        super().__init__(meta, signer=signer)
        self.at = at

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self.at
        return session


def sign(pdf: bytes, key: CourtKey, reason: str, at: datetime, field: str = FIELD) -> Signed:
    """`pdf` signed by the court at `at`, the court's clock (to the second: a signature's time
    carries no fraction). pyHanko runs an event loop of its own: where one is running, call this
    in a thread (asyncio.to_thread)."""
    if at.tzinfo is None:
        raise ValueError("the signing time must be an aware instant")
    certificate = asn1_x509.Certificate.load(key.certificate.public_bytes(serialization.Encoding.DER))
    private = key.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    signer = signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=asn1_keys.PrivateKeyInfo.load(private),
        cert_registry=SimpleCertificateStore.from_certs([certificate]),  # type: ignore[no-untyped-call]
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        name=key.signer_name,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    pdf_signer = _AtTheCourtsTime(meta, signer, at.replace(microsecond=0))
    out = pdf_signer.sign_pdf(writer).getvalue()
    return Signed(out, hashlib.sha256(out).hexdigest(), _signing_time(out), key.signer_name)


def _signing_time(pdf: bytes) -> datetime:
    """The signing time as the signature states it (what verification reports)."""
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    moment = signature.self_reported_timestamp
    if not isinstance(moment, datetime):
        raise ValueError("the signature carries no signing time")
    return moment


def page_count(pdf: bytes) -> int:
    """How many pages a PDF has (said to the parties with the record they confirm, OLR 34)."""
    return int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])
