"""The year-end statistics page (``/thong-ke``) and the chairman's overview
(``/tong-quan``): tables and SVG charts from ``services.statistics``, with links to the
lists behind each figure and the .xlsx and PDF downloads of the JSON API
(``api/routes/statistics.py``). Outside the audience, a 404 page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from domain.calendar import vietnam_date

from ..deps import ReadSessionDep, StateDep
from ..errors import DomainError
from ..services import statistics as service
from .common import PageUser, domain_error_page, login_redirect, render

router = APIRouter(include_in_schema=False)

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _charts(charts: dict[str, str]) -> dict[str, Markup]:
    """The SVG of ``domain.charts``: built from escaped text, safe to place inline."""
    return {name: Markup(svg) for name, svg in charts.items()}


@router.get("/thong-ke", response_class=HTMLResponse)
async def statistics_page(
    request: Request, user: PageUser, session: ReadSessionDep, state: StateDep, year: str = ""
):
    if user is None:
        return login_redirect(request)
    now = state.clock.now()
    errors: dict[str, str] = {}
    chosen = vietnam_date(now).year
    if year.strip():
        if year.strip().isdigit() and FIRST_YEAR <= int(year.strip()) <= LAST_YEAR:
            chosen = int(year.strip())
        else:
            errors["year"] = "statistics_year_invalid"
    try:
        stats = await service.year_statistics(session, principal=user, year=chosen, now=now)
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    context = {
        "stats": stats,
        "charts": _charts(stats.charts),
        "year_value": year if errors else str(chosen),
        "field_errors": errors,
        "xlsx_url": f"/api/v1/statistics.xlsx?year={stats.year}",
        "pdf_url": f"/api/v1/statistics.pdf?year={stats.year}",
    }
    return render(
        request,
        "pages/statistics.html",
        context,
        user=user,
        status_code=422 if errors else 200,
    )


@router.get("/tong-quan", response_class=HTMLResponse)
async def overview_page(request: Request, user: PageUser, session: ReadSessionDep, state: StateDep):
    if user is None:
        return login_redirect(request)
    now = state.clock.now()
    try:
        overview = await service.overview(
            session, principal=user, year=vietnam_date(now).year, now=now
        )
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    context = {"overview": overview, "charts": _charts(overview.charts)}
    return render(request, "pages/overview.html", context, user=user)
