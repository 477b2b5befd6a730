"""Sheet kinds of the registry: units, households, people and collectives (the users and
their role grants are in ``user_sheets``). A collective's members are the people whose
unit is the collective's unit (``models.Collective``): the people sheet sets them.

A blank optional cell keeps what is stored; a row that matches its record field for field
changes nothing."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from domain.text import fold
from domain.vocabulary import Gender, Level, UnitKind
from models import Collective, Household, Person, Unit

from ...queries import imports as queries
from ..admin_scope import in_scope
from ..personal_data import mask_citizen_id
from . import cells, references
from .changes import assign, audit, claim, created
from .kinds import Column, ImportContext, Outcome, Row, SheetKind
from .labels import (
    GENDER_LABELS,
    LEVEL_LABELS,
    UNIT_KIND_LABELS,
    labels_list,
)
from .user_sheets import USER_SHEETS

UNIT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

WARD_EXAMPLE = "UBND-PHUONG"  # the example rows' ward, by its code
GROUP_EXAMPLE = "TDP-01"  # and the example residential group

UNIT_REFERENCE_HELP = (
    "Mã đơn vị, mã hành chính hoặc tên đầy đủ của đơn vị (đã có trong hệ thống, hoặc ở "
    "trang tính Đơn vị của cùng tệp)"
)


# ---- units ---------------------------------------------------------------------------


def _generated_code(units: list[Unit], parent: Unit | None, name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-").upper() or "DV"
    base = (f"{parent.code}-{slug}" if parent is not None else slug)[:58]
    taken = {unit.code.casefold() for unit in units}
    code, number = base, 1
    while code.casefold() in taken:
        number += 1
        code = f"{base}-{number}"
    return code


def _under(units: list[Unit], unit_id: int, ancestor_id: int) -> bool:
    """Whether ``unit_id`` is ``ancestor_id`` or lies below it."""
    parents = {unit.id: unit.parent_id for unit in units}
    current: int | None = unit_id
    for _ in range(len(parents) + 1):
        if current is None:
            return False
        if current == ancestor_id:
            return True
        current = parents.get(current)
    return False


async def _parent(
    context: ImportContext, kind: SheetKind, row: Row, units: list[Unit]
) -> tuple[bool, Unit | None]:
    """The parent a row names (False: a problem). One's own top units may keep naming the
    unit above them, which one does not administer."""
    reference = cells.text(context, kind, row, "parent")
    if reference is None:
        return True, None
    visible = context.scope
    if visible is not None:
        visible = visible | {u.parent_id for u in units if u.id in visible and u.parent_id}
    found = [
        unit for unit in references.unit_matches(units, reference) if in_scope(visible, unit.id)
    ]
    if len(found) == 1:
        return True, found[0]
    if found:
        context.problem(
            row,
            kind,
            "parent",
            f"'{reference}' khớp với {len(found)} đơn vị: hãy ghi mã đơn vị",
            f"'{reference}' matches {len(found)} units",
        )
    else:
        context.problem(
            row, kind, "parent", f"Không có đơn vị '{reference}'", f"No unit '{reference}'"
        )
    return False, None


async def _apply_unit(context: ImportContext, kind: SheetKind, row: Row) -> Outcome | None:
    before = len(context.problems)
    code = cells.text(context, kind, row, "code", max_length=64)
    if code is not None and not UNIT_CODE.fullmatch(code):
        context.problem(
            row,
            kind,
            "code",
            "Mã đơn vị chỉ gồm chữ cái không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới",
            "A unit code is letters without diacritics, digits, '.', '-', '_'",
        )
    official_code = cells.text(context, kind, row, "official_code", max_length=16)
    name = cells.text(context, kind, row, "name", required=True)
    short_name = cells.text(context, kind, row, "short_name", max_length=120)
    unit_kind = cells.choice(context, kind, row, "kind", UNIT_KIND_LABELS, required=True)
    level = cells.choice(context, kind, row, "level", LEVEL_LABELS, required=True)
    address = cells.text(context, kind, row, "address")
    units = await references.known_units(context)
    parent_ok, parent = await _parent(context, kind, row, units)
    if len(context.problems) > before or not parent_ok or name is None:
        return None
    assert unit_kind is not None and level is not None
    parent_id = parent.id if parent is not None else None
    if official_code is not None:
        key_column = "official_code"
        found = [u for u in units if (u.official_code or "").casefold() == official_code.casefold()]
    else:
        key_column = "name"
        found = [u for u in units if u.parent_id == parent_id and cells.same_name(u.name, name)]
    if len(found) > 1:
        context.problem(
            row,
            kind,
            key_column,
            f"Dòng này khớp với {len(found)} đơn vị: "
            + "; ".join(f"{u.name} (mã {u.code})" for u in found),
            f"The row matches {len(found)} units",
        )
        return None
    stored = found[0] if found else None
    if stored is not None and not in_scope(context.scope, stored.id):
        context.problem(
            row,
            kind,
            key_column,
            "Không có đơn vị này trong các đơn vị bạn quản trị",
            "No such unit among those you administer",
        )
        return None
    if stored is None or (parent is not None and parent_id != stored.parent_id):
        if parent is None and context.scope is not None:
            context.problem(
                row,
                kind,
                "parent",
                "Chưa nhập đơn vị cấp trên (chỉ quản trị toàn hệ thống mới thêm được đơn vị "
                "không có cấp trên)",
                "The parent unit is required",
            )
            return None
        if parent is not None and not in_scope(context.scope, parent.id):
            context.problem(
                row,
                kind,
                "parent",
                f"Không có đơn vị '{parent.name}' trong các đơn vị bạn quản trị",
                "No such unit among those you administer",
            )
            return None
        if stored is not None and parent is not None and _under(units, parent.id, stored.id):
            context.problem(
                row,
                kind,
                "parent",
                "Đơn vị cấp trên không thể là chính đơn vị này hoặc đơn vị trực thuộc nó",
                "A unit cannot sit under itself",
            )
            return None
    if code is not None and (stored is None or code != stored.code):
        holder = next((u for u in units if u.code.casefold() == code.casefold()), None)
        if holder is not None and holder is not stored:
            context.problem(
                row,
                kind,
                "code",
                f"Mã đơn vị '{code}' đã dùng cho đơn vị khác",
                f"The unit code {code} is taken",
            )
            return None
    values = {
        "code": code,
        "official_code": official_code,
        "name": name,
        "short_name": short_name,
        "kind": unit_kind,
        "level": level,
        "parent_id": parent_id,
        "address": address,
    }
    if stored is None:
        values["code"] = code or _generated_code(units, parent, short_name or name)
        unit = Unit(**{k: v for k, v in values.items() if v is not None})
        unit.parent_id = parent_id
        context.session.add(unit)
        await context.session.flush()
        claim(context, kind, row, unit.id, key_column)
        references.forget_units(context)
        if context.scope is not None:
            context.scope = context.scope | {unit.id}
        audit(
            context,
            subject_type="unit",
            subject_id=unit.id,
            action="unit_created",
            changes=created(values),
        )
        return Outcome.CREATED
    if not claim(context, kind, row, stored.id, key_column):
        return None
    if parent_id is None:
        values.pop("parent_id")  # a top unit stays where it is
    changes = assign(stored, values)
    if not changes:
        return Outcome.UNCHANGED
    await context.session.flush()
    references.forget_units(context)
    audit(
        context, subject_type="unit", subject_id=stored.id, action="unit_updated", changes=changes
    )
    return Outcome.UPDATED


UNITS = SheetKind(
    kind="units",
    title="Đơn vị",
    natural_key_vi=(
        "Mã hành chính nếu đơn vị có mã này; nếu không: tên đơn vị dưới đơn vị cấp trên "
        "của nó. Mã đơn vị để trống thì hệ thống tự đặt."
    ),
    columns=(
        Column(
            "code",
            "Mã đơn vị",
            example=GROUP_EXAMPLE,
            help_vi="Mã riêng trong hệ thống (chữ không dấu, số, dấu gạch); để trống: hệ thống "
            "tự đặt khi thêm mới, giữ nguyên khi cập nhật",
        ),
        Column(
            "official_code",
            "Mã hành chính",
            example="",
            help_vi="Mã đơn vị hành chính của Nhà nước nếu có (ví dụ mã phường): khóa nhận diện",
        ),
        Column("name", "Tên đơn vị", required=True, example="Tổ dân phố Số 1"),
        Column("short_name", "Tên viết tắt", example="TDP Số 1"),
        Column(
            "kind",
            "Loại đơn vị",
            required=True,
            example=UNIT_KIND_LABELS[UnitKind.RESIDENTIAL_GROUP][0],
            help_vi="Một trong: " + labels_list(UNIT_KIND_LABELS),
        ),
        Column(
            "level",
            "Cấp",
            required=True,
            example=LEVEL_LABELS[Level.WARD][0],
            help_vi="Cấp của cơ quan quyết định khen thưởng: "
            + ", ".join(
                LEVEL_LABELS[level][0] for level in (Level.WARD, Level.CITY, Level.CENTRAL)
            ),
        ),
        Column(
            "parent",
            "Đơn vị cấp trên",
            example=WARD_EXAMPLE,
            help_vi=UNIT_REFERENCE_HELP + "; để trống với đơn vị cao nhất",
        ),
        Column("address", "Địa chỉ", example="Số 1 đường Trần Phú"),
    ),
    apply_row=_apply_unit,
    order=10,
)


# ---- households ----------------------------------------------------------------------


async def _group(
    context: ImportContext, kind: SheetKind, row: Row, key: str, *, required: bool = True
) -> Unit | None:
    unit = await references.find_unit(context, kind, row, key, required=required)
    if unit is not None and unit.kind != UnitKind.RESIDENTIAL_GROUP:
        context.problem(
            row,
            kind,
            key,
            f"'{unit.name}' không phải là tổ dân phố (thôn)",
            "Not a residential group",
        )
        return None
    return unit


async def _apply_household(context: ImportContext, kind: SheetKind, row: Row) -> Outcome | None:
    before = len(context.problems)
    head_name = cells.text(context, kind, row, "head_name", required=True)
    address = cells.text(context, kind, row, "address") or ""
    group = await _group(context, kind, row, "residential_group")
    if len(context.problems) > before or head_name is None or group is None:
        return None
    found = [
        household
        for household in await queries.households_in_group(context.session, unit_id=group.id)
        if cells.same_name(household.head_name, head_name)
        and cells.same_name(household.address, address)
    ]
    if len(found) > 1:
        context.problem(
            row,
            kind,
            "head_name",
            f"Dòng này khớp với {len(found)} hộ gia đình cùng chủ hộ, địa chỉ và tổ dân phố",
            f"The row matches {len(found)} households",
        )
        return None
    if found:
        return Outcome.UNCHANGED if claim(context, kind, row, found[0].id, "head_name") else None
    household = Household(head_name=head_name, address=address, residential_group_id=group.id)
    context.session.add(household)
    await context.session.flush()
    claim(context, kind, row, household.id, "head_name")
    audit(
        context,
        subject_type="household",
        subject_id=household.id,
        action="household_created",
        changes=created(
            {"head_name": head_name, "address": address, "residential_group_id": group.id}
        ),
    )
    return Outcome.CREATED


HOUSEHOLDS = SheetKind(
    kind="households",
    title="Hộ gia đình",
    natural_key_vi="Họ tên chủ hộ + địa chỉ + tổ dân phố.",
    columns=(
        Column("head_name", "Họ tên chủ hộ", required=True, example="Trần Văn Bình"),
        Column("address", "Địa chỉ", example="Số 12 ngõ 3 đường Trần Phú"),
        Column(
            "residential_group",
            "Tổ dân phố",
            required=True,
            example=GROUP_EXAMPLE,
            help_vi=UNIT_REFERENCE_HELP,
        ),
    ),
    apply_row=_apply_household,
    order=20,
)


# ---- people --------------------------------------------------------------------------

PERSONAL_FIELDS = ("citizen_id", "birth_date")


def _without_personal_data(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The changes with the personal data named but never written (Decree 13/2023; as
    ``registry_admin`` does): a citizen ID keeps its last three digits."""
    for name in PERSONAL_FIELDS:
        if name in changes:
            changes[name] = [
                None
                if value is None
                else mask_citizen_id(str(value))
                if name == "citizen_id"
                else "(dữ liệu cá nhân)"
                for value in changes[name]
            ]
    return changes


