"""Passwords: one's own change (the current one required; also the forced change at the
first login when someone else chose it), and the one-time link with which a person
chooses a password nobody else saw (the first administrator, a reset).

A link is a signed token naming the account, a fingerprint of the password hash it was
issued against, and its expiry by the application's clock. Choosing a password changes
the hash, so a link works once; the write itself is conditional on the old hash, so two
uses racing each other cannot both succeed. Every change ends the person's other
sessions (page cookies and bearer tokens) and is audited, naming who acted."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import CursorResult, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.passwords import password_problem
from models import User
from models.audit import write_audit_event
from models.base import utcnow
from thidua.security import hash_password, verify_password
from thidua.settings import Settings

from ..errors import InvalidInput, PasswordLinkInvalid
from ..principal import Principal
from . import sign_in_limits

LINK_SALT = "thidua-password-link"
SETUP_PAGE = "/dat-mat-khau"


@dataclass(frozen=True)
class PasswordLink:
    token: str
    url: str
    expires_at: datetime


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:24]


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt=LINK_SALT)


def password_link(settings: Settings, user: User, *, now: datetime) -> PasswordLink:
    """A one-time link for ``user`` to choose a password, valid
    ``settings.password_link_hours`` from ``now`` (the application's clock)."""
    expires_at = now + timedelta(hours=settings.password_link_hours)
    token = _serializer(settings).dumps(
        {"u": user.id, "h": _fingerprint(user.password_hash), "x": int(expires_at.timestamp())}
    )
    return PasswordLink(
        token=token,
        url=f"{settings.resolved_public_base_url}{SETUP_PAGE}/{token}",
        expires_at=expires_at,
    )


async def user_of_link(
    session: AsyncSession, settings: Settings, *, token: str, now: datetime
) -> User:
    """The account a link lets its holder choose a password for; ``PasswordLinkInvalid``
    for a forged, expired or used link, or a deactivated account."""
    try:
        claims = _serializer(settings).loads(token)
    except BadSignature:
        raise PasswordLinkInvalid() from None
    if not isinstance(claims, dict) or not {"u", "h", "x"} <= claims.keys():
        raise PasswordLinkInvalid()
    try:
        user_id, expires = int(claims["u"]), datetime.fromtimestamp(int(claims["x"]), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise PasswordLinkInvalid() from None
    if now >= expires:
        raise PasswordLinkInvalid()
    user = await session.get(User, user_id)
    if user is None or not user.is_active or _fingerprint(user.password_hash) != claims["h"]:
        raise PasswordLinkInvalid()
    return user


def _check_new_password(user: User, new_password: str) -> None:
    problem = password_problem(new_password, username=user.username)
    if problem is not None:
        raise InvalidInput("new_password", problem.message_vi, problem.message_en)


async def _replace_password(session: AsyncSession, user: User, *, new_password: str) -> bool:
    """Write the new hash if the account still has the hash it was read with (False when
    someone else changed it meanwhile). Ends every session begun before: the machine's
    clock, as logging out does, since it is compared with the cookies' and tokens' own
    "issued at"."""
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(User)
            .where(User.id == user.id, User.password_hash == user.password_hash)
            .values(
                password_hash=hash_password(new_password),
                must_change_password=False,
                signed_out_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        ),
    )
    if not result.rowcount:
        return False
    await session.refresh(user)
    return True


async def set_password_by_link(
    session: AsyncSession, settings: Settings, *, token: str, new_password: str, now: datetime
) -> User:
    """The link holder chooses the account's password; the link is spent."""
    user = await user_of_link(session, settings, token=token, now=now)
    _check_new_password(user, new_password)
    forced = user.must_change_password
    if not await _replace_password(session, user, new_password=new_password):
        raise PasswordLinkInvalid()
    await audit_account_event(
        session,
        user,
        action="password_set_by_link",
        actor_user_id=user.id,
        actor_name=user.full_name,
        now=now,
        changes={"must_change_password": [forced, False]} if forced else None,
    )
    return user


async def change_own_password(
    session: AsyncSession,
    principal: Principal,
    *,
    current_password: str,
    new_password: str,
    now: datetime,
    client_address: str,
) -> User:
    """The signed-in person replaces their password, proving the current one. Their other
    sessions end; the caller gives this one a new cookie or token. A wrong current password
    counts as a failed sign-in of the account from this address (``sign_in_limits``): a
    stolen session cannot guess the password faster than the sign-in page can."""
    user = await session.get(User, principal.user_id)
    if user is None:  # deleted between the request's authentication and now
        raise InvalidInput("current_password", "Tài khoản không còn tồn tại", "No such account")
    attempt = sign_in_limits.Attempt.of(username=user.username, address=client_address)
    await sign_in_limits.refuse_while_paused(session, attempt, now=now)
    if not verify_password(current_password, user.password_hash):
        await sign_in_limits.count_failure(session, attempt, now=now)
        await session.commit()
        raise InvalidInput(
            "current_password", "Mật khẩu hiện tại không đúng", "The current password is wrong"
        )
    if new_password == current_password:
        raise InvalidInput(
            "new_password",
            "Mật khẩu mới phải khác mật khẩu hiện tại",
            "The new password must differ from the current one",
        )
    _check_new_password(user, new_password)
    forced = user.must_change_password
    if not await _replace_password(session, user, new_password=new_password):
        raise InvalidInput(
            "current_password",
            "Mật khẩu vừa được thay đổi ở nơi khác, vui lòng thử lại",
            "The password was just changed elsewhere, try again",
        )
    await audit_account_event(
        session,
        user,
        action="password_changed",
        actor_user_id=user.id,
        actor_name=user.full_name,
        now=now,
        changes={"must_change_password": [forced, False]} if forced else None,
    )
    return user


async def audit_account_event(
    session: AsyncSession,
    user: User,
    *,
    action: str,
    actor_user_id: int | None,
    actor_name: str,
    now: datetime,
    actor_role: str = "",
    changes: dict[str, Any] | None = None,
) -> None:
    """One event about an account; never the password or its hash."""
    await write_audit_event(
        session,
        event_key=f"user:{user.id}:{action}:{uuid.uuid4().hex}",
        subject_type="user",
        subject_id=user.id,
        action=action,
        occurred_at=now,
        actor_user_id=actor_user_id,
        actor_name=actor_name,
        actor_role=actor_role,
        changes=changes,
    )
