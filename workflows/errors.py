"""Refusals raised by update validators, with a type the API maps to an HTTP status.

Forbidden → 403, WrongStage → 409 (the stage is named), Invalid → 422 (the field is
named), Incomplete and Conflict → 409, NotReady → 409 with the seconds to wait before
asking again (Retry-After). Raised in a validator, they reject the update before anything
is written to the workflow's history. A validator checks the actor first: someone who may
never do this learns nothing about the stage.
"""

from __future__ import annotations

from temporalio.exceptions import ApplicationError

from domain.permissions import Command, PermissionDenied, StageNotAllowed, check

FORBIDDEN = "Forbidden"
WRONG_STAGE = "WrongStage"
INVALID = "Invalid"
INCOMPLETE = "Incomplete"
CONFLICT = "Conflict"
NOT_READY = "NotReady"


def forbidden(message: str = "not allowed") -> ApplicationError:
    return ApplicationError(message, type=FORBIDDEN, non_retryable=True)


def wrong_stage(stage: str, message: str) -> ApplicationError:
    return ApplicationError(message, {"stage": stage}, type=WRONG_STAGE, non_retryable=True)


def invalid(field: str, message_vi: str, message_en: str) -> ApplicationError:
    return ApplicationError(
        f"{message_vi} / {message_en}", {"field": field}, type=INVALID, non_retryable=True
    )


def conflict(message: str) -> ApplicationError:
    return ApplicationError(message, type=CONFLICT, non_retryable=True)


def not_ready(message: str, retry_after_seconds: int) -> ApplicationError:
    """Not yet: the workflow is still preparing what the command needs (e.g. a draft whose
    nominations are confirming their places); ask again in ``retry_after_seconds``."""
    return ApplicationError(
        message, {"retry_after": retry_after_seconds}, type=NOT_READY, non_retryable=True
    )


def incomplete(message: str, missing: list[str]) -> ApplicationError:
    return ApplicationError(message, {"missing": missing}, type=INCOMPLETE, non_retryable=True)


def enforce(command: Command, roles, context) -> None:
    """domain.permissions.check, translated into validator refusals."""
    try:
        check(command, roles, context)
    except PermissionDenied as exc:
        raise forbidden(str(exc)) from None
    except StageNotAllowed as exc:
        message = str(exc)
        raise wrong_stage(exc.stage.value, message) from None
