"""Checking a court PDF offline (`microcourt documents verify`, the /verify page): intact and
signed by this court (0), changed after the court signed it (1), or not a court document (2)."""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import parser as asn1_parser
from asn1crypto import x509 as asn1_x509
from asn1crypto.algos import DigestAlgorithm
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from court.texts import text

INTACT, TAMPERED, NOT_COURT = 0, 1, 2
_SHA256 = DigestAlgorithm({"algorithm": "sha256"}).dump()

# pyHanko logs every failed check as a warning: a tampered upload is an answer here, not an incident
logging.getLogger("pyhanko").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Verdict:
    code: int  # INTACT, TAMPERED or NOT_COURT: the exit status of `microcourt documents verify`
    sha256: str
    problem: str | None = None  # a documents.problem_* key
    signer: str | None = None
    signed_at: datetime | None = None

    def message(self, locale: str) -> str:
        if self.code == INTACT:
            at = self.signed_at.isoformat(timespec="seconds") if self.signed_at else "?"
            return text("documents.verify_intact", locale, signer=self.signer, at=at, sha256=self.sha256)
        problem = text(f"documents.problem_{self.problem}", locale, signer=self.signer or "?")
        key = "documents.verify_tampered" if self.code == TAMPERED else "documents.verify_not_court"
        return text(key, locale, problem=problem)

    def as_json(self, locale: str) -> dict[str, object]:
        return {
            "result": ("intact", "tampered", "not_court")[self.code],
            "code": self.code,
            "problem": self.problem,
            "signer": self.signer,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "sha256": self.sha256,
            "message": self.message(locale),
        }


def verify(pdf: bytes, court_certificates: Sequence[x509.Certificate]) -> Verdict:
    """The verdict on `pdf`, against every certificate the court has signed with. pyHanko runs an
    event loop of its own: where one is running, call this in a thread (asyncio.to_thread)."""
    _outside_a_running_loop()
    digest = hashlib.sha256(pdf).hexdigest()
    carries_signature = b"/ByteRange" in pdf
    if b"%PDF-" not in pdf[:1024]:
        return Verdict(
            TAMPERED if carries_signature else NOT_COURT, digest, "damaged" if carries_signature else "not_pdf"
        )
    broken = Verdict(TAMPERED, digest, "damaged") if carries_signature else Verdict(NOT_COURT, digest, "unsigned")
    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception:  # any unreadable PDF: whether it had a signature decides
        return broken
    if not signatures:
        return broken
    first = signatures[0]  # the court signs first; anything after it is a later change
    roots = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in court_certificates]
    try:
        status = validate_pdf_signature(first, ValidationContext(trust_roots=roots, allow_fetching=False))
    except Exception:  # a signature pyHanko cannot even evaluate is a damaged one
        return Verdict(TAMPERED, digest, "damaged")
    signer = _name(first.signer_cert)
    if not (status.intact and status.valid):
        return Verdict(TAMPERED, digest, "changed", signer)
    if first.signer_cert.public_key.dump() not in {r.public_key.dump() for r in roots}:
        return Verdict(NOT_COURT, digest, "other_signer", signer)
    try:
        untouched = _padding_untouched(first) and _unsigned_parts_untouched(first, roots)
    except ValueError:  # asn1crypto: a changed byte in the CMS no longer parses
        return Verdict(TAMPERED, digest, "damaged", signer)
    if not untouched:
        return Verdict(TAMPERED, digest, "changed", signer)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return Verdict(TAMPERED, digest, "appended", signer)
    return Verdict(INTACT, digest, None, signer, status.signer_reported_dt)


def _outside_a_running_loop() -> None:
    """Inside a running loop pyHanko's validation could not run, and every file would look damaged."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError("verify() runs pyHanko's own event loop: call it with asyncio.to_thread")


def _padding_untouched(signature: EmbeddedPdfSignature) -> bool:
    """The only bytes a signature does not cover are its own /Contents: the CMS and the zeros
    reserved after it. A byte changed in those zeros changes nothing signed, but it is a change."""
    contents = bytes(signature.sig_object.raw_get("/Contents").original_bytes)
    _cls, _method, _tag, header, body, _trailer = asn1_parser.parse(contents)
    return not contents[len(header) + len(body) :].strip(b"\0")


def _unsigned_parts_untouched(signature: EmbeddedPdfSignature, roots: Sequence[asn1_x509.Certificate]) -> bool:
    """The CMS parts its signature does not cover are as the court wrote them: the certificates
    it carries are court certificates byte for byte, it names the one digest it signs with, and
    its version is the one pyHanko writes."""
    signed_data = signature.signed_data
    known = {root.dump() for root in roots}
    if any(choice.chosen.dump() not in known for choice in signed_data["certificates"]):
        return False  # the court carries only its own certificate (twice: as signer and as root)
    same_digest = [algorithm.dump() for algorithm in signed_data["digest_algorithms"]] == [_SHA256]
    info = signature.signer_info
    as_written = (signed_data["version"].native, info["version"].native, info["digest_algorithm"].dump())
    return same_digest and as_written == ("v1", "v1", _SHA256)  # as pyHanko writes them


def _name(certificate: asn1_x509.Certificate) -> str:
    return str(certificate.subject.native.get("common_name") or certificate.subject.human_friendly)
