"""Bearer tokens for the JSON API (OAuth2 password flow, short-lived JWT)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from models.schemas.auth import MeRead, RoleRead, TokenRead

from ..deps import ClockDep, CurrentUser, SessionDep, SettingsDep
from ..errors import TooManyRequests, Unauthorized, error_responses
from ..services import users

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post(
    "/auth/token",
    response_model=TokenRead,
    responses=error_responses(Unauthorized, TooManyRequests),
)
async def issue_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> TokenRead:
    """Exchange a username and password for a short-lived bearer token."""
    return await users.issue_token(
        session,
        settings,
        client_address=request.client.host if request.client else "unknown",
        username=form.username,
        password=form.password,
        now=clock.now(),
    )


@router.get("/me", response_model=MeRead, responses=error_responses(Unauthorized))
async def me(user: CurrentUser) -> MeRead:
    """Who the token belongs to, with roles and the authorities they act for."""
    return MeRead(
        id=user.user_id,
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        roles=[
            RoleRead(
                role=r.role.value,
                unit_id=r.unit_id,
                level=r.level.value,
                authority_id=r.authority_id,
            )
            for r in user.roles
        ],
    )
