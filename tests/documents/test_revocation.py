"""A revoked certificate (issue 18): the development CA revokes, its CRL says so, the
engine refuses to sign with it, and a signature made after the revocation date (a key
compromised before, found out after) verifies as revoked on the API and the page, while
one made before it stays valid."""

from __future__ import annotations

import argparse
import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography import x509
from sqlalchemy import select
from temporalio.exceptions import ApplicationError

from activities.documents.activities import signing_failure
from activities.documents.renderer import render_html_to_pdf
from activities.documents.types import IssueDecisionInput, IssueSignedInput
from activities.external_signing import prepare_external_signature
from activities.signers import unreachable
from activities.signing import SigningError, long_term_failure, sign_pdf
from api.app import build_state, create_app
from api.services.verification import VerificationStatus, verify_pdf
from domain.vocabulary import DecisionStatus, Level, Role, SignerCapacity
from models import Decision, Document, RoleGrant, SigningIdentity, User
from tests.clock import fixed_clock
from thidua.cli import ConfigurationError, cmd_signer_revoke
from thidua.db import transaction
from thidua.pki import (
    dev_ca_crl,
    dev_revocations,
    ensure_dev_ca,
    ensure_dev_identities,
    issue_dev_certificate,
    pack_pkcs12,
    revoke_dev_certificate,
)
from thidua.settings import Settings

from .factories import add_decision, add_nomination
from .helpers import SIGNED_AT, activities, issue

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

IN_2040 = datetime(2040, 6, 1, 3, 0, tzinfo=UTC)  # the application's clock


def _identity(settings: Settings) -> tuple[x509.Certificate, bytes]:
    ca_cert, ca_key = ensure_dev_ca(settings)
    cert, key = issue_dev_certificate(
        ca_cert, ca_key, common="Tăng Văn Quân", organisation="UBND phường Thạch Khôi"
    )
    p12 = pack_pkcs12(key, cert, [ca_cert], settings.signing_key_passphrase.encode())
    return cert, p12


def _sign(settings: Settings, p12: bytes) -> bytes:
    return sign_pdf(
        render_html_to_pdf("<p>Quyết định khen thưởng</p>"),
        p12,
        settings.signing_key_passphrase,
        field_name="Sig",
        box=(300, 100, 500, 170),
        page=0,
        signer_label="Tăng Văn Quân",
        settings=settings,
    )


@pytest.fixture
async def client_in_2040(doc_settings) -> AsyncIterator[httpx.AsyncClient]:
    state = build_state(doc_settings)
    state.clock = fixed_clock(IN_2040)
    app = create_app(doc_settings, state=state)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client
    await state.engine.dispose()


def test_the_development_ca_lists_what_it_revoked(doc_settings):
    cert, _ = _identity(doc_settings)
    since = cert.not_valid_before_utc + timedelta(hours=1)
    revoke_dev_certificate(doc_settings, cert, revoked_at=since)

    [revocation] = dev_revocations(doc_settings)
    assert (revocation.serial_number, revocation.revoked_at) == (cert.serial_number, since)
    crl = dev_ca_crl(doc_settings, now=since + timedelta(days=1))
    entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
    assert entry is not None and entry.revocation_date_utc == since
    reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    assert reason == x509.ReasonFlags.key_compromise

    # Only the development CA revokes its own certificates.
    other_ca = issue_dev_certificate(*ensure_dev_ca(doc_settings), common="X", organisation="Y")
    foreign, _ = issue_dev_certificate(other_ca[0], other_ca[1], common="Z", organisation="Y")
    with pytest.raises(ValueError, match="development CA"):
        revoke_dev_certificate(doc_settings, foreign, revoked_at=since)


async def test_a_signature_after_the_revocation_date_is_reported_revoked(
    doc_factory, doc_settings, client_in_2040
):
    cert, p12 = _identity(doc_settings)
    signed = await asyncio.to_thread(_sign, doc_settings, p12)
    # Found out later: the key was compromised since an hour after the certificate was
    # issued, before this signature was made.
    revoke_dev_certificate(
        doc_settings, cert, revoked_at=cert.not_valid_before_utc + timedelta(hours=1)
    )

    async with doc_factory() as session:
        report = await verify_pdf(session, signed, doc_settings, now=IN_2040)
    assert report.status == VerificationStatus.REVOKED, report.problems
    assert report.intact and report.level == "B-LT"
    assert "thu hồi" in report.message_vi
    assert any("revoked before" in problem for problem in report.problems)

    api = await client_in_2040.post(
        "/api/v1/verify", files={"file": ("qd.pdf", signed, "application/pdf")}
    )
    assert api.status_code == 200 and api.json()["status"] == "revoked"
    page = await client_in_2040.post(
        "/xac-minh", files={"file": ("qd.pdf", signed, "application/pdf")}
    )
    assert page.status_code == 200
    assert 'data-status="revoked"' in page.text
    assert "CHỨNG THƯ SỐ ĐÃ BỊ THU HỒI" in page.text


