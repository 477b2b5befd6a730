"""The decision workflow, fast: real nominations that the ward council passed, the signing
activity stood in for. A decision gathers the nominations still waiting, the chairman (or
the vice-chairman he delegates) signs it, and each nomination is granted, or forwarded
to the next level by a submission; an unsigned decision is escalated; a cancelled one
gives its nominations back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.calendar import Duration, WorkingCalendar, vietnam_date
from domain.vocabulary import DecisionKind, DecisionStatus, Level, Role, SignerCapacity, Stage
from workflows.contracts import Recipient
from workflows.decision import DecisionWorkflow
from workflows.decision_types import CancelCommand, DelegateCommand, IssueCommand, SignCommand
from workflows.nomination import NominationWorkflow
from workflows.nomination_types import ReasonCommand, ReviewCommand

from .builders import (
    CHAIRMAN,
    CITY,
    CITY_STANDING_OFFICER,
    CLERK,
    SCHOOL,
    STANDING_OFFICER,
    UNIT_OFFICER,
    VICE_CHAIRMAN,
    WARD,
    decision_input,
    nomination_input,
)
from .conftest import StandInEnv, eventually, on_time, refused, settled, through_council, wait_stage

pytestmark = pytest.mark.fast

THE_SCHOOL = [Recipient(role=Role.UNIT_OFFICER, unit_id=SCHOOL.unit_id)]
WARD_CHAIRMAN = [Recipient(role=Role.CHAIRMAN, unit_id=WARD.unit_id)]
WARD_CLERKS = [Recipient(role=Role.CLERK, unit_id=WARD.unit_id)]


async def sign_and_issue(handle, signer=CHAIRMAN):
    """The signer signs, without a number or a date; the ward's clerk (văn thư) gives
    both and issues (Decree 30): the issue's answer."""
    signed = await handle.execute_update(DecisionWorkflow.sign, SignCommand(signer))
    assert (signed.number_text, signed.issued_on) == ("", None)
    return await handle.execute_update(DecisionWorkflow.issue, IssueCommand(CLERK))


async def awaiting_signature(handle):
    async def ready():
        status = await handle.query(DecisionWorkflow.status)
        return status if status.status == DecisionStatus.AWAITING_SIGNATURE else None

    return await eventually(ready, what=f"{handle.id} awaits its signature")


