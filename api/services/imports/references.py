"""A row's references to stored records: a unit (by its code, its official code or its
full name) and a person (by citizen ID number where given, else full name + date of birth
+ unit). A reference that matches two records is a problem to show, never a guess; a
record outside the importer's units is answered exactly like a missing one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models import Person, Unit

from ...queries import imports as queries
from ..admin_scope import in_scope
from . import cells
from .kinds import ImportContext, Row, SheetKind

_UNITS = "imports.units"


async def known_units(context: ImportContext) -> list[Unit]:
    """Every stored unit, read once per import (see ``forget_units``)."""
    units: list[Unit] | None = context.cache.get(_UNITS)
    if units is None:
        units = await queries.all_units(context.session)
        context.cache[_UNITS] = units
    return units


def forget_units(context: ImportContext) -> None:
    """After a unit is created or renamed: the next reference reads the units again."""
    context.cache.pop(_UNITS, None)


def unit_matches(units: list[Unit], reference: str) -> list[Unit]:
    """The units a reference names: its code, else its official code, else its full name
    (ignoring case and extra spaces)."""
    wanted = reference.strip().casefold()
    by_code = [unit for unit in units if unit.code.casefold() == wanted]
    if by_code:
        return by_code
    by_official = [unit for unit in units if (unit.official_code or "").casefold() == wanted]
    if by_official:
        return by_official
    return [unit for unit in units if cells.same_name(unit.name, reference)]


def _describe(unit: Unit) -> str:
    return f"{unit.name} (mã {unit.code})"


async def find_unit(
    context: ImportContext, kind: SheetKind, row: Row, column_key: str, *, required: bool = True
) -> Unit | None:
    """The unit a cell names, among those the importer administers; None after recording
    a problem (or for a blank cell that is not ``required``)."""
    reference = cells.text(context, kind, row, column_key, required=required)
    if reference is None:
        return None
    found = [
        unit
        for unit in unit_matches(await known_units(context), reference)
        if in_scope(context.scope, unit.id)
    ]
    if not found:
        context.problem(
            row,
            kind,
            column_key,
            f"Không có đơn vị '{reference}' (nhập mã, mã hành chính hoặc tên đầy đủ của đơn vị)",
            f"No unit '{reference}'",
        )
        return None
    if len(found) > 1:
        context.problem(
            row,
            kind,
            column_key,
            f"'{reference}' khớp với {len(found)} đơn vị: "
            + "; ".join(_describe(unit) for unit in found)
            + ". Hãy ghi mã đơn vị",
            f"'{reference}' matches {len(found)} units: write the unit's code",
        )
        return None
    return found[0]


@dataclass(frozen=True)
class PersonMatch:
    """A row's person: the stored one its natural key names (None: not stored yet), and
    the key's values as the row gives them."""

    person: Person | None
    citizen_id: str | None
    full_name: str
    birth_date: date | None
    unit: Unit | None


def _candidates(people: list[Person], full_name: str) -> list[Person]:
    return [
        person
        for person in people
        if person.merged_into_id is None and cells.same_name(person.full_name, full_name)
    ]


async def match_person(
    context: ImportContext,
    kind: SheetKind,
    row: Row,
    *,
    citizen_id_key: str,
    name_key: str,
    birth_date_key: str,
    unit_key: str,
) -> PersonMatch | None:
    """The person a row's natural key names: by citizen ID number where given (a person
    stored without one matches by the rest of the key), else by full name + date of birth
    + unit. None after recording a problem (a wrong cell, two matching people)."""
    before = len(context.problems)
    identifier = cells.citizen_id(context, kind, row, citizen_id_key)
    full_name = cells.text(context, kind, row, name_key, required=identifier is None)
    birth_date = cells.day(context, kind, row, birth_date_key)
    unit = await find_unit(context, kind, row, unit_key, required=identifier is None)
    if len(context.problems) > before:
        return None
    if identifier is not None:
        holders = await queries.people_by_citizen_id(context.session, citizen_id=identifier)
        for holder in holders:
            if holder.merged_into_id is not None:
                continue
            if not in_scope(context.scope, holder.unit_id):
                # Someone else's person: a new record here would clash with the unique
                # number, yet the other ward's record must not be revealed.
                context.problem(
                    row,
                    kind,
                    citizen_id_key,
                    "Không có cá nhân mang số định danh này trong các đơn vị bạn quản trị",
                    "No person with this citizen ID number in the units you administer",
                )
                return None
            return PersonMatch(holder, identifier, full_name or holder.full_name, birth_date, unit)
    if full_name is None or unit is None:
        return PersonMatch(None, identifier, full_name or "", birth_date, unit)
    found = _candidates(
        await queries.people_born(context.session, unit_id=unit.id, birth_date=birth_date),
        full_name,
    )
    if identifier is not None:
        found = [person for person in found if person.citizen_id is None]
    if len(found) > 1:
        context.problem(
            row,
            kind,
            name_key,
            f"'{full_name}' khớp với {len(found)} cá nhân cùng ngày sinh tại {unit.name}: "
            "hãy ghi số định danh cá nhân để phân biệt",
            f"'{full_name}' matches {len(found)} people: write the citizen ID number",
        )
        return None
    return PersonMatch(found[0] if found else None, identifier, full_name, birth_date, unit)


async def find_person(
    context: ImportContext,
    kind: SheetKind,
    row: Row,
    *,
    citizen_id_key: str,
    name_key: str,
    birth_date_key: str,
    unit_key: str,
) -> Person | None:
    """The stored person a row names (a rating's, an award's); None after recording a
    problem, a person not found included."""
    match = await match_person(
        context,
        kind,
        row,
        citizen_id_key=citizen_id_key,
        name_key=name_key,
        birth_date_key=birth_date_key,
        unit_key=unit_key,
    )
    if match is None:
        return None
    if match.person is None:
        if match.citizen_id is not None and (not match.full_name or match.unit is None):
            context.problem(
                row,
                kind,
                citizen_id_key,
                "Không có cá nhân mang số định danh này",
                "No person with this citizen ID number",
            )
        else:
            where = f" tại {match.unit.name}" if match.unit is not None else ""
            born = f" sinh ngày {match.birth_date:%d/%m/%Y}" if match.birth_date is not None else ""
            context.problem(
                row,
                kind,
                name_key,
                f"Không có cá nhân '{match.full_name}'{born}{where}",
                f"No person '{match.full_name}'",
            )
        return None
    return match.person
