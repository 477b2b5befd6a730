"""What the public portal reads: the nominations posted for comment right now and the
issued decisions with their awardees."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.vocabulary import DecisionKind, DecisionStatus, Level, ObjectionStatus, Stage
from models import Authority, Decision, DecisionItem, Nomination, Objection, Unit


def posted(now: datetime) -> ColumnElement[bool]:
    """A nomination whose public notice runs at ``now``: the portal lists it, and its
    notice document is the public's (``services/document_audience.py``)."""
    return and_(
        Nomination.stage == Stage.PUBLIC_NOTICE,
        Nomination.public_notice_until.is_not(None),
        Nomination.public_notice_until >= now,
    )


async def posted_notices(
    session: AsyncSession, *, now: datetime, limit: int, ward_authority_id: int | None = None
) -> list[tuple[Nomination, str, str, str]]:
    """(nomination, proposing unit's name, authority's name, its ward's name) of every
    nomination whose public notice runs at ``now``, ending soonest first; of one ward's
    nominations (those that started at ``ward_authority_id``) when given."""
    ward = aliased(Authority)
    condition = posted(now)
    if ward_authority_id is not None:
        condition = and_(condition, Nomination.origin_authority_id == ward_authority_id)
    rows = (
        await session.execute(
            select(Nomination, Unit.name, Authority.name, ward.name)
            .join(Unit, Unit.id == Nomination.proposing_unit_id)
            .join(Authority, Authority.id == Nomination.authority_id)
            .join(ward, ward.id == Nomination.origin_authority_id)
            .where(condition)
            .order_by(Nomination.public_notice_until, Nomination.id)
            .limit(limit)
        )
    ).all()
    return [
        (nomination, unit_name, authority, ward) for nomination, unit_name, authority, ward in rows
    ]


async def wards(session: AsyncSession) -> list[tuple[Authority, Unit]]:
    """The deployment's wards (each ward authority with its people's committee), by name:
    the portal's choice of ward."""
    rows = await session.execute(
        select(Authority, Unit)
        .join(Unit, Unit.id == Authority.unit_id)
        .where(Authority.level == Level.WARD)
        .order_by(Unit.name, Unit.id)
    )
    return [(authority, unit) for authority, unit in rows]


async def objection_outcomes(
    session: AsyncSession, *, nomination_ids: list[int]
) -> list[tuple[int, datetime, ObjectionStatus]]:
    """(nomination id, lodged at, status) of the objections to these nominations, oldest
    first: what the public may know of them (never who lodged them nor what they say)."""
    if not nomination_ids:
        return []
    rows = await session.execute(
        select(Objection.nomination_id, Objection.lodged_at, Objection.status)
        .where(Objection.nomination_id.in_(nomination_ids))
        .order_by(Objection.lodged_at, Objection.id)
    )
    return [(nomination_id, lodged_at, status) for nomination_id, lodged_at, status in rows]


async def notice_posted(
    session: AsyncSession, *, nomination_id: int, authority_id: int | None, now: datetime
) -> bool:
    """Whether the nomination's public notice at ``authority_id`` runs at ``now``."""
    return bool(
        (
            await session.execute(
                select(Nomination.id).where(
                    Nomination.id == nomination_id,
                    Nomination.authority_id == authority_id,
                    posted(now),
                )
            )
        ).first()
    )


async def nomination_by_id(session: AsyncSession, *, nomination_id: int) -> Nomination | None:
    """The nomination an objection names (in public notice or not: the caller checks)."""
    return await session.get(Nomination, nomination_id)


async def objection_contacts(
    session: AsyncSession, *, nomination_id: int, level: Level
) -> list[str]:
    """The contacts given with the objections to one public notice (a nomination at one
    level), to count each contact's share; never shown."""
    rows = await session.execute(
        select(Objection.objector_contact).where(
            Objection.nomination_id == nomination_id, Objection.level == level
        )
    )
    return list(rows.scalars())


def _issued(number: str | None, authority_id: int | None, year: int | None) -> ColumnElement[bool]:
    """Issued decisions (never a submission: a tờ trình forwards, it awards nothing);
    ``number`` (as printed, e.g. "01/QĐ-UBND"), ``authority_id`` and ``year`` narrow them:
    a number is a decision's only together with its issuer and year."""
    condition = and_(
        Decision.status == DecisionStatus.ISSUED, Decision.kind == DecisionKind.DECISION
    )
    if number:
        condition = condition & (Decision.number_text == number.strip())
    if authority_id is not None:
        condition = condition & (Decision.authority_id == authority_id)
    if year is not None:
        condition = condition & (Decision.year == year)
    return condition


async def count_issued_decisions(
    session: AsyncSession,
    *,
    number: str | None = None,
    authority_id: int | None = None,
    year: int | None = None,
) -> int:
    return (
        await session.execute(
            select(func.count()).select_from(Decision).where(_issued(number, authority_id, year))
        )
    ).scalar_one()


async def issued_decisions(
    session: AsyncSession,
    *,
    page: int,
    page_size: int,
    number: str | None = None,
    authority_id: int | None = None,
    year: int | None = None,
) -> list[tuple[Decision, str]]:
    """(decision, authority's name) of one page of issued decisions, newest first,
    narrowed as ``_issued`` says."""
    rows = (
        await session.execute(
            select(Decision, Authority.name)
            .join(Authority, Authority.id == Decision.authority_id)
            .where(_issued(number, authority_id, year))
            .order_by(Decision.issued_on.desc(), Decision.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    ).all()
    return [(decision, authority_name) for decision, authority_name in rows]


async def forwarded_submissions(
    session: AsyncSession, *, limit: int, authority_id: int | None = None
) -> list[tuple[Decision, str, str | None]]:
    """(submission, issuer's name, name of the level it went to) of the newest signed
    submissions (tờ trình): what the portal shows as "forwarded to …", never as awarded;
    of one issuer when ``authority_id`` is given."""
    upper = aliased(Authority)
    condition = and_(
        Decision.status == DecisionStatus.ISSUED, Decision.kind == DecisionKind.SUBMISSION
    )
    if authority_id is not None:
        condition = and_(condition, Decision.authority_id == authority_id)
    rows = (
        await session.execute(
            select(Decision, Authority.name, upper.name)
            .join(Authority, Authority.id == Decision.authority_id)
            .outerjoin(upper, upper.id == Authority.parent_authority_id)
            .where(condition)
            .order_by(Decision.issued_on.desc(), Decision.id.desc())
            .limit(limit)
        )
    ).all()
    return [(submission, issuer, to) for submission, issuer, to in rows]


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
