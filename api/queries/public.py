"""What the public portal reads: the nominations posted for comment right now and the
issued decisions with their awardees."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import DecisionStatus, Stage
from models import Authority, Decision, DecisionItem, Nomination, Unit


async def posted_notices(
    session: AsyncSession, *, now: datetime, limit: int
) -> list[tuple[Nomination, str, str]]:
    """(nomination, proposing unit's name, authority's name) of every nomination whose
    public notice runs at ``now``, ending soonest first."""
    rows = (
        await session.execute(
            select(Nomination, Unit.name, Authority.name)
            .join(Unit, Unit.id == Nomination.proposing_unit_id)
            .join(Authority, Authority.id == Nomination.authority_id)
            .where(
                Nomination.stage == Stage.PUBLIC_NOTICE,
                Nomination.public_notice_until.is_not(None),
                Nomination.public_notice_until >= now,
            )
            .order_by(Nomination.public_notice_until, Nomination.id)
            .limit(limit)
        )
    ).all()
    return [
        (nomination, unit_name, authority_name) for nomination, unit_name, authority_name in rows
    ]


async def nomination_by_id(session: AsyncSession, *, nomination_id: int) -> Nomination | None:
    """The nomination an objection names (in public notice or not: the caller checks)."""
    return await session.get(Nomination, nomination_id)


def _issued(number: str | None) -> ColumnElement[bool]:
    condition = Decision.status == DecisionStatus.ISSUED
    if number:
        condition = condition & (Decision.number_text == number.strip())
    return condition


async def count_issued_decisions(session: AsyncSession, *, number: str | None = None) -> int:
    return (
        await session.execute(select(func.count()).select_from(Decision).where(_issued(number)))
    ).scalar_one()


async def issued_decisions(
    session: AsyncSession, *, page: int, page_size: int, number: str | None = None
) -> list[tuple[Decision, str]]:
    """(decision, authority's name) of one page of issued decisions, newest first;
    ``number`` narrows them to the one with that number."""
    rows = (
        await session.execute(
            select(Decision, Authority.name)
            .join(Authority, Authority.id == Decision.authority_id)
            .where(_issued(number))
            .order_by(Decision.issued_on.desc(), Decision.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    ).all()
    return [(decision, authority_name) for decision, authority_name in rows]


async def decision_items(session: AsyncSession, *, decision_ids: list[int]) -> list[DecisionItem]:
    """The awardees of the decisions, in each decision's order."""
    if not decision_ids:
        return []
    return list(
        (
            await session.execute(
                select(DecisionItem)
                .where(DecisionItem.decision_id.in_(decision_ids))
                .order_by(DecisionItem.decision_id, DecisionItem.position)
            )
        ).scalars()
    )
