"""An administrator's units: the tree (the city and central bodies above, a ward's
people's committee and below it its offices, organisations and residential groups), a new
unit under a parent, and a unit renamed, re-coded, re-addressed or moved (with everything
under it). Every change is audited with who acted and the old and new values.

A ward's administrator works inside their ward's subtree: a unit outside it answers like
a missing one (404 by path, 422 naming the field when the id came in the body)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Level, UnitKind
from models import Unit
from models.schemas.registry_admin import UnitCreate, UnitUpdate

from ..errors import Conflict, InvalidInput, NotFound
from ..principal import Principal
from ..queries import registry_admin as queries
from ..queries import units as unit_queries
from .admin_scope import administered_unit_ids, in_scope
from .registry_admin import required
from .registry_audit import audit_registry_event, changed

# The order of a unit's children in the tree: the committee's own bodies first, the
# residential groups last.
KIND_ORDER = {
    kind: rank
    for rank, kind in enumerate(
        [
            UnitKind.GOVERNMENT,
            UnitKind.PEOPLES_COMMITTEE,
            UnitKind.DEPARTMENT,
            UnitKind.OFFICE,
            UnitKind.PARTY,
            UnitKind.ORGANISATION,
            UnitKind.PUBLIC_SERVICE,
            UnitKind.SCHOOL,
            UnitKind.ENTERPRISE,
            UnitKind.RESIDENTIAL_GROUP,
        ]
    )
}
AUDITED_FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "level",
    "parent_id",
    "official_code",
    "address",
)


@dataclass(frozen=True)
class TreeRow:
    unit: Unit
    depth: int


def _values(unit: Unit) -> dict[str, Any]:
    return {name: getattr(unit, name) for name in AUDITED_FIELDS}


async def unit_tree(session: AsyncSession, principal: Principal) -> list[TreeRow]:
    """The units ``principal`` administers as a tree, depth first: each unit followed by
    its children (committees, offices, organisations... residential groups last)."""
    scope = await administered_unit_ids(session, principal)
    units = await queries.units_in(session, unit_ids=scope)
    ids = {unit.id for unit in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(parent, []).append(unit)
    rows: list[TreeRow] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in sorted(
            children.get(parent, []),
            key=lambda u: (u.level.rank * -1, KIND_ORDER.get(u.kind, 99), u.name, u.id),
        ):
            rows.append(TreeRow(unit, depth))
            if depth < 32:  # a tree is never that deep; a cycle in bad data must not hang
                walk(unit.id, depth + 1)

    walk(None, 0)
    return rows


async def administered_unit(session: AsyncSession, principal: Principal, unit_id: int) -> Unit:
    """The unit, 404 when missing or outside what ``principal`` administers."""
    scope = await administered_unit_ids(session, principal)
    unit = await queries.unit_by_id(session, unit_id=unit_id)
    if unit is None or not in_scope(scope, unit.id):
        raise NotFound("Không tìm thấy đơn vị", "No such unit")
    return unit


async def unit_with_parent(
    session: AsyncSession, principal: Principal, unit_id: int
) -> tuple[Unit, Unit | None]:
    """The unit (404 as ``administered_unit``) and its parent, which may lie above one's
    scope (a ward's committee under its city)."""
    unit = await administered_unit(session, principal, unit_id)
    parent = await queries.unit_by_id(session, unit_id=unit.parent_id) if unit.parent_id else None
    return unit, parent


async def _parent(
    session: AsyncSession, scope: frozenset[int] | None, parent_id: int | None
) -> Unit | None:
    if parent_id is None:
        if scope is not None:
            raise InvalidInput(
                "body.parent_id",
                "Vui lòng chọn đơn vị cấp trên (chỉ quản trị toàn hệ thống tạo được đơn vị "
                "cấp cao nhất)",
                "Choose the parent unit (only the deployment's administrators add top units)",
            )
        return None
    parent = await queries.unit_by_id(session, unit_id=parent_id)
    if parent is None or not in_scope(scope, parent.id):
        raise InvalidInput("body.parent_id", "Không có đơn vị cấp trên này", "No such parent unit")
    return parent


def _level(parent: Unit | None, level: Level | None) -> Level:
    if parent is None:
        if level is None:
            raise InvalidInput(
                "body.level",
                "Đơn vị cấp cao nhất cần chọn cấp (trung ương, thành phố, phường)",
                "A top unit needs its level",
            )
        return level
    if level is None:
        return parent.level
    if level.rank > parent.level.rank:
        raise InvalidInput(
            "body.level",
            "Cấp của đơn vị không được cao hơn cấp của đơn vị cấp trên",
            "A unit's level cannot be above its parent's",
        )
    return level


async def _check_codes(
    session: AsyncSession, *, code: str | None, official_code: str | None, unit_id: int | None
) -> None:
    if code is not None:
        taken = await queries.unit_with_code(session, code=code, other_than=unit_id)
        if taken is not None:
            raise Conflict(
                f"Mã đơn vị '{code}' đã được dùng cho {taken.name}",
                f"the unit code {code} is taken",
                field="body.code",
            )
    if official_code:
        taken = await queries.unit_with_official_code(
            session, official_code=official_code, other_than=unit_id
        )
        if taken is not None:
            raise Conflict(
                f"Mã hành chính '{official_code}' đã được dùng cho {taken.name}",
                f"the official code {official_code} is taken",
                field="body.official_code",
            )


async def create_unit(
    session: AsyncSession, principal: Principal, data: UnitCreate, *, now: datetime
) -> Unit:
    """A new unit under ``parent_id`` (inside one's scope), at the parent's level unless
    a lower one is given. A taken code or official code: 409 naming the field."""
    scope = await administered_unit_ids(session, principal)
    parent = await _parent(session, scope, data.parent_id)
    level = _level(parent, data.level)
    official_code = data.official_code or None
    await _check_codes(session, code=data.code, official_code=official_code, unit_id=None)
    unit = Unit(
        code=data.code,
        name=data.name,
        short_name=data.short_name,
        kind=data.kind,
        level=level,
        parent_id=parent.id if parent else None,
        official_code=official_code,
        address=data.address,
    )
    session.add(unit)
    await session.flush()
    await audit_registry_event(
        session,
        principal,
        subject_type="unit",
        subject_id=unit.id,
        action="unit_created",
        now=now,
        changes=changed({}, _values(unit)),
    )
    return unit


async def update_unit(
    session: AsyncSession,
    principal: Principal,
    unit_id: int,
    data: UnitUpdate,
    *,
    now: datetime,
) -> Unit:
    """Changes the fields sent. A move (``parent_id``) never goes under the unit itself or
    one of its own units (422), nor outside one's scope; the level follows the new parent
    when it would otherwise be above it."""
    scope = await administered_unit_ids(session, principal)
    unit = await administered_unit(session, principal, unit_id)
    sent = data.model_dump(exclude_unset=True)
    required(sent, "code", "name", "kind", "short_name", "address")
    before = _values(unit)
    after = dict(before)
    after.update({k: v for k, v in sent.items() if k not in ("parent_id", "level")})
    if "official_code" in sent:
        after["official_code"] = sent["official_code"] or None

    if "parent_id" in sent and sent["parent_id"] != unit.parent_id:
        parent = await _parent(session, scope, sent["parent_id"])
        if parent is not None:
            below = await unit_queries.units_under(session, root_ids=[unit.id])
            if parent.id in below:
                raise InvalidInput(
                    "body.parent_id",
                    "Không thể chuyển đơn vị vào chính nó hoặc vào một đơn vị trực thuộc nó",
                    "A unit cannot move under itself or one of its own units",
                )
    elif unit.parent_id is not None:
        parent = await queries.unit_by_id(session, unit_id=unit.parent_id)
    else:
        parent = None
    after["parent_id"] = parent.id if parent is not None else None
    level = sent.get("level")
    if level is None and parent is not None and unit.level.rank > parent.level.rank:
        level = parent.level  # the level follows the new parent
    after["level"] = level if level is not None else unit.level
    if parent is not None:
        _level(parent, after["level"])
    await _check_codes(
        session,
        code=after["code"] if after["code"] != unit.code else None,
        official_code=after["official_code"],
        unit_id=unit.id,
    )
    changes = changed(before, after)
    if "level" in changes:
        await _check_level_change(session, unit, after["level"])
    if not changes:
        return unit
    for name, value in after.items():
        setattr(unit, name, value)
    await session.flush()
    await audit_registry_event(
        session,
        principal,
        subject_type="unit",
        subject_id=unit.id,
        action="unit_moved" if "parent_id" in changes else "unit_updated",
        now=now,
        changes=changes,
    )
    return unit


async def _check_level_change(session: AsyncSession, unit: Unit, level: Level) -> None:
    """A deciding body keeps its level (its authority, council and numbering go with it),
    and no unit below may end up above it."""
    if await queries.authority_of_unit(session, unit_id=unit.id):
        raise Conflict(
            "Không thể đổi cấp của đơn vị là cơ quan có thẩm quyền khen thưởng",
            "A deciding body's level cannot change",
            field="body.level",
        )
    if await queries.highest_child_rank(session, unit_id=unit.id) > level.rank:
        raise InvalidInput(
            "body.level",
            "Có đơn vị trực thuộc ở cấp cao hơn cấp mới",
            "A unit below would be above the new level",
        )
    await queries.set_grant_levels(session, unit_id=unit.id, level=level)
