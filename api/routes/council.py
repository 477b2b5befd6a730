"""Council sessions: convene with an agenda, one ballot sheet per member, close.

Ballots are secret: nothing here returns how a member voted — only who has voted, and
the tallies once the session has closed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from models.schemas.common import DbId
from models.schemas.council import (
    BallotCreate,
    BallotReceiptRead,
    BallotSheetRead,
    CloseCreate,
    SessionCreate,
    SessionPage,
    SessionRead,
)

from ..deps import CurrentUser, ReadSessionDep, SessionDep, StateDep, TemporalDep
from ..errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    Unauthorized,
    WrongStage,
    error_responses,
)
from ..services import council as service

router = APIRouter(prefix="/api/v1", tags=["council"])


@router.post(
    "/council-sessions",
    response_model=SessionRead,
    status_code=201,
    responses=error_responses(Unauthorized, Forbidden, InvalidInput, Conflict, ServiceUnavailable),
)
async def convene_session(
    body: SessionCreate,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> SessionRead:
    """The standing body convenes the council with an agenda of nominations that await it."""
    row = await service.open_session(
        session,
        temporal=temporal,
        principal=user,
        data=body,
        catalogue=state.catalogue,
        settings=state.settings,
        now=state.clock.now(),
    )
    async with state.reader() as read:
        return await service.read_session_by_id(read, session_id=row.id, catalogue=state.catalogue)


@router.get(
    "/council-sessions", response_model=SessionPage, responses=error_responses(Unauthorized)
)
async def list_sessions(
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SessionPage:
    return await service.list_sessions(
        session, principal=user, catalogue=state.catalogue, page=page, page_size=page_size
    )


@router.get(
    "/council-sessions/{session_id}",
    response_model=SessionRead,
    responses=error_responses(Unauthorized, Forbidden, NotFound),
)
async def get_session(
    session_id: DbId, user: CurrentUser, session: ReadSessionDep, state: StateDep
) -> SessionRead:
    """The agenda, who has voted (never how), and the tallies once closed."""
    row = await service.visible_session(session, principal=user, session_id=session_id)
    return await service.read_session(session, session_row=row, catalogue=state.catalogue)


@router.get(
    "/council-sessions/{session_id}/ballot-sheet",
    response_model=BallotSheetRead,
    responses=error_responses(Unauthorized, Forbidden, NotFound),
)
async def ballot_sheet(
    session_id: DbId, user: CurrentUser, session: ReadSessionDep, state: StateDep
) -> BallotSheetRead:
    """The member's own sheet: every agenda item, and those the member is recused from."""
    return await service.ballot_sheet(
        session, principal=user, session_id=session_id, catalogue=state.catalogue
    )


@router.post(
    "/council-sessions/{session_id}/ballot",
    response_model=BallotReceiptRead,
    status_code=201,
    responses=error_responses(Unauthorized, Forbidden, WrongStage, InvalidInput, Conflict),
)
async def cast_ballot(
    session_id: DbId,
    body: BallotCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> BallotReceiptRead:
    """Cast ONE ballot sheet covering every agenda item (in person, or a written opinion
    when absent). A second sheet, a sheet after closing or from a non-member is refused."""
    return await service.cast_ballot(
        session, temporal=temporal, principal=user, session_id=session_id, body=body
    )


@router.post(
    "/council-sessions/{session_id}/close",
    response_model=SessionRead,
    responses=error_responses(Unauthorized, Forbidden, WrongStage),
)
async def close_session(
    session_id: DbId,
    body: CloseCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> SessionRead:
    """Close the ballot now; the tally follows at once."""
    row = await service.close_session(
        session, temporal=temporal, principal=user, session_id=session_id, body=body
    )
    async with state.reader() as read:  # a new snapshot: the tally was written meanwhile
        return await service.read_session_by_id(read, session_id=row.id, catalogue=state.catalogue)
