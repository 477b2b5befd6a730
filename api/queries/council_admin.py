"""Reads for the administration of councils: the councils of the authorities whose units
one administers, their members (active and past) with their accounts, the authorities
still without a council, and the memberships of one account.

``unit_ids`` narrows a read to the authorities of those units; None reads every one (a
deployment administrator's view: see ``api.services.admin_scope``)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import CouncilRole
from models import Authority, Council, CouncilMember, RoleGrant, User


def _in_units(unit_ids: Collection[int] | None) -> ColumnElement[bool]:
    return true() if unit_ids is None else Authority.unit_id.in_(unit_ids)


async def councils(
    session: AsyncSession, *, unit_ids: Collection[int] | None
) -> list[tuple[Council, Authority]]:
    """(council, its authority) of the authorities of these units, by authority name."""
    rows = await session.execute(
        select(Council, Authority)
        .join(Authority, Authority.id == Council.authority_id)
        .where(_in_units(unit_ids))
        .order_by(Authority.name, Council.id)
    )
    return [(council, authority) for council, authority in rows.all()]


async def council_with_authority(
    session: AsyncSession, *, council_id: int
) -> tuple[Council, Authority] | None:
    row = (
        await session.execute(
            select(Council, Authority)
            .join(Authority, Authority.id == Council.authority_id)
            .where(Council.id == council_id)
        )
    ).one_or_none()
    return None if row is None else (row[0], row[1])


async def council_by_id(session: AsyncSession, *, council_id: int) -> Council | None:
    return await session.get(Council, council_id)


async def authorities_without_council(
    session: AsyncSession, *, unit_ids: Collection[int] | None
) -> list[Authority]:
    """The authorities of these units that have no council yet, by name."""
    has_council = select(Council.authority_id)
    rows = await session.execute(
        select(Authority)
        .where(_in_units(unit_ids), Authority.id.not_in(has_council))
        .order_by(Authority.name, Authority.id)
    )
    return list(rows.scalars())


async def authority_by_id(session: AsyncSession, *, authority_id: int) -> Authority | None:
    return await session.get(Authority, authority_id)


async def council_of_authority(session: AsyncSession, *, authority_id: int) -> Council | None:
    return (
        await session.execute(select(Council).where(Council.authority_id == authority_id))
    ).scalar_one_or_none()


async def members_of(
    session: AsyncSession, *, council_ids: Collection[int]
) -> list[tuple[CouncilMember, User]]:
    """(member, account) of these councils: the active members first, then the past ones;
    in the order they were appointed."""
    if not council_ids:
        return []
    rows = await session.execute(
        select(CouncilMember, User)
        .join(User, User.id == CouncilMember.user_id)
        .where(CouncilMember.council_id.in_(council_ids))
        .order_by(CouncilMember.council_id, CouncilMember.active.desc(), CouncilMember.id)
    )
    return [(member, user) for member, user in rows.all()]


async def member_by_id(session: AsyncSession, *, member_id: int) -> CouncilMember | None:
    return await session.get(CouncilMember, member_id)


async def membership(
    session: AsyncSession, *, council_id: int, user_id: int
) -> CouncilMember | None:
    """The account's membership of the council, active or past (one row per account)."""
    return (
        await session.execute(
            select(CouncilMember).where(
                CouncilMember.council_id == council_id, CouncilMember.user_id == user_id
            )
        )
    ).scalar_one_or_none()


async def active_chair(session: AsyncSession, *, council_id: int) -> CouncilMember | None:
    return (
        (
            await session.execute(
                select(CouncilMember)
                .where(
                    CouncilMember.council_id == council_id,
                    CouncilMember.active.is_(True),
                    CouncilMember.council_role == CouncilRole.CHAIR,
                )
                .order_by(CouncilMember.id)
            )
        )
        .scalars()
        .first()
    )


async def active_memberships_of_user(session: AsyncSession, *, user_id: int) -> list[CouncilMember]:
    rows = await session.execute(
        select(CouncilMember)
        .where(CouncilMember.user_id == user_id, CouncilMember.active.is_(True))
        .order_by(CouncilMember.id)
    )
    return list(rows.scalars())


async def user_by_id(session: AsyncSession, *, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def active_users(session: AsyncSession) -> list[User]:
    """Every active account, by full name (the member pickers of the pages)."""
    rows = await session.execute(
        select(User).where(User.is_active.is_(True)).order_by(User.full_name, User.id)
    )
    return list(rows.scalars())


async def granted_unit_ids(
    session: AsyncSession, *, user_ids: Collection[int]
) -> dict[int, set[int]]:
    """The units each of these accounts holds a role in (accounts without any: absent)."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(RoleGrant.user_id, RoleGrant.unit_id).where(RoleGrant.user_id.in_(user_ids))
    )
    granted: dict[int, set[int]] = {}
    for user_id, unit_id in rows.all():
        granted.setdefault(user_id, set()).add(unit_id)
    return granted
