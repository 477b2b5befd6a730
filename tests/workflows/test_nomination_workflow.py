"""The nomination workflow alone, fast: the real workflow (with the real council session
and decision workflows where a nomination needs them) on the time-skipping server, its
activities stood in for. What a person would notice: the stage after each command, the
refusals, the deadlines and what happens when they pass, the change records the workflow
has written and the notices it has sent."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from domain.calendar import VIETNAM_TZ, Duration, WorkingCalendar
from domain.vocabulary import BallotMode, Choice, Level, ObjectionStatus, Role, Stage
from workflows.contracts import Recipient
from workflows.council_session import CouncilSessionWorkflow
from workflows.council_types import BallotSheet
from workflows.nomination import NominationWorkflow
from workflows.nomination_types import (
    ObjectionCommand,
    ReasonCommand,
    ResolveObjectionCommand,
    ResubmitCommand,
    ReturnCommand,
    ReviewCommand,
)

from .builders import (
    COUNCIL,
    SCHOOL,
    STANDING_OFFICER,
    UNIT_OFFICER,
    WARD,
    decision_input,
    nomination_input,
    session_input,
)
from .conftest import StandInEnv, on_time, refused, settled, wait_stage
from .test_decision_workflow import sign_and_issue

pytestmark = pytest.mark.fast

STANDING_BODY = [Recipient(role=Role.STANDING_OFFICER, unit_id=WARD.standing_unit_id)]
THE_SCHOOL = [Recipient(role=Role.UNIT_OFFICER, unit_id=SCHOOL.unit_id)]
ACCEPT = ReviewCommand(STANDING_OFFICER, note="Hồ sơ đầy đủ")
MISSING_MINUTES = ReturnCommand(
    STANDING_OFFICER, ["bien_ban_binh_xet"], "Thiếu biên bản họp bình xét của tổ dân phố"
)
OBJECTION = ObjectionCommand(
    objector_name="Trần Văn Bình",
    objector_contact="0912 345 678",
    reason="Tổ dân phố còn để rác thải trên vỉa hè đường Lê Lợi trong tháng 10",
)


def end_of_notice(accepted_at: datetime, days: int) -> datetime:
    """A notice "posted for N days" runs N full days after the day of posting, to midnight."""
    day = accepted_at.astimezone(VIETNAM_TZ).date() + timedelta(days=days)
    return datetime.combine(day, time(23, 59, 59), tzinfo=VIETNAM_TZ)


async def test_an_incomplete_dossier_is_refused_returned_once_and_accepted_when_supplemented(
    env: StandInEnv,
):
    nomination = nomination_input(
        1,
        "tdp_van_hoa",
        today=await env.today(),
        nominee="Tổ dân phố số 3",
        dossier_items=["to_trinh", "bao_cao_thanh_tich"],
    )
    calendar = WorkingCalendar(nomination.calendar)
    handle = await env.submit(nomination)

    refusal = await refused(handle.execute_update(NominationWorkflow.accept_dossier, ACCEPT))
    assert refusal.type == "Incomplete"
    assert refusal.details == ({"missing": ["bien_ban_binh_xet"]},)
    refusal = await refused(
        handle.execute_update(
            NominationWorkflow.return_for_supplement,
            ReturnCommand(UNIT_OFFICER, ["bien_ban_binh_xet"], "Thiếu biên bản"),
        )
    )
    assert refusal.type == "Forbidden"
    assert env.stand_ins.actions() == ["submitted"], "a refusal writes nothing"

    returned = await handle.execute_update(
        NominationWorkflow.return_for_supplement, MISSING_MINUTES
    )
    returned_record = env.stand_ins.nomination_changes[-1]
    assert returned.stage == Stage.RETURNED
    assert returned.stage_due_at == calendar.due_moment(returned_record.occurred_at, Duration(10))
    assert (returned_record.waiting_on_role, returned_record.waiting_on_unit_id) == (
        Role.UNIT_OFFICER,
        SCHOOL.unit_id,
    )
    (notice,) = await env.notices("returned_for_supplement")
    assert notice.recipients == THE_SCHOOL
    assert notice.context["missing_items"] == "bien_ban_binh_xet"
    assert notice.context["reason"] == MISSING_MINUTES.reason

    # The unit takes five days; the standing body's clock stood still meanwhile.
    await env.sleep_until(returned_record.occurred_at + timedelta(days=5))
    resubmitted = await handle.execute_update(
        NominationWorkflow.resubmit, ResubmitCommand(UNIT_OFFICER, ["bien_ban_binh_xet"])
    )
    resubmitted_record = env.stand_ins.nomination_changes[-1]
    assert resubmitted.stage == Stage.RECEPTION
    assert resubmitted.stage_due_at == calendar.due_moment(
        resubmitted_record.occurred_at, Duration(3)
    )
    refusal = await refused(
        handle.execute_update(NominationWorkflow.return_for_supplement, MISSING_MINUTES)
    )
    assert refusal.type == "WrongStage" and "returned once" in refusal.message

    accepted = await handle.execute_update(NominationWorkflow.accept_dossier, ACCEPT)
    assert accepted.stage == Stage.PUBLIC_NOTICE
    assert env.stand_ins.actions() == [
        "submitted",
        "returned_for_supplement",
        "resubmitted",
        "accepted",
    ]
    assert [c.seq for c in env.stand_ins.nomination_changes] == [1, 2, 3, 4]
    assert resubmitted_record.dossier_items_level == Level.WARD
    (told,) = await env.notices("resubmitted")
    assert told.recipients == STANDING_BODY


async def test_a_pending_objection_holds_the_nomination_after_the_notice_until_dismissed(
    env: StandInEnv,
):
    nomination = nomination_input(
        2, "tdp_van_hoa", today=await env.today(), nominee="Tổ dân phố số 3"
    )
    handle = await env.submit(nomination)
    accepted = await handle.execute_update(NominationWorkflow.accept_dossier, ACCEPT)
    accepted_record = env.stand_ins.nomination_changes[-1]
    notice_ends = end_of_notice(accepted_record.occurred_at, 10)  # "10 ngày" in the rule set
    assert accepted.stage == Stage.PUBLIC_NOTICE
    assert accepted_record.public_notice_until == notice_ends
    (posted,) = await env.recorded(env.stand_ins.public_notices)
    assert (posted.nomination_ids, posted.ends_at, posted.authority_id) == (
        [2],
        notice_ends,
        WARD.authority_id,
    )
    await env.notices("public_notice_posted")

    refusal = await refused(
        handle.execute_update(
            NominationWorkflow.lodge_objection,
            ObjectionCommand(OBJECTION.objector_name, OBJECTION.objector_contact, "  "),
        )
    )
    assert refusal.type == "Invalid" and refusal.details == ({"field": "reason"},)
    lodged = await handle.execute_update(NominationWorkflow.lodge_objection, OBJECTION)
    (objection,) = (await handle.query(NominationWorkflow.status)).objections
    assert (objection.key, objection.status) == (lodged.objection_key, ObjectionStatus.PENDING)
    (told,) = await env.notices("objection_lodged")
    assert told.recipients == STANDING_BODY and told.context["reason"] == OBJECTION.reason

    # The notice ends; the pending objection holds the nomination where it is.
    await env.sleep_until(notice_ends + timedelta(minutes=1))
    await settled(handle)
    assert (await handle.query(NominationWorkflow.status)).stage == Stage.PUBLIC_NOTICE
    refusal = await refused(handle.execute_update(NominationWorkflow.lodge_objection, OBJECTION))
    assert refusal.type == "WrongStage" and "ended" in refusal.message

    dismissed = await handle.execute_update(
        NominationWorkflow.resolve_objection,
        ResolveObjectionCommand(
            STANDING_OFFICER,
            lodged.objection_key,
            ObjectionStatus.DISMISSED,
            "Đã kiểm tra: vỉa hè do công trình thi công, không do tổ dân phố",
        ),
    )
    assert dismissed.stage == Stage.AWAITING_COUNCIL
    assert env.stand_ins.actions() == [
        "submitted",
        "accepted",
        "objection_lodged",
        "objection_dismissed",
        "public_notice_ended",
    ]
    lodged_record, dismissed_record = env.stand_ins.nomination_changes[2:4]
    assert lodged_record.actor_role == "resident"
    assert lodged_record.objection is not None
    assert lodged_record.objection.status == ObjectionStatus.PENDING
    assert dismissed_record.objection is not None
    assert dismissed_record.objection.status == ObjectionStatus.DISMISSED
    assert dismissed_record.objection.resolved_by_user_id == STANDING_OFFICER.user_id
    (resolved,) = await env.notices("objection_resolved")
    assert resolved.recipients == THE_SCHOOL


async def test_an_upheld_objection_rejects_the_nomination(env: StandInEnv):
    nomination = nomination_input(
        3, "tdp_van_hoa", today=await env.today(), nominee="Tổ dân phố số 3"
    )
    handle = await env.submit(nomination)
    await handle.execute_update(NominationWorkflow.accept_dossier, ACCEPT)
    lodged = await handle.execute_update(NominationWorkflow.lodge_objection, OBJECTION)

    upheld = await handle.execute_update(
        NominationWorkflow.resolve_objection,
        ResolveObjectionCommand(
            STANDING_OFFICER,
            lodged.objection_key,
            ObjectionStatus.UPHELD,
            "Xác minh đúng: tổ dân phố chưa giữ vệ sinh chung",
        ),
    )

    assert upheld.stage == Stage.REJECTED
    outcome = await handle.result()
    assert outcome.stage == Stage.REJECTED
    assert outcome.reason.startswith("Ý kiến phản ánh được chấp nhận")
    rejected = env.stand_ins.nomination_changes[-1]
    assert (rejected.action, rejected.closed, rejected.waiting_on_role) == ("rejected", True, None)
    (told,) = await env.notices("rejected")
    assert told.recipients == THE_SCHOOL


async def test_a_cultural_group_goes_from_submission_through_notice_and_council_to_its_award(
    env: StandInEnv,
):
    today = await env.today()
    nomination = nomination_input(4, "tdp_van_hoa", today=today, nominee="Tổ dân phố số 3")
    handle = await env.submit(nomination)
    await handle.execute_update(NominationWorkflow.accept_dossier, ACCEPT)
    notice_ends = end_of_notice(env.stand_ins.nomination_changes[-1].occurred_at, 10)

    # No objection: the nomination leaves the notice for the council when it ends.
    await env.sleep_until(notice_ends - timedelta(minutes=1))
    await settled(handle)
    assert (await handle.query(NominationWorkflow.status)).stage == Stage.PUBLIC_NOTICE
    await env.sleep_until(notice_ends + timedelta(minutes=1))
    await wait_stage(handle, Stage.AWAITING_COUNCIL)
    ended = env.stand_ins.nomination_changes[-1]
    assert ended.action == "public_notice_ended" and on_time(ended.occurred_at, notice_ends)

    today = await env.today()
    session = await env.convene(
        session_input(1, [nomination], closes_at=await env.now() + timedelta(days=3), today=today)
    )
    await wait_stage(handle, Stage.IN_COUNCIL)
    choices = {
        1: Choice.AGREE,
        2: Choice.AGREE,
        3: Choice.AGREE,
        4: Choice.DISAGREE,
        5: Choice.ABSTAIN,
    }
    for member_id, choice in choices.items():
        await session.execute_update(
            CouncilSessionWorkflow.cast_ballot,
            BallotSheet(COUNCIL[member_id], BallotMode.IN_PERSON, {"4": choice}),
        )
    await session.result()
    passed = await wait_stage(handle, Stage.AWAITING_DECISION)
    assert passed.waiting_on_role == Role.STANDING_OFFICER

    decision = await env.draft(decision_input(1, [nomination], today=today))
    await wait_stage(handle, Stage.SIGNING)
    signed = await sign_and_issue(decision)
    assert signed.number_text == "01/QĐ-UBND"

    outcome = await handle.result()
    assert (outcome.stage, outcome.decision_number) == (Stage.GRANTED, "01/QĐ-UBND")
    assert env.stand_ins.actions(4) == [
        "submitted",
        "accepted",
        "public_notice_ended",
        "placed_on_agenda",
        "council_passed",
        "included_in_document",
        "granted",
    ]
    council_passed = env.stand_ins.nomination_changes[4]
    assert council_passed.reason.startswith(
        "Hội đồng thông qua: 3/5 đồng ý, 1 không đồng ý, 1 không biểu quyết"
    )
    assert "(quy tắc vote_threshold: " in council_passed.reason
    assert council_passed.actor_user_id is None and council_passed.actor_role == "system"
    granted = env.stand_ins.nomination_changes[-1]
    assert granted.closed and granted.decision_number == "01/QĐ-UBND"
    assert granted.reason.startswith("Quyết định số 01/QĐ-UBND ngày ")
    (announced,) = await env.notices("granted")
    assert announced.recipients == THE_SCHOOL
    assert announced.context["decision_number"] == "01/QĐ-UBND"


async def test_the_unit_withdraws_a_nomination_with_a_reason(env: StandInEnv):
    nomination = nomination_input(5, "giay_khen", today=await env.today())
    handle = await env.submit(nomination)
    accepted = await handle.execute_update(NominationWorkflow.accept_dossier, ACCEPT)
    assert accepted.stage == Stage.AWAITING_COUNCIL  # no public notice for this award

    refusal = await refused(
        handle.execute_update(
            NominationWorkflow.withdraw, ReasonCommand(STANDING_OFFICER, "Đơn vị đề nghị rút")
        )
    )
    assert refusal.type == "Forbidden"
    refusal = await refused(
        handle.execute_update(NominationWorkflow.withdraw, ReasonCommand(UNIT_OFFICER, ""))
    )
    assert refusal.type == "Invalid" and refusal.details == ({"field": "reason"},)

    reason = "Cá nhân chuyển công tác sang đơn vị khác"
    withdrawn = await handle.execute_update(
        NominationWorkflow.withdraw, ReasonCommand(UNIT_OFFICER, reason)
    )

    assert withdrawn.stage == Stage.WITHDRAWN
    outcome = await handle.result()
    assert (outcome.stage, outcome.reason) == (Stage.WITHDRAWN, reason)
    record = env.stand_ins.nomination_changes[-1]
    assert (record.action, record.closed, record.actor_user_id) == (
        "withdrawn",
        True,
        UNIT_OFFICER.user_id,
    )
    assert (record.stage_due_at, record.waiting_on_role) == (None, None)
    (told,) = await env.notices("withdrawn")
    assert told.recipients == STANDING_BODY and told.context["reason"] == reason


async def test_an_overdue_check_is_reminded_then_escalated_to_the_chairman_once(env: StandInEnv):
    nomination = nomination_input(6, "giay_khen", today=await env.today())
    calendar = WorkingCalendar(nomination.calendar)
    handle = await env.submit(nomination)
    submitted = await handle.query(NominationWorkflow.status)
    await env.recorded(env.stand_ins.nomination_changes)
    due = calendar.due_moment(env.stand_ins.nomination_changes[0].occurred_at, Duration(3))
    assert submitted.stage_due_at == due  # three working days to check the dossier
    due_morning = calendar.start_of_working_day(calendar.local_date(due))

    await env.sleep_until(due_morning - timedelta(minutes=1))
    await settled(handle)
    reminded_before = len(env.stand_ins.notices_of("reminder"))
    await env.sleep_until(due_morning + timedelta(minutes=1))
    reminders = await env.notices("reminder", count=reminded_before + 1)
    assert reminders[-1].recipients == STANDING_BODY
    assert "escalated" not in env.stand_ins.actions()

    await env.sleep_until(due - timedelta(minutes=1))
    await settled(handle)
    assert "escalated" not in env.stand_ins.actions()
    await env.sleep_until(due + timedelta(minutes=1))
    (escalation,) = await env.notices("escalation")
    assert escalation.recipients == [Recipient(role=Role.CHAIRMAN, unit_id=WARD.unit_id)]
    escalated = env.stand_ins.nomination_changes[-1]
    assert (escalated.action, escalated.escalated) == ("escalated", True)
    # The reason names the step as people call it, never the engine's code for it.
    assert "bước «Tiếp nhận, kiểm tra hồ sơ»" in escalated.reason
    assert "reception" not in escalated.reason
    assert on_time(escalated.occurred_at, due)
    assert (await handle.query(NominationWorkflow.status)).stage == Stage.RECEPTION

    await env.sleep_until(due + timedelta(days=3))
    await settled(handle)
    assert env.stand_ins.actions().count("escalated") == 1
    assert len(env.stand_ins.notices_of("escalation")) == 1
    late = await handle.execute_update(NominationWorkflow.accept_dossier, ACCEPT)
    assert late.stage == Stage.AWAITING_COUNCIL
    assert env.stand_ins.nomination_changes[-1].escalated is False


async def test_a_returned_dossier_lapses_when_the_unit_does_not_resubmit_in_time(env: StandInEnv):
    nomination = nomination_input(7, "giay_khen", today=await env.today())
    calendar = WorkingCalendar(nomination.calendar)
    handle = await env.submit(nomination)
    returned = await handle.execute_update(
        NominationWorkflow.return_for_supplement, MISSING_MINUTES
    )
    due = returned.stage_due_at
    assert due == calendar.due_moment(
        env.stand_ins.nomination_changes[-1].occurred_at, Duration(10)
    )

    await env.sleep_until(due - timedelta(minutes=1))
    await settled(handle)
    assert (await handle.query(NominationWorkflow.status)).stage == Stage.RETURNED
    reminders = env.stand_ins.notices_of("reminder")
    assert len(reminders) == 2 and all(r.recipients == THE_SCHOOL for r in reminders)

    await env.sleep_until(due + timedelta(minutes=1))
    outcome = await handle.result()
    assert outcome.stage == Stage.LAPSED
    lapsed = env.stand_ins.nomination_changes[-1]
    assert (lapsed.action, lapsed.closed) == ("lapsed", True)
    assert on_time(lapsed.occurred_at, due)
    (told,) = await env.notices("lapsed")
    assert told.recipients == THE_SCHOOL
