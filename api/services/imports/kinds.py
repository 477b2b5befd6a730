"""What a sheet kind is: the list it brings in (units, people, ratings, …), its columns
with their Vietnamese headers, the natural key that says which stored record a row is,
and the function that applies one row.

An import runs every row of every sheet inside one database transaction: a row may refer
to a record an earlier sheet of the same file created (a person to a unit). When any row
has a problem, or when the run is a dry run, the transaction is rolled back: the dry run
reports exactly what applying would do, and applying is all or nothing. A row that
matches its stored record field for field is ``UNCHANGED``, so importing the same file
again changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ...principal import Principal


@dataclass(frozen=True)
class Column:
    key: str  # "full_name"
    header: str  # the template's header, "Họ và tên" (matched ignoring case and accents)
    required: bool = False
    example: object = ""  # the template's example row
    help_vi: str = ""  # one line of the template's guide sheet


@dataclass(frozen=True)
class Problem:
    """One mistake, where the office will find it in its file."""

    sheet: str
    row: int  # the spreadsheet's row number (the header is row 1)
    column: str  # the column's header as the template writes it ("" for the whole row)
    message_vi: str
    message_en: str = ""


@dataclass
class Row:
    sheet: str
    number: int
    # column key → the cell's value: None when blank, texts stripped, dates as ``date``,
    # whole numbers as ``int``.
    values: dict[str, Any]


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class ImportContext:
    """What every row handler gets: the session (inside the import's transaction), who
    imports and the units they administer (None: the whole deployment), the moment, and
    the problems found so far. Handlers may keep their look-ups in ``cache``. The audit
    events of the rows wait in ``events`` until the import is applied: they are written
    together at its end, every chain's lock first (``models.audit.write_audit_events``),
    so that two imports naming the same records never hold one chain each and wait for
    the other's."""

    session: AsyncSession
    principal: Principal
    scope: frozenset[int] | None
    now: datetime
    import_key: str  # the file's SHA-256: audit event keys of this import start with it
    problems: list[Problem] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)  # write_audit_event's arguments
    _seen: set[Problem] = field(default_factory=set, repr=False)

    def problem(
        self, row: Row, kind: SheetKind, column_key: str, message_vi: str, message_en: str = ""
    ) -> None:
        header = next((c.header for c in kind.columns if c.key == column_key), "")
        problem = Problem(row.sheet, row.number, header, message_vi, message_en)
        if problem not in self._seen:  # the same cell checked twice says it once
            self._seen.add(problem)
            self.problems.append(problem)


# A row handler: validates the row, matches it by its natural key, writes (flush, never
# commit) and audits the change with old and new values. It returns None after recording
# at least one problem with ``context.problem`` (and then writes nothing for that row).
RowHandler = Callable[[ImportContext, "SheetKind", Row], Awaitable[Outcome | None]]


@dataclass(frozen=True)
class SheetKind:
    kind: str  # "units", the API's name
    title: str  # the sheet's name in a workbook, "Đơn vị"
    natural_key_vi: str  # stated in the template's guide sheet
    columns: tuple[Column, ...]
    apply_row: RowHandler
    # Sheets are applied in this order whatever their order in the workbook (units before
    # the people in them).
    order: int = 0
