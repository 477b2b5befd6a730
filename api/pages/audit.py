"""The auditor's pages: the audit trail of every nomination they may see, with filters,
and its export as CSV (UTF-8 with a byte-order mark, so that Excel shows Vietnamese)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date, datetime
from math import ceil
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from domain.calendar import VIETNAM_TZ
from domain.vocabulary import Level, Role, Stage

from ..deps import ReadSessionDep, StateDep
from ..errors import Forbidden
from ..i18n import ACTION_NAMES, request_language, translator
from ..principal import Principal
from ..services import pages_queries as queries
from ..services.commands import award_names
from .common import PageUser, domain_error_page, login_redirect, render, whole_number

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
CSV_COLUMNS = (
    "Mã sự kiện",
    "Thời điểm",
    "Mã đề nghị",
    "Đối tượng",
    "Danh hiệu",
    "Hành động",
    "Người thực hiện",
    "Vai trò",
    "Cấp",
    "Từ giai đoạn",
    "Đến giai đoạn",
    "Lý do",
    "Thay đổi",
)


def _may_audit(user: Principal) -> bool:
    return user.is_admin or user.has(Role.AUDITOR)


def parse_day(value: str) -> date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _filters(
    request: Request, params: dict[str, str]
) -> tuple[queries.AuditFilters, dict[str, str]]:
    t = translator(request_language(request))
    errors: dict[str, str] = {}
    filters = queries.AuditFilters(
        q=params["q"][:100], action=params["action"][:64], award_code=params["award_code"][:64]
    )
    if params["level"] in {lv.value for lv in Level}:
        filters.level = Level(params["level"])
    if params["stage"] in {s.value for s in Stage}:
        filters.stage = Stage(params["stage"])
    if params["nomination_id"].strip():
        if params["nomination_id"].strip().isdigit():
            filters.nomination_id = int(params["nomination_id"])
        else:
            errors["nomination_id"] = t("field_number")
    for name in ("date_from", "date_to"):
        if params[name].strip():
            day = parse_day(params[name])
            if day is None:
                errors[name] = t("field_date")
            setattr(filters, name, day)
    return filters, errors


def _params(
    q: str,
    action: str,
    level: str,
    stage: str,
    award_code: str,
    nomination_id: str,
    date_from: str,
    date_to: str,
) -> dict[str, str]:
    return dict(
        q=q,
        action=action,
        level=level,
        stage=stage,
        award_code=award_code,
        nomination_id=nomination_id,
        date_from=date_from,
        date_to=date_to,
    )


@router.get("/audit", response_class=HTMLResponse)
async def audit(
    request: Request,
    user: PageUser,
    state: StateDep,
    session: ReadSessionDep,
    q: str = "",
    action: str = "",
    level: str = "",
    stage: str = "",
    award_code: str = "",
    nomination_id: str = "",
    date_from: str = "",
    date_to: str = "",
    page: str = "1",
):
    if user is None:
        return login_redirect(request)
    if not _may_audit(user):
        return domain_error_page(request, user, Forbidden())
    page_number = whole_number(page, 1, low=1, high=100_000)
    params = _params(q, action, level, stage, award_code, nomination_id, date_from, date_to)
    filters, errors = _filters(request, params)
    total, rows = 0, []
    if not errors:
        total, rows = await queries.audit_page(
            session, user, filters, page=page_number, page_size=PAGE_SIZE
        )
    chosen = {k: v for k, v in params.items() if v}
    return render(
        request,
        "pages/audit.html",
        {
            "rows": rows,
            "total": total,
            "page": page_number,
            "pages": max(ceil(total / PAGE_SIZE), 1),
            "params": params,
            "errors": errors,
            "base": "/audit?" + (urlencode(chosen) + "&" if chosen else ""),
            "export_url": "/audit/export.csv" + ("?" + urlencode(chosen) if chosen else ""),
            "names": award_names(state),
            "actions": sorted(key.removeprefix("action_") for key in ACTION_NAMES),
            "levels": [lv.value for lv in Level],
            "stages": [s.value for s in Stage],
        },
        user=user,
        status_code=422 if errors else 200,
    )


@router.get("/audit/export.csv")
async def audit_export(
    request: Request,
    user: PageUser,
    state: StateDep,
    q: str = "",
    action: str = "",
    level: str = "",
    stage: str = "",
    award_code: str = "",
    nomination_id: str = "",
    date_from: str = "",
    date_to: str = "",
):
    """The filtered audit trail, oldest first, streamed in batches."""
    if user is None:
        return login_redirect(request, "/audit")
    if not _may_audit(user):
        return domain_error_page(request, user, Forbidden())
    filters, errors = _filters(
        request, _params(q, action, level, stage, award_code, nomination_id, date_from, date_to)
    )
    if errors:
        return domain_error_page(request, user, Forbidden("Bộ lọc không hợp lệ", "Invalid filter"))
    names = award_names(state)
    t = translator("vi")

    async def lines() -> AsyncIterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
        async with state.reader() as session:
            async for event, nominee, award_code in queries.audit_stream(session, user, filters):
                buffer.seek(0)
                buffer.truncate()
                writer.writerow(
                    (
                        event.id,
                        event.occurred_at.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M:%S"),
                        event.nomination_id,
                        nominee,
                        names.get(award_code, award_code),
                        t(f"action_{event.action}"),
                        event.actor_name or t("system"),
                        t(event.actor_role) if event.actor_role not in ("", "system") else "",
                        t(f"level_{event.level.value}") if event.level else "",
                        t(f"stage_{event.from_stage}") if event.from_stage else "",
                        t(f"stage_{event.to_stage}") if event.to_stage else "",
                        event.reason,
                        "; ".join(
                            f"{k}: {' → '.join(str(x) for x in v) if isinstance(v, list) else v}"
                            for k, v in (event.changes or {}).items()
                        ),
                    )
                )
                yield buffer.getvalue().encode("utf-8")

    stamp = state.clock.now().astimezone(VIETNAM_TZ).strftime("%Y%m%d-%H%M")
    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="nhat-ky-xu-ly-{stamp}.csv"'},
    )
