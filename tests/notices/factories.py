"""Rows the notice tests need: units, users (with or without e-mail), role grants."""

from __future__ import annotations

from itertools import count

from domain.vocabulary import Level, Role, UnitKind
from models import RoleGrant, Unit, User
from thidua.db import SessionFactory, transaction

_sequence = count(1)

# Logins are not exercised here (tokens are minted directly), so no real password hash:
# argon2 would only slow the tests down.
_NO_PASSWORD = "!no-login"


async def make_unit(
    factory: SessionFactory,
    name: str,
    *,
    kind: UnitKind = UnitKind.OFFICE,
    level: Level = Level.WARD,
) -> int:
    async with transaction(factory) as session:
        unit = Unit(code=f"unit-{next(_sequence)}", name=name, kind=kind, level=level)
        session.add(unit)
        await session.flush()
        return unit.id


async def make_user(
    factory: SessionFactory,
    full_name: str,
    *,
    email: str | None = None,
    active: bool = True,
    roles: tuple[tuple[Role, int], ...] = (),
) -> int:
    """A user with ``roles`` given as (role, unit id); returns the user id."""
    async with transaction(factory) as session:
        user = User(
            username=f"user{next(_sequence)}",
            full_name=full_name,
            email=email,
            password_hash=_NO_PASSWORD,
            is_active=active,
        )
        session.add(user)
        await session.flush()
        for role, unit_id in roles:
            unit = await session.get(Unit, unit_id)
            assert unit is not None, f"unit {unit_id} does not exist"
            session.add(RoleGrant(user_id=user.id, role=role, unit_id=unit_id, level=unit.level))
        return user.id
