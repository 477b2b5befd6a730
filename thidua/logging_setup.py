"""Logs: one line per event, JSON in production, with the request or workflow it belongs to.

``configure_logging(settings)`` installs one handler on the root logger (calling it again
replaces it, never adds a second). Every record that reaches it passes two filters:

- ``ContextFilter`` adds the fields bound with ``log_context(...)`` / ``bind_request_id()``
  (a ``contextvars`` mapping, so each request or activity task sees only its own), and
  lifts ``workflow_id``, ``activity_type``... out of the ``temporal_workflow`` /
  ``temporal_activity`` extras that the Temporal SDK's ``workflow.logger`` and
  ``activity.logger`` attach, or out of ``temporalio.activity.info()`` for plain loggers
  used inside an activity.
- ``SecretMaskingFilter`` replaces the configured secrets' actual values, bearer tokens,
  ``password=...``-style pairs, URL credentials and JWTs with ``***`` in the message, the
  extra fields and the traceback, so no secret reaches the output whatever the caller did.

The API binds a request id per request with ``RequestIdMiddleware`` (pure ASGI, so it works
with any framework and its id is on uvicorn's access line too); activities wrap their body
in ``activity_log_context(nomination_id=...)``.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import secrets
import sys
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, TextIO
from urllib.parse import urlsplit

from temporalio import activity, workflow

from .settings import Settings

MASK = "***"

# Attributes every LogRecord has; anything else on a record is context or an extra field.
# (uvicorn adds "color_message", the same text with terminal colour codes.)
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys()
) | {"message", "asctime", "taskName", "color_message"}

# The Temporal SDK's adapters put these dicts on records; we lift the useful keys to the top.
_TEMPORAL_EXTRAS = ("temporal_workflow", "temporal_activity")
_LIFTED_TEMPORAL_KEYS = {
    "workflow_id": "workflow_id",
    "run_id": "workflow_run_id",
    "workflow_run_id": "workflow_run_id",
    "workflow_type": "workflow_type",
    "activity_type": "activity_type",
    "activity_id": "activity_id",
    "attempt": "attempt",
    "update_id": "update_id",
    "update_name": "update_name",
}

# Libraries that log every statement or every poll at INFO.
_NOISY_LOGGERS = {
    "sqlalchemy": logging.WARNING,
    "sqlalchemy.engine": logging.WARNING,
    "sqlalchemy.pool": logging.WARNING,
    "aiosqlite": logging.WARNING,
    "asyncio": logging.WARNING,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "multipart": logging.WARNING,
    "fontTools": logging.WARNING,
    "weasyprint": logging.WARNING,
    "pyhanko": logging.WARNING,
}
# uvicorn installs its own handlers (propagate=False) unless told otherwise; we take them
# over so its lines are formatted, masked and carry the request id like everyone else's.
_UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")

_VALID_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# ---------------------------------------------------------------------------------------
# Context


_EMPTY: Mapping[str, Any] = MappingProxyType({})
_log_context: contextvars.ContextVar[Mapping[str, Any]] = contextvars.ContextVar(
    "thidua_log_context", default=_EMPTY
)


def current_log_context() -> dict[str, Any]:
    """The fields bound in the current context (a copy)."""
    return dict(_log_context.get())


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Every record logged inside the block carries ``fields`` (nested blocks add to and
    may override the outer ones; leaving the block restores them)."""
    token = _log_context.set(MappingProxyType({**_log_context.get(), **fields}))
    try:
        yield
    finally:
        _log_context.reset(token)


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")


def new_request_id() -> str:
    return secrets.token_hex(8)


def bind_request_id(request_id: str | None = None) -> str:
    """Bind ``request_id`` for the rest of the current context and return it.

    A request id coming from outside (an ``X-Request-ID`` header) is kept only when it is
    short and plain, so a client cannot inject text into the logs; otherwise a new one is
    made. Each asyncio task has its own copy of the context, so binding in a request's task
    does not leak into other requests. Use ``log_context(request_id=...)`` where the scope
    must end before the task does."""
    if not request_id or not _REQUEST_ID.match(request_id):
        request_id = new_request_id()
    _log_context.set(MappingProxyType({**_log_context.get(), "request_id": request_id}))
    return request_id


ASGIApp = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]


