"""The deciding bodies of a deployment: for each ward and the city above it, the people's
committee whose chairman decides awards, the words its documents are headed with, its
standing body (Phòng Văn hóa - Xã hội) and the body it forwards to. A new body comes with
its council (Hội đồng Thi đua - Khen thưởng), so that members can be added at once.

Administered like units (``admin_scope``): a ward's administrator edits their ward's body;
creating the city's needs its administrator. Every change is audited with the old and new
values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.authority_names import authority_words
from domain.vocabulary import Role, UnitKind
from models import Authority, Council, Unit
from models.audit import write_audit_event

from ..errors import Conflict, InvalidInput, NotFound
from ..principal import Principal
from ..queries import accounts as account_queries
from ..queries import authority_admin as queries
from ..queries import units as unit_queries
from .admin_scope import administered_unit_ids, in_scope

COMMITTEE_KINDS = (UnitKind.PEOPLES_COMMITTEE, UnitKind.GOVERNMENT)
EDITABLE = (
    "name",
    "header_lines",
    "place_name",
    "head_title",
    "decision_code",
    "submission_code",
    "standing_unit_id",
    "parent_authority_id",
)


@dataclass(frozen=True)
class AuthorityView:
    authority: Authority
    unit: Unit
    council_id: int | None


async def list_authorities(session: AsyncSession, principal: Principal) -> list[AuthorityView]:
    scope = await administered_unit_ids(session, principal)
    rows = await queries.authorities_with_councils(session, unit_ids=scope)
    return [AuthorityView(a, u, c) for a, u, c in rows]


async def _view(session: AsyncSession, authority: Authority) -> AuthorityView:
    unit = await account_queries.unit_by_id(session, unit_id=authority.unit_id)
    assert unit is not None  # a foreign key
    council = await queries.council_of(session, authority_id=authority.id)
    return AuthorityView(authority, unit, council.id if council else None)


async def _administered_authority(
    session: AsyncSession, principal: Principal, authority_id: int
) -> Authority:
    scope = await administered_unit_ids(session, principal)
    authority = await queries.authority_by_id(session, authority_id=authority_id)
    if authority is None or not in_scope(scope, authority.unit_id):
        raise NotFound("Không tìm thấy cơ quan", "No such authority")
    return authority


async def _checked_standing_unit(session: AsyncSession, committee: Unit, unit_id: int) -> None:
    if unit_id not in await unit_queries.units_under(session, root_ids=[committee.id]):
        raise InvalidInput(
            "body.standing_unit_id",
            "Cơ quan thường trực phải là một đơn vị thuộc cơ quan này",
            "The standing body must be a unit under this authority's unit",
        )


async def _checked_parent(session: AsyncSession, authority_level_rank: int, parent_id: int) -> None:
    parent = await queries.authority_by_id(session, authority_id=parent_id)
    if parent is None or parent.level.rank <= authority_level_rank:
        raise InvalidInput(
            "body.parent_authority_id",
            "Cơ quan cấp trên phải là một cơ quan ở cấp cao hơn",
            "The body forwarded to must be an authority at a higher level",
        )


async def _audit(
    session: AsyncSession,
    principal: Principal,
    authority: Authority,
    *,
    action: str,
    now: datetime,
    changes: dict[str, list[Any]],
) -> None:
    await write_audit_event(
        session,
        event_key=f"authority:{authority.id}:{action}:{uuid.uuid4().hex}",
        subject_type="authority",
        subject_id=authority.id,
        action=action,
        occurred_at=now,
        actor_user_id=principal.user_id,
        actor_name=principal.full_name,
        actor_role=Role.ADMIN.value,
        level=authority.level,
        changes=changes,
    )


async def create_authority(
    session: AsyncSession,
    principal: Principal,
    *,
    unit_id: int,
    standing_unit_id: int,
    parent_authority_id: int | None,
    name: str = "",
    header_lines: list[str] | None = None,
    place_name: str = "",
    head_title: str = "",
    decision_code: str = "QĐ-UBND",
    submission_code: str = "TTr-UBND",
    council_name: str = "",
    now: datetime,
) -> AuthorityView:
    """The deciding body of a people's committee unit, with its council. Words left blank
    are proposed from the name (``domain.authority_names``). A unit one does not
    administer: 422 naming ``body.unit_id`` as if it did not exist; not a people's
    committee: 422; one that already has its body: 409."""
    scope = await administered_unit_ids(session, principal)
    unit = await account_queries.unit_by_id(session, unit_id=unit_id)
    if unit is None or not in_scope(scope, unit.id):
        raise InvalidInput("body.unit_id", "Không có đơn vị này", "No such unit")
    if unit.kind not in COMMITTEE_KINDS:
        raise InvalidInput(
            "body.unit_id",
            "Chỉ Ủy ban nhân dân (hoặc Chính phủ) mới là cơ quan quyết định khen thưởng",
            "Only a people's committee (or the Government) decides awards",
        )
    if await queries.authority_of_unit(session, unit_id=unit.id) is not None:
        raise Conflict(
            "Đơn vị này đã có cơ quan quyết định",
            "This unit already has its authority",
            field="unit_id",
        )
    await _checked_standing_unit(session, unit, standing_unit_id)
    if parent_authority_id is not None:
        await _checked_parent(session, unit.level.rank, parent_authority_id)
    name = name or unit.name
    words = authority_words(name)
    authority = Authority(
        level=unit.level,
        unit_id=unit.id,
        name=name,
        header_lines=header_lines or words.header_lines,
        place_name=place_name or words.place_name,
        head_title=head_title or words.head_title,
        decision_code=decision_code,
        submission_code=submission_code,
        standing_unit_id=standing_unit_id,
        parent_authority_id=parent_authority_id,
    )
    session.add(authority)
    await session.flush()
    council = Council(
        authority_id=authority.id,
        name=council_name or f"Hội đồng Thi đua - Khen thưởng {words.header_lines[-1].title()}",
    )
    session.add(council)
    await session.flush()
    await _audit(
        session,
        principal,
        authority,
        action="authority_created",
        now=now,
        changes={
            **{field: [None, getattr(authority, field)] for field in EDITABLE},
            "council": [None, council.name],
        },
    )
    return AuthorityView(authority, unit, council.id)


async def update_authority(
    session: AsyncSession,
    principal: Principal,
    authority_id: int,
    *,
    changes: dict[str, Any],
    now: datetime,
) -> AuthorityView:
    """Changes the given fields (those of ``EDITABLE``); audited with old and new values,
    nothing written when nothing changes."""
    authority = await _administered_authority(session, principal, authority_id)
    unit = await account_queries.unit_by_id(session, unit_id=authority.unit_id)
    assert unit is not None  # a foreign key
    if changes.get("standing_unit_id") is not None:
        await _checked_standing_unit(session, unit, changes["standing_unit_id"])
    if changes.get("parent_authority_id") is not None:
        await _checked_parent(session, authority.level.rank, changes["parent_authority_id"])
    changed: dict[str, list[Any]] = {}
    for field in EDITABLE:
        if field in changes and changes[field] is not None:
            old, new = getattr(authority, field), changes[field]
            if old != new:
                changed[field] = [old, new]
                setattr(authority, field, new)
    if changed:
        await session.flush()
        await _audit(
            session, principal, authority, action="authority_updated", now=now, changes=changed
        )
    return await _view(session, authority)
