"""Signing in and out: a username and password checked under the sign-in policy (failures
counted per account and address, and per account: ``sign_in_limits``), the moment of the
last login, and the end of every session of a person (page cookies and bearer tokens)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import User
from models.schemas.auth import TokenRead
from thidua.security import create_access_token, dummy_password_hash, verify_password
from thidua.settings import Settings

from ..errors import Unauthorized
from ..queries import users as queries
from . import sign_in_limits


async def authenticate(
    session: AsyncSession, *, client_address: str, username: str, password: str, now: datetime
) -> User:
    """Check a username and password under the sign-in policy (``sign_in_limits``).
    Raises TooManyRequests while the account is paused (from this address or everywhere;
    the password is then not checked) or Unauthorized; a failure is committed (it counts),
    a success clears this address's failures and is left to the caller's commit with the
    user's last login."""
    attempt = sign_in_limits.Attempt.of(username=username, address=client_address)
    await sign_in_limits.refuse_while_paused(session, attempt, now=now)
    user = await queries.user_by_username(session, username=username)
    if user is None or not user.is_active:
        verify_password(password, dummy_password_hash())  # same time as a wrong password
        await sign_in_limits.count_failure(session, attempt, now=now)
        await session.commit()
        raise Unauthorized()
    if not verify_password(password, user.password_hash):
        await sign_in_limits.count_failure(session, attempt, now=now)
        await session.commit()
        raise Unauthorized()
    await sign_in_limits.clear_pair(session, attempt)
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
