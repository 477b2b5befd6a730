"""The form handling the campaign, registration and exemplar pages share: the guard every
form starts with, reading dates and choices from form fields, and placing refusals next to
the field concerned (or at the top of the form, so that none is ever lost)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from ..errors import DomainError
from ..principal import Principal
from .common import csrf_refused, field_of, form_csrf_ok, login_redirect, message_of, text

CHOICES_LIMIT = 2000  # people or households offered in one select
Errors = dict[str, dict[str, str]]  # form → field → message
Values = dict[str, dict[str, Any]]  # form → field → what was sent


@dataclass
class Choice:
    value: str
    label: str


def guarded(request: Request, user: Principal | None, form: FormData, back: str) -> Response | None:
    """The checks every form starts with: signed in, and the CSRF token of the session."""
    if user is None:
        return login_redirect(request, back)
    if not form_csrf_ok(request, str(form.get("csrf_token") or "")):
        return csrf_refused(request, user)
    return None


def parse_day(value: str) -> date | None:
    """A date field: ``2028-12-20`` (what ``<input type=date>`` sends) or ``20/12/2028``."""
    value = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def int_or_none(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None


def placed(errors: dict[str, str], fields: tuple[str, ...]) -> dict[str, str]:
    """Errors about a field the form does not show go to the top of the form, so that no
    refusal is ever lost."""
    found: dict[str, str] = {}
    for name, message in errors.items():
        key = name if name in fields else "form"
        found.setdefault(key, message)
    return found


def refusal(
    request: Request,
    exc: DomainError,
    fields: tuple[str, ...],
    aliases: dict[str, str] | None = None,
) -> dict[str, str]:
    """A service's refusal as the form's error, next to its field."""
    return placed({field_of(exc, aliases): message_of(request, exc)}, fields)


def chosen(
    request: Request, errors: dict[str, str], values: dict[str, Any], selects: tuple[str, ...]
) -> dict[str, str]:
    """A select or radio group left empty reads "please choose", not "enter a number"."""
    for name in selects:
        if name in errors and not values.get(name):
            errors[name] = text(request, "field_choose")
    return errors
