"""Accounts: the deployment's first administrator (``thidua admin create``: no password on
the command line, a one-time link instead), a new link for an account (``thidua admin
link``), an administrator's password reset (the link mailed to the account's owner, never
shown to the administrator), and an administrator deactivating or reactivating an account
without deleting anything it did. Every change is audited, naming who acted."""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.text import control_character
from domain.vocabulary import Role
from models import User
from models.audit import lock_audit_chains
from models.base import utcnow
from thidua.settings import Settings

from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..principal import Principal
from ..queries import accounts as queries
from ..queries import users as user_queries
from .admin_scope import require_administers_account
from .council_admin import chains_of_deactivation, end_memberships_of_deactivated
from .password_mail import masked_address, send_reset_mail
from .passwords import PasswordLink, audit_account_event, password_link

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The role an operator's command line acts in (no account of the engine does).
OPERATOR_ROLE = "operator"


def unusable_password_hash() -> str:
    """A value no password verifies against (not an argon2 hash): the account waits for
    its owner to choose a password through a link."""
    return "!unusable:" + secrets.token_hex(16)


def validated_account(
    username: str, full_name: str, email: str | None
) -> tuple[str, str, str | None]:
    username, full_name = username.strip(), " ".join(full_name.split())
    if not USERNAME.match(username):
        raise InvalidInput(
            "username",
            "Tên đăng nhập gồm 3–64 chữ cái không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới",
            "A username is 3–64 letters (no diacritics), digits, '.', '-' or '_'",
        )
    if not full_name or len(full_name) > 255 or control_character(full_name) is not None:
        raise InvalidInput(
            "full_name", "Vui lòng nhập họ và tên (tối đa 255 ký tự)", "A full name is required"
        )
    email = (email or "").strip() or None
    if email is not None and (len(email) > 255 or not EMAIL.match(email)):
        raise InvalidInput(
            "email", "Địa chỉ thư điện tử không hợp lệ", "Not a valid e-mail address"
        )
    return username, full_name, email


async def create_administrator(
    session: AsyncSession,
    settings: Settings,
    *,
    username: str,
    full_name: str,
    email: str | None,
    operator: str,
    now: datetime,
) -> tuple[User, PasswordLink]:
    """An administrator of the whole deployment, with no password yet, and the one-time
    link with which they choose it. ``Conflict`` when the username is taken."""
    username, full_name, email = validated_account(username, full_name, email)
    if await user_queries.user_by_username(session, username=username) is not None:
        raise Conflict(
            f"Tài khoản '{username}' đã tồn tại",
            f"a user named {username} already exists",
            field="username",
        )
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        password_hash=unusable_password_hash(),
        deployment_admin=True,
        must_change_password=False,
    )
    session.add(user)
    await session.flush()
    await audit_account_event(
        session,
        user,
        action="administrator_created",
        actor_user_id=None,
        actor_name=operator,
        actor_role=OPERATOR_ROLE,
        now=now,
        changes={
            "username": ["", username],
            "full_name": ["", full_name],
            "email": ["", email or ""],
            "deployment_admin": [False, True],
        },
    )
    link = password_link(settings, user, now=now)
    await audit_account_event(
        session,
        user,
        action="password_link_issued",
        actor_user_id=None,
        actor_name=operator,
        actor_role=OPERATOR_ROLE,
        now=now,
        changes={"expires_at": ["", link.expires_at.isoformat()]},
    )
    return user, link


async def issue_link_by_operator(
    session: AsyncSession, settings: Settings, *, username: str, operator: str, now: datetime
) -> tuple[User, PasswordLink]:
    """A new one-time link for an existing, active account (the first one expired or was
    lost). Links issued before keep working until one of them is used or they expire."""
    user = await user_queries.user_by_username(session, username=username.strip())
    if user is None:
        raise NotFound(f"Không có tài khoản '{username}'", f"no user named {username}")
    if not user.is_active:
        raise Conflict(f"Tài khoản '{username}' đã bị khóa", f"the user {username} is deactivated")
    link = password_link(settings, user, now=now)
    await audit_account_event(
        session,
        user,
        action="password_link_issued",
        actor_user_id=None,
        actor_name=operator,
        actor_role=OPERATOR_ROLE,
        now=now,
        changes={"expires_at": ["", link.expires_at.isoformat()]},
    )
    return user, link


async def set_active(
    session: AsyncSession, principal: Principal, *, user_id: int, active: bool, now: datetime
) -> User:
    """An administrator deactivates (or reactivates) an account. Nothing is deleted: the
    account's nominations, ballots, signatures and audit events stay, under its name. A
    deactivated account cannot sign in, and its page sessions and bearer tokens stop at
    once; reactivating does not revive them (they ended with the deactivation). Doing it
    twice changes nothing the second time."""
    if not principal.is_admin:
        raise Forbidden()
    user = await queries.user_by_id(session, user_id=user_id)
    if user is None:
        raise NotFound("Không tìm thấy tài khoản", "No such user")
    await require_administers_account(session, principal, user)
    if user.id == principal.user_id and not active:
        raise Conflict(
            "Không thể tự khóa tài khoản của chính mình",
            "You cannot deactivate your own account",
        )
    if user.is_active == active:
        return user
    user.is_active = active
    if not active:
        # The machine's clock, as logging out: compared with the sessions' "issued at".
        user.signed_out_at = utcnow()
    await session.flush()
    if not active:
        # The account's chain and its councils' chains, all at once: two administrators
        # deactivating two members of the same councils never hold one council's chain
        # each and wait for the other's.
        await lock_audit_chains(session, await chains_of_deactivation(session, user))
    await audit_account_event(
        session,
        user,
        action="user_reactivated" if active else "user_deactivated",
        actor_user_id=principal.user_id,
        actor_name=principal.full_name,
        actor_role=Role.ADMIN.value,
        now=now,
        changes={"is_active": [not active, active]},
    )
    if not active:
        # A deactivated account sits on no council any more (each ending audited);
        # reactivating it does not bring the memberships back.
        await end_memberships_of_deactivated(session, principal, user=user, now=now)
    return user


async def mail_password_reset(
    session: AsyncSession, settings: Settings, principal: Principal, *, user_id: int, now: datetime
) -> tuple[User, PasswordLink, str]:
    """An administrator has a one-time link mailed to the account's own address: the
    owner chooses a new password with it (their current one works until then). Returns
    the account, the link (for its expiry; the route never shows it) and the masked
    address it went to."""
    if not principal.is_admin:
        raise Forbidden()
    user = await queries.user_by_id(session, user_id=user_id)
    if user is None:
        raise NotFound("Không tìm thấy tài khoản", "No such user")
    await require_administers_account(session, principal, user)
    if not user.is_active:
        raise Conflict("Tài khoản đã bị khóa", "The account is deactivated")
    if not user.email:
        raise Conflict(
            "Tài khoản chưa có địa chỉ thư điện tử; người vận hành máy chủ có thể cấp liên kết "
            "bằng lệnh thidua admin link",
            "The account has no e-mail address; the server operator can issue a link with "
            "`thidua admin link`",
        )
    link = password_link(settings, user, now=now)
    await send_reset_mail(settings, user, link, administrator=principal.full_name)
    sent_to = masked_address(user.email)
    await audit_account_event(
        session,
        user,
        action="password_reset_mailed",
        actor_user_id=principal.user_id,
        actor_name=principal.full_name,
        actor_role=Role.ADMIN.value,
        now=now,
        changes={"sent_to": ["", sent_to], "expires_at": ["", link.expires_at.isoformat()]},
    )
    return user, link, sent_to
