"""The registry as the forms look it up: units, people, collectives, households and
initiatives, each filtered to what the user may see (``api.services.subjects``).

Award histories are in ``api.services.award_history``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Level, NomineeKind
from models import Person
from models.schemas.registry import (
    CollectiveRead,
    HouseholdPage,
    HouseholdRead,
    InitiativeRead,
    PersonPage,
    PersonRead,
    UnitRead,
)

from ..principal import Principal
from ..queries import registry as queries
from .award_history import initiative_read
from .personal_data import Identifiers, identifiers, read_person_record
from .subjects import unit_scope, visible_subject, visible_unit_ids


async def list_people(
    session: AsyncSession,
    principal: Principal,
    *,
    unit_id: int | None,
    query: str | None,
    page: int,
    page_size: int,
) -> PersonPage:
    units = await unit_scope(session, principal, unit_id)
    total, ids = await queries.people_page(
        session, unit_ids=units, query=query, page=page, page_size=page_size
    )
    by_id = await queries.people_by_id(session, ids=ids)
    return PersonPage(
        total=total,
        page=page,
        page_size=page_size,
        items=[
            _person_read(person, unit_name, identifiers(person, full=False))
            for person, unit_name in (by_id[i] for i in ids)
        ],
    )


def _person_read(person: Person, unit_name: str, shown: Identifiers) -> PersonRead:
    return PersonRead(
        id=person.id,
        full_name=person.full_name,
        gender=person.gender,
        birth_year=person.birth_year,
        position=person.position,
        unit_id=person.unit_id,
        unit_name=unit_name,
        household_id=person.household_id,
        is_official=person.is_official,
        birth_date=shown.birth_date,
        citizen_id=shown.citizen_id,
        identifiers_masked=shown.masked,
    )


async def person_record(
    session: AsyncSession, principal: Principal, person_id: int, *, now: datetime
) -> PersonRead:
    """One person the user may see (``visible_subject``: 403 otherwise), their citizen ID
    and date of birth in full only for the roles that need them, the read audited."""
    await visible_subject(session, principal, NomineeKind.INDIVIDUAL, person_id)
    person, unit_name = (await queries.people_by_id(session, ids=[person_id]))[person_id]
    shown = await read_person_record(
        session, principal, person, now=now, via=f"GET /api/v1/people/{person_id}"
    )
    return _person_read(person, unit_name, shown)


async def list_households(
    session: AsyncSession,
    principal: Principal,
    *,
    unit_id: int | None,
    query: str | None,
    page: int,
    page_size: int,
) -> HouseholdPage:
    units = await unit_scope(session, principal, unit_id)
    total, ids = await queries.households_page(
        session, unit_ids=units, query=query, page=page, page_size=page_size
    )
    by_id = await queries.households_by_id(session, ids=ids)
    return HouseholdPage(
        total=total,
        page=page,
        page_size=page_size,
        items=[
            HouseholdRead(
                id=household.id,
                head_name=household.head_name,
                address=household.address,
                residential_group_id=household.residential_group_id,
                residential_group_name=group_name,
            )
            for household, group_name in (by_id[i] for i in ids)
        ],
    )


async def list_collectives(
    session: AsyncSession, principal: Principal, *, unit_id: int | None
) -> list[CollectiveRead]:
    units = await unit_scope(session, principal, unit_id)
    return [
        CollectiveRead(
            id=collective.id,
            name=collective.name,
            unit_id=collective.unit_id,
            unit_code=code,
            unit_kind=kind,
        )
        for collective, code, kind in await queries.collectives_in_units(session, unit_ids=units)
    ]


async def list_units(
    session: AsyncSession, principal: Principal, *, level: Level | None, parent_id: int | None
) -> list[UnitRead]:
    units = await queries.units(
        session,
        unit_ids=await visible_unit_ids(session, principal),
        level=level,
        parent_id=parent_id,
    )
    # Ward first, then upward; within a level by code
    return [
        UnitRead.model_validate(unit)
        for unit in sorted(units, key=lambda u: (u.level.rank, u.code))
    ]


async def list_initiatives(
    session: AsyncSession, principal: Principal, *, person_id: int | None
) -> list[InitiativeRead]:
    if person_id is not None:
        await visible_subject(session, principal, NomineeKind.INDIVIDUAL, person_id)
        rows = await queries.initiatives_of_person(session, person_id=person_id)
    else:
        rows = await queries.initiatives_in_units(
            session, unit_ids=await visible_unit_ids(session, principal)
        )
    return [initiative_read(*row) for row in rows]
