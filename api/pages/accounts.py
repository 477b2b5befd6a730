"""Password pages: "Đổi mật khẩu" (one's own change, also the forced change at the first
login, which every other page leads to until it is done) and the one-time link's page
where a person chooses a password nobody else saw (the first administrator, a reset).

Both act through ``api/services/passwords.py``, as the JSON API does."""

from __future__ import annotations

import secrets
import time
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from thidua.settings import Settings

from ..deps import (
    PASSWORD_CHANGE_PAGE,
    SESSION_COOKIE,
    ClockDep,
    ReadSessionDep,
    SessionDep,
    SettingsDep,
    session_signer,
)
from ..errors import InvalidInput, PasswordLinkInvalid
from ..services import passwords
from .common import (
    PageUser,
    field_of,
    form_csrf_ok,
    login_redirect,
    message_of,
    redirect_with_flash,
    render,
    text,
)

router = APIRouter(include_in_schema=False)


def _start_page_session(response: RedirectResponse, settings: Settings, user_id: int) -> None:
    """A new page session, as signing in starts one: changing the password ended the
    others, this one included."""
    value = session_signer(settings).dumps(
        {"uid": user_id, "sid": secrets.token_urlsafe(16), "iat": time.time()}
    )
    response.set_cookie(
        SESSION_COOKIE,
        value,
        httponly=True,
        samesite="lax",
        secure=not settings.is_development and settings.environment != "test",
        max_age=settings.session_cookie_minutes * 60,
    )


def _confirmation_error(request: Request, new_password: str, again: str) -> dict[str, str]:
    return (
        {} if new_password == again else {"new_password_again": text(request, "passwords_differ")}
    )


@router.get(PASSWORD_CHANGE_PAGE, response_class=HTMLResponse)
async def password_change_form(request: Request, user: PageUser):
    if user is None:
        return login_redirect(request)
    return render(
        request, "pages/password_change.html", {"forced": user.must_change_password}, user=user
    )


@router.post(PASSWORD_CHANGE_PAGE, response_class=HTMLResponse)
async def password_change_submit(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    csrf_token: Annotated[str, Form()] = "",
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    new_password_again: Annotated[str, Form()] = "",
):
    if user is None:
        return login_redirect(request, PASSWORD_CHANGE_PAGE)
    errors: dict[str, str] = {}
    if not form_csrf_ok(request, csrf_token):
        errors["form"] = text(request, "csrf_failed")
    elif not current_password:
        errors["current_password"] = text(request, "field_required")
    else:
        errors = _confirmation_error(request, new_password, new_password_again)
    if not errors:
        try:
            await passwords.change_own_password(
                session,
                user,
                current_password=current_password,
                new_password=new_password,
                now=clock.now(),
                client_address=request.client.host if request.client else "unknown",
            )
        except InvalidInput as exc:
            errors[field_of(exc)] = message_of(request, exc)
    if errors:
        return render(
            request,
            "pages/password_change.html",
            {"forced": user.must_change_password, "errors": errors},
            user=user,
            status_code=422,
        )
    await session.commit()  # before the new session: the old ones end with this commit
    response = redirect_with_flash(request, "/", "password_changed")
    _start_page_session(response, settings, user.user_id)
    return response


@router.get(passwords.SETUP_PAGE + "/{token}", response_class=HTMLResponse)
async def password_setup_form(
    request: Request, token: str, session: ReadSessionDep, settings: SettingsDep, clock: ClockDep
):
    try:
        account = await passwords.user_of_link(session, settings, token=token, now=clock.now())
    except PasswordLinkInvalid as exc:
        return render(
            request,
            "pages/password_setup.html",
            {"invalid": message_of(request, exc)},
            status_code=exc.status_code,
        )
    return render(
        request,
        "pages/password_setup.html",
        {"token": token, "account": account.username, "full_name": account.full_name},
    )


@router.post(passwords.SETUP_PAGE + "/{token}", response_class=HTMLResponse)
async def password_setup_submit(
    request: Request,
    token: str,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    new_password: Annotated[str, Form()] = "",
    new_password_again: Annotated[str, Form()] = "",
):
    """No CSRF token: the link's own token, which only its holder knows, is the proof."""
    errors = _confirmation_error(request, new_password, new_password_again)
    context: dict = {"token": token}
    try:
        account = await passwords.user_of_link(session, settings, token=token, now=clock.now())
        context |= {"account": account.username, "full_name": account.full_name}
        if not errors:
            await passwords.set_password_by_link(
                session, settings, token=token, new_password=new_password, now=clock.now()
            )
    except PasswordLinkInvalid as exc:
        return render(
            request,
            "pages/password_setup.html",
            {"invalid": message_of(request, exc)},
            status_code=exc.status_code,
        )
    except InvalidInput as exc:
        errors[field_of(exc)] = message_of(request, exc)
    if errors:
        return render(
            request, "pages/password_setup.html", {**context, "errors": errors}, status_code=422
        )
    await session.commit()
    return redirect_with_flash(request, "/login", "password_set")
