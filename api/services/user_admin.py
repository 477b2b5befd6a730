"""An administrator's users: the accounts with their role grants, a new account (no
usable password: its owner chooses one through a one-time link, mailed to their address
when they have one, else issued by the operator with ``thidua admin link``), and role
grants scoped to a unit, given and taken away. Every change is audited with who acted and
the old and new values.

A unit's administrator (an ``admin`` role grant) lists the accounts of their subtree and
gives or takes roles in it only (``admin_scope``); the deployment's administrators all."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Role
from models import RoleGrant, Unit, User
from thidua.settings import Settings

from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..principal import Principal
from ..queries import accounts as queries
from ..queries import users as user_queries
from . import sign_in_limits
from .accounts import unusable_password_hash, validated_account
from .admin_scope import (
    administered_unit_ids,
    in_scope,
    require_sees_account,
    sees_account,
)
from .password_mail import masked_address, send_reset_mail
from .passwords import audit_account_event, password_link


@dataclass(frozen=True)
class Account:
    user: User
    grants: list[tuple[RoleGrant, Unit]] = field(default_factory=list)


@dataclass(frozen=True)
class NewAccount:
    account: Account
    # The masked address the setup link went to; None when it must come from the operator.
    sent_to: str | None


def _admin_only(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden()


async def _user(session: AsyncSession, user_id: int) -> User:
    user = await queries.user_by_id(session, user_id=user_id)
    if user is None:
        raise NotFound("Không tìm thấy tài khoản", "No such user")
    return user


async def account(session: AsyncSession, user: User) -> Account:
    return Account(user, await queries.grants_with_units(session, user_ids=[user.id]))


async def list_accounts(session: AsyncSession, principal: Principal) -> list[Account]:
    """The accounts ``principal`` administers (``admin_scope.sees_account``), by username."""
    scope = await administered_unit_ids(session, principal)
    users = await queries.users_by_username(session)
    grants: dict[int, list[tuple[RoleGrant, Unit]]] = {}
    for grant, unit in await queries.grants_with_units(session):
        grants.setdefault(grant.user_id, []).append((grant, unit))
    return [
        Account(user, grants.get(user.id, []))
        for user in users
        if sees_account(scope, user, {unit.id for _, unit in grants.get(user.id, [])})
    ]


async def visible_account(session: AsyncSession, principal: Principal, user_id: int) -> Account:
    """One account ``principal`` administers; 404 otherwise, as if it did not exist."""
    _admin_only(principal)
    user = await _user(session, user_id)
    await require_sees_account(session, principal, user)
    return await account(session, user)


@dataclass(frozen=True)
class AccountState:
    """An account as the administration pages show it: with whether it may sign in now
    (deactivated, or paused after too many failed sign-ins: until when)."""

    account: Account
    paused_until: datetime | None


async def accounts_with_state(
    session: AsyncSession, principal: Principal, *, now: datetime
) -> list[AccountState]:
    """``list_accounts`` with each account's sign-in pause."""
    return [
        AccountState(
            account,
            await sign_in_limits.account_paused_until(
                session, username=account.user.username, now=now
            ),
        )
        for account in await list_accounts(session, principal)
    ]


async def account_state(
    session: AsyncSession, principal: Principal, *, user_id: int, now: datetime
) -> AccountState:
    """One account ``principal`` administers with its sign-in pause (404 otherwise)."""
    account = await visible_account(session, principal, user_id)
    paused = await sign_in_limits.account_paused_until(
        session, username=account.user.username, now=now
    )
    return AccountState(account, paused)


async def may_grant_on(session: AsyncSession, principal: Principal, unit_id: int) -> bool:
    """Whether ``unit_id`` is a unit ``principal`` may give roles on (403 for someone who
    administers nothing): checked before a new account is made with its first role."""
    scope = await administered_unit_ids(session, principal)
    unit = await queries.unit_by_id(session, unit_id=unit_id)
    return unit is not None and in_scope(scope, unit.id)


async def grantable_units(session: AsyncSession, principal: Principal) -> list[Unit]:
    """The units ``principal`` may grant roles on: their subtree (all for the deployment's
    administrators), from the top level down."""
    scope = await administered_unit_ids(session, principal)
    return await queries.units_in(session, unit_ids=scope)


def _grant_value(grant: RoleGrant, unit: Unit) -> dict[str, object]:
    return {
        "id": grant.id,
        "role": grant.role.value,
        "unit_id": unit.id,
        "unit_code": unit.code,
        "level": grant.level.value,
    }


