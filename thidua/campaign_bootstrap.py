"""Starting the campaign workflows the data implies (``thidua up`` after seeding).

Every campaign that is not closed gets its workflow ``campaign-<code>``; one that is
already running is left alone (``WorkflowAlreadyStartedError``), so this is safe to call
on every start.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError

from models import Campaign, User
from workflows.campaign_types import campaign_workflow_id
from workflows.contracts import SYSTEM_ACTOR, Actor

from .clock import SYSTEM_CLOCK, Clock
from .db import SessionFactory, transaction
from .settings import Settings

log = logging.getLogger(__name__)


async def start_seeded_campaigns(
    settings: Settings, client: Client, factory: SessionFactory, clock: Clock = SYSTEM_CLOCK
) -> int:
    """Start the workflow of every campaign that has none running; returns how many
    were started now."""
    from api.services.plans import campaign_input
    from workflows.campaign import CampaignWorkflow

    started = 0
    async with factory() as session:
        campaigns = (
            (
                await session.execute(
                    select(Campaign).where(Campaign.status != "closed").order_by(Campaign.id)
                )
            )
            .scalars()
            .all()
        )
        plans = []
        for campaign in campaigns:
            launcher = (
                await session.get(User, campaign.launched_by_user_id)
                if campaign.launched_by_user_id
                else None
            )
            actor = (
                Actor(user_id=launcher.id, name=launcher.full_name) if launcher else SYSTEM_ACTOR
            )
            plans.append(
                (campaign.id, await campaign_input(session, campaign=campaign, launched_by=actor))
            )
    for campaign_id, workflow_input in plans:
        workflow_id = campaign_workflow_id(workflow_input.code)
        try:
            await client.start_workflow(
                CampaignWorkflow.run, workflow_input, id=workflow_id, task_queue=settings.task_queue
            )
            started += 1
            log.info("campaign workflow %s started", workflow_id)
        except WorkflowAlreadyStartedError:
            log.debug("campaign workflow %s is already running", workflow_id)
        async with transaction(factory) as session:
            campaign = await session.get(Campaign, campaign_id)
            if campaign is not None and campaign.status == "planned":
                campaign.status = "running"
                campaign.workflow_id = workflow_id
                campaign.launched_at = campaign.launched_at or clock.now()
    return started
