"""The emulation campaign: launch it, read it (with what its workflow does now), amend it
(add a content area, move a milestone), and its report (JSON figures and a PDF).

Registrations are in ``registrations.py``, exemplary models in ``exemplars.py``; every
route calls ``api/services/campaigns.py``, as the pages do."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from models.schemas.campaigns import (
    CampaignCreate,
    CampaignDetail,
    CampaignPage,
    CampaignReportRead,
    ContentAreaCreate,
    MilestoneMove,
    ReportCreate,
    ReportDocumentRead,
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
from ..services import campaigns as service

router = APIRouter(prefix="/api/v1", tags=["campaigns"])

COMMAND_ERRORS = error_responses(Unauthorized, Forbidden, NotFound, WrongStage, InvalidInput)


@router.post(
    "/campaigns",
    response_model=CampaignDetail,
    status_code=201,
    responses=error_responses(Unauthorized, Forbidden, InvalidInput, Conflict, ServiceUnavailable),
)
async def launch_new_campaign(
    body: CampaignCreate,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> CampaignDetail:
    """The standing body launches a campaign with its theme, content areas, stages and
    milestones; its workflow starts at once."""
    return await service.launch_new_campaign(
        session,
        temporal,
        state.settings.task_queue,
        principal=user,
        data=body,
        now=state.clock.now(),
    )


@router.post(
    "/campaigns/{campaign_id}/launch",
    response_model=CampaignDetail,
    responses=error_responses(Unauthorized, Forbidden, NotFound, WrongStage, ServiceUnavailable),
)
async def launch_campaign(
    campaign_id: DbId,
    user: CurrentUser,
    session: SessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> CampaignDetail:
    """Launch a planned campaign (one prepared beforehand, like the seeded plan)."""
    return await service.launch_campaign(
        session,
        temporal,
        state.settings.task_queue,
        principal=user,
        campaign_id=campaign_id,
        now=state.clock.now(),
    )


@router.get("/campaigns", response_model=CampaignPage, responses=error_responses(Unauthorized))
async def list_campaigns(
    _user: CurrentUser,
    session: ReadSessionDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> CampaignPage:
    return await service.campaigns_page(session, page=page, page_size=page_size)


@router.get(
    "/campaigns/{campaign_id}",
    response_model=CampaignDetail,
    responses=error_responses(Unauthorized, NotFound),
)
async def get_campaign(
    campaign_id: DbId, user: CurrentUser, session: ReadSessionDep, temporal: TemporalDep
) -> CampaignDetail:
    """The plan, its milestones (with their reports), and what the workflow does now."""
    campaign = await service.get_campaign(session, campaign_id)
    return await service.campaign_detail(session, temporal, user, campaign)


@router.post(
    "/campaigns/{campaign_id}/content-areas",
    response_model=CampaignDetail,
    responses=COMMAND_ERRORS,
)
async def add_content_area(
    campaign_id: DbId,
    body: ContentAreaCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> CampaignDetail:
    """Amend the campaign: add a content area (audited)."""
    return await service.add_content_area(
        session, temporal, principal=user, campaign_id=campaign_id, data=body
    )


@router.post(
    "/campaigns/{campaign_id}/milestones/{milestone_code}/move",
    response_model=CampaignDetail,
    responses=COMMAND_ERRORS,
)
async def move_milestone(
    campaign_id: DbId,
    milestone_code: str,
    body: MilestoneMove,
    user: CurrentUser,
    session: ReadSessionDep,
    temporal: TemporalDep,
) -> CampaignDetail:
    """Amend the campaign: move a milestone to another date, with the reason (audited)."""
    return await service.move_milestone(
        session,
        temporal,
        principal=user,
        campaign_id=campaign_id,
        milestone_code=milestone_code,
        data=body,
    )


# ---- the report -------------------------------------------------------------------------------


@router.get(
    "/campaigns/{campaign_id}/report",
    response_model=CampaignReportRead,
    responses=error_responses(Unauthorized, NotFound),
)
async def campaign_report(
    campaign_id: DbId,
    _user: CurrentUser,
    session: ReadSessionDep,
    through_year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> CampaignReportRead:
    """Registrations, nominations and awards per content area and unit; exemplary models
    by step and their adoptions; up to the end of ``through_year`` (default: all)."""
    return await service.campaign_report(
        session, campaign_id=campaign_id, through_year=through_year
    )


@router.post(
    "/campaigns/{campaign_id}/reports",
    response_model=ReportDocumentRead,
    status_code=201,
    responses=error_responses(Unauthorized, Forbidden, NotFound),
)
async def generate_report(
    campaign_id: DbId,
    body: ReportCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
) -> ReportDocumentRead:
    """The report as a PDF document (stored; download it from /documents/{id}/pdf), for
    the standing body, the leaders and auditors of the campaign's authority."""
    return await service.generate_report(
        session, state, principal=user, campaign_id=campaign_id, data=body
    )
