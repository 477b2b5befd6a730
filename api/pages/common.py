"""Helpers shared by the HTML pages: rendering with the language, user, navigation and
CSRF token; the signed-in person; flash messages; turning domain errors into messages
shown next to the form field they concern."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlparse

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from domain.vocabulary import Role
from models.schemas.common import CONTROL_CHARACTER_ERROR
from thidua.security import SignedValues

from ..deps import (
    PASSWORD_CHANGE_PAGE,
    StateDep,
    cookie_issued_at,
    csrf_token_for,
    csrf_token_valid,
    read_session_cookie,
)
from ..errors import DomainError, PasswordChangeRequired, ServiceUnavailable
from ..i18n import LANG_COOKIE, request_language, translator
from ..principal import Principal, load_principal

FLASH_COOKIE = "thidua_flash"
FLASH_SECONDS = 120


# ---- the signed-in person -------------------------------------------------------------


async def page_user(request: Request, state: StateDep) -> Principal | None:
    """The person behind the session cookie, or None (no cookie, expired, deactivated).

    Pages never answer 401 JSON: a missing person is sent to the login page instead, and
    one who must change their password to the change page."""
    cookie = read_session_cookie(request, state.settings)
    if cookie is None:
        return None
    async with state.reader() as session:
        principal = await load_principal(
            session, int(cookie["uid"]), issued_at=cookie_issued_at(cookie)
        )
    if principal is not None:
        request.state.principal = principal
        request.state.session_id = cookie["sid"]
        if principal.must_change_password and request.url.path != PASSWORD_CHANGE_PAGE:
            raise PasswordChangeRequired()  # answered with a redirect to the change page
    return principal


PageUser = Annotated[Principal | None, Depends(page_user)]


def login_redirect(request: Request, target: str | None = None) -> RedirectResponse:
    """Send a person whose session expired to the login page, and back afterwards.

    ``target`` is where to come back to (a GET page); by default the current URL."""
    if target is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    expired = "&expired=1" if request.cookies.get("thidua_session") else ""
    return RedirectResponse(f"/login?next={quote(target)}{expired}", status_code=303)


def form_csrf_ok(request: Request, token: str | None) -> bool:
    state = request.app.state.thidua
    cookie = read_session_cookie(request, state.settings)
    return bool(cookie) and csrf_token_valid(state.settings, cookie["sid"], token)


def safe_back(target: str | None, default: str) -> str:
    """A local path to return to after a form (never another site)."""
    if not target:
        return default
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


# ---- navigation ------------------------------------------------------------------------


@dataclass(frozen=True)
class NavItem:
    href: str
    key: str  # i18n key of the label


def navigation(user: Principal | None) -> list[NavItem]:
    if user is None:
        return [
            NavItem("/cong-khai", "public_portal"),
            NavItem("/xac-minh", "verify"),
            NavItem("/login", "login"),
        ]
    items = [
        NavItem("/", "home"),
        NavItem("/inbox", "nav_inbox"),
        NavItem("/nominations", "nav_nominations"),
    ]
    if user.has(Role.STANDING_OFFICER) or user.is_admin:
        items += [
            NavItem("/dossiers", "nav_dossiers"),
            NavItem("/notices", "nav_notices"),
            NavItem("/council-sessions", "nav_sessions"),
            NavItem("/decisions", "nav_decisions"),
            NavItem("/deadlines", "nav_deadlines"),
            NavItem("/campaigns", "nav_campaigns"),
        ]
    elif user.has(Role.COUNCIL_MEMBER):
        items.append(NavItem("/council-sessions", "nav_sessions"))
    if user.has(Role.CHAIRMAN) or user.has(Role.VICE_CHAIRMAN):
        items.append(NavItem("/signing", "nav_signing"))
    if user.has(Role.CLERK):  # văn thư: issues what the signer signed
        items.append(NavItem("/issuing", "nav_issuing"))
        if not user.has(Role.STANDING_OFFICER):
            items.append(NavItem("/deadlines", "nav_deadlines"))
    if user.has(Role.AUDITOR) or user.is_admin:
        items.append(NavItem("/audit", "nav_audit"))
    # Units register and propose models, the leaders and auditors read the reports.
    if not (user.has(Role.STANDING_OFFICER) or user.is_admin):
        items.append(NavItem("/campaigns", "nav_campaigns"))
    # The chairman's overview and the year-end statistics (api/pages/statistics.py).
    if user.has(Role.CHAIRMAN) or user.has(Role.VICE_CHAIRMAN):
        items.append(NavItem("/tong-quan", "nav_overview"))
    if user.is_admin or any(
        user.has(role)
        for role in (Role.STANDING_OFFICER, Role.CHAIRMAN, Role.VICE_CHAIRMAN, Role.AUDITOR)
    ):
        items.append(NavItem("/thong-ke", "nav_statistics"))
    if user.is_admin:  # the administration pages (api/pages/user_admin.py)
        items.append(NavItem("/admin", "nav_admin"))
    items += [NavItem("/cong-khai", "public_portal")]
    return items


# ---- flash messages (post-redirect-get) ----------------------------------------------


def _flash_signer(request: Request) -> SignedValues:
    return SignedValues(request.app.state.thidua.settings.secret_key, salt="thidua-flash")


def redirect_with_flash(
    request: Request, target: str, key: str, *, kind: str = "ok", **values: Any
) -> RedirectResponse:
    """303 to ``target`` carrying a one-time message (shown once by the next page)."""
    response = RedirectResponse(target, status_code=303)
    payload = {"k": key, "kind": kind, "v": {k: str(v) for k, v in values.items()}}
    response.set_cookie(
        FLASH_COOKIE,
        _flash_signer(request).dumps(payload),
        max_age=FLASH_SECONDS,
        httponly=True,
        samesite="lax",
    )
    return response


def _read_flash(request: Request) -> dict | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    value = _flash_signer(request).loads(raw, FLASH_SECONDS)
    return value if isinstance(value, dict) and "k" in value else None


# ---- rendering -------------------------------------------------------------------------


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    user: Principal | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    state = request.app.state.thidua
    lang = request_language(request)
    cookie = read_session_cookie(request, state.settings)
    csrf = csrf_token_for(state.settings, cookie["sid"]) if cookie else ""
    flash = _read_flash(request)
    t = translator(lang)
    values = {
        "request": request,
        "lang": lang,
        "t": t,
        "user": user,
        "csrf_token": csrf,
        "nav": navigation(user),
        "current_path": request.url.path,
        "flash": flash,
        "errors": {},
        # Whose pages these are, from the units' data (never from code): the person's own
        # committee when signed in, else the deployment's name (a setting).
        "org_name": (user.home_name if user else "") or state.settings.deployment_name,
        "org_address": user.home_address if user else "",
        "org_short_name": (user.home_short_name if user else "") or state.settings.deployment_name,
        **(context or {}),
    }
    response = state.templates.TemplateResponse(request, template, values, status_code=status_code)
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE)
    return response


def error_page(
    request: Request,
    user: Principal | None,
    status_code: int,
    message_vi: str,
    message_en: str = "",
) -> HTMLResponse:
    """A page (never JSON) for a refusal: forbidden, not found, unavailable."""
    lang = request_language(request)
    message = message_en if lang == "en" and message_en else message_vi
    return render(
        request,
        "pages/error.html",
        {"status": status_code, "message": message},
        user=user,
        status_code=status_code,
    )


def domain_error_page(request: Request, user: Principal | None, exc: DomainError) -> HTMLResponse:
    return error_page(request, user, exc.status_code, exc.message_vi, exc.message_en)


def csrf_refused(request: Request, user: Principal | None) -> HTMLResponse:
    t = translator(request_language(request))
    return error_page(request, user, 403, t("csrf_failed"), t("csrf_failed"))


async def temporal_client(state):
    """The Temporal client, or ServiceUnavailable (shown on the page, not as JSON)."""
    try:
        return await state.temporal_client()
    except Exception as exc:
        raise ServiceUnavailable(
            "Máy chủ quy trình (Temporal) chưa sẵn sàng, vui lòng thử lại sau",
            f"The workflow server (Temporal) is unavailable: {exc}",
        ) from exc


def whole_number(value: str | None, default: int, *, low: int, high: int) -> int:
    """A page number or count from the query string: anything else than a whole number in
    range falls back (a page never answers a JSON 422 for a hand-edited address)."""
    text_value = (value or "").strip()
    if not text_value.isdigit():
        return default
    return min(max(int(text_value), low), high)


# ---- form errors -----------------------------------------------------------------------


def text(request: Request, key: str, **values: Any) -> str:
    """One page text in the request's language."""
    return translator(request_language(request))(key, **values)


