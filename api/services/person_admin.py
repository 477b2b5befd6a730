"""An administrator's people: the people of the units one administers (identifiers
masked in a list), one person's record (in full, the read audited), a person created and
edited. Every change is audited with who acted and the old and new values; the citizen ID
and date of birth are personal data (Decree 13/2023, ``api.services.personal_data``):
named in the audit trail, never written there.

A citizen ID has 12 digits and belongs to one person: a second one is a duplicate to
merge (``api.services.registry_merge``), not to create."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import vietnam_date
from models import Person, Unit
from models.schemas.registry_admin import (
    PersonAdminPage,
    PersonAdminRead,
    PersonCreate,
    PersonUpdate,
)

from ..errors import Conflict, InvalidInput, NotFound
from ..principal import Principal
from ..queries import registry_admin as queries
from .admin_scope import administered_unit_ids, in_scope
from .personal_data import Identifiers, identifiers, mask_citizen_id, read_person_record
from .registry_admin import required
from .registry_audit import audit_registry_event, changed

CITIZEN_ID_DIGITS = 12
PERSON_FIELDS = (
    "full_name",
    "gender",
    "birth_date",
    "birth_year",
    "citizen_id",
    "position",
    "unit_id",
    "household_id",
    "is_official",
)


def person_read(person: Person, unit_name: str, shown: Identifiers) -> PersonAdminRead:
    return PersonAdminRead(
        id=person.id,
        full_name=person.full_name,
        gender=person.gender,
        birth_year=person.birth_year,
        birth_date=shown.birth_date,
        citizen_id=shown.citizen_id,
        identifiers_masked=shown.masked,
        position=person.position,
        unit_id=person.unit_id,
        unit_name=unit_name,
        household_id=person.household_id,
        is_official=person.is_official,
        merged_into_id=person.merged_into_id,
    )


async def list_people(
    session: AsyncSession,
    principal: Principal,
    *,
    unit_id: int | None,
    query: str | None,
    page: int,
    page_size: int,
) -> PersonAdminPage:
    """The people of the units one administers (or of one of them), by given name; ``q``
    matches every word of the name with or without diacritics, or a whole citizen ID.
    Identifiers are masked in a list: a person's own record shows them."""
    scope = await administered_unit_ids(session, principal)
    if unit_id is not None:
        if not in_scope(scope, unit_id):
            raise NotFound("Không tìm thấy đơn vị", "No such unit")
        scope = frozenset({unit_id})
    wanted = (query or "").strip()
    whole_id = wanted.isdigit() and len(wanted) == CITIZEN_ID_DIGITS
    total, rows = await queries.people_page(
        session,
        unit_ids=scope,
        query=wanted,
        citizen_id=wanted if whole_id else None,
        page=page,
        page_size=page_size,
    )
    return PersonAdminPage(
        total=total,
        page=page,
        page_size=page_size,
        items=[
            person_read(person, unit_name, identifiers(person, full=False))
            for person, unit_name in rows
        ],
    )


async def administered_person(
    session: AsyncSession, principal: Principal, person_id: int
) -> tuple[Person, Unit]:
    """The person (merged ones too: their record says into whom) and their unit; 404 when
    missing or outside one's scope."""
    scope = await administered_unit_ids(session, principal)
    person = await queries.person_by_id(session, person_id=person_id)
    if person is None or not in_scope(scope, person.unit_id):
        raise NotFound("Không tìm thấy cá nhân", "No such person")
    unit = await queries.unit_by_id(session, unit_id=person.unit_id)
    assert unit is not None  # a foreign key
    return person, unit


async def person_record(
    session: AsyncSession, principal: Principal, person_id: int, *, now: datetime, via: str
) -> PersonAdminRead:
    """One person's record with their identifiers (in full for an administrator of their
    unit), the read audited."""
    person, unit = await administered_person(session, principal, person_id)
    shown = await read_person_record(session, principal, person, now=now, via=via)
    return person_read(person, unit.name, shown)


def _citizen_id(value: str | None) -> str | None:
    if value is None:
        return None
    value = "".join(value.split())  # "001 203 004 567" as printed on the card
    if not value:
        return None
    if not (len(value) == CITIZEN_ID_DIGITS and value.isascii() and value.isdigit()):
        raise InvalidInput(
            "body.citizen_id",
            "Số CCCD (số định danh cá nhân) phải gồm đúng 12 chữ số",
            "A citizen ID number has exactly 12 digits",
        )
    return value


def _birth(birth_date: date | None, birth_year: int | None, *, now: datetime) -> int | None:
    """The birth year: the date's when there is a date (a different year given with it
    is refused)."""
    if birth_date is None:
        return birth_year
    if birth_date > vietnam_date(now) or birth_date.year < 1900:
        raise InvalidInput(
            "body.birth_date",
            "Ngày sinh không hợp lệ (không được sau ngày hôm nay)",
            "Not a valid date of birth (it cannot be after today)",
        )
    if birth_year is not None and birth_year != birth_date.year:
        raise InvalidInput(
            "body.birth_year",
            "Năm sinh khác với năm của ngày sinh",
            "The birth year differs from the date of birth's",
        )
    return birth_date.year


