"""Every list and board as an .xlsx download (issue 17), beside its JSON list: the same
filters, the same people, the same query (``api/services/exports/``). The pages link
these with the filters they show. Vietnamese headers, dates as dates, amounts in VND as
numbers; a refusal of one record answers as its missing id."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from domain.vocabulary import ExemplarStage, Level, Stage
from models.schemas.common import DbId

from ..deps import CurrentUser, OptionalUser, ReadSessionDep, StateDep
from ..errors import Forbidden, InvalidInput, NotFound, Unauthorized, error_responses
from ..queries.audit import AuditFilters
from ..queries.nominations import NominationFilters
from ..services.awards import award_names
from ..services.exports.audit import audit_workbook
from ..services.exports.awardees import awardees_workbook
from ..services.exports.council import session_results_workbook
from ..services.exports.deadlines import deadlines_workbook
from ..services.exports.exemplars import exemplars_workbook
from ..services.exports.nominations import nominations_workbook
from ..services.exports.registrations import registrations_workbook
from ..services.exports.writer import XLSX_RESPONSES, file_name, xlsx_response

router = APIRouter(prefix="/api/v1", tags=["exports"])


@router.get(
    "/nominations.xlsx",
    response_class=Response,
    responses={**XLSX_RESPONSES, **error_responses(Unauthorized)},
)
async def nominations_xlsx(
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    unit_id: DbId | None = None,
    award_code: str | None = None,
    level: Level | None = None,
    stage: Stage | None = None,
    overdue: bool | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    authority_id: DbId | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    open_only: bool = False,
) -> Response:
    """The nominations list (``GET /api/v1/nominations``, same filters) as a workbook."""
    filters = NominationFilters(
        unit_id=unit_id,
        award_code=award_code,
        level=level,
        stage=stage,
        overdue=overdue,
        year=year,
        authority_id=authority_id,
        query=q,
        open_only=open_only,
    )
    now = state.clock.now()
    data = await nominations_workbook(
        session, principal=user, filters=filters, award_names=award_names(state), now=now
    )
    return xlsx_response(file_name("de-nghi-khen-thuong", now), data)


@router.get(
    "/boards/deadlines.xlsx",
    response_class=Response,
    responses={**XLSX_RESPONSES, **error_responses(Unauthorized)},
)
async def deadlines_xlsx(
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    within_working_days: Annotated[int, Query(ge=0, le=30)] = 3,
    level: Level | None = None,
) -> Response:
    """The deadlines board (``GET /api/v1/boards/deadlines``) as a workbook."""
    data = await deadlines_workbook(
        session, state, user, within_working_days=within_working_days, level=level
    )
    return xlsx_response(file_name("han-xu-ly", state.clock.now()), data)


@router.get(
    "/campaigns/{campaign_id}/registrations.xlsx",
    response_class=Response,
    responses={**XLSX_RESPONSES, **error_responses(Unauthorized, NotFound)},
)
async def registrations_xlsx(
    campaign_id: DbId,
    _user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    unit_id: DbId | None = None,
) -> Response:
    """The campaign's registrations (same filters as their JSON list) as a workbook."""
    data = await registrations_workbook(
        session, state, campaign_id=campaign_id, year=year, unit_id=unit_id
    )
    return xlsx_response(file_name("dang-ky-thi-dua", state.clock.now()), data)


@router.get(
    "/campaigns/{campaign_id}/exemplars.xlsx",
    response_class=Response,
    responses={**XLSX_RESPONSES, **error_responses(Unauthorized, NotFound)},
)
async def exemplars_xlsx(
    campaign_id: DbId,
    _user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    stage: ExemplarStage | None = None,
    unit_id: DbId | None = None,
) -> Response:
    """The campaign's exemplars (same filters as their JSON list) as a workbook."""
    data = await exemplars_workbook(session, campaign_id=campaign_id, stage=stage, unit_id=unit_id)
    return xlsx_response(file_name("dien-hinh-tien-tien", state.clock.now()), data)


@router.get(
    "/audit.xlsx",
    response_class=Response,
    responses={**XLSX_RESPONSES, **error_responses(Unauthorized, Forbidden, InvalidInput)},
)
async def audit_xlsx(
    user: CurrentUser,
    session: ReadSessionDep,
    state: StateDep,
    q: Annotated[str, Query(max_length=100)] = "",
    nomination_id: DbId | None = None,
    action: Annotated[str, Query(max_length=64)] = "",
    level: Level | None = None,
    stage: Stage | None = None,
    award_code: Annotated[str, Query(max_length=64)] = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> Response:
    """The audit trail (the filters of the ``/audit`` page), oldest first, for auditors
    and administrators."""
    for name, day in (("date_from", date_from), ("date_to", date_to)):
        if day is not None and not date(1900, 1, 1) <= day <= date(2100, 12, 31):
            raise InvalidInput(name, "Ngày không hợp lệ", "a day from 1900 to 2100")
    filters = AuditFilters(
        q=q,
        nomination_id=nomination_id,
        action=action,
        level=level,
        stage=stage,
        award_code=award_code,
        date_from=date_from,
        date_to=date_to,
    )
    data = await audit_workbook(session, user, filters, award_names=award_names(state))
    return xlsx_response(file_name("nhat-ky-xu-ly", state.clock.now()), data)


@router.get(
    "/council-sessions/{session_id}/results.xlsx",
    response_class=Response,
    responses={**XLSX_RESPONSES, **error_responses(Unauthorized, NotFound)},
)
async def session_results_xlsx(
    session_id: DbId, user: CurrentUser, session: ReadSessionDep, state: StateDep
) -> Response:
    """The tallies and outcome of each agenda item; never a member's choice."""
    data = await session_results_workbook(
        session, principal=user, session_id=session_id, catalogue=state.catalogue
    )
    return xlsx_response(file_name(f"ket-qua-phien-hop-{session_id}", state.clock.now()), data)


@router.get(
    "/decisions/{decision_id}/awardees.xlsx",
    response_class=Response,
    responses={**XLSX_RESPONSES, **error_responses(NotFound)},
)
async def awardees_xlsx(
    decision_id: DbId, user: OptionalUser, session: ReadSessionDep, state: StateDep
) -> Response:
    """The awardee list of a decision (or submission) for the finance office: each
    award's amount in VND and the total; for whoever reads the decision itself."""
    stem, data = await awardees_workbook(
        session, user, decision_id=decision_id, award_names=award_names(state)
    )
    return xlsx_response(f"{stem}.xlsx", data)
