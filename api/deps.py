"""FastAPI dependencies: settings, database sessions, Temporal, the current user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from thidua.clock import Clock
from thidua.security import SignedValues, decode_access_claims
from thidua.settings import Settings

from .errors import Forbidden, PasswordChangeRequired, ServiceUnavailable, Unauthorized
from .principal import Principal, load_principal
from .state import AppState

SESSION_COOKIE = "thidua_session"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# All a person whose password someone else chose may reach until they change it.
PASSWORD_CHANGE_API = "/api/v1/auth/password"
PASSWORD_CHANGE_PAGE = "/doi-mat-khau"

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_state(request: Request) -> AppState:
    return request.app.state.thidua


StateDep = Annotated[AppState, Depends(get_state)]


def get_settings(state: StateDep) -> Settings:
    return state.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_clock(state: StateDep) -> Clock:
    return state.clock


ClockDep = Annotated[Clock, Depends(get_clock)]


async def get_session(state: StateDep) -> AsyncIterator[AsyncSession]:
    """A unit of work for a command: committed when the route returns normally, rolled
    back on any error, so nothing is half-written. Routes that start or signal a
    workflow commit first themselves (the workflow must see committed rows)."""
    async with state.writer() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


async def get_read_session(state: StateDep) -> AsyncIterator[AsyncSession]:
    """Reads for lists and pages (no write lock on SQLite)."""
    async with state.reader() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session)]


async def get_temporal(state: StateDep) -> Client:
    try:
        return await state.temporal_client()
    except Exception as exc:
        raise ServiceUnavailable(
            "Máy chủ quy trình (Temporal) chưa sẵn sàng, vui lòng thử lại sau",
            f"The workflow server (Temporal) is unavailable: {exc}",
        ) from exc


TemporalDep = Annotated[Client, Depends(get_temporal)]


def session_signer(settings: Settings) -> SignedValues:
    return SignedValues(settings.secret_key, salt="thidua-session")


def csrf_signer(settings: Settings) -> SignedValues:
    return SignedValues(settings.secret_key, salt="thidua-csrf")


def read_session_cookie(request: Request, settings: Settings) -> dict | None:
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    value = session_signer(settings).loads(raw, settings.session_cookie_minutes * 60)
    return value if isinstance(value, dict) and "uid" in value and "sid" in value else None


def cookie_issued_at(cookie: dict) -> float:
    """When the page session began (0 for a cookie that does not say: it predates logout
    tracking, and a logout ends it)."""
    issued = cookie.get("iat")
    return float(issued) if isinstance(issued, int | float) else 0.0


def csrf_token_for(settings: Settings, session_id: str) -> str:
    return csrf_signer(settings).dumps(session_id)


def csrf_token_valid(settings: Settings, session_id: str, token: str | None) -> bool:
    if not token:
        return False
    value = csrf_signer(settings).loads(token, settings.session_cookie_minutes * 60)
    return value == session_id


async def _principal_from_request(
    request: Request, state: AppState, token: str | None
) -> Principal | None:
    settings = state.settings
    user_id: int | None = None
    issued_at: float | None = None  # when the token or the page session began
    if token:
        claims = decode_access_claims(settings.secret_key, token)
        if claims is None:
            raise Unauthorized()
        # A token issued before the person signed out no longer works, as a cookie.
        user_id, issued_at = claims.user_id, claims.issued_at
    else:
        cookie = read_session_cookie(request, settings)
        if cookie is not None:
            # Forms and scripts of the pages authenticate with the cookie: an unsafe
            # request must then prove it comes from our page (CSRF token header).
            unsafe = request.method in UNSAFE_METHODS and request.url.path.startswith("/api/")
            token = request.headers.get("X-CSRF-Token")
            if unsafe and not csrf_token_valid(settings, cookie["sid"], token):
                raise Forbidden("Thiếu mã chống giả mạo (CSRF)", "Missing or invalid CSRF token")
            user_id = int(cookie["uid"])
            issued_at = cookie_issued_at(cookie)
            request.state.session_id = cookie["sid"]
    if user_id is None:
        return None
    async with state.reader() as session:
        principal = await load_principal(session, user_id, issued_at=issued_at)
    if principal is None:
        raise Unauthorized()
    request.state.principal = principal
    if principal.must_change_password and request.url.path not in (
        PASSWORD_CHANGE_API,
        PASSWORD_CHANGE_PAGE,
    ):
        raise PasswordChangeRequired()
    return principal


async def get_optional_user(
    request: Request, state: StateDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal | None:
    return await _principal_from_request(request, state, token)


async def get_current_user(
    request: Request, state: StateDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    principal = await _principal_from_request(request, state, token)
    if principal is None:
        raise Unauthorized()
    return principal


CurrentUser = Annotated[Principal, Depends(get_current_user)]
OptionalUser = Annotated[Principal | None, Depends(get_optional_user)]