async def test_a_signature_before_the_revocation_date_stays_valid(doc_factory, doc_settings):
    cert, p12 = _identity(doc_settings)
    signed = await asyncio.to_thread(_sign, doc_settings, p12)
    async with doc_factory() as session:
        before = await verify_pdf(session, signed, doc_settings, now=IN_2040)
    assert before.status == VerificationStatus.UNREGISTERED and before.timestamp_time
    # Revoked (a person left office) a day after this signature's timestamped time.
    revoke_dev_certificate(
        doc_settings,
        cert,
        revoked_at=before.timestamp_time + timedelta(days=1),
        reason=x509.ReasonFlags.cessation_of_operation,
    )

    async with doc_factory() as session:
        after = await verify_pdf(session, signed, doc_settings, now=IN_2040)
    assert after.status == VerificationStatus.UNREGISTERED, after.problems
    assert after.trusted and after.level == "B-LT"


async def test_the_engine_refuses_to_sign_with_a_revoked_certificate(doc_settings):
    cert, p12 = _identity(doc_settings)
    revoke_dev_certificate(
        doc_settings, cert, revoked_at=cert.not_valid_before_utc + timedelta(hours=1)
    )

    with pytest.raises(SigningError, match="revoked") as raised:
        await asyncio.to_thread(_sign, doc_settings, p12)
    assert "bị thu hồi" in raised.value.message_vi

    # Nor does it hand a digest to the official's signing agent for it.
    plain = await asyncio.to_thread(render_html_to_pdf, "<p>Quyết định</p>")
    with pytest.raises(SigningError, match="revoked"):
        await asyncio.to_thread(
            prepare_external_signature,
            plain,
            cert,
            [ensure_dev_ca(doc_settings)[0]],
            field_name="Sig",
            box=(300, 100, 500, 170),
            page=0,
            signer_label="Tăng Văn Quân",
            settings=doc_settings,
        )


async def test_an_operator_revokes_a_signers_development_certificate(
    doc_factory, doc_settings, world, capsys
):
    await ensure_dev_identities(doc_factory, doc_settings)
    async with doc_factory() as session:
        identity = (
            await session.execute(
                select(SigningIdentity).where(SigningIdentity.user_id == world.chairman.id)
            )
        ).scalar_one()
    cert = x509.load_pem_x509_certificate(identity.certificate_pem.encode("ascii"))
    since = cert.not_valid_before_utc + timedelta(hours=2)

    code = await cmd_signer_revoke(
        doc_settings,
        argparse.Namespace(username="chutich", since=since.isoformat(), reason="key_compromise"),
    )

    assert code == 0 and "Tăng Văn Quân" in capsys.readouterr().out
    assert [r.serial_number for r in dev_revocations(doc_settings)] == [cert.serial_number]
    async with doc_factory() as session:
        stored = await session.get(SigningIdentity, identity.id)
    assert stored is not None and not stored.active  # the next start issues a new one
    with pytest.raises(SigningError, match="revoked"):
        await asyncio.to_thread(_sign, doc_settings, identity.pkcs12)

    with pytest.raises(ConfigurationError, match="time zone"):
        await cmd_signer_revoke(
            doc_settings,
            argparse.Namespace(username="chutich", since="2026-12-01T08:00", reason="x"),
        )
    with pytest.raises(ConfigurationError, match="development CA"):
        await cmd_signer_revoke(
            doc_settings,
            argparse.Namespace(
                username="thuongtruc", since=since.isoformat(), reason="key_compromise"
            ),
        )


async def _active_certificate(factory, user_id: int | None, authority_id: int | None = None):
    async with factory() as session:
        query = select(SigningIdentity).where(SigningIdentity.active.is_(True))
        query = (
            query.where(SigningIdentity.user_id == user_id)
            if user_id is not None
            else query.where(
                SigningIdentity.user_id.is_(None), SigningIdentity.authority_id == authority_id
            )
        )
        identity = (await session.execute(query)).scalar_one()
    return x509.load_pem_x509_certificate(identity.certificate_pem.encode("ascii"))


async def _signed_decision(doc_factory, world):
    async with transaction(doc_factory) as session:
        return await add_decision(
            session, world, [await add_nomination(session, world, name="Nguyễn Thị Hoa")]
        )


