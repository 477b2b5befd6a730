"""A campaign's registrations (đăng ký thi đua) as .xlsx: the list of
``GET /api/v1/campaigns/{id}/registrations`` (optionally of one year, one unit), through
the same service; anyone signed in may read it, as the list."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from ...queries import campaigns as campaign_queries
from ...state import AppState
from ..campaigns import get_campaign
from ..registrations import registrations_page
from .writer import ROW_CAP, Column, Kind, Table, workbook

COLUMNS = (
    Column("Năm", Kind.NUMBER),
    Column("Đơn vị"),
    Column("Cá nhân đăng ký"),
    Column("Danh hiệu đăng ký"),
    Column("Nội dung thi đua"),
    Column("Giao ước thi đua"),
    Column("Ngày đăng ký", Kind.DATE),
)


async def registrations_workbook(
    session: AsyncSession,
    state: AppState,
    *,
    campaign_id: int,
    year: int | None,
    unit_id: int | None,
) -> bytes:
    campaign = await get_campaign(session, campaign_id)
    listing = await registrations_page(
        session, campaign_id=campaign_id, year=year, unit_id=unit_id, page=1, page_size=ROW_CAP
    )
    awards = state.catalogue.in_force(state.clock.today()).awards
    areas = {
        a.code: a.title
        for a in await campaign_queries.content_areas(session, campaign_id=campaign_id)
    }
    table = Table(
        "Đăng ký thi đua",
        COLUMNS,
        title=[
            f"Đăng ký thi đua — {campaign.name}",
            f"Năm {year}" if year else "Các năm của phong trào",
        ],
    )
    rows = [
        (
            r.year,
            r.unit_name,
            r.person_name or "",
            "; ".join(awards[c].name_vi if c in awards else c for c in r.target_awards),
            "; ".join(areas.get(c, c) for c in r.content_area_codes),
            r.pledge,
            r.registered_at,
        )
        for r in listing.items
    ]
    return workbook(table, rows, total=listing.total)
