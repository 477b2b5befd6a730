"""The standing body corrects the achievement summary the certificate prints (issue 16,
point 13): while it holds the nomination and before the decision draft, audited with who
corrected it and the text before and after; the certificate prints the corrected text;
refused to anyone else (403), once drafted (409), and empty (422 naming the field)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.vocabulary import Stage
from models import AuditEvent, DecisionItem
from tests.documents.pdftools import pdf_text

pytestmark = [pytest.mark.postgres]

MEMBERS = ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq", "uyvien.xdd")
CORRECTED = "Dẫn đầu phong trào cải cách hành chính của phường năm 2026"


async def test_standing_body_corrects_the_summary_before_the_draft(harness):
    h = harness
    nomination_id = (await h.nominate())["id"]
    path = f"/api/v1/nominations/{nomination_id}/achievement-summary"
    body = {"achievement_summary": CORRECTED}

    # Only the standing body that holds it; the unit and the chairman are refused.
    for other in ("canbo.vanphong", "chutich", "canbo.tdp1"):
        assert (await h.post(other, path, body)).status_code == 403, other
    empty = await h.post("thuongtruc", path, {"achievement_summary": "  "})
    assert empty.status_code == 422 and "achievement_summary" in empty.json()["field"]

    corrected = await h.ok("thuongtruc", path, body)
    assert corrected == {
        "nomination_id": nomination_id,
        "achievement_summary": CORRECTED,
        "changed": True,
    }
    async with h.factory() as session:
        [event] = (
            await session.scalars(
                select(AuditEvent).where(
                    AuditEvent.nomination_id == nomination_id,
                    AuditEvent.action == "summary_corrected",
                )
            )
        ).all()
    assert event.actor_name == "Ngô Thị Mai" and event.actor_role == "standing_officer"
    assert event.changes == {
        "achievement_summary": ["Hoàn thành xuất sắc nhiệm vụ năm 2026", CORRECTED]
    }
    again = await h.ok("thuongtruc", path, body)  # the same text: nothing to record
    assert again["changed"] is False

    # Through the council to the decision: once drafted, the text is settled.
    await h.ok("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {})
    council = await h.convene([nomination_id])
    for member in MEMBERS:
        await h.vote(council["id"], member, {nomination_id: "agree"})
    await h.wait_stage(nomination_id, Stage.AWAITING_DECISION)
    decision = await h.draft_decision([nomination_id])
    late = await h.post("thuongtruc", path, {"achievement_summary": "Sửa muộn"})
    assert late.status_code == 409 and late.json()["error"] == "wrong_stage", late.text

    # The certificate prints the corrected text.
    await h.sign(decision["id"])
    await h.wait_stage(nomination_id, Stage.GRANTED)
    async with h.factory() as session:
        item_id = await session.scalar(
            select(DecisionItem.id).where(DecisionItem.nomination_id == nomination_id)
        )
    pdf = await h.get("canbo.vanphong", f"/api/v1/decision-items/{item_id}/certificate.pdf")
    assert pdf.status_code == 200, pdf.text
    assert " ".join(CORRECTED.split()) in " ".join(pdf_text(pdf.content).split())
