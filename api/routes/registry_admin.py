"""Administration of the registry in the JSON API, for administrators within their scope
(a ward's administrator: their ward's subtree; the deployment's: everything): units (the
tree, a new unit, an edit or a move), people, households and collectives (list, record,
create, edit, merge a duplicate). Every change is audited with the old and new values;
reading a person's record is audited too.

A record outside one's scope answers 404 like a missing one; an id in the body outside it
422 naming the field, like a missing one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from domain.vocabulary import NomineeKind
from models import Unit
from models.schemas.common import DbId, PageNumber, PageSize
from models.schemas.registry_admin import (
    CollectiveAdminRead,
    CollectiveCreate,
    CollectiveUpdate,
    HouseholdAdminPage,
    HouseholdAdminRead,
    HouseholdCreate,
    HouseholdUpdate,
    MergeRequest,
    MergeResult,
    PersonAdminPage,
    PersonAdminRead,
    PersonCreate,
    PersonUpdate,
    UnitAdminRead,
    UnitCreate,
    UnitUpdate,
)

from ..deps import ClockDep, CurrentUser, SessionDep
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized, error_responses
from ..services import person_admin, unit_admin
from ..services import registry_admin as service
from ..services.personal_data import identifiers
from ..services.registry_merge import merge

router = APIRouter(prefix="/api/v1/admin", tags=["registry administration"])

READ_ERRORS = error_responses(Unauthorized, Forbidden, NotFound)
WRITE_ERRORS = error_responses(Unauthorized, Forbidden, NotFound, Conflict, InvalidInput)
SearchText = Annotated[
    str | None,
    Query(max_length=100, description="name (with or without diacritics), or a citizen ID"),
]


def _unit_read(unit: Unit, depth: int = 0) -> UnitAdminRead:
    return UnitAdminRead(
        id=unit.id,
        code=unit.code,
        name=unit.name,
        short_name=unit.short_name,
        kind=unit.kind,
        level=unit.level,
        parent_id=unit.parent_id,
        official_code=unit.official_code,
        address=unit.address,
        depth=depth,
    )


# ---- units -------------------------------------------------------------------------------


@router.get("/units", response_model=list[UnitAdminRead], responses=READ_ERRORS)
async def unit_tree(user: CurrentUser, session: SessionDep) -> list[UnitAdminRead]:
    """The units one administers as a tree, depth first (``depth`` 0 for the top ones):
    the city and central bodies above, a ward's committee, then its offices, organisations
    and residential groups."""
    return [_unit_read(row.unit, row.depth) for row in await unit_admin.unit_tree(session, user)]


@router.post("/units", response_model=UnitAdminRead, status_code=201, responses=WRITE_ERRORS)
async def create_unit(
    body: UnitCreate, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> UnitAdminRead:
    """A new unit under ``parent_id``, at the parent's level unless a lower ``level`` is
    given; only the deployment's administrators add a top unit (no parent, ``level``
    required). A taken ``code`` or ``official_code``: 409 naming it."""
    return _unit_read(await unit_admin.create_unit(session, user, body, now=clock.now()))


@router.patch("/units/{unit_id}", response_model=UnitAdminRead, responses=WRITE_ERRORS)
async def update_unit(
    unit_id: DbId, body: UnitUpdate, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> UnitAdminRead:
    """Rename, re-code, re-address or move a unit (with everything under it): never under
    itself or one of its own units (422 naming ``parent_id``)."""
    return _unit_read(await unit_admin.update_unit(session, user, unit_id, body, now=clock.now()))


# ---- people ------------------------------------------------------------------------------


@router.get("/people", response_model=PersonAdminPage, responses=READ_ERRORS)
async def list_people(
    user: CurrentUser,
    session: SessionDep,
    unit_id: DbId | None = None,
    q: SearchText = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> PersonAdminPage:
    """The people of the units one administers, by given name; identifiers masked (a
    person's own record shows them)."""
    return await person_admin.list_people(
        session, user, unit_id=unit_id, query=q, page=page, page_size=page_size
    )


@router.get("/people/{person_id}", response_model=PersonAdminRead, responses=READ_ERRORS)
async def person_record(
    person_id: DbId, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> PersonAdminRead:
    """One person's record with their citizen ID and date of birth; the read is written to
    the audit trail (``personal_data_read``)."""
    return await person_admin.person_record(
        session, user, person_id, now=clock.now(), via=f"GET /api/v1/admin/people/{person_id}"
    )


@router.post("/people", response_model=PersonAdminRead, status_code=201, responses=WRITE_ERRORS)
async def create_person(
    body: PersonCreate, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> PersonAdminRead:
    """A new person of a unit one administers. A citizen ID has 12 digits and belongs to
    one person (409 naming ``citizen_id``: merge the duplicate instead)."""
    person, unit = await person_admin.create_person(session, user, body, now=clock.now())
    return person_admin.person_read(person, unit.name, identifiers(person, full=True))


@router.patch("/people/{person_id}", response_model=PersonAdminRead, responses=WRITE_ERRORS)
async def update_person(
    person_id: DbId, body: PersonUpdate, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> PersonAdminRead:
    """Change the fields sent (``null`` clears an optional one); a date of birth sets the
    birth year."""
    person, unit = await person_admin.update_person(session, user, person_id, body, now=clock.now())
    return person_admin.person_read(person, unit.name, identifiers(person, full=True))


@router.post("/people/{person_id}/merge", response_model=MergeResult, responses=WRITE_ERRORS)
async def merge_people(
    person_id: DbId, body: MergeRequest, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> MergeResult:
    """Merge the duplicate ``duplicate_id`` into this person: their award records,
    evaluations, initiatives, accounts... move here. Refused (409) while either has a
    nomination under way."""
    return await merge(
        session,
        user,
        NomineeKind.INDIVIDUAL,
        kept_id=person_id,
        duplicate_id=body.duplicate_id,
        now=clock.now(),
    )


# ---- households --------------------------------------------------------------------------


@router.get("/households", response_model=HouseholdAdminPage, responses=READ_ERRORS)
async def list_households(
    user: CurrentUser,
    session: SessionDep,
    unit_id: DbId | None = None,
    q: SearchText = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> HouseholdAdminPage:
    """The households of the residential groups one administers; ``q`` matches the head's
    name or the address."""
    return await service.list_households(
        session, user, unit_id=unit_id, query=q, page=page, page_size=page_size
    )


@router.get("/households/{household_id}", response_model=HouseholdAdminRead, responses=READ_ERRORS)
async def household_record(
    household_id: DbId, user: CurrentUser, session: SessionDep
) -> HouseholdAdminRead:
    return service.household_read(await service.administered_household(session, user, household_id))


@router.post(
    "/households", response_model=HouseholdAdminRead, status_code=201, responses=WRITE_ERRORS
)
async def create_household(
    body: HouseholdCreate, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> HouseholdAdminRead:
    """A new household of a residential group (a unit of kind ``residential_group``)."""
    return service.household_read(
        await service.create_household(session, user, body, now=clock.now())
    )


@router.patch(
    "/households/{household_id}", response_model=HouseholdAdminRead, responses=WRITE_ERRORS
)
async def update_household(
    household_id: DbId,
    body: HouseholdUpdate,
    user: CurrentUser,
    session: SessionDep,
    clock: ClockDep,
) -> HouseholdAdminRead:
    return service.household_read(
        await service.update_household(session, user, household_id, body, now=clock.now())
    )


@router.post("/households/{household_id}/merge", response_model=MergeResult, responses=WRITE_ERRORS)
async def merge_households(
    household_id: DbId,
    body: MergeRequest,
    user: CurrentUser,
    session: SessionDep,
    clock: ClockDep,
) -> MergeResult:
    """Merge the duplicate household into this one (its members and awards move here)."""
    return await merge(
        session,
        user,
        NomineeKind.HOUSEHOLD,
        kept_id=household_id,
        duplicate_id=body.duplicate_id,
        now=clock.now(),
    )


# ---- collectives -------------------------------------------------------------------------


@router.get("/collectives", response_model=list[CollectiveAdminRead], responses=READ_ERRORS)
async def list_collectives(
    user: CurrentUser, session: SessionDep, q: SearchText = None
) -> list[CollectiveAdminRead]:
    return await service.list_collectives(session, user, query=q)


@router.get(
    "/collectives/{collective_id}", response_model=CollectiveAdminRead, responses=READ_ERRORS
)
async def collective_record(
    collective_id: DbId, user: CurrentUser, session: SessionDep
) -> CollectiveAdminRead:
    return service.collective_read(
        *await service.administered_collective(session, user, collective_id)
    )


@router.post(
    "/collectives", response_model=CollectiveAdminRead, status_code=201, responses=WRITE_ERRORS
)
async def create_collective(
    body: CollectiveCreate, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> CollectiveAdminRead:
    """The collective of a unit (one per unit: 409 naming ``unit_id``)."""
    return service.collective_read(
        *await service.create_collective(session, user, body, now=clock.now())
    )


@router.patch(
    "/collectives/{collective_id}", response_model=CollectiveAdminRead, responses=WRITE_ERRORS
)
async def update_collective(
    collective_id: DbId,
    body: CollectiveUpdate,
    user: CurrentUser,
    session: SessionDep,
    clock: ClockDep,
) -> CollectiveAdminRead:
    return service.collective_read(
        *await service.update_collective(session, user, collective_id, body, now=clock.now())
    )


@router.post(
    "/collectives/{collective_id}/merge", response_model=MergeResult, responses=WRITE_ERRORS
)
async def merge_collectives(
    collective_id: DbId,
    body: MergeRequest,
    user: CurrentUser,
    session: SessionDep,
    clock: ClockDep,
) -> MergeResult:
    """Merge the duplicate collective into this one (its awards and evaluations move)."""
    return await merge(
        session,
        user,
        NomineeKind.COLLECTIVE,
        kept_id=collective_id,
        duplicate_id=body.duplicate_id,
        now=clock.now(),
    )
