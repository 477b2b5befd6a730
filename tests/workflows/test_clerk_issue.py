"""Decree 30/2020: the competent person signs, then a clerk (văn thư) of the authority
applies the organisation's digital signature (its seal) and issues the document. End to
end through the API, the workflows, the real signing activities and pyHanko."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import select

from activities.issue_fields import (
    DATE_FIELD,
    ISSUE_FIELDS,
    NUMBER_FIELD,
    clerk_field_values,
)
from domain.calendar import format_vn_long_date
from domain.vocabulary import Stage
from models import AuditEvent
from tests.documents.pdftools import field_appearance_fonts, field_values, pdf_text

from .attribution import assert_every_event_attributed, full_name

pytestmark = pytest.mark.asyncio

WARD = "Ủy ban nhân dân phường Thạch Khôi"


async def signed_decision(harness) -> tuple[int, int, dict]:
    """A Giấy khen decided by the ward's council and signed by the chairman, not issued."""
    nomination_id = (await harness.nominate(award_code="giay_khen", person="Nguyễn Thị Hoa"))["id"]
    await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {})
    await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)
    session = await harness.convene([nomination_id])
    for member in ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq", "uyvien.xdd"):
        await harness.vote(session["id"], member, {nomination_id: "agree"})
    await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)
    decision = await harness.draft_decision([nomination_id])
    signed = await harness.sign(decision["id"], issue=False)
    return nomination_id, decision["id"], signed


async def test_the_clerk_issues_what_the_chairman_signed(harness):
    nomination_id, decision_id, signed = await signed_decision(harness)
    # Signed without a number or a date: the clerk gives both (Decree 30/2020 Art. 15-16).
    assert (signed["number_text"], signed["issued_on"]) == ("", None)

    # Signed, waiting for the clerk: the nomination is not granted yet, the clerk is told.
    read = (await harness.get("vanthu", f"/api/v1/decisions/{decision_id}")).json()
    assert read["status"] == "signed" and read["number_text"] == ""
    assert (await harness.nomination(nomination_id)).stage == Stage.SIGNING
    (told,) = await harness.notices("vanthu", "issue_requested")
    assert "cấp số, ghi ngày ban hành" in told.body_text
    unissued = (
        await harness.get("vanthu", f"/api/v1/documents/{signed['document_id']}/pdf")
    ).content
    assert field_values(unissued) == dict.fromkeys(ISSUE_FIELDS, "")
    assert "Số: /QĐ-UBND" in pdf_text(unissued)
    queue = (await harness.get("vanthu", "/api/v1/decisions?to_issue=true")).json()
    assert [d["id"] for d in queue["items"]] == [decision_id]
    # Nobody else issues it: not the signer, the standing body, another authority's clerk.
    for username in ("chutich", "phochutich", "thuongtruc", "kiemtra", "vanthu.tp"):
        refused = await harness.post(username, f"/api/v1/decisions/{decision_id}/issue")
        assert refused.status_code == 403, (username, refused.text)

    issued = await harness.issue(decision_id)
    assert issued["number_text"].endswith("/QĐ-UBND")
    number = issued["number_text"].partition("/")[0]
    issued_on = date.fromisoformat(issued["issued_on"])
    assert issued_on == harness.clock.today()  # the day the clerk issued it
    assert issued["document_id"] == signed["document_id"]
    assert issued["sha256"] != signed["sha256"]  # the organisation's signature added
    await harness.wait_stage(nomination_id, Stage.GRANTED)
    again = await harness.post("vanthu", f"/api/v1/decisions/{decision_id}/issue")
    assert again.status_code == 409, again.text
    queue = (await harness.get("vanthu", "/api/v1/decisions?to_issue=true")).json()
    assert queue["items"] == []

    # Each step names its actor: the chairman signed, the clerk issued.
    events = await assert_every_event_attributed(harness)
    async with harness.factory() as session:
        trail = (
            await session.execute(
                select(AuditEvent).where(
                    AuditEvent.subject_type == "decision", AuditEvent.subject_id == decision_id
                )
            )
        ).scalars()
        by_action = {e.action: e for e in trail}
    assert by_action["signed"].actor_name == await full_name(harness, "chutich")
    assert by_action["signed"].actor_role == "chairman"
    assert by_action["issued"].actor_name == await full_name(harness, "vanthu")
    assert by_action["issued"].actor_role == "clerk"
    assert by_action["issued"].actor_user_id == harness.ids.users["vanthu"]
    assert events

    # The PDF carries both signatures; the verification API validates each (pyHanko).
    pdf = (await harness.get("vanthu", f"/api/v1/documents/{issued['document_id']}/pdf")).content
    names = [s.field_name for s in PdfFileReader(io.BytesIO(pdf)).embedded_signatures]
    assert names == ["ChuKySo", "ChuKySoCoQuan"]
    # The clerk's number and date are in the document, typeset in its own font.
    values = field_values(pdf)
    assert {k: values[k] for k in ISSUE_FIELDS} == clerk_field_values(
        issued["number_text"], issued_on
    )
    assert values[NUMBER_FIELD] == number
    assert values[DATE_FIELD] == format_vn_long_date("", issued_on).removeprefix(", ")
    assert field_appearance_fonts(pdf, DATE_FIELD) == {"Liberation-Serif-Italic"}
    assert field_appearance_fonts(pdf, NUMBER_FIELD) == {"Liberation-Serif"}
    report = await verify(harness, pdf)
    assert report["status"] == "authentic", report
    chairman = await full_name(harness, "chutich")
    person, organisation = report["signatures"]
    assert (person["signer_name"], person["organisation"]) == (chairman, WARD)
    assert (organisation["signer_name"], organisation["organisation"]) == (WARD, WARD)
    for signature in (person, organisation):
        assert signature["ok"] and signature["intact"] and signature["valid"]
        assert signature["trusted"] and signature["level"] == "B-LT"
        assert signature["timestamp_time"] is not None
    assert person["modification"] == "form_filling"  # a later signature, permitted
    # The verification page shows both, each checked.
    page = await harness.http.post("/xac-minh", files={"file": ("qd.pdf", pdf, "application/pdf")})
    assert page.status_code == 200
    table = page.text[page.text.index('id="signatures"') :]
    assert table.count('data-ok="yes"') == 2 and 'data-ok="no"' not in table
    assert "Người có thẩm quyền" in table and chairman in table
    assert "Cơ quan, tổ chức (văn thư ký phát hành)" in table and WARD in table

    # One byte changed in what both signed: both fail.
    at = pdf.index(b"stream", 2000) + 40
    tampered = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]
    report = await verify(harness, tampered)
    assert report["status"] == "tampered"
    assert [s["ok"] for s in report["signatures"]] == [False, False]
    assert not any(s["intact"] for s in report["signatures"])


