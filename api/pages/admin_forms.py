"""Reading the forms of the administration pages where several forms share a page (the
councils, the histories): the fields as text, validated by the JSON API's own schema so
that a page and the API refuse the same things."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from ..errors import DomainError, Forbidden, NotFound
from ..principal import Principal
from .common import (
    csrf_refused,
    domain_error_page,
    field_of,
    form_csrf_ok,
    login_redirect,
    message_of,
    validation_errors,
)
from .date_fields import iso_dates

# What a form does with its fields (raises what it refuses).
Action = Callable[[dict[str, str]], Awaitable[Any]]


async def form_values(request: Request) -> dict[str, str]:
    """The submitted form's fields as text (a file field is ignored)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def parsed(
    model: type[BaseModel],
    form: dict[str, str],
    fields: tuple[str, ...],
    *,
    optional: tuple[str, ...] = (),
    keep_empty: tuple[str, ...] = (),
    only_sent: bool = False,
) -> dict[str, Any]:
    """The fields of ``form`` for ``model``, validated (``ValidationError`` names the
    fields that are wrong). An empty field is None when ``optional``, stays empty when in
    ``keep_empty`` (a text that may be emptied, or that the schema refuses empty), else
    is left out: the schema then says it is required, or keeps the value (``only_sent``:
    only the fields given, for an update)."""
    values: dict[str, Any] = {}
    for key in fields:
        raw = form.get(key, "")
        if raw.strip() or key in keep_empty:
            values[key] = raw
        elif key in optional:
            values[key] = None
    return model.model_validate(iso_dates(model, values)).model_dump(exclude_unset=only_sent)


async def submit(
    request: Request,
    user: Principal | None,
    session: AsyncSession,
    *,
    back: str,
    form_key: str,
    action: Action,
    page: Callable[..., Awaitable[HTMLResponse]],
    done: str,
) -> Response:
    """One form of a page: its CSRF token, then ``action(form)``. A mistake re-renders
    the page (``page(errors=, form_key=, form=, status_code=422)``) with the message next
    to its field in that form, nothing written; a refusal (403, 404) is an error page;
    otherwise back to ``back`` with the confirmation ``done``."""
    if user is None:
        return login_redirect(request, back)
    form = await form_values(request)
    if not form_csrf_ok(request, form.get("csrf_token")):
        return csrf_refused(request, user)
    errors: dict[str, str] = {}
    try:
        await action(form)
    except (Forbidden, NotFound) as exc:
        await session.rollback()
        return domain_error_page(request, user, exc)
    except ValidationError as exc:
        await session.rollback()
        errors = validation_errors(request, exc)
    except DomainError as exc:
        await session.rollback()
        errors = {field_of(exc): message_of(request, exc)}
    if errors:
        return await page(errors=errors, form_key=form_key, form=form, status_code=422)
    return RedirectResponse(f"{back}?done={done}#{form_key}", status_code=303)
