"""The shared .xlsx writer, read back with openpyxl: typed cells (a date is a date, an
amount a whole number shown #,##0), the header row bold and frozen, widths that fit, every
text that would start a formula kept as text, and the row cap said in the file."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from api.services.exports import writer
from api.services.exports.writer import Column, Kind, Table, workbook

pytestmark = pytest.mark.fast

COLUMNS = (
    Column("Mã", Kind.NUMBER),
    Column("Họ và tên"),
    Column("Ngày", Kind.DATE),
    Column("Thời điểm", Kind.MOMENT),
    Column("Số tiền (đồng)", Kind.VND),
)


def read(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_cells_are_typed_and_the_header_frozen():
    moment = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)  # 00:30 on 2 March in Vietnam
    data = workbook(
        Table("Danh sách", COLUMNS),
        [(7, "Nguyễn Thị Hoa", date(2026, 2, 27), moment, 1_170_000)],
    )
    sheet = read(data)
    assert [c.value for c in sheet[1]] == [c.header for c in COLUMNS]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    number, name, day, at, amount = sheet[2]
    assert number.value == 7 and name.value == "Nguyễn Thị Hoa"
    assert day.is_date and day.value == datetime(2026, 2, 27) and day.number_format == "dd/mm/yyyy"
    assert at.is_date and at.value == datetime(2026, 3, 2, 0, 30)  # the wall clock in Vietnam
    assert amount.value == 1_170_000 and amount.data_type == "n"
    assert amount.number_format == "#,##0"
    # Widths fit the content: the name's column is wider than the id's.
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width >= 8


def test_a_text_that_would_run_as_a_formula_stays_text():
    texts = ['=HYPERLINK("http://x.example","a")', "+1", "-1+1 đã xác minh", "@SUM(A1)"]
    data = workbook(Table("T", [Column("Lý do")]), [(t,) for t in texts])
    sheet = read(data)
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == ["'" + t for t in texts]
    assert all(c.data_type == "s" for c in cells)  # no formula among them


def test_a_title_goes_above_the_header_and_the_header_stays_frozen():
    data = workbook(
        Table("T", COLUMNS, title=["Danh sách khen thưởng", "Về việc tặng Giấy khen"]),
        [(1, "A", None, None, 0)],
        total=1,
    )
    sheet = read(data)
    assert sheet["A1"].value == "Danh sách khen thưởng" and sheet["A3"].value is None
    assert sheet["A4"].value == "Mã" and sheet.freeze_panes == "A5"


def test_a_long_list_is_cut_and_the_file_says_so(monkeypatch):
    monkeypatch.setattr(writer, "ROW_CAP", 3)
    data = workbook(Table("T", COLUMNS, title=["Danh sách"]), [(i, "x") for i in range(10)])
    sheet = read(data)
    note = sheet["A2"].value
    assert "tệp chỉ gồm 3 dòng đầu tiên" in note and "lọc hẹp hơn" in note
    assert [row[0].value for row in sheet.iter_rows(min_row=4)] == [0, 1, 2]
    # Told the total, the note says it.
    data = workbook(Table("T", COLUMNS), [(i, "x") for i in range(3)], total=12_345)
    sheet = read(data)
    assert any("có 12.345 dòng" in str(c.value) for row in sheet.iter_rows() for c in row)
