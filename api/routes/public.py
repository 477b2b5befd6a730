"""The public portal's JSON: current public notices (with the objection form), issued
decisions with their awardees. No login; the objection form is rate-limited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from models.schemas.common import DB_INT_MAX, DbId
from models.schemas.nominations import CommandRead, ObjectionCreate
from models.schemas.public import PublicDecisionPage, PublicNoticePage

from ..deps import ClockDep, ReadSessionDep, SessionDep, StateDep, TemporalDep
from ..errors import InvalidInput, NotFound, TooManyRequests, WrongStage, error_responses
from ..services import objections, public

router = APIRouter(prefix="/api/v1/public", tags=["public portal"])


@router.get("/notices", response_model=PublicNoticePage)
async def public_notices(session: ReadSessionDep, state: StateDep) -> PublicNoticePage:
    """Nominations posted for public comment right now."""
    items = await public.current_notices(session, state)
    return PublicNoticePage(total=len(items), items=items)


@router.post(
    "/notices/{nomination_id}/objections",
    response_model=CommandRead,
    status_code=201,
    responses=error_responses(NotFound, WrongStage, InvalidInput, TooManyRequests),
)
async def lodge_objection(
    nomination_id: DbId,
    body: ObjectionCreate,
    request: Request,
    session: SessionDep,
    temporal: TemporalDep,
    clock: ClockDep,
) -> CommandRead:
    """A written objection with name and contact; it blocks the nomination until the
    standing body resolves it. At most 10 an hour from one address, and 3 on one notice
    from one contact (then 409)."""
    return await objections.lodge(
        session,
        temporal,
        client_address=request.client.host if request.client else "unknown",
        nomination_id=nomination_id,
        body=body,
        now=clock.now(),
    )


@router.get("/decisions", response_model=PublicDecisionPage)
async def public_decisions(
    session: ReadSessionDep,
    number: Annotated[
        str | None, Query(max_length=64, description='as printed, e.g. "01/QĐ-UBND"')
    ] = None,
    authority_id: Annotated[
        int | None, Query(ge=1, le=DB_INT_MAX, description="the issuing authority")
    ] = None,
    year: Annotated[int | None, Query(ge=1945, le=2100)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> PublicDecisionPage:
    """Issued decisions (never a submission): number, issuer, date, awardees. A number
    is one decision only with its issuer and year (the ward's and the city's first
    decisions of a year are both 01/QĐ-UBND): narrow by ``authority_id`` and ``year``."""
    total, items = await public.issued_decisions(
        session,
        page=page,
        page_size=page_size,
        number=number,
        authority_id=authority_id,
        year=year,
    )
    return PublicDecisionPage(total=total, page=page, page_size=page_size, items=items)
