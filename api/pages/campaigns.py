"""Campaign pages.

- ``/campaigns``, ``/campaigns/{id}``: the emulation campaigns; one campaign's plan (theme,
  content areas, stages, milestones), this year's cycle as its workflow sees it, who has
  registered, and for the standing body the launch and amendment forms (add a content
  area, move a milestone with its reason).
- ``/campaigns/{id}/report``: the report's figures as tables, and the PDF on demand.

Registrations have their pages in ``registrations.py``, exemplary models in
``exemplars.py``. Reads and commands go through ``api/services/campaigns.py``, the
functions the JSON routes call too: the pages only turn form fields into the services'
bodies and their refusals into messages next to the field concerned (or at the top of the
form).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.charts import horizontal_bar_chart
from models import Campaign
from models.schemas.campaigns import ContentAreaCreate, MilestoneMove, ReportCreate
from models.schemas.common import DbId
from workflows.campaign_types import CampaignStatus

from ..deps import ReadSessionDep, SessionDep, StateDep
from ..errors import Conflict, DomainError
from ..principal import Principal
from ..queries import campaigns as queries
from ..queries import exemplars as exemplar_queries
from ..services import campaigns as service
from ..services import registrations as registration_service
from ..state import AppState
from .campaign_forms import Errors, Values, guarded, parse_day, placed, refusal
from .common import (
    PageUser,
    domain_error_page,
    login_redirect,
    message_of,
    redirect_with_flash,
    render,
    temporal_client,
    text,
    validation_errors,
    whole_number,
)

router = APIRouter(include_in_schema=False)


# ---- the year's cycle as the campaign page shows it -------------------------------------------


@dataclass
class CycleRow:
    """One date of the year's cycle and what the campaign's workflow has done about it."""

    key: str  # registration_open | registration_due | household_review | dossiers
    day: date | None
    # done | skipped | next | upcoming; open | late | not_open (registration); notice_done |
    # notice_skipped | notice_next (the notice sent ahead of a due date); "" when not running
    state: str = ""
    # Days from today (the application's clock) to ``day``: negative once it has passed.
    days_left: int | None = None


def cycle_rows(
    campaign: Campaign, status: CampaignStatus | None, year: int, today: date
) -> list[CycleRow]:
    def step_state(kind: str, prefix: str = "") -> str:
        if status is None:
            return ""
        key = f"{year}:{kind}"
        if key in status.skipped_steps:
            return prefix + "skipped"
        if key in status.done_steps or year in status.years_done:
            return prefix + "done"
        if status.next_step == key:
            return prefix + "next"
        return "upcoming"

    registration = ""
    if status is not None:
        due = service.cycle_day(year, campaign.registration_due)
        if status.registration_year != year or status.closed:
            registration = "not_open"
        elif due is not None and today > due:
            registration = "late"  # past the deadline: late registrations are still taken
        else:
            registration = "open"
    rows = [
        CycleRow(
            "registration_open",
            service.cycle_day(year, campaign.registration_opens),
            step_state("registration_open"),
        ),
        CycleRow(
            "registration_due", service.cycle_day(year, campaign.registration_due), registration
        ),
        # The workflow's steps for these two are the notices it sends ahead of the due date.
        CycleRow(
            "household_review",
            service.cycle_day(year, campaign.household_review_due),
            step_state("household_review", "notice_"),
        ),
        CycleRow(
            "dossiers",
            service.cycle_day(year, campaign.dossiers_due),
            step_state("dossiers", "notice_"),
        ),
    ]
    for row in rows:
        row.days_left = (row.day - today).days if row.day is not None else None
    return rows


# ---- the list and one campaign -------------------------------------------------------------


@router.get("/campaigns", response_class=HTMLResponse)
async def campaigns(request: Request, user: PageUser, session: ReadSessionDep, page: str = "1"):
    if user is None:
        return login_redirect(request)
    listing = await service.campaigns_page(
        session, page=whole_number(page, 1, low=1, high=10_000), page_size=20
    )
    return render(request, "pages/campaigns.html", {"listing": listing}, user=user)


async def campaign_page(
    request: Request,
    user: Principal,
    session: AsyncSession,
    state: AppState,
    campaign_id: DbId,
    *,
    errors: Errors | None = None,
    values: Values | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        temporal = await temporal_client(state)
        campaign = await service.get_campaign(session, campaign_id)
        detail = await service.campaign_detail(session, temporal, user, campaign)
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    status = await service.progress(temporal, campaign) if campaign.status == "running" else None
    year = service.cycle_year(campaign, status, state.clock.today())
    by_unit = await registration_service.registrations_by_unit(
        session, campaign=campaign, year=year
    )
    titles = {m.code: m.title for m in detail.milestones}
    next_step = None
    if detail.progress and detail.progress.next_step:
        _, _, rest = detail.progress.next_step.partition(":")
        kind, _, code = rest.partition(":")
        next_step = {
            "kind": kind,
            "milestone": titles.get(code, "") if kind == "milestone" else "",
            "at": detail.progress.next_step_at,
        }
    return render(
        request,
        "pages/campaign.html",
        {
            "c": detail,
            "cycle": cycle_rows(campaign, status, year, state.clock.today()),
            "cycle_year": year,
            "next_step": next_step,
            "registered": [r for r in by_unit if r.unit is not None],
            "unregistered": [r for r in by_unit if r.unit is None],
            "counts": await exemplar_queries.stage_counts(session, campaign_id=campaign_id),
            "can_amend": "amend" in detail.allowed_actions,
            "can_report": service.may_generate_report(user, campaign),
            "today": state.clock.today(),
            "errors": errors or {},
            "values": values or {},
        },
        user=user,
        status_code=status_code,
    )


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse)
async def campaign(
    campaign_id: DbId, request: Request, user: PageUser, session: ReadSessionDep, state: StateDep
):
    if user is None:
        return login_redirect(request)
    return await campaign_page(request, user, session, state, campaign_id)


@router.post("/campaigns/{campaign_id}/launch", response_class=HTMLResponse)
async def launch(
    campaign_id: DbId, request: Request, user: PageUser, session: SessionDep, state: StateDep
):
    """The standing body launches a planned campaign: its workflow starts."""
    page = f"/campaigns/{campaign_id}"
    form = await request.form()
    if (refused := guarded(request, user, form, page)) is not None:
        return refused
    assert user is not None
    try:
        temporal = await temporal_client(state)
        await service.launch_campaign(
            session,
            temporal,
            state.settings.task_queue,
            principal=user,
            campaign_id=campaign_id,
            now=state.clock.now(),
        )
    except DomainError as exc:
        await session.rollback()
        if exc.status_code in (403, 404):
            return domain_error_page(request, user, exc)
        return await campaign_page(
            request,
            user,
            session,
            state,
            campaign_id,
            errors={"launch": {"form": message_of(request, exc)}},
            status_code=exc.status_code,
        )
    return redirect_with_flash(request, page, "campaign_launched")


CONTENT_AREA_FIELDS = ("code", "title", "description")


@router.post("/campaigns/{campaign_id}/content-areas", response_class=HTMLResponse)
async def add_content_area(
    campaign_id: DbId, request: Request, user: PageUser, session: ReadSessionDep, state: StateDep
):
    """Amend the campaign: one more content area (audited by the workflow)."""
    page = f"/campaigns/{campaign_id}"
    form = await request.form()
    if (refused := guarded(request, user, form, page)) is not None:
        return refused
    assert user is not None
    values = {name: str(form.get(name) or "") for name in CONTENT_AREA_FIELDS}
    try:
        body = ContentAreaCreate.model_validate(values)
    except ValidationError as exc:
        errors = validation_errors(request, exc)
        if "code" in errors and values["code"].strip():
            errors["code"] = text(request, "content_area_code_help")
        return await campaign_page(
            request,
            user,
            session,
            state,
            campaign_id,
            errors={"content_area": placed(errors, CONTENT_AREA_FIELDS)},
            values={"content_area": values},
            status_code=422,
        )
    try:
        temporal = await temporal_client(state)
        await service.add_content_area(
            session, temporal, principal=user, campaign_id=campaign_id, data=body
        )
    except DomainError as exc:
        if exc.status_code in (403, 404):
            return domain_error_page(request, user, exc)
        # The only conflict here is a code already used: it belongs next to the code.
        errors = (
            {"code": message_of(request, exc)}
            if type(exc) is Conflict
            else refusal(request, exc, CONTENT_AREA_FIELDS)
        )
        return await campaign_page(
            request,
            user,
            session,
            state,
            campaign_id,
            errors={"content_area": errors},
            values={"content_area": values},
            status_code=exc.status_code,
        )
    return redirect_with_flash(
        request, page + "#content-areas", "content_area_added", title=body.title
    )


MOVE_FIELDS = ("due_on", "reason")


@router.post(
    "/campaigns/{campaign_id}/milestones/{milestone_code}/move", response_class=HTMLResponse
)
async def move_milestone(
    campaign_id: DbId,
    milestone_code: str,
    request: Request,
    user: PageUser,
    session: ReadSessionDep,
    state: StateDep,
):
    """Amend the campaign: a milestone moves to another date, for a stated reason."""
    page = f"/campaigns/{campaign_id}"
    form = await request.form()
    if (refused := guarded(request, user, form, page)) is not None:
        return refused
    assert user is not None
    key = f"move:{milestone_code}"
    values = {name: str(form.get(name) or "") for name in MOVE_FIELDS}
    errors: dict[str, str] = {}
    due_on = parse_day(values["due_on"]) if values["due_on"].strip() else None
    if due_on is None:
        errors["due_on"] = text(
            request, "field_date" if values["due_on"].strip() else "field_required"
        )
    body = None
    try:
        body = MilestoneMove.model_validate({"due_on": due_on, "reason": values["reason"]})
    except ValidationError as exc:
        errors = {**validation_errors(request, exc), **errors}
    if errors or body is None:
        return await campaign_page(
            request,
            user,
            session,
            state,
            campaign_id,
            errors={key: placed(errors, MOVE_FIELDS)},
            values={key: values},
            status_code=422,
        )
    try:
        temporal = await temporal_client(state)
        moved = await service.move_milestone(
            session,
            temporal,
            principal=user,
            campaign_id=campaign_id,
            milestone_code=milestone_code,
            data=body,
        )
    except DomainError as exc:
        if exc.status_code in (403, 404):
            return domain_error_page(request, user, exc)
        return await campaign_page(
            request,
            user,
            session,
            state,
            campaign_id,
            errors={key: refusal(request, exc, MOVE_FIELDS)},
            values={key: values},
            status_code=exc.status_code,
        )
    title = next((m.title for m in moved.milestones if m.code == milestone_code), milestone_code)
    return redirect_with_flash(
        request,
        page + "#milestones",
        "milestone_moved_to",
        title=title,
        day=body.due_on.strftime("%d/%m/%Y"),
    )


# ---- the report --------------------------------------------------------------------------


REPORT_FIELDS = ("through_year", "title")


async def report_page(
    request: Request,
    user: Principal,
    session: AsyncSession,
    state: AppState,
    campaign_id: DbId,
    *,
    through_year: int | None = None,
    document_id: int | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        campaign = await service.get_campaign(session, campaign_id)
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    if through_year is not None and not campaign.start_year <= through_year <= campaign.end_year:
        through_year = None
    report = await service.campaign_report(
        session, campaign_id=campaign_id, through_year=through_year
    )
    areas = await queries.content_areas(session, campaign_id=campaign_id)
    return render(
        request,
        "pages/campaign_report.html",
        {
            "campaign": campaign,
            "r": report,
            # The awards by content area, as the report's PDF draws them (domain.charts).
            "awards_chart": Markup(
                horizontal_bar_chart(
                    "Số được khen thưởng theo nội dung thi đua",
                    [(row.name, row.awards) for row in report.by_content_area],
                    chart_id="chart-campaign-awards",
                    width=640,
                    label_width=300,
                )
            ),
            "milestones": await queries.milestones(session, campaign_id=campaign_id),
            "areas": {a.code: a.title for a in areas},
            "years": list(range(campaign.start_year, campaign.end_year + 1)),
            "through_year": through_year,
            "document_id": document_id,
            "can_generate": service.may_generate_report(user, campaign),
            "errors": {"report": errors} if errors else {},
            "values": {
                "report": values or {"through_year": str(through_year or campaign.end_year)}
            },
        },
        user=user,
        status_code=status_code,
    )


@router.get("/campaigns/{campaign_id}/report", response_class=HTMLResponse)
async def report(
    campaign_id: DbId,
    request: Request,
    user: PageUser,
    session: ReadSessionDep,
    state: StateDep,
    through_year: str = "",
    document: str = "",
):
    if user is None:
        return login_redirect(request)
    return await report_page(
        request,
        user,
        session,
        state,
        campaign_id,
        through_year=whole_number(through_year, 0, low=0, high=2100) or None,
        document_id=whole_number(document, 0, low=0, high=2**62) or None,
    )


@router.post("/campaigns/{campaign_id}/report", response_class=HTMLResponse)
async def generate_report(
    campaign_id: DbId, request: Request, user: PageUser, session: ReadSessionDep, state: StateDep
):
    """The report as a PDF (stored as a document): back to the page with its link."""
    page = f"/campaigns/{campaign_id}/report"
    form = await request.form()
    if (refused := guarded(request, user, form, page)) is not None:
        return refused
    assert user is not None
    values = {name: str(form.get(name) or "") for name in REPORT_FIELDS}
    try:
        body = ReportCreate.model_validate(
            {"through_year": values["through_year"].strip() or None, "title": values["title"]}
        )
    except ValidationError as exc:
        return await report_page(
            request,
            user,
            session,
            state,
            campaign_id,
            errors=placed(validation_errors(request, exc), REPORT_FIELDS),
            values=values,
            status_code=422,
        )
    try:
        stored = await service.generate_report(
            session, state, principal=user, campaign_id=campaign_id, data=body
        )
    except DomainError as exc:
        if exc.status_code in (403, 404):
            return domain_error_page(request, user, exc)
        return await report_page(
            request,
            user,
            session,
            state,
            campaign_id,
            errors=refusal(request, exc, REPORT_FIELDS),
            values=values,
            status_code=exc.status_code,
        )
    through = stored.report.through_year
    return redirect_with_flash(
        request,
        f"{page}?through_year={through}&document={stored.document_id}#document",
        "report_generated",
        year=through,
    )
