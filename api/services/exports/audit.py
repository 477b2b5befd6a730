"""The audit trail as .xlsx, for the people who audit it: the rows and filters of the
``/audit`` page and of its CSV export (``services.audit``), oldest first, each event's
moment an Excel date and time in Vietnam."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from ...errors import Forbidden
from ...i18n import translator
from ...principal import Principal
from ...queries import audit as queries
from ..audit import CSV_COLUMNS, event_values, may_audit
from ..objectors import ObjectorScreen
from .writer import ROW_CAP, Column, Kind, Table, workbook

KINDS = {"Mã sự kiện": Kind.NUMBER, "Thời điểm": Kind.MOMENT, "Mã đề nghị": Kind.NUMBER}
COLUMNS = tuple(Column(header, KINDS.get(header, Kind.TEXT)) for header in CSV_COLUMNS)


async def audit_workbook(
    session: AsyncSession,
    principal: Principal,
    filters: queries.AuditFilters,
    *,
    award_names: dict[str, str],
) -> bytes:
    if not may_audit(principal):
        raise Forbidden()
    t = translator("vi")
    screen = ObjectorScreen(session, principal)
    rows: list[list[object]] = []
    async for event, nominee, award_code in queries.audit_stream(session, principal, filters):
        rows.append(
            await event_values(screen, event, nominee, award_code, award_names=award_names, t=t)
        )
        if len(rows) > ROW_CAP:  # one more than fits: the file says it was cut
            break
    return workbook(Table("Nhật ký xử lý", COLUMNS), rows)
