"""Control characters refused, once, in every path segment, query parameter and form field
of every route (the JSON API, the pages and the login), before the route runs.

JSON bodies are checked by their schemas' string types (``models/schemas/common.py``),
which know a one-line field from a multi-line one; what arrives here has no schema that
says so: a path segment or a query parameter is one line, a form field may be several
(a textarea sends tab, line feed and carriage return). Anything else of Unicode's "Cc"
category is refused with a 422 naming the field (``query.q``, ``body.username``), as a
schema's own refusal is: as JSON for the API, as a page for people
(``api/error_handlers.py``). PostgreSQL cannot store U+0000 at all: without this, one such
character in a search or a login is a 500.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import UploadFile

from domain.text import codepoint, control_character
from models.schemas.common import CONTROL_CHARACTER_ERROR

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def control_character_problem(location: tuple[str, str], value: str, found: str) -> dict[str, Any]:
    """One error in the shape of FastAPI's own validation errors."""
    return {
        "type": CONTROL_CHARACTER_ERROR,
        "loc": location,
        "msg": (
            f"Có ký tự điều khiển {codepoint(found)} không được phép / "
            f"Contains the control character {codepoint(found)}, which is not allowed"
        ),
        "input": value,
        "ctx": {"codepoint": codepoint(found)},
    }


async def refuse_control_characters(request: Request) -> None:
    """An application-wide dependency: raises ``RequestValidationError`` naming every
    path segment, query parameter or form field (its name, its value, an uploaded file's
    name) that holds a control character."""
    problems: list[dict[str, Any]] = []

    def check(where: str, name: str, value: str, *, multiline: bool) -> None:
        for text, is_value in ((name, False), (value, True)):
            found = control_character(text, multiline=multiline and is_value)
            if found is not None:
                problems.append(control_character_problem((where, name), text, found))
                return

    for name, value in request.path_params.items():
        if isinstance(value, str):
            check("path", name, value, multiline=False)
    for name, value in request.query_params.multi_items():
        check("query", name, value, multiline=False)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in FORM_TYPES:
        # Starlette keeps the parsed form on the request: the route reads the same one.
        form = await request.form()
        for name, field in form.multi_items():
            if isinstance(field, UploadFile):
                check("body", name, field.filename or "", multiline=False)
            else:
                check("body", name, field, multiline=True)
    if problems:
        raise RequestValidationError(problems)
