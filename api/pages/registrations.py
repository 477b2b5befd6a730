"""Registration pages: ``/campaigns/{id}/registrations`` shows every unit of the ward and
what it registered for the year (who has not), and lets a unit officer register the unit,
or a person of it, for the year's titles and/or a pledge.

Reads and the command go through ``api/services/registrations.py``, the functions the JSON
routes call too."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Role
from models.schemas.campaigns import RegistrationCreate, RegistrationRead
from models.schemas.common import DbId

from ..deps import ReadSessionDep, StateDep
from ..errors import DomainError, Forbidden
from ..i18n import request_language
from ..principal import Principal
from ..queries import campaigns as campaign_queries
from ..queries import registrations as queries
from ..services import campaigns as campaign_service
from ..services import registrations as service
from ..services.exports.links import registrations_link
from ..state import AppState
from .campaign_forms import CHOICES_LIMIT, Choice, chosen, guarded, int_or_none, placed, refusal
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

REGISTRATION_FIELDS = ("unit_id", "registrant", "target_awards", "content_area_codes", "pledge")
REGISTRATION_ALIASES = {"person_id": "registrant", "year": "form"}


async def registrations_page(
    request: Request,
    user: Principal,
    session: AsyncSession,
    state: AppState,
    campaign_id: DbId,
    *,
    year: int | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    try:
        campaign = await campaign_service.get_campaign(session, campaign_id)
        temporal = await temporal_client(state)
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    status = (
        await campaign_service.progress(temporal, campaign)
        if campaign.status == "running"
        else None
    )
    open_year = status.registration_year if status and not status.closed else None
    shown_year = year or campaign_service.cycle_year(campaign, status, state.clock.today())
    units = await campaign_service.officer_units(session, principal=user, campaign=campaign)
    mine: list[RegistrationRead] = []
    for unit in units:
        listing = await service.registrations_page(
            session, campaign_id=campaign_id, year=None, unit_id=unit.id, page=1, page_size=200
        )
        mine += listing.items
    search = (values or {}).get("registrant_search", "")
    found, capped = await queries.people_of_units(
        session, unit_ids=[u.id for u in units], limit=CHOICES_LIMIT, search=search
    )
    people = [
        Choice(
            f"person:{person.id}",
            person.full_name + (f" — {person.position}" if person.position else ""),
        )
        for person in found
    ]
    rule_set = state.catalogue.in_force(state.clock.today())
    lang = request_language(request)
    awards = [
        (code, award.name_vi if lang == "vi" else award.label_en)
        for code, award in rule_set.awards.items()
    ]
    # The titles the unit itself (a collective) and a person of it may aim for: each group
    # offers only the awards the catalogue gives to that kind of recipient.
    awards_for = {
        registrant: [
            (code, name)
            for code, name in awards
            if service.registrant_kind(person) in rule_set.awards[code].recipients
        ]
        for registrant, person in (("unit", None), ("person", 0))
    }
    areas = await campaign_queries.content_areas(session, campaign_id=campaign_id)
    by_unit = await service.registrations_by_unit(session, campaign=campaign, year=shown_year)
    open_due = (
        campaign_service.cycle_day(open_year, campaign.registration_due) if open_year else None
    )
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
            "capped": ["individual"] if capped else [],
            "choices_limit": CHOICES_LIMIT,
            "awards": awards,
            "awards_for": awards_for,
            "areas": areas,
            "award_names": dict(awards),
            "area_titles": {a.code: a.title for a in areas},
            "mine": mine,
            "xlsx_url": registrations_link(campaign_id, shown_year),
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
    shown = whole_number(year, 0, low=2000, high=2100) or None
    return await registrations_page(request, user, session, state, campaign_id, year=shown)


@router.post("/campaigns/{campaign_id}/registrations", response_class=HTMLResponse)
async def register(
    campaign_id: DbId, request: Request, user: PageUser, session: ReadSessionDep, state: StateDep
):
    """A unit officer registers the unit, or a person of it, for the year's titles and/or a
    pledge."""
    page = f"/campaigns/{campaign_id}/registrations"
    form = await request.form()
    if (refused := guarded(request, user, form, page)) is not None:
        return refused
    assert user is not None
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
        "registrant_search": str(form.get("registrant_search") or "").strip()[:100],
    }
    if form.get("action") == "find":
        # «Tìm» by the registrant: the same form again, its list narrowed to the name typed
        # (a unit with more people than the list holds reaches them so).
        return await registrations_page(request, user, session, state, campaign_id, values=values)
    errors: dict[str, str] = {}
    person_id: int | None = None
    if values["registrant"].startswith("person:"):
        person_id = int_or_none(values["registrant"].split(":", 1)[1])
        if person_id is None:
            errors["registrant"] = text(request, "field_choose")
    elif values["registrant"] != "unit":
        errors["registrant"] = text(request, "field_choose")
    body = None
    try:
        body = RegistrationCreate.model_validate(
            {
                "unit_id": int_or_none(values["unit_id"]),
                "person_id": person_id,
                "target_awards": values["target_awards"],
                "content_area_codes": values["content_area_codes"],
                "pledge": values["pledge"],
            }
        )
    except ValidationError as exc:
        errors = {
            **chosen(
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
            errors=placed(errors, REGISTRATION_FIELDS),
            values=values,
            status_code=422,
        )
    try:
        temporal = await temporal_client(state)
        registration = await service.register(
            session, temporal, state, principal=user, campaign_id=campaign_id, data=body
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
            errors=refusal(request, exc, REGISTRATION_FIELDS, REGISTRATION_ALIASES),
            values=values,
            status_code=exc.status_code,
        )
    who = registration.person_name or registration.unit_name
    return redirect_with_flash(
        request, page + "#mine", "registered_for_year", who=who, year=registration.year
    )
