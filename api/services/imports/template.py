"""The workbooks an office downloads to fill in: one sheet per kind with bold Vietnamese
headers (a required column marked with *) and one example row, and a guide sheet
"Hướng dẫn" stating each kind's natural key (which stored record a row is) and every
column's help. Dates are Excel dates shown as dd/mm/yyyy."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from domain.spreadsheet import spreadsheet_cell

from .kinds import Column, SheetKind
from .reader import GUIDE_TITLE

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_BOLD = Font(bold=True)


def _value(value: object) -> Any:
    return spreadsheet_cell(value)


def column_header(column: Column) -> str:
    return f"{column.header} *" if column.required else column.header


def _kind_sheet(worksheet: Worksheet, kind: SheetKind) -> None:
    worksheet.title = kind.title
    for index, column in enumerate(kind.columns, start=1):
        header = worksheet.cell(row=1, column=index, value=column_header(column))
        header.font = _BOLD
        example = column.example
        cell = worksheet.cell(row=2, column=index, value=_value(example))
        if isinstance(example, date):
            cell.number_format = "DD/MM/YYYY"
        elif isinstance(example, str):
            cell.number_format = "@"  # a citizen ID keeps its leading zeros
        worksheet.column_dimensions[get_column_letter(index)].width = max(
            14, min(40, len(column_header(column)) + 4)
        )
    worksheet.freeze_panes = "A2"


def _guide(worksheet: Worksheet, kinds: Sequence[SheetKind]) -> None:
    worksheet.title = GUIDE_TITLE
    wrap = Alignment(wrap_text=True, vertical="top")
    lines: list[tuple[object, ...]] = [
        ("Hướng dẫn nhập dữ liệu từ Excel",),
        (
            "Mỗi trang tính là một danh sách; dòng 1 là tiêu đề cột (cột có dấu * là bắt "
            "buộc); mỗi dòng sau là một bản ghi. Nhập lại cùng một tệp không thay đổi gì: "
            "mỗi dòng được nhận diện theo khóa nêu dưới đây. Số định danh cá nhân và ngày "
            "sinh là dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP): chỉ gửi tệp qua kênh được "
            "phép và xóa tệp sau khi nhập.",
        ),
    ]
    for kind in kinds:
        lines += [
            (),
            (f"Trang tính «{kind.title}»",),
            ("Khóa nhận diện", kind.natural_key_vi),
            ("Cột", "Bắt buộc", "Hướng dẫn"),
        ]
        lines += [
            (column.header, "Có" if column.required else "", column.help_vi)
            for column in kind.columns
        ]
    for number, line in enumerate(lines, start=1):
        for index, value in enumerate(line, start=1):
            cell = worksheet.cell(row=number, column=index, value=_value(value))
            cell.alignment = wrap
        if len(line) == 1 or line and line[0] in {"Cột", "Khóa nhận diện"}:
            for index in range(1, len(line) + 1):
                worksheet.cell(row=number, column=index).font = _BOLD
    worksheet.column_dimensions["A"].width = 28
    worksheet.column_dimensions["B"].width = 40
    worksheet.column_dimensions["C"].width = 80


def template_workbook(kinds: Sequence[SheetKind]) -> bytes:
    """An .xlsx template holding ``kinds`` (one, or every kind) and the guide sheet."""
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    for index, kind in enumerate(kinds):
        worksheet = first if index == 0 else workbook.create_sheet()
        _kind_sheet(worksheet, kind)
    _guide(workbook.create_sheet(), kinds)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
