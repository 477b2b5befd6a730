"""Signatures a standard validator accepts (pyHanko against the development CA). What
``verify_pdf`` tells a resident holding a copy: test_verification.py."""

from __future__ import annotations

import asyncio
import io

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from thidua.pki import ensure_dev_ca

from .helpers import flip_one_signed_byte, issued_pdf

SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _validate(pdf: bytes, roots: list[x509.Certificate]):
    """pyHanko's own validator, as an outside party would run it."""
    reader = PdfFileReader(io.BytesIO(pdf))
    context = ValidationContext(
        trust_roots=[
            asn1_x509.Certificate.load(r.public_bytes(serialization.Encoding.DER)) for r in roots
        ]
    )
    return validate_pdf_signature(reader.embedded_signatures[0], context)


@SQLITE
async def test_an_issued_decision_passes_pyhanko_validation_and_a_changed_byte_fails(
    doc_factory, doc_settings, world
):
    pdf, _ = await issued_pdf(doc_factory, doc_settings, world)
    dev_ca, _key = ensure_dev_ca(doc_settings)

    status = await asyncio.to_thread(_validate, pdf, [dev_ca])
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert status.coverage.name == "ENTIRE_FILE"
    # PAdES: CAdES-detached CMS, signer named in the certificate.
    reader = PdfFileReader(io.BytesIO(pdf))
    assert reader.embedded_signatures[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert "Nguyễn Thị Thanh Hương" in status.signing_cert.subject.human_friendly

    tampered = await asyncio.to_thread(_validate, flip_one_signed_byte(pdf), [dev_ca])
    assert not tampered.bottom_line
    assert not tampered.intact