async def _check_person_refs(
    session: AsyncSession,
    scope: frozenset[int] | None,
    *,
    unit_id: int,
    household_id: int | None,
    citizen_id: str | None,
    person_id: int | None,
) -> None:
    unit = await queries.unit_by_id(session, unit_id=unit_id)
    if unit is None or not in_scope(scope, unit.id):
        raise InvalidInput("body.unit_id", "Không có đơn vị này", "No such unit")
    if household_id is not None:
        household = await queries.household_by_id(session, household_id=household_id)
        if (
            household is None
            or household.merged_into_id is not None
            or not in_scope(scope, household.residential_group_id)
        ):
            raise InvalidInput("body.household_id", "Không có hộ gia đình này", "No such household")
    if citizen_id is not None:
        taken = await queries.person_with_citizen_id(
            session, citizen_id=citizen_id, other_than=person_id
        )
        if taken is not None:
            raise Conflict(
                "Số CCCD này đã có trong danh sách cá nhân (có thể là người trùng: "
                "hãy gộp hồ sơ thay vì tạo mới)",
                "This citizen ID is already registered (a duplicate? merge the records)",
                field="body.citizen_id",
            )


def _person_values(person: Person) -> dict[str, Any]:
    return {name: getattr(person, name) for name in PERSON_FIELDS}


PERSONAL_FIELDS = ("citizen_id", "birth_date")


def _audit_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The changes, with the personal data named but never written: the audit trail is
    read by more people than may see it (a citizen ID keeps its last three digits)."""
    changes = changed(before, after)
    for name in PERSONAL_FIELDS:
        if name in changes:
            changes[name] = [_masked(name, value) for value in changes[name]]
    return changes


def _masked(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "citizen_id":
        return mask_citizen_id(str(value))
    return "(dữ liệu cá nhân)"


async def create_person(
    session: AsyncSession, principal: Principal, data: PersonCreate, *, now: datetime
) -> tuple[Person, Unit]:
    scope = await administered_unit_ids(session, principal)
    citizen_id = _citizen_id(data.citizen_id)
    birth_year = _birth(data.birth_date, data.birth_year, now=now)
    await _check_person_refs(
        session,
        scope,
        unit_id=data.unit_id,
        household_id=data.household_id,
        citizen_id=citizen_id,
        person_id=None,
    )
    person = Person(
        full_name=data.full_name,
        gender=data.gender,
        birth_date=data.birth_date,
        birth_year=birth_year,
        citizen_id=citizen_id,
        position=data.position,
        unit_id=data.unit_id,
        household_id=data.household_id,
        is_official=data.is_official,
    )
    session.add(person)
    await session.flush()
    await audit_registry_event(
        session,
        principal,
        subject_type="person",
        subject_id=person.id,
        action="person_created",
        now=now,
        changes=_audit_changes({}, _person_values(person)),
    )
    return await administered_person(session, principal, person.id)


async def update_person(
    session: AsyncSession,
    principal: Principal,
    person_id: int,
    data: PersonUpdate,
    *,
    now: datetime,
) -> tuple[Person, Unit]:
    """Changes the fields sent (``null`` clears an optional one). A date of birth sets the
    birth year to its year."""
    scope = await administered_unit_ids(session, principal)
    person, _ = await administered_person(session, principal, person_id)
    if person.merged_into_id is not None:
        raise Conflict(
            "Hồ sơ này đã được gộp vào hồ sơ khác, không sửa được",
            "This record was merged into another one",
        )
    sent = data.model_dump(exclude_unset=True)
    required(sent, "full_name", "gender", "unit_id", "is_official", "position")
    before = _person_values(person)
    after = {**before, **sent}
    after["citizen_id"] = _citizen_id(after["citizen_id"])
    # Without a new year, a date gives its year and clearing the date keeps the year.
    year_given = (
        sent["birth_year"]
        if "birth_year" in sent
        else (None if after["birth_date"] is not None else before["birth_year"])
    )
    after["birth_year"] = _birth(after["birth_date"], year_given, now=now)
    await _check_person_refs(
        session,
        scope,
        unit_id=after["unit_id"],
        household_id=after["household_id"]
        if after["household_id"] != before["household_id"]
        else None,
        citizen_id=after["citizen_id"],
        person_id=person.id,
    )
    changes = changed(before, after)
    if changes:
        for name, value in after.items():
            setattr(person, name, value)
        await session.flush()
        await audit_registry_event(
            session,
            principal,
            subject_type="person",
            subject_id=person.id,
            action="person_updated",
            now=now,
            changes=_audit_changes(before, after),
        )
    return await administered_person(session, principal, person.id)
