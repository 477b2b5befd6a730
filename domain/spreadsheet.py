"""Cells of a spreadsheet export (CSV today, .xlsx tomorrow) that a spreadsheet program
shows as text, never runs as a formula.

Excel, LibreOffice and Google Sheets evaluate a cell whose text begins with ``=``, ``+``,
``-`` or ``@`` (and, after a tab or a carriage return, what follows it): an objection
signed ``@SUM(...)`` or a reason beginning ``=HYPERLINK(...)`` would run on the auditor's
machine. OWASP's advice (CSV Injection) is followed: such a text gets a leading single
quote, which the program shows as text and does not display. Numbers, dates and empty
cells pass unchanged, so that they stay typed (a number written by an .xlsx writer stays
a number; a negative number is a number, not a formula).

Every export writes its rows through ``spreadsheet_row``."""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> object:
    """``value`` as a spreadsheet must hold it: a text that would start a formula gets a
    leading single quote; anything else (numbers, dates, None, other texts) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def spreadsheet_row(values: Iterable[object]) -> list[object]:
    """Every cell of one row through ``spreadsheet_cell``."""
    return [spreadsheet_cell(value) for value in values]