async def test_a_decision_takes_the_nominations_still_waiting_and_the_delegated_deputy_signs(
    env: StandInEnv,
):
    today = await env.today()
    nominations = [
        nomination_input(21, "giay_khen", today=today, nominee="Nguyễn Thị Hoa"),
        nomination_input(22, "giay_khen", today=today, nominee="Trần Văn Dũng"),
        nomination_input(23, "giay_khen", today=today, nominee="Lê Thị Thu Hường"),
    ]
    hoa, dung, huong = await through_council(env, nominations, session_id=1)
    await huong.execute_update(
        NominationWorkflow.withdraw, ReasonCommand(UNIT_OFFICER, "Cá nhân xin rút đề nghị")
    )

    decision = await env.draft(decision_input(1, nominations, today=today))
    waiting = await awaiting_signature(decision)
    assert waiting.nomination_ids == [21, 22]  # the withdrawn nomination declined
    assert waiting.capacity == SignerCapacity.CHAIRMAN
    await wait_stage(hoa, Stage.SIGNING)
    (asked,) = await env.notices("signature_requested")
    assert asked.recipients == WARD_CHAIRMAN

    sign = DecisionWorkflow.sign
    assert (
        await refused(decision.execute_update(sign, SignCommand(VICE_CHAIRMAN)))
    ).type == "Forbidden"
    refusal = await refused(
        decision.execute_update(
            DecisionWorkflow.delegate,
            DelegateCommand(STANDING_OFFICER, VICE_CHAIRMAN.user_id, VICE_CHAIRMAN.name),
        )
    )
    assert refusal.type == "Forbidden"
    delegated = await decision.execute_update(
        DecisionWorkflow.delegate,
        DelegateCommand(
            CHAIRMAN, VICE_CHAIRMAN.user_id, VICE_CHAIRMAN.name, "Chủ tịch đi công tác"
        ),
    )
    assert (delegated.signer_user_id, delegated.capacity) == (
        VICE_CHAIRMAN.user_id,
        SignerCapacity.DEPUTY,
    )
    asked_deputy = (await env.notices("signature_requested", count=2))[-1]
    assert asked_deputy.recipients == [Recipient(user_id=VICE_CHAIRMAN.user_id)]
    assert (await refused(decision.execute_update(sign, SignCommand(CHAIRMAN)))).type == "Forbidden"

    signed = await decision.execute_update(sign, SignCommand(VICE_CHAIRMAN))

    # Signed without a number or a date (Decree 30: the clerk gives them at issue).
    assert (signed.number_text, signed.issued_on) == ("", None)
    # Signed, not issued: the clerks are asked; nobody else issues; nothing granted yet.
    waiting = await decision.query(DecisionWorkflow.status)
    assert waiting.status == DecisionStatus.SIGNED and waiting.number_text == ""
    (asked_to_issue,) = await env.notices("issue_requested")
    assert asked_to_issue.recipients == WARD_CLERKS
    assert "decision_number" not in asked_to_issue.context
    for someone in (CHAIRMAN, VICE_CHAIRMAN, STANDING_OFFICER):
        refusal = await refused(
            decision.execute_update(DecisionWorkflow.issue, IssueCommand(someone))
        )
        assert refusal.type == "Forbidden"
    assert (await hoa.query(NominationWorkflow.status)).stage == Stage.SIGNING
    assert (await refused(decision.execute_update(sign, SignCommand(VICE_CHAIRMAN)))).type == (
        "WrongStage"
    )
    issued_now = await decision.execute_update(DecisionWorkflow.issue, IssueCommand(CLERK))
    assert issued_now.number_text == "01/QĐ-UBND" and issued_now.sha256 != signed.sha256
    (clerk_step,) = env.stand_ins.clerk_issued
    assert clerk_step.clerk_user_id == CLERK.user_id
    # Dated the day the clerk issued it, in Vietnam.
    assert issued_now.issued_on == vietnam_date(clerk_step.issued_at)
    (asked_to_sign,) = env.stand_ins.signed
    assert (asked_to_sign.signer_user_id, asked_to_sign.capacity) == (
        VICE_CHAIRMAN.user_id,
        SignerCapacity.DEPUTY,
    )
    for handle in (hoa, dung):
        outcome = await handle.result()
        assert (outcome.stage, outcome.decision_number) == (Stage.GRANTED, "01/QĐ-UBND")
    assert (await huong.result()).stage == Stage.WITHDRAWN
    issued = await decision.result()
    assert issued.status == DecisionStatus.ISSUED and issued.number_text == "01/QĐ-UBND"
    assert [c.action for c in env.stand_ins.decision_changes] == [
        "drafted",
        "items_declined",
        "signature_requested",
        "delegated",
        "signed",
        "issued",
    ]
    signed_change, issued_change = env.stand_ins.decision_changes[-2:]
    assert (signed_change.actor_user_id, signed_change.actor_role) == (
        VICE_CHAIRMAN.user_id,
        "vice_chairman",
    )
    assert (issued_change.actor_user_id, issued_change.actor_role) == (CLERK.user_id, "clerk")
    assert signed_change.reason.startswith("Chưa cấp số; ký KT. CHỦ TỊCH")
    assert "chờ văn thư cấp số" in signed_change.reason
    assert issued_change.reason.startswith("Số 01/QĐ-UBND;")
    assert env.stand_ins.decision_changes[1].removed_nomination_ids == [23]
    (granted,) = await env.notices("granted")
    assert granted.recipients == THE_SCHOOL and granted.context["decision_number"] == "01/QĐ-UBND"


async def test_an_unsigned_decision_reminds_the_signer_then_escalates_when_overdue(env: StandInEnv):
    today = await env.today()
    nomination = nomination_input(31, "giay_khen", today=today)
    (handle,) = await through_council(env, [nomination], session_id=2)
    decision = await env.draft(decision_input(2, [nomination], today=today))
    waiting = await awaiting_signature(decision)
    calendar = WorkingCalendar(nomination.calendar)
    requested = env.stand_ins.decision_changes[-1]
    assert requested.action == "signature_requested"
    due = calendar.due_moment(requested.occurred_at, Duration(3))  # three working days to sign
    assert waiting.due_at == due

    await env.sleep_until(due - timedelta(minutes=1))
    await settled(decision)
    # The day before and the morning of the due day.
    reminders = env.stand_ins.notices_of("reminder")
    assert len(reminders) == 2 and all(r.recipients == WARD_CHAIRMAN for r in reminders)
    assert "escalated" not in [c.action for c in env.stand_ins.decision_changes]

    await env.sleep_until(due + timedelta(minutes=1))
    (escalation,) = await env.notices("escalation")
    assert (
        escalation.recipients
        == [Recipient(role=Role.STANDING_OFFICER, unit_id=WARD.standing_unit_id)] + WARD_CHAIRMAN
    )
    escalated = env.stand_ins.decision_changes[-1]
    assert escalated.action == "escalated" and on_time(escalated.occurred_at, due)

    # Late, but still signed.
    await sign_and_issue(decision)
    assert (await handle.result()).stage == Stage.GRANTED


