"""The rule of who may know who objected (``api.services.objectors.may_know_objector``),
over plain data: the cases the end-to-end test (``tests/pages/test_objector_visibility.py``)
cannot reach with the demo users — a nominee who has an account, a collective's own
officers, a proposing officer who is also a standing officer, the levels a nomination
went through."""

from __future__ import annotations

import pytest

from api.principal import Principal
from api.services.objectors import may_know_objector
from domain.vocabulary import Level, NomineeKind, Role
from models import Nomination
from workflows.contracts import RoleRef

pytestmark = pytest.mark.fast

WARD, CITY, CENTRAL = 1, 2, 3  # authorities
WARD_STANDING, CITY_STANDING = 101, 201  # their standing bodies' units
PROPOSING_UNIT, COLLECTIVE_UNIT, OTHER_UNIT = 110, 120, 130


def reader(*roles: tuple[Role, int, Level, int | None]) -> Principal:
    return Principal(
        user_id=7,
        username="someone",
        full_name="Ai Đó",
        email=None,
        roles=tuple(
            RoleRef(role, unit, level, authority) for role, unit, level, authority in roles
        ),
        council_memberships=(),
    )


def nomination(*, at: Level = Level.WARD, kind: NomineeKind = NomineeKind.INDIVIDUAL) -> Nomination:
    return Nomination(
        id=1,
        proposing_unit_id=PROPOSING_UNIT,
        origin_authority_id=WARD,
        city_authority_id=CITY if at in (Level.CITY, Level.CENTRAL) else None,
        central_authority_id=CENTRAL if at == Level.CENTRAL else None,
        authority_id={Level.WARD: WARD, Level.CITY: CITY, Level.CENTRAL: CENTRAL}[at],
        level=at,
        subject_kind=kind,
        person_id=55 if kind == NomineeKind.INDIVIDUAL else None,
        collective_id=9 if kind == NomineeKind.COLLECTIVE else None,
    )


WARD_STANDING_OFFICER = (Role.STANDING_OFFICER, WARD_STANDING, Level.WARD, WARD)
CITY_STANDING_OFFICER = (Role.STANDING_OFFICER, CITY_STANDING, Level.CITY, CITY)
WARD_AUDITOR = (Role.AUDITOR, 100, Level.WARD, WARD)
CITY_AUDITOR = (Role.AUDITOR, 200, Level.CITY, CITY)
WARD_MEMBER = (Role.COUNCIL_MEMBER, 100, Level.WARD, WARD)
WARD_CHAIRMAN = (Role.CHAIRMAN, 100, Level.WARD, WARD)
ADMIN = (Role.ADMIN, 100, Level.WARD, None)


def knows(
    principal: Principal,
    subject: Nomination,
    level: Level,
    *,
    person: int | None = None,
    nominee_unit: int | None = None,
) -> bool:
    return may_know_objector(
        principal, subject, level, reader_person_id=person, nominee_unit_id=nominee_unit
    )


def test_the_standing_body_handling_the_objection_and_the_auditor_know():
    ward = nomination()
    assert knows(reader(WARD_STANDING_OFFICER), ward, Level.WARD)
    assert knows(reader(WARD_AUDITOR), ward, Level.WARD)
    assert knows(reader(WARD_MEMBER, WARD_STANDING_OFFICER), ward, Level.WARD)


def test_council_members_chairmen_administrators_and_other_units_do_not():
    ward = nomination()
    for roles in (
        (WARD_MEMBER,),
        (WARD_CHAIRMAN, WARD_MEMBER),
        (ADMIN,),
        ((Role.UNIT_OFFICER, OTHER_UNIT, Level.WARD, None),),
        (),
    ):
        assert not knows(reader(*roles), ward, Level.WARD), roles


def test_never_the_proposing_unit_nor_the_nominee_whatever_else_they_are():
    ward = nomination()
    proposing_and_standing = reader(
        (Role.UNIT_OFFICER, PROPOSING_UNIT, Level.WARD, None), WARD_STANDING_OFFICER
    )
    assert not knows(proposing_and_standing, ward, Level.WARD)
    # The nominee has an account, and it is the standing officer's or the auditor's.
    assert not knows(reader(WARD_STANDING_OFFICER), ward, Level.WARD, person=55)
    assert not knows(reader(WARD_AUDITOR), ward, Level.WARD, person=55)
    assert knows(reader(WARD_AUDITOR), ward, Level.WARD, person=56)
    # A collective's own officers are the nominee.
    collective = nomination(kind=NomineeKind.COLLECTIVE)
    own_officer_and_standing = reader(
        (Role.UNIT_OFFICER, COLLECTIVE_UNIT, Level.WARD, None), WARD_STANDING_OFFICER
    )
    assert not knows(own_officer_and_standing, collective, Level.WARD, nominee_unit=COLLECTIVE_UNIT)
    assert knows(
        reader(WARD_STANDING_OFFICER), collective, Level.WARD, nominee_unit=COLLECTIVE_UNIT
    )


def test_a_standing_body_knows_the_objectors_of_its_own_level_only():
    forwarded = nomination(at=Level.CITY)
    assert knows(reader(CITY_STANDING_OFFICER), forwarded, Level.CITY)
    assert not knows(reader(CITY_STANDING_OFFICER), forwarded, Level.WARD)
    assert knows(reader(WARD_STANDING_OFFICER), forwarded, Level.WARD)
    assert not knows(reader(WARD_STANDING_OFFICER), forwarded, Level.CITY)
    # An auditor of any authority the nomination reached knows every level's objectors;
    # one of an authority it never reached does not.
    assert knows(reader(CITY_AUDITOR), forwarded, Level.WARD)
    assert not knows(reader(CITY_AUDITOR), nomination(), Level.WARD)
