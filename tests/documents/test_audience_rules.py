"""The one check of who reads a document (``api/services/document_audience.may_read``)
over plain data: each circle of its table, and nobody else. The same table through the
real routes, for every document kind and every demo role, is
tests/abuse/test_document_audience.py."""

from __future__ import annotations

from dataclasses import replace

import pytest

from api.principal import Principal
from api.services.document_audience import Audience, may_read, nomination_audience
from domain.vocabulary import Level, Role
from models import Nomination
from workflows.contracts import RoleRef

pytestmark = pytest.mark.fast

WARD, CITY = 1, 2  # authorities
WARD_COUNCIL = 10
OFFICE, SCHOOL = 100, 101  # units


def person(*roles: RoleRef, councils: tuple[int, ...] = ()) -> Principal:
    return Principal(
        user_id=7,
        username="x",
        full_name="X",
        email=None,
        roles=roles,
        council_memberships=tuple((council, 1) for council in councils),
    )


def at(role: Role, authority: int | None, unit: int = 500) -> RoleRef:
    return RoleRef(role, unit, Level.WARD, authority)


UNIT_OFFICER = person(RoleRef(Role.UNIT_OFFICER, OFFICE, Level.WARD))
OTHER_UNIT_OFFICER = person(RoleRef(Role.UNIT_OFFICER, SCHOOL, Level.WARD))
STANDING = person(at(Role.STANDING_OFFICER, WARD))
CITY_STANDING = person(at(Role.STANDING_OFFICER, CITY))
MEMBER = person(at(Role.COUNCIL_MEMBER, WARD), councils=(WARD_COUNCIL,))
# An auditor (thanh tra) reads what the people of the authorities of their subtree read
# (``Principal.audited_authority_ids``): one of another ward reads nothing of this one.
AUDITOR_ELSEWHERE = replace(person(at(Role.AUDITOR, 99)), audited_authority_ids=frozenset({99}))
WARD_AUDITOR = replace(person(at(Role.AUDITOR, WARD)), audited_authority_ids=frozenset({WARD}))
CITY_AUDITOR = replace(
    person(at(Role.AUDITOR, CITY)), audited_authority_ids=frozenset({CITY, WARD})
)
# The deployment's administrator reads everything; a ward's administrator (an ``admin``
# grant) what the people of the authorities in their subtree read.
ADMIN = replace(person(), deployment_admin=True)
WARD_ADMIN = replace(person(at(Role.ADMIN, None)), admin_authority_ids=frozenset({WARD}))
EVERYONE = (
    None,
    UNIT_OFFICER,
    OTHER_UNIT_OFFICER,
    STANDING,
    CITY_STANDING,
    MEMBER,
    AUDITOR_ELSEWHERE,
    ADMIN,
)


def readers(audience: Audience) -> set[int]:
    return {i for i, who in enumerate(EVERYONE) if may_read(who, audience)}


def test_public_and_signed_in():
    assert readers(Audience(public=True)) == set(range(len(EVERYONE)))
    assert readers(Audience(signed_in=True)) == set(range(1, len(EVERYONE)))


def test_the_people_of_an_authority_and_nobody_else():
    ward = Audience.of_authorities(WARD)
    assert readers(ward) == {
        EVERYONE.index(STANDING),
        EVERYONE.index(MEMBER),
        EVERYONE.index(ADMIN),
    }
    both = Audience.of_authorities(WARD, CITY, None)
    assert EVERYONE.index(CITY_STANDING) in readers(both)
    # Nothing at all: the deployment's administrators only.
    assert readers(Audience()) == {EVERYONE.index(ADMIN)}


def test_auditors_read_their_own_subtree():
    ward = Audience.of_authorities(WARD)
    assert may_read(WARD_AUDITOR, ward) and may_read(CITY_AUDITOR, ward)
    assert not may_read(AUDITOR_ELSEWHERE, ward)
    city = Audience.of_authorities(CITY)
    assert may_read(CITY_AUDITOR, city) and not may_read(WARD_AUDITOR, city)


def test_council_members_by_membership():
    minutes = Audience.of_authorities(CITY, council_id=WARD_COUNCIL)
    member_without_role = person(councils=(WARD_COUNCIL,))
    assert may_read(member_without_role, minutes)
    assert not may_read(person(councils=(WARD_COUNCIL + 1,)), minutes)


def test_whoever_may_see_the_nomination():
    nomination = Nomination(
        id=5, proposing_unit_id=OFFICE, origin_authority_id=WARD, authority_id=WARD
    )
    audience = nomination_audience(nomination)
    assert may_read(UNIT_OFFICER, audience)
    assert not may_read(OTHER_UNIT_OFFICER, audience)
    assert may_read(STANDING, audience) and may_read(MEMBER, audience)
    assert not may_read(CITY_STANDING, audience)
    nomination.city_authority_id = CITY  # forwarded: the city sees it now
    assert may_read(CITY_STANDING, audience)
    assert not may_read(None, audience)


def test_a_wards_administrator_reads_what_their_wards_people_read():
    assert may_read(WARD_ADMIN, Audience.of_authorities(WARD))
    assert not may_read(WARD_ADMIN, Audience.of_authorities(CITY))
    assert not may_read(WARD_ADMIN, Audience())
    nomination = Nomination(
        id=5, proposing_unit_id=SCHOOL, origin_authority_id=WARD, authority_id=WARD
    )
    assert may_read(WARD_ADMIN, nomination_audience(nomination))
    nomination.origin_authority_id = nomination.authority_id = CITY
    assert not may_read(WARD_ADMIN, nomination_audience(nomination))
