"""The registry's administration pages, for administrators within their scope:
"Đơn vị" (the tree, a new unit, a unit edited or moved), "Cá nhân" (search with masked
identifiers, a person's record with them in full — the view audited — edit, merge a
duplicate), "Hộ gia đình" and "Tập thể" (list, add, edit, merge).

Each form's mistakes are shown next to their field; everything goes through the services
the JSON API calls (``api/services/unit_admin.py``, ``person_admin.py``,
``registry_admin.py``, ``registry_merge.py``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Gender, Level, NomineeKind, UnitKind
from models.schemas.common import DbId
from models.schemas.registry_admin import (
    CollectiveCreate,
    CollectiveUpdate,
    HouseholdCreate,
    HouseholdUpdate,
    MergeRequest,
    PersonAdminRead,
    PersonCreate,
    PersonUpdate,
    UnitCreate,
    UnitUpdate,
)

from ..deps import ClockDep, SessionDep
from ..errors import DomainError
from ..principal import Principal
from ..services import person_admin, unit_admin
from ..services import registry_admin as service
from ..services.admin_scope import require_administrator
from ..services.personal_data import identifiers
from ..services.registry_merge import merge
from .common import (
    PageUser,
    csrf_refused,
    domain_error_page,
    form_csrf_ok,
    login_redirect,
    message_of,
    redirect_with_flash,
    render,
    text,
    validation_errors,
    whole_number,
)
from .date_fields import iso_dates

router = APIRouter(include_in_schema=False)

UNITS_PAGE = "/admin/units"
PEOPLE_PAGE = "/admin/people"
HOUSEHOLDS_PAGE = "/admin/households"
COLLECTIVES_PAGE = "/admin/collectives"
PAGE_SIZE = 50

UNIT_FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "parent_id",
    "level",
    "official_code",
    "address",
)
PERSON_FIELDS = (
    "full_name",
    "gender",
    "birth_date",
    "birth_year",
    "citizen_id",
    "position",
    "unit_id",
    "household_id",
)
HOUSEHOLD_FIELDS = ("head_name", "address", "residential_group_id")


class _Refusal(Exception):
    """A page-level refusal (403, 404, a stale form) to answer with its own page."""

    def __init__(self, response: HTMLResponse | RedirectResponse) -> None:
        self.response = response


async def _form(request: Request, user: Principal | None, names: tuple[str, ...]) -> dict[str, str]:
    """The posted fields (text, stripped of nothing: the schemas do it), after the
    sign-in, CSRF and administrator checks."""
    if user is None:
        raise _Refusal(login_redirect(request, request.url.path))
    posted = await request.form()
    if not form_csrf_ok(request, str(posted.get("csrf_token") or "")):
        raise _Refusal(csrf_refused(request, user))
    _require_admin(request, user)
    return {name: str(posted.get(name) or "") for name in names} | {
        "is_official": "on" if posted.get("is_official") else ""
    }


def _require_admin(request: Request, user: Principal) -> None:
    try:
        require_administrator(user)
    except DomainError as exc:
        raise _Refusal(domain_error_page(request, user, exc)) from exc


def _values(form: dict[str, str], names: tuple[str, ...]) -> dict[str, Any]:
    """Form text as schema input: an empty field is no value."""
    return {name: (form[name].strip() or None) for name in names}


def _parse(
    request: Request, schema: type[BaseModel], values: dict[str, Any]
) -> tuple[Any, dict[str, str]]:
    try:
        return schema.model_validate(iso_dates(schema, values)), {}
    except ValidationError as exc:
        return None, validation_errors(request, exc)


def _error_of(request: Request, exc: DomainError) -> dict[str, str]:
    """A field-level refusal next to its field (``body.citizen_id`` → ``citizen_id``)."""
    field = str(exc.extra.get("field") or "").removeprefix("body.")
    return {field or "form": message_of(request, exc)}


async def _unit_choices(
    session: AsyncSession, user: Principal, *, kinds: tuple[UnitKind, ...] = ()
) -> list[tuple[int, str]]:
    """The units one administers as (id, indented name) for a select, in tree order."""
    return [
        (row.unit.id, "— " * row.depth + row.unit.name)
        for row in await unit_admin.unit_tree(session, user)
        if not kinds or row.unit.kind in kinds
    ]


def _choices() -> dict[str, Any]:
    return {
        "kinds": [kind.value for kind in UnitKind],
        "levels": [level.value for level in Level],
        "genders": [gender.value for gender in Gender],
    }


# ---- units -------------------------------------------------------------------------------


async def _units_page(
    request: Request,
    session: AsyncSession,
    user: Principal,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    rows = await unit_admin.unit_tree(session, user)
    return render(
        request,
        "pages/admin_units.html",
        {
            "rows": rows,
            "parents": [(row.unit.id, "— " * row.depth + row.unit.name) for row in rows],
            "form": form or {},
            "errors": errors or {},
            **_choices(),
        },
        user=user,
        status_code=status_code,
    )


@router.get(UNITS_PAGE, response_class=HTMLResponse)
async def units_page(request: Request, user: PageUser, session: SessionDep):
    if user is None:
        return login_redirect(request)
    try:
        _require_admin(request, user)
        return await _units_page(request, session, user)
    except _Refusal as refusal:
        return refusal.response


@router.post(UNITS_PAGE, response_class=HTMLResponse)
async def unit_create(request: Request, user: PageUser, session: SessionDep, clock: ClockDep):
    try:
        form = await _form(request, user, UNIT_FIELDS)
    except _Refusal as refusal:
        return refusal.response
    assert user is not None
    values = _values(form, UNIT_FIELDS)
    values["short_name"] = values["short_name"] or ""
    values["address"] = values["address"] or ""
    data, errors = _parse(request, UnitCreate, values)
    if data is not None:
        try:
            unit = await unit_admin.create_unit(session, user, data, now=clock.now())
        except DomainError as exc:
            await session.rollback()
            if exc.status_code in (403, 404):
                return domain_error_page(request, user, exc)
            errors = _error_of(request, exc)
        else:
            return redirect_with_flash(request, f"{UNITS_PAGE}/{unit.id}", "ra_created")
    return await _units_page(request, session, user, form=form, errors=errors, status_code=422)


def _unit_form(unit: Any) -> dict[str, str]:
    return {
        name: "" if getattr(unit, name) is None else str(getattr(unit, name))
        for name in UNIT_FIELDS
    }


async def _unit_page(
    request: Request,
    session: AsyncSession,
    user: Principal,
    unit_id: int,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    unit, parent = await unit_admin.unit_with_parent(session, user, unit_id)
    parents = [choice for choice in await _unit_choices(session, user) if choice[0] != unit.id]
    if parent is not None and parent.id not in {choice[0] for choice in parents}:
        parents.insert(0, (parent.id, parent.name))  # above one's scope: it stays
    return render(
        request,
        "pages/admin_unit.html",
        {
            "unit": unit,
            "parents": parents,
            "form": form or _unit_form(unit),
            "errors": errors or {},
            **_choices(),
        },
        user=user,
        status_code=status_code,
    )


@router.get(UNITS_PAGE + "/{unit_id}", response_class=HTMLResponse)
async def unit_page(request: Request, unit_id: DbId, user: PageUser, session: SessionDep):
    if user is None:
        return login_redirect(request)
    try:
        _require_admin(request, user)
        return await _unit_page(request, session, user, unit_id)
    except _Refusal as refusal:
        return refusal.response
    except DomainError as exc:
        return domain_error_page(request, user, exc)


@router.post(UNITS_PAGE + "/{unit_id}", response_class=HTMLResponse)
async def unit_update(
    request: Request, unit_id: DbId, user: PageUser, session: SessionDep, clock: ClockDep
):
    try:
        form = await _form(request, user, UNIT_FIELDS)
    except _Refusal as refusal:
        return refusal.response
    assert user is not None
    values = _values(form, UNIT_FIELDS)
    values["short_name"] = values["short_name"] or ""
    values["address"] = values["address"] or ""
    try:
        current = await unit_admin.administered_unit(session, user, unit_id)
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    if values["level"] is None:
        values["level"] = current.level.value  # "the parent's" on a move is decided below
        if values["parent_id"] and values["parent_id"] != str(current.parent_id or ""):
            values.pop("level")
    if values["parent_id"] is None and current.parent_id is None:
        values.pop("parent_id")
    data, errors = _parse(request, UnitUpdate, values)
    if data is not None:
        try:
            await unit_admin.update_unit(session, user, unit_id, data, now=clock.now())
        except DomainError as exc:
            await session.rollback()
            if exc.status_code in (403, 404):
                return domain_error_page(request, user, exc)
            errors = _error_of(request, exc)
        else:
            return redirect_with_flash(request, f"{UNITS_PAGE}/{unit_id}", "ra_saved")
    return await _unit_page(
        request, session, user, unit_id, form=form, errors=errors, status_code=422
    )


# ---- people ------------------------------------------------------------------------------


@router.get(PEOPLE_PAGE, response_class=HTMLResponse)
async def people_page(request: Request, user: PageUser, session: SessionDep):
    if user is None:
        return login_redirect(request)
    query = (request.query_params.get("q") or "")[:100]
    page = whole_number(request.query_params.get("page"), 1, low=1, high=100_000)
    try:
        _require_admin(request, user)
        people = await person_admin.list_people(
            session, user, unit_id=None, query=query, page=page, page_size=PAGE_SIZE
        )
    except _Refusal as refusal:
        return refusal.response
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    return render(
        request,
        "pages/admin_people.html",
        {
            "people": people,
            "q": query,
            "pages": max(1, -(-people.total // PAGE_SIZE)),
        },
        user=user,
    )


def _person_form(person: PersonAdminRead | None) -> dict[str, str]:
    if person is None:
        return {"is_official": "on"}
    values = person.model_dump()
    form = {name: "" if values[name] is None else str(values[name]) for name in PERSON_FIELDS}
    form["is_official"] = "on" if person.is_official else ""
    return form


async def _person_page(
    request: Request,
    session: AsyncSession,
    user: Principal,
    *,
    person: PersonAdminRead | None,
    form: dict[str, str],
    errors: dict[str, str] | None = None,
    merge_form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "pages/admin_person.html",
        {
            "person": person,
            "units": await _unit_choices(session, user),
            "form": form,
            "errors": errors or {},
            "merge_form": merge_form or {},
            **_choices(),
        },
        user=user,
        status_code=status_code,
    )


@router.get(PEOPLE_PAGE + "/new", response_class=HTMLResponse)
async def person_new(request: Request, user: PageUser, session: SessionDep):
    if user is None:
        return login_redirect(request)
    try:
        _require_admin(request, user)
    except _Refusal as refusal:
        return refusal.response
    return await _person_page(request, session, user, person=None, form=_person_form(None))


def _person_values(form: dict[str, str]) -> dict[str, Any]:
    values = _values(form, PERSON_FIELDS)
    values["position"] = values["position"] or ""
    values["is_official"] = bool(form.get("is_official"))
    return values


@router.post(PEOPLE_PAGE, response_class=HTMLResponse)
async def person_create(request: Request, user: PageUser, session: SessionDep, clock: ClockDep):
    try:
        form = await _form(request, user, PERSON_FIELDS)
    except _Refusal as refusal:
        return refusal.response
    assert user is not None
    data, errors = _parse(request, PersonCreate, _person_values(form))
    if data is not None:
        try:
            person, _ = await person_admin.create_person(session, user, data, now=clock.now())
        except DomainError as exc:
            await session.rollback()
            if exc.status_code == 403:
                return domain_error_page(request, user, exc)
            errors = _error_of(request, exc)
        else:
            return redirect_with_flash(request, f"{PEOPLE_PAGE}/{person.id}", "ra_created")
    return await _person_page(
        request, session, user, person=None, form=form, errors=errors, status_code=422
    )


@router.get(PEOPLE_PAGE + "/{person_id}", response_class=HTMLResponse)
async def person_page(
    request: Request, person_id: DbId, user: PageUser, session: SessionDep, clock: ClockDep
):
    """The record with the identifiers in full: this view is written to the audit trail."""
    if user is None:
        return login_redirect(request)
    try:
        _require_admin(request, user)
        person = await person_admin.person_record(
            session, user, person_id, now=clock.now(), via=f"{PEOPLE_PAGE}/{person_id}"
        )
    except _Refusal as refusal:
        return refusal.response
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    return await _person_page(request, session, user, person=person, form=_person_form(person))


async def _person_unaudited(
    session: AsyncSession, user: Principal, person_id: int
) -> PersonAdminRead:
    """The record for a form shown again (its submitted values fill the fields)."""
    person, unit = await person_admin.administered_person(session, user, person_id)
    return person_admin.person_read(person, unit.name, identifiers(person, full=True))


@router.post(PEOPLE_PAGE + "/{person_id}", response_class=HTMLResponse)
async def person_update(
    request: Request, person_id: DbId, user: PageUser, session: SessionDep, clock: ClockDep
):
    try:
        form = await _form(request, user, PERSON_FIELDS)
    except _Refusal as refusal:
        return refusal.response
    assert user is not None
    data, errors = _parse(request, PersonUpdate, _person_values(form))
    if data is not None:
        try:
            await person_admin.update_person(session, user, person_id, data, now=clock.now())
        except DomainError as exc:
            await session.rollback()
            if exc.status_code in (403, 404):
                return domain_error_page(request, user, exc)
            errors = _error_of(request, exc)
        else:
            return redirect_with_flash(request, f"{PEOPLE_PAGE}/{person_id}", "ra_saved")
    try:
        person = await _person_unaudited(session, user, person_id)
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    return await _person_page(
        request, session, user, person=person, form=form, errors=errors, status_code=422
    )


async def _merge_submit(
    request: Request,
    user: Principal | None,
    session: AsyncSession,
    clock: ClockDep,
    kind: NomineeKind,
    kept_id: int,
    back: str,
) -> tuple[dict[str, str], dict[str, str]] | HTMLResponse | RedirectResponse:
    """The merge form: done (a redirect) or its form and errors to show again."""
    try:
        form = await _form(request, user, ("duplicate_id",))
    except _Refusal as refusal:
        return refusal.response
    assert user is not None
    data, errors = _parse(request, MergeRequest, _values(form, ("duplicate_id",)))
    if data is not None:
        try:
            await merge(
                session,
                user,
                kind,
                kept_id=kept_id,
                duplicate_id=data.duplicate_id,
                now=clock.now(),
            )
        except DomainError as exc:
            await session.rollback()
            if exc.status_code in (403, 404):
                return domain_error_page(request, user, exc)
            errors = _error_of(request, exc)
            if "form" in errors:  # a refusal of the whole merge: shown at the merge field
                errors = {"duplicate_id": errors["form"]}
        else:
            return redirect_with_flash(request, back, "ra_merged", duplicate_id=data.duplicate_id)
    return form, errors


@router.post(PEOPLE_PAGE + "/{person_id}/merge", response_class=HTMLResponse)
async def person_merge(
    request: Request, person_id: DbId, user: PageUser, session: SessionDep, clock: ClockDep
):
    outcome = await _merge_submit(
        request,
        user,
        session,
        clock,
        NomineeKind.INDIVIDUAL,
        person_id,
        f"{PEOPLE_PAGE}/{person_id}",
    )
    if not isinstance(outcome, tuple):
        return outcome
    assert user is not None
    merge_form, errors = outcome
    try:
        person = await _person_unaudited(session, user, person_id)
    except DomainError as exc:
        return domain_error_page(request, user, exc)
    return await _person_page(
        request,
        session,
        user,
        person=person,
        form=_person_form(person),
        errors=errors,
        merge_form=merge_form,
        status_code=422,
    )


# ---- households --------------------------------------------------------------------------


async def _households_page(
    request: Request,
    session: AsyncSession,
    user: Principal,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    query = (request.query_params.get("q") or "")[:100]
    page = whole_number(request.query_params.get("page"), 1, low=1, high=100_000)
    households = await service.list_households(
        session, user, unit_id=None, query=query, page=page, page_size=PAGE_SIZE
    )
    return render(
        request,
        "pages/admin_households.html",
        {
            "households": households,
            "q": query,
            "pages": max(1, -(-households.total // PAGE_SIZE)),
            "groups": await _unit_choices(session, user, kinds=(UnitKind.RESIDENTIAL_GROUP,)),
            "form": form or {},
            "errors": errors or {},
        },
        user=user,
        status_code=status_code,
    )


@router.get(HOUSEHOLDS_PAGE, response_class=HTMLResponse)
async def households_page(request: Request, user: PageUser, session: SessionDep):
    if user is None:
        return login_redirect(request)
    try:
        _require_admin(request, user)
        return await _households_page(request, session, user)
    except _Refusal as refusal:
        return refusal.response
    except DomainError as exc:
        return domain_error_page(request, user, exc)


def _household_values(form: dict[str, str]) -> dict[str, Any]:
    values = _values(form, HOUSEHOLD_FIELDS)
    values["address"] = values["address"] or ""
    return values


@router.post(HOUSEHOLDS_PAGE, response_class=HTMLResponse)
async def household_create(request: Request, user: PageUser, session: SessionDep, clock: ClockDep):
    try:
        form = await _form(request, user, HOUSEHOLD_FIELDS)
    except _Refusal as refusal:
        return refusal.response
    assert user is not None
    data, errors = _parse(request, HouseholdCreate, _household_values(form))
    if data is not None:
        try:
            row = await service.create_household(session, user, data, now=clock.now())
        except DomainError as exc:
            await session.rollback()
            if exc.status_code == 403:
                return domain_error_page(request, user, exc)
            errors = _error_of(request, exc)
        else:
            return redirect_with_flash(
                request, f"{HOUSEHOLDS_PAGE}/{row.household.id}", "ra_created"
            )
    return await _households_page(request, session, user, form=form, errors=errors, status_code=422)


async def _household_page(
    request: Request,
    session: AsyncSession,
    user: Principal,
    household_id: int,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    merge_form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    row = await service.administered_household(session, user, household_id)
    household = row.household
    return render(
        request,
        "pages/admin_household.html",
        {
            "household": service.household_read(row),
            "groups": await _unit_choices(session, user, kinds=(UnitKind.RESIDENTIAL_GROUP,)),
            "form": form
            or {name: str(getattr(household, name) or "") for name in HOUSEHOLD_FIELDS},
            "errors": errors or {},
            "merge_form": merge_form or {},
        },
        user=user,
        status_code=status_code,
    )


@router.get(HOUSEHOLDS_PAGE + "/{household_id}", response_class=HTMLResponse)
async def household_page(request: Request, household_id: DbId, user: PageUser, session: SessionDep):
    if user is None:
        return login_redirect(request)
    try:
        _require_admin(request, user)
        return await _household_page(request, session, user, household_id)
    except _Refusal as refusal:
        return refusal.response
    except DomainError as exc:
        return domain_error_page(request, user, exc)


@router.post(HOUSEHOLDS_PAGE + "/{household_id}", response_class=HTMLResponse)
async def household_update(
    request: Request, household_id: DbId, user: PageUser, session: SessionDep, clock: ClockDep
):
    try:
        form = await _form(request, user, HOUSEHOLD_FIELDS)
    except _Refusal as refusal:
        return refusal.response
    assert user is not None
    data, errors = _parse(request, HouseholdUpdate, _household_values(form))
    if data is not None:
        try:
            await service.update_household(session, user, household_id, data, now=clock.now())
        except DomainError as exc:
            await session.rollback()
            if exc.status_code in (403, 404):
                return domain_error_page(request, user, exc)
            errors = _error_of(request, exc)
        else:
            return redirect_with_flash(request, f"{HOUSEHOLDS_PAGE}/{household_id}", "ra_saved")
    try:
        return await _household_page(
            request, session, user, household_id, form=form, errors=errors, status_code=422
        )
    except DomainError as exc:
        return domain_error_page(request, user, exc)


@router.post(HOUSEHOLDS_PAGE + "/{household_id}/merge", response_class=HTMLResponse)
async def household_merge(
    request: Request, household_id: DbId, user: PageUser, session: SessionDep, clock: ClockDep
):
    outcome = await _merge_submit(
        request,
        user,
        session,
        clock,
        NomineeKind.HOUSEHOLD,
        household_id,
        f"{HOUSEHOLDS_PAGE}/{household_id}",
    )
    if not isinstance(outcome, tuple):
        return outcome
    assert user is not None
    merge_form, errors = outcome
    try:
        return await _household_page(
            request,
            session,
            user,
            household_id,
            errors=errors,
            merge_form=merge_form,
            status_code=422,
        )
    except DomainError as exc:
        return domain_error_page(request, user, exc)


# ---- collectives -------------------------------------------------------------------------


async def _collectives_page(
    request: Request,
    session: AsyncSession,
    user: Principal,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    query = (request.query_params.get("q") or "")[:100]
    return render(
        request,
        "pages/admin_collectives.html",
        {
            "collectives": await service.list_collectives(session, user, query=query),
            "q": query,
            "units": await _unit_choices(session, user),
            "form": form or {},
            "errors": errors or {},
        },
        user=user,
        status_code=status_code,
    )


@router.get(COLLECTIVES_PAGE, response_class=HTMLResponse)
async def collectives_page(request: Request, user: PageUser, session: SessionDep):
    if user is None:
        return login_redirect(request)
    try:
        _require_admin(request, user)
        return await _collectives_page(request, session, user)
    except _Refusal as refusal:
        return refusal.response
    except DomainError as exc:
        return domain_error_page(request, user, exc)


@router.post(COLLECTIVES_PAGE, response_class=HTMLResponse)
async def collective_create(request: Request, user: PageUser, session: SessionDep, clock: ClockDep):
    try:
        form = await _form(request, user, ("unit_id", "name"))
    except _Refusal as refusal:
        return refusal.response
    assert user is not None
    data, errors = _parse(request, CollectiveCreate, _values(form, ("unit_id", "name")))
    if data is not None:
        try:
            collective, _ = await service.create_collective(session, user, data, now=clock.now())
        except DomainError as exc:
            await session.rollback()
            if exc.status_code == 403:
                return domain_error_page(request, user, exc)
            errors = _error_of(request, exc)
        else:
            return redirect_with_flash(request, f"{COLLECTIVES_PAGE}/{collective.id}", "ra_created")
    return await _collectives_page(
        request, session, user, form=form, errors=errors, status_code=422
    )


async def _collective_page(
    request: Request,
    session: AsyncSession,
    user: Principal,
    collective_id: int,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    merge_form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    collective, unit = await service.administered_collective(session, user, collective_id)
    return render(
        request,
        "pages/admin_collective.html",
        {
            "collective": service.collective_read(collective, unit),
            "form": form or {"name": collective.name},
            "errors": errors or {},
            "merge_form": merge_form or {},
        },
        user=user,
        status_code=status_code,
    )


@router.get(COLLECTIVES_PAGE + "/{collective_id}", response_class=HTMLResponse)
async def collective_page(
    request: Request, collective_id: DbId, user: PageUser, session: SessionDep
):
    if user is None:
        return login_redirect(request)
    try:
        _require_admin(request, user)
        return await _collective_page(request, session, user, collective_id)
    except _Refusal as refusal:
        return refusal.response
    except DomainError as exc:
        return domain_error_page(request, user, exc)


@router.post(COLLECTIVES_PAGE + "/{collective_id}", response_class=HTMLResponse)
async def collective_update(
    request: Request, collective_id: DbId, user: PageUser, session: SessionDep, clock: ClockDep
):
    try:
        form = await _form(request, user, ("name",))
    except _Refusal as refusal:
        return refusal.response
    assert user is not None
    data, errors = _parse(request, CollectiveUpdate, _values(form, ("name",)))
    if data is not None and data.name is None:
        data, errors = None, {"name": text(request, "field_required")}
    if data is not None:
        try:
            await service.update_collective(session, user, collective_id, data, now=clock.now())
        except DomainError as exc:
            await session.rollback()
            if exc.status_code in (403, 404):
                return domain_error_page(request, user, exc)
            errors = _error_of(request, exc)
        else:
            return redirect_with_flash(request, f"{COLLECTIVES_PAGE}/{collective_id}", "ra_saved")
    try:
        return await _collective_page(
            request, session, user, collective_id, form=form, errors=errors, status_code=422
        )
    except DomainError as exc:
        return domain_error_page(request, user, exc)


@router.post(COLLECTIVES_PAGE + "/{collective_id}/merge", response_class=HTMLResponse)
async def collective_merge(
    request: Request, collective_id: DbId, user: PageUser, session: SessionDep, clock: ClockDep
):
    outcome = await _merge_submit(
        request,
        user,
        session,
        clock,
        NomineeKind.COLLECTIVE,
        collective_id,
        f"{COLLECTIVES_PAGE}/{collective_id}",
    )
    if not isinstance(outcome, tuple):
        return outcome
    assert user is not None
    merge_form, errors = outcome
    try:
        return await _collective_page(
            request,
            session,
            user,
            collective_id,
            errors=errors,
            merge_form=merge_form,
            status_code=422,
        )
    except DomainError as exc:
        return domain_error_page(request, user, exc)
