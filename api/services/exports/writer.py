"""What every .xlsx download shares: a title line or two, a bold header row frozen in
place, one row per record, columns as wide as their content, and typed cells — a date is
an Excel date shown dd/mm/yyyy, an amount in VND a whole number shown ``#,##0``, a count a
number — and every text through ``domain.spreadsheet`` (a text that would start a formula
is kept as text). At most ``ROW_CAP`` rows: a longer list says in the file that it was
cut, and how many rows the filters matched."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from domain.calendar import VIETNAM_TZ
from domain.numerals import vn_number
from domain.spreadsheet import spreadsheet_cell

from ..imports.template import XLSX_MEDIA_TYPE

ROW_CAP = 50_000  # rows of one download; the file says so when the list is longer

DATE_FORMAT = "dd/mm/yyyy"
MOMENT_FORMAT = "dd/mm/yyyy hh:mm"
VND_FORMAT = "#,##0"
MIN_WIDTH, MAX_WIDTH = 8, 60

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"  # a day (a moment is shown as its day in Vietnam)
    MOMENT = "moment"  # a day and a time, in Vietnam
    NUMBER = "number"  # a count, a year, an id
    VND = "vnd"  # an amount in đồng, a whole number


@dataclass(frozen=True)
class Column:
    header: str  # in Vietnamese
    kind: Kind = Kind.TEXT


@dataclass
class Table:
    """One sheet: ``title`` lines above the header, then the rows (values in the order of
    ``columns``), then ``footer`` rows (a total), typed like the rows."""

    sheet: str
    columns: Sequence[Column]
    title: list[str] = field(default_factory=list)
    footer: list[Sequence[object]] = field(default_factory=list)


def _local(moment: datetime) -> datetime:
    """Excel has no time zones: a moment is written as the wall clock in Vietnam."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(VIETNAM_TZ).replace(tzinfo=None)
    return moment


def _typed(value: object, kind: Kind) -> tuple[Any, str | None]:
    """The cell's value and number format for a column of ``kind``."""
    if value is None or value == "":
        return None, None
    if kind is Kind.DATE:
        if isinstance(value, datetime):
            return _local(value).date(), DATE_FORMAT
        if isinstance(value, date):
            return value, DATE_FORMAT
    if kind is Kind.MOMENT:
        if isinstance(value, datetime):
            return _local(value), MOMENT_FORMAT
        if isinstance(value, date):
            return value, DATE_FORMAT
    if kind is Kind.VND and isinstance(value, int | float):
        return int(round(value)), VND_FORMAT
    if kind is Kind.NUMBER and isinstance(value, int | float):
        return value, None
    return str(spreadsheet_cell(str(value))), None


def _width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, int | float):
        return len(f"{value:,.0f}") + 1
    return max((len(line) for line in str(value).splitlines()), default=0)


def workbook(
    table: Table,
    rows: Iterable[Sequence[object]],
    *,
    total: int | None = None,
) -> bytes:
    """The .xlsx bytes of ``table`` with ``rows`` (at most ``ROW_CAP`` are written;
    ``total``: how many the filters matched, when the caller knows it)."""
    return workbook_of([(table, rows)], total=total)


def workbook_of(
    sheets: Sequence[tuple[Table, Iterable[Sequence[object]]]], *, total: int | None = None
) -> bytes:
    """One workbook of several sheets, each written as ``workbook`` writes its one
    (``total`` applies to the first)."""
    book = Workbook()
    first = book.active
    assert first is not None
    for index, (table, rows) in enumerate(sheets):
        sheet = first if index == 0 else book.create_sheet()
        _fill(sheet, table, rows, total if index == 0 else None)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _fill(sheet, table: Table, rows: Iterable[Sequence[object]], total: int | None) -> None:
    sheet.title = table.sheet[:31]
    widths = [len(c.header) + 2 for c in table.columns]
    line = 0
    for text in table.title:
        line += 1
        cell = sheet.cell(row=line, column=1, value=str(spreadsheet_cell(text)))
        cell.font = _TITLE if line == 1 else _BOLD
    cap_line = None
    if table.title:
        line += 1
        cap_line = line  # left blank unless the list was cut
    header_line = line + 1
    for index, column in enumerate(table.columns, start=1):
        sheet.cell(
            row=header_line, column=index, value=str(spreadsheet_cell(column.header))
        ).font = _BOLD
    sheet.freeze_panes = sheet.cell(row=header_line + 1, column=1).coordinate
    written = 0
    cut = False
    line = header_line
    for row in rows:
        if written >= ROW_CAP:
            cut = True
            break
        line += 1
        written += 1
        _write(sheet, line, table.columns, row, widths)
    for row in table.footer:
        line += 1
        _write(sheet, line, table.columns, row, widths)
        for index in range(1, len(table.columns) + 1):
            sheet.cell(row=line, column=index).font = _BOLD
    if cut or (total is not None and total > written):
        matched = (
            f"có {vn_number(total)} dòng"
            if total is not None
            else f"dài hơn {vn_number(ROW_CAP)} dòng"
        )
        note = (
            f"Danh sách {matched}; tệp chỉ gồm {vn_number(written)} dòng đầu tiên (giới hạn "
            "của một lần tải). Hãy lọc hẹp hơn để tải phần còn lại."
        )
        if cap_line is None:  # no title: the note goes below the rows
            cap_line = line + 2
        sheet.cell(row=cap_line, column=1, value=note).font = _BOLD
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            MIN_WIDTH, min(MAX_WIDTH, width + 2)
        )


def _write(sheet, line: int, columns: Sequence[Column], row: Sequence[object], widths) -> None:
    for index, (column, raw) in enumerate(zip(columns, row, strict=False), start=1):
        value, number_format = _typed(raw, column.kind)
        if value is None:
            continue
        cell = sheet.cell(row=line, column=index, value=value)
        if number_format:
            cell.number_format = number_format
        widths[index - 1] = max(widths[index - 1], _width(value))


def file_name(stem: str, now: datetime) -> str:
    """``<stem>-<yyyymmdd-hhmm>.xlsx``, the moment in Vietnam (as the audit CSV's)."""
    return f"{stem}-{now.astimezone(VIETNAM_TZ).strftime('%Y%m%d-%H%M')}.xlsx"


def xlsx_response(name: str, data: bytes) -> Response:
    """The workbook as a download named ``name`` (UTF-8 names allowed)."""
    return Response(
        content=data,
        media_type=XLSX_MEDIA_TYPE,
        headers={
            "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


XLSX_RESPONSES: dict[int | str, dict] = {
    200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "The .xlsx workbook"}
}
