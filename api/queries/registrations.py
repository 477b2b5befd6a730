"""Reads of campaign registrations (đăng ký thi đua): a unit's, or a person's, titles aimed
for in one year of a campaign and the pledge signed."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Person, Registration, Unit

from .search import contains_words


async def key_taken(session: AsyncSession, *, registration_key: str) -> bool:
    """Whether this unit (or person) has registered for that year already."""
    found = await session.execute(
        select(Registration.id).where(Registration.registration_key == registration_key)
    )
    return found.first() is not None


async def registrations_page(
    session: AsyncSession,
    *,
    campaign_id: int,
    year: int | None,
    unit_id: int | None,
    page: int,
    page_size: int,
) -> tuple[int, list[tuple[Registration, str, str | None]]]:
    """How many registrations match, and one page of them (by year, then as made) with
    the unit's and the person's names (None for a unit's own), in one query."""
    conditions = [Registration.campaign_id == campaign_id]
    if year is not None:
        conditions.append(Registration.year == year)
    if unit_id is not None:
        conditions.append(Registration.unit_id == unit_id)
    total = (await session.execute(select(func.count()).where(*conditions))).scalar_one()
    rows = await session.execute(
        select(Registration, Unit.name, Person.full_name)
        .join(Unit, Unit.id == Registration.unit_id)
        .outerjoin(Person, Person.id == Registration.person_id)
        .where(*conditions)
        .order_by(Registration.year, Registration.id)
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return total, [(r, unit_name, person_name) for r, unit_name, person_name in rows]


async def registrations_of_year(
    session: AsyncSession, *, campaign_id: int, year: int
) -> list[tuple[Registration, str | None]]:
    """Every registration of the year, as made, with the registered person's name (None
    for a unit's own)."""
    rows = await session.execute(
        select(Registration, Person.full_name)
        .outerjoin(Person, Person.id == Registration.person_id)
        .where(Registration.campaign_id == campaign_id, Registration.year == year)
        .order_by(Registration.id)
    )
    return [(registration, name) for registration, name in rows.all()]


async def people_of_units(
    session: AsyncSession, *, unit_ids: Collection[int], limit: int, search: str = ""
) -> tuple[list[Person], bool]:
    """The people a unit officer may register: those of these units (not the duplicates
    merged into another record) whose name holds every word of ``search`` (with or without
    diacritics, ``search.contains_words``), by name, at most ``limit``; and whether there
    were more (the form says so, and offers the search that reaches them)."""
    if not unit_ids:
        return [], False
    rows = await session.execute(
        select(Person)
        .where(
            Person.unit_id.in_(unit_ids),
            Person.merged_into_id.is_(None),
            contains_words(Person.name_folded, search),
        )
        .order_by(Person.full_name, Person.id)
        .limit(limit + 1)
    )
    people = list(rows.scalars())
    return people[:limit], len(people) > limit
