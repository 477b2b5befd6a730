"""Registrations (đăng ký thi đua), for the JSON routes and the pages alike: a unit officer
registers the unit, or a person of it, for the titles aimed for this year and/or a pledge
(once per unit or person and year); reading them back by page, or unit by unit."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from domain.vocabulary import NomineeKind, Role
from models import Campaign, Person, Registration, Unit
from models.audit import write_audit_event
from models.campaigns import ward_units_of
from models.schemas.campaigns import RegistrationCreate, RegistrationPage, RegistrationRead
from thidua.db import transaction

from ..errors import Conflict, Forbidden, InvalidInput, WrongStage
from ..principal import Principal
from ..queries import campaigns as campaign_queries
from ..queries import registrations as queries
from ..state import AppState
from .campaigns import get_campaign, progress, require_running


async def register(
    session: AsyncSession,
    temporal: Client,
    state: AppState,
    *,
    principal: Principal,
    campaign_id: int,
    data: RegistrationCreate,
) -> RegistrationRead:
    """Validate on ``session`` (a read session), ask the workflow which year is open, then
    write the registration and its audit event in one short transaction of their own (no
    write lock is held while the workflow answers)."""
    campaign = await get_campaign(session, campaign_id)
    registration = await _register(
        session, temporal, state, principal=principal, campaign=campaign, data=data
    )
    return await registration_read(session, registration)


def registrant_kind(person_id: int | None) -> NomineeKind:
    """Who a registration is for: a person of the unit, or the unit itself as a
    collective; a title is offered to it only when the catalogue awards it to that kind."""
    return NomineeKind.INDIVIDUAL if person_id is not None else NomineeKind.COLLECTIVE


async def _register(
    session: AsyncSession,
    temporal: Client,
    state: AppState,
    *,
    principal: Principal,
    campaign: Campaign,
    data: RegistrationCreate,
) -> Registration:
    if not principal.actor.has(Role.UNIT_OFFICER, data.unit_id):
        raise Forbidden(
            "Chỉ cán bộ của đơn vị được đăng ký thi đua cho đơn vị mình",
            "only an officer of the unit may register it or its people",
        )
    require_running(campaign)
    ward_unit_ids = {u.id for u in await ward_units_of(session, campaign)}
    if data.unit_id not in ward_unit_ids:
        raise InvalidInput(
            "unit_id",
            "Đơn vị không thuộc phạm vi phong trào",
            "the unit is not in the campaign's ward",
        )
    if data.person_id is not None:
        person = await session.get(Person, data.person_id)
        if person is None or person.unit_id != data.unit_id:
            raise InvalidInput(
                "person_id", "Cá nhân không thuộc đơn vị", "the person is not of this unit"
            )
    if not data.target_awards and not data.pledge:
        raise InvalidInput(
            "target_awards",
            "Nêu danh hiệu đăng ký hoặc nội dung giao ước",
            "name the titles aimed for, or sign a pledge",
        )
    awards = state.catalogue.in_force(state.clock.today()).awards
    for index, code in enumerate(data.target_awards):
        award = awards.get(code)
        if award is None:
            raise InvalidInput(
                f"target_awards.{index}", f"Không có danh hiệu '{code}'", f"unknown award '{code}'"
            )
        if registrant_kind(data.person_id) not in award.recipients:
            raise InvalidInput(
                f"target_awards.{index}",
                f"{award.name_vi} không xét cho "
                + ("cá nhân" if data.person_id is not None else "tập thể"),
                f"{code} is not awarded to "
                + ("a person" if data.person_id is not None else "a collective"),
            )
    areas = {
        area.code for area in await campaign_queries.content_areas(session, campaign_id=campaign.id)
    }
    for index, code in enumerate(data.content_area_codes):
        if code not in areas:
            raise InvalidInput(
                f"content_area_codes.{index}",
                f"Không có nội dung thi đua '{code}'",
                f"unknown content area '{code}'",
            )
    status = await progress(temporal, campaign)
    if status is None or status.closed:
        raise WrongStage(
            "closed" if status else campaign.status,
            "Phong trào không nhận đăng ký",
            "the campaign takes no registrations",
        )
    year = data.year or status.registration_year or status.year
    if status.registration_year != year:
        raise WrongStage(
            "registration_closed",
            f"Chưa mở hoặc đã hết đăng ký thi đua năm {year} (năm đang mở: "
            f"{status.registration_year or 'chưa mở'})",
            f"registration for {year} is not open (open: {status.registration_year or 'none'})",
        )
    key = f"{campaign.id}:{year}:u{data.unit_id}:p{data.person_id or 0}"
    if await queries.key_taken(session, registration_key=key):
        raise _duplicate(year)
    registration = Registration(
        registration_key=key,
        campaign_id=campaign.id,
        year=year,
        unit_id=data.unit_id,
        person_id=data.person_id,
        target_awards=list(dict.fromkeys(data.target_awards)),
        content_area_codes=list(dict.fromkeys(data.content_area_codes)),
        pledge=data.pledge,
        registered_by_user_id=principal.user_id,
        registered_at=state.clock.now(),
    )
    # The command's own short write transaction (the request's session only read): the
    # registration and its audit event, through the audit trail's one writer.
    try:
        async with transaction(state.writer) as writer:
            writer.add(registration)
            await writer.flush()
            await write_audit_event(
                writer,
                event_key=f"registration:{key}",
                subject_type="campaign",
                subject_id=campaign.id,
                action="registered",
                occurred_at=registration.registered_at,
                actor_user_id=principal.user_id,
                actor_name=principal.full_name,
                actor_role=Role.UNIT_OFFICER.value,
                changes={
                    "unit_id": ["", str(data.unit_id)],
                    "person_id": ["", str(data.person_id or "")],
                    "target_awards": ["", ", ".join(registration.target_awards)],
                },
            )
    except IntegrityError:
        raise _duplicate(year) from None
    return registration


def _duplicate(year: int) -> Conflict:
    return Conflict(f"Đã đăng ký thi đua năm {year}", f"already registered for {year}")


async def registration_read(session: AsyncSession, registration: Registration) -> RegistrationRead:
    unit = await session.get(Unit, registration.unit_id)
    person = await session.get(Person, registration.person_id) if registration.person_id else None
    return _read(registration, unit.name if unit else "", person.full_name if person else None)


def _read(registration: Registration, unit_name: str, person_name: str | None) -> RegistrationRead:
    return RegistrationRead(
        id=registration.id,
        campaign_id=registration.campaign_id,
        year=registration.year,
        unit_id=registration.unit_id,
        unit_name=unit_name,
        person_id=registration.person_id,
        person_name=person_name,
        target_awards=list(registration.target_awards),
        content_area_codes=list(registration.content_area_codes),
        pledge=registration.pledge,
        registered_by_user_id=registration.registered_by_user_id,
        registered_at=registration.registered_at,
    )


async def registrations_page(
    session: AsyncSession,
    *,
    campaign_id: int,
    year: int | None,
    unit_id: int | None,
    page: int,
    page_size: int,
) -> RegistrationPage:
    """The campaign's registrations, optionally of one year or unit (anyone signed in)."""
    await get_campaign(session, campaign_id)
    total, rows = await queries.registrations_page(
        session,
        campaign_id=campaign_id,
        year=year,
        unit_id=unit_id,
        page=page,
        page_size=page_size,
    )
    return RegistrationPage(
        total=total,
        page=page,
        page_size=page_size,
        items=[_read(r, unit_name, person_name) for r, unit_name, person_name in rows],
    )


@dataclass
class UnitRegistrations:
    unit_id: int
    unit_name: str
    unit: Registration | None = None  # the unit's own registration (no person)
    people: list[tuple[str, Registration]] = field(default_factory=list)


async def registrations_by_unit(
    session: AsyncSession, *, campaign: Campaign, year: int
) -> list[UnitRegistrations]:
    """Every unit of the ward with what it (and its people) registered for ``year``."""
    rows = {u.id: UnitRegistrations(u.id, u.name) for u in await ward_units_of(session, campaign)}
    registrations = await queries.registrations_of_year(session, campaign_id=campaign.id, year=year)
    for registration, person_name in registrations:
        row = rows.get(registration.unit_id)
        if row is None:
            continue
        if registration.person_id is None:
            row.unit = registration
        else:
            row.people.append((person_name or "", registration))
    return list(rows.values())
