"""Reads of campaigns (phong trào thi đua): the list, and one campaign's content areas,
stages and milestones."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Campaign, CampaignStage, ContentArea, Milestone


async def content_area_id(session: AsyncSession, *, campaign_id: int, code: str) -> int | None:
    """The id of the campaign's content area with this code (None if it has none)."""
    return (
        await session.execute(
            select(ContentArea.id).where(
                ContentArea.campaign_id == campaign_id, ContentArea.code == code
            )
        )
    ).scalar_one_or_none()


async def campaigns_page(
    session: AsyncSession, *, page: int, page_size: int
) -> tuple[int, list[Campaign]]:
    """How many campaigns there are, and one page of them, newest first."""
    total = (await session.execute(select(func.count()).select_from(Campaign))).scalar_one()
    rows = (
        await session.execute(
            select(Campaign)
            .order_by(Campaign.start_year.desc(), Campaign.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    ).scalars()
    return total, list(rows)


async def code_taken(session: AsyncSession, *, code: str) -> bool:
    return (
        await session.execute(select(Campaign.id).where(Campaign.code == code))
    ).first() is not None


async def content_areas(session: AsyncSession, *, campaign_id: int) -> list[ContentArea]:
    """The campaign's content areas, in their order."""
    rows = await session.execute(
        select(ContentArea)
        .where(ContentArea.campaign_id == campaign_id)
        .order_by(ContentArea.position)
    )
    return list(rows.scalars())


async def content_area_title(session: AsyncSession, *, campaign_id: int, code: str) -> str | None:
    return (
        await session.execute(
            select(ContentArea.title).where(
                ContentArea.campaign_id == campaign_id, ContentArea.code == code
            )
        )
    ).scalar_one_or_none()


async def stages(session: AsyncSession, *, campaign_id: int) -> list[CampaignStage]:
    rows = await session.execute(
        select(CampaignStage)
        .where(CampaignStage.campaign_id == campaign_id)
        .order_by(CampaignStage.position)
    )
    return list(rows.scalars())


async def milestones(session: AsyncSession, *, campaign_id: int) -> list[Milestone]:
    """The campaign's milestones, by date."""
    rows = await session.execute(
        select(Milestone).where(Milestone.campaign_id == campaign_id).order_by(Milestone.due_on)
    )
    return list(rows.scalars())


async def milestone_titles(session: AsyncSession, *, campaign_id: int) -> dict[str, str]:
    rows = await session.execute(
        select(Milestone.code, Milestone.title).where(Milestone.campaign_id == campaign_id)
    )
    return {code: title for code, title in rows.all()}


async def running_campaigns(session: AsyncSession, *, authority_ids: set[int]) -> list[Campaign]:
    """The campaigns running at these authorities (a ward's units file nominations under
    them), newest first."""
    if not authority_ids:
        return []
    rows = await session.execute(
        select(Campaign)
        .where(Campaign.authority_id.in_(sorted(authority_ids)), Campaign.status == "running")
        .order_by(Campaign.start_year.desc(), Campaign.id.desc())
    )
    return list(rows.scalars())
