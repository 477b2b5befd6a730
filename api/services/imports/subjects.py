"""Whom a history row is about: a person (citizen ID number, or full name + date of birth
+ unit), a collective (its unit) or a household (its head's name + its residential
group), chosen by the row's "Đối tượng" cell. The same columns serve the three: "Họ và
tên" is a household's head, "Đơn vị" a person's unit, a collective's own unit or a
household's residential group."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.vocabulary import NomineeKind

from ...queries import imports as queries
from . import cells
from .kinds import ImportContext, Row, SheetKind
from .references import find_person, find_unit

SUBJECT_LABELS: Mapping[NomineeKind, tuple[str, ...]] = {
    NomineeKind.INDIVIDUAL: ("Cá nhân",),
    NomineeKind.COLLECTIVE: ("Tập thể",),
    NomineeKind.HOUSEHOLD: ("Hộ gia đình", "Hộ"),
}

SUBJECT_VI = {
    NomineeKind.INDIVIDUAL: "cá nhân",
    NomineeKind.COLLECTIVE: "tập thể",
    NomineeKind.HOUSEHOLD: "hộ gia đình",
}

# The column keys every subject sheet uses.
SUBJECT = "subject_kind"
CITIZEN_ID = "citizen_id"
FULL_NAME = "full_name"
BIRTH_DATE = "birth_date"
UNIT = "unit"


@dataclass(frozen=True)
class Subject:
    kind: NomineeKind
    id: int
    unit_id: int  # the unit (or residential group) it belongs to
    name: str

    @property
    def ref(self) -> dict[str, int | None]:
        """The record's subject columns."""
        return {
            "person_id": self.id if self.kind == NomineeKind.INDIVIDUAL else None,
            "collective_id": self.id if self.kind == NomineeKind.COLLECTIVE else None,
            "household_id": self.id if self.kind == NomineeKind.HOUSEHOLD else None,
        }


def _must_be_blank(
    context: ImportContext, kind: SheetKind, row: Row, keys: tuple[str, ...], what_vi: str
) -> bool:
    blank = True
    for key in keys:
        if row.values.get(key) is not None:
            context.problem(
                row,
                kind,
                key,
                f"Để trống khi đối tượng là {what_vi}",
                f"Leave blank for a {what_vi}",
            )
            blank = False
    return blank


async def find_subject(
    context: ImportContext,
    kind: SheetKind,
    row: Row,
    labels: Mapping[NomineeKind, tuple[str, ...]] = SUBJECT_LABELS,
) -> Subject | None:
    """The stored subject a row names; None after recording a problem (a subject that
    does not exist, two that match, one outside the importer's units)."""
    subject_kind = cells.choice(context, kind, row, SUBJECT, labels, required=True)
    if subject_kind is None:
        return None
    if subject_kind == NomineeKind.INDIVIDUAL:
        person = await find_person(
            context,
            kind,
            row,
            citizen_id_key=CITIZEN_ID,
            name_key=FULL_NAME,
            birth_date_key=BIRTH_DATE,
            unit_key=UNIT,
        )
        if person is None:
            return None
        return Subject(subject_kind, person.id, person.unit_id, person.full_name)
    if subject_kind == NomineeKind.COLLECTIVE:
        if not _must_be_blank(context, kind, row, (CITIZEN_ID, FULL_NAME, BIRTH_DATE), "tập thể"):
            return None
        unit = await find_unit(context, kind, row, UNIT)
        if unit is None:
            return None
        collective = await queries.collective_of_unit(context.session, unit_id=unit.id)
        if collective is None or collective.merged_into_id is not None:
            context.problem(
                row,
                kind,
                UNIT,
                f"Đơn vị {unit.name} chưa có trong danh sách tập thể",
                f"{unit.name} is not a collective",
            )
            return None
        return Subject(subject_kind, collective.id, unit.id, collective.name)
    if not _must_be_blank(context, kind, row, (CITIZEN_ID, BIRTH_DATE), "hộ gia đình"):
        return None
    head = cells.text(context, kind, row, FULL_NAME, required=True)
    group = await find_unit(context, kind, row, UNIT)
    if head is None or group is None:
        return None
    found = [
        household
        for household in await queries.households_in_group(context.session, unit_id=group.id)
        if cells.same_name(household.head_name, head)
    ]
    if not found:
        context.problem(
            row,
            kind,
            FULL_NAME,
            f"Không có hộ gia đình chủ hộ '{head}' tại {group.name}",
            f"No household headed by '{head}' in {group.name}",
        )
        return None
    if len(found) > 1:
        context.problem(
            row,
            kind,
            FULL_NAME,
            f"'{head}' khớp với {len(found)} hộ gia đình tại {group.name}: "
            + "; ".join(h.address or f"mã {h.id}" for h in found)
            + ". Hãy sửa trong danh sách hộ gia đình trước khi nhập",
            f"'{head}' matches {len(found)} households in {group.name}",
        )
        return None
    return Subject(subject_kind, found[0].id, group.id, found[0].head_name)


def count(
    context: ImportContext, kind: SheetKind, row: Row, key: str, *, most: int = 100_000
) -> int | None:
    """A whole number ≥ 0 (a collective's members); None when blank or wrong (a wrong
    one recorded as a problem)."""
    value = row.values.get(key)
    if value is None:
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 0 <= number <= most:
        context.problem(
            row,
            kind,
            key,
            f"'{value}' không phải là số nguyên từ 0 đến {most}",
            f"'{value}' is not a whole number from 0 to {most}",
        )
        return None
    return number
