"""The exemplar workflow, fast: nurtured with follow-ups on durable timers (a missed one
reminds the responsible officer, then escalates to the head of the standing body),
summarized, published, adopted by other units, turned into a draft nomination, dropped.
Its activities stood in for; the milestone signal from the campaign is in
test_campaign_workflow.py."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.calendar import vietnam_date
from domain.vocabulary import ExemplarStage, Role
from workflows.campaign_types import (
    AdoptionCommand,
    DropCommand,
    FollowUpCommand,
    NurtureCommand,
    ProposeNominationCommand,
    PublishCommand,
    SummarizeCommand,
    exemplar_workflow_id,
)
from workflows.contracts import Recipient
from workflows.exemplar import ExemplarWorkflow

from .builders import (
    GROUP_3,
    GROUP_3_OFFICER,
    GROUP_5,
    GROUP_5_OFFICER,
    HEAD_OF_STANDING_BODY,
    PUBLISHER,
    RULE_SET_ID,
    SCHOOL,
    SERVICE_CENTRE,
    STANDING_OFFICER,
    exemplar_input,
)
from .conftest import StandInEnv, on_time, refused, settled

pytestmark = pytest.mark.fast

RESPONSIBLE_ID, RESPONSIBLE_NAME = 42, "Trần Thị Thu"


async def start_exemplar(env: StandInEnv, exemplar_id: int = 1):
    return await env.start(
        ExemplarWorkflow.run, exemplar_input(exemplar_id), id=exemplar_workflow_id(exemplar_id)
    )


def nurture(every_days: int = 30, escalate_after_days: int = 7) -> NurtureCommand:
    return NurtureCommand(
        STANDING_OFFICER,
        "Hỗ trợ tổ dân phố phân loại rác tại nguồn, mỗi tháng một buổi",
        RESPONSIBLE_ID,
        RESPONSIBLE_NAME,
        every_days,
        escalate_after_days,
    )


async def test_a_missed_follow_up_reminds_the_officer_then_escalates_to_the_head(env: StandInEnv):
    exemplar = await start_exemplar(env)
    refusal = await refused(exemplar.execute_update(ExemplarWorkflow.nurture, nurture(30, 30)))
    assert refusal.type == "Invalid" and refusal.details == ({"field": "escalate_after_days"},)
    not_theirs = NurtureCommand(GROUP_3_OFFICER, "Kế hoạch", RESPONSIBLE_ID, RESPONSIBLE_NAME, 30)
    assert (await refused(exemplar.execute_update(ExemplarWorkflow.nurture, not_theirs))).type == (
        "Forbidden"
    )

    nurtured = await exemplar.execute_update(ExemplarWorkflow.nurture, nurture())
    started = env.stand_ins.exemplar_changes[-1]
    due = started.occurred_at + timedelta(days=30)
    assert (nurtured.stage, started.action) == (ExemplarStage.NURTURING, "nurtured")
    assert nurtured.next_follow_up_due == due

    await env.sleep_until(due - timedelta(minutes=1))
    await settled(exemplar)
    assert env.stand_ins.notices == []
    await env.sleep_until(due + timedelta(minutes=1))
    (reminder,) = await env.notices("exemplar_follow_up_due")
    assert reminder.recipients == [Recipient(user_id=RESPONSIBLE_ID)]

    escalate_at = due + timedelta(days=7)
    await env.sleep_until(escalate_at - timedelta(minutes=1))
    await settled(exemplar)
    assert env.stand_ins.notices_of("exemplar_escalation") == []
    await env.sleep_until(escalate_at + timedelta(minutes=1))
    (escalation,) = await env.notices("exemplar_escalation")
    assert escalation.recipients == [Recipient(user_id=HEAD_OF_STANDING_BODY)]
    assert escalation.context["assignee"] == RESPONSIBLE_NAME
    missed = env.stand_ins.exemplar_changes[-1]
    assert missed.action == "follow_up_missed" and on_time(missed.occurred_at, escalate_at)
    # The next period runs from the missed due moment.
    assert missed.next_follow_up_due == due + timedelta(days=30)

    followed = await exemplar.execute_update(
        ExemplarWorkflow.record_follow_up,
        FollowUpCommand(GROUP_5_OFFICER, "Tổ đã phân loại rác ở 40/52 hộ"),
    )
    recorded = env.stand_ins.exemplar_changes[-1]
    assert followed.next_follow_up_due == recorded.occurred_at + timedelta(days=30)
    assert (
        recorded.follow_up is not None
        and recorded.follow_up.note == "Tổ đã phân loại rác ở 40/52 hộ"
    )
    assert (await exemplar.query(ExemplarWorkflow.status)).follow_ups == 1


async def test_a_summarized_model_is_published_adopted_nominated_and_dropped(env: StandInEnv):
    exemplar = await start_exemplar(env)
    await exemplar.execute_update(ExemplarWorkflow.nurture, nurture())
    summarize = ExemplarWorkflow.summarize
    refusal = await refused(
        exemplar.execute_update(
            summarize, SummarizeCommand(STANDING_OFFICER, "Mô hình hiệu quả", "outstanding")
        )
    )
    assert refusal.type == "Invalid" and refusal.details == ({"field": "rating"},)
    summarized = await exemplar.execute_update(
        summarize,
        SummarizeCommand(
            STANDING_OFFICER, "Tỷ lệ hộ phân loại rác đạt 77%, đường phố sạch", "good"
        ),
    )
    assert summarized.stage == ExemplarStage.SUMMARIZED
    assessment = env.stand_ins.exemplar_changes[-1].assessment
    assert assessment is not None and (assessment.milestone_code, assessment.rating) == (
        "on_demand",
        "good",
    )

    assert (
        await refused(
            exemplar.execute_update(ExemplarWorkflow.publish, PublishCommand(STANDING_OFFICER))
        )
    ).type == "Forbidden"
    published = await exemplar.execute_update(ExemplarWorkflow.publish, PublishCommand(PUBLISHER))
    assert published.stage == ExemplarStage.REPLICATING
    (told,) = await env.notices("exemplar_published")
    assert told.recipients == [
        Recipient(role=Role.UNIT_OFFICER, unit_id=u.unit_id)
        for u in (SCHOOL, GROUP_3, SERVICE_CENTRE)
    ]  # not the proposer

    adopt = ExemplarWorkflow.report_adoption
    own = AdoptionCommand(GROUP_5_OFFICER, GROUP_5.unit_id, GROUP_5.name)
    refusal = await refused(exemplar.execute_update(adopt, own))
    assert refusal.type == "Invalid" and refusal.details == ({"field": "unit_id"},)
    later = await env.today() + timedelta(days=2)
    refusal = await refused(
        exemplar.execute_update(
            adopt, AdoptionCommand(GROUP_3_OFFICER, GROUP_3.unit_id, GROUP_3.name, adopted_on=later)
        )
    )
    assert refusal.type == "Invalid" and refusal.details == ({"field": "adopted_on"},)
    await exemplar.execute_update(
        adopt,
        AdoptionCommand(
            GROUP_3_OFFICER, GROUP_3.unit_id, GROUP_3.name, report="Áp dụng từ tháng này"
        ),
    )
    adoption = env.stand_ins.exemplar_changes[-1].adoption
    assert adoption is not None and adoption.adopted_on == vietnam_date(adoption.recorded_at)
    assert (
        await refused(
            exemplar.execute_update(
                adopt, AdoptionCommand(GROUP_3_OFFICER, GROUP_3.unit_id, GROUP_3.name)
            )
        )
    ).type == "Conflict"

    propose = ExemplarWorkflow.propose_nomination
    command = ProposeNominationCommand(
        GROUP_5_OFFICER, "tdp_van_hoa", "Danh hiệu Tổ dân phố văn hóa", RULE_SET_ID
    )
    proposed = await exemplar.execute_update(propose, command)
    assert proposed.nomination_id == 501
    (draft,) = env.stand_ins.drafts
    proposed_at = env.stand_ins.exemplar_changes[-1].occurred_at
    assert (draft.key, draft.award_code, draft.year) == (
        "exemplar-1:nomination",
        "tdp_van_hoa",
        vietnam_date(proposed_at).year,
    )
    assert (await refused(exemplar.execute_update(propose, command))).type == "Conflict"

    dropped = await exemplar.execute_update(
        ExemplarWorkflow.drop, DropCommand(STANDING_OFFICER, "Tổ dân phố sáp nhập vào tổ số 4")
    )
    assert dropped.stage == ExemplarStage.DROPPED
    result = await exemplar.result()
    assert (result.stage, result.nomination_id) == (ExemplarStage.DROPPED, 501)
    # In the order the workflow made them (their sequence numbers, as the projection
    # orders them): a handler's record may reach the stand-in before run()'s first one.
    changes = sorted(env.stand_ins.exemplar_changes, key=lambda c: c.seq)
    assert [c.action for c in changes] == [
        "discovered",
        "nurtured",
        "summarized",
        "published",
        "adopted",
        "nomination_proposed",
        "dropped",
    ]