async def test_a_document_not_signed_yet_is_not_issued(harness):
    nomination_id = (await harness.nominate(award_code="giay_khen", person="Nguyễn Thị Hoa"))["id"]
    await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {})
    await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)
    session = await harness.convene([nomination_id])
    for member in ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq", "uyvien.xdd"):
        await harness.vote(session["id"], member, {nomination_id: "agree"})
    await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)
    decision = await harness.draft_decision([nomination_id])
    refused = await harness.post("vanthu", f"/api/v1/decisions/{decision['id']}/issue")
    assert refused.status_code == 409, refused.text


async def verify(harness, pdf: bytes) -> dict:
    response = await harness.http.post(
        "/api/v1/verify", files={"file": ("qd.pdf", pdf, "application/pdf")}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_without_the_organisations_key_the_document_waits_signed(harness):
    """No organisation certificate for the authority: the clerk is told which key to add
    (``org:<authority id>``), nothing is issued, and once it exists the clerk issues."""
    from sqlalchemy import update

    from models import SigningIdentity

    nomination_id, decision_id, _ = await signed_decision(harness)
    async with harness.factory() as session, session.begin():
        await session.execute(
            update(SigningIdentity).where(SigningIdentity.user_id.is_(None)).values(active=False)
        )
    refused = await harness.post("vanthu", f"/api/v1/decisions/{decision_id}/issue")
    assert refused.status_code == 409, refused.text
    authority_id = harness.ids.authorities["ward"]
    assert f"org:{authority_id}" in refused.text
    read = (await harness.get("vanthu", f"/api/v1/decisions/{decision_id}")).json()
    assert read["status"] == "signed"
    assert read["number_text"] == ""  # no number spent on a document that was not issued
    assert (await harness.nomination(nomination_id)).stage == Stage.SIGNING

    async with harness.factory() as session, session.begin():
        await session.execute(
            update(SigningIdentity).where(SigningIdentity.user_id.is_(None)).values(active=True)
        )
    await harness.issue(decision_id)
    await harness.wait_stage(nomination_id, Stage.GRANTED)
