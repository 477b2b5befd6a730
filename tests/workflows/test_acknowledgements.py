"""A nomination confirms its place on a council agenda or in a draft decision within
seconds. One that never does (its workflow tasks fail, a handler is missing) must not hang
the session or the decision: after ``ACK_TIMEOUT`` it is taken off, with the reason in the
audit trail, it is told so, and the others go on. A confirmation that can no longer be
delivered never fails the nomination that sends it."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import WorkflowHandle
from temporalio.worker import Worker

from domain.vocabulary import BallotMode, Choice, DecisionStatus, ItemResult, SessionStatus, Stage
from thidua.worker import sandbox_runner
from workflows.common import ACK_TIMEOUT
from workflows.council_session import CouncilSessionWorkflow
from workflows.council_types import BallotSheet
from workflows.decision import DecisionWorkflow
from workflows.engine_rules import ACK_TIMEOUT as ACK_TIMEOUT_RULE
from workflows.nomination import NominationWorkflow
from workflows.nomination_types import (
    AgendaPlacement,
    CouncilResult,
    ReviewCommand,
    nomination_workflow_id,
)

from .builders import (
    COUNCIL,
    STANDING_OFFICER,
    decision_input,
    nomination_input,
    session_input,
)
from .conftest import StandInEnv, eventually, through_council, wait_stage
from .silent_workflows import SilentNomination
from .test_decision_workflow import sign_and_issue

pytestmark = pytest.mark.fast


@pytest.fixture
async def silent_queue(env: StandInEnv) -> AsyncIterator[str]:
    """A second worker, running the stand-in that never answers, on a queue of its own."""
    queue = f"silent-{uuid.uuid4().hex[:8]}"
    async with Worker(
        env.client, task_queue=queue, workflows=[SilentNomination], workflow_runner=sandbox_runner()
    ):
        yield queue


async def never_answers(env: StandInEnv, queue: str, nomination_id: int) -> WorkflowHandle:
    """Nomination ``nomination_id``, as the other workflows address it, stuck."""
    workflow_id = nomination_workflow_id(nomination_id)
    await env.client.start_workflow(SilentNomination.run, id=workflow_id, task_queue=queue)
    return env.client.get_workflow_handle_for(SilentNomination.run, workflow_id)


async def save_history(request, handle: WorkflowHandle) -> None:
    """With ``--save-histories DIR`` (scripts/save_replay_histories.sh): the history of a
    wait that ran out, as a replay fixture of the path the bound added."""
    folder = request.config.getoption("--save-histories")
    if folder:
        slug = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:60]
        history = await handle.fetch_history()
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{handle.id}--{slug}.json").write_text(history.to_json())


async def heard(handle: WorkflowHandle, prefix: str) -> list[str]:
    async def got() -> list[str]:
        return [h for h in await handle.query(SilentNomination.heard) if h.startswith(prefix)]

    return await eventually(got, what=f"{handle.id} hears {prefix}")


async def test_a_nomination_that_never_confirms_is_taken_off_the_agenda_after_the_bound(
    env: StandInEnv, silent_queue: str, request
):
    today = await env.today()
    hoa = nomination_input(41, "cstdcs", today=today, nominee="Nguyễn Thị Hoa")
    stuck = nomination_input(42, "cstdcs", today=today, nominee="Trần Văn Dũng")
    hoa_handle = await env.submit(hoa)
    accept = NominationWorkflow.accept_dossier
    await hoa_handle.execute_update(accept, ReviewCommand(STANDING_OFFICER))
    stuck_handle = await never_answers(env, silent_queue, 42)
    convened_at = await env.now()
    session = await env.convene(
        session_input(7, [hoa, stuck], closes_at=convened_at + timedelta(days=2), today=today)
    )
    await wait_stage(hoa_handle, Stage.IN_COUNCIL)
    await heard(stuck_handle, "placed_on_agenda")

    # Just before the bound the session still waits; just after, it has given up on 42.
    await env.sleep_until(convened_at + ACK_TIMEOUT - timedelta(minutes=1))
    assert "agenda_unconfirmed" not in [c.action for c in env.stand_ins.session_changes]
    await env.sleep_until(convened_at + ACK_TIMEOUT + timedelta(minutes=1))

    async def unconfirmed():
        return [c for c in env.stand_ins.session_changes if c.action == "agenda_unconfirmed"]

    (change,) = await eventually(unconfirmed, what="the session records the missing confirmation")
    assert change.withdrawn_nomination_id == 42
    # The engine acted by itself: the reason names the rule it applied.
    assert change.actor_user_id is None and change.actor_role == "system"
    assert change.reason == ACK_TIMEOUT_RULE.cite(
        "Đề nghị số 42 không xác nhận việc đưa vào chương trình phiên họp sau 60 phút: không xét "
        "tại phiên họp này",
        "nomination 42 did not confirm its place on the agenda within 60 minutes: it is not "
        "considered at this session",
    )
    assert "(quy tắc ack_timeout:" in change.reason
    (told,) = await heard(stuck_handle, "council_result")
    assert told == f"council_result: {change.reason}"

    # The council votes on the rest of its agenda.
    for actor in COUNCIL.values():
        await session.execute_update(
            CouncilSessionWorkflow.cast_ballot,
            BallotSheet(actor, BallotMode.IN_PERSON, {"41": Choice.AGREE}),
        )
    closed = await session.result()
    assert closed.status == SessionStatus.CLOSED
    assert closed.withdrawn_nomination_ids == [42]
    tallies = {t.nomination_id: (t.result, t.withdrawn) for t in closed.tallies}
    assert tallies == {41: (ItemResult.PASSED, False), 42: (ItemResult.NOT_DECIDED, True)}
    await wait_stage(hoa_handle, Stage.AWAITING_DECISION)
    await save_history(request, session)


async def test_a_nomination_that_never_confirms_is_left_out_of_the_draft_after_the_bound(
    env: StandInEnv, silent_queue: str, request
):
    today = await env.today()
    hoa = nomination_input(51, "giay_khen", today=today, nominee="Nguyễn Thị Hoa")
    stuck = nomination_input(52, "giay_khen", today=today, nominee="Trần Văn Dũng")
    (hoa_handle,) = await through_council(env, [hoa], session_id=8)
    stuck_handle = await never_answers(env, silent_queue, 52)
    drafted_at = await env.now()
    decision = await env.draft(decision_input(9, [hoa, stuck], today=today))
    await wait_stage(hoa_handle, Stage.SIGNING)
    await heard(stuck_handle, "included_in_document")
    status = await decision.query(DecisionWorkflow.status)
    assert (status.status, status.pending_acks) == (DecisionStatus.DRAFT, [52])

    await env.sleep_until(drafted_at + ACK_TIMEOUT + timedelta(minutes=1))

    async def unconfirmed():
        return [c for c in env.stand_ins.decision_changes if c.action == "items_unconfirmed"]

    (change,) = await eventually(unconfirmed, what="the decision records the missing confirmation")
    assert change.removed_nomination_ids == [52]
    assert change.actor_user_id is None and change.actor_role == "system"
    assert change.reason == ACK_TIMEOUT_RULE.cite(
        "Đề nghị số 52 không xác nhận việc đưa vào dự thảo sau 60 phút: không có trong văn bản này",
        "nomination 52 did not confirm its place in the draft within 60 minutes: left out of "
        "this document",
    )
    assert "(quy tắc ack_timeout:" in change.reason
    (told,) = await heard(stuck_handle, "document_withdrawn")
    assert told == f"document_withdrawn: {change.reason}"

    # The draft goes on to signature with the nomination that confirmed.
    async def awaiting_signature():
        status = await decision.query(DecisionWorkflow.status)
        return status if status.status == DecisionStatus.AWAITING_SIGNATURE else None

    status = await eventually(awaiting_signature, what="the draft awaits its signature")
    assert status.nomination_ids == [51]
    await sign_and_issue(decision)
    await wait_stage(hoa_handle, Stage.GRANTED)
    assert (await decision.result()).status == DecisionStatus.ISSUED
    await save_history(request, decision)


async def test_a_confirmation_that_cannot_be_delivered_does_not_fail_the_nomination(
    env: StandInEnv,
):
    """The session stopped waiting and is gone by the time the nomination confirms: the
    confirmation fails to arrive, the nomination carries on, and the removal the session
    sent when it gave up puts it back in the queue for a council."""
    today = await env.today()
    nomination = nomination_input(61, "giay_khen", today=today)
    handle = await env.submit(nomination)
    await handle.execute_update(NominationWorkflow.accept_dossier, ReviewCommand(STANDING_OFFICER))
    gone = "council-session-404"  # no such workflow: the confirmation cannot be delivered
    await handle.signal(NominationWorkflow.placed_on_agenda, AgendaPlacement(404, gone))
    await wait_stage(handle, Stage.IN_COUNCIL)

    # The stage changes before the placement is written (the failed confirmation comes
    # first): wait for the write, or the removal below may be recorded ahead of it.
    async def placed():
        return "placed_on_agenda" in env.stand_ins.actions(61)

    await eventually(placed, what="the placement is recorded")
    reason = "Đề nghị số 61 không xác nhận việc đưa vào chương trình phiên họp"
    await handle.signal(
        NominationWorkflow.council_result,
        CouncilResult(
            404,
            passed=False,
            inquorate=True,
            agree=0,
            disagree=0,
            abstain=0,
            member_count=5,
            threshold="> 1/2",
            removed_reason=reason,
        ),
    )
    back = await wait_stage(handle, Stage.AWAITING_COUNCIL)
    assert back.stage == Stage.AWAITING_COUNCIL
    assert env.stand_ins.actions(61)[-2:] == ["placed_on_agenda", "removed_from_agenda"]
    assert env.stand_ins.nomination_changes[-1].reason == reason
