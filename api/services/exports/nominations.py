"""The nominations list as .xlsx: the nominations this person may see, with the filters
of the list page and of ``GET /api/v1/nominations``, most urgent first (the same query,
``queries.nominations.nominations_page``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models.schemas.nominations import NominationRead

from ...i18n import translator
from ...principal import Principal
from ...queries import nominations as queries
from .writer import ROW_CAP, Column, Kind, Table, workbook

COLUMNS = (
    Column("Mã đề nghị", Kind.NUMBER),
    Column("Đối tượng được đề nghị"),
    Column("Danh hiệu, hình thức"),
    Column("Năm", Kind.NUMBER),
    Column("Đơn vị đề nghị"),
    Column("Cấp xét"),
    Column("Cơ quan xét"),
    Column("Giai đoạn"),
    Column("Vào giai đoạn lúc", Kind.MOMENT),
    Column("Hạn xử lý", Kind.MOMENT),
    Column("Quá hạn"),
    Column("Đang chờ"),
    Column("Số quyết định"),
    Column("Ngày lập", Kind.DATE),
)


def nomination_row(read: NominationRead) -> Sequence[object]:
    """One nomination as a row of ``COLUMNS`` (the deadlines board shares it)."""
    t = translator("vi")
    waiting = ""
    if read.waiting_on_role:
        waiting = t(read.waiting_on_role)
        if read.waiting_on_unit_name:
            waiting += f" — {read.waiting_on_unit_name}"
    return (
        read.id,
        read.nominee_name,
        read.award_name,
        read.year,
        read.proposing_unit_name,
        t(f"level_{read.level.value}"),
        read.authority_name,
        t(f"stage_{read.stage.value}"),
        read.stage_entered_at,
        read.stage_due_at,
        "Có" if read.overdue else "",
        waiting,
        read.decision_number or "",
        read.created_at,
    )


async def nominations_workbook(
    session: AsyncSession,
    *,
    principal: Principal,
    filters: queries.NominationFilters,
    award_names: dict[str, str],
    now: datetime,
) -> bytes:
    total, items = await queries.nominations_page(
        session,
        principal=principal,
        filters=filters,
        page=1,
        page_size=ROW_CAP,
        award_names=award_names,
        now=now,
    )
    table = Table("Đề nghị khen thưởng", COLUMNS)
    return workbook(table, (nomination_row(read) for read in items), total=total)
