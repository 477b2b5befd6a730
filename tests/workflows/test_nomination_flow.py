"""End to end through the API, the workflows and the database: the chain of one nomination."""

from __future__ import annotations

import asyncio

import pytest

from domain.vocabulary import Stage

from .attribution import assert_every_event_attributed, full_name, nomination_event

pytestmark = pytest.mark.asyncio


async def test_giay_khen_is_decided_at_the_ward(harness):
    created = await harness.nominate(award_code="giay_khen", person="Nguyễn Thị Hoa")
    nomination_id = created["id"]
    assert created["stage"] == "reception"

    await harness.ok(
        "thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {"note": "Đủ hồ sơ"}
    )
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

    # Who did each step: the officer who convened and drafted, the chairman who signed;
    # the council's verdict is the engine applying the vote threshold.
    events = await assert_every_event_attributed(harness)
    standing, chairman = await full_name(harness, "thuongtruc"), await full_name(harness, "chutich")
    convened = nomination_event(events, nomination_id, "placed_on_agenda")
    assert (convened.actor_name, convened.actor_role) == (standing, "standing_officer")
    drafted = nomination_event(events, nomination_id, "included_in_document")
    assert (drafted.actor_name, drafted.actor_role) == (standing, "standing_officer")
    granted = nomination_event(events, nomination_id, "granted")
    assert (granted.actor_name, granted.actor_role) == (chairman, "chairman")
    assert granted.actor_user_id == harness.ids.users["chutich"]
    assert signed["number_text"] in granted.reason and "KT." not in granted.reason
    passed = nomination_event(events, nomination_id, "council_passed")
    assert "(quy tắc vote_threshold:" in passed.reason and "4/5 đồng ý" in passed.reason


async def test_an_accept_that_reaches_the_workflow_with_its_start_is_not_undone(dev_harness):
    """A busy worker can receive the start of a nomination and the standing body's accept
    in one workflow task. The accept's handler then runs before the main method: the
    submission must already be the workflow's state, or the main method would put the
    nomination back into reception after it was accepted (and write "submitted" after
    "accepted" to the audit trail)."""
    harness = dev_harness
    await harness.stop_worker()  # the start waits on the task queue
    nomination_id = (await harness.nominate(wait=False))["id"]
    accepting = asyncio.create_task(
        harness.post("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {})
    )
    await asyncio.sleep(1.0)  # Temporal holds the accept until a worker takes the first task
    await harness.start_worker()
    response = await asyncio.wait_for(accepting, timeout=30)
    assert response.status_code == 200, response.text

    handle = harness.client.get_workflow_handle(f"nomination-{nomination_id}")
    kinds = [e.WhichOneof("attributes") for e in (await handle.fetch_history()).events]
    accepted_at = kinds.index("workflow_execution_update_accepted_event_attributes")
    assert kinds[:accepted_at].count("workflow_task_completed_event_attributes") == 1, (
        "the accept must arrive in the first workflow task for this test to mean anything"
    )
    row = await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)
    assert row.stage == Stage.AWAITING_COUNCIL
    events = (await harness.get("kiemtra", f"/api/v1/nominations/{nomination_id}/history")).json()
    assert [e["action"] for e in events["events"]][:2] == ["submitted", "accepted"]
    session = await harness.convene([nomination_id])  # the council can take it
    assert session["id"]
