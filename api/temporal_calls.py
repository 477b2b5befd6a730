"""Calling workflows from routes, with their refusals turned into HTTP errors.

A validator's ApplicationError carries a type (workflows/errors.py): Forbidden → 403,
WrongStage → 409 naming the stage, Invalid → 422 naming the field, Incomplete and
Conflict → 409, NotReady → 409 with Retry-After. A workflow that has already completed
answers like a wrong stage (the services check first whether the caller could ever give
the command: 403 before 409).
"""

from __future__ import annotations

from typing import Any

from temporalio.client import (
    WorkflowHandle,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from workflows import errors as refusals

from .errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotReady,
    ServiceUnavailable,
    WrongStage,
)


def _detail(error: ApplicationError, key: str) -> Any:
    for item in error.details or ():
        if isinstance(item, dict) and key in item:
            return item[key]
    return None


def refusal_to_http(error: ApplicationError, *, current_stage: str | None = None) -> Exception:
    message = error.message or ""
    vi, _, en = message.partition(" / ")
    if error.type == refusals.FORBIDDEN:
        # The workflow's reason (e.g. "only council members vote") when it wrote one.
        return Forbidden(vi, en) if en else Forbidden()
    if error.type == refusals.WRONG_STAGE:
        stage = _detail(error, "stage") or current_stage or "unknown"
        return WrongStage(stage, vi if en else "", en or message)
    if error.type == refusals.INVALID:
        return InvalidInput(_detail(error, "field") or "body", vi, en)
    if error.type == refusals.NOT_READY:
        seconds = _detail(error, "retry_after")
        return NotReady(vi, en, retry_after_seconds=int(seconds) if seconds else 1)
    if error.type == refusals.INCOMPLETE:
        return Conflict(vi, en, missing=_detail(error, "missing") or [])
    if error.type in (refusals.CONFLICT, "SigningFailed"):
        return Conflict(vi, en)
    return Conflict(vi, en)


async def execute_update(
    handle: WorkflowHandle, update: Any, argument: Any, *, current_stage: str | None = None
) -> Any:
    try:
        return await handle.execute_update(update, argument)
    except WorkflowUpdateFailedError as failure:
        cause = failure.cause
        if isinstance(cause, ApplicationError):
            raise refusal_to_http(cause, current_stage=current_stage) from None
        raise
    except WorkflowUpdateRPCTimeoutOrCancelledError as exc:
        raise ServiceUnavailable(
            "Hệ thống đang bận, vui lòng thử lại", "The command timed out, try again"
        ) from exc
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            # The workflow completed (a terminal stage) or never existed.
            raise WrongStage(current_stage or "closed") from None
        raise ServiceUnavailable(
            "Máy chủ quy trình không trả lời", f"Temporal error: {exc.message}"
        ) from exc
