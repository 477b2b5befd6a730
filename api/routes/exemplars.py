"""Exemplary models (điển hình tiên tiến) of a campaign: propose one (its workflow starts),
list and read them, take one through nurture, follow-ups, summary, publication, adoption
(or drop it), and turn it into a nomination. Every route calls
``api/services/exemplars.py``, as the pages do."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from domain.vocabulary import ExemplarStage
from models.schemas.campaigns import (
    AdoptionCreate,
    DropCreate,
    ExemplarCommandRead,
    ExemplarCreate,
    ExemplarDetail,
    ExemplarNominationCreate,
    ExemplarPage,
    FollowUpCreate,
    NurtureCreate,
    PublishCreate,
    SummarizeCreate,
)
from models.schemas.common import DbId

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
from ..services import exemplars as service

router = APIRouter(prefix="/api/v1", tags=["campaigns"])

COMMAND_ERRORS = error_responses(Unauthorized, Forbidden, NotFound, WrongStage, InvalidInput)


@router.post(
    "/campaigns/{campaign_id}/exemplars",
    response_model=ExemplarDetail,
    status_code=201,
    responses=error_responses(
        Unauthorized, Forbidden, NotFound, WrongStage, InvalidInput, ServiceUnavailable
    ),
)
async def propose_exemplar(
    campaign_id: DbId,
    body: ExemplarCreate,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> ExemplarDetail:
    """Discover an exemplary model (a unit for its own people, households and practices;
    the standing body for any in the ward), with its evidence."""
    return await service.propose_exemplar(
        session,
        temporal,
        state.settings.task_queue,
        principal=user,
        campaign_id=campaign_id,
        data=body,
    )


@router.get(
    "/campaigns/{campaign_id}/exemplars",
    response_model=ExemplarPage,
    responses=error_responses(Unauthorized, NotFound),
)
async def list_exemplars(
    campaign_id: DbId,
    _user: CurrentUser,
    session: ReadSessionDep,
    stage: ExemplarStage | None = None,
    unit_id: DbId | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ExemplarPage:
    return await service.exemplars_page(
        session,
        campaign_id=campaign_id,
        stage=stage,
        unit_id=unit_id,
        page=page,
        page_size=page_size,
    )


@router.get(
    "/exemplars/{exemplar_id}",
    response_model=ExemplarDetail,
    responses=error_responses(Unauthorized, NotFound),
)
async def get_exemplar(
    exemplar_id: DbId, user: CurrentUser, session: ReadSessionDep
) -> ExemplarDetail:
    """The model, its follow-ups, assessments, adoptions and the actions open to you."""
    exemplar = await service.get_exemplar(session, exemplar_id)
    return await service.exemplar_detail(session, user, exemplar)


@router.post(
    "/exemplars/{exemplar_id}/nurture", response_model=ExemplarCommandRead, responses=COMMAND_ERRORS
)
async def nurture(
    exemplar_id: DbId,
    body: NurtureCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> ExemplarCommandRead:
    """Nurture the model: a support plan, a responsible officer and the follow-up interval
    (or revise them)."""
    return await service.nurture(
        session, temporal, principal=user, exemplar_id=exemplar_id, data=body
    )


@router.post(
    "/exemplars/{exemplar_id}/follow-ups",
    response_model=ExemplarCommandRead,
    responses=COMMAND_ERRORS,
)
async def record_follow_up(
    exemplar_id: DbId,
    body: FollowUpCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> ExemplarCommandRead:
    """Record a periodic follow-up; the next one falls due one interval later."""
    return await service.record_follow_up(
        session, temporal, principal=user, exemplar_id=exemplar_id, data=body
    )


@router.post(
    "/exemplars/{exemplar_id}/summarize",
    response_model=ExemplarCommandRead,
    responses=COMMAND_ERRORS,
)
async def summarize(
    exemplar_id: DbId,
    body: SummarizeCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> ExemplarCommandRead:
    """Assess the model with findings: for the milestone that asked, or on demand."""
    return await service.summarize(
        session, temporal, principal=user, exemplar_id=exemplar_id, data=body
    )


@router.post(
    "/exemplars/{exemplar_id}/publish", response_model=ExemplarCommandRead, responses=COMMAND_ERRORS
)
async def publish(
    exemplar_id: DbId,
    body: PublishCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> ExemplarCommandRead:
    """The public service centre publishes a summarized model for replication."""
    return await service.publish(
        session, temporal, principal=user, exemplar_id=exemplar_id, data=body
    )


@router.post(
    "/exemplars/{exemplar_id}/adoptions",
    response_model=ExemplarCommandRead,
    status_code=201,
    responses={**COMMAND_ERRORS, **error_responses(Conflict)},
)
async def report_adoption(
    exemplar_id: DbId,
    body: AdoptionCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> ExemplarCommandRead:
    """Another unit reports that it adopted the published model (once per unit)."""
    return await service.report_adoption(
        session, temporal, principal=user, exemplar_id=exemplar_id, data=body
    )


@router.post(
    "/exemplars/{exemplar_id}/drop", response_model=ExemplarCommandRead, responses=COMMAND_ERRORS
)
async def drop(
    exemplar_id: DbId,
    body: DropCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> ExemplarCommandRead:
    """Stop following the model, with the reason."""
    return await service.drop(session, temporal, principal=user, exemplar_id=exemplar_id, data=body)


@router.post(
    "/exemplars/{exemplar_id}/nomination",
    response_model=ExemplarCommandRead,
    status_code=201,
    responses={**COMMAND_ERRORS, **error_responses(Conflict)},
)
async def propose_nomination(
    exemplar_id: DbId,
    body: ExemplarNominationCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> ExemplarCommandRead:
    """Turn the summarized model into a DRAFT nomination (its summary and evidence become
    the achievement report); the unit then submits it with POST /nominations/{id}/submit."""
    return await service.propose_nomination(
        session,
        temporal,
        principal=user,
        exemplar_id=exemplar_id,
        data=body,
        rule_set=state.catalogue.in_force(state.clock.today()),
    )
