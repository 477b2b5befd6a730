"""The deciding bodies in the JSON API, for administrators: each people's committee that
decides awards, the words its documents are headed with, its standing body and the body
it forwards to (a new one comes with its council)."""

from __future__ import annotations

from fastapi import APIRouter

from models.schemas.authority_admin import AuthorityCreate, AuthorityRead, AuthorityUpdate
from models.schemas.common import DbId

from ..deps import ClockDep, CurrentUser, ReadSessionDep, SessionDep
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized, error_responses
from ..services import authority_admin as service
from ..services.authority_admin import AuthorityView

router = APIRouter(prefix="/api/v1/admin/authorities", tags=["administration"])


def _read(view: AuthorityView) -> AuthorityRead:
    authority = view.authority
    return AuthorityRead(
        id=authority.id,
        level=authority.level,
        unit_id=authority.unit_id,
        unit_code=view.unit.code,
        name=authority.name,
        header_lines=list(authority.header_lines),
        place_name=authority.place_name,
        head_title=authority.head_title,
        decision_code=authority.decision_code,
        submission_code=authority.submission_code,
        standing_unit_id=authority.standing_unit_id,
        parent_authority_id=authority.parent_authority_id,
        council_id=view.council_id,
    )


@router.get(
    "", response_model=list[AuthorityRead], responses=error_responses(Unauthorized, Forbidden)
)
async def list_authorities(user: CurrentUser, session: ReadSessionDep) -> list[AuthorityRead]:
    """The deciding bodies whose units the administrator administers, top level first."""
    return [_read(view) for view in await service.list_authorities(session, user)]


@router.post(
    "",
    response_model=AuthorityRead,
    status_code=201,
    responses=error_responses(Unauthorized, Forbidden, InvalidInput, Conflict),
)
async def create_authority(
    body: AuthorityCreate, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> AuthorityRead:
    """The deciding body of a people's committee unit, with its council; words left
    blank are proposed from its name ("ỦY BAN NHÂN DÂN / PHƯỜNG …")."""
    view = await service.create_authority(session, user, **body.model_dump(), now=clock.now())
    return _read(view)


@router.patch(
    "/{authority_id}",
    response_model=AuthorityRead,
    responses=error_responses(Unauthorized, Forbidden, InvalidInput, NotFound),
)
async def update_authority(
    authority_id: DbId,
    body: AuthorityUpdate,
    user: CurrentUser,
    session: SessionDep,
    clock: ClockDep,
) -> AuthorityRead:
    """Changes the fields given; audited with the old and new values."""
    view = await service.update_authority(
        session, user, authority_id, changes=body.model_dump(exclude_unset=True), now=clock.now()
    )
    return _read(view)
