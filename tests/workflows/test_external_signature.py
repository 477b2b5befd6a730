"""Signing on the official's own computer (issue 18 (c)), end to end: the chairman is
configured as an external signer (``THIDUA_EXTERNAL_SIGNERS``, their certificate only);
through the API the decision is numbered and prepared, a stand-in for the CA's signing
agent in another process (a key the engine never sees) signs the digest, the answer is
posted, the decision is signed and the clerk issues it; pyHanko validates both signatures
as B-LT, the chairman's under the chairman's name."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import select

from activities.issue_fields import NUMBER_FIELD
from activities.signing import signature_place
from domain.vocabulary import Stage
from models import AuditEvent
from tests.documents.pdftools import field_values
from tests.documents.test_external_signing import AGENT, AGENT_PASSWORD
from tests.pages.conftest import Person
from thidua.pki import certificate_sha256, ensure_dev_ca, issue_dev_certificate, pack_pkcs12

from .attribution import assert_every_event_attributed, full_name
from .test_clerk_issue import WARD, verify

pytestmark = pytest.mark.asyncio


def _token(settings, folder: Path, name: str):
    """The official's token: a certificate from the CA and a key only the agent opens."""
    ca_cert, ca_key = ensure_dev_ca(settings)
    cert, key = issue_dev_certificate(ca_cert, ca_key, common=name, organisation=WARD)
    folder.mkdir(parents=True, exist_ok=True)
    p12 = folder / "token.p12"
    p12.write_bytes(pack_pkcs12(key, cert, [ca_cert], AGENT_PASSWORD.encode()))
    pem = folder / "certificate.pem"
    pem.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + ca_cert.public_bytes(serialization.Encoding.PEM)
    )
    return cert, p12, pem


def _agent_signs(p12: Path, digest_b64: str) -> str:
    """The CA's signing agent on the official's computer: signs the digest it is given."""
    result = subprocess.run(
        [sys.executable, "-c", AGENT, str(p12), AGENT_PASSWORD, "hash"],
        input=base64.b64decode(digest_b64),
        capture_output=True,
        timeout=60,
        check=True,
    )
    return base64.b64encode(result.stdout).decode("ascii")


async def _drafted(harness) -> tuple[int, int]:
    nomination_id = (await harness.nominate(award_code="giay_khen", person="Nguyễn Thị Hoa"))["id"]
    await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {})
    await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)
    session = await harness.convene([nomination_id])
    for member in ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq", "uyvien.xdd"):
        await harness.vote(session["id"], member, {nomination_id: "agree"})
    await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)
    decision = await harness.draft_decision([nomination_id])
    return nomination_id, decision["id"]


async def _start(harness, decision_id: int):
    for _ in range(200):  # the draft is assembled first (its nominations confirm)
        response = await harness.post(
            "chutich", f"/api/v1/decisions/{decision_id}/external-signing"
        )
        if response.status_code != 409 or "assembled" not in response.text:
            return response
        await asyncio.sleep(0.05)
    return response


