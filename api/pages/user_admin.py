"""The administration pages: "Quản trị" (the index of what an administrator manages) and
"Người dùng" (the accounts with their roles and whether they may sign in; a new account;
per account: a role given on a unit or taken away, deactivate or reactivate, a reset link
mailed to its owner, an unlock after too many failed sign-ins).

A unit's administrator sees and manages the accounts of their own subtree only
(``api/services/admin_scope.py``). Everything goes through the services the JSON API
calls (``api/services/user_admin.py``, ``accounts.py``, ``sign_in_limits.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Role
from models.schemas.common import DB_INT_MAX, DbId

from ..deps import ClockDep, ReadSessionDep, SessionDep, SettingsDep
from ..errors import DomainError, Forbidden
from ..principal import Principal
from ..services import accounts, sign_in_limits, user_admin
from ..services.admin_scope import require_administrator
from .common import (
    PageUser,
    csrf_refused,
    domain_error_page,
    field_of,
    form_csrf_ok,
    login_redirect,
    message_of,
    redirect_with_flash,
    render,
    text,
)

router = APIRouter(include_in_schema=False)

USERS_PAGE = "/admin/users"

# The administration index: what an administrator manages, each on its own page.
SECTIONS = (
    ("/admin/users", "admin_users"),
    ("/admin/units", "admin_units"),
    ("/admin/people", "admin_people"),
    ("/admin/households", "admin_households"),
    ("/admin/collectives", "admin_collectives"),
    ("/admin/councils", "admin_councils"),
    ("/admin/history", "admin_history"),
    ("/admin/imports", "admin_imports"),
)


def _user_page(user_id: int) -> str:
    return f"{USERS_PAGE}/{user_id}"


@router.get("/admin", response_class=HTMLResponse)
async def admin_index(request: Request, user: PageUser):
    if user is None:
        return login_redirect(request)
    try:
        require_administrator(user)
    except Forbidden as exc:
        return domain_error_page(request, user, exc)
    return render(request, "pages/admin_index.html", {"sections": SECTIONS}, user=user)


async def _list_page(
    request: Request,
    session: AsyncSession,
    user: Principal,
    *,
    now: datetime,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    rows = await user_admin.accounts_with_state(session, user, now=now)
    return render(
        request,
        "pages/admin_users.html",
        {
            "rows": rows,
            "units": await user_admin.grantable_units(session, user),
            "roles": list(Role),
            "errors": errors or {},
            "form": form or {},
        },
        user=user,
        status_code=status_code,
    )


def _role_and_unit(
    request: Request, role: str, unit_id: str
) -> tuple[Role | None, int, dict[str, str]]:
    """The role and unit chosen in a form, or the errors to show next to them."""
    errors: dict[str, str] = {}
    try:
        chosen = Role(role) if role else None
    except ValueError:
        chosen = None
    if chosen is None:
        errors["role"] = text(request, "field_choose")
    unit = unit_id.strip()
    number = unit.isascii() and unit.isdigit() and len(unit) <= 12
    if not number or not 1 <= int(unit) <= DB_INT_MAX:  # a hand-edited form
        errors["unit_id"] = text(request, "field_choose")
        return chosen, 0, errors
    return chosen, int(unit), errors


@router.get(USERS_PAGE, response_class=HTMLResponse)
async def users_list(request: Request, user: PageUser, session: ReadSessionDep, clock: ClockDep):
    if user is None:
        return login_redirect(request)
    try:
        return await _list_page(request, session, user, now=clock.now())
    except DomainError as exc:
        return domain_error_page(request, user, exc)


@router.post(USERS_PAGE, response_class=HTMLResponse)
async def users_create(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    csrf_token: Annotated[str, Form()] = "",
    username: Annotated[str, Form()] = "",
    full_name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    unit_id: Annotated[str, Form()] = "",
):
    """A new account, with its first role when one is chosen (a unit's administrator
    sees the accounts of their units: they give it one at once)."""
    if user is None:
        return login_redirect(request, USERS_PAGE)
    if not form_csrf_ok(request, csrf_token):
        return csrf_refused(request, user)
    form = {
        "username": username,
        "full_name": full_name,
        "email": email,
        "role": role,
        "unit_id": unit_id,
    }
    errors: dict[str, str] = {}
    for name in ("username", "full_name"):
        if not form[name].strip():
            errors[name] = text(request, "field_required")
    first_role: Role | None = None
    first_unit = 0
    if role or unit_id:
        first_role, first_unit, role_errors = _role_and_unit(request, role, unit_id)
        errors.update(role_errors)
    try:
        if first_unit and not await user_admin.may_grant_on(session, user, first_unit):
            errors["unit_id"] = text(request, "admin_no_such_unit")
    except Forbidden as exc:
        return domain_error_page(request, user, exc)
    if not errors:
        try:
            created = await user_admin.create_account(
                session,
                settings,
                user,
                username=username,
                full_name=full_name,
                email=email or None,
                now=clock.now(),
            )
        except Forbidden as exc:
            return domain_error_page(request, user, exc)
        except DomainError as exc:
            await session.rollback()
            errors[field_of(exc)] = message_of(request, exc)
        else:
            new = created.account.user
            if first_role is not None:
                await user_admin.grant_role(
                    session,
                    user,
                    user_id=new.id,
                    role=first_role,
                    unit_id=first_unit,
                    now=clock.now(),
                )
            if created.sent_to is not None:
                return redirect_with_flash(
                    request,
                    _user_page(new.id),
                    "admin_user_created_mailed",
                    sent_to=created.sent_to,
                )
            return redirect_with_flash(
                request, _user_page(new.id), "admin_user_created_operator", username=new.username
            )
    return await _list_page(
        request, session, user, now=clock.now(), errors=errors, form=form, status_code=422
    )


async def _account_page(
    request: Request,
    session: AsyncSession,
    user: Principal,
    user_id: int,
    *,
    now: datetime,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    state = await user_admin.account_state(session, user, user_id=user_id, now=now)
    units = await user_admin.grantable_units(session, user)
    return render(
        request,
        "pages/admin_user.html",
        {
            "row": state,
            "units": units,
            "roles": list(Role),
            "errors": errors or {},
            "form": form or {},
        },
        user=user,
        status_code=status_code,
    )


@router.get(USERS_PAGE + "/{user_id}", response_class=HTMLResponse)
async def user_detail(
    request: Request, user_id: DbId, user: PageUser, session: ReadSessionDep, clock: ClockDep
):
    if user is None:
        return login_redirect(request)
    try:
        return await _account_page(request, session, user, user_id, now=clock.now())
    except DomainError as exc:
        return domain_error_page(request, user, exc)


@router.post(USERS_PAGE + "/{user_id}/roles", response_class=HTMLResponse)
async def user_grant_role(
    request: Request,
    user_id: DbId,
    user: PageUser,
    session: SessionDep,
    clock: ClockDep,
    csrf_token: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    unit_id: Annotated[str, Form()] = "",
):
    if user is None:
        return login_redirect(request, _user_page(user_id))
    if not form_csrf_ok(request, csrf_token):
        return csrf_refused(request, user)
    form = {"role": role, "unit_id": unit_id}
    chosen_role, unit, errors = _role_and_unit(request, role, unit_id)
    try:
        if not errors and chosen_role is not None:
            await user_admin.grant_role(
                session,
                user,
                user_id=user_id,
                role=chosen_role,
                unit_id=unit,
                now=clock.now(),
            )
            return redirect_with_flash(request, _user_page(user_id), "admin_role_granted")
    except DomainError as exc:
        if exc.status_code not in (409, 422):
            return domain_error_page(request, user, exc)
        await session.rollback()
        errors[field_of(exc, {"body": "unit_id"})] = message_of(request, exc)
    try:
        return await _account_page(
            request,
            session,
            user,
            user_id,
            now=clock.now(),
            errors=errors,
            form=form,
            status_code=422,
        )
    except DomainError as exc:
        return domain_error_page(request, user, exc)


async def _act(
    request: Request,
    session: AsyncSession,
    user: Principal | None,
    user_id: int,
    csrf_token: str,
    action: Any,
    done_key: str,
) -> HTMLResponse | RedirectResponse:
    """One button of an account's page: the action, then back to the page with what
    happened (or why not)."""
    if user is None:
        return login_redirect(request, _user_page(user_id))
    if not form_csrf_ok(request, csrf_token):
        return csrf_refused(request, user)
    try:
        values = await action()
    except DomainError as exc:
        await session.rollback()
        if exc.status_code in (403, 404):
            return domain_error_page(request, user, exc)
        return redirect_with_flash(
            request,
            _user_page(user_id),
            "admin_refused",
            kind="error",
            why=message_of(request, exc),
        )
    return redirect_with_flash(request, _user_page(user_id), done_key, **(values or {}))


@router.post(USERS_PAGE + "/{user_id}/roles/{grant_id}/revoke", response_class=HTMLResponse)
async def user_revoke_role(
    request: Request,
    user_id: DbId,
    grant_id: DbId,
    user: PageUser,
    session: SessionDep,
    clock: ClockDep,
    csrf_token: Annotated[str, Form()] = "",
):
    async def action() -> None:
        assert user is not None
        await user_admin.revoke_role(
            session, user, user_id=user_id, grant_id=grant_id, now=clock.now()
        )

    return await _act(request, session, user, user_id, csrf_token, action, "admin_role_revoked")


def _set_active(active: bool):
    async def submit(
        request: Request,
        user_id: DbId,
        user: PageUser,
        session: SessionDep,
        clock: ClockDep,
        csrf_token: Annotated[str, Form()] = "",
    ):
        async def action() -> None:
            assert user is not None
            await accounts.set_active(
                session, user, user_id=user_id, active=active, now=clock.now()
            )

        key = "admin_user_reactivated" if active else "admin_user_deactivated"
        return await _act(request, session, user, user_id, csrf_token, action, key)

    return submit


router.post(USERS_PAGE + "/{user_id}/deactivate", response_class=HTMLResponse)(_set_active(False))
router.post(USERS_PAGE + "/{user_id}/reactivate", response_class=HTMLResponse)(_set_active(True))


@router.post(USERS_PAGE + "/{user_id}/password-reset", response_class=HTMLResponse)
async def user_password_reset(
    request: Request,
    user_id: DbId,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    csrf_token: Annotated[str, Form()] = "",
):
    async def action() -> dict[str, str]:
        assert user is not None
        _, _, sent_to = await accounts.mail_password_reset(
            session, settings, user, user_id=user_id, now=clock.now()
        )
        return {"sent_to": sent_to}  # the masked address; never the link

    return await _act(request, session, user, user_id, csrf_token, action, "admin_reset_mailed")


@router.post(USERS_PAGE + "/{user_id}/unlock", response_class=HTMLResponse)
async def user_unlock(
    request: Request,
    user_id: DbId,
    user: PageUser,
    session: SessionDep,
    clock: ClockDep,
    csrf_token: Annotated[str, Form()] = "",
):
    async def action() -> None:
        assert user is not None
        await sign_in_limits.unlock(session, principal=user, user_id=user_id, now=clock.now())

    return await _act(request, session, user, user_id, csrf_token, action, "admin_unlocked")
