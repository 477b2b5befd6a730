"""The campaign workflow, fast: its yearly steps on their days (driven through a year with
``sleep_until`` on the time-skipping server), a milestone that asks the campaign's
exemplar (a real exemplar workflow) for its assessment, the year boundary, amendments.
The campaign starts next year (in Vietnam, on the server's clock), so every step of its
year lies ahead whatever day the suite runs."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from domain.calendar import VIETNAM_TZ
from domain.vocabulary import Role
from workflows.campaign import CampaignWorkflow
from workflows.campaign_types import (
    AddContentAreaCommand,
    MilestonePlan,
    MoveMilestoneCommand,
    campaign_workflow_id,
    exemplar_workflow_id,
)
from workflows.contracts import Recipient
from workflows.exemplar import ExemplarWorkflow

from .builders import (
    GROUP_3,
    GROUP_5,
    STANDING_OFFICER,
    UNIT_OFFICER,
    WARD,
    WARD_UNITS,
    campaign_input,
    exemplar_input,
)
from .conftest import StandInEnv, eventually, on_time, refused, settled

pytestmark = pytest.mark.fast

ALL_UNITS = [Recipient(role=Role.UNIT_OFFICER, unit_id=u.unit_id) for u in WARD_UNITS]
GROUPS = [Recipient(role=Role.UNIT_OFFICER, unit_id=u.unit_id) for u in (GROUP_3, GROUP_5)]
STANDING_BODY = [Recipient(role=Role.STANDING_OFFICER, unit_id=WARD.standing_unit_id)]


def at_eight(day: date) -> datetime:
    """Campaign steps fire at 08:00 in Vietnam on their day."""
    return datetime.combine(day, time(8, 0), tzinfo=VIETNAM_TZ)


async def fires_on_time(env: StandInEnv, handle, moment: datetime, action: str) -> None:
    """Nothing a minute before ``moment``; ``action`` recorded at ``moment``."""
    actions = lambda: [c.action for c in env.stand_ins.campaign_changes]  # noqa: E731
    before = actions().count(action)
    await env.sleep_until(moment - timedelta(minutes=1))
    await settled(handle)
    assert actions().count(action) == before, f"{action} fired before {moment.isoformat()}"
    await env.sleep_until(moment + timedelta(minutes=1))

    async def recorded():
        return actions().count(action) == before + 1

    await eventually(recorded, what=f"{action} at {moment.isoformat()}")
    change = [c for c in env.stand_ins.campaign_changes if c.action == action][-1]
    assert on_time(change.occurred_at, moment), (change.occurred_at, moment)


async def test_a_campaign_year_runs_its_steps_on_their_days_and_holds_its_milestone(
    env: StandInEnv,
):
    year = (await env.today()).year + 1
    mid_term = MilestonePlan("so-ket", "Sơ kết giai đoạn 1", date(year, 6, 30))
    exemplar = await env.start(ExemplarWorkflow.run, exemplar_input(1), id=exemplar_workflow_id(1))
    env.stand_ins.exemplar_workflow_ids = [exemplar_workflow_id(1)]
    env.stand_ins.unregistered = [GROUP_3]
    campaign_in = campaign_input(start_year=year, end_year=year, milestones=[mid_term])
    campaign = await env.start(
        CampaignWorkflow.run, campaign_in, id=campaign_workflow_id(campaign_in.code)
    )

    async def launched():
        return [c for c in env.stand_ins.campaign_changes if c.action == "launched"]

    (launch,) = await eventually(launched, what="the launch is recorded")
    assert (launch.status, launch.actor_user_id) == ("running", STANDING_OFFICER.user_id)
    status = await campaign.query(CampaignWorkflow.status)
    assert (status.year, status.next_step, status.next_step_at) == (
        year,
        f"{year}:registration_open",
        at_eight(date(year, 1, 15)),
    )
    assert status.registration_year is None

    await fires_on_time(env, campaign, at_eight(date(year, 1, 15)), "registration_opened")
    (opened,) = await env.notices("registration_open")
    assert opened.recipients == ALL_UNITS and opened.context["due"] == f"31/03/{year}"
    assert (await campaign.query(CampaignWorkflow.status)).registration_year == year

    # Reminders 14 and 3 days before the 31 March deadline, to the units not registered.
    await fires_on_time(env, campaign, at_eight(date(year, 3, 17)), "registration_reminded")
    await fires_on_time(env, campaign, at_eight(date(year, 3, 28)), "registration_reminded")
    reminders = await env.notices("registration_reminder", count=2)
    assert all(
        r.recipients == [Recipient(role=Role.UNIT_OFFICER, unit_id=GROUP_3.unit_id)]
        and r.context["unit"] == GROUP_3.name
        for r in reminders
    )

    await fires_on_time(env, campaign, at_eight(date(year, 6, 30)), "milestone_reached")
    (report,) = env.stand_ins.milestone_reports
    assert (report.milestone_code, report.through_year) == ("so-ket", year)
    reached = env.stand_ins.campaign_changes[-1]
    assert reached.changes["exemplars_asked"] == ["", "1"]
    (review,) = await env.notices("review_requested")
    assert review.recipients == STANDING_BODY + ALL_UNITS
    assert review.context["milestone"] == "sơ kết giai đoạn 1"
    (assessment,) = await env.notices("exemplar_assessment_requested")
    assert assessment.recipients == [Recipient(role=Role.UNIT_OFFICER, unit_id=GROUP_5.unit_id)]
    assert (await exemplar.query(ExemplarWorkflow.status)).pending_milestones == ["so-ket"]
    (milestone,) = (await campaign.query(CampaignWorkflow.status)).milestones
    assert milestone.reached_at is not None

    # The year-end review, 14 days before 25 November and 10 December.
    await fires_on_time(env, campaign, at_eight(date(year, 11, 11)), "household_review_opened")
    (households,) = await env.notices("household_review_due")
    assert households.recipients == GROUPS and households.context["due"] == f"25/11/{year}"
    await fires_on_time(env, campaign, at_eight(date(year, 11, 26)), "dossiers_called")
    (dossiers,) = await env.notices("dossiers_due")
    assert dossiers.recipients == ALL_UNITS and dossiers.context["due"] == f"10/12/{year}"

    # The last year's steps are done: the campaign closes and tells its exemplar, which
    # still takes late assessments for its grace period, then completes.
    outcome = await campaign.result()
    assert (outcome.years_done, outcome.runs) == ([year], 1)
    closed = env.stand_ins.campaign_changes[-1]
    assert (closed.action, closed.status) == ("closed", "closed")
    closed_at = (await exemplar.query(ExemplarWorkflow.status)).campaign_closed_at
    assert closed_at is not None and on_time(closed_at, at_eight(date(year, 11, 26)))
    await env.sleep_until(closed_at + timedelta(days=90, minutes=1))
    await exemplar.result()
    last = env.stand_ins.exemplar_changes[-1]
    assert last.action == "closed" and on_time(last.occurred_at, closed_at + timedelta(days=90))


async def test_a_campaign_continues_into_its_next_year_and_closes_after_the_last(
    env: StandInEnv,
):
    year = (await env.today()).year + 1
    campaign_in = campaign_input(start_year=year, end_year=year + 1)
    campaign = await env.start(
        CampaignWorkflow.run, campaign_in, id=campaign_workflow_id(campaign_in.code)
    )

    await env.sleep_until(at_eight(date(year + 1, 11, 26)) + timedelta(minutes=1))
    outcome = await campaign.result()

    assert (outcome.years_done, outcome.runs) == ([year, year + 1], 2)
    actions = [c.action for c in env.stand_ins.campaign_changes]
    assert actions[0] == "launched" and actions[-1] == "closed"
    assert actions.count("year_completed") == 1
    assert actions.count("registration_opened") == actions.count("dossiers_called") == 2
    # One audit sequence across the runs, and one notice per unit and step each year.
    seqs = [c.seq for c in env.stand_ins.campaign_changes]
    assert seqs == list(range(1, len(seqs) + 1))
    assert [n.context["year"] for n in env.stand_ins.notices_of("registration_open")] == [
        str(year),
        str(year + 1),
    ]


async def test_a_moved_milestone_is_held_on_its_new_day(env: StandInEnv):
    today = await env.today()
    year = today.year + 1
    campaign_in = campaign_input(
        start_year=year,
        end_year=year,
        milestones=[MilestonePlan("so-ket", "Sơ kết giai đoạn 1", date(year, 6, 30))],
    )
    campaign = await env.start(
        CampaignWorkflow.run, campaign_in, id=campaign_workflow_id(campaign_in.code)
    )
    move = CampaignWorkflow.move_milestone
    reason = "Trùng lịch Đại hội Đảng bộ phường"

    refusal = await refused(
        campaign.execute_update(
            move, MoveMilestoneCommand(UNIT_OFFICER, "so-ket", date(year, 9, 15), reason)
        )
    )
    assert refusal.type == "Forbidden"
    for day in (today, date(year + 1, 1, 10)):  # not after today; after the campaign
        refusal = await refused(
            campaign.execute_update(
                move, MoveMilestoneCommand(STANDING_OFFICER, "so-ket", day, reason)
            )
        )
        assert refusal.type == "Invalid" and refusal.details == ({"field": "due_on"},)
    refusal = await refused(
        campaign.execute_update(
            CampaignWorkflow.add_content_area,
            AddContentAreaCommand(STANDING_OFFICER, "do-thi-van-minh", "Đô thị văn minh"),
        )
    )
    assert refusal.type == "Conflict"

    moved = await campaign.execute_update(
        move, MoveMilestoneCommand(STANDING_OFFICER, "so-ket", date(year, 9, 15), reason)
    )

    assert [m.due_on for m in moved.milestones] == [date(year, 9, 15)]
    (amendment,) = moved.amendments
    assert (amendment.kind, amendment.reason) == ("milestone_moved", reason)
    change = env.stand_ins.campaign_changes[-1]
    assert change.changes["due_on"] == [f"{year}-06-30", f"{year}-09-15"]
    await env.sleep_until(at_eight(date(year, 7, 1)))
    await settled(campaign)
    assert env.stand_ins.milestone_reports == []
    await fires_on_time(env, campaign, at_eight(date(year, 9, 15)), "milestone_reached")
