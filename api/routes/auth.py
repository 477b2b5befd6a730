"""Bearer tokens for the JSON API (OAuth2 password flow, short-lived JWT)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel
from sqlalchemy import select

from models import User
from thidua.ratelimit import consume
from thidua.security import create_access_token, dummy_password_hash, verify_password

from ..deps import ClockDep, CurrentUser, SessionDep, SettingsDep
from ..errors import TooManyRequests, Unauthorized, error_responses

router = APIRouter(prefix="/api/v1", tags=["auth"])

LOGIN_ATTEMPTS_PER_WINDOW = 10
LOGIN_WINDOW_SECONDS = 300


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class RoleRead(BaseModel):
    role: str
    unit_id: int
    level: str
    authority_id: int | None


class MeRead(BaseModel):
    id: int
    username: str
    full_name: str
    email: str | None
    roles: list[RoleRead]


async def authenticate(
    session, settings, request: Request, username: str, password: str, *, now: datetime
) -> User:
    """Check a username and password, counting the attempt against the rate limit
    (per client address and per username). Raises Unauthorized or TooManyRequests."""
    client = request.client.host if request.client else "unknown"
    for bucket in (f"login:ip:{client}", f"login:user:{username.lower()[:64]}"):
        wait = await consume(
            session,
            bucket,
            limit=LOGIN_ATTEMPTS_PER_WINDOW,
            window_seconds=LOGIN_WINDOW_SECONDS,
            now=now,
        )
        if wait is not None:
            await session.commit()  # the attempt counts even though we refuse it
            raise TooManyRequests(wait)
    user = (
        await session.execute(select(User).where(User.username == username))
    ).scalar_one_or_none()
    if user is None or not user.is_active:
        verify_password(password, dummy_password_hash())  # same time as a wrong password
        await session.commit()
        raise Unauthorized()
    if not verify_password(password, user.password_hash):
        await session.commit()
        raise Unauthorized()
    user.last_login_at = now
    return user


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
    user = await authenticate(
        session, settings, request, form.username, form.password, now=clock.now()
    )
    token, expires_in = create_access_token(
        settings.secret_key, user.id, settings.access_token_minutes
    )
    return TokenRead(access_token=token, expires_in=expires_in)


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
