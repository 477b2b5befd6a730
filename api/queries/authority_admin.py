"""Reads of the deciding bodies for their administration."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Authority, Council, Unit


async def authorities_with_councils(
    session: AsyncSession, *, unit_ids: Collection[int] | None
) -> list[tuple[Authority, Unit, int | None]]:
    """The bodies whose committee unit is in ``unit_ids`` (None: all), top level first,
    each with its unit and its council's id."""
    statement = (
        select(Authority, Unit, Council.id)
        .join(Unit, Unit.id == Authority.unit_id)
        .outerjoin(Council, Council.authority_id == Authority.id)
        .order_by(Authority.level.desc(), Authority.name)
    )
    if unit_ids is not None:
        statement = statement.where(Authority.unit_id.in_(sorted(unit_ids)))
    return [(a, u, c) for a, u, c in (await session.execute(statement)).all()]


async def authority_by_id(session: AsyncSession, *, authority_id: int) -> Authority | None:
    return await session.get(Authority, authority_id)


async def authority_of_unit(session: AsyncSession, *, unit_id: int) -> Authority | None:
    return (
        await session.execute(select(Authority).where(Authority.unit_id == unit_id))
    ).scalar_one_or_none()


async def council_of(session: AsyncSession, *, authority_id: int) -> Council | None:
    return (
        await session.execute(select(Council).where(Council.authority_id == authority_id))
    ).scalar_one_or_none()
