"""The administration of councils in the JSON API (administrators, within their scope):
the councils with their members, active and past, a council for an authority that has
none, its name and rules, a member added, edited, ended or replaced mid-term. Every
change is audited with the old and new values."""

from __future__ import annotations

from fastapi import APIRouter

from models.schemas.common import DbId
from models.schemas.council_admin import (
    CouncilCreate,
    CouncilMemberCreate,
    CouncilMemberEnd,
    CouncilMemberRead,
    CouncilMemberReplace,
    CouncilMemberUpdate,
    CouncilRead,
    CouncilUpdate,
)

from ..deps import ClockDep, CurrentUser, SessionDep
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized, error_responses
from ..services import council_admin
from ..services.council_admin import CouncilView

router = APIRouter(prefix="/api/v1/admin/councils", tags=["administration"])

CHANGE_ERRORS = error_responses(Unauthorized, Forbidden, NotFound, Conflict, InvalidInput)


def council_read(view: CouncilView) -> CouncilRead:
    return CouncilRead(
        id=view.council.id,
        authority_id=view.authority.id,
        authority_name=view.authority.name,
        unit_id=view.authority.unit_id,
        name=view.council.name,
        rules_note=view.council.rules_note,
        members=[
            CouncilMemberRead(
                id=member.id,
                user_id=user.id,
                username=user.username,
                full_name=user.full_name,
                council_role=member.council_role,
                title=member.title,
                active=member.active,
                term_start=member.term_start,
                term_end=member.term_end,
                replaces_member_id=member.replaces_member_id,
            )
            for member, user in view.members
        ],
    )


@router.get(
    "", response_model=list[CouncilRead], responses=error_responses(Unauthorized, Forbidden)
)
async def list_councils(user: CurrentUser, session: SessionDep) -> list[CouncilRead]:
    """The councils of the authorities one administers, each with its members (the active
    ones first, then the past ones, with their terms)."""
    return [council_read(v) for v in await council_admin.list_councils(session, user)]


@router.post("", response_model=CouncilRead, status_code=201, responses=CHANGE_ERRORS)
async def create_council(
    body: CouncilCreate, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> CouncilRead:
    """A council for an authority that has none (an authority that has one: 409; one
    that does not exist or lies outside one's scope: 422 naming ``authority_id``)."""
    return council_read(
        await council_admin.create_council(
            session,
            user,
            authority_id=body.authority_id,
            name=body.name,
            rules_note=body.rules_note,
            now=clock.now(),
        )
    )


@router.get(
    "/{council_id}",
    response_model=CouncilRead,
    responses=error_responses(Unauthorized, Forbidden, NotFound),
)
async def get_council(council_id: DbId, user: CurrentUser, session: SessionDep) -> CouncilRead:
    return council_read(await council_admin.council_view(session, user, council_id))


@router.patch("/{council_id}", response_model=CouncilRead, responses=CHANGE_ERRORS)
async def update_council(
    council_id: DbId, body: CouncilUpdate, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> CouncilRead:
    """Change the council's name or rules note (only the fields sent)."""
    return council_read(
        await council_admin.update_council(
            session,
            user,
            council_id=council_id,
            values=body.model_dump(exclude_unset=True),
            now=clock.now(),
        )
    )


@router.post(
    "/{council_id}/members", response_model=CouncilRead, status_code=201, responses=CHANGE_ERRORS
)
async def add_member(
    council_id: DbId,
    body: CouncilMemberCreate,
    user: CurrentUser,
    session: SessionDep,
    clock: ClockDep,
) -> CouncilRead:
    """A new member with their council role, title and term. A second active chairman:
    409 naming ``council_role``; an account that is or was a member: 409 naming
    ``user_id``; an unknown or deactivated account: 422 naming ``user_id``."""
    return council_read(
        await council_admin.add_member(
            session,
            user,
            council_id=council_id,
            user_id=body.user_id,
            council_role=body.council_role,
            title=body.title,
            term_start=body.term_start,
            term_end=body.term_end,
            now=clock.now(),
        )
    )


@router.patch(
    "/{council_id}/members/{member_id}", response_model=CouncilRead, responses=CHANGE_ERRORS
)
async def update_member(
    council_id: DbId,
    member_id: DbId,
    body: CouncilMemberUpdate,
    user: CurrentUser,
    session: SessionDep,
    clock: ClockDep,
) -> CouncilRead:
    """Change a member's council role, title or term (only the fields sent)."""
    return council_read(
        await council_admin.update_member(
            session,
            user,
            council_id=council_id,
            member_id=member_id,
            values=body.model_dump(exclude_unset=True),
            now=clock.now(),
        )
    )


@router.post(
    "/{council_id}/members/{member_id}/end", response_model=CouncilRead, responses=CHANGE_ERRORS
)
async def end_membership(
    council_id: DbId,
    member_id: DbId,
    body: CouncilMemberEnd,
    user: CurrentUser,
    session: SessionDep,
    clock: ClockDep,
) -> CouncilRead:
    """The member leaves the council after ``term_end`` (the row stays; already ended: 409).
    Sessions already convened keep the roll they were convened with."""
    return council_read(
        await council_admin.end_membership(
            session,
            user,
            council_id=council_id,
            member_id=member_id,
            term_end=body.term_end,
            now=clock.now(),
        )
    )


@router.post(
    "/{council_id}/members/{member_id}/replace",
    response_model=CouncilRead,
    status_code=201,
    responses=CHANGE_ERRORS,
)
async def replace_member(
    council_id: DbId,
    member_id: DbId,
    body: CouncilMemberReplace,
    user: CurrentUser,
    session: SessionDep,
    clock: ClockDep,
) -> CouncilRead:
    """A new member in the place of an active one from ``starts_on``: the member replaced
    ends the day before, the new one names whom they replace (``replaces_member_id``)."""
    view, _ = await council_admin.replace_member(
        session,
        user,
        council_id=council_id,
        member_id=member_id,
        user_id=body.user_id,
        starts_on=body.starts_on,
        council_role=body.council_role,
        title=body.title,
        term_end=body.term_end,
        now=clock.now(),
    )
    return council_read(view)
