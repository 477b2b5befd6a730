"""A decision's awardee list as .xlsx, for the finance office: number, name, unit or
description, award, the multiple of the base salary and the amount in VND (a number) of
each award, and their total (its value written, so that a reader without formula
evaluation sees it); the decision's number and date in the title. For whoever reads the
decision itself (``document_audience.decision_audience``); anyone else is told it does not
exist."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from domain.text import fold
from domain.vocabulary import DecisionKind

from ...errors import NotFound
from ...principal import Principal
from ...queries import authorities as authority_queries
from ...queries import decisions as queries
from ..document_audience import decision_audience, may_read
from .writer import Column, Kind, Table, workbook

COLUMNS = (
    Column("STT", Kind.NUMBER),
    Column("Họ và tên / Tên tập thể"),
    Column("Chức vụ, đơn vị"),
    Column("Hình thức khen thưởng"),
    Column("Hệ số mức lương cơ sở", Kind.NUMBER),
    Column("Số tiền thưởng (đồng)", Kind.VND),
)


async def awardees_workbook(
    session: AsyncSession,
    principal: Principal | None,
    *,
    decision_id: int,
    award_names: dict[str, str],
) -> tuple[str, bytes]:
    """The file's name and bytes."""
    decision = await queries.decision_by_id(session, decision_id=decision_id)
    if decision is None or not may_read(principal, await decision_audience(session, decision)):
        raise NotFound("Không có văn bản này", "no such decision")
    authority = await authority_queries.authority_by_id(session, authority_id=decision.authority_id)
    items = await queries.items(session, decision_id=decision.id)
    kind = "Quyết định" if decision.kind == DecisionKind.DECISION else "Tờ trình"
    if decision.number_text:
        issued = decision.issued_on.strftime("%d/%m/%Y") if decision.issued_on else ""
        reference = f"{kind} số {decision.number_text}" + (f" ngày {issued}" if issued else "")
    else:
        reference = f"Dự thảo {kind.lower()} (chưa ký, chưa có số)"
    total = sum(item.cash_amount_vnd for item in items)
    table = Table(
        "Danh sách khen thưởng",
        COLUMNS,
        title=[
            f"Danh sách khen thưởng kèm theo {reference}"
            + (f" của {authority.name}" if authority else ""),
            decision.title,
        ],
        footer=[("", "Tổng cộng", "", f"{len(items)} người/tập thể", "", total)],
    )
    rows = [
        (
            item.position,
            item.nominee_name,
            item.nominee_description,
            award_names.get(item.award_code, item.award_code),
            item.cash_multiple,
            item.cash_amount_vnd,
        )
        for item in items
    ]
    stem = "danh-sach-khen-thuong-" + (
        re.sub(r"[^a-z0-9]+", "-", fold(decision.number_text)).strip("-")
        if decision.number_text
        else f"du-thao-{decision.id}"
    )
    return stem, workbook(table, rows)
