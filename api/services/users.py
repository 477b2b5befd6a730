"""Signing in and out: a username and password checked under a rate limit (per client
address and per username), the moment of the last login, and the end of every session of
a person (page cookies and bearer tokens)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import User
from models.schemas.auth import TokenRead
from thidua.ratelimit import consume
from thidua.security import create_access_token, dummy_password_hash, verify_password
from thidua.settings import Settings

from ..errors import TooManyRequests, Unauthorized
from ..queries import users as queries

LOGIN_ATTEMPTS_PER_WINDOW = 10
LOGIN_WINDOW_SECONDS = 300


async def authenticate(
    session: AsyncSession, *, client_address: str, username: str, password: str, now: datetime
) -> User:
    """Check a username and password, counting the attempt against the rate limit
    (per client address and per username). Raises Unauthorized or TooManyRequests; a
    refused attempt is committed (it counts), an accepted one is left to the caller's
    commit with the user's last login."""
    for bucket in (f"login:ip:{client_address}", f"login:user:{username.lower()[:64]}"):
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
    user = await queries.user_by_username(session, username=username)
    if user is None or not user.is_active:
        verify_password(password, dummy_password_hash())  # same time as a wrong password
        await session.commit()
        raise Unauthorized()
    if not verify_password(password, user.password_hash):
        await session.commit()
        raise Unauthorized()
    user.last_login_at = now
    return user


async def issue_token(
    session: AsyncSession,
    settings: Settings,
    *,
    client_address: str,
    username: str,
    password: str,
    now: datetime,
) -> TokenRead:
    """A short-lived bearer token for the JSON API (see ``authenticate``)."""
    user = await authenticate(
        session, client_address=client_address, username=username, password=password, now=now
    )
    token, expires_in = create_access_token(
        settings.secret_key, user.id, settings.access_token_minutes
    )
    return TokenRead(access_token=token, expires_in=expires_in)


async def sign_out_everywhere(session: AsyncSession, *, user_id: int, at: datetime) -> None:
    """End the person's sessions on every device: page cookies and bearer tokens issued
    before ``at`` (the machine's clock, as their ``iat``) stop working."""
    await session.execute(update(User).where(User.id == user_id).values(signed_out_at=at))
