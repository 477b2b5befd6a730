"""Reads of stored documents (generated or uploaded files, content-addressed) and of what
decides who may read them: the decision, session or nomination a document belongs to,
and the levels the nominations it concerns went on to."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import AgendaItem, CouncilSession, Decision, DecisionItem, Document, Nomination


async def document_by_id(session: AsyncSession, *, document_id: int) -> Document | None:
    return await session.get(Document, document_id)


async def decision_by_id(session: AsyncSession, *, decision_id: int) -> Decision | None:
    return await session.get(Decision, decision_id)


async def council_session_by_id(session: AsyncSession, *, session_id: int) -> CouncilSession | None:
    return await session.get(CouncilSession, session_id)


async def nomination_by_id(session: AsyncSession, *, nomination_id: int) -> Nomination | None:
    return await session.get(Nomination, nomination_id)


async def _authorities_reached(session: AsyncSession, query: Select) -> set[int]:
    rows = (await session.execute(query.distinct())).all()
    return {authority_id for row in rows for authority_id in row if authority_id is not None}


async def authorities_reached_by_decision(session: AsyncSession, *, decision_id: int) -> set[int]:
    """The city and central authorities that the nominations of a decision or submission
    reached (a submission's, once signed: the level it was sent to)."""
    return await _authorities_reached(
        session,
        select(Nomination.city_authority_id, Nomination.central_authority_id)
        .join(DecisionItem, DecisionItem.nomination_id == Nomination.id)
        .where(DecisionItem.decision_id == decision_id),
    )


async def authorities_reached_by_session(session: AsyncSession, *, session_id: int) -> set[int]:
    """The city and central authorities that the nominations a council session considered
    (not those withdrawn from its agenda) reached."""
    return await _authorities_reached(
        session,
        select(Nomination.city_authority_id, Nomination.central_authority_id)
        .join(AgendaItem, AgendaItem.nomination_id == Nomination.id)
        .where(AgendaItem.session_id == session_id, AgendaItem.withdrawn.is_(False)),
    )
