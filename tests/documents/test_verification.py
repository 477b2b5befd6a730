"""What ``verify_pdf`` (api/services/verification.py) tells a resident holding a copy:
authentic, tampered, untrusted, unregistered, unsigned or not a PDF; and decision
numbers read the way people type them."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.generic import NameObject, TextStringObject
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from activities.documents.report import render_report_pdf
from activities.signing import sign_pdf
from api.services.verification import VerificationStatus, parse_number, verify_pdf
from models import SigningIdentity
from tests.clock import machine_now
from thidua.pki import ensure_dev_identities, issue_dev_certificate, pack_pkcs12

from .helpers import flip_one_signed_byte, issued_pdf

SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _foreign_identity() -> tuple[bytes, x509.Certificate]:
    """A signer whose certificate comes from a CA this engine does not trust."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "CA lạ"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        ]
    )
    now = machine_now()  # certificates keep the machine's clock
    ca = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert, signer_key = issue_dev_certificate(ca, key, common="Kẻ Giả Mạo", organisation="Không rõ")
    return pack_pkcs12(signer_key, cert, [ca], b"secret"), ca


@SQLITE
async def test_verify_pdf_reports_authentic_then_tampered(doc_factory, doc_settings, world):
    pdf, number_text = await issued_pdf(doc_factory, doc_settings, world)
    async with doc_factory() as session:
        report = await verify_pdf(session, pdf, doc_settings, now=machine_now())
        assert report.status == VerificationStatus.AUTHENTIC
        assert report.number_text == number_text == "01/QĐ-UBND"
        assert report.authority_name == "Ủy ban nhân dân phường Thạch Khôi"
        assert report.signer_name == "Nguyễn Thị Thanh Hương"
        assert report.signing_time is not None
        assert report.issued_on is not None and report.issued_on.isoformat() == "2027-01-05"
        assert report.document_url.startswith("/api/v1/documents/")

        changed = await verify_pdf(
            session, flip_one_signed_byte(pdf), doc_settings, now=machine_now()
        )
        assert changed.status == VerificationStatus.TAMPERED
        assert changed.intact is False
        assert "Văn bản đã bị sửa đổi" in changed.message_vi


@SQLITE
async def test_content_added_after_signing_is_tampered_and_names_the_original(
    doc_factory, doc_settings, world
):
    pdf, number_text = await issued_pdf(doc_factory, doc_settings, world)
    # An incremental update, as an editor saving "one small change" would append.
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.root[NameObject("/Lang")] = TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    modified = out.getvalue()
    assert modified != pdf

    async with doc_factory() as session:
        report = await verify_pdf(session, modified, doc_settings, now=machine_now())
    assert report.status == VerificationStatus.TAMPERED
    assert report.covers_whole_file is False
    # What was signed is known: the report says which decision this copy claims to be.
    assert report.number_text == number_text


@SQLITE
async def test_a_signature_from_a_foreign_ca_is_untrusted(doc_factory, doc_settings, world):
    identity, foreign_ca = _foreign_identity()
    plain = await render_report_pdf("Quyết định giả", [])
    forged = await asyncio.to_thread(
        sign_pdf,
        plain,
        identity,
        "secret",
        field_name="Sig",
        box=(300, 100, 500, 170),
        page=0,
        signer_label="Kẻ Giả Mạo",
    )
    async with doc_factory() as session:
        report = await verify_pdf(session, forged, doc_settings, now=machine_now())
    assert report.status == VerificationStatus.UNTRUSTED
    assert report.intact is True and report.trusted is False
    assert report.signer_name == "Kẻ Giả Mạo"

    # Once the operator trusts that CA (pki_dir/trusted), the same file is no longer
    # untrusted — but it is still no document of this engine.
    trusted_dir = doc_settings.pki_dir / "trusted"
    trusted_dir.mkdir(parents=True, exist_ok=True)
    (trusted_dir / "foreign.pem").write_bytes(foreign_ca.public_bytes(serialization.Encoding.PEM))
    async with doc_factory() as session:
        report = await verify_pdf(session, forged, doc_settings, now=machine_now())
    assert report.status == VerificationStatus.UNREGISTERED


