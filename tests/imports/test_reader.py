"""Reading an uploaded workbook, without a database: sheets and headers matched ignoring
case, accents and spaces; blank rows skipped; cells normalised; what is wrong with the
file's shape listed as problems; a file that is not a workbook, or too big, refused on
the ``file`` field."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from api.errors import InvalidInput
from api.services.imports import reader
from api.services.imports.registry_sheets import REGISTRY_SHEETS
from tests.imports.workbooks import workbook


def test_sheets_and_headers_are_matched_the_way_people_type_them():
    data = workbook(
        {
            "ca nhan": [
                ["HO VA TEN", "gioi tinh", "Ngày  sinh", "Đơn vị *"],
                ["  Nguyễn Thị Hoa ", "Nữ", datetime(1985, 3, 15), 12.0],
                [None, "   ", None, None],  # blank
                ["Lê Văn Nam", "Nam", "02/09/1979", "VP"],
            ],
            "Hướng dẫn": [["Hướng dẫn nhập dữ liệu"]],  # the template's guide sheet: ignored
            "Trống": [],  # an empty sheet of any name: ignored
        }
    )
    read = reader.read_workbook(data, REGISTRY_SHEETS)
    assert read.problems == []
    [sheet] = read.sheets
    assert (sheet.kind.kind, sheet.name) == ("people", "ca nhan")
    assert [row.number for row in sheet.rows] == [2, 4]
    assert sheet.rows[0].values == {
        "full_name": "Nguyễn Thị Hoa",
        "gender": "Nữ",
        "birth_date": date(1985, 3, 15),
        "unit": 12,
    }


def test_the_shape_of_a_wrong_file_is_listed():
    data = workbook(
        {
            "Đơn vị": [["Tên đơn vị", "Cấp *", "Cấp", "Màu"]],  # "Loại đơn vị" is missing
            "Danh sách khác": [["Cột A"], ["giá trị"]],
        }
    )
    read = reader.read_workbook(data, REGISTRY_SHEETS)
    assert {(p.sheet, p.row, p.column) for p in read.problems} == {
        ("Đơn vị", 1, "Cấp"),  # twice
        ("Đơn vị", 1, "Màu"),  # unknown
        ("Đơn vị", 1, "Loại đơn vị"),  # missing, required
        ("Danh sách khác", 0, ""),  # an unknown sheet
    }


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a zip",
        b"PK\x03\x04 broken",
        b"PK\x05\x06" + b"\x00" * 18,  # an empty zip archive: no workbook in it
        b"x" * (reader.MAX_BYTES + 1),
    ],
    ids=["empty", "text", "broken-zip", "empty-zip", "too-big"],
)
def test_what_is_not_a_workbook_is_refused_on_the_file_field(data):
    with pytest.raises(InvalidInput) as refused:
        reader.read_workbook(data, REGISTRY_SHEETS)
    assert refused.value.extra["field"] == "file"


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 2)
    data = workbook(
        {"Hộ gia đình": [["Họ tên chủ hộ", "Tổ dân phố"], ["A", "T"], ["B", "T"], ["C", "T"]]}
    )
    with pytest.raises(InvalidInput) as refused:
        reader.read_workbook(data, REGISTRY_SHEETS)
    assert "2 dòng" in refused.value.message_vi


def test_a_small_file_that_unpacks_into_a_huge_one_is_refused(monkeypatch):
    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", 1000)
    data = workbook({"Hộ gia đình": [["Họ tên chủ hộ", "Tổ dân phố"], ["A" * 2000, "T"]]})
    with pytest.raises(InvalidInput) as refused:
        reader.read_workbook(data, REGISTRY_SHEETS)
    assert refused.value.extra["field"] == "file"
