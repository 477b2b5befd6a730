"""Who may see which nominations, and the permission context of one nomination.

Visibility: a unit officer sees the nominations of their units; the standing body, the
chairman, vice-chairmen, council members and auditors of an authority see every
nomination that started at or reached it; administrators see all. A person who may not
see a nomination gets 403 whether it exists or not.
"""

from __future__ import annotations

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.permissions import NominationContext
from domain.vocabulary import Level, ObjectionStatus, Role
from models import AuditEvent, Authority, Nomination, Objection

from ..principal import Principal

AUTHORITY_ROLES = (
    Role.STANDING_OFFICER,
    Role.CHAIRMAN,
    Role.VICE_CHAIRMAN,
    Role.COUNCIL_MEMBER,
    Role.AUDITOR,
)


# The levels a nomination was at: an authority sees the nominations that started at it or
# reached it. Each column leads one of the list indexes (``models.nominations``).
AUTHORITY_COLUMNS = (
    Nomination.origin_authority_id,
    Nomination.city_authority_id,
    Nomination.central_authority_id,
)


def visible_nominations(principal: Principal) -> ColumnElement[bool]:
    if principal.is_admin:
        return Nomination.id.is_not(None)
    units = principal.unit_ids(Role.UNIT_OFFICER)
    authorities = principal.authority_ids(*AUTHORITY_ROLES)
    clauses = []
    if units:
        clauses.append(Nomination.proposing_unit_id.in_(units))
    if authorities:
        clauses += [column.in_(authorities) for column in AUTHORITY_COLUMNS]
    return or_(*clauses) if clauses else false()


def visibility_paths(principal: Principal) -> list[ColumnElement[bool]]:
    """``visible_nominations`` as conditions whose union is the same set, each one column
    equal to one value (empty: sees nothing). Each is read in list order off that column's
    list index, where their OR could only be read whole and sorted."""
    if principal.is_admin:
        return [Nomination.id.is_not(None)]
    return [
        Nomination.proposing_unit_id == unit
        for unit in sorted(principal.unit_ids(Role.UNIT_OFFICER))
    ] + [
        column == authority
        for column in AUTHORITY_COLUMNS
        for authority in sorted(principal.authority_ids(*AUTHORITY_ROLES))
    ]


def can_see(principal: Principal, nomination: Nomination) -> bool:
    if principal.is_admin:
        return True
    if nomination.proposing_unit_id in principal.unit_ids(Role.UNIT_OFFICER):
        return True
    authorities = principal.authority_ids(*AUTHORITY_ROLES)
    return bool(
        authorities
        & {
            nomination.origin_authority_id,
            nomination.city_authority_id,
            nomination.central_authority_id,
        }
    )


async def nomination_context(
    session: AsyncSession, nomination: Nomination, *, decides: bool
) -> NominationContext:
    """The permission context of a nomination as the projection knows it (the same one
    the workflow builds from its own state)."""
    authority = await session.get(Authority, nomination.authority_id)
    assert authority is not None
    previous_standing = None
    if nomination.level != Level.WARD:
        previous_id = (
            nomination.origin_authority_id
            if nomination.level == Level.CITY
            else nomination.city_authority_id
        )
        previous = await session.get(Authority, previous_id) if previous_id else None
        previous_standing = previous.standing_unit_id if previous else None
    returned = (
        await session.execute(
            select(func.count()).where(
                AuditEvent.nomination_id == nomination.id,
                AuditEvent.action == "returned_for_supplement",
                AuditEvent.level == nomination.level,
            )
        )
    ).scalar_one()
    pending = (
        await session.execute(
            select(func.count()).where(
                and_(
                    Objection.nomination_id == nomination.id,
                    Objection.status == ObjectionStatus.PENDING,
                )
            )
        )
    ).scalar_one()
    return NominationContext(
        stage=nomination.stage,
        level=nomination.level,
        authority_unit_id=authority.unit_id,
        standing_unit_id=authority.standing_unit_id,
        proposing_unit_id=nomination.proposing_unit_id,
        previous_standing_unit_id=previous_standing,
        returned_at_this_level=returned > 0,
        pending_objections=pending,
        decides=decides,
    )
