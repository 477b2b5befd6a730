"""Campaign and exemplar pages.

- ``/campaigns``, ``/campaigns/{id}``: the emulation campaigns; one campaign's plan (theme,
  content areas, stages, milestones), this year's cycle as its workflow sees it, who has
  registered, and for the standing body the launch and amendment forms (add a content
  area, move a milestone with its reason).
- ``/campaigns/{id}/registrations``: every unit of the ward and what it registered for the
  year (who has not); a unit officer registers the unit or a person of it.
- ``/campaigns/{id}/report``: the report's figures as tables, and the PDF on demand.
- ``/campaigns/{id}/exemplars`` (by step), ``/campaigns/{id}/exemplars/new`` (propose),
  ``/exemplars/{id}``: one exemplary model with its timeline and the viewer's actions as
  forms (nurture, follow-up, summarize, publish, report adoption, drop, turn into a
  nomination).

Commands go through the JSON API's own functions (``api/routes/campaigns.py``) with
``call_route``: the pages only turn form fields into the API's bodies and its refusals
into messages next to the field concerned (or at the top of the form).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from math import ceil
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from activities.campaign import NOMINEE_KIND, ward_units_of
from domain.vocabulary import ExemplarStage, ExemplarSubjectKind, Role, UnitKind
from models import (
    AuditEvent,
    Authority,
    Campaign,
    Collective,
    ContentArea,
    Exemplar,
    Household,
    Milestone,
    Person,
    Registration,
    RoleGrant,
    Unit,
    User,
)
from models.schemas.campaigns import (
    AdoptionCreate,
    ContentAreaCreate,
    DropCreate,
    ExemplarCreate,
    ExemplarNominationCreate,
    FollowUpCreate,
    MilestoneMove,
    NurtureCreate,
    PublishCreate,
    RegistrationCreate,
    ReportCreate,
    SummarizeCreate,
)
from models.schemas.common import DbId
from workflows.campaign_types import EXEMPLAR_RATINGS, ON_DEMAND, CampaignStatus

from ..deps import ReadSessionDep, SessionDep, StateDep
from ..errors import Conflict, DomainError, Forbidden
from ..i18n import request_language
from ..principal import Principal
from ..routes import campaigns as api
from ..services import campaigns as service
from ..services.pages_forms import attestations_by_award
from .common import (
    PageUser,
    call_route,
    csrf_refused,
    domain_error_page,
    field_of,
    form_csrf_ok,
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

EXEMPLARS_PER_PAGE = 50
CHOICES_LIMIT = 2000  # people or households offered in one select
Errors = dict[str, dict[str, str]]  # form → field → message
Values = dict[str, dict[str, Any]]  # form → field → what was sent


def parse_day(value: str) -> date | None:
    """A date field: ``2028-12-20`` (what ``<input type=date>`` sends) or ``20/12/2028``."""
    value = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _month_day(year: int, month_day: str) -> date | None:
    """A cycle date ("11-25") in ``year``; 29 February falls back to the 28th."""
    try:
        month, day = (int(part) for part in month_day.split("-"))
        try:
            return date(year, month, day)
        except ValueError:
            return date(year, month, 28)
    except ValueError:
        return None


def _placed(errors: dict[str, str], fields: tuple[str, ...]) -> dict[str, str]:
    """Errors about a field the form does not show go to the top of the form, so that no
    refusal is ever lost."""
    placed: dict[str, str] = {}
    for name, message in errors.items():
        key = name if name in fields else "form"
        placed.setdefault(key, message)
    return placed


def _refusal(
    request: Request,
    exc: DomainError,
    fields: tuple[str, ...],
    aliases: dict[str, str] | None = None,
) -> dict[str, str]:
    return _placed({field_of(exc, aliases): message_of(request, exc)}, fields)


def _chosen(
    request: Request, errors: dict[str, str], values: dict[str, Any], selects: tuple[str, ...]
) -> dict[str, str]:
    """A select or radio group left empty reads "please choose", not "enter a number"."""
    for name in selects:
        if name in errors and not values.get(name):
            errors[name] = text(request, "field_choose")
    return errors


def _int_or_none(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None


def _guarded(
    request: Request, user: Principal | None, form: FormData, back: str
) -> Response | None:
    """The checks every form starts with: signed in, and the CSRF token of the session."""
    if user is None:
        return login_redirect(request, back)
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    return None


# ---- read models of these pages ------------------------------------------------------------


@dataclass
class CycleRow:
    """One date of the year's cycle and what the campaign's workflow has done about it."""

    key: str  # registration_open | registration_due | household_review | dossiers
    day: date | None
    # done | skipped | next | upcoming; open | late | not_open (registration); notice_done |
    # notice_skipped | notice_next (the notice sent ahead of a due date); "" when not running
    state: str = ""


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
        due = _month_day(year, campaign.registration_due)
        if status.registration_year != year or status.closed:
            registration = "not_open"
        elif due is not None and today > due:
            registration = "late"  # past the deadline: late registrations are still taken
        else:
            registration = "open"
    return [
        CycleRow(
            "registration_open",
            _month_day(year, campaign.registration_opens),
            step_state("registration_open"),
        ),
        CycleRow("registration_due", _month_day(year, campaign.registration_due), registration),
        # The workflow's steps for these two are the notices it sends ahead of the due date.
        CycleRow(
            "household_review",
            _month_day(year, campaign.household_review_due),
            step_state("household_review", "notice_"),
        ),
        CycleRow(
            "dossiers", _month_day(year, campaign.dossiers_due), step_state("dossiers", "notice_")
        ),
    ]


def cycle_year(campaign: Campaign, status: CampaignStatus | None, today: date) -> int:
    if status is not None:
        return status.registration_year or status.year
    return min(max(today.year, campaign.start_year), campaign.end_year)


@dataclass
class UnitRegistrations:
    unit_id: int
    unit_name: str
    unit: Registration | None = None  # the unit's own registration (no person)
    people: list[tuple[str, Registration]] = field(default_factory=list)


async def registrations_by_unit(
    session: AsyncSession, campaign: Campaign, year: int
) -> list[UnitRegistrations]:
    """Every unit of the ward with what it (and its people) registered for ``year``."""
    rows = {u.id: UnitRegistrations(u.id, u.name) for u in await ward_units_of(session, campaign)}
    registrations = (
        await session.execute(
            select(Registration, Person.full_name)
            .outerjoin(Person, Person.id == Registration.person_id)
            .where(Registration.campaign_id == campaign.id, Registration.year == year)
            .order_by(Registration.id)
        )
    ).all()
    for registration, person_name in registrations:
        row = rows.get(registration.unit_id)
        if row is None:
            continue
        if registration.person_id is None:
            row.unit = registration
        else:
            row.people.append((person_name or "", registration))
    return list(rows.values())


async def exemplar_counts(session: AsyncSession, campaign_id: DbId) -> dict[str, int]:
    rows = (
        await session.execute(
            select(Exemplar.stage, func.count())
            .where(Exemplar.campaign_id == campaign_id)
            .group_by(Exemplar.stage)
        )
    ).all()
    counts = {stage.value: 0 for stage in ExemplarStage}
    for stage, count in rows:
        counts[ExemplarStage(stage).value] = count
    return counts


async def milestone_titles(session: AsyncSession, campaign_id: DbId) -> dict[str, str]:
    rows = (
        await session.execute(
            select(Milestone.code, Milestone.title).where(Milestone.campaign_id == campaign_id)
        )
    ).all()
    return dict(rows)


@dataclass
class Choice:
    value: str
    label: str


async def subject_choices(session: AsyncSession, unit_ids: list[int]) -> dict[str, list[Choice]]:
    """What an exemplar may be about, within ``unit_ids``: people, collectives (other than
    a residential group's own), households and residential groups. Values read
    ``individual:12``, ``collective:3``, ``household:5``, ``residential_group:7``."""
    groups: dict[str, list[Choice]] = {
        kind.value: [] for kind in ExemplarSubjectKind if kind != ExemplarSubjectKind.PRACTICE
    }
    if not unit_ids:
        return groups
    units = {
        u.id: u
        for u in (await session.execute(select(Unit).where(Unit.id.in_(unit_ids)))).scalars()
    }
    residential = {uid for uid, u in units.items() if u.kind == UnitKind.RESIDENTIAL_GROUP}
    for person in (
        await session.execute(
            select(Person)
            .where(Person.unit_id.in_(unit_ids))
            .order_by(Person.full_name)
            .limit(CHOICES_LIMIT)
        )
    ).scalars():
        label = person.full_name + (f" — {person.position}" if person.position else "")
        groups["individual"].append(Choice(f"individual:{person.id}", label))
    collectives = (
        (
            await session.execute(
                select(Collective).where(Collective.unit_id.in_(unit_ids)).order_by(Collective.name)
            )
        )
        .scalars()
        .all()
    )
    with_collective = {c.unit_id for c in collectives}
    for collective in collectives:
        if collective.unit_id not in residential:
            groups["collective"].append(Choice(f"collective:{collective.id}", collective.name))
    for household in (
        await session.execute(
            select(Household)
            .where(Household.residential_group_id.in_(unit_ids))
            .order_by(Household.head_name)
            .limit(CHOICES_LIMIT)
        )
    ).scalars():
        label = f"Hộ ông/bà {household.head_name}" + (
            f" — {household.address}" if household.address else ""
        )
        groups["household"].append(Choice(f"household:{household.id}", label))
    for unit_id in sorted(residential & with_collective, key=lambda uid: units[uid].name):
        groups["residential_group"].append(
            Choice(f"residential_group:{unit_id}", units[unit_id].name)
        )
    return groups


SUBJECT_KINDS = {kind.value: kind for kind in ExemplarSubjectKind}
SUBJECT_FIELDS = (
    "person_id",
    "collective_id",
    "household_id",
    "residential_group_id",
    "subject_kind",
)


def parse_subject(value: str) -> dict[str, Any] | None:
    """``individual:12`` → the ExemplarCreate fields of that subject; ``practice`` → a good
    practice (no subject); None when the value is malformed or empty."""
    if value == ExemplarSubjectKind.PRACTICE.value:
        return {"subject_kind": ExemplarSubjectKind.PRACTICE}
    kind, _, raw_id = value.partition(":")
    if kind not in SUBJECT_KINDS or not raw_id.isdigit() or kind == "practice":
        return None
    column = service.SUBJECT_FIELDS[SUBJECT_KINDS[kind]]
    return {"subject_kind": SUBJECT_KINDS[kind], column: int(raw_id)}


async def responsible_officers(
    session: AsyncSession, exemplar: Exemplar, authority: Authority
) -> list[User]:
    """Who may be made responsible for nurturing a model: the proposing unit's officers and
    the standing body's."""
    return list(
        (
            await session.execute(
                select(User)
                .join(RoleGrant, RoleGrant.user_id == User.id)
                .where(
                    User.is_active.is_(True),
                    (
                        (RoleGrant.role == Role.UNIT_OFFICER)
                        & (RoleGrant.unit_id == exemplar.proposing_unit_id)
                    )
                    | (
                        (RoleGrant.role == Role.STANDING_OFFICER)
                        & (RoleGrant.unit_id == authority.standing_unit_id)
                    ),
                )
                .distinct()
                .order_by(User.full_name)
            )
        ).scalars()
    )


async def exemplar_timeline(session: AsyncSession, exemplar_id: DbId) -> list[AuditEvent]:
    return list(
        (
            await session.execute(
                select(AuditEvent)
                .where(AuditEvent.subject_type == "exemplar", AuditEvent.subject_id == exemplar_id)
                .order_by(AuditEvent.occurred_at, AuditEvent.id)
                .limit(500)
            )
        ).scalars()
    )


async def _officer_units(session: AsyncSession, user: Principal, campaign: Campaign) -> list[Unit]:
    """The ward units this person is a unit officer of, in the ward's order."""
    mine = user.unit_ids(Role.UNIT_OFFICER)
    return [u for u in await ward_units_of(session, campaign) if u.id in mine]


# ---- the list and one campaign -------------------------------------------------------------


@router.get("/campaigns", response_class=HTMLResponse)
async def campaigns(request: Request, user: PageUser, session: ReadSessionDep, page: str = "1"):
    if user is None:
        return login_redirect(request)
    listing = await call_route(
        api.list_campaigns,
        user=user,
        session=session,
        page=whole_number(page, 1, low=1, high=10_000),
        page_size=20,
    )
    return render(request, "pages/campaigns.html", {"listing": listing}, user=user)


async def campaign_page(
    request: Request,
    user: Principal,
    session: AsyncSession,
    state,
    campaign_id: DbId,
    *,
    errors: Errors | None = None,
    values: Values | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        temporal = await temporal_client(state)
        detail = await call_route(
            api.get_campaign,
            campaign_id=campaign_id,
            user=user,
            session=session,
            state=state,
            temporal=temporal,
        )
        campaign = await service.get_campaign(session, campaign_id)
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    status = await service.progress(temporal, campaign) if campaign.status == "running" else None
    year = cycle_year(campaign, status, state.clock.today())
    by_unit = await registrations_by_unit(session, campaign, year)
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
            "counts": await exemplar_counts(session, campaign_id),
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
    if (refused := _guarded(request, user, form, page)) is not None:
        return refused
    try:
        temporal = await temporal_client(state)
        await call_route(
            api.launch_campaign,
            campaign_id=campaign_id,
            user=user,
            session=session,
            state=state,
            temporal=temporal,
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
    if (refused := _guarded(request, user, form, page)) is not None:
        return refused
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
            errors={"content_area": _placed(errors, CONTENT_AREA_FIELDS)},
            values={"content_area": values},
            status_code=422,
        )
    try:
        temporal = await temporal_client(state)
        await call_route(
            api.add_content_area,
            campaign_id=campaign_id,
            body=body,
            user=user,
            session=session,
            state=state,
            temporal=temporal,
        )
    except DomainError as exc:
        if exc.status_code in (403, 404):
            return domain_error_page(request, user, exc)
        # The only conflict here is a code already used: it belongs next to the code.
        errors = (
            {"code": message_of(request, exc)}
            if type(exc) is Conflict
            else _refusal(request, exc, CONTENT_AREA_FIELDS)
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
    if (refused := _guarded(request, user, form, page)) is not None:
        return refused
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
            errors={key: _placed(errors, MOVE_FIELDS)},
            values={key: values},
            status_code=422,
        )
    try:
        temporal = await temporal_client(state)
        moved = await call_route(
            api.move_milestone,
            campaign_id=campaign_id,
            milestone_code=milestone_code,
            body=body,
            user=user,
            session=session,
            state=state,
            temporal=temporal,
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
            errors={key: _refusal(request, exc, MOVE_FIELDS)},
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


# ---- registrations -------------------------------------------------------------------------


REGISTRATION_FIELDS = ("unit_id", "registrant", "target_awards", "content_area_codes", "pledge")
REGISTRATION_ALIASES = {"person_id": "registrant", "year": "form"}


async def registrations_page(
    request: Request,
    user: Principal,
    session: AsyncSession,
    state,
    campaign_id: DbId,
    *,
    year: int | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        campaign = await service.get_campaign(session, campaign_id)
        temporal = await temporal_client(state)
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    status = await service.progress(temporal, campaign) if campaign.status == "running" else None
    open_year = status.registration_year if status and not status.closed else None
    shown_year = year or cycle_year(campaign, status, state.clock.today())
    units = await _officer_units(session, user, campaign)
    mine = []
    for unit in units:
        listing = await call_route(
            api.list_registrations,
            campaign_id=campaign_id,
            user=user,
            session=session,
            year=None,
            unit_id=unit.id,
            page=1,
            page_size=200,
        )
        mine += listing.items
    people: list[Choice] = []
    if units:
        for person in (
            await session.execute(
                select(Person)
                .where(Person.unit_id.in_([u.id for u in units]))
                .order_by(Person.full_name)
                .limit(CHOICES_LIMIT)
            )
        ).scalars():
            people.append(
                Choice(
                    f"person:{person.id}",
                    person.full_name + (f" — {person.position}" if person.position else ""),
                )
            )
    rule_set = state.catalogue.in_force(state.clock.today())
    lang = request_language(request)
    awards = [
        (code, award.name_vi if lang == "vi" else award.label_en)
        for code, award in rule_set.awards.items()
    ]
    areas = (
        (
            await session.execute(
                select(ContentArea)
                .where(ContentArea.campaign_id == campaign_id)
                .order_by(ContentArea.position)
            )
        )
        .scalars()
        .all()
    )
    by_unit = await registrations_by_unit(session, campaign, shown_year)
    open_due = _month_day(open_year, campaign.registration_due) if open_year else None
    return render(
        request,
        "pages/campaign_registrations.html",
        {
            "campaign": campaign,
            "year": shown_year,
            "open_year": open_year,
            "open_due": open_due,
            "late": open_due is not None and state.clock.today() > open_due,
            "years": list(range(campaign.start_year, campaign.end_year + 1)),
            "by_unit": by_unit,
            "registered": sum(1 for r in by_unit if r.unit is not None),
            "units": units,
            "people": people,
            "awards": awards,
            "areas": areas,
            "award_names": dict(awards),
            "area_titles": {a.code: a.title for a in areas},
            "mine": mine,
            "can_register": bool(units) and open_year is not None,
            "errors": {"register": errors} if errors else {},
            "values": {"register": values or {"registrant": "unit"}},
        },
        user=user,
        status_code=status_code,
    )


@router.get("/campaigns/{campaign_id}/registrations", response_class=HTMLResponse)
async def registrations(
    campaign_id: DbId,
    request: Request,
    user: PageUser,
    session: ReadSessionDep,
    state: StateDep,
    year: str = "",
):
    if user is None:
        return login_redirect(request)
    chosen = whole_number(year, 0, low=2000, high=2100) or None
    return await registrations_page(request, user, session, state, campaign_id, year=chosen)


@router.post("/campaigns/{campaign_id}/registrations", response_class=HTMLResponse)
async def register(
    campaign_id: DbId, request: Request, user: PageUser, session: ReadSessionDep, state: StateDep
):
    """A unit officer registers the unit, or a person of it, for the year's titles and/or a
    pledge."""
    page = f"/campaigns/{campaign_id}/registrations"
    form = await request.form()
    if (refused := _guarded(request, user, form, page)) is not None:
        return refused
    officer_of = sorted(user.unit_ids(Role.UNIT_OFFICER))
    if not officer_of:
        return domain_error_page(
            request,
            user,
            Forbidden(
                "Chỉ cán bộ của đơn vị được đăng ký thi đua cho đơn vị mình",
                "only an officer of the unit may register it or its people",
            ),
        )
    values: dict[str, Any] = {
        # One unit: the form carries it hidden; a hand-made request may leave it out.
        "unit_id": str(form.get("unit_id") or (officer_of[0] if len(officer_of) == 1 else "")),
        "registrant": str(form.get("registrant") or ""),
        "target_awards": [str(v) for v in form.getlist("target_awards")],
        "content_area_codes": [str(v) for v in form.getlist("content_area_codes")],
        "pledge": str(form.get("pledge") or ""),
    }
    errors: dict[str, str] = {}
    person_id: int | None = None
    if values["registrant"].startswith("person:"):
        person_id = _int_or_none(values["registrant"].split(":", 1)[1])
        if person_id is None:
            errors["registrant"] = text(request, "field_choose")
    elif values["registrant"] != "unit":
        errors["registrant"] = text(request, "field_choose")
    body = None
    try:
        body = RegistrationCreate.model_validate(
            {
                "unit_id": _int_or_none(values["unit_id"]),
                "person_id": person_id,
                "target_awards": values["target_awards"],
                "content_area_codes": values["content_area_codes"],
                "pledge": values["pledge"],
            }
        )
    except ValidationError as exc:
        errors = {
            **_chosen(
                request, validation_errors(request, exc, REGISTRATION_ALIASES), values, ("unit_id",)
            ),
            **errors,
        }
    if errors or body is None:
        return await registrations_page(
            request,
            user,
            session,
            state,
            campaign_id,
            errors=_placed(errors, REGISTRATION_FIELDS),
            values=values,
            status_code=422,
        )
    try:
        temporal = await temporal_client(state)
        registration = await call_route(
            api.register,
            campaign_id=campaign_id,
            body=body,
            user=user,
            session=session,
            state=state,
            temporal=temporal,
        )
    except DomainError as exc:
        if exc.status_code in (403, 404):
            return domain_error_page(request, user, exc)
        return await registrations_page(
            request,
            user,
            session,
            state,
            campaign_id,
            errors=_refusal(request, exc, REGISTRATION_FIELDS, REGISTRATION_ALIASES),
            values=values,
            status_code=exc.status_code,
        )
    who = registration.person_name or registration.unit_name
    return redirect_with_flash(
        request, page + "#mine", "registered_for_year", who=who, year=registration.year
    )


# ---- the report --------------------------------------------------------------------------


REPORT_FIELDS = ("through_year", "title")


async def report_page(
    request: Request,
    user: Principal,
    session: AsyncSession,
    state,
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
    report = await call_route(
        api.campaign_report,
        campaign_id=campaign_id,
        user=user,
        session=session,
        through_year=through_year,
    )
    milestones = (
        (
            await session.execute(
                select(Milestone)
                .where(Milestone.campaign_id == campaign_id)
                .order_by(Milestone.due_on)
            )
        )
        .scalars()
        .all()
    )
    areas = dict(
        (
            await session.execute(
                select(ContentArea.code, ContentArea.title).where(
                    ContentArea.campaign_id == campaign_id
                )
            )
        ).all()
    )
    return render(
        request,
        "pages/campaign_report.html",
        {
            "campaign": campaign,
            "r": report,
            "milestones": milestones,
            "areas": areas,
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
    if (refused := _guarded(request, user, form, page)) is not None:
        return refused
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
            errors=_placed(validation_errors(request, exc), REPORT_FIELDS),
            values=values,
            status_code=422,
        )
    try:
        stored = await call_route(
            api.generate_report,
            campaign_id=campaign_id,
            body=body,
            user=user,
            session=session,
            state=state,
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
            errors=_refusal(request, exc, REPORT_FIELDS),
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


# ---- exemplars: the list and proposing one ---------------------------------------------------


@router.get("/campaigns/{campaign_id}/exemplars", response_class=HTMLResponse)
async def exemplars(
    campaign_id: DbId,
    request: Request,
    user: PageUser,
    session: ReadSessionDep,
    state: StateDep,
    stage: str = "",
    page: str = "1",
):
    if user is None:
        return login_redirect(request)
    chosen = ExemplarStage(stage) if stage in {s.value for s in ExemplarStage} else None
    page_number = whole_number(page, 1, low=1, high=10_000)
    try:
        campaign = await service.get_campaign(session, campaign_id)
        listing = await call_route(
            api.list_exemplars,
            campaign_id=campaign_id,
            user=user,
            session=session,
            stage=chosen,
            unit_id=None,
            page=page_number,
            page_size=EXEMPLARS_PER_PAGE,
        )
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    can_propose = campaign.status == "running" and (
        service.is_standing(user, campaign) or bool(await _officer_units(session, user, campaign))
    )
    return render(
        request,
        "pages/campaign_exemplars.html",
        {
            "campaign": campaign,
            "listing": listing,
            "stage": chosen.value if chosen else "",
            "stages": [s.value for s in ExemplarStage],
            "counts": await exemplar_counts(session, campaign_id),
            "page": page_number,
            "pages": max(ceil(listing.total / EXEMPLARS_PER_PAGE), 1),
            "base": f"/campaigns/{campaign_id}/exemplars?"
            + (f"stage={chosen.value}&" if chosen else ""),
            "can_propose": can_propose,
        },
        user=user,
    )


PROPOSE_FIELDS = (
    "proposing_unit_id",
    "title",
    "subject",
    "content_area_code",
    "description",
    "evidence",
)
PROPOSE_ALIASES = {name: "subject" for name in SUBJECT_FIELDS}


async def _proposing_units(
    session: AsyncSession, user: Principal, campaign: Campaign
) -> tuple[list[Unit], list[int]]:
    """The units this person may propose for, and the units whose people, households... they
    may propose: the standing body proposes for any unit of the ward."""
    ward = await ward_units_of(session, campaign)
    mine = user.unit_ids(Role.UNIT_OFFICER)
    proposing = [u for u in ward if u.id in mine]
    subject_units = [u.id for u in proposing]
    if service.is_standing(user, campaign):
        authority = await session.get(Authority, campaign.authority_id)
        standing = next((u for u in ward if authority and u.id == authority.standing_unit_id), None)
        if standing is not None and standing not in proposing:
            proposing.insert(0, standing)
        subject_units = [u.id for u in ward]
    return proposing, subject_units


async def propose_page(
    request: Request,
    user: Principal,
    session: AsyncSession,
    campaign_id: DbId,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        campaign = await service.get_campaign(session, campaign_id)
        units, subject_units = await _proposing_units(session, user, campaign)
        if not units:
            raise Forbidden(
                "Chỉ đơn vị hoặc cơ quan thường trực được đề xuất điển hình",
                "only the unit, or the standing body, may propose an exemplar",
            )
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    areas = (
        (
            await session.execute(
                select(ContentArea)
                .where(ContentArea.campaign_id == campaign_id)
                .order_by(ContentArea.position)
            )
        )
        .scalars()
        .all()
    )
    return render(
        request,
        "pages/exemplar_new.html",
        {
            "campaign": campaign,
            "units": units,
            "subjects": await subject_choices(session, subject_units),
            "areas": areas,
            "running": campaign.status == "running",
            "errors": {"propose": errors} if errors else {},
            "values": {"propose": values or {"proposing_unit_id": str(units[0].id)}},
        },
        user=user,
        status_code=status_code,
    )


@router.get("/campaigns/{campaign_id}/exemplars/new", response_class=HTMLResponse)
async def new_exemplar(
    campaign_id: DbId, request: Request, user: PageUser, session: ReadSessionDep
):
    if user is None:
        return login_redirect(request)
    return await propose_page(request, user, session, campaign_id)


@router.post("/campaigns/{campaign_id}/exemplars/new", response_class=HTMLResponse)
async def propose_exemplar(
    campaign_id: DbId, request: Request, user: PageUser, session: SessionDep, state: StateDep
):
    """Discover a model: a unit for its own people, households and practices, the standing
    body for any in the ward; its workflow starts and the page of the model opens."""
    page = f"/campaigns/{campaign_id}/exemplars/new"
    form = await request.form()
    if (refused := _guarded(request, user, form, page)) is not None:
        return refused
    values = {name: str(form.get(name) or "") for name in PROPOSE_FIELDS}
    try:
        units, _ = await _proposing_units(
            session, user, await service.get_campaign(session, campaign_id)
        )
        if not units:
            raise Forbidden(
                "Chỉ đơn vị hoặc cơ quan thường trực được đề xuất điển hình",
                "only the unit, or the standing body, may propose an exemplar",
            )
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    if not values["proposing_unit_id"] and len(units) == 1:
        values["proposing_unit_id"] = str(units[0].id)  # the form carries it hidden
    errors: dict[str, str] = {}
    subject = parse_subject(values["subject"])
    if subject is None:
        errors["subject"] = text(request, "field_choose")
    body = None
    try:
        body = ExemplarCreate.model_validate(
            {
                "title": values["title"],
                "description": values["description"],
                "evidence": values["evidence"],
                "proposing_unit_id": _int_or_none(values["proposing_unit_id"]),
                "content_area_code": values["content_area_code"].strip() or None,
                **(subject or {"subject_kind": ExemplarSubjectKind.PRACTICE}),
            }
        )
    except ValidationError as exc:
        errors = {
            **_chosen(
                request,
                validation_errors(request, exc, PROPOSE_ALIASES),
                values,
                ("proposing_unit_id",),
            ),
            **errors,
        }
    if errors or body is None:
        return await propose_page(
            request,
            user,
            session,
            campaign_id,
            errors=_placed(errors, PROPOSE_FIELDS),
            values=values,
            status_code=422,
        )
    try:
        temporal = await temporal_client(state)
        created = await call_route(
            api.propose_exemplar,
            campaign_id=campaign_id,
            body=body,
            user=user,
            session=session,
            state=state,
            temporal=temporal,
        )
    except DomainError as exc:
        await session.rollback()
        if exc.status_code in (403, 404):
            return domain_error_page(request, user, exc)
        return await propose_page(
            request,
            user,
            session,
            campaign_id,
            errors=_refusal(request, exc, PROPOSE_FIELDS, PROPOSE_ALIASES),
            values=values,
            status_code=exc.status_code,
        )
    return redirect_with_flash(
        request, f"/exemplars/{created.id}", "exemplar_proposed", title=created.title
    )


# ---- one exemplar and its actions -------------------------------------------------------


async def exemplar_page(
    request: Request,
    user: Principal,
    session: AsyncSession,
    state,
    exemplar_id: DbId,
    *,
    errors: Errors | None = None,
    values: Values | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        detail = await call_route(
            api.get_exemplar, exemplar_id=exemplar_id, user=user, session=session
        )
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    exemplar = await service.get_exemplar(session, exemplar_id)
    campaign = await service.get_campaign(session, exemplar.campaign_id)
    authority = await session.get(Authority, campaign.authority_id)
    assert authority is not None
    actions = detail.allowed_actions
    context: dict[str, Any] = {
        "x": detail,
        "campaign": campaign,
        "timeline": await exemplar_timeline(session, exemplar_id),
        "milestones": await milestone_titles(session, campaign.id),
        "area": (
            await session.execute(
                select(ContentArea.title).where(
                    ContentArea.campaign_id == campaign.id,
                    ContentArea.code == detail.content_area_code,
                )
            )
        ).scalar_one_or_none()
        if detail.content_area_code
        else None,
        "responsible": await session.get(User, detail.responsible_user_id)
        if detail.responsible_user_id
        else None,
        "ratings": EXEMPLAR_RATINGS,
        "on_demand": ON_DEMAND,
        "officers": [],
        "adoption_units": [],
        "awards": [],
        "attestations": {},
        "nominee_kind": "",
        "this_year": state.clock.today().year,
        "errors": errors or {},
        "values": values or {},
    }
    if "nurture" in actions:
        context["officers"] = await responsible_officers(session, exemplar, authority)
    if "report_adoption" in actions:
        adopted = {a.unit_id for a in detail.adoption_reports}
        context["adoption_units"] = [
            (u.id, u.name)
            for u in await _officer_units(session, user, campaign)
            if u.id != exemplar.proposing_unit_id and u.id not in adopted
        ]
    if "propose_nomination" in actions:
        kind = NOMINEE_KIND[exemplar.subject_kind]
        rule_set = state.catalogue.in_force(state.clock.today())
        lang = request_language(request)
        context["nominee_kind"] = kind.value
        context["awards"] = [
            (code, award.name_vi if lang == "vi" else award.label_en)
            for code, award in rule_set.awards.items()
            if kind in award.recipients
        ]
        context["attestations"] = {
            code: items
            for code, items in attestations_by_award(rule_set).items()
            if items and any(code == a for a, _ in context["awards"])
        }
    return render(request, "pages/exemplar.html", context, user=user, status_code=status_code)


@router.get("/exemplars/{exemplar_id}", response_class=HTMLResponse)
async def exemplar(
    exemplar_id: DbId, request: Request, user: PageUser, session: ReadSessionDep, state: StateDep
):
    if user is None:
        return login_redirect(request)
    return await exemplar_page(request, user, session, state, exemplar_id)


@dataclass(frozen=True)
class ExemplarAction:
    """One form of the exemplar page: the JSON route it calls, its fields, and how the
    form's strings become the route's body."""

    route: Callable[..., Awaitable[Any]]
    fields: tuple[str, ...]
    body: Callable[[dict[str, Any]], dict[str, Any]]
    schema: type[BaseModel]
    selects: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()


def _nurture(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "support_plan": v["support_plan"],
        "responsible_user_id": v["responsible_user_id"] or None,
        "follow_up_every_days": v["follow_up_every_days"].strip() or None,
        "escalate_after_days": v["escalate_after_days"].strip() or None,
    }


def _adoption(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "unit_id": v["unit_id"] or None,
        "report": v["report"],
        "adopted_on": parse_day(v["adopted_on"]) if v["adopted_on"].strip() else None,
    }


def _nomination(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "award_code": v["award_code"],
        "year": v["year"].strip() or None,
        "attestations": sorted(set(v["attestations"])),
    }


ACTIONS: dict[str, ExemplarAction] = {
    "nurture": ExemplarAction(
        api.nurture,
        ("support_plan", "responsible_user_id", "follow_up_every_days", "escalate_after_days"),
        _nurture,
        NurtureCreate,
        selects=("responsible_user_id",),
    ),
    "record_follow_up": ExemplarAction(
        api.record_follow_up, ("note",), lambda v: {"note": v["note"]}, FollowUpCreate
    ),
    "summarize": ExemplarAction(
        api.summarize,
        ("findings", "rating", "milestone_code"),
        lambda v: {
            "findings": v["findings"],
            "rating": v["rating"] or None,
            "milestone_code": v["milestone_code"],
        },
        SummarizeCreate,
        selects=("rating",),
    ),
    "publish": ExemplarAction(api.publish, ("note",), lambda v: {"note": v["note"]}, PublishCreate),
    "report_adoption": ExemplarAction(
        api.report_adoption,
        ("unit_id", "adopted_on", "report"),
        _adoption,
        AdoptionCreate,
        selects=("unit_id",),
    ),
    "drop": ExemplarAction(api.drop, ("reason",), lambda v: {"reason": v["reason"]}, DropCreate),
    "propose_nomination": ExemplarAction(
        api.propose_nomination,
        ("award_code", "year", "attestations"),
        _nomination,
        ExemplarNominationCreate,
        selects=("award_code",),
        lists=("attestations",),
    ),
}


@router.post("/exemplars/{exemplar_id}/do/{action}", response_class=HTMLResponse)
async def exemplar_action(
    exemplar_id: DbId,
    action: str,
    request: Request,
    user: PageUser,
    session: ReadSessionDep,
    state: StateDep,
):
    page = f"/exemplars/{exemplar_id}"
    form = await request.form()
    if (refused := _guarded(request, user, form, page)) is not None:
        return refused
    chosen = ACTIONS.get(action)
    if chosen is None:
        return domain_error_page(request, user, Forbidden())
    values: dict[str, Any] = {
        name: [str(v) for v in form.getlist(name)]
        if name in chosen.lists
        else str(form.get(name) or "")
        for name in chosen.fields
    }
    errors: dict[str, str] = {}
    if (
        action == "report_adoption"
        and values["adopted_on"].strip()
        and not parse_day(values["adopted_on"])
    ):
        errors["adopted_on"] = text(request, "field_date")
    body = None
    try:
        body = chosen.schema.model_validate(chosen.body(values))
    except ValidationError as exc:
        errors = {
            **_chosen(request, validation_errors(request, exc), values, chosen.selects),
            **errors,
        }
    if errors or body is None:
        return await exemplar_page(
            request,
            user,
            session,
            state,
            exemplar_id,
            errors={action: _placed(errors, chosen.fields)},
            values={action: values},
            status_code=422,
        )
    try:
        temporal = await temporal_client(state)
        result = await call_route(
            chosen.route,
            exemplar_id=exemplar_id,
            body=body,
            user=user,
            session=session,
            state=state,
            temporal=temporal,
        )
    except DomainError as exc:
        if exc.status_code in (403, 404):
            return domain_error_page(request, user, exc)
        return await exemplar_page(
            request,
            user,
            session,
            state,
            exemplar_id,
            errors={action: _refusal(request, exc, chosen.fields)},
            values={action: values},
            status_code=exc.status_code,
        )
    if action == "propose_nomination" and result.nomination_id:
        return redirect_with_flash(
            request, f"/nominations/{result.nomination_id}", "exemplar_nomination_drafted"
        )
    return redirect_with_flash(
        request, page, "exemplar_action_done", action=text(request, f"exemplar_command_{action}")
    )
