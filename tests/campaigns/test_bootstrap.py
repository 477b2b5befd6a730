"""``thidua up`` starts the seeded 2026–2030 campaign once, however often it runs."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from models import Campaign, ContentArea, Milestone
from thidua.campaign_bootstrap import start_seeded_campaigns
from thidua.seed import CAMPAIGN_CODE
from workflows.campaign import CampaignWorkflow


async def test_the_seeded_campaign_starts_once_and_closed_ones_never(harness):
    h = harness
    async with h.factory() as session, session.begin():
        seeded = (
            await session.execute(select(Campaign).where(Campaign.code == CAMPAIGN_CODE))
        ).scalar_one()
        old = Campaign(
            code="thach-khoi-2021-2025",
            authority_id=seeded.authority_id,
            name="Giai đoạn trước",
            theme="Đoàn kết, sáng tạo",
            start_year=2021,
            end_year=2025,
            status="closed",
        )
        session.add(old)
        await session.flush()
        session.add(
            ContentArea(campaign_id=old.id, code="chung", title="Nội dung chung", position=1)
        )
        session.add(
            Milestone(
                campaign_id=old.id, code="tong-ket", title="Tổng kết", due_on=date(2025, 12, 1)
            )
        )

    assert await start_seeded_campaigns(h.settings, h.client, h.factory) == 1
    assert await start_seeded_campaigns(h.settings, h.client, h.factory) == 0

    handle = h.client.get_workflow_handle_for(CampaignWorkflow.run, f"campaign-{CAMPAIGN_CODE}")
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
    status = await handle.query(CampaignWorkflow.status)
    assert status.year == 2026 and [m.code for m in status.milestones] == [
        "mid_term_review",
        "final_review",
    ]
    assert len(status.content_areas) == 6
    async with h.factory() as session:
        seeded = (
            await session.execute(select(Campaign).where(Campaign.code == CAMPAIGN_CODE))
        ).scalar_one()
        assert seeded.status == "running" and seeded.workflow_id == f"campaign-{CAMPAIGN_CODE}"
        assert seeded.launched_at is not None
    with pytest.raises(RPCError):
        await h.client.get_workflow_handle("campaign-thach-khoi-2021-2025").describe()
