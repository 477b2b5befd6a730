"""Schemas of the Excel import: the sheet kinds a template holds, and the report of a run
(a dry run or an applied import) with every problem by sheet, row and column."""

from __future__ import annotations

from .common import Schema


class ImportColumnRead(Schema):
    key: str
    header: str  # the template's Vietnamese header
    required: bool
    help: str
    example: str  # the template's example row, as text (a date as dd/mm/yyyy)


class SheetKindRead(Schema):
    kind: str  # "units"
    title: str  # the sheet's name in a workbook, "Đơn vị"
    natural_key: str  # which stored record a row is, in Vietnamese
    template_url: str
    columns: list[ImportColumnRead]


class SheetKindPage(Schema):
    items: list[SheetKindRead]
    all_templates_url: str


class ProblemRead(Schema):
    sheet: str
    row: int  # the spreadsheet's row number (1 the headers; 0 the whole sheet)
    column: str  # the column's header ("" for the whole row or sheet)
    message: str  # Vietnamese
    message_en: str


class SheetReportRead(Schema):
    kind: str
    title: str
    sheet: str  # as the workbook names it
    rows: int
    created: int
    updated: int
    unchanged: int


class ImportReport(Schema):
    file_name: str
    sha256: str
    # True when the rows were written; a dry run (or an import with problems) writes nothing.
    applied: bool
    sheets: list[SheetReportRead]
    problems: list[ProblemRead]
    created: int
    updated: int
    unchanged: int
    # New accounts with an address got their setup link there (masked); the others get it
    # from the operator (``thidua admin link``).
    setup_links_mailed_to: list[str] = []