class RequestIdMiddleware:
    """ASGI middleware: one request id per HTTP request, bound to the log context and
    returned in the ``X-Request-ID`` response header (taken from the request's header when
    it is well formed). ``app.add_middleware(RequestIdMiddleware)`` in FastAPI."""

    header = b"x-request-id"

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(self.header, b"")
        with log_context():
            request_id = bind_request_id(incoming.decode("latin-1"))
            scope.setdefault("state", {})["request_id"] = request_id

            async def send_with_id(message) -> None:
                if message["type"] == "http.response.start":
                    headers = [
                        (name, value)
                        for name, value in message.get("headers", [])
                        if name.lower() != self.header
                    ]
                    headers.append((self.header, request_id.encode("latin-1")))
                    message = {**message, "headers": headers}
                await send(message)

            await self.app(scope, receive, send_with_id)


def _activity_fields() -> dict[str, Any]:
    """workflow_id, activity_type... of the running activity, or nothing outside one."""
    if not activity.in_activity():
        return {}
    info = activity.info()
    return {
        "workflow_id": info.workflow_id,
        "workflow_run_id": info.workflow_run_id,
        "workflow_type": info.workflow_type,
        "activity_type": info.activity_type,
        "activity_id": info.activity_id,
        "attempt": info.attempt,
    }


@contextmanager
def activity_log_context(**fields: Any) -> Iterator[None]:
    """Inside a Temporal activity: bind its ``workflow_id``, ``activity_type``... and
    ``fields`` (``nomination_id=...``) for every record logged in the block, whichever
    logger writes it (SQLAlchemy, the mailer...). Outside an activity only ``fields``."""
    with log_context(**_activity_fields(), **fields):
        yield


class ContextFilter(logging.Filter):
    """Adds the bound context (and the running workflow's or activity's identity) to each
    record. Fields given explicitly with ``extra=`` win over bound ones."""

    def filter(self, record: logging.LogRecord) -> bool:
        fields: dict[str, Any] = {}
        for extra_name in _TEMPORAL_EXTRAS:
            details = record.__dict__.get(extra_name)
            if isinstance(details, Mapping):
                for source, target in _LIFTED_TEMPORAL_KEYS.items():
                    if source in details:
                        fields.setdefault(target, details[source])
        if "workflow_id" not in fields:
            for key, value in _activity_fields().items():
                fields.setdefault(key, value)
        fields.update(_log_context.get())
        for key, value in fields.items():
            if key not in record.__dict__:
                setattr(record, key, value)
        return True


# ---------------------------------------------------------------------------------------
# Secrets


_SECRET_FIELD_WORDS = ("password", "passwd", "secret", "token", "passphrase", "authorization")
_SECRET_FIELD_NAMES = frozenset(
    {"pwd", "api_key", "apikey", "cookie", "set_cookie", "payload_encryption_key", "private_key"}
)

_SECRET_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization: Bearer abc / Basic abc (header dumps, curl lines)
    (
        re.compile(r"(?i)\b(authorization\b[\"']?\s*[:=]\s*[\"']?)(\w+\s+)?[^\s\"',;]+"),
        rf"\1\2{MASK}",
    ),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9\-._~+/]+=*"), rf"\1{MASK}"),
    # password=..., "secret_key": "...", token: ...
    (
        re.compile(
            r"(?i)\b([\w\-]*(?:password|passwd|pwd|secret|token|passphrase|api[_-]?key)[\w\-]*"
            r"[\"']?\s*[:=]\s*[\"']?)([^\s\"'&,;}]+)"
        ),
        rf"\1{MASK}",
    ),
    # scheme://user:password@host
    (re.compile(r"(//[^/\s:@]+:)[^@\s/]+@"), rf"\1{MASK}@"),
    # JSON Web Tokens
    (re.compile(r"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+"), MASK),
)

# Shorter literal values would mask ordinary words; such secrets are still caught by key.
MIN_SECRET_LENGTH = 6


def secret_values(settings: Settings) -> list[str]:
    """The actual values of the settings that must never be logged."""
    values = [
        settings.secret_key,
        settings.payload_encryption_key,
        settings.signing_key_passphrase,
        settings.smtp_password,
    ]
    database_password = urlsplit(settings.database_url).password if settings.database_url else None
    if database_password:
        values.append(database_password)
    return [value for value in values if value]


def _is_secret_field(name: str) -> bool:
    lowered = name.lower().replace("-", "_")
    return lowered in _SECRET_FIELD_NAMES or any(word in lowered for word in _SECRET_FIELD_WORDS)


