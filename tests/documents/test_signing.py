"""Signatures a standard validator accepts (pyHanko against the development CA). What
``verify_pdf`` tells a resident holding a copy: test_verification.py."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext

from activities.documents.report import render_report_pdf
from activities.signing import SigningError, sign_pdf
from api.services.verification import verify_pdf
from models import SigningIdentity
from tests.clock import machine_now
from thidua.pki import ensure_dev_ca, ensure_dev_identities, ensure_dev_tsa

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
    # PAdES B-LT: the revocation data follows the signed revision in the document security
    # store, the only change after it.
    assert status.coverage.name == "ENTIRE_REVISION"
    assert status.modification_level.name == "LTA_UPDATES"
    assert status.timestamp_validity is not None and status.timestamp_validity.valid
    # PAdES: CAdES-detached CMS, signer named in the certificate.
    reader = PdfFileReader(io.BytesIO(pdf))
    assert reader.embedded_signatures[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert "Nguyễn Thị Thanh Hương" in status.signing_cert.subject.human_friendly

    tampered = await asyncio.to_thread(_validate, flip_one_signed_byte(pdf), [dev_ca])
    assert not tampered.bottom_line
    assert not tampered.intact


@SQLITE
async def test_an_issued_decision_is_pades_b_lt_with_the_development_tsa_and_crl(
    doc_factory, doc_settings, world
):
    """The engine's signing path: an RFC 3161 timestamp of the development TSA (issued by
    the development CA for time stamping) and the CA's CRL in the document security store."""
    pdf, _ = await issued_pdf(doc_factory, doc_settings, world)
    reader = PdfFileReader(io.BytesIO(pdf))
    signature = reader.embedded_signatures[0]
    token = signature.signer_info["unsigned_attrs"][0]
    assert token["type"].native == "signature_time_stamp_token"
    dss = DocumentSecurityStore.read_dss(reader)
    assert len(dss.crls) >= 1
    tsa_cert, _key = ensure_dev_tsa(doc_settings)
    usage = tsa_cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.TIME_STAMPING]
    dev_ca, _ = ensure_dev_ca(doc_settings)
    # The development PKI outlives 2031: the CA 20 years, signers 6.
    assert dev_ca.not_valid_after_utc.year >= machine_now().year + 19
    async with doc_factory() as session:
        report = await verify_pdf(session, pdf, doc_settings, now=machine_now())
    assert report.level == "B-LT"
    assert report.timestamp_time is not None
    assert report.signing_time == report.timestamp_time


@SQLITE
async def test_the_timestamp_carries_the_moment_the_test_chose(doc_factory, doc_settings, world):
    await ensure_dev_identities(doc_factory, doc_settings)
    async with doc_factory() as session:
        identity = (
            await session.execute(
                SigningIdentity.__table__.select().where(
                    SigningIdentity.user_id == world.chairman.id
                )
            )
        ).one()
    chosen = machine_now().replace(microsecond=0) + timedelta(seconds=30)
    plain = await render_report_pdf("Văn bản có dấu thời gian", [])
    signed = await asyncio.to_thread(
        sign_pdf,
        plain,
        identity.pkcs12,
        doc_settings.signing_key_passphrase,
        field_name="Sig",
        box=(300, 100, 500, 170),
        page=0,
        signer_label="Tăng Văn Quân",
        settings=doc_settings,
        timestamp_time=chosen,
    )
    async with doc_factory() as session:
        report = await verify_pdf(session, signed, doc_settings, now=chosen)
    assert report.level == "B-LT"
    assert report.timestamp_time == chosen
    assert report.signing_time == chosen
    assert report.trusted is True and report.intact is True


@SQLITE
async def test_production_without_a_timestamp_authority_refuses_to_sign(doc_settings):
    production = doc_settings.model_copy(update={"environment": "production", "tsa_url": ""})
    plain = await render_report_pdf("Văn bản", [])
    with pytest.raises(SigningError, match="THIDUA_TSA_URL"):
        await asyncio.to_thread(
            sign_pdf,
            plain,
            b"unused",
            "",
            field_name="Sig",
            box=(300, 100, 500, 170),
            page=0,
            signer_label="Không ai",
            settings=production,
        )
