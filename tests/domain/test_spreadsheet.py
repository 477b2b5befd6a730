"""Spreadsheet cells that start a formula are neutralised; numbers and dates stay typed."""

from __future__ import annotations

from datetime import date

import pytest

from domain.spreadsheet import spreadsheet_cell, spreadsheet_row

pytestmark = pytest.mark.fast


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x","bấm vào đây")',
        "@SUM(A1:A9)",
        "+84 912 345 678",
        "-1+1",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_a_text_that_would_start_a_formula_gets_a_quote(text):
    assert spreadsheet_cell(text) == "'" + text


def test_everything_else_is_unchanged():
    assert spreadsheet_row(
        ["Nguyễn Thị Hoa", " =1", "", 7, -3, 2.5, date(2026, 3, 2), None, "1=1"]
    ) == ["Nguyễn Thị Hoa", " =1", "", 7, -3, 2.5, date(2026, 3, 2), None, "1=1"]
