"""The reads behind the statistics page, the chairman's overview and their downloads:
award records with what they are and who holds them, campaigns of a year, nominations
by stage and overdue stages by body, times from submission to decision."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.vocabulary import AwardCategory, AwardKind, Gender, Level, NomineeKind, Stage
from models import (
    Authority,
    AwardRecord,
    AwardType,
    Campaign,
    Collective,
    Decision,
    Household,
    Nomination,
    Person,
    Unit,
)

from .nominations import OPEN_STAGES


@dataclass(frozen=True)
class AwardRow:
    """One award record (not revoked), with its type and its holder's unit."""

    year: int
    award_code: str
    award_name: str
    category: AwardCategory
    deciding_level: Level
    kind: AwardKind
    subject_kind: NomineeKind
    unit_id: int | None
    unit_name: str
    gender: Gender | None  # individuals only


def _subject_unit() -> ColumnElement[int]:
    return func.coalesce(Person.unit_id, Collective.unit_id, Household.residential_group_id)


async def award_rows(
    session: AsyncSession,
    *,
    year_from: int,
    year_to: int,
    unit_ids: Iterable[int] | None,
) -> list[AwardRow]:
    """Award records of ``year_from``..``year_to`` (achievement years) held by people,
    collectives and households of ``unit_ids`` (None: everyone). One query."""
    unit_of = _subject_unit().label("unit_id")
    query = (
        select(
            AwardRecord.year,
            AwardRecord.award_code,
            AwardType.name_vi,
            AwardType.category,
            AwardType.deciding_level,
            AwardRecord.kind,
            AwardRecord.subject_kind,
            unit_of,
            Unit.name,
            Person.gender,
        )
        .join(AwardType, AwardType.code == AwardRecord.award_code)
        .outerjoin(Person, Person.id == AwardRecord.person_id)
        .outerjoin(Collective, Collective.id == AwardRecord.collective_id)
        .outerjoin(Household, Household.id == AwardRecord.household_id)
        .outerjoin(Unit, Unit.id == _subject_unit())
        .where(
            AwardRecord.revoked_at.is_(None),
            AwardRecord.year >= year_from,
            AwardRecord.year <= year_to,
        )
        .order_by(AwardRecord.year, AwardRecord.award_code, AwardRecord.id)
    )
    if unit_ids is not None:
        query = query.where(_subject_unit().in_(sorted(set(unit_ids))))
    return [
        AwardRow(
            year=year,
            award_code=code,
            award_name=name,
            category=category,
            deciding_level=level,
            kind=kind,
            subject_kind=subject_kind,
            unit_id=unit_id,
            unit_name=unit_name or "",
            gender=gender,
        )
        for year, code, name, category, level, kind, subject_kind, unit_id, unit_name, gender in (
            await session.execute(query)
        ).all()
    ]


@dataclass(frozen=True)
class CampaignRow:
    name: str
    level: Level  # of the authority that launched it
    start_year: int
    end_year: int


async def campaigns_of_year(
    session: AsyncSession, *, year: int, authority_ids: Iterable[int] | None
) -> list[CampaignRow]:
    """Campaigns running in ``year`` launched by ``authority_ids`` (None: all)."""
    query = (
        select(Campaign.name, Authority.level, Campaign.start_year, Campaign.end_year)
        .join(Authority, Authority.id == Campaign.authority_id)
        .where(Campaign.start_year <= year, Campaign.end_year >= year)
        .order_by(Campaign.id)
    )
    if authority_ids is not None:
        query = query.where(Campaign.authority_id.in_(sorted(set(authority_ids))))
    return [CampaignRow(*row) for row in (await session.execute(query)).all()]


async def overdue_by_body(
    session: AsyncSession, *, condition: ColumnElement[bool], now: datetime
) -> list[tuple[int, str, int]]:
    """(authority id, name, how many) of the open nominations ``condition`` selects whose
    current stage is past its due moment, by the body they wait at, most first."""
    count = func.count(Nomination.id)
    rows = await session.execute(
        select(Authority.id, Authority.name, count)
        .join(Authority, Authority.id == Nomination.authority_id)
        .where(condition, Nomination.stage.in_(OPEN_STAGES), Nomination.stage_due_at < now)
        .group_by(Authority.id, Authority.name)
        .order_by(count.desc(), Authority.id)
    )
    return [(i, name, n) for i, name, n in rows.all()]


async def decided_spans(
    session: AsyncSession, *, condition: ColumnElement[bool], year: int
) -> list[tuple[datetime, datetime]]:
    """(submitted, closed) of the nominations ``condition`` selects granted or refused
    with a decision in ``year`` (their achievement year)."""
    rows = await session.execute(
        select(Nomination.created_at, Nomination.closed_at).where(
            condition,
            Nomination.year == year,
            Nomination.stage.in_([Stage.GRANTED, Stage.REFUSED]),
            Nomination.closed_at.is_not(None),
        )
    )
    return [(created, closed) for created, closed in rows.all() if closed is not None]


async def count_decisions(session: AsyncSession, *, condition: ColumnElement[bool]) -> int:
    return (
        await session.execute(select(func.count()).select_from(Decision).where(condition))
    ).scalar_one()


async def authority_units(session: AsyncSession, *, authority_ids: Iterable[int]) -> list[int]:
    """The units the authorities govern (a ward's committee: the ward)."""
    ids = sorted(set(authority_ids))
    if not ids:
        return []
    return list(
        (await session.execute(select(Authority.unit_id).where(Authority.id.in_(ids)))).scalars()
    )


async def authority_names(session: AsyncSession, *, authority_ids: Iterable[int]) -> list[str]:
    ids = sorted(set(authority_ids))
    if not ids:
        return []
    return list(
        (
            await session.execute(
                select(Authority.name).where(Authority.id.in_(ids)).order_by(Authority.id)
            )
        ).scalars()
    )


async def report_heading(
    session: AsyncSession, *, authority_ids: Iterable[int] | None
) -> tuple[list[str], str]:
    """The header lines and place name of the first of ``authority_ids`` (the issuing
    body of a report), or none for the whole deployment."""
    ids = sorted(set(authority_ids or ()))
    if not ids:
        return [], ""
    authority = (
        await session.execute(select(Authority).where(Authority.id == ids[0]))
    ).scalar_one()
    return list(authority.header_lines), authority.place_name
