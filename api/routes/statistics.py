"""Year-end statistics (issue 17): the figures as JSON, the workbook (.xlsx, with the
forms of Circular 02/2023/TT-BNV) and the unsigned PDF report with its charts. The same
service as the page ``/thong-ke``; outside its audience every answer is a 404."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from domain.calendar import vietnam_date
from models.schemas.statistics import StatisticsRead

from ..deps import CurrentUser, ReadSessionDep, StateDep
from ..errors import NotFound, Unauthorized, error_responses
from ..services import statistics as service
from ..services.exports.statistics import statistics_report, statistics_workbook
from ..services.exports.writer import XLSX_RESPONSES, file_name, xlsx_response
from .documents import pdf_response

router = APIRouter(prefix="/api/v1", tags=["statistics"])

YearQuery = Annotated[int | None, Query(ge=2000, le=2100)]


def _year(state, year: int | None) -> int:
    return year if year is not None else vietnam_date(state.clock.now()).year


@router.get(
    "/statistics",
    response_model=StatisticsRead,
    responses=error_responses(Unauthorized, NotFound),
)
async def statistics(
    user: CurrentUser, session: ReadSessionDep, state: StateDep, year: YearQuery = None
) -> dict[str, Any]:
    """The year's figures: awards by title, level, kind, subject, unit and year, women's
    share of individual awards, dossiers by stage, overdue stages by body, time to
    decision, and Mẫu 0601–0603 (a cell null where the engine's data cannot fill it)."""
    stats = await service.year_statistics(
        session, principal=user, year=_year(state, year), now=state.clock.now()
    )
    figures = asdict(stats)
    figures.pop("charts")
    figures["women_share"] = stats.women_share
    for row, title in zip(figures["by_title"], stats.by_title, strict=True):
        row["total"] = title.total
    return figures


@router.get(
    "/statistics.xlsx",
    response_class=Response,
    responses={**XLSX_RESPONSES, **error_responses(Unauthorized, NotFound)},
)
async def statistics_xlsx(
    user: CurrentUser, session: ReadSessionDep, state: StateDep, year: YearQuery = None
) -> Response:
    now = state.clock.now()
    stats = await service.year_statistics(session, principal=user, year=_year(state, year), now=now)
    return xlsx_response(file_name(f"thong-ke-{stats.year}", now), statistics_workbook(stats))


@router.get(
    "/statistics.pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The unsigned report"},
        **error_responses(Unauthorized, NotFound),
    },
)
async def statistics_pdf(
    user: CurrentUser, session: ReadSessionDep, state: StateDep, year: YearQuery = None
) -> Response:
    stats, pdf = await statistics_report(
        session, principal=user, year=_year(state, year), now=state.clock.now()
    )
    return pdf_response(pdf, f"Báo cáo thống kê thi đua khen thưởng năm {stats.year}")
