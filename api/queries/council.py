"""Reads of councils and their sessions: members, agendas, who has voted (never how),
the sessions a person follows.

Ballots are secret: nothing here reads a choice, only the receipts that say a member
has voted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.vocabulary import SessionStatus
from models import (
    AgendaItem,
    BallotReceipt,
    Council,
    CouncilMember,
    CouncilSession,
    Nomination,
    User,
)

from ..principal import Principal
from ..services.access import AUTHORITY_ROLES


async def council_of(session: AsyncSession, *, authority_id: int) -> Council | None:
    return (
        await session.execute(select(Council).where(Council.authority_id == authority_id))
    ).scalar_one_or_none()


async def active_members(
    session: AsyncSession, *, council_id: int
) -> list[tuple[CouncilMember, User]]:
    rows = await session.execute(
        select(CouncilMember, User)
        .join(User, User.id == CouncilMember.user_id)
        .where(CouncilMember.council_id == council_id, CouncilMember.active.is_(True))
        .order_by(CouncilMember.id)
    )
    return [(member, user) for member, user in rows.all()]


async def session_by_id(session: AsyncSession, *, session_id: int) -> CouncilSession | None:
    return await session.get(CouncilSession, session_id)


async def session_of(session: AsyncSession, *, nomination: Nomination) -> CouncilSession | None:
    """The council session a nomination is (or was last) on the agenda of."""
    if not nomination.council_session_id:
        return None
    return await session.get(CouncilSession, nomination.council_session_id)


async def on_agenda_of(
    session: AsyncSession, *, nomination_id: int, council_ids: Iterable[int]
) -> bool:
    """Whether the nomination is (or was) on the agenda of a session of these councils."""
    ids = sorted(set(council_ids))
    if not ids:
        return False
    row = await session.execute(
        select(AgendaItem.session_id)
        .join(CouncilSession, CouncilSession.id == AgendaItem.session_id)
        .where(AgendaItem.nomination_id == nomination_id, CouncilSession.council_id.in_(ids))
        .limit(1)
    )
    return row.first() is not None


async def on_agendas_of(
    session: AsyncSession, *, nomination_ids: Iterable[int], council_ids: Iterable[int]
) -> set[int]:
    """Of these nominations, those that are (or were) on the agenda of a session of these
    councils (``on_agenda_of`` for a list)."""
    ids = sorted(set(nomination_ids))
    councils = sorted(set(council_ids))
    if not ids or not councils:
        return set()
    rows = await session.execute(
        select(AgendaItem.nomination_id)
        .join(CouncilSession, CouncilSession.id == AgendaItem.session_id)
        .where(AgendaItem.nomination_id.in_(ids), CouncilSession.council_id.in_(councils))
        .distinct()
    )
    return set(rows.scalars())


async def agenda(session: AsyncSession, *, session_id: int) -> list[tuple[AgendaItem, Nomination]]:
    rows = await session.execute(
        select(AgendaItem, Nomination)
        .join(Nomination, Nomination.id == AgendaItem.nomination_id)
        .where(AgendaItem.session_id == session_id)
        .order_by(AgendaItem.position)
    )
    return [(item, nomination) for item, nomination in rows.all()]


async def receipts(session: AsyncSession, *, session_id: int) -> dict[int, BallotReceipt]:
    """The ballot receipts of a session, by member id."""
    rows = await session.execute(
        select(BallotReceipt).where(BallotReceipt.session_id == session_id)
    )
    return {r.member_id: r for r in rows.scalars()}


async def receipt_of(
    session: AsyncSession, *, session_id: int, member_id: int
) -> BallotReceipt | None:
    return (
        await session.execute(
            select(BallotReceipt).where(
                BallotReceipt.session_id == session_id, BallotReceipt.member_id == member_id
            )
        )
    ).scalar_one_or_none()


async def sessions_at(
    session: AsyncSession, *, authority_ids: Iterable[int] | None, offset: int, limit: int
) -> tuple[int, list[CouncilSession]]:
    """The sessions of these authorities (every session for None), newest first."""
    condition: ColumnElement[bool] = (
        CouncilSession.id.is_not(None)
        if authority_ids is None
        else CouncilSession.authority_id.in_(list(authority_ids))
    )
    total = (
        await session.execute(select(func.count()).select_from(CouncilSession).where(condition))
    ).scalar_one()
    rows = await session.execute(
        select(CouncilSession)
        .where(condition)
        .order_by(CouncilSession.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return total, list(rows.scalars())


@dataclass
class SessionRow:
    id: int
    title: str
    status: SessionStatus
    closes_at: datetime
    authority_id: int
    member_count: int
    items: int = 0
    voted: int = 0
    my_member_id: int | None = None
    i_voted: bool = False


async def sessions_followed(
    session: AsyncSession,
    *,
    principal: Principal,
    open_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[SessionRow]]:
    """The sessions of the person's authorities and councils, newest first, with how many
    items each has and how many members have voted (and whether this person has)."""
    authorities = principal.authority_ids(*AUTHORITY_ROLES) | principal.admin_authority_ids
    councils = {council_id for council_id, _ in principal.council_memberships}
    condition: ColumnElement[bool]
    if principal.sees_all:
        condition = CouncilSession.id.is_not(None)
    else:
        clauses = []
        if authorities:
            clauses.append(CouncilSession.authority_id.in_(sorted(authorities)))
        if councils:
            clauses.append(CouncilSession.council_id.in_(sorted(councils)))
        condition = or_(*clauses) if clauses else false()
    if open_only:
        condition = and_(condition, CouncilSession.status == SessionStatus.OPEN)
    total = (
        await session.execute(select(func.count()).select_from(CouncilSession).where(condition))
    ).scalar_one()
    rows = (
        (
            await session.execute(
                select(CouncilSession)
                .where(condition)
                .order_by(CouncilSession.id.desc())
                .offset(offset)
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    ids = [r.id for r in rows]
    items: dict[int, int] = {}
    voted: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        items = {
            session_id: count
            for session_id, count in (
                await session.execute(
                    select(AgendaItem.session_id, func.count())
                    .where(AgendaItem.session_id.in_(ids), AgendaItem.withdrawn.is_(False))
                    .group_by(AgendaItem.session_id)
                )
            ).all()
        }
        for session_id, voter_id in (
            await session.execute(
                select(BallotReceipt.session_id, BallotReceipt.member_id).where(
                    BallotReceipt.session_id.in_(ids)
                )
            )
        ).all():
            voted[session_id].add(voter_id)
    membership = dict(principal.council_memberships)
    result = []
    for row in rows:
        member_id = membership.get(row.council_id)
        result.append(
            SessionRow(
                id=row.id,
                title=row.title,
                status=row.status,
                closes_at=row.closes_at,
                authority_id=row.authority_id,
                member_count=row.member_count,
                items=items.get(row.id, 0),
                voted=len(voted[row.id]),
                my_member_id=member_id,
                i_voted=member_id in voted[row.id] if member_id else False,
            )
        )
    return total, result
