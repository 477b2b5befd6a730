"""The public portal's reads (no login): the nominations posted for comment right now
and the issued decisions with their awardees."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models.schemas.public import PublicAwardee, PublicDecisionRead, PublicNoticeRead

from ..queries import public as queries
from ..state import AppState
from .awards import award_names


async def current_notices(
    session: AsyncSession, state: AppState, *, limit: int = 500
) -> list[PublicNoticeRead]:
    """The nominations whose public notice runs now, ending soonest first."""
    names = award_names(state)
    rows = await queries.posted_notices(session, now=state.clock.now(), limit=limit)
    return [
        PublicNoticeRead(
            nomination_id=n.id,
            nominee_name=n.nominee_name,
            unit_name=unit_name,
            award_code=n.award_code,
            award_name=names.get(n.award_code, n.award_code),
            authority_name=authority_name,
            year=n.year,
            posted_at=n.stage_entered_at,
            until=n.public_notice_until,
        )
        for n, unit_name, authority_name in rows
    ]


async def issued_decisions(
    session: AsyncSession, *, page: int, page_size: int, number: str | None = None
) -> tuple[int, list[PublicDecisionRead]]:
    """(how many, one page of them) of the issued decisions, newest first, each with its
    awardees, its PDF and where to verify it."""
    total = await queries.count_issued_decisions(session, number=number)
    rows = await queries.issued_decisions(session, page=page, page_size=page_size, number=number)
    awardees: dict[int, list[PublicAwardee]] = {d.id: [] for d, _ in rows}
    for item in await queries.decision_items(session, decision_ids=list(awardees)):
        awardees[item.decision_id].append(
            PublicAwardee(
                nominee_name=item.nominee_name,
                nominee_description=item.nominee_description,
                award_code=item.award_code,
            )
        )
    return total, [
        PublicDecisionRead(
            id=d.id,
            number_text=d.number_text,
            issued_on=d.issued_on,
            title=d.title,
            authority_name=authority_name,
            awardees=awardees[d.id],
            pdf_url=f"/api/v1/documents/{d.document_id}/pdf" if d.document_id else None,
            verify_url=f"/xac-minh?number={d.number_text}",
        )
        for d, authority_name in rows
    ]
