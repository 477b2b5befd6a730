"""Reads of accounts for their administration: does anyone hold an account yet (the first
start), one account by id, and the accounts with their role grants."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Role
from models import RoleGrant, Unit, User


async def user_count(session: AsyncSession) -> int:
    return (await session.execute(select(func.count()).select_from(User))).scalar_one()


async def user_by_id(session: AsyncSession, *, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def users_by_username(session: AsyncSession) -> list[User]:
    return list((await session.execute(select(User).order_by(User.username))).scalars())


async def grants_with_units(
    session: AsyncSession, *, user_ids: list[int] | None = None
) -> list[tuple[RoleGrant, Unit]]:
    """Role grants with their units, of every user or of those named."""
    statement = select(RoleGrant, Unit).join(Unit, Unit.id == RoleGrant.unit_id)
    if user_ids is not None:
        statement = statement.where(RoleGrant.user_id.in_(user_ids))
    rows = await session.execute(statement.order_by(RoleGrant.user_id, RoleGrant.id))
    return [(grant, unit) for grant, unit in rows]


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


async def admin_grant_count(session: AsyncSession, *, user_id: int) -> int:
    return (
        await session.execute(
            select(func.count())
            .select_from(RoleGrant)
            .where(RoleGrant.user_id == user_id, RoleGrant.role == Role.ADMIN)
        )
    ).scalar_one()


async def unit_by_id(session: AsyncSession, *, unit_id: int) -> Unit | None:
    return await session.get(Unit, unit_id)


async def grant_by_id(session: AsyncSession, *, grant_id: int) -> RoleGrant | None:
    return await session.get(RoleGrant, grant_id)


async def granted_unit_ids(session: AsyncSession, *, user_id: int) -> set[int]:
    """The units where the account holds a role."""
    return set(
        (
            await session.execute(select(RoleGrant.unit_id).where(RoleGrant.user_id == user_id))
        ).scalars()
    )


async def units_in(session: AsyncSession, *, unit_ids: frozenset[int] | None) -> list[Unit]:
    """The units a role may be granted on (None: every unit), from the top level down."""
    statement = select(Unit)
    if unit_ids is not None:
        statement = statement.where(Unit.id.in_(sorted(unit_ids)))
    units = list((await session.execute(statement.order_by(Unit.name))).scalars())
    return sorted(units, key=lambda unit: (-unit.level.rank, unit.name))
