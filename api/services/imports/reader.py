"""An uploaded workbook read into the rows of its sheets: each sheet named by a sheet
kind's title, its first row the headers, matched to the kind's columns ignoring case,
accents and spaces. What is wrong with the file's shape (an unknown sheet, a missing
required column, a control character in a cell) is a problem like any row's; a file that
is not an .xlsx workbook, or is too big, is refused on the ``file`` field."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from openpyxl import load_workbook

from domain.text import codepoint, control_character

from ...errors import InvalidInput
from .cells import folded
from .kinds import Column, Problem, Row, SheetKind

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 60
GUIDE_TITLE = "Hướng dẫn"

_NOT_HEADER = re.compile(r"[\s*]+")


def header_key(text: str) -> str:
    """How a header is compared: "Họ và tên *" and "ho va ten" are one header."""
    return _NOT_HEADER.sub("", folded(text))


@dataclass
class Sheet:
    kind: SheetKind
    name: str  # as the workbook spells it
    rows: list[Row] = field(default_factory=list)


@dataclass
class Workbook:
    sheets: list[Sheet]  # in the kinds' ``order``
    problems: list[Problem]


def _refuse(message_vi: str, message_en: str) -> InvalidInput:
    return InvalidInput("file", message_vi, message_en)


def _unreadable() -> InvalidInput:
    return _refuse(
        "Không đọc được tệp Excel (.xlsx): tệp hỏng hoặc không đúng định dạng",
        "The .xlsx file cannot be read",
    )


def _cell(value: Any) -> Any:
    """A cell as a row holds it: texts stripped (blank: None), dates as ``date``, whole
    numbers as ``int``."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, time):
        return None if value == time(0) else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _kind_of(name: str, kinds: Sequence[SheetKind]) -> SheetKind | None:
    wanted = header_key(name)
    return next(
        (kind for kind in kinds if wanted in {header_key(kind.title), header_key(kind.kind)}),
        None,
    )


def _columns(
    sheet_name: str, kind: SheetKind, headers: Sequence[Any], problems: list[Problem]
) -> dict[int, Column] | None:
    """Which column of the sheet is which of the kind's; None when a required column is
    missing (its rows are not read: every one would say the same)."""
    by_header: dict[str, Column] = {}
    for column in kind.columns:
        by_header[header_key(column.header)] = column
        by_header.setdefault(header_key(column.key), column)
    found: dict[int, Column] = {}
    for index, raw in enumerate(headers):
        header = _cell(raw)
        if header is None:
            continue
        text = str(header)
        matched = by_header.get(header_key(text))
        if matched is None:
            problems.append(
                Problem(
                    sheet_name,
                    1,
                    text,
                    "Cột không có trong mẫu của trang tính này (xem trang Hướng dẫn)",
                    "This sheet has no such column",
                )
            )
        elif matched in found.values():
            problems.append(
                Problem(
                    sheet_name, 1, text, "Cột này xuất hiện hai lần", "The column appears twice"
                )
            )
        else:
            found[index] = matched
    missing = [c for c in kind.columns if c.required and c not in found.values()]
    for column in missing:
        problems.append(
            Problem(
                sheet_name,
                1,
                column.header,
                "Thiếu cột bắt buộc (dòng 1 phải là dòng tiêu đề của mẫu)",
                "A required column is missing",
            )
        )
    return None if missing else found


def _rows(
    sheet: Sheet, columns: dict[int, Column], cells: Iterable[Sequence[Any]], budget: list[int]
) -> list[Problem]:
    problems: list[Problem] = []
    for number, values in enumerate(cells, start=2):
        row = Row(sheet.name, number, {})
        for index, column in columns.items():
            value = _cell(values[index]) if index < len(values) else None
            if isinstance(value, str) and (bad := control_character(value, multiline=True)):
                problems.append(
                    Problem(
                        sheet.name,
                        number,
                        column.header,
                        f"Ô chứa ký tự điều khiển không hợp lệ ({codepoint(bad)})",
                        f"The cell holds a control character ({codepoint(bad)})",
                    )
                )
                value = None
            row.values[column.key] = value
        if all(value is None for value in row.values.values()):
            continue  # a blank row
        budget[0] -= 1
        if budget[0] < 0:
            raise _refuse(
                f"Tệp có quá {MAX_ROWS} dòng dữ liệu: hãy chia thành nhiều tệp",
                f"More than {MAX_ROWS} data rows: split the file",
            )
        sheet.rows.append(row)
    return problems


def read_workbook(data: bytes, kinds: Sequence[SheetKind]) -> Workbook:
    """The sheets of an uploaded .xlsx file, each with its kind and rows, in the kinds'
    ``order``. ``InvalidInput`` on ``file``: not an .xlsx workbook, more than 5 MB or
    20,000 rows."""
    if len(data) > MAX_BYTES:
        raise _refuse(
            f"Tệp lớn quá {MAX_BYTES // (1024 * 1024)} MB: hãy chia thành nhiều tệp",
            "The file is larger than 5 MB: split it",
        )
    if not data or not zipfile.is_zipfile(io.BytesIO(data)):
        raise _refuse(
            "Tệp không phải là bảng tính Excel (.xlsx): hãy mở tệp bằng Excel và lưu lại "
            "dưới dạng Excel Workbook (.xlsx)",
            "The file is not an Excel workbook (.xlsx)",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable() from None
    if unpacked > MAX_UNPACKED_BYTES:  # a small file that would unpack into gigabytes
        raise _refuse(
            "Tệp Excel quá lớn khi giải nén: hãy chia thành nhiều tệp",
            "The workbook unpacks too large: split it",
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise _unreadable() from None
    problems: list[Problem] = []
    sheets: list[Sheet] = []
    budget = [MAX_ROWS]
    try:
        for worksheet in workbook.worksheets:
            name = str(worksheet.title)
            lines = worksheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
            headers = next(lines, None)
            if header_key(name) == header_key(GUIDE_TITLE):
                continue
            kind = _kind_of(name, kinds)
            if kind is None:
                if headers is not None and any(_cell(v) is not None for v in headers):
                    problems.append(
                        Problem(
                            name,
                            0,
                            "",
                            "Tên trang tính không phải một loại danh sách của mẫu nhập "
                            "(đặt tên trang tính theo mẫu, ví dụ: "
                            + ", ".join(k.title for k in kinds[:3])
                            + ")",
                            "Unknown sheet name",
                        )
                    )
                continue
            if any(sheet.kind.kind == kind.kind for sheet in sheets):
                problems.append(
                    Problem(
                        name,
                        0,
                        "",
                        f"Tệp có hai trang tính '{kind.title}': hãy gộp lại thành một",
                        "Two sheets of the same kind",
                    )
                )
                continue
            sheet = Sheet(kind, name)
            sheets.append(sheet)
            if headers is None:
                continue
            columns = _columns(name, kind, headers, problems)
            if columns is None:
                continue
            problems.extend(_rows(sheet, columns, lines, budget))
    except InvalidInput:
        raise
    except Exception:
        raise _unreadable() from None
    finally:
        workbook.close()
    sheets.sort(key=lambda sheet: sheet.kind.order)
    return Workbook(sheets, problems)
