"""Registrations for a campaign (đăng ký thi đua): a unit, or a person of it, registers the
titles aimed for this year or signs a pledge; the list, by year and unit. Both routes call
``api/services/registrations.py``, as the pages do."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from models.schemas.campaigns import RegistrationCreate, RegistrationPage, RegistrationRead
from models.schemas.common import DbId

from ..deps import CurrentUser, ReadSessionDep, StateDep, TemporalDep
from ..errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthorized,
    WrongStage,
    error_responses,
)
from ..services import registrations as service

router = APIRouter(prefix="/api/v1", tags=["campaigns"])


@router.post(
    "/campaigns/{campaign_id}/registrations",
    response_model=RegistrationRead,
    status_code=201,
    responses=error_responses(
        Unauthorized, Forbidden, NotFound, WrongStage, InvalidInput, Conflict
    ),
)
async def register(
    campaign_id: DbId,
    body: RegistrationCreate,
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> RegistrationRead:
    """A unit, or a person of the unit, registers the titles aimed for this year or signs
    a pledge (officers of that unit). Once per unit or person and year."""
    return await service.register(
        session, temporal, state, principal=user, campaign_id=campaign_id, data=body
    )


@router.get(
    "/campaigns/{campaign_id}/registrations",
    response_model=RegistrationPage,
    responses=error_responses(Unauthorized, NotFound),
)
async def list_registrations(
    campaign_id: DbId,
    _user: CurrentUser,
    session: ReadSessionDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    unit_id: DbId | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> RegistrationPage:
    return await service.registrations_page(
        session,
        campaign_id=campaign_id,
        year=year,
        unit_id=unit_id,
        page=page,
        page_size=page_size,
    )
