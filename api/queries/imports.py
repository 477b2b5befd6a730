"""Reads of the Excel import: the stored records a row's natural key may name (units,
people, households, collectives, users and their role grants)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Role
from models import AuditEvent, Collective, Household, Person, RoleGrant, Unit, User


async def all_units(session: AsyncSession) -> list[Unit]:
    """Every unit: a deployment holds a few hundred (a ward, its offices and groups)."""
    return list((await session.execute(select(Unit).order_by(Unit.id))).scalars())


async def unit_by_code(session: AsyncSession, *, code: str) -> Unit | None:
    return (await session.execute(select(Unit).where(Unit.code == code))).scalar_one_or_none()


async def people_by_citizen_id(session: AsyncSession, *, citizen_id: str) -> list[Person]:
    """The person holding a citizen ID number (at most one: the column is unique), merged
    duplicates included: the caller tells them apart."""
    return list(
        (await session.execute(select(Person).where(Person.citizen_id == citizen_id))).scalars()
    )


async def people_born(
    session: AsyncSession, *, unit_id: int, birth_date: date | None
) -> list[Person]:
    """The people of a unit, not merged, born on ``birth_date`` (or, for those stored with
    only a year of birth, in its year); with no date: those stored without a date. The
    caller compares the names."""
    statement = select(Person).where(Person.unit_id == unit_id, Person.merged_into_id.is_(None))
    if birth_date is None:
        statement = statement.where(Person.birth_date.is_(None))
    else:
        statement = statement.where(
            or_(
                Person.birth_date == birth_date,
                Person.birth_date.is_(None) & (Person.birth_year == birth_date.year),
            )
        )
    return list((await session.execute(statement.order_by(Person.id))).scalars())


async def households_in_group(session: AsyncSession, *, unit_id: int) -> list[Household]:
    """The households of a residential group, not merged."""
    return list(
        (
            await session.execute(
                select(Household)
                .where(
                    Household.residential_group_id == unit_id, Household.merged_into_id.is_(None)
                )
                .order_by(Household.id)
            )
        ).scalars()
    )


async def collective_of_unit(session: AsyncSession, *, unit_id: int) -> Collective | None:
    return (
        await session.execute(select(Collective).where(Collective.unit_id == unit_id))
    ).scalar_one_or_none()


async def user_by_username(session: AsyncSession, *, username: str) -> User | None:
    """The account of a username, compared ignoring case."""
    return (
        await session.execute(select(User).where(func.lower(User.username) == username.lower()))
    ).scalar_one_or_none()


async def role_grant(
    session: AsyncSession, *, user_id: int, role: Role, unit_id: int
) -> RoleGrant | None:
    return (
        await session.execute(
            select(RoleGrant).where(
                RoleGrant.user_id == user_id, RoleGrant.role == role, RoleGrant.unit_id == unit_id
            )
        )
    ).scalar_one_or_none()


async def audit_event_count(session: AsyncSession, *, key_prefix: str) -> int:
    """How many audit events an import wrote (their keys start with its file's hash)."""
    return (
        await session.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.event_key.startswith(key_prefix, autoescape=True))
        )
    ).scalar_one()


async def grant_unit_ids(session: AsyncSession, *, user_id: int) -> list[int]:
    return list(
        (
            await session.execute(select(RoleGrant.unit_id).where(RoleGrant.user_id == user_id))
        ).scalars()
    )
