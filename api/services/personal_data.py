"""Personal data of the registry (Decree 13/2023 on the protection of personal data): a
person's citizen ID number and date of birth.

Only the roles that need them see them in full: the administrators of the person's unit
(the deployment's administrators everywhere) and the standing officers of the person's
ward, who check the dossiers. Everyone else who may see the person gets them masked: the
birth year instead of the date, the citizen ID with only its last three digits. Lists are
always masked; reading one person's record is audited (who read it, and whether in full)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Role
from models import Person

from ..principal import Principal
from ..queries import registry as registry_queries
from ..queries import units as unit_queries
from .registry_audit import audit_registry_event

SHOWN_DIGITS = 3


def mask_citizen_id(citizen_id: str | None) -> str | None:
    """``"001203004567"`` → ``"*********567"``."""
    if not citizen_id:
        return None
    return "*" * (len(citizen_id) - SHOWN_DIGITS) + citizen_id[-SHOWN_DIGITS:]


@dataclass(frozen=True)
class Identifiers:
    """What a reader gets of a person's identifiers."""

    birth_date: date | None
    citizen_id: str | None
    masked: bool


def identifiers(person: Person, *, full: bool) -> Identifiers:
    if full:
        return Identifiers(person.birth_date, person.citizen_id, masked=False)
    return Identifiers(None, mask_citizen_id(person.citizen_id), masked=True)


async def full_reader_units(session: AsyncSession, principal: Principal) -> frozenset[int] | None:
    """The units whose people's identifiers ``principal`` may read in full; None for
    every unit (a deployment administrator)."""
    if principal.deployment_admin:
        return None
    units: set[int] = set()
    if principal.has(Role.ADMIN):
        units |= await unit_queries.units_under(session, root_ids=principal.unit_ids(Role.ADMIN))
    standing = {
        r.authority_id
        for r in principal.roles
        if r.role == Role.STANDING_OFFICER and r.authority_id is not None
    }
    if standing:
        units.update(await registry_queries.ward_unit_ids(session, authority_ids=standing))
    return frozenset(units)


async def may_read_in_full(session: AsyncSession, principal: Principal, person: Person) -> bool:
    units = await full_reader_units(session, principal)
    return units is None or person.unit_id in units


def _reader_role(principal: Principal, full: bool) -> str:
    if principal.is_admin and full:
        return Role.ADMIN.value
    if full:
        return Role.STANDING_OFFICER.value
    return principal.roles[0].role.value if principal.roles else ""


async def read_person_record(
    session: AsyncSession, principal: Principal, person: Person, *, now: datetime, via: str
) -> Identifiers:
    """The identifiers ``principal`` may see of ``person``, and the read written to the
    audit trail: ``personal_data_read`` when in full, ``person_record_read`` when masked
    (``via`` names the page or endpoint). One event per reader per view."""
    full = await may_read_in_full(session, principal, person)
    await audit_registry_event(
        session,
        principal,
        subject_type="person",
        subject_id=person.id,
        action="personal_data_read" if full else "person_record_read",
        now=now,
        actor_role=_reader_role(principal, full),
        changes={"via": via, "identifiers": "full" if full else "masked"},
    )
    return identifiers(person, full=full)