async def _household(
    context: ImportContext, kind: SheetKind, row: Row, unit: Unit | None
) -> Household | None | bool:
    """The household a person belongs to (None: none named; False: a problem)."""
    head_name = cells.text(context, kind, row, "household_head")
    group = await _group(context, kind, row, "household_group", required=False)
    if head_name is None:
        return None
    group = group or unit
    if group is None:
        return False
    found = [
        household
        for household in await queries.households_in_group(context.session, unit_id=group.id)
        if cells.same_name(household.head_name, head_name)
    ]
    if len(found) == 1:
        return found[0]
    if found:
        context.problem(
            row,
            kind,
            "household_head",
            f"'{head_name}' khớp với {len(found)} hộ gia đình tại {group.name}",
            f"'{head_name}' matches {len(found)} households",
        )
    else:
        context.problem(
            row,
            kind,
            "household_head",
            f"Không có hộ gia đình có chủ hộ '{head_name}' tại {group.name}",
            f"No household headed by '{head_name}'",
        )
    return False


async def _apply_person(context: ImportContext, kind: SheetKind, row: Row) -> Outcome | None:
    before = len(context.problems)
    cells.text(context, kind, row, "unit", required=True)
    match = await references.match_person(
        context,
        kind,
        row,
        citizen_id_key="citizen_id",
        name_key="full_name",
        birth_date_key="birth_date",
        unit_key="unit",
    )
    gender = cells.choice(context, kind, row, "gender", GENDER_LABELS)
    position = cells.text(context, kind, row, "position")
    is_official = cells.yes_no(context, kind, row, "is_official")
    birth_year = cells.year(context, kind, row, "birth_year", latest=context.now.year)
    household = await _household(context, kind, row, match.unit if match else None)
    if match is None or len(context.problems) > before or household is False:
        return None
    born = match.birth_date
    if birth_year is not None and born is not None and born.year != birth_year:
        context.problem(
            row,
            kind,
            "birth_year",
            f"Khác với năm của ngày sinh ({born.year})",
            f"Differs from the year of the date of birth ({born.year})",
        )
        return None
    stored = match.person
    if stored is None and gender is None:
        context.problem(row, kind, "gender", "Chưa nhập (bắt buộc)", "Required")
        return None
    if match.birth_date is not None and match.birth_date > context.now.date():
        context.problem(row, kind, "birth_date", "Ngày sinh ở tương lai", "Born in the future")
        return None
    birth_date: date | None = match.birth_date
    values = {
        "full_name": match.full_name or None,
        "gender": gender,
        "birth_date": birth_date,
        "birth_year": birth_date.year if birth_date is not None else birth_year,
        "citizen_id": match.citizen_id,
        "position": position,
        "unit_id": match.unit.id if match.unit is not None else None,
        "household_id": household.id if isinstance(household, Household) else None,
        "is_official": is_official,
    }
    if stored is None:
        values["is_official"] = bool(is_official)
        person = Person(**{k: v for k, v in values.items() if v is not None})
        context.session.add(person)
        await context.session.flush()
        claim(context, kind, row, person.id, "full_name")
        audit(
            context,
            subject_type="person",
            subject_id=person.id,
            action="person_created",
            changes=_without_personal_data(created(values)),
        )
        return Outcome.CREATED
    if not claim(context, kind, row, stored.id, "full_name"):
        return None
    changes = assign(stored, values)
    if not changes:
        return Outcome.UNCHANGED
    await context.session.flush()
    audit(
        context,
        subject_type="person",
        subject_id=stored.id,
        action="person_updated",
        changes=_without_personal_data(changes),
    )
    return Outcome.UPDATED


