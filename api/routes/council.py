"""Council sessions: convene with an agenda, one ballot sheet per member, close.

Ballots are secret: nothing here returns how a member voted — only who has voted, and
the tallies once the session has closed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.vocabulary import Role
from models import BallotReceipt, CouncilSession
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
from workflows.council_session import CouncilSessionWorkflow
from workflows.council_types import BallotSheet, CloseCommand

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
from ..principal import Principal
from ..services import council as service
from ..temporal_calls import execute_update

router = APIRouter(prefix="/api/v1", tags=["council"])


async def _visible(session, user: Principal, session_id: int) -> CouncilSession:
    row = await session.get(CouncilSession, session_id)
    if row is None:
        if user.is_admin:
            raise NotFound("Không có phiên họp này", "no such session")
        raise Forbidden()
    if not service.can_see_session(user, row):
        raise Forbidden()
    return row


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
    row, workflow_input = await service.convene(
        session,
        principal=user,
        data=body,
        catalogue=state.catalogue,
        settings=state.settings,
        now=state.clock.now(),
    )
    await session.commit()
    try:
        await temporal.start_workflow(
            CouncilSessionWorkflow.run,
            workflow_input,
            id=row.workflow_id,
            task_queue=state.settings.task_queue,
        )
    except WorkflowAlreadyStartedError:
        raise Conflict("Phiên họp đã được mở", "the session is already open") from None
    except Exception as exc:
        await session.delete(row)
        await session.commit()
        raise ServiceUnavailable(
            "Không mở được phiên họp", f"could not start the session: {exc}"
        ) from exc
    async with state.reader() as read:
        return await service.read_session(
            read, await read.get(CouncilSession, row.id), state.catalogue
        )


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
    authorities = user.authority_ids(
        Role.STANDING_OFFICER, Role.CHAIRMAN, Role.VICE_CHAIRMAN, Role.COUNCIL_MEMBER, Role.AUDITOR
    )
    condition = (
        CouncilSession.id.is_not(None)
        if user.is_admin
        else CouncilSession.authority_id.in_(authorities)
    )
    total = (
        await session.execute(select(func.count()).select_from(CouncilSession).where(condition))
    ).scalar_one()
    rows = (
        (
            await session.execute(
                select(CouncilSession)
                .where(condition)
                .order_by(CouncilSession.id.desc())
                .offset((page - 1) * page_size)
                .limit(page_size)
            )
        )
        .scalars()
        .all()
    )
    return SessionPage(
        total=total,
        page=page,
        page_size=page_size,
        items=[await service.read_session(session, r, state.catalogue) for r in rows],
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
    row = await _visible(session, user, session_id)
    return await service.read_session(session, row, state.catalogue)


@router.get(
    "/council-sessions/{session_id}/ballot-sheet",
    response_model=BallotSheetRead,
    responses=error_responses(Unauthorized, Forbidden, NotFound),
)
async def ballot_sheet(
    session_id: DbId, user: CurrentUser, session: ReadSessionDep, state: StateDep
) -> BallotSheetRead:
    """The member's own sheet: every agenda item, and those the member is recused from."""
    row = await _visible(session, user, session_id)
    member_id = user.actor.member_id_in(row.council_id)
    if member_id is None:
        raise Forbidden(
            "Chỉ thành viên Hội đồng có phiếu", "only council members have a ballot sheet"
        )
    read = await service.read_session(session, row, state.catalogue)
    voted = (
        await session.execute(
            select(BallotReceipt.id).where(
                BallotReceipt.session_id == row.id, BallotReceipt.member_id == member_id
            )
        )
    ).scalar_one_or_none() is not None
    return BallotSheetRead(
        session_id=row.id,
        member_id=member_id,
        title=row.title,
        closes_at=row.closes_at,
        status=row.status,
        has_voted=voted,
        items=[i for i in read.items if not i.withdrawn],
        recused_nomination_ids=[
            i.nomination_id for i in read.items if member_id in i.recused_member_ids
        ],
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
    row = await _visible(session, user, session_id)
    handle = temporal.get_workflow_handle(row.workflow_id)
    receipt = await execute_update(
        handle,
        CouncilSessionWorkflow.cast_ballot,
        BallotSheet(
            actor=user.actor,
            mode=body.mode,
            choices=dict(body.choices),
            written_opinion=body.written_opinion,
        ),
        current_stage=row.status.value,
    )
    return BallotReceiptRead(
        session_id=row.id, member_id=receipt.member_id, mode=receipt.mode, cast_at=receipt.cast_at
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
    row = await _visible(session, user, session_id)
    handle = temporal.get_workflow_handle(row.workflow_id)
    await execute_update(
        handle,
        CouncilSessionWorkflow.close,
        CloseCommand(actor=user.actor, reason=body.reason),
        current_stage=row.status.value,
    )
    async with state.reader() as read:  # a new snapshot: the tally was written meanwhile
        return await service.read_session(
            read, await read.get(CouncilSession, row.id), state.catalogue
        )
