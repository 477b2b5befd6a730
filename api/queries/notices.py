"""Reads of the in-app notices: each person's inbox, and the notices whose mail finally
failed (for administrators)."""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import NoticeDelivery
from models import Notice, RoleGrant, User


async def unread_notices(
    session: AsyncSession, *, user_id: int, limit: int = 5
) -> tuple[int, list[Notice]]:
    """How many notices this person has not read, and the newest of them."""
    condition = and_(Notice.user_id == user_id, Notice.read_at.is_(None))
    total = (
        await session.execute(select(func.count()).select_from(Notice).where(condition))
    ).scalar_one()
    rows = await session.execute(
        select(Notice)
        .where(condition)
        .order_by(Notice.created_at.desc(), Notice.id.desc())
        .limit(limit)
    )
    return total, list(rows.scalars())


async def count_unread(session: AsyncSession, *, user_id: int) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(Notice)
            .where(Notice.user_id == user_id, Notice.read_at.is_(None))
        )
        or 0
    )


async def inbox(
    session: AsyncSession, *, user_id: int, unread_only: bool, page: int, page_size: int
) -> tuple[int, list[Notice]]:
    """(how many match, one page of them) of this person's notices, newest first."""
    conditions = [Notice.user_id == user_id]
    if unread_only:
        conditions.append(Notice.read_at.is_(None))
    total = await session.scalar(select(func.count()).select_from(Notice).where(*conditions)) or 0
    rows = await session.execute(
        select(Notice)
        .where(*conditions)
        .order_by(Notice.created_at.desc(), Notice.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    return total, list(rows.scalars())


async def notice_of(session: AsyncSession, *, user_id: int, notice_id: int) -> Notice | None:
    """The notice if it is this person's (None for someone else's, as for a missing one)."""
    return (
        await session.execute(
            select(Notice).where(Notice.id == notice_id, Notice.user_id == user_id)
        )
    ).scalar_one_or_none()


async def failed_notices(
    session: AsyncSession, *, page: int, page_size: int, unit_ids: frozenset[int] | None = None
) -> tuple[int, list[tuple[Notice, User]]]:
    """(how many, one page of them) of the notices whose mail finally failed, newest
    first, with their addressee; of the addressees with a role in ``unit_ids`` when
    given (a unit's administrator)."""
    failed = Notice.delivery == NoticeDelivery.FAILED
    if unit_ids is not None:
        holders = select(RoleGrant.user_id).where(RoleGrant.unit_id.in_(sorted(unit_ids)))
        failed = and_(failed, Notice.user_id.in_(holders))
    total = await session.scalar(select(func.count()).select_from(Notice).where(failed)) or 0
    rows = (
        await session.execute(
            select(Notice, User)
            .join(User, User.id == Notice.user_id)
            .where(failed)
            .order_by(Notice.created_at.desc(), Notice.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    ).all()
    return total, [(notice, user) for notice, user in rows]
