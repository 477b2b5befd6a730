"""A signing key attached to one host (a USB token, an HSM): with THIDUA_SIGNING_TASK_QUEUE
the signer's and the organisation's signatures run only on that host's worker
(``thidua worker --signing``); the engine's own workers never make them, and a signing
host that is down is said so to the signer instead of leaving them waiting."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.exceptions import ActivityError, TimeoutError, TimeoutType

from domain.vocabulary import Stage
from models import Decision
from thidua.worker import create_signing_worker
from workflows.decision import _failed

SIGNING_HOST = "signing-host"


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


@pytest.mark.asyncio
async def test_signatures_run_only_on_the_signing_host(harness):
    queue = f"{harness.task_queue}-signing"
    harness.settings.signing_task_queue = queue
    try:
        nomination_id, decision_id = await _drafted(harness)
        # The chairman signs while no signing host runs: nothing signs it meanwhile (the
        # engine's worker has the activity but does not poll the signing queue).
        signing = asyncio.create_task(harness.sign(decision_id, issue=False))
        await asyncio.sleep(1.0)
        assert not signing.done()
        async with harness.factory() as session:
            assert (await session.get(Decision, decision_id)).document_id is None

        host = create_signing_worker(
            harness.client,
            harness.settings,
            harness.factory,
            clock=harness.clock,
            identity=SIGNING_HOST,
        )
        async with host:
            signed = await asyncio.wait_for(signing, timeout=120)
            assert signed["number_text"] == ""
            issued = await harness.issue(decision_id)
            assert issued["number_text"].endswith("/QĐ-UBND")
            await harness.wait_stage(nomination_id, Stage.GRANTED)
    finally:
        harness.settings.signing_task_queue = ""

    # Both signatures were scheduled on the signing queue and made by the signing host.
    async with harness.factory() as session:
        workflow_id = (await session.get(Decision, decision_id)).workflow_id
    history = await harness.client.get_workflow_handle(workflow_id).fetch_history()
    scheduled = {
        e.event_id: e.activity_task_scheduled_event_attributes
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    }
    started = {
        e.activity_task_started_event_attributes.scheduled_event_id: (
            e.activity_task_started_event_attributes.identity
        )
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
    }
    signatures = {
        a.activity_type.name: (a.task_queue.name, started[event_id])
        for event_id, a in scheduled.items()
        if a.activity_type.name in ("sign_decision", "issue_signed_decision")
    }
    assert signatures == {
        "sign_decision": (queue, SIGNING_HOST),
        "issue_signed_decision": (queue, SIGNING_HOST),
    }
    # Everything else stays on the engine's queue.
    assert {
        a.task_queue.name
        for a in scheduled.values()
        if a.activity_type.name not in ("sign_decision", "issue_signed_decision")
    } == {harness.task_queue}


@pytest.mark.fast
def test_a_signing_host_that_takes_nothing_is_named_to_the_signer():
    """No worker took the signature on the signing queue within SIGNING_HOST_WAIT: the
    signer reads that the signing host is down (and whom to tell), not a timeout."""
    error = ActivityError(
        "activity timed out",
        scheduled_event_id=5,
        started_event_id=0,
        identity="",
        activity_type="sign_decision",
        activity_id="5",
        retry_state=None,
    )
    error.__cause__ = TimeoutError(
        "activity timeout", type=TimeoutType.SCHEDULE_TO_START, last_heartbeat_details=[]
    )
    refusal = _failed(error, "Không ký được văn bản", "the document could not be signed")
    assert refusal.type == "SigningFailed" and refusal.non_retryable
    assert "máy giữ thiết bị ký số không nhận việc ký trong 1 phút" in refusal.message
    assert "thidua worker --signing" in refusal.message