class SecretMaskingFilter(logging.Filter):
    """Masks secrets in the message, the extra fields and the traceback of each record."""

    def __init__(self, secret_values: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is masked whole.
        self._values = sorted(
            {value for value in secret_values if len(value) >= MIN_SECRET_LENGTH},
            key=len,
            reverse=True,
        )

    def mask(self, text: str) -> str:
        for value in self._values:
            if value in text:
                text = text.replace(value, MASK)
        for pattern, replacement in _SECRET_PATTERNS:
            text = pattern.sub(replacement, text)
        return text

    def mask_value(self, value: Any, depth: int = 0) -> Any:
        if isinstance(value, str):
            return self.mask(value)
        if depth > 4 or isinstance(value, bool | int | float) or value is None:
            return value
        if isinstance(value, Mapping):
            return {
                key: MASK if _is_secret_field(str(key)) else self.mask_value(item, depth + 1)
                for key, item in value.items()
            }
        if isinstance(value, list | tuple | set | frozenset):
            return [self.mask_value(item, depth + 1) for item in value]
        return self.mask(str(value))

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the event
            message = f"{record.msg!r} {record.args!r}"
        record.msg = self.mask(message)
        record.args = None
        for key in [k for k in record.__dict__ if k not in _RECORD_ATTRIBUTES]:
            value = record.__dict__[key]
            record.__dict__[key] = MASK if _is_secret_field(key) else self.mask_value(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True


# ---------------------------------------------------------------------------------------
# Formatters


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    """Context and extra fields; the SDK's nested dicts are left out once lifted."""
    return {
        key: value
        for key, value in record.__dict__.items()
        if key not in _RECORD_ATTRIBUTES and key not in _TEMPORAL_EXTRAS
    }


def _details(record: logging.LogRecord, formatter: logging.Formatter) -> str | None:
    parts = []
    if record.exc_info and not record.exc_text:
        record.exc_text = formatter.formatException(record.exc_info)
    if record.exc_text:
        parts.append(record.exc_text)
    if record.stack_info:
        parts.append(formatter.formatStack(record.stack_info))
    return "\n".join(parts) or None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp (ISO 8601, UTC), level, logger, message, then the
    context and extra fields, then ``exception`` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "timestamp": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in _fields(record).items():
            event.setdefault(key, value)
        details = _details(record, self)
        if details:
            event["exception"] = details
        return json.dumps(event, ensure_ascii=False, default=str)


def _text_value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if not text or any(ch.isspace() or ch in '"=' for ch in text):
        return json.dumps(text, ensure_ascii=False)
    return text


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


class TextFormatter(logging.Formatter):
    """``2026-01-31T08:00:00.000Z INFO thidua.api: message key=value ...`` on one line
    (newlines inside the message or a traceback are written as ``\\n``)."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{_timestamp(record)} {record.levelname} {record.name}: {record.getMessage()}"
        fields = " ".join(f"{key}={_text_value(value)}" for key, value in _fields(record).items())
        if fields:
            line = f"{line} {fields}"
        details = _details(record, self)
        if details:
            line = f"{line} exception={json.dumps(details, ensure_ascii=False)}"
        return _one_line(line)


# ---------------------------------------------------------------------------------------
# Setup


def _level(name: str) -> int:
    level = name.strip().upper()
    if level not in _VALID_LEVELS:
        raise ValueError(
            f"THIDUA_LOG_LEVEL: '{name}' không hợp lệ / is not a log level; "
            f"use one of {', '.join(_VALID_LEVELS)}"
        )
    return logging.getLevelName(level)


class _ThiduaHandler(logging.StreamHandler):
    """Marks the handler ``configure_logging`` owns, so a second call replaces it."""


def configure_logging(settings: Settings, *, stream: TextIO | None = None) -> None:
    """Send every log record to ``stream`` (standard error by default), one line per event,
    JSON when ``settings.log_format == "json"``; idempotent."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _ThiduaHandler):
            root.removeHandler(handler)
            handler.close()

    handler = _ThiduaHandler(stream if stream is not None else sys.stderr)
    handler.addFilter(ContextFilter())
    handler.addFilter(SecretMaskingFilter(secret_values(settings)))
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    root.addHandler(handler)
    root.setLevel(_level(settings.log_level))

    for name, level in _NOISY_LOGGERS.items():
        logging.getLogger(name).setLevel(max(level, root.level))
    for name in _UVICORN_LOGGERS:
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    logging.captureWarnings(True)

    # The Temporal SDK appends "({'workflow_id': ...})" to messages; our fields carry it.
    activity.logger.activity_info_on_message = False
    workflow.logger.workflow_info_on_message = False


__all__ = [
    "ContextFilter",
    "JsonFormatter",
    "RequestIdMiddleware",
    "SecretMaskingFilter",
    "TextFormatter",
    "activity_log_context",
    "bind_request_id",
    "configure_logging",
    "current_log_context",
    "log_context",
    "new_request_id",
    "secret_values",
]
