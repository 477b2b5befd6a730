"""The public notice (thông báo công khai) of nominations as its template reads it: the
nominees, the period and how to object."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import VIETNAM_TZ, format_vn_date, format_vn_long_date
from models import Authority, AwardType, Nomination, Unit

from .phrasing import KIND_WORDS, abbreviation
from .types import DocumentError, PublicNoticeInput


async def public_notice_context(
    session: AsyncSession, data: PublicNoticeInput, public_base_url: str
) -> dict[str, Any]:
    """The context of ``public_notice.html``; raises ``DocumentError``."""
    authority = await session.get(Authority, data.authority_id)
    if authority is None:
        raise DocumentError(
            "AuthorityNotFound",
            f"Không có cơ quan ban hành số {data.authority_id}",
            f"No authority {data.authority_id}",
        )
    if not data.nomination_ids:
        raise DocumentError(
            "EmptyPublicNotice",
            "Thông báo công khai phải có ít nhất một đề nghị khen thưởng",
            "A public notice lists at least one nomination",
        )
    standing_unit = await session.get(Unit, authority.standing_unit_id)
    rows = (
        await session.execute(
            select(Nomination, AwardType.name_vi, Unit.name)
            .join(AwardType, AwardType.code == Nomination.award_code)
            .join(Unit, Unit.id == Nomination.proposing_unit_id)
            .where(Nomination.id.in_(data.nomination_ids))
        )
    ).all()
    found = {n.id for n, _, _ in rows}
    missing = [i for i in data.nomination_ids if i not in found]
    if missing:
        raise DocumentError(
            "NominationNotFound",
            f"Không có đề nghị khen thưởng số {', '.join(map(str, missing))}",
            f"No nomination {missing}",
        )
    order = {nomination_id: index for index, nomination_id in enumerate(data.nomination_ids)}
    rows = sorted(rows, key=lambda row: order[row[0].id])
    starts, ends = data.starts_at.astimezone(VIETNAM_TZ), data.ends_at.astimezone(VIETNAM_TZ)
    return {
        "header_lines": list(authority.header_lines or [authority.name.upper()]),
        "authority_name": authority.name,
        "place_date": format_vn_long_date(authority.place_name, starts.date()),
        "nominees": [
            {
                "position": index,
                "name": nomination.nominee_name,
                "kind": KIND_WORDS[nomination.subject_kind],
                "unit": unit_name,
                "award": award_name,
                "year": nomination.year,
            }
            for index, (nomination, award_name, unit_name) in enumerate(rows, start=1)
        ],
        "starts": f"{starts:%H} giờ {starts:%M} ngày {format_vn_date(starts)}",
        "ends": f"{ends:%H} giờ {ends:%M} ngày {format_vn_date(ends)}",
        "standing_unit_name": standing_unit.name if standing_unit else "",
        "portal_url": f"{public_base_url.rstrip('/')}/cong-khai",
        "archive_code": abbreviation(standing_unit.name) if standing_unit else "",
        "document_title": f"Thông báo công khai - {authority.name}",
    }
