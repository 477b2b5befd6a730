"""The auditor's pages: the audit trail of every nomination they may see, with filters,
and its export as CSV (UTF-8 with a byte-order mark, so that Excel shows Vietnamese)."""

from __future__ import annotations

from datetime import date, datetime
from math import ceil
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from domain.calendar import VIETNAM_TZ
from domain.vocabulary import Level, Stage

from ..deps import ReadSessionDep, StateDep
from ..errors import Forbidden
from ..i18n import ACTION_NAMES, request_language, translator
from ..queries import audit as queries
from ..services.audit import csv_lines, may_audit
from ..services.awards import award_names
from ..services.exports.links import audit_link
from ..services.objectors import withheld_actors
from .common import PageUser, domain_error_page, login_redirect, render, whole_number

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50


# The trail's dates: a day outside these years is a mistyped one (and 31/12/9999 + 1 day
# would not even be a date).
FIRST_YEAR, LAST_YEAR = 1900, 2100


def parse_day(value: str) -> date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
        return day if FIRST_YEAR <= day.year <= LAST_YEAR else None
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
    if not may_audit(user):
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
            "withheld": await withheld_actors(
                session, principal=user, events=[event for event, _, _ in rows]
            ),
            "total": total,
            "page": page_number,
            "pages": max(ceil(total / PAGE_SIZE), 1),
            "params": params,
            "errors": errors,
            "base": "/audit?" + (urlencode(chosen) + "&" if chosen else ""),
            "export_url": "/audit/export.csv" + ("?" + urlencode(chosen) if chosen else ""),
            "xlsx_url": None if errors else audit_link(filters),
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
    if not may_audit(user):
        return domain_error_page(request, user, Forbidden())
    filters, errors = _filters(
        request, _params(q, action, level, stage, award_code, nomination_id, date_from, date_to)
    )
    if errors:
        return domain_error_page(request, user, Forbidden("Bộ lọc không hợp lệ", "Invalid filter"))
    stamp = state.clock.now().astimezone(VIETNAM_TZ).strftime("%Y%m%d-%H%M")
    return StreamingResponse(
        csv_lines(state.reader, user, filters, award_names=award_names(state)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="nhat-ky-xu-ly-{stamp}.csv"'},
    )
