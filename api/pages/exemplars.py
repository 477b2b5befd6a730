"""Exemplar pages.

- ``/campaigns/{id}/exemplars``: a campaign's exemplary models, by step;
- ``/campaigns/{id}/exemplars/new``: propose one (its workflow starts);
- ``/exemplars/{id}``: one model with its timeline and the viewer's actions as forms
  (nurture, follow-up, summarize, publish, report adoption, drop, turn into a nomination).

Reads and commands go through ``api/services/exemplars.py``, the functions the JSON routes
call too: the pages only turn form fields into the services' bodies and their refusals
into messages next to the field concerned (or at the top of the form).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from math import ceil
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import NOMINEE_KIND, ExemplarStage, ExemplarSubjectKind, UnitKind
from models.schemas.campaigns import (
    AdoptionCreate,
    DropCreate,
    ExemplarCommandRead,
    ExemplarCreate,
    ExemplarNominationCreate,
    FollowUpCreate,
    NurtureCreate,
    PublishCreate,
    SummarizeCreate,
)
from models.schemas.common import DbId
from workflows.campaign_types import EXEMPLAR_RATINGS, ON_DEMAND

from ..deps import ReadSessionDep, SessionDep, StateDep
from ..errors import DomainError, Forbidden
from ..i18n import request_language
from ..principal import Principal
from ..queries import authorities as authority_queries
from ..queries import campaigns as campaign_queries
from ..queries import exemplars as queries
from ..services import campaigns as campaign_service
from ..services import exemplars as service
from ..services.exports.links import exemplars_link
from ..services.pages_forms import attestations_by_award
from ..state import AppState
from .campaign_forms import (
    CHOICES_LIMIT,
    Choice,
    Errors,
    Values,
    chosen,
    guarded,
    int_or_none,
    parse_day,
    placed,
    refusal,
)
from .common import (
    PageUser,
    domain_error_page,
    login_redirect,
    redirect_with_flash,
    render,
    temporal_client,
    text,
    validation_errors,
    whole_number,
)

router = APIRouter(include_in_schema=False)

EXEMPLARS_PER_PAGE = 50


# ---- what a model may be about ------------------------------------------------------------


async def subject_choices(
    session: AsyncSession, unit_ids: list[int], search: str = ""
) -> tuple[dict[str, list[Choice]], list[str]]:
    """What an exemplar may be about, within ``unit_ids`` and named like ``search``:
    people, collectives (other than a residential group's own), households and residential
    groups; and the kinds cut at ``CHOICES_LIMIT`` ("individual", "household"). Values read
    ``individual:12``, ``collective:3``, ``household:5``, ``residential_group:7``."""
    groups: dict[str, list[Choice]] = {
        kind.value: [] for kind in ExemplarSubjectKind if kind != ExemplarSubjectKind.PRACTICE
    }
    if not unit_ids:
        return groups, []
    found = await queries.subject_candidates(
        session, unit_ids=unit_ids, limit=CHOICES_LIMIT, search=search
    )
    units = found.units
    residential = {uid for uid, u in units.items() if u.kind == UnitKind.RESIDENTIAL_GROUP}
    for person in found.people:
        label = person.full_name + (f" — {person.position}" if person.position else "")
        groups["individual"].append(Choice(f"individual:{person.id}", label))
    with_collective = {c.unit_id for c in found.collectives}
    for collective in found.collectives:
        if collective.unit_id not in residential:
            groups["collective"].append(Choice(f"collective:{collective.id}", collective.name))
    for household in found.households:
        label = f"Hộ ông/bà {household.head_name}" + (
            f" — {household.address}" if household.address else ""
        )
        groups["household"].append(Choice(f"household:{household.id}", label))
    for unit_id in sorted(residential & with_collective, key=lambda uid: units[uid].name):
        groups["residential_group"].append(
            Choice(f"residential_group:{unit_id}", units[unit_id].name)
        )
    return groups, found.capped


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


# ---- the list and proposing one ---------------------------------------------------------------


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
    shown = ExemplarStage(stage) if stage in {s.value for s in ExemplarStage} else None
    page_number = whole_number(page, 1, low=1, high=10_000)
    try:
        campaign = await campaign_service.get_campaign(session, campaign_id)
        listing = await service.exemplars_page(
            session,
            campaign_id=campaign_id,
            stage=shown,
            unit_id=None,
            page=page_number,
            page_size=EXEMPLARS_PER_PAGE,
        )
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    can_propose = campaign.status == "running" and (
        campaign_service.is_standing(user, campaign)
        or bool(await campaign_service.officer_units(session, principal=user, campaign=campaign))
    )
    return render(
        request,
        "pages/campaign_exemplars.html",
        {
            "campaign": campaign,
            "listing": listing,
            "stage": shown.value if shown else "",
            "stages": [s.value for s in ExemplarStage],
            "counts": await queries.stage_counts(session, campaign_id=campaign_id),
            "page": page_number,
            "pages": max(ceil(listing.total / EXEMPLARS_PER_PAGE), 1),
            "base": f"/campaigns/{campaign_id}/exemplars?"
            + (f"stage={shown.value}&" if shown else ""),
            "can_propose": can_propose,
            "xlsx_url": exemplars_link(campaign_id, shown),
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


def _not_a_proposer() -> Forbidden:
    return Forbidden(
        "Chỉ đơn vị hoặc cơ quan thường trực được đề xuất điển hình",
        "only the unit, or the standing body, may propose an exemplar",
    )


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
        campaign = await campaign_service.get_campaign(session, campaign_id)
        units, subject_units = await service.proposing_units(
            session, principal=user, campaign=campaign
        )
        if not units:
            raise _not_a_proposer()
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    search = (values or {}).get("subject_search", "")
    subjects, capped = await subject_choices(session, subject_units, search)
    return render(
        request,
        "pages/exemplar_new.html",
        {
            "campaign": campaign,
            "units": units,
            "subjects": subjects,
            "capped": capped,
            "choices_limit": CHOICES_LIMIT,
            "found_none": bool(search) and not any(subjects.values()),
            "areas": await campaign_queries.content_areas(session, campaign_id=campaign_id),
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
    if (refused := guarded(request, user, form, page)) is not None:
        return refused
    assert user is not None
    values = {name: str(form.get(name) or "") for name in PROPOSE_FIELDS}
    values["subject_search"] = str(form.get("subject_search") or "").strip()[:100]
    if form.get("action") == "find":
        # «Tìm» by the subject: the same form again, its list narrowed to the name typed
        # (a unit with more people or households than the list holds reaches them so).
        return await propose_page(request, user, session, campaign_id, values=values)
    try:
        units, _ = await service.proposing_units(
            session,
            principal=user,
            campaign=await campaign_service.get_campaign(session, campaign_id),
        )
        if not units:
            raise _not_a_proposer()
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
                "proposing_unit_id": int_or_none(values["proposing_unit_id"]),
                "content_area_code": values["content_area_code"].strip() or None,
                **(subject or {"subject_kind": ExemplarSubjectKind.PRACTICE}),
            }
        )
    except ValidationError as exc:
        errors = {
            **chosen(
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
            errors=placed(errors, PROPOSE_FIELDS),
            values=values,
            status_code=422,
        )
    try:
        temporal = await temporal_client(state)
        created = await service.propose_exemplar(
            session,
            temporal,
            state.settings.task_queue,
            principal=user,
            campaign_id=campaign_id,
            data=body,
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
            errors=refusal(request, exc, PROPOSE_FIELDS, PROPOSE_ALIASES),
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
    state: AppState,
    exemplar_id: DbId,
    *,
    errors: Errors | None = None,
    values: Values | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        exemplar = await service.get_exemplar(session, exemplar_id)
        detail = await service.exemplar_detail(session, user, exemplar)
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    campaign = await campaign_service.get_campaign(session, exemplar.campaign_id)
    actions = detail.allowed_actions
    context: dict[str, Any] = {
        "x": detail,
        "campaign": campaign,
        "timeline": await queries.timeline(session, exemplar_id=exemplar_id),
        "milestones": await campaign_queries.milestone_titles(session, campaign_id=campaign.id),
        "area": await campaign_queries.content_area_title(
            session, campaign_id=campaign.id, code=detail.content_area_code
        )
        if detail.content_area_code
        else None,
        "responsible": await authority_queries.officer_by_id(
            session, user_id=detail.responsible_user_id
        )
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
        context["officers"] = await service.responsible_officers(
            session, exemplar=exemplar, campaign=campaign
        )
    if "report_adoption" in actions:
        adopted = {a.unit_id for a in detail.adoption_reports}
        context["adoption_units"] = [
            (u.id, u.name)
            for u in await campaign_service.officer_units(
                session, principal=user, campaign=campaign
            )
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
    """One form of the exemplar page: the service command it gives, its fields, and how
    the form's strings become the command's body."""

    command: Callable[..., Awaitable[ExemplarCommandRead]]
    fields: tuple[str, ...]
    body: Callable[[dict[str, Any]], dict[str, Any]]
    schema: type[BaseModel]
    selects: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    # The command checks the award against the rules in force (turning into a nomination).
    with_rule_set: bool = False


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
        service.nurture,
        ("support_plan", "responsible_user_id", "follow_up_every_days", "escalate_after_days"),
        _nurture,
        NurtureCreate,
        selects=("responsible_user_id",),
    ),
    "record_follow_up": ExemplarAction(
        service.record_follow_up, ("note",), lambda v: {"note": v["note"]}, FollowUpCreate
    ),
    "summarize": ExemplarAction(
        service.summarize,
        ("findings", "rating", "milestone_code"),
        lambda v: {
            "findings": v["findings"],
            "rating": v["rating"] or None,
            "milestone_code": v["milestone_code"],
        },
        SummarizeCreate,
        selects=("rating",),
    ),
    "publish": ExemplarAction(
        service.publish, ("note",), lambda v: {"note": v["note"]}, PublishCreate
    ),
    "report_adoption": ExemplarAction(
        service.report_adoption,
        ("unit_id", "adopted_on", "report"),
        _adoption,
        AdoptionCreate,
        selects=("unit_id",),
    ),
    "drop": ExemplarAction(
        service.drop, ("reason",), lambda v: {"reason": v["reason"]}, DropCreate
    ),
    "propose_nomination": ExemplarAction(
        service.propose_nomination,
        ("award_code", "year", "attestations"),
        _nomination,
        ExemplarNominationCreate,
        selects=("award_code",),
        lists=("attestations",),
        with_rule_set=True,
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
    if (refused := guarded(request, user, form, page)) is not None:
        return refused
    assert user is not None
    chosen_action = ACTIONS.get(action)
    if chosen_action is None:
        return domain_error_page(request, user, Forbidden())
    values: dict[str, Any] = {
        name: [str(v) for v in form.getlist(name)]
        if name in chosen_action.lists
        else str(form.get(name) or "")
        for name in chosen_action.fields
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
        body = chosen_action.schema.model_validate(chosen_action.body(values))
    except ValidationError as exc:
        errors = {
            **chosen(request, validation_errors(request, exc), values, chosen_action.selects),
            **errors,
        }
    if errors or body is None:
        return await exemplar_page(
            request,
            user,
            session,
            state,
            exemplar_id,
            errors={action: placed(errors, chosen_action.fields)},
            values={action: values},
            status_code=422,
        )
    try:
        temporal = await temporal_client(state)
        rules = (
            {"rule_set": state.catalogue.in_force(state.clock.today())}
            if chosen_action.with_rule_set
            else {}
        )
        result = await chosen_action.command(
            session, temporal, principal=user, exemplar_id=exemplar_id, data=body, **rules
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
            errors={action: refusal(request, exc, chosen_action.fields)},
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
