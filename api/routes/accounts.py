"""Accounts in the JSON API: one's own password change, and an administrator
deactivating or reactivating an account (nothing it did is deleted) or having a one-time
password link mailed to its owner."""

from __future__ import annotations

from fastapi import APIRouter, Request

from models.schemas.accounts import PasswordChange, PasswordResetSent, UserStatusRead
from models.schemas.auth import TokenRead
from models.schemas.common import DbId
from thidua.security import create_access_token

from ..deps import ClockDep, CurrentUser, SessionDep, SettingsDep
from ..errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
    error_responses,
)
from ..services import accounts, passwords

router = APIRouter(prefix="/api/v1", tags=["accounts"])


@router.post(
    "/auth/password",
    response_model=TokenRead,
    responses=error_responses(Unauthorized, Forbidden, InvalidInput, TooManyRequests),
)
async def change_password(
    request: Request,
    body: PasswordChange,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> TokenRead:
    """Change your own password, giving the current one (a wrong one: 422 naming
    ``current_password``, counted as a failed sign-in: 429 while the account is paused;
    a weak new one: 422 naming ``new_password``). Every other
    session and token of yours ends; the answer is a new token. Until an account whose
    password someone else chose does this, every other operation answers 403
    ``password_change_required``."""
    changed = await passwords.change_own_password(
        session,
        user,
        current_password=body.current_password,
        new_password=body.new_password,
        now=clock.now(),
        client_address=request.client.host if request.client else "unknown",
    )
    token, expires_in = create_access_token(
        settings.secret_key, changed.id, settings.access_token_minutes
    )
    return TokenRead(access_token=token, expires_in=expires_in)


def _status(user) -> UserStatusRead:
    return UserStatusRead.model_validate(user)


@router.post(
    "/users/{user_id}/deactivate",
    response_model=UserStatusRead,
    responses=error_responses(Unauthorized, Forbidden, NotFound, Conflict),
)
async def deactivate_user(
    user_id: DbId, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> UserStatusRead:
    """An administrator deactivates an account: it can no longer sign in and its sessions
    and tokens stop at once; its history stays. Not one's own (409)."""
    return _status(
        await accounts.set_active(session, user, user_id=user_id, active=False, now=clock.now())
    )


@router.post(
    "/users/{user_id}/reactivate",
    response_model=UserStatusRead,
    responses=error_responses(Unauthorized, Forbidden, NotFound),
)
async def reactivate_user(
    user_id: DbId, user: CurrentUser, session: SessionDep, clock: ClockDep
) -> UserStatusRead:
    """An administrator lets a deactivated account sign in again (with a new session)."""
    return _status(
        await accounts.set_active(session, user, user_id=user_id, active=True, now=clock.now())
    )


@router.post(
    "/users/{user_id}/password-reset",
    response_model=PasswordResetSent,
    status_code=202,
    responses=error_responses(Unauthorized, Forbidden, NotFound, Conflict, ServiceUnavailable),
)
async def mail_password_reset(
    user_id: DbId, user: CurrentUser, session: SessionDep, settings: SettingsDep, clock: ClockDep
) -> PasswordResetSent:
    """An administrator has a one-time link mailed to the account's own address, with
    which its owner chooses a new password (the current one works until then). The answer
    says where it went, masked, and until when it works; never the link. An account
    without an address, or deactivated: 409; the mail server not taking it: 503."""
    account, link, sent_to = await accounts.mail_password_reset(
        session, settings, user, user_id=user_id, now=clock.now()
    )
    return PasswordResetSent(user_id=account.id, sent_to=sent_to, expires_at=link.expires_at)
