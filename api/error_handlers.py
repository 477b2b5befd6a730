"""The exception handlers: a ``DomainError`` answers with its JSON body and status; a
request validation error or an unknown address answers people on the pages with an
error page, API clients with JSON (the shapes are in ``api.errors``)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.schemas.common import CONTROL_CHARACTER_ERROR

from .deps import PASSWORD_CHANGE_PAGE
from .errors import DomainError, NotReady, PasswordChangeRequired, TooManyRequests
from .pages.common import error_page


def _field_name(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


async def _domain_error_handler(request: Request, exc: Exception):
    assert isinstance(exc, DomainError)
    if isinstance(exc, PasswordChangeRequired) and _wants_page(request):
        return RedirectResponse(PASSWORD_CHANGE_PAGE, status_code=303)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    if isinstance(exc, TooManyRequests | NotReady):
        headers = {"Retry-After": str(exc.extra["retry_after"])}
    return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)


def _wants_page(request: Request) -> bool:
    """People on the pages get an HTML page; API clients (and /health) get JSON."""
    path = request.url.path
    return not (path.startswith("/api/") or path in ("/health", "/openapi.json", "/docs"))


def _error_page(request: Request, status_code: int, message_vi: str, message_en: str):
    return error_page(
        request, getattr(request.state, "principal", None), status_code, message_vi, message_en
    )


async def _validation_error_handler(request: Request, exc: Exception):
    assert isinstance(exc, RequestValidationError)
    if _wants_page(request):
        control = next((e for e in exc.errors() if e.get("type") == CONTROL_CHARACTER_ERROR), None)
        if control is not None:  # a form field or a search: say which one and what
            field = str(control["loc"][-1])
            character = control.get("ctx", {}).get("codepoint", "")
            return _error_page(
                request,
                422,
                f"Trường «{field}» có ký tự điều khiển {character} không được phép",
                f"The field «{field}» contains the control character {character}, "
                "which is not allowed",
            )
        return _error_page(
            request,
            422,
            "Địa chỉ hoặc dữ liệu không hợp lệ",
            "The address or the data is not valid",
        )
    problems = [
        {
            "field": _field_name(error.get("loc", ())),
            "message": error.get("msg", ""),
            "type": error.get("type", ""),
        }
        for error in exc.errors()
    ]
    first = problems[0]["field"] if problems else ""
    return JSONResponse(
        {
            "error": "validation_error",
            "detail": f"Dữ liệu không hợp lệ: {first} / Invalid input: {first}",
            "field": first,
            "problems": problems,
        },
        status_code=422,
    )


async def _http_error_handler(request: Request, exc: Exception):
    assert isinstance(exc, StarletteHTTPException)
    if _wants_page(request) and exc.status_code in (404, 405):
        return _error_page(
            request, exc.status_code, "Không tìm thấy trang này", "This page does not exist"
        )
    return JSONResponse(
        {"error": "http_error", "detail": exc.detail},
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error_handler)
    app.add_exception_handler(RequestValidationError, _validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, _http_error_handler)
