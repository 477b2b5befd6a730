"""A row's cells turned into the values a record holds: a text, a year, a date (a real
Excel date or "dd/mm/yyyy"), "Có"/"Không", a citizen ID number, an enum by its Vietnamese
label. A wrong value records one Vietnamese problem naming the column and gives None
(``MISSING`` tells a blank cell from a wrong one where that matters)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from domain.text import fold

from .kinds import ImportContext, Row, SheetKind
from .labels import NO_LABELS, YES_LABELS

E = TypeVar("E", bound=StrEnum)

CITIZEN_ID = re.compile(r"\d{12}")
_DAY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def folded(text: str) -> str:
    """How a label, a header or a name is compared: no case, no accents, single spaces."""
    return " ".join(fold(text).split())


def same_name(a: str, b: str) -> bool:
    """Two names of the same thing: equal ignoring case and extra spaces (accents count:
    "Hòa" and "Hoa" are two people)."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _shown(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _required(context: ImportContext, kind: SheetKind, row: Row, key: str) -> None:
    context.problem(row, kind, key, "Chưa nhập (bắt buộc)", "Required")


def text(
    context: ImportContext,
    kind: SheetKind,
    row: Row,
    key: str,
    *,
    required: bool = False,
    max_length: int = 255,
) -> str | None:
    """The cell as a text on one line (a number as written: 12 → "12"); None when blank."""
    value = row.values.get(key)
    if value is None:
        if required:
            _required(context, kind, row, key)
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = " ".join(_shown(value).split())
    if not result:
        if required:
            _required(context, kind, row, key)
        return None
    if len(result) > max_length:
        context.problem(
            row,
            kind,
            key,
            f"Dài quá {max_length} ký tự",
            f"Longer than {max_length} characters",
        )
        return None
    return result


def year(
    context: ImportContext,
    kind: SheetKind,
    row: Row,
    key: str,
    *,
    required: bool = False,
    earliest: int = 1900,
    latest: int = 2100,
) -> int | None:
    """A year, 1900–2100 unless told."""
    value = row.values.get(key)
    if value is None:
        if required:
            _required(context, kind, row, key)
        return None
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not earliest <= number <= latest:
        context.problem(
            row,
            kind,
            key,
            f"'{_shown(value)}' không phải là một năm ({earliest}–{latest})",
            f"'{_shown(value)}' is not a year ({earliest}–{latest})",
        )
        return None
    return number


def day(
    context: ImportContext, kind: SheetKind, row: Row, key: str, *, required: bool = False
) -> date | None:
    """A date: an Excel date cell, or a text "dd/mm/yyyy" (also "yyyy-mm-dd")."""
    value = row.values.get(key)
    if value is None:
        if required:
            _required(context, kind, row, key)
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            if found := _DAY.fullmatch(value.strip()):
                return date(int(found[3]), int(found[2]), int(found[1]))
            if found := _ISO_DAY.fullmatch(value.strip()):
                return date(int(found[1]), int(found[2]), int(found[3]))
        except ValueError:
            pass
    context.problem(
        row,
        kind,
        key,
        f"'{_shown(value)}' không phải là ngày hợp lệ (nhập dạng ngày/tháng/năm, ví dụ 15/03/1985)",
        f"'{_shown(value)}' is not a valid date (dd/mm/yyyy)",
    )
    return None


def yes_no(
    context: ImportContext,
    kind: SheetKind,
    row: Row,
    key: str,
    *,
    default: bool | None = None,
) -> bool | None:
    """ "Có" or "Không" (blank: ``default``)."""
    value = row.values.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    word = folded(_shown(value))
    if word in {folded(label) for label in YES_LABELS}:
        return True
    if word in {folded(label) for label in NO_LABELS}:
        return False
    context.problem(
        row,
        kind,
        key,
        f"'{_shown(value)}' không hợp lệ: nhập Có hoặc Không",
        f"'{_shown(value)}': write Có or Không",
    )
    return None


def choice(
    context: ImportContext,
    kind: SheetKind,
    row: Row,
    key: str,
    labels: Mapping[E, tuple[str, ...]],
    *,
    required: bool = False,
) -> E | None:
    """One of an enum's values, by any of its Vietnamese labels or its English value."""
    value = row.values.get(key)
    if value is None:
        if required:
            _required(context, kind, row, key)
        return None
    word = folded(_shown(value))
    for member, names in labels.items():
        if word == folded(member.value) or word in {folded(name) for name in names}:
            return member
    allowed = ", ".join(names[0] for names in labels.values())
    context.problem(
        row,
        kind,
        key,
        f"'{_shown(value)}' không hợp lệ: chọn một trong {allowed}",
        f"'{_shown(value)}' is not one of {allowed}",
    )
    return None


def citizen_id(context: ImportContext, kind: SheetKind, row: Row, key: str) -> str | None:
    """A citizen ID number (số định danh cá nhân / CCCD): exactly 12 digits. A number cell
    lost its leading zeros to the spreadsheet program: they are put back."""
    value = row.values.get(key)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**12:
        return f"{value:012d}"
    result = "".join(_shown(value).split())
    if not CITIZEN_ID.fullmatch(result):
        context.problem(
            row,
            kind,
            key,
            "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số",
            "A citizen ID number is exactly 12 digits",
        )
        return None
    return result
