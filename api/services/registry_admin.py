"""An administrator's households and collectives: lists of the units one administers, a
record read, created and edited, every change audited with who acted and the old and new
values; and what the registry's administration services share (a required field, a page
of a list, a search by words).

People are administered in ``api.services.person_admin`` (their identifiers are personal
data), duplicates merged in ``api.services.registry_merge``. A record outside one's scope
answers like a missing one: 404 by path, 422 naming the field when its id came in the
body."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import UnitKind
from models import Collective, Household, Unit
from models.schemas.registry_admin import (
    CollectiveAdminRead,
    CollectiveCreate,
    CollectiveUpdate,
    HouseholdAdminPage,
    HouseholdAdminRead,
    HouseholdCreate,
    HouseholdUpdate,
)

from ..errors import Conflict, InvalidInput, NotFound
from ..principal import Principal
from ..queries import registry_admin as queries
from .admin_scope import administered_unit_ids, in_scope
from .registry_audit import audit_registry_event, changed


def required(sent: dict[str, Any], *names: str) -> None:
    """422 naming a required field sent as ``null`` (an edit sends only what changes)."""
    for name in names:
        if name in sent and sent[name] is None:
            raise InvalidInput(f"body.{name}", "Vui lòng nhập trường này", "This field is required")


# ---- households --------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdRow:
    household: Household
    group_name: str
    member_count: int


def household_read(row: HouseholdRow) -> HouseholdAdminRead:
    household = row.household
    return HouseholdAdminRead(
        id=household.id,
        head_name=household.head_name,
        address=household.address,
        residential_group_id=household.residential_group_id,
        residential_group_name=row.group_name,
        member_count=row.member_count,
        merged_into_id=household.merged_into_id,
    )


async def list_households(
    session: AsyncSession,
    principal: Principal,
    *,
    unit_id: int | None,
    query: str | None,
    page: int,
    page_size: int,
) -> HouseholdAdminPage:
    """The households of the residential groups one administers; ``q`` matches the
    head's name or the address."""
    scope = await administered_unit_ids(session, principal)
    if unit_id is not None:
        if not in_scope(scope, unit_id):
            raise NotFound("Không tìm thấy đơn vị", "No such unit")
        scope = frozenset({unit_id})
    total, rows = await queries.households_page(
        session, unit_ids=scope, query=query, page=page, page_size=page_size
    )
    return HouseholdAdminPage(
        total=total,
        page=page,
        page_size=page_size,
        items=[household_read(HouseholdRow(*row)) for row in rows],
    )


async def administered_household(
    session: AsyncSession, principal: Principal, household_id: int
) -> HouseholdRow:
    scope = await administered_unit_ids(session, principal)
    household = await queries.household_by_id(session, household_id=household_id)
    if household is None or not in_scope(scope, household.residential_group_id):
        raise NotFound("Không tìm thấy hộ gia đình", "No such household")
    group = await queries.unit_by_id(session, unit_id=household.residential_group_id)
    assert group is not None  # a foreign key
    count = await queries.household_member_count(session, household_id=household.id)
    return HouseholdRow(household, group.name, count)


async def _residential_group(
    session: AsyncSession, scope: frozenset[int] | None, group_id: int
) -> Unit:
    group = await queries.unit_by_id(session, unit_id=group_id)
    if group is None or not in_scope(scope, group.id):
        raise InvalidInput(
            "body.residential_group_id", "Không có tổ dân phố này", "No such residential group"
        )
    if group.kind != UnitKind.RESIDENTIAL_GROUP:
        raise InvalidInput(
            "body.residential_group_id",
            f"{group.name} không phải là tổ dân phố",
            f"{group.name} is not a residential group",
        )
    return group


HOUSEHOLD_FIELDS = ("head_name", "address", "residential_group_id")


async def create_household(
    session: AsyncSession, principal: Principal, data: HouseholdCreate, *, now: datetime
) -> HouseholdRow:
    scope = await administered_unit_ids(session, principal)
    await _residential_group(session, scope, data.residential_group_id)
    household = Household(
        head_name=data.head_name,
        address=data.address,
        residential_group_id=data.residential_group_id,
    )
    session.add(household)
    await session.flush()
    await audit_registry_event(
        session,
        principal,
        subject_type="household",
        subject_id=household.id,
        action="household_created",
        now=now,
        changes=changed({}, {name: getattr(household, name) for name in HOUSEHOLD_FIELDS}),
    )
    return await administered_household(session, principal, household.id)