async def test_a_signing_failure_leaves_the_decision_waiting_for_its_signature(env: StandInEnv):
    today = await env.today()
    nomination = nomination_input(32, "giay_khen", today=today)
    (handle,) = await through_council(env, [nomination], session_id=3)
    decision = await env.draft(decision_input(3, [nomination], today=today))
    await awaiting_signature(decision)

    env.stand_ins.signing_fault = "Chưa có chứng thư số của người ký"
    refusal = await refused(decision.execute_update(DecisionWorkflow.sign, SignCommand(CHAIRMAN)))
    assert refusal.type == "SigningFailed" and "Chưa có chứng thư số" in refusal.message
    assert (
        await decision.query(DecisionWorkflow.status)
    ).status == DecisionStatus.AWAITING_SIGNATURE
    assert (await handle.query(NominationWorkflow.status)).stage == Stage.SIGNING

    env.stand_ins.signing_fault = None
    signed = await sign_and_issue(decision)
    assert signed.number_text == "01/QĐ-UBND"
    assert (await handle.result()).stage == Stage.GRANTED


async def test_a_cancelled_decision_gives_its_nominations_back(env: StandInEnv):
    today = await env.today()
    nominations = [nomination_input(n, "giay_khen", today=today) for n in (33, 34)]
    handles = await through_council(env, nominations, session_id=4)
    decision = await env.draft(decision_input(4, nominations, today=today))
    await awaiting_signature(decision)

    cancel = DecisionWorkflow.cancel
    assert (
        await refused(decision.execute_update(cancel, CancelCommand(UNIT_OFFICER, "Sai tên")))
    ).type == "Forbidden"
    refusal = await refused(decision.execute_update(cancel, CancelCommand(STANDING_OFFICER, " ")))
    assert refusal.type == "Invalid" and refusal.details == ({"field": "reason"},)
    reason = "Dự thảo ghi sai chức danh người được khen thưởng"
    cancelled = await decision.execute_update(cancel, CancelCommand(STANDING_OFFICER, reason))

    assert cancelled.status == DecisionStatus.CANCELLED
    for handle in handles:
        back = await wait_stage(handle, Stage.AWAITING_DECISION)
        assert back.waiting_on_role == Role.STANDING_OFFICER
    assert env.stand_ins.actions(33)[-2:] == ["included_in_document", "removed_from_document"]
    assert env.stand_ins.nomination_changes[-1].reason == reason
    assert env.stand_ins.decision_changes[-1].action == "cancelled"
    assert env.stand_ins.signed == []


async def test_a_signed_submission_forwards_the_nomination_to_the_city(env: StandInEnv):
    today = await env.today()
    nomination = nomination_input(41, "bang_khen_thanh_pho", today=today)
    (handle,) = await through_council(env, [nomination], session_id=5)
    submission = await env.draft(
        decision_input(5, [nomination], today=today, kind=DecisionKind.SUBMISSION)
    )
    await awaiting_signature(submission)

    signed = await sign_and_issue(submission)

    assert signed.number_text == "01/TTr-UBND"
    at_city = await wait_stage(handle, Stage.RECEPTION)
    forwarded = env.stand_ins.nomination_changes[-1]
    assert (at_city.level, forwarded.action, forwarded.authority_id) == (
        Level.CITY,
        "forwarded",
        CITY.authority_id,
    )
    assert forwarded.reason == (
        "Tờ trình số 01/TTr-UBND của Ủy ban nhân dân phường Thạch Khôi "
        "gửi Ủy ban nhân dân thành phố Hải Phòng"
    )
    calendar = WorkingCalendar(nomination.calendar)
    assert at_city.stage_due_at == calendar.due_moment(forwarded.occurred_at, Duration(5))
    city_standing_body = [Recipient(role=Role.STANDING_OFFICER, unit_id=CITY.standing_unit_id)]
    # One forwarding, one notice to each reader about what is theirs to do: the unit hears
    # its nomination went up; the city's standing body, once, that it has a dossier to
    # receive and check (never that it must wait for a level that is its own).
    (by_submission,) = await env.notices("forwarded")
    assert by_submission.nomination_id is None and by_submission.recipients == THE_SCHOOL
    assert by_submission.context["decision_number"] == "01/TTr-UBND"
    submitted = await env.notices("dossier_submitted", count=2)  # to the ward, then the city
    (to_receive,) = [n for n in submitted if n.recipients == city_standing_body]
    assert to_receive.nomination_id == 41
    assert to_receive.context["unit"] == "Ủy ban nhân dân phường Thạch Khôi"
    assert env.stand_ins.notices_of("forwarded") == [by_submission]

    # The city's standing body now acts; the ward's no longer does. The signed submission
    # and the ward council's minutes travel with the dossier.
    refusal = await refused(
        handle.execute_update(NominationWorkflow.accept_dossier, ReviewCommand(STANDING_OFFICER))
    )
    assert refusal.type == "Forbidden"
    accepted = await handle.execute_update(
        NominationWorkflow.accept_dossier, ReviewCommand(CITY_STANDING_OFFICER)
    )
    assert (accepted.stage, accepted.level) == (Stage.AWAITING_COUNCIL, Level.CITY)
