"""The public notice (thông báo công khai) of nominations as its template reads it: the
nominees, the period and how to object; and what it is rendered from, kept on its
document row (``documents.render_input``) so that the Word copy says what the PDF says."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import VIETNAM_TZ, format_vn_date, format_vn_long_date
from domain.vocabulary import Stage
from models import AuditEvent, Authority, AwardType, Document, Nomination, Unit

from .phrasing import KIND_WORDS, abbreviation
from .types import DocumentError, PublicNoticeInput

NOTICE_KEY_PREFIX = "public-notice-"


def notice_render_input(data: PublicNoticeInput) -> dict[str, Any]:
    """The activity's input as the JSON the document row keeps."""
    return {
        "authority_id": data.authority_id,
        "nomination_ids": list(data.nomination_ids),
        "starts_at": data.starts_at.isoformat(),
        "ends_at": data.ends_at.isoformat(),
        "key": data.key,
    }


def notice_input_from(render_input: dict[str, Any]) -> PublicNoticeInput:
    return PublicNoticeInput(
        authority_id=int(render_input["authority_id"]),
        nomination_ids=[int(i) for i in render_input["nomination_ids"]],
        starts_at=datetime.fromisoformat(render_input["starts_at"]),
        ends_at=datetime.fromisoformat(render_input["ends_at"]),
        key=str(render_input["key"]),
    )


async def stored_notice_input(
    session: AsyncSession, document: Document
) -> PublicNoticeInput | None:
    """What a stored public notice was rendered from: its ``render_input``, or, for a
    notice issued before migration 0010 (which kept none), what its nomination's audit
    trail says. The nomination workflow posts one nomination at a time: the notice starts at
    the moment of the event that put the nomination on notice at the notice's level
    (its key ends ``:notice:<level>``; the first such event: a later posting at the same
    level reuses the document) and ends at the ``public_notice_until`` that event
    recorded. (The workflow took the PDF's start a moment later, once that event was
    recorded: the derived start can read one minute earlier than the PDF's.) None when
    neither tells (a notice without one nomination, a trail without the event)."""
    if document.render_input:
        return notice_input_from(document.render_input)
    if document.nomination_id is None or document.authority_id is None:
        return None
    key = document.document_key.removeprefix(NOTICE_KEY_PREFIX)
    _, _, level = key.rpartition(":notice:")
    query = (
        select(AuditEvent)
        .where(
            AuditEvent.nomination_id == document.nomination_id,
            AuditEvent.to_stage == Stage.PUBLIC_NOTICE.value,
        )
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    for event in (await session.execute(query)).scalars():
        if level and event.level is not None and event.level.value != level:
            continue
        until = (event.changes or {}).get("public_notice_until")
        if not (isinstance(until, list) and len(until) == 2 and until[1]):
            continue
        return PublicNoticeInput(
            authority_id=document.authority_id,
            nomination_ids=[document.nomination_id],
            starts_at=event.occurred_at,
            ends_at=datetime.fromisoformat(until[1]),
            key=key,
        )
    return None


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