async def test_the_chairman_signs_on_their_own_computer_and_the_clerk_issues(harness, tmp_path):
    chairman = await full_name(harness, "chutich")
    cert, p12, pem = _token(harness.settings, tmp_path / "chairman-computer", chairman)
    _other_cert, other_p12, _ = _token(harness.settings, tmp_path / "another-token", "Người Khác")
    signers = tmp_path / "external-signers.json"
    signers.write_text(json.dumps({"chutich": {"certificate": str(pem)}}))
    harness.settings.external_signers = signers  # the API's and the worker's settings

    nomination_id, decision_id = await _drafted(harness)
    base = f"/api/v1/decisions/{decision_id}"

    # Someone who is not the signer cannot start it; the signer can.
    assert (await harness.post("phochutich", f"{base}/external-signing")).status_code == 403
    started = await _start(harness, decision_id)
    assert started.status_code == 200, started.text
    request = started.json()
    assert request["number_text"] == ""  # the clerk numbers it at issue
    assert request["certificate_sha256"] == certificate_sha256(cert)
    assert request["pdf_url"] == f"{base}/signature-request/pdf"
    # While the agent signs, nobody signs it on the server or starts it again.
    assert (await harness.post("chutich", f"{base}/sign")).status_code == 409
    assert (await harness.post("chutich", f"{base}/external-signing")).status_code == 409

    # The pending request and the prepared PDF: to the signer only (others: 404).
    again = await harness.get("chutich", f"{base}/signature-request")
    assert again.status_code == 200 and again.json()["digest"] == request["digest"]
    prepared = await harness.get("chutich", f"{base}/signature-request/pdf")
    assert prepared.status_code == 200 and prepared.content.startswith(b"%PDF")
    signature_place(prepared.content, "ChuKySo")  # its field and placeholder, for the agent
    for username in ("phochutich", "thuongtruc", "vanthu"):
        assert (await harness.get(username, f"{base}/signature-request")).status_code == 404
        assert (await harness.get(username, f"{base}/signature-request/pdf")).status_code == 404
    assert (await harness.get("chutich", base)).json()["status"] == "awaiting_signature"
    # The signing confirmation page explains the agent's flow, with the digest and URLs.
    browser = Person(harness, "chutich")
    try:
        page = await browser.get(f"/decisions/{decision_id}/sign")
    finally:
        await browser.aclose()
    assert page.status_code == 200
    assert "Ký bằng thiết bị ký số trên máy của bạn" in page.text
    assert request["digest"] in page.text and f"{base}/signature" in page.text
    assert 'id="sign-confirm-form"' not in page.text  # the server cannot sign for them

    # Another token's signature: 422 on the field, the request stays usable.
    wrong = await harness.post(
        "chutich",
        f"{base}/signature",
        {"signature": await asyncio.to_thread(_agent_signs, other_p12, request["digest"])},
    )
    assert wrong.status_code == 422, wrong.text
    assert "signature" in wrong.text
    garbage = await harness.post("chutich", f"{base}/signature", {"signature": "not base64!"})
    assert garbage.status_code == 422, garbage.text
    assert (await harness.get("chutich", f"{base}/signature-request")).status_code == 200
    # Only the signer answers.
    refused = await harness.post("phochutich", f"{base}/signature", {"signature": "AAAA"})
    assert refused.status_code == 403

    # The agent's signature: signed, the same answer as /sign; then the clerk issues.
    signature = await asyncio.to_thread(_agent_signs, p12, request["digest"])
    signed = await harness.post("chutich", f"{base}/signature", {"signature": signature})
    assert signed.status_code == 200, signed.text
    signed = signed.json()
    assert (signed["number_text"], signed["issued_on"]) == ("", None)
    assert (await harness.get("vanthu", base)).json()["status"] == "signed"
    assert (await harness.get("chutich", f"{base}/signature-request")).status_code == 404
    late = await harness.post("chutich", f"{base}/signature", {"signature": signature})
    assert late.status_code == 409, late.text

    issued = await harness.issue(decision_id)
    assert issued["number_text"].endswith("/QĐ-UBND")
    await harness.wait_stage(nomination_id, Stage.GRANTED)

    # Both signatures B-LT, the chairman's by the certificate on their token.
    pdf = (await harness.get("vanthu", f"/api/v1/documents/{issued['document_id']}/pdf")).content
    embedded = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert [s.field_name for s in embedded] == ["ChuKySo", "ChuKySoCoQuan"]
    assert embedded[0].signer_cert.sha256.hex() == certificate_sha256(cert)
    # The clerk's number is written into the blank the agent signed around.
    assert field_values(pdf)[NUMBER_FIELD] == issued["number_text"].partition("/")[0]
    report = await verify(harness, pdf)
    assert report["status"] == "authentic", report
    person, organisation = report["signatures"]
    assert person["signer_name"] == chairman
    assert organisation["signer_name"] == WARD
    for one in (person, organisation):
        assert one["ok"] and one["intact"] and one["valid"] and one["trusted"]
        assert one["level"] == "B-LT" and one["timestamp_time"] is not None

    # The trail names the chairman for the request and the signature.
    await assert_every_event_attributed(harness)
    async with harness.factory() as session:
        trail = (
            await session.execute(
                select(AuditEvent).where(
                    AuditEvent.subject_type == "decision", AuditEvent.subject_id == decision_id
                )
            )
        ).scalars()
        by_action = {e.action: e for e in trail}
    assert by_action["external_signature_requested"].actor_name == chairman
    assert by_action["signed"].actor_name == chairman
    assert by_action["issued"].actor_role == "clerk"