@SQLITE
async def test_a_file_signed_with_our_key_but_never_issued_is_unregistered(
    doc_factory, doc_settings, world
):
    await ensure_dev_identities(doc_factory, doc_settings)
    async with doc_factory() as session:
        identity = (
            await session.execute(
                SigningIdentity.__table__.select().where(
                    SigningIdentity.user_id == world.chairman.id
                )
            )
        ).one()
    plain = await render_report_pdf("Văn bản ngoài sổ", [])
    signed = await asyncio.to_thread(
        sign_pdf,
        plain,
        identity.pkcs12,
        doc_settings.signing_key_passphrase,
        field_name="Sig",
        box=(300, 100, 500, 170),
        page=0,
        signer_label="Tăng Văn Quân",
    )
    async with doc_factory() as session:
        report = await verify_pdf(session, signed, doc_settings, now=machine_now())
    assert report.status == VerificationStatus.UNREGISTERED
    assert report.trusted is True and report.intact is True
    assert report.document_id is None


@SQLITE
async def test_unsigned_and_not_a_pdf(doc_factory, doc_settings):
    plain = await render_report_pdf("Báo cáo", [])
    async with doc_factory() as session:
        assert (
            await verify_pdf(session, plain, doc_settings, now=machine_now())
        ).status == VerificationStatus.UNSIGNED
        assert (
            await verify_pdf(session, b"hello", doc_settings, now=machine_now())
        ).status == VerificationStatus.NOT_A_PDF
        broken = b"%PDF-1.7\n" + b"\x00garbage" * 50
        assert (
            await verify_pdf(session, broken, doc_settings, now=machine_now())
        ).status == VerificationStatus.NOT_A_PDF


@pytest.mark.fast
@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("12/QĐ-UBND", (12, "QD-UBND")),
        ("Số: 012/qđ-ubnd", (12, "QD-UBND")),
        ("  1 / QD-UBND ", (1, "QD-UBND")),
        ("01/TTr-UBND", (1, "TTR-UBND")),
        ("QĐ-UBND", None),
        ("12", None),
        ("", None),
    ],
)
def test_decision_numbers_are_read_the_way_people_type_them(typed, parsed):
    assert parse_number(typed) == parsed


# A moment after every certificate of the development PKI has expired.
IN_2040 = datetime(2040, 6, 1, 3, 0, tzinfo=UTC)


@SQLITE
async def test_a_b_lt_decision_stays_authentic_after_the_certificate_expired(
    doc_factory, doc_settings, world
):
    pdf, number_text = await issued_pdf(doc_factory, doc_settings, world)
    async with doc_factory() as session:
        signer_cert = x509.load_pem_x509_certificate(
            (
                await session.execute(
                    SigningIdentity.__table__.select().where(
                        SigningIdentity.user_id == world.vice_chairman.id
                    )
                )
            )
            .one()
            .certificate_pem.encode("ascii")
        )
        assert signer_cert.not_valid_after_utc < IN_2040
        report = await verify_pdf(session, pdf, doc_settings, now=IN_2040)
        assert report.status == VerificationStatus.AUTHENTIC, report.problems
        assert report.number_text == number_text
        assert report.level == "B-LT"
        assert report.timestamp_time is not None
        assert report.signing_time == report.timestamp_time
        # Checked at the timestamped time, with the revocation data signed in.
        assert report.validated_at == report.timestamp_time
        assert signer_cert.not_valid_before_utc <= report.timestamp_time
        assert report.covers_whole_file is True

        changed = await verify_pdf(session, flip_one_signed_byte(pdf), doc_settings, now=IN_2040)
        assert changed.status == VerificationStatus.TAMPERED


@SQLITE
async def test_a_b_b_signature_cannot_be_verified_after_the_certificate_expired(
    doc_factory, doc_settings, world
):
    """Without a timestamp, nobody can tell that the signature predates the expiry."""
    await ensure_dev_identities(doc_factory, doc_settings)
    async with doc_factory() as session:
        identity = (
            await session.execute(
                SigningIdentity.__table__.select().where(
                    SigningIdentity.user_id == world.chairman.id
                )
            )
        ).one()
    plain = await render_report_pdf("Văn bản không có dấu thời gian", [])
    signed = await asyncio.to_thread(
        sign_pdf,
        plain,
        identity.pkcs12,
        doc_settings.signing_key_passphrase,
        field_name="Sig",
        box=(300, 100, 500, 170),
        page=0,
        signer_label="Tăng Văn Quân",
    )  # no settings: PAdES B-B
    async with doc_factory() as session:
        today = await verify_pdf(session, signed, doc_settings, now=machine_now())
        later = await verify_pdf(session, signed, doc_settings, now=IN_2040)
    assert today.status == VerificationStatus.UNREGISTERED
    assert today.level == "B-B" and today.timestamp_time is None
    assert later.status == VerificationStatus.EXPIRED
    assert later.level == "B-B" and later.trusted is False and later.intact is True
    assert "không có dấu thời gian" in later.message_vi