async def update_household(
    session: AsyncSession,
    principal: Principal,
    household_id: int,
    data: HouseholdUpdate,
    *,
    now: datetime,
) -> HouseholdRow:
    scope = await administered_unit_ids(session, principal)
    household = (await administered_household(session, principal, household_id)).household
    if household.merged_into_id is not None:
        raise Conflict(
            "Hồ sơ này đã được gộp vào hồ sơ khác, không sửa được",
            "This record was merged into another one",
        )
    sent = data.model_dump(exclude_unset=True)
    required(sent, *HOUSEHOLD_FIELDS)
    before = {name: getattr(household, name) for name in HOUSEHOLD_FIELDS}
    after = {**before, **sent}
    if after["residential_group_id"] != before["residential_group_id"]:
        await _residential_group(session, scope, after["residential_group_id"])
    changes = changed(before, after)
    if changes:
        for name, value in after.items():
            setattr(household, name, value)
        await session.flush()
        await audit_registry_event(
            session,
            principal,
            subject_type="household",
            subject_id=household.id,
            action="household_updated",
            now=now,
            changes=changes,
        )
    return await administered_household(session, principal, household.id)


# ---- collectives -------------------------------------------------------------------------


def collective_read(collective: Collective, unit: Unit) -> CollectiveAdminRead:
    return CollectiveAdminRead(
        id=collective.id,
        name=collective.name,
        unit_id=unit.id,
        unit_code=unit.code,
        unit_name=unit.name,
        merged_into_id=collective.merged_into_id,
    )


async def list_collectives(
    session: AsyncSession, principal: Principal, *, query: str | None = None
) -> list[CollectiveAdminRead]:
    scope = await administered_unit_ids(session, principal)
    return [
        collective_read(collective, unit)
        for collective, unit in await queries.collectives_in_units(
            session, unit_ids=scope, query=query
        )
    ]


async def administered_collective(
    session: AsyncSession, principal: Principal, collective_id: int
) -> tuple[Collective, Unit]:
    scope = await administered_unit_ids(session, principal)
    collective = await queries.collective_by_id(session, collective_id=collective_id)
    if collective is None or not in_scope(scope, collective.unit_id):
        raise NotFound("Không tìm thấy tập thể", "No such collective")
    unit = await queries.unit_by_id(session, unit_id=collective.unit_id)
    assert unit is not None  # a foreign key
    return collective, unit


async def create_collective(
    session: AsyncSession, principal: Principal, data: CollectiveCreate, *, now: datetime
) -> tuple[Collective, Unit]:
    """The collective of a unit (one per unit: a second one is 409 naming ``unit_id``)."""
    scope = await administered_unit_ids(session, principal)
    unit = await queries.unit_by_id(session, unit_id=data.unit_id)
    if unit is None or not in_scope(scope, unit.id):
        raise InvalidInput("body.unit_id", "Không có đơn vị này", "No such unit")
    existing = await queries.collective_of_unit(session, unit_id=unit.id)
    if existing is not None:
        raise Conflict(
            f"{unit.name} đã có tập thể «{existing.name}» (mỗi đơn vị một tập thể)",
            "This unit already has its collective",
            field="body.unit_id",
        )
    collective = Collective(unit_id=unit.id, name=data.name)
    session.add(collective)
    await session.flush()
    await audit_registry_event(
        session,
        principal,
        subject_type="collective",
        subject_id=collective.id,
        action="collective_created",
        now=now,
        changes={"unit_id": [None, unit.id], "name": ["", collective.name]},
    )
    return collective, unit


async def update_collective(
    session: AsyncSession,
    principal: Principal,
    collective_id: int,
    data: CollectiveUpdate,
    *,
    now: datetime,
) -> tuple[Collective, Unit]:
    collective, unit = await administered_collective(session, principal, collective_id)
    if collective.merged_into_id is not None:
        raise Conflict(
            "Hồ sơ này đã được gộp vào hồ sơ khác, không sửa được",
            "This record was merged into another one",
        )
    sent = data.model_dump(exclude_unset=True)
    required(sent, "name")
    if "name" in sent and sent["name"] != collective.name:
        old = collective.name
        collective.name = sent["name"]
        await session.flush()
        await audit_registry_event(
            session,
            principal,
            subject_type="collective",
            subject_id=collective.id,
            action="collective_updated",
            now=now,
            changes={"name": [old, collective.name]},
        )
    return collective, unit