async def test_an_unanswered_request_lapses_and_no_number_is_spent(harness, tmp_path):
    chairman = await full_name(harness, "chutich")
    _cert, p12, pem = _token(harness.settings, tmp_path / "chairman-computer", chairman)
    signers = tmp_path / "external-signers.json"
    signers.write_text(json.dumps({"chutich": {"certificate": str(pem)}}))
    harness.settings.external_signers = signers

    _nomination_id, decision_id = await _drafted(harness)
    base = f"/api/v1/decisions/{decision_id}"
    started = await _start(harness, decision_id)
    assert started.status_code == 200, started.text
    request = started.json()

    # Past the request's deadline: it lapses (rule cited), the document waits again.
    expires = datetime.fromisoformat(request["expires_at"])
    await harness.move_to(expires + timedelta(minutes=1))
    for _ in range(100):
        if (await harness.get("chutich", f"{base}/signature-request")).status_code == 404:
            break
        await asyncio.sleep(0.05)
    assert (await harness.get("chutich", f"{base}/signature-request")).status_code == 404
    late = await harness.post(
        "chutich",
        f"{base}/signature",
        {"signature": await asyncio.to_thread(_agent_signs, p12, request["digest"])},
    )
    assert late.status_code == 409, late.text
    async with harness.factory() as session:
        lapsed = (
            await session.execute(
                select(AuditEvent).where(
                    AuditEvent.subject_type == "decision",
                    AuditEvent.subject_id == decision_id,
                    AuditEvent.action == "external_signature_lapsed",
                )
            )
        ).scalar_one()
    assert "external_signature_timeout" in lapsed.reason and lapsed.actor_role == "system"

    # Asked again, this time from the confirmation page's button: still no number, a new
    # request, its digest on the page.
    browser = Person(harness, "chutich")
    try:
        confirm = await browser.get(f"/decisions/{decision_id}/sign")
        assert 'id="external-signing-form"' in confirm.text
        prepared = await browser.post(
            f"/decisions/{decision_id}/external-signing",
            {},
            csrf_from=f"/decisions/{decision_id}/sign",
        )
        assert prepared.status_code == 303, prepared.text[:2000]
        assert prepared.headers["location"] == f"/decisions/{decision_id}/sign"
        shown = await browser.get(prepared.headers["location"])
    finally:
        await browser.aclose()
    again = await harness.get("chutich", f"{base}/signature-request")
    assert again.status_code == 200, again.text
    assert again.json()["number_text"] == request["number_text"] == ""
    assert again.json()["digest"] != request["digest"]
    assert again.json()["digest"] in shown.text
    assert "số và ngày do văn thư ghi khi phát hành" in shown.text
    assert "Chưa cấp số: văn thư cấp số khi phát hành" in shown.text
    assert 'id="external-signing-form"' not in shown.text  # pending: no second request

    # The signer withdraws it from the page (their agent will not answer): only they may;
    # the document waits for a signature again and the trail names them.
    assert (await harness.delete("phochutich", f"{base}/signature-request")).status_code == 403
    browser = Person(harness, "chutich")
    try:
        withdrawn = await browser.post(
            f"/decisions/{decision_id}/external-signing/withdraw",
            {},
            csrf_from=f"/decisions/{decision_id}/sign",
        )
        assert withdrawn.status_code == 303, withdrawn.text[:2000]
        after = await browser.get(withdrawn.headers["location"])
    finally:
        await browser.aclose()
    assert "Đã rút yêu cầu ký" in after.text and 'id="external-signing-form"' in after.text
    assert (await harness.get("chutich", f"{base}/signature-request")).status_code == 404
    assert (await harness.get("chutich", base)).json()["status"] == "awaiting_signature"
    again = await harness.delete("chutich", f"{base}/signature-request")
    assert again.status_code == 409, again.text  # nothing pending any more
    async with harness.factory() as session:
        event = (
            await session.execute(
                select(AuditEvent).where(
                    AuditEvent.subject_id == decision_id,
                    AuditEvent.action == "external_signature_withdrawn",
                )
            )
        ).scalar_one()
    assert event.actor_name == chairman and event.actor_role == "chairman"
