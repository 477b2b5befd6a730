"""Signatures that verify in 2040 (issue 18), through the real application: the public
verification API and page report the PAdES level and the timestamped signing time, and
still say "authentic" once the application's clock is past the signer's certificate."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from activities.documents.report import render_report_pdf
from activities.signing import SigningError, sign_pdf
from api.app import build_state, create_app
from api.services.verification import VerificationStatus, describe_time, verify_pdf
from domain.vocabulary import SignerCapacity
from models import SigningIdentity
from tests.clock import fixed_clock
from thidua.db import transaction
from thidua.pki import ensure_dev_identities, ensure_dev_tsa

from .factories import VIETNAMESE_NAMES, add_decision, add_nomination
from .helpers import flip_one_signed_byte, issue, stored_pdf

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

# The application's clock, long after every certificate of the development PKI expired.
IN_2040 = datetime(2040, 6, 1, 3, 0, tzinfo=UTC)


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


@pytest.fixture
async def issued_pdf(doc_factory, doc_settings, world) -> bytes:
    async with transaction(doc_factory) as session:
        nominations = [
            await add_nomination(session, world, name=name) for name in VIETNAMESE_NAMES[:2]
        ]
        decision = await add_decision(session, world, nominations)
    await ensure_dev_identities(doc_factory, doc_settings)
    result = await issue(
        doc_factory, doc_settings, decision.id, world.vice_chairman, SignerCapacity.DEPUTY
    )
    return await stored_pdf(doc_factory, doc_settings, result.document_id)


async def test_the_api_reports_the_level_and_the_timestamped_time_in_2040(
    client_in_2040, issued_pdf
):
    response = await client_in_2040.post(
        "/api/v1/verify", files={"file": ("qd.pdf", issued_pdf, "application/pdf")}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "authentic", body["problems"]
    assert body["level"] == "B-LT"
    assert body["timestamp_time"] is not None
    assert body["signing_time"] == body["timestamp_time"]
    assert body["validated_at"] == body["timestamp_time"]  # not 2040: the timestamp's time
    assert body["signer_name"] == "Nguyễn Thị Thanh Hương"

    tampered = await client_in_2040.post(
        "/api/v1/verify",
        files={"file": ("x.pdf", flip_one_signed_byte(issued_pdf), "application/pdf")},
    )
    assert tampered.json()["status"] == "tampered"


async def test_the_page_shows_the_level_and_the_timestamped_time_in_2040(
    client_in_2040, issued_pdf
):
    api = (
        await client_in_2040.post(
            "/api/v1/verify", files={"file": ("qd.pdf", issued_pdf, "application/pdf")}
        )
    ).json()
    page = await client_in_2040.post(
        "/xac-minh", files={"file": ("qd.pdf", issued_pdf, "application/pdf")}
    )
    assert page.status_code == 200
    assert 'data-status="authentic"' in page.text
    assert 'data-level="B-LT"' in page.text and "dấu thời gian và thông tin thu hồi" in page.text
    stamped = datetime.fromisoformat(api["timestamp_time"])
    assert f"{describe_time(stamped)} (theo dấu thời gian)" in page.text


@pytest.fixture
def loopback_tsa(doc_settings) -> Iterator[str]:
    """An RFC 3161 timestamp authority over HTTP on loopback, as a certification
    provider's would answer (its certificate from the development CA)."""
    tsa_cert, tsa_key = ensure_dev_tsa(doc_settings)
    der = serialization.Encoding.DER
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa_cert.public_bytes(der)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            tsa_key.private_bytes(
                der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
    )
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server protocol
            requests.append(self.headers.get("Content-Type", ""))
            body = self.rfile.read(int(self.headers["Content-Length"]))
            answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
        # pyHanko asks once more first, to size the signature's placeholder.
        assert requests and set(requests) == {"application/timestamp-query"}
    finally:
        server.shutdown()
        thread.join()


async def test_a_configured_timestamp_authority_is_asked_over_http(
    doc_factory, doc_settings, world, loopback_tsa
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
    configured = doc_settings.model_copy(update={"tsa_url": loopback_tsa})
    plain = await render_report_pdf("Văn bản", [])
    signed = await asyncio.to_thread(
        sign_pdf,
        plain,
        identity.pkcs12,
        doc_settings.signing_key_passphrase,
        field_name="Sig",
        box=(300, 100, 500, 170),
        page=0,
        signer_label="Tăng Văn Quân",
        settings=configured,
    )
    async with doc_factory() as session:
        report = await verify_pdf(session, signed, doc_settings, now=IN_2040)
    assert report.level == "B-LT"
    assert report.status == VerificationStatus.UNREGISTERED  # valid, trusted, not issued
    assert report.timestamp_time is not None


async def test_without_a_reachable_timestamp_authority_nothing_is_signed(
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
    # Nothing listens there: the port of a server just closed.
    probe = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = probe.server_address[1]
    probe.server_close()
    configured = doc_settings.model_copy(update={"tsa_url": f"http://127.0.0.1:{port}/tsa"})
    plain = await render_report_pdf("Văn bản", [])
    with pytest.raises(SigningError, match="long-term"):
        await asyncio.to_thread(
            sign_pdf,
            plain,
            identity.pkcs12,
            doc_settings.signing_key_passphrase,
            field_name="Sig",
            box=(300, 100, 500, 170),
            page=0,
            signer_label="Tăng Văn Quân",
            settings=configured,
        )
