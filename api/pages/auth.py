"""Login and logout for the pages (signed session cookie, CSRF-protected forms).

The home page of each person is in ``api/pages/home.py``."""

from __future__ import annotations

import secrets
import time
from typing import Annotated
from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from models.base import utcnow
from thidua.db import transaction

from ..deps import (
    SESSION_COOKIE,
    ClockDep,
    SessionDep,
    SettingsDep,
    read_session_cookie,
    session_signer,
)
from ..errors import TooManyRequests, Unauthorized
from ..services.users import authenticate, sign_out_everywhere
from .common import form_csrf_ok, message_of, render

router = APIRouter(include_in_schema=False)

LOGIN_CSRF_COOKIE = "thidua_login_csrf"


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site after login."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str = "/", expired: int = 0) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "pages/login.html",
        {"next": _safe_next(next), "expired": bool(expired), "errors": {}, "login_csrf": token},
    )
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", max_age=3600)
    return response


@router.post("/login", response_class=HTMLResponse)
async def login_submit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
    login_csrf: Annotated[str, Form()] = "",
):
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = "field_required"
    if not password:
        errors["password"] = "field_required"
    cookie_token = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not cookie_token or not secrets.compare_digest(cookie_token, login_csrf):
        errors["form"] = "csrf_failed"
    user = None
    retry_after: int | None = None
    if not errors:
        try:
            user = await authenticate(
                session,
                client_address=request.client.host if request.client else "unknown",
                username=username.strip(),
                password=password,
                now=clock.now(),
            )
        except Unauthorized:
            errors["form"] = "login_failed"
        except TooManyRequests as exc:
            # The policy's own words (until when, in Vietnam time); t() shows a text that
            # is no key as it is.
            errors["form"] = message_of(request, exc)
            retry_after = exc.extra["retry_after"]
    if user is None:
        token = secrets.token_urlsafe(24)
        response = render(
            request,
            "pages/login.html",
            {
                "next": _safe_next(next),
                "expired": False,
                "errors": errors,
                "username": username,
                "login_csrf": token,
            },
            status_code=429 if retry_after is not None else 400,
        )
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict")
        if retry_after is not None:  # as the JSON API says it: when to try again
            response.headers["Retry-After"] = str(retry_after)
        return response
    await session.commit()
    value = session_signer(settings).dumps(
        {"uid": user.id, "sid": secrets.token_urlsafe(16), "iat": time.time()}
    )
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        value,
        httponly=True,
        samesite="lax",
        secure=not settings.is_development and settings.environment != "test",
        max_age=settings.session_cookie_minutes * 60,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
async def logout(
    request: Request, settings: SettingsDep, csrf_token: Annotated[str, Form()] = ""
) -> RedirectResponse:
    """Ends the person's sessions on every device: a copied cookie and every bearer token
    issued before stop working."""
    response = RedirectResponse("/login", status_code=303)
    cookie = read_session_cookie(request, settings)
    if cookie is not None and form_csrf_ok(request, csrf_token):
        # The machine's clock, not the application's: it is compared with the "iat" of
        # cookies (time.time()) and bearer tokens, as their signatures are.
        async with transaction(request.app.state.thidua.writer) as session:
            await sign_out_everywhere(session, user_id=int(cookie["uid"]), at=utcnow())
        response.delete_cookie(SESSION_COOKIE)
    return response
