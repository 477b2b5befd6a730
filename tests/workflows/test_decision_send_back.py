"""A draft the signer sends back: the chairman returns it to the standing body with a
reason (a mistake is not a dead end), the reminders stop, the standing body takes the
wrong item out and submits it again, which starts a new signature period; then the
chairman signs. Who may do what, and when, is refused in the validators."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.calendar import Duration, WorkingCalendar
from domain.vocabulary import DecisionStatus, Role, Stage
from workflows.contracts import Recipient
from workflows.decision import DecisionWorkflow
from workflows.decision_types import (
    CancelCommand,
    DelegateCommand,
    RemoveItemCommand,
    ResubmitCommand,
    SendBackCommand,
    SignCommand,
)

from .builders import (
    CHAIRMAN,
    STANDING_OFFICER,
    UNIT_OFFICER,
    VICE_CHAIRMAN,
    WARD,
    decision_input,
    nomination_input,
)
from .conftest import StandInEnv, refused, settled, through_council, wait_stage
from .test_acknowledgements import save_history
from .test_decision_workflow import WARD_CHAIRMAN, awaiting_signature, sign_and_issue

pytestmark = pytest.mark.fast

THE_STANDING_BODY = [Recipient(role=Role.STANDING_OFFICER, unit_id=WARD.standing_unit_id)]
WRONG_NAME = "Ghi sai tên người được khen thưởng ở mục 2"


async def test_the_chairman_sends_a_draft_back_and_signs_it_once_corrected(
    env: StandInEnv, request
):
    today = await env.today()
    nominations = [
        nomination_input(71, "giay_khen", today=today, nominee="Nguyễn Thị Hoa"),
        nomination_input(72, "giay_khen", today=today, nominee="Trần Văn Dũng"),
    ]
    hoa, dung = await through_council(env, nominations, session_id=6)
    decision = await env.draft(decision_input(6, nominations, today=today))
    first = await awaiting_signature(decision)
    send_back, resubmit = DecisionWorkflow.send_back, DecisionWorkflow.resubmit

    # Only the designated signer sends back, with a reason; nothing to resubmit yet.
    for someone in (STANDING_OFFICER, VICE_CHAIRMAN, UNIT_OFFICER):
        refusal = await refused(decision.execute_update(send_back, SendBackCommand(someone, "x")))
        assert refusal.type == "Forbidden"
    refusal = await refused(decision.execute_update(send_back, SendBackCommand(CHAIRMAN, "  ")))
    assert refusal.type == "Invalid" and refusal.details == ({"field": "reason"},)
    refusal = await refused(decision.execute_update(resubmit, ResubmitCommand(STANDING_OFFICER)))
    assert refusal.type == "WrongStage" and refusal.details == ({"stage": "awaiting_signature"},)

    returned = await decision.execute_update(send_back, SendBackCommand(CHAIRMAN, WRONG_NAME))

    assert returned.status == DecisionStatus.RETURNED
    assert returned.nomination_ids == [71, 72]  # items intact
    sent_back = env.stand_ins.decision_changes[-1]
    assert (sent_back.action, sent_back.status, sent_back.reason) == (
        "sent_back",
        DecisionStatus.RETURNED,
        WRONG_NAME,
    )
    assert (sent_back.actor_user_id, sent_back.actor_role) == (CHAIRMAN.user_id, Role.CHAIRMAN)
    (told,) = await env.notices("document_sent_back")
    assert told.recipients == THE_STANDING_BODY and told.context["reason"] == WRONG_NAME

    # While returned: no signature, no delegation, no second send-back; the chairman does
    # not resubmit for the standing body.
    for update, command in (
        (DecisionWorkflow.sign, SignCommand(CHAIRMAN)),
        (
            DecisionWorkflow.delegate,
            DelegateCommand(CHAIRMAN, VICE_CHAIRMAN.user_id, VICE_CHAIRMAN.name),
        ),
        (send_back, SendBackCommand(CHAIRMAN, "Lần nữa")),
    ):
        refusal = await refused(decision.execute_update(update, command))
        assert refusal.type == "WrongStage" and refusal.details == ({"stage": "returned"},)
        assert "trả lại" in refusal.message
    refusal = await refused(decision.execute_update(resubmit, ResubmitCommand(CHAIRMAN)))
    assert refusal.type == "Forbidden"

    # Nobody is reminded of a draft that is not theirs to sign, even past its due moment.
    assert first.due_at is not None
    await env.sleep_until(first.due_at + timedelta(minutes=1))
    await settled(decision)
    assert env.stand_ins.notices_of("reminder") == []
    assert env.stand_ins.notices_of("escalation") == []

    # The standing body takes the wrong item out and submits the draft again.
    remove = RemoveItemCommand(STANDING_OFFICER, 72, WRONG_NAME)
    without = await decision.execute_update(DecisionWorkflow.remove_item, remove)
    assert (without.status, without.nomination_ids) == (DecisionStatus.RETURNED, [71])
    await wait_stage(dung, Stage.AWAITING_DECISION)
    again = await decision.execute_update(
        resubmit, ResubmitCommand(STANDING_OFFICER, "Đã rút hồ sơ ghi sai tên")
    )

    assert again.status == DecisionStatus.AWAITING_SIGNATURE
    requested = env.stand_ins.decision_changes[-1]
    assert (requested.action, requested.actor_user_id) == (
        "signature_requested",
        STANDING_OFFICER.user_id,
    )
    assert "Đã rút hồ sơ ghi sai tên" in requested.reason
    calendar = WorkingCalendar(nominations[0].calendar)
    assert again.due_at == calendar.due_moment(requested.occurred_at, Duration(3))
    asked = await env.notices("signature_requested", count=2)
    assert asked[-1].recipients == WARD_CHAIRMAN
    assert len({n.key for n in asked}) == 2

    # The new period reminds the chairman again (its own notices, not the first period's).
    assert again.due_at is not None
    await env.sleep_until(again.due_at - timedelta(minutes=1))
    await settled(decision)
    reminders = env.stand_ins.notices_of("reminder")
    assert len(reminders) == 2 and all(r.recipients == WARD_CHAIRMAN for r in reminders)

    signed = await sign_and_issue(decision)

    assert signed.number_text == "01/QĐ-UBND"
    assert (await hoa.result()).stage == Stage.GRANTED
    assert (await decision.result()).nomination_ids == [71]
    assert [c.action for c in env.stand_ins.decision_changes] == [
        "drafted",
        "signature_requested",
        "sent_back",
        "item_removed",
        "signature_requested",
        "signed",
        "issued",
    ]
    await save_history(request, decision)


async def test_a_returned_draft_is_cancelled_or_sent_back_by_the_delegated_deputy(
    env: StandInEnv,
):
    today = await env.today()
    nominations = [nomination_input(n, "giay_khen", today=today) for n in (73, 74)]
    handles = await through_council(env, nominations, session_id=7)
    decision = await env.draft(decision_input(7, nominations, today=today))
    await awaiting_signature(decision)
    await decision.execute_update(
        DecisionWorkflow.delegate,
        DelegateCommand(CHAIRMAN, VICE_CHAIRMAN.user_id, VICE_CHAIRMAN.name),
    )
    # Once delegated, the vice-chairman is the signer: the chairman no longer sends back.
    refusal = await refused(
        decision.execute_update(DecisionWorkflow.send_back, SendBackCommand(CHAIRMAN, "Sai"))
    )
    assert refusal.type == "Forbidden"
    await decision.execute_update(
        DecisionWorkflow.send_back, SendBackCommand(VICE_CHAIRMAN, "Thiếu số tiền thưởng")
    )
    sent_back = env.stand_ins.decision_changes[-1]
    assert (sent_back.actor_user_id, sent_back.actor_role) == (
        VICE_CHAIRMAN.user_id,
        Role.VICE_CHAIRMAN,
    )

    cancelled = await decision.execute_update(
        DecisionWorkflow.cancel, CancelCommand(STANDING_OFFICER, "Lập lại dự thảo khác")
    )

    assert cancelled.status == DecisionStatus.CANCELLED
    for handle in handles:
        await wait_stage(handle, Stage.AWAITING_DECISION)
    assert env.stand_ins.decision_changes[-1].action == "cancelled"
    assert env.stand_ins.signed == []
