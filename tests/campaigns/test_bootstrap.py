"""``thidua up`` starts every campaign that is not closed once, however often it runs, and
never a closed one; the plan the campaign tests run is the seeded one, moved in time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from domain.calendar import vietnam_date
from models import Campaign, CampaignStage, ContentArea, Milestone
from thidua.campaign_bootstrap import start_seeded_campaigns
from thidua.seed import CAMPAIGN_CODE
from workflows.campaign import CampaignWorkflow
from workflows.campaign_types import campaign_workflow_id

from .helpers import plan_campaign, plan_code


async def test_a_planned_campaign_starts_once_and_closed_ones_never(harness):
    h = harness
    year = vietnam_date(await h.now()).year
    campaign_id = await plan_campaign(h, year + 1)  # sets the seeded campaign aside (closed)
    async with h.factory() as session, session.begin():
        seeded = (
            await session.execute(select(Campaign).where(Campaign.code == CAMPAIGN_CODE))
        ).scalar_one()
        old = Campaign(
            code=f"giai-doan-truoc-{year - 5}-{year - 1}",
            authority_id=seeded.authority_id,
            name="Giai đoạn trước",
            theme="Đoàn kết, sáng tạo",
            start_year=year - 5,
            end_year=year - 1,
            status="closed",
        )
        session.add(old)
        await session.flush()
        session.add(
            ContentArea(campaign_id=old.id, code="chung", title="Nội dung chung", position=1)
        )
        session.add(
            Milestone(
                campaign_id=old.id,
                code="tong-ket",
                title="Tổng kết",
                due_on=date(year - 1, 12, 1),
            )
        )

    assert await start_seeded_campaigns(h.settings, h.client, h.factory, h.clock) == 1
    assert await start_seeded_campaigns(h.settings, h.client, h.factory, h.clock) == 0

    workflow_id = campaign_workflow_id(plan_code(year + 1))
    handle = h.client.get_workflow_handle_for(CampaignWorkflow.run, workflow_id)
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
    status = await handle.query(CampaignWorkflow.status)
    assert status.year == year + 1 and [m.code for m in status.milestones] == [
        "mid_term_review",
        "final_review",
    ]
    assert len(status.content_areas) == 6
    async with h.factory() as session:
        campaign = await session.get(Campaign, campaign_id)
        assert campaign.status == "running" and campaign.workflow_id == workflow_id
        # launched at the application's clock (the test server's), not the machine's
        assert abs(campaign.launched_at - await h.now()) < timedelta(minutes=1)
    for never_started in (old.code, CAMPAIGN_CODE):
        with pytest.raises(RPCError):
            await h.client.get_workflow_handle(campaign_workflow_id(never_started)).describe()


async def test_the_moved_plan_is_the_seeded_plan(harness):
    """What the campaign tests run (``plan_campaign``) is the seeded 2026-2030 plan of
    thidua/seed.py, as ``thidua up`` writes it, moved by whole years."""
    h = harness
    first = vietnam_date(await h.now()).year + 1
    moved_id = await plan_campaign(h, first)
    shift = first - 2026
    async with h.factory() as session:
        seeded = (
            await session.execute(select(Campaign).where(Campaign.code == CAMPAIGN_CODE))
        ).scalar_one()
        moved = await session.get(Campaign, moved_id)
        plans = {}
        for campaign in (seeded, moved):
            areas = (
                await session.execute(
                    select(
                        ContentArea.position,
                        ContentArea.code,
                        ContentArea.title,
                        ContentArea.description,
                    )
                    .where(ContentArea.campaign_id == campaign.id)
                    .order_by(ContentArea.position)
                )
            ).all()
            stages = (
                await session.execute(
                    select(
                        CampaignStage.position,
                        CampaignStage.start_year,
                        CampaignStage.end_year,
                        CampaignStage.motto,
                    )
                    .where(CampaignStage.campaign_id == campaign.id)
                    .order_by(CampaignStage.position)
                )
            ).all()
            milestones = (
                await session.execute(
                    select(Milestone.code, Milestone.stage_position, Milestone.due_on)
                    .where(Milestone.campaign_id == campaign.id)
                    .order_by(Milestone.due_on)
                )
            ).all()
            plans[campaign.code] = (areas, stages, milestones)

    areas, stages, milestones = plans[CAMPAIGN_CODE]
    assert (seeded.start_year, seeded.end_year) == (2026, 2030)
    assert [a.code for a in areas] == [
        "kinh-te",
        "ha-tang",
        "cai-cach-hanh-chinh",
        "van-hoa-xa-hoi",
        "quoc-phong-an-ninh",
        "xay-dung-dang",
    ]
    assert [(s.position, s.start_year, s.end_year) for s in stages] == [
        (1, 2026, 2028),
        (2, 2029, 2030),
    ]
    assert [(m.code, m.stage_position, m.due_on) for m in milestones] == [
        ("mid_term_review", 1, date(2028, 12, 15)),
        ("final_review", 2, date(2030, 12, 15)),
    ]

    moved_areas, moved_stages, moved_milestones = plans[plan_code(first)]
    assert moved.code == f"thach-khoi-{first}-{first + 4}" and moved.status == "planned"
    assert (moved.start_year, moved.end_year) == (first, first + 4)
    assert (
        moved.theme,
        moved.registration_opens,
        moved.registration_due,
        moved.household_review_due,
        moved.dossiers_due,
    ) == (
        seeded.theme,
        seeded.registration_opens,
        seeded.registration_due,
        seeded.household_review_due,
        seeded.dossiers_due,
    )
    assert f"({first} - {first + 4})" in moved.name
    assert moved_areas == areas
    assert [(s.position, s.start_year, s.end_year, s.motto) for s in moved_stages] == [
        (s.position, s.start_year + shift, s.end_year + shift, s.motto) for s in stages
    ]
    assert [(m.code, m.stage_position, m.due_on) for m in moved_milestones] == [
        (m.code, m.stage_position, m.due_on.replace(year=m.due_on.year + shift)) for m in milestones
    ]
    assert seeded.status == "closed"  # set aside: the moved plan is the ward's open campaign
