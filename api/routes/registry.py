"""Look-ups for the forms (units, people, collectives, households, initiatives) and the
award history of a person, collective or household, each filtered to what the user may
see (see ``api.services.subjects``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from domain.vocabulary import Level, NomineeKind
from models.schemas.common import DbId, PageNumber, PageSize
from models.schemas.registry import (
    AwardHistory,
    CollectiveRead,
    HouseholdPage,
    InitiativeRead,
    PersonPage,
    PersonRead,
    UnitRead,
)

from ..deps import ClockDep, CurrentUser, ReadSessionDep, SessionDep
from ..errors import Forbidden, NotFound, Unauthorized, error_responses
from ..services import registry as service
from ..services.award_history import award_history

router = APIRouter(prefix="/api/v1", tags=["registry"])

LOOKUP_ERRORS = error_responses(Unauthorized, Forbidden)
HISTORY_ERRORS = error_responses(Unauthorized, Forbidden, NotFound)
SearchText = Annotated[
    str | None, Query(max_length=100, description="name, without accents if you like")
]


@router.get("/units", response_model=list[UnitRead], responses=LOOKUP_ERRORS)
async def list_units(
    user: CurrentUser,
    session: ReadSessionDep,
    level: Level | None = None,
    parent_id: DbId | None = None,
) -> list[UnitRead]:
    """The units the user may see, optionally of one level or under one parent."""
    return await service.list_units(session, user, level=level, parent_id=parent_id)


@router.get("/people", response_model=PersonPage, responses=LOOKUP_ERRORS)
async def list_people(
    user: CurrentUser,
    session: ReadSessionDep,
    unit_id: DbId | None = None,
    q: SearchText = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> PersonPage:
    """People of the units the user may see (or of one of them), by name; ``q`` matches
    every word of the name with or without diacritics."""
    return await service.list_people(
        session, user, unit_id=unit_id, query=q, page=page, page_size=page_size
    )


@router.get("/people/{person_id}", response_model=PersonRead, responses=HISTORY_ERRORS)
async def person_record(
    person_id: DbId, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> PersonRead:
    """One person's record. The citizen ID and date of birth (personal data, Decree
    13/2023) in full only for the administrators of the person's unit and the standing
    officers of their ward; masked for everyone else (``identifiers_masked``). The read is
    written to the audit trail."""
    return await service.person_record(session, user, person_id, now=clock.now())


@router.get("/people/{person_id}/awards", response_model=AwardHistory, responses=HISTORY_ERRORS)
async def person_history(
    person_id: DbId, user: CurrentUser, session: ReadSessionDep
) -> AwardHistory:
    """A person's awards (newest first, revoked ones marked), yearly evaluations and
    initiatives."""
    return await award_history(session, user, NomineeKind.INDIVIDUAL, person_id)


@router.get("/collectives", response_model=list[CollectiveRead], responses=LOOKUP_ERRORS)
async def list_collectives(
    user: CurrentUser, session: ReadSessionDep, unit_id: DbId | None = None
) -> list[CollectiveRead]:
    """Collectives (offices, schools, residential groups...) of the units the user may see."""
    return await service.list_collectives(session, user, unit_id=unit_id)


@router.get(
    "/collectives/{collective_id}/awards", response_model=AwardHistory, responses=HISTORY_ERRORS
)
async def collective_history(
    collective_id: DbId, user: CurrentUser, session: ReadSessionDep
) -> AwardHistory:
    """A collective's awards (newest first) and yearly evaluations."""
    return await award_history(session, user, NomineeKind.COLLECTIVE, collective_id)


@router.get("/households", response_model=HouseholdPage, responses=LOOKUP_ERRORS)
async def list_households(
    user: CurrentUser,
    session: ReadSessionDep,
    unit_id: DbId | None = None,
    q: SearchText = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> HouseholdPage:
    """Households of the residential groups the user may see; ``q`` matches the head's
    name or the address."""
    return await service.list_households(
        session, user, unit_id=unit_id, query=q, page=page, page_size=page_size
    )


@router.get(
    "/households/{household_id}/awards", response_model=AwardHistory, responses=HISTORY_ERRORS
)
async def household_history(
    household_id: DbId, user: CurrentUser, session: ReadSessionDep
) -> AwardHistory:
    """A household's awards (e.g. Gia đình văn hóa), newest first."""
    return await award_history(session, user, NomineeKind.HOUSEHOLD, household_id)


@router.get("/initiatives", response_model=list[InitiativeRead], responses=HISTORY_ERRORS)
async def list_initiatives(
    user: CurrentUser, session: ReadSessionDep, person_id: DbId | None = None
) -> list[InitiativeRead]:
    """Recognised initiatives of one person, or of every person the user may see; ``used``
    says whether one already grounds an award."""
    return await service.list_initiatives(session, user, person_id=person_id)