PEOPLE = SheetKind(
    kind="people",
    title="Cá nhân",
    natural_key_vi=(
        "Số định danh cá nhân (CCCD) nếu có; nếu không: họ và tên + ngày sinh + đơn vị. "
        "Số định danh cá nhân và ngày sinh là dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP)."
    ),
    columns=(
        Column("full_name", "Họ và tên", required=True, example="Nguyễn Thị Hoa"),
        Column(
            "gender",
            "Giới tính",
            required=True,
            example=GENDER_LABELS[Gender.FEMALE][0],
            help_vi="Nam hoặc Nữ",
        ),
        Column(
            "birth_date",
            "Ngày sinh",
            example=date(1985, 3, 15),
            help_vi="Ngày/tháng/năm (ví dụ 15/03/1985); dữ liệu cá nhân",
        ),
        Column(
            "birth_year",
            "Năm sinh",
            example="",
            help_vi="Khi không có ngày sinh: năm sinh (ví dụ 1985); nếu có cả ngày sinh thì "
            "phải cùng năm",
        ),
        Column(
            "citizen_id",
            "Số định danh cá nhân",
            example="001185012345",
            help_vi="Số định danh cá nhân (CCCD), đúng 12 chữ số, nhập dạng văn bản để giữ số 0 "
            "ở đầu; dữ liệu cá nhân",
        ),
        Column("position", "Chức vụ", example="Tổ trưởng tổ dân phố"),
        Column("unit", "Đơn vị", required=True, example=GROUP_EXAMPLE, help_vi=UNIT_REFERENCE_HELP),
        Column(
            "household_head",
            "Chủ hộ",
            example="",
            help_vi="Họ tên chủ hộ của hộ gia đình người này (nếu có)",
        ),
        Column(
            "household_group",
            "Tổ dân phố của hộ",
            example="",
            help_vi="Tổ dân phố của hộ gia đình; để trống: đơn vị của người này",
        ),
        Column(
            "is_official",
            "Cán bộ, công chức, viên chức",
            example="Không",
            help_vi="Có hoặc Không (để trống: Không khi thêm mới, giữ nguyên khi cập nhật)",
        ),
    ),
    apply_row=_apply_person,
    order=30,
)


