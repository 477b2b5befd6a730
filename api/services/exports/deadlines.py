"""The deadlines board as .xlsx: the same board as ``/deadlines`` and
``GET /api/v1/boards/deadlines`` (``services.boards.deadlines_board``), one row per
nomination, overdue ones first within each level and authority."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import VIETNAM_TZ
from domain.vocabulary import Level

from ...i18n import translator
from ...principal import Principal
from ...state import AppState
from ..boards import deadlines_board
from .nominations import COLUMNS as NOMINATION_COLUMNS
from .nominations import nomination_row
from .writer import ROW_CAP, Column, Table, workbook

COLUMNS = (Column("Tình trạng"), *NOMINATION_COLUMNS)


async def deadlines_workbook(
    session: AsyncSession,
    state: AppState,
    principal: Principal,
    *,
    within_working_days: int,
    level: Level | None,
) -> bytes:
    board = await deadlines_board(
        session,
        state,
        principal,
        within_working_days=within_working_days,
        level=level,
        limit=ROW_CAP,
    )
    t = translator("vi")
    made = board.generated_at.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M")
    scope = f"; cấp: {t(f'level_{level.value}')}" if level else ""
    table = Table(
        "Hạn xử lý",
        COLUMNS,
        title=[
            "Bảng theo dõi hạn xử lý hồ sơ",
            f"Lập lúc {made}; quá hạn: {board.overdue_total}; đến hạn trong "
            f"{within_working_days} ngày làm việc tới: {board.due_soon_total}{scope}",
        ],
    )
    rows = [
        ("Quá hạn" if read.overdue else "Sắp đến hạn", *nomination_row(read))
        for group in board.groups
        for read in (*group.overdue, *group.due_soon)
    ]
    return workbook(table, rows)