def message_of(request: Request, exc: DomainError) -> str:
    lang = request_language(request)
    return exc.message_en if lang == "en" and exc.message_en else exc.message_vi


def field_of(exc: DomainError, aliases: dict[str, str] | None = None) -> str:
    """The form field a domain error is about: ``InvalidInput`` names it in
    ``extra["field"]`` (``nominee.person_id``, ``nomination_ids.0``...); the first part
    (or an alias) is the form field. Anything else belongs to the whole form."""
    field = str(exc.extra.get("field") or "")
    if not field:
        return "form"
    aliases = aliases or {}
    if field in aliases:
        return aliases[field]
    head = field.split(".")[0]
    return aliases.get(head, head)


def validation_errors(
    request: Request, exc: ValidationError, aliases: dict[str, str] | None = None
) -> dict[str, str]:
    """Pydantic's errors of a form model, one Vietnamese (or English) message per field."""
    t = translator(request_language(request))
    errors: dict[str, str] = {}
    aliases = aliases or {}
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
        field = location[0] if location else "form"
        field = aliases.get(field, field)
        kind = error.get("type", "")
        empty = error.get("input") in ("", None, [], ())
        if kind == "missing" or (
            kind in ("string_too_short", "too_short")
            and (empty or error.get("ctx", {}).get("min_length", 1) <= 1)
        ):
            text = t("field_required")
        elif kind in ("string_too_short", "too_short"):
            text = t("field_too_short", n=error["ctx"]["min_length"])
        elif kind in ("string_too_long", "too_long"):
            text = t("field_too_long", n=error.get("ctx", {}).get("max_length", ""))
        elif kind.startswith(("int_", "float_")):
            text = t("field_number")
        elif kind.startswith(("greater_than", "less_than")):
            text = t("field_out_of_range")
        elif kind.startswith("date_"):
            text = t("field_date_vn")  # the pages' date fields read dd/mm/yyyy
        elif kind.startswith("datetime"):
            text = t("field_datetime")
        elif kind == CONTROL_CHARACTER_ERROR:
            text = t("field_control_character", **error.get("ctx", {}))
        else:
            text = t("field_invalid")
        errors.setdefault(field, text)
    return errors
