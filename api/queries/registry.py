"""Reads of the registry: units, people, collectives, households and initiatives, and
the award records and yearly evaluations of a person, collective or household.

``unit_ids`` narrows a read to those units; None reads every unit (an administrator's
view: see ``api.services.subjects``)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.vocabulary import Level, NomineeKind, UnitKind
from models import (
    Authority,
    AwardRecord,
    AwardType,
    Collective,
    EvaluationResult,
    Household,
    Initiative,
    Nomination,
    Person,
    Unit,
)
from models.schemas.catalogue import SUBJECT_ID_FIELD

from .search import contains_words


def _in_units(
    column: SQLColumnExpression[int], unit_ids: Collection[int] | None
) -> ColumnElement[bool]:
    return true() if unit_ids is None else column.in_(unit_ids)


# ---- who sees which units ----------------------------------------------------------------


async def ward_unit_ids(session: AsyncSession, *, authority_ids: Collection[int]) -> list[int]:
    """Every unit of the wards these authorities govern: the ward's own unit and the
    units below it."""
    ward_units = select(Authority.unit_id).where(
        Authority.id.in_(authority_ids), Authority.level == Level.WARD
    )
    tree = select(Unit.id).where(Unit.id.in_(ward_units)).cte("ward_units", recursive=True)
    tree = tree.union_all(select(Unit.id).join(tree, Unit.parent_id == tree.c.id))
    return list((await session.execute(select(tree.c.id))).scalars())


async def forwarded_unit_ids(session: AsyncSession, *, authority_ids: Collection[int]) -> list[int]:
    """The proposing units of the nominations that reached these authorities at the city
    or central level."""
    forwarded = (
        select(Nomination.proposing_unit_id)
        .where(
            or_(
                Nomination.city_authority_id.in_(authority_ids),
                Nomination.central_authority_id.in_(authority_ids),
            )
        )
        .distinct()
    )
    return list((await session.execute(forwarded)).scalars())


# ---- subjects: a person, a collective or a household ---------------------------------------


async def subject_row(
    session: AsyncSession, *, kind: NomineeKind, subject_id: int
) -> tuple[str, int, str] | None:
    """(name, unit id, unit name) of the subject, None when there is no such one."""
    if kind == NomineeKind.INDIVIDUAL:
        statement = (
            select(Person.full_name, Unit.id, Unit.name)
            .join(Unit, Unit.id == Person.unit_id)
            .where(Person.id == subject_id, Person.merged_into_id.is_(None))
        )
    elif kind == NomineeKind.COLLECTIVE:
        statement = (
            select(Collective.name, Unit.id, Unit.name)
            .join(Unit, Unit.id == Collective.unit_id)
            .where(Collective.id == subject_id, Collective.merged_into_id.is_(None))
        )
    else:
        statement = (
            select(Household.head_name, Unit.id, Unit.name)
            .join(Unit, Unit.id == Household.residential_group_id)
            .where(Household.id == subject_id, Household.merged_into_id.is_(None))
        )
    row = (await session.execute(statement)).one_or_none()
    if row is None:
        return None
    name, unit_id, unit_name = row
    return name, unit_id, unit_name


def _of_subject(
    model: type[AwardRecord] | type[EvaluationResult], kind: NomineeKind, subject_id: int
) -> ColumnElement[bool]:
    column = getattr(model, SUBJECT_ID_FIELD[kind])
    return (model.subject_kind == kind) & (column == subject_id)


async def award_records(
    session: AsyncSession, *, kind: NomineeKind, subject_id: int
) -> list[tuple[AwardRecord, str | None, str | None]]:
    """(record, award's Vietnamese name, English name) of the subject's awards, newest
    first (the names are None for an award no longer in the catalogue table)."""
    rows = await session.execute(
        select(AwardRecord, AwardType.name_vi, AwardType.name_en)
        .outerjoin(AwardType, AwardType.code == AwardRecord.award_code)
        .where(_of_subject(AwardRecord, kind, subject_id))
        .order_by(
            AwardRecord.year.desc(),
            AwardRecord.decision_date.desc().nulls_last(),
            AwardRecord.id.desc(),
        )
    )
    return [(record, name_vi, name_en) for record, name_vi, name_en in rows.all()]


async def evaluations(
    session: AsyncSession, *, kind: NomineeKind, subject_id: int
) -> list[EvaluationResult]:
    """The subject's yearly evaluations, newest first."""
    rows = await session.execute(
        select(EvaluationResult)
        .where(_of_subject(EvaluationResult, kind, subject_id))
        .order_by(EvaluationResult.year.desc(), EvaluationResult.id.desc())
    )
    return list(rows.scalars())


# ---- initiatives -------------------------------------------------------------------------

# (initiative, its author's name, when the award it grounded was revoked)
InitiativeRow = tuple[Initiative, str, datetime | None]


def _initiatives() -> Select:
    grounded = aliased(AwardRecord)
    return (
        select(Initiative, Person.full_name, grounded.revoked_at)
        .join(Person, Person.id == Initiative.person_id)
        .outerjoin(grounded, grounded.id == Initiative.grounded_award_id)
        .order_by(Initiative.year.desc(), Initiative.id.desc())
    )


async def initiatives_of_person(session: AsyncSession, *, person_id: int) -> list[InitiativeRow]:
    """The person's recognised initiatives, newest first."""
    rows = await session.execute(_initiatives().where(Initiative.person_id == person_id))
    return [(item, name, revoked_at) for item, name, revoked_at in rows.all()]


async def initiatives_in_units(
    session: AsyncSession, *, unit_ids: Collection[int] | None
) -> list[InitiativeRow]:
    """The recognised initiatives of the people of these units, newest first."""
    rows = await session.execute(_initiatives().where(_in_units(Person.unit_id, unit_ids)))
    return [(item, name, revoked_at) for item, name, revoked_at in rows.all()]


# ---- lookups for the forms ---------------------------------------------------------------


async def paged_ids(
    session: AsyncSession, statement: Select, *, page: int, page_size: int
) -> tuple[int, list[int]]:
    """(how many rows ``statement`` selects, the ids of one page of them): ``statement``
    selects ids, ordered (and, to be stable, last by id)."""
    total = await session.scalar(
        select(func.count()).select_from(statement.order_by(None).subquery())
    )
    rows = await session.execute(statement.limit(page_size).offset((page - 1) * page_size))
    return int(total or 0), list(rows.scalars())


def people_matching(unit_ids: Collection[int] | None, query: str | None) -> Select:
    """The ids of the people of these units (not those merged into another record) whose
    name holds every word of ``query`` with or without diacritics, in any case, by given
    name (Vietnamese lists go by it), then the whole name."""
    return (
        select(Person.id)
        .where(
            _in_units(Person.unit_id, unit_ids),
            Person.merged_into_id.is_(None),
            contains_words(Person.name_folded, query or ""),
        )
        .order_by(Person.given_name_folded, Person.name_folded, Person.id)
    )


async def people_page(
    session: AsyncSession,
    *,
    unit_ids: Collection[int] | None,
    query: str | None,
    page: int,
    page_size: int,
) -> tuple[int, list[int]]:
    """(total, ids of the page) of ``people_matching``."""
    return await paged_ids(
        session, people_matching(unit_ids, query), page=page, page_size=page_size
    )


async def people_by_id(session: AsyncSession, *, ids: list[int]) -> dict[int, tuple[Person, str]]:
    """(person, unit name) by id."""
    if not ids:
        return {}
    rows = await session.execute(
        select(Person, Unit.name).join(Unit, Unit.id == Person.unit_id).where(Person.id.in_(ids))
    )
    return {person.id: (person, unit_name) for person, unit_name in rows.all()}


def households_matching(unit_ids: Collection[int] | None, query: str | None) -> Select:
    """The ids of the households of these residential groups (not those merged into
    another record) whose head's name and address hold every word of ``query`` (with or
    without diacritics, in any case), by the head's given name, then the whole name."""
    return (
        select(Household.id)
        .where(
            _in_units(Household.residential_group_id, unit_ids),
            Household.merged_into_id.is_(None),
            contains_words(Household.search_folded, query or ""),
        )
        .order_by(Household.given_name_folded, Household.name_folded, Household.id)
    )


async def households_page(
    session: AsyncSession,
    *,
    unit_ids: Collection[int] | None,
    query: str | None,
    page: int,
    page_size: int,
) -> tuple[int, list[int]]:
    """(total, ids of the page) of ``households_matching``."""
    return await paged_ids(
        session, households_matching(unit_ids, query), page=page, page_size=page_size
    )


async def households_by_id(
    session: AsyncSession, *, ids: list[int]
) -> dict[int, tuple[Household, str]]:
    """(household, residential group's name) by id."""
    if not ids:
        return {}
    rows = await session.execute(
        select(Household, Unit.name)
        .join(Unit, Unit.id == Household.residential_group_id)
        .where(Household.id.in_(ids))
    )
    return {household.id: (household, group_name) for household, group_name in rows.all()}


async def collectives_in_units(
    session: AsyncSession, *, unit_ids: Collection[int] | None
) -> list[tuple[Collective, str, UnitKind]]:
    """(collective, unit code, unit kind) of the collectives of these units, by name."""
    rows = await session.execute(
        select(Collective, Unit.code, Unit.kind)
        .join(Unit, Unit.id == Collective.unit_id)
        .where(_in_units(Collective.unit_id, unit_ids), Collective.merged_into_id.is_(None))
        .order_by(Collective.name, Collective.id)
    )
    return [(collective, code, kind) for collective, code, kind in rows.all()]


async def units(
    session: AsyncSession,
    *,
    unit_ids: Collection[int] | None,
    level: Level | None = None,
    parent_id: int | None = None,
) -> list[Unit]:
    """These units, optionally of one level or under one parent (in no order)."""
    statement = select(Unit).where(_in_units(Unit.id, unit_ids))
    if level is not None:
        statement = statement.where(Unit.level == level)
    if parent_id is not None:
        statement = statement.where(Unit.parent_id == parent_id)
    return list((await session.execute(statement)).scalars())
