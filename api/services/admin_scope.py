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

from ..errors import Forbidden, NotFound
from ..principal import Principal
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
