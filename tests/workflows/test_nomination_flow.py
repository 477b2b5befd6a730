"""End to end through the API, the workflows and the database: the chain of one nomination."""

from __future__ import annotations

import pytest

from domain.vocabulary import Stage

pytestmark = pytest.mark.asyncio


async def test_giay_khen_is_decided_at_the_ward(harness):
    created = await harness.nominate(award_code="giay_khen", person="Nguyễn Thị Hoa")
    nomination_id = created["id"]
    assert created["stage"] == "reception"

    await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {"note": "Đủ hồ sơ"})
    await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)

    session = await harness.convene([nomination_id])
    for member in ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq"):
        await harness.vote(session["id"], member, {nomination_id: "agree"})
    await harness.vote(session["id"], "uyvien.xdd", {nomination_id: "disagree"})
    await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)

    decision = await harness.draft_decision([nomination_id])
    signed = await harness.sign(decision["id"])
    assert signed["number_text"].endswith("/QĐ-UBND")

    row = await harness.wait_stage(nomination_id, Stage.GRANTED)
    assert row.decision_number == signed["number_text"]
    history = (await harness.get("kiemtra", f"/api/v1/nominations/{nomination_id}/history")).json()
    actions = [e["action"] for e in history["events"]]
    assert actions[:2] == ["submitted", "accepted"]
    assert "council_passed" in actions and actions[-1] == "granted"
