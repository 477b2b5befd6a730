"""Who may see which nominations.

Visibility: a unit officer sees the nominations of their units; the standing body, the
chairman, vice-chairmen, council members and auditors of an authority see every
nomination that started at or reached it; a unit's administrator (an ``admin`` role
grant) sees the nominations of the units below it and of the authorities there (a ward's
administrator their ward's, a city's the city's and its wards'); the deployment's
administrators see all. A person who may not see a nomination gets 403 whether it exists
or not.
"""

from __future__ import annotations

from sqlalchemy import false, or_
from sqlalchemy.sql.elements import ColumnElement

from domain.vocabulary import Role
from models import Nomination

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


def _units(principal: Principal) -> set[int]:
    """The proposing units whose nominations ``principal`` sees."""
    return principal.unit_ids(Role.UNIT_OFFICER) | principal.admin_proposing_unit_ids


def _authorities(principal: Principal) -> set[int]:
    """The authorities whose nominations (started at or reached) ``principal`` sees."""
    return (
        principal.authority_ids(*AUTHORITY_ROLES)
        | principal.admin_authority_ids
        | principal.audited_authority_ids
    )


def visible_nominations(principal: Principal) -> ColumnElement[bool]:
    if principal.sees_all:
        return Nomination.id.is_not(None)
    units = _units(principal)
    authorities = _authorities(principal)
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
    if principal.sees_all:
        return [Nomination.id.is_not(None)]
    return [Nomination.proposing_unit_id == unit for unit in sorted(_units(principal))] + [
        column == authority
        for column in AUTHORITY_COLUMNS
        for authority in sorted(_authorities(principal))
    ]


def can_see(principal: Principal, nomination: Nomination) -> bool:
    if principal.sees_all:
        return True
    if nomination.proposing_unit_id in _units(principal):
        return True
    authorities = _authorities(principal)
    return bool(
        authorities
        & {
            nomination.origin_authority_id,
            nomination.city_authority_id,
            nomination.central_authority_id,
        }
    )
