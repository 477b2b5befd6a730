"""Who administers what. The deployment's administrators (``users.deployment_admin``,
the first one made by ``thidua admin create``) administer every unit; an ``admin`` role
grant administers its unit and every unit below it: a ward's administrator its ward's
offices, organisations and residential groups, and the people, households, collectives,
users, councils and histories that belong there; a city's administrator its wards too.

Every administration service (pages, JSON API, Excel import) asks here, so one ward's
administrator never reads or writes another ward's records. A unit outside one's scope
is answered exactly like a unit that does not exist."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Role
from models import User

from ..errors import Forbidden, NotFound
from ..principal import Principal
from ..queries import accounts as account_queries
from ..queries import units as unit_queries


def require_administrator(principal: Principal) -> None:
    """403 for anyone who administers nothing (the administration pages and API)."""
    if not principal.is_admin:
        raise Forbidden()


async def administered_unit_ids(
    session: AsyncSession, principal: Principal
) -> frozenset[int] | None:
    """The units ``principal`` administers; None for the whole deployment. 403 for
    someone who administers nothing."""
    require_administrator(principal)
    if principal.deployment_admin:
        return None
    return frozenset(
        await unit_queries.units_under(session, root_ids=principal.unit_ids(Role.ADMIN))
    )


async def require_administers(
    session: AsyncSession,
    principal: Principal,
    unit_id: int,
    *,
    what_vi: str = "Không tìm thấy đơn vị",
    what_en: str = "No such unit",
) -> None:
    """404 (as if it did not exist) unless ``principal`` administers ``unit_id``."""
    scope = await administered_unit_ids(session, principal)
    if scope is not None and unit_id not in scope:
        raise NotFound(what_vi, what_en)


def in_scope(scope: frozenset[int] | None, unit_id: int | None) -> bool:
    """Whether a record of ``unit_id`` lies in an administration scope (None: all)."""
    return scope is None or unit_id in scope


# ---- accounts ----------------------------------------------------------------------------
# An account belongs where its roles are. A unit's administrator sees the accounts with a
# role in their subtree, and the accounts with no role yet (the one just made, waiting for
# its first role; never a deployment administrator); they act on the account itself
# (deactivate, reset link, unlock) only when every role it holds lies in their subtree,
# since those change it for every ward it works in.


def sees_account(scope: frozenset[int] | None, account: User, granted_unit_ids: set[int]) -> bool:
    """Whether an administrator of ``scope`` lists and reads this account."""
    if scope is None:
        return True
    if account.deployment_admin:
        return False
    return not granted_unit_ids or bool(granted_unit_ids & scope)


async def require_sees_account(session: AsyncSession, principal: Principal, account: User) -> None:
    """404 (as if it did not exist) for an account outside ``principal``'s scope."""
    scope = await administered_unit_ids(session, principal)
    granted = await account_queries.granted_unit_ids(session, user_id=account.id)
    if not sees_account(scope, account, granted):
        raise NotFound("Không tìm thấy tài khoản", "No such user")


async def require_administers_account(
    session: AsyncSession, principal: Principal, account: User
) -> None:
    """404 for an account outside ``principal``'s scope; 403 for one that also holds a
    role outside it (another ward's administrator, or the deployment's, acts on it)."""
    scope = await administered_unit_ids(session, principal)
    granted = await account_queries.granted_unit_ids(session, user_id=account.id)
    if not sees_account(scope, account, granted):
        raise NotFound("Không tìm thấy tài khoản", "No such user")
    if scope is not None and not granted <= scope:
        raise Forbidden(
            "Tài khoản này còn có vai trò tại đơn vị ngoài phạm vi quản trị của bạn",
            "This account also holds a role in a unit you do not administer",
        )