async def test_a_revoked_signers_certificate_is_refused_before_a_number_is_spent(
    doc_factory, doc_settings, world
):
    await ensure_dev_identities(doc_factory, doc_settings)
    cert = await _active_certificate(doc_factory, world.chairman.id)
    revoke_dev_certificate(
        doc_settings, cert, revoked_at=cert.not_valid_before_utc + timedelta(hours=1)
    )
    decision = await _signed_decision(doc_factory, world)

    with pytest.raises(ApplicationError) as raised:
        await issue(doc_factory, doc_settings, decision.id, world.chairman)
    assert raised.value.type == "SigningIdentityUnusable" and raised.value.non_retryable
    assert "thu hồi" in str(raised.value)
    async with doc_factory() as session:
        stored = await session.get(Decision, decision.id)
    assert stored.status == DecisionStatus.AWAITING_SIGNATURE and stored.number is None


async def test_the_clerk_cannot_apply_a_revoked_organisation_certificate(
    doc_factory, doc_settings, world
):
    async with transaction(doc_factory) as session:
        clerk = User(username="vanthu", full_name="Phạm Thị Lan", password_hash="x")
        session.add(clerk)
        await session.flush()
        session.add(
            RoleGrant(user_id=clerk.id, role=Role.CLERK, unit_id=world.ward.id, level=Level.WARD)
        )
    await ensure_dev_identities(doc_factory, doc_settings)
    decision = await _signed_decision(doc_factory, world)
    documents = activities(doc_factory, doc_settings)
    signed = await documents.sign_decision(
        IssueDecisionInput(
            decision_id=decision.id,
            signer_user_id=world.chairman.id,
            capacity=SignerCapacity.CHAIRMAN,
            signed_at=SIGNED_AT,
        )
    )
    organisation = await _active_certificate(doc_factory, None, world.authority.id)
    revoke_dev_certificate(
        doc_settings,
        organisation,
        revoked_at=organisation.not_valid_before_utc + timedelta(hours=1),
    )

    with pytest.raises(ApplicationError) as raised:
        await documents.issue_signed_decision(
            IssueSignedInput(decision_id=decision.id, clerk_user_id=clerk.id, issued_at=SIGNED_AT)
        )
    assert raised.value.type == "SigningIdentityUnusable" and raised.value.non_retryable
    assert "thu hồi" in str(raised.value) and world.authority.name in str(raised.value)
    async with doc_factory() as session:
        stored = await session.get(Decision, decision.id)
        document = await session.get(Document, signed.document_id)
    assert stored.status == DecisionStatus.SIGNED and document.sha256 == signed.sha256


async def test_an_unreachable_timestamp_authority_is_retried_and_the_number_is_kept(
    doc_factory, doc_settings, world
):
    await ensure_dev_identities(doc_factory, doc_settings)
    decision = await _signed_decision(doc_factory, world)
    probe = socket.socket()  # nothing listens there: the port of a socket just closed
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    offline = doc_settings.model_copy(update={"tsa_url": f"http://127.0.0.1:{port}/tsa"})

    with pytest.raises(ApplicationError) as raised:
        await issue(doc_factory, offline, decision.id, world.chairman)
    # Retried by the activity's retry policy (bounded), not reported as a plain exception.
    assert raised.value.type == "SigningServiceUnavailable" and not raised.value.non_retryable
    assert "dấu thời gian" in str(raised.value)
    async with doc_factory() as session:
        numbered = await session.get(Decision, decision.id)
    assert numbered.status == DecisionStatus.AWAITING_SIGNATURE
    assert numbered.number is not None
    first = numbered.number_text

    # The next attempt (the TSA back) signs with the same number.
    issued = await issue(doc_factory, doc_settings, decision.id, world.chairman)
    assert issued.number_text == first


def test_which_signing_failures_are_worth_retrying(backend):
    import aiohttp

    def caused_by(cause: BaseException) -> BaseException:
        try:
            raise RuntimeError("pyHanko wraps it") from cause
        except RuntimeError as exc:
            return exc

    revoked = long_term_failure(caused_by(ValueError("certificate revoked on 2026-01-01")))
    assert not revoked.transient
    refused = signing_failure(revoked, "người ký")
    assert refused.code == "SigningIdentityUnusable"
    assert refused.to_application_error().non_retryable
    assert "thu hồi" in refused.message_vi

    connection = aiohttp.ClientConnectionError("connection refused")
    unreachable_tsa = long_term_failure(caused_by(connection))
    assert unreachable_tsa.transient
    retried = signing_failure(unreachable_tsa, "người ký")
    assert retried.code == "SigningServiceUnavailable"
    assert not retried.to_application_error().non_retryable

    not_found = aiohttp.ClientResponseError(
        request_info=None,  # type: ignore[arg-type]
        history=(),
        status=404,
    )
    server_error = aiohttp.ClientResponseError(
        request_info=None,  # type: ignore[arg-type]
        history=(),
        status=503,
    )
    assert not unreachable(caused_by(not_found))  # an unknown credential: not retried
    assert unreachable(caused_by(server_error))
    assert unreachable(caused_by(TimeoutError()))
