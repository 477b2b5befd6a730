"""Reads of authorities (the competent bodies: ward, city, central) and of the officers
who hold their offices (standing officers, chairmen, vice-chairmen)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Level, Role
from models import Authority, RoleGrant, Unit, User


async def authority_by_id(session: AsyncSession, *, authority_id: int) -> Authority | None:
    return await session.get(Authority, authority_id)


async def authorities_by_id(
    session: AsyncSession, *, authority_ids: Iterable[int]
) -> dict[int, Authority]:
    ids = sorted(set(authority_ids))
    if not ids:
        return {}
    rows = (await session.execute(select(Authority).where(Authority.id.in_(ids)))).scalars()
    return {a.id: a for a in rows}


async def ward_authority_of(session: AsyncSession, *, unit_id: int) -> Authority | None:
    """The ward authority a unit belongs to (walking up the unit tree)."""
    unit = await session.get(Unit, unit_id)
    while unit is not None:
        authority = (
            await session.execute(select(Authority).where(Authority.unit_id == unit.id))
        ).scalar_one_or_none()
        if authority is not None and authority.level == Level.WARD:
            return authority
        unit = await session.get(Unit, unit.parent_id) if unit.parent_id else None
    return None


async def officer_by_id(session: AsyncSession, *, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def officers(session: AsyncSession, *, role: Role, unit_id: int) -> list[User]:
    """The active people holding ``role`` at ``unit_id``, by name (the vice-chairmen of
    an authority's unit, the standing officers of its standing unit...)."""
    rows = await session.execute(
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(
            RoleGrant.role == role,
            RoleGrant.unit_id == unit_id,
            User.is_active.is_(True),
        )
        .order_by(User.full_name)
    )
    return list(rows.scalars())


async def holds_office(session: AsyncSession, *, user_id: int, role: Role, unit_id: int) -> bool:
    """Whether this person was granted ``role`` at ``unit_id`` (active or not)."""
    grant = (
        await session.execute(
            select(RoleGrant.id).where(
                RoleGrant.user_id == user_id,
                RoleGrant.role == role,
                RoleGrant.unit_id == unit_id,
            )
        )
    ).scalar_one_or_none()
    return grant is not None
