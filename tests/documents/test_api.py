"""The document API and the public verification page, through the real application."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from activities.documents.types import IssueMinutesInput
from api.app import build_state, create_app
from api.routes.documents import get_rule_set_lookup
from domain.vocabulary import ItemResult, SignerCapacity
from models import DecisionItem, User
from tests.clock import fixed_clock
from thidua.db import transaction
from thidua.pki import ensure_dev_identities
from thidua.security import create_access_token

from .factories import (
    VIETNAMESE_NAMES,
    add_closed_session,
    add_decision,
    add_nomination,
    rule_set_lookup,
)
from .helpers import activities, flip_one_signed_byte, issue, stored_pdf
from .pdftools import is_a4, page_sizes, pdf_text

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@pytest.fixture
async def client(doc_settings) -> AsyncIterator[httpx.AsyncClient]:
    state = build_state(doc_settings)
    state.clock = fixed_clock()
    app = create_app(doc_settings, state=state)
    app.dependency_overrides[get_rule_set_lookup] = lambda: rule_set_lookup
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        yield client
    await state.engine.dispose()


def bearer(settings, user_id: int) -> dict[str, str]:
    token, _ = create_access_token(settings.secret_key, user_id, 30)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def issued(doc_factory, doc_settings, world):
    """An issued decision (01/QĐ-UBND, signed by the vice-chairman), its minutes, its PDF."""
    async with transaction(doc_factory) as session:
        nominations = [
            await add_nomination(session, world, name=name) for name in VIETNAMESE_NAMES[:3]
        ]
        council_session = await add_closed_session(
            session, world, [(n, (5, 0, 0), ItemResult.PASSED) for n in nominations]
        )
        decision = await add_decision(session, world, nominations)
    await ensure_dev_identities(doc_factory, doc_settings)
    result = await issue(
        doc_factory, doc_settings, decision.id, world.vice_chairman, SignerCapacity.DEPUTY
    )
    minutes = await activities(doc_factory, doc_settings).issue_minutes(
        IssueMinutesInput(council_session.id)
    )
    pdf = await stored_pdf(doc_factory, doc_settings, result.document_id)
    return {"decision": decision, "result": result, "minutes": minutes, "pdf": pdf}


async def test_an_issued_decision_is_public_and_served_byte_for_byte(
    client, issued, doc_settings, world
):
    response = await client.get(f"/api/v1/documents/{issued['result'].document_id}/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content == issued["pdf"]
    assert response.headers["x-content-sha256"] == issued["result"].sha256
    assert 'filename="quyet-dinh-01-qd-ubnd.pdf"' in response.headers["content-disposition"]

    # The minutes are not the public's: without signing in, they answer what a missing
    # document does, byte for byte (tests/abuse/test_document_audience.py: every role).
    minutes_url = f"/api/v1/documents/{issued['minutes'].document_id}/pdf"
    missing = await client.get("/api/v1/documents/999999/pdf")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    refused = await client.get(minutes_url)
    assert (refused.status_code, refused.content) == (404, missing.content)
    allowed = await client.get(minutes_url, headers=bearer(doc_settings, world.officer.id))
    assert allowed.status_code == 200 and allowed.content.startswith(b"%PDF-")


async def test_the_signing_page_preview_needs_a_person_of_the_authority(
    client, doc_factory, doc_settings, world
):
    async with transaction(doc_factory) as session:
        decision = await add_decision(
            session, world, [await add_nomination(session, world, name="Nguyễn Thị Hoa")]
        )
        outsider = User(username="nguoingoai", full_name="Người Ngoài", password_hash="x")
        session.add(outsider)
    url = f"/api/v1/decisions/{decision.id}/preview.pdf"
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers=bearer(doc_settings, outsider.id))).status_code == 403
    response = await client.get(url, headers=bearer(doc_settings, world.chairman.id))
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "DỰ THẢO" in text and "Nguyễn Thị Hoa" in text


async def test_the_certificate_of_an_awardee(client, issued, doc_factory, doc_settings, world):
    async with doc_factory() as session:
        item = (
            await session.execute(
                DecisionItem.__table__.select().where(
                    DecisionItem.decision_id == issued["decision"].id
                )
            )
        ).first()
    url = f"/api/v1/decision-items/{item.id}/certificate.pdf"
    assert (await client.get(url)).status_code == 401
    response = await client.get(url, headers=bearer(doc_settings, world.officer.id))
    assert response.status_code == 200
    assert all(is_a4(size, landscape=True) for size in page_sizes(response.content))
    assert "GIẤY KHEN" in pdf_text(response.content)


async def test_verify_an_upload(client, issued, doc_settings):
    response = await client.post(
        "/api/v1/verify", files={"file": ("quyet-dinh.pdf", issued["pdf"], "application/pdf")}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "authentic"
    assert body["number_text"] == "01/QĐ-UBND"
    assert body["signer_name"] == "Nguyễn Thị Thanh Hương"
    assert body["authority_name"] == "Ủy ban nhân dân phường Thạch Khôi"
    assert body["issued_on"] == "2027-01-05"
    assert body["document_url"] == f"/api/v1/documents/{issued['result'].document_id}/pdf"
    assert body["sha256"] == issued["result"].sha256

    tampered = await client.post(
        "/api/v1/verify",
        files={"file": ("x.pdf", flip_one_signed_byte(issued["pdf"]), "application/pdf")},
    )
    assert tampered.status_code == 200 and tampered.json()["status"] == "tampered"


async def test_uploads_that_are_no_pdf_or_too_large_get_a_422_naming_the_field(
    client, doc_settings
):
    not_pdf = await client.post(
        "/api/v1/verify", files={"file": ("a.pdf", b"<html>hello</html>", "application/pdf")}
    )
    assert not_pdf.status_code == 422
    assert not_pdf.json()["field"] == "file"
    assert "không phải là tệp PDF" in not_pdf.json()["detail"]

    too_large = b"%PDF-1.7\n" + b"0" * (doc_settings.upload_max_bytes + 1)
    response = await client.post(
        "/api/v1/verify", files={"file": ("big.pdf", too_large, "application/pdf")}
    )
    assert response.status_code == 422 and response.json()["field"] == "file"
    assert "dung lượng" in response.json()["detail"]

    missing = await client.post("/api/v1/verify", data={"other": "x"})
    assert missing.status_code == 422 and missing.json()["field"] == "body.file"


async def test_look_a_decision_up_by_its_number(client, issued):
    response = await client.get("/api/v1/verify", params={"number": "01/QĐ-UBND", "year": 2027})
    assert response.status_code == 200
    body = response.json()
    assert body["found"] is True and len(body["decisions"]) == 1
    found = body["decisions"][0]
    assert found["number_text"] == "01/QĐ-UBND" and found["issued_on"] == "2027-01-05"
    assert found["signer_name"] == "Nguyễn Thị Thanh Hương"
    assert [a["name"] for a in found["awardees"]] == VIETNAMESE_NAMES[:3]
    assert found["document_url"].endswith(f"/{issued['result'].document_id}/pdf")

    typed_loosely = await client.get("/api/v1/verify", params={"number": "1/qd-ubnd"})
    assert typed_loosely.json()["found"] is True

    other_year = await client.get("/api/v1/verify", params={"number": "01/QĐ-UBND", "year": 2026})
    assert other_year.status_code == 200
    assert other_year.json() == {"found": False, "decisions": [], "issuers": []}

    bad = await client.get("/api/v1/verify", params={"number": "không phải số"})
    assert bad.status_code == 422 and bad.json()["field"] == "number"


async def test_the_public_page_verifies_in_vietnamese_and_english(client, issued):
    page = await client.get("/xac-minh")
    assert page.status_code == 200 and "Xác minh văn bản" in page.text
    assert 'enctype="multipart/form-data"' in page.text

    result = await client.post(
        "/xac-minh", files={"file": ("qd.pdf", issued["pdf"], "application/pdf")}
    )
    assert result.status_code == 200
    assert "XÁC THỰC" in result.text and "Nguyễn Thị Thanh Hương" in result.text
    assert "01/QĐ-UBND" in result.text and "05/01/2027" in result.text

    tampered = await client.post(
        "/xac-minh",
        files={"file": ("qd.pdf", flip_one_signed_byte(issued["pdf"]), "application/pdf")},
    )
    assert "ĐÃ BỊ SỬA ĐỔI" in tampered.text

    refused = await client.post("/xac-minh", files={"file": ("a.txt", b"plain text", "text/plain")})
    assert refused.status_code == 422 and "không phải là tệp PDF" in refused.text

    lookup = await client.get("/xac-minh", params={"number": "01/QĐ-UBND", "year": "2027"})
    assert lookup.status_code == 200
    assert all(name in lookup.text for name in VIETNAMESE_NAMES[:3])
    wrong = await client.get("/xac-minh", params={"number": "abc"})
    assert wrong.status_code == 422 and 'id="number-error"' in wrong.text

    # English on request (remembered in a cookie).
    english = await client.post(
        "/xac-minh?lang=en", files={"file": ("qd.pdf", issued["pdf"], "application/pdf")}
    )
    assert "AUTHENTIC" in english.text