# ---- collectives ---------------------------------------------------------------------


async def _apply_collective(context: ImportContext, kind: SheetKind, row: Row) -> Outcome | None:
    before = len(context.problems)
    unit = await references.find_unit(context, kind, row, "unit")
    name = cells.text(context, kind, row, "name", required=True)
    if len(context.problems) > before or unit is None or name is None:
        return None
    if not claim(context, kind, row, unit.id, "unit"):
        return None
    stored = await queries.collective_of_unit(context.session, unit_id=unit.id)
    if stored is None:
        collective = Collective(unit_id=unit.id, name=name)
        context.session.add(collective)
        await context.session.flush()
        audit(
            context,
            subject_type="collective",
            subject_id=collective.id,
            action="collective_created",
            changes=created({"unit_id": unit.id, "name": name}),
        )
        return Outcome.CREATED
    changes = assign(stored, {"name": name})
    if not changes:
        return Outcome.UNCHANGED
    await context.session.flush()
    audit(
        context,
        subject_type="collective",
        subject_id=stored.id,
        action="collective_updated",
        changes=changes,
    )
    return Outcome.UPDATED


COLLECTIVES = SheetKind(
    kind="collectives",
    title="Tập thể",
    natural_key_vi=(
        "Đơn vị (mỗi đơn vị có một tập thể). Thành viên của tập thể là những cá nhân thuộc "
        "đơn vị đó (trang tính Cá nhân)."
    ),
    columns=(
        Column("unit", "Đơn vị", required=True, example=GROUP_EXAMPLE, help_vi=UNIT_REFERENCE_HELP),
        Column("name", "Tên tập thể", required=True, example="Tổ dân phố Số 1"),
    ),
    apply_row=_apply_collective,
    order=40,
)


REGISTRY_SHEETS: tuple[SheetKind, ...] = (UNITS, HOUSEHOLDS, PEOPLE, COLLECTIVES, *USER_SHEETS)