async def create_account(
    session: AsyncSession,
    settings: Settings,
    principal: Principal,
    *,
    username: str,
    full_name: str,
    email: str | None,
    now: datetime,
) -> NewAccount:
    """A new account that must choose its password, through a one-time link mailed to its
    owner (the administrator sees where it went, masked, never the link). Without an
    address, or with mail switched off, the operator issues the link with ``thidua admin
    link``. ``Conflict`` naming ``username`` when the name is taken; a mail server that
    does not take the mail: 503 and nothing written."""
    _admin_only(principal)
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
        must_change_password=True,
    )
    session.add(user)
    await session.flush()
    await audit_account_event(
        session,
        user,
        action="user_created",
        actor_user_id=principal.user_id,
        actor_name=principal.full_name,
        actor_role=Role.ADMIN.value,
        now=now,
        changes={
            "username": ["", username],
            "full_name": ["", full_name],
            "email": ["", email or ""],
            "must_change_password": [False, True],
        },
    )
    sent_to = None
    if email is not None and settings.mail_enabled:
        link = password_link(settings, user, now=now)
        await send_reset_mail(
            settings, user, link, administrator=principal.full_name, purpose="setup"
        )
        sent_to = masked_address(email)
        await audit_account_event(
            session,
            user,
            action="setup_link_mailed",
            actor_user_id=principal.user_id,
            actor_name=principal.full_name,
            actor_role=Role.ADMIN.value,
            now=now,
            changes={"sent_to": ["", sent_to], "expires_at": ["", link.expires_at.isoformat()]},
        )
    return NewAccount(Account(user), sent_to)


async def grant_role(
    session: AsyncSession,
    principal: Principal,
    *,
    user_id: int,
    role: Role,
    unit_id: int,
    now: datetime,
) -> Account:
    """A role for the account, scoped to a unit (and so to its level). A unit that does
    not exist: 422 naming ``body.unit_id``; the same role in the same unit twice: 409."""
    _admin_only(principal)
    user = await _user(session, user_id)
    await require_sees_account(session, principal, user)
    unit = await queries.unit_by_id(session, unit_id=unit_id)
    scope = await administered_unit_ids(session, principal)
    if unit is None or not in_scope(scope, unit.id):
        raise InvalidInput("body.unit_id", "Không có đơn vị này", "No such unit")
    if await queries.role_grant(session, user_id=user.id, role=role, unit_id=unit.id):
        raise Conflict(
            "Tài khoản đã có vai trò này tại đơn vị này",
            "The account already holds this role in this unit",
            field="role",
        )
    grant = RoleGrant(user_id=user.id, role=role, unit_id=unit.id, level=unit.level)
    session.add(grant)
    await session.flush()
    await audit_account_event(
        session,
        user,
        action="role_granted",
        actor_user_id=principal.user_id,
        actor_name=principal.full_name,
        actor_role=Role.ADMIN.value,
        now=now,
        changes={"role_grant": [None, _grant_value(grant, unit)]},
    )
    return await account(session, user)


async def revoke_role(
    session: AsyncSession, principal: Principal, *, user_id: int, grant_id: int, now: datetime
) -> Account:
    """Takes a role grant away. An administrator cannot take away their own last
    administrator grant (409): the deployment would be left without them."""
    _admin_only(principal)
    user = await _user(session, user_id)
    await require_sees_account(session, principal, user)
    grant = await queries.grant_by_id(session, grant_id=grant_id)
    scope = await administered_unit_ids(session, principal)
    if grant is None or grant.user_id != user.id or not in_scope(scope, grant.unit_id):
        raise NotFound("Không tìm thấy vai trò", "No such role grant")
    if (
        user.id == principal.user_id
        and grant.role == Role.ADMIN
        and not user.deployment_admin
        and await queries.admin_grant_count(session, user_id=user.id) <= 1
    ):
        raise Conflict(
            "Không thể tự bỏ vai trò quản trị cuối cùng của chính mình",
            "You cannot remove your own last administrator role",
        )
    unit = await queries.unit_by_id(session, unit_id=grant.unit_id)
    assert unit is not None  # a foreign key
    old = _grant_value(grant, unit)
    await session.delete(grant)
    await session.flush()
    await audit_account_event(
        session,
        user,
        action="role_revoked",
        actor_user_id=principal.user_id,
        actor_name=principal.full_name,
        actor_role=Role.ADMIN.value,
        now=now,
        changes={"role_grant": [old, None]},
    )
    return await account(session, user)
