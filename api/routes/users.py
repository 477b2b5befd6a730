"""User administration in the JSON API, for administrators only: the accounts with their
role grants, a new account (its owner chooses the password through a one-time link), and
role grants scoped to a unit, given and taken away."""

from __future__ import annotations

from fastapi import APIRouter

from models.schemas.common import DbId
from models.schemas.users import RoleGrantCreate, RoleGrantRead, UserCreate, UserCreated, UserRead

from ..deps import ClockDep, CurrentUser, SessionDep, SettingsDep
from ..errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    Unauthorized,
    error_responses,
)
from ..services import user_admin
from ..services.user_admin import Account

router = APIRouter(prefix="/api/v1", tags=["accounts"])


def _read(account: Account) -> UserRead:
    user = account.user
    return UserRead(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        is_active=user.is_active,
        must_change_password=user.must_change_password,
        roles=[
            RoleGrantRead(
                id=grant.id,
                role=grant.role,
                unit_id=unit.id,
                unit_code=unit.code,
                unit_name=unit.name,
                level=grant.level,
            )
            for grant, unit in account.grants
        ],
    )


@router.get(
    "/users", response_model=list[UserRead], responses=error_responses(Unauthorized, Forbidden)
)
async def list_users(user: CurrentUser, session: SessionDep) -> list[UserRead]:
    """The accounts the administrator administers, by username, with their role grants
    (unit and level): every account for the deployment's administrators; for a unit's
    administrator, those with a role in their subtree and those with no role yet."""
    return [_read(a) for a in await user_admin.list_accounts(session, user)]


@router.post(
    "/users",
    response_model=UserCreated,
    status_code=201,
    responses=error_responses(Unauthorized, Forbidden, Conflict, InvalidInput, ServiceUnavailable),
)
async def create_user(
    body: UserCreate, user: CurrentUser, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> UserCreated:
    """A new account with no password yet: a one-time link to choose one is mailed to its
    address (the answer names it, masked; never the link). Without an address, or with
    mail switched off, the server operator issues it with ``thidua admin link``. A taken
    username: 409 naming ``username``."""
    created = await user_admin.create_account(
        session,
        settings,
        user,
        username=body.username,
        full_name=body.full_name,
        email=body.email,
        now=clock.now(),
    )
    username = created.account.user.username
    if created.sent_to is not None:
        next_step = (
            f"Đã gửi liên kết đặt mật khẩu tới {created.sent_to} / "
            f"A link to choose a password was mailed to {created.sent_to}"
        )
    else:
        next_step = (
            f"Người vận hành máy chủ cấp liên kết đặt mật khẩu bằng lệnh "
            f"thidua admin link --username {username} / The server operator issues the "
            f"password link with `thidua admin link --username {username}`"
        )
    return UserCreated(
        user=_read(created.account), setup_link_sent_to=created.sent_to, next_step=next_step
    )


@router.post(
    "/users/{user_id}/roles",
    response_model=UserRead,
    status_code=201,
    responses=error_responses(Unauthorized, Forbidden, NotFound, Conflict, InvalidInput),
)
async def grant_role(
    user_id: DbId, body: RoleGrantCreate, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> UserRead:
    """Give the account a role in a unit (at that unit's level). An unknown unit, or one
    the administrator does not administer: 422 naming ``body.unit_id``; the same role in
    the same unit again: 409."""
    return _read(
        await user_admin.grant_role(
            session, user, user_id=user_id, role=body.role, unit_id=body.unit_id, now=clock.now()
        )
    )


@router.delete(
    "/users/{user_id}/roles/{grant_id}",
    response_model=UserRead,
    responses=error_responses(Unauthorized, Forbidden, NotFound, Conflict),
)
async def revoke_role(
    user_id: DbId, grant_id: DbId, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> UserRead:
    """Take a role grant away. Not one's own last administrator grant (409)."""
    return _read(
        await user_admin.revoke_role(
            session, user, user_id=user_id, grant_id=grant_id, now=clock.now()
        )
    )
