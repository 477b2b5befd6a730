"""A campaign's exemplars (điển hình tiên tiến) as .xlsx: the list of
``/campaigns/{id}/exemplars`` and ``GET /api/v1/campaigns/{id}/exemplars`` (optionally at
one step, of one proposing unit), through the same service."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import ExemplarStage

from ...i18n import translator
from ...queries import campaigns as campaign_queries
from ..campaigns import get_campaign
from ..exemplars import exemplars_page
from .writer import ROW_CAP, Column, Kind, Table, workbook

COLUMNS = (
    Column("Mã", Kind.NUMBER),
    Column("Tên điển hình"),
    Column("Loại"),
    Column("Đối tượng"),
    Column("Đơn vị đề xuất"),
    Column("Nội dung thi đua"),
    Column("Bước"),
    Column("Ngày phát hiện", Kind.DATE),
    Column("Ngày công bố", Kind.DATE),
    Column("Hạn theo dõi tiếp", Kind.DATE),
    Column("Số nơi nhân rộng", Kind.NUMBER),
)


async def exemplars_workbook(
    session: AsyncSession,
    *,
    campaign_id: int,
    stage: ExemplarStage | None,
    unit_id: int | None,
) -> bytes:
    campaign = await get_campaign(session, campaign_id)
    listing = await exemplars_page(
        session, campaign_id=campaign_id, stage=stage, unit_id=unit_id, page=1, page_size=ROW_CAP
    )
    areas = {
        a.code: a.title
        for a in await campaign_queries.content_areas(session, campaign_id=campaign_id)
    }
    t = translator("vi")
    table = Table(
        "Điển hình tiên tiến",
        COLUMNS,
        title=[
            f"Điển hình tiên tiến — {campaign.name}",
            f"Bước: {t(f'exemplar_stage_{stage.value}')}" if stage else "Mọi bước",
        ],
    )
    rows = [
        (
            e.id,
            e.title,
            t(f"exemplar_kind_{e.subject_kind.value}"),
            e.subject_name or "",
            e.proposing_unit_name,
            areas.get(e.content_area_code, e.content_area_code) if e.content_area_code else "",
            t(f"exemplar_stage_{e.stage.value}"),
            e.created_at,
            e.published_at,
            e.next_follow_up_due,
            e.adoptions,
        )
        for e in listing.items
    ]
    return workbook(table, rows, total=listing.total)
