"""Domain errors that carry their HTTP status, and ``error_responses`` for the routes.

Every error body has the same shape: ``{"error": code, "detail": message, ...}``; the
message is Vietnamese first with the English after " / ". Validation errors name the
field (``"field": "body.award_code"``). The handlers that answer with them (JSON, or an
error page for people) are in ``api.error_handlers``.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message_vi: str, message_en: str = "", **extra: Any) -> None:
        super().__init__(message_en or message_vi)
        self.message_vi = message_vi
        self.message_en = message_en
        self.extra = extra

    @property
    def detail(self) -> str:
        return f"{self.message_vi} / {self.message_en}" if self.message_en else self.message_vi

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "detail": self.detail, **self.extra}


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"

    def __init__(self) -> None:
        super().__init__("Chưa đăng nhập hoặc phiên đã hết hạn", "Not authenticated")


class Forbidden(DomainError):
    """Also used, with the same body, when the resource does not exist and the caller
    could not have seen it anyway: a 403 never tells whether something exists."""

    status_code = 403
    code = "forbidden"

    def __init__(self, message_vi: str = "", message_en: str = "") -> None:
        super().__init__(
            message_vi or "Bạn không có quyền thực hiện thao tác này",
            message_en or "You are not allowed to do this",
        )


class PasswordChangeRequired(Forbidden):
    """The password was chosen by someone else: only its change is allowed until then
    (the pages lead to the change page instead)."""

    code = "password_change_required"

    def __init__(self) -> None:
        super().__init__(
            "Bạn cần đổi mật khẩu trước khi tiếp tục (POST /api/v1/auth/password)",
            "Change your password before going on (POST /api/v1/auth/password)",
        )


class NotFound(DomainError):
    status_code = 404
    code = "not_found"

    def __init__(self, what_vi: str = "Không tìm thấy", what_en: str = "Not found") -> None:
        super().__init__(what_vi, what_en)


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class WrongStage(Conflict):
    code = "wrong_stage"

    def __init__(self, stage: str, message_vi: str = "", message_en: str = "") -> None:
        super().__init__(
            message_vi or f"Không thể thực hiện ở giai đoạn hiện tại ({stage})",
            message_en or f"Not allowed at the current stage ({stage})",
            stage=stage,
        )


class NotReady(Conflict):
    """Not yet: what the command needs is still being prepared (a draft whose nominations
    are confirming their places). Answered with ``Retry-After``: the seconds to wait."""

    code = "not_ready"

    def __init__(self, message_vi: str, message_en: str, *, retry_after_seconds: int) -> None:
        super().__init__(message_vi, message_en, retry_after=retry_after_seconds)

    @property
    def retry_after_seconds(self) -> int:
        return int(self.extra["retry_after"])


class InvalidInput(DomainError):
    """A field-level problem found by the domain (not by the schema)."""

    status_code = 422
    code = "invalid"

    def __init__(self, field: str, message_vi: str, message_en: str = "") -> None:
        super().__init__(message_vi, message_en, field=field)


class PasswordLinkInvalid(DomainError):
    """A one-time password link that was forged, already used, expired, or whose account
    was deactivated: the person asks an administrator for a new one."""

    status_code = 410
    code = "link_invalid"

    def __init__(self) -> None:
        super().__init__(
            "Liên kết đặt mật khẩu không còn hiệu lực (đã dùng, đã hết hạn hoặc không đúng); "
            "vui lòng đề nghị quản trị hệ thống cấp liên kết mới",
            "This password link no longer works (used, expired or not valid); "
            "ask an administrator for a new one",
        )


class TooManyRequests(DomainError):
    status_code = 429
    code = "too_many_requests"

    def __init__(
        self,
        retry_after_seconds: int,
        message_vi: str = "",
        message_en: str = "",
        **extra: Any,
    ) -> None:
        super().__init__(
            message_vi or f"Quá nhiều yêu cầu, vui lòng thử lại sau {retry_after_seconds} giây",
            message_en or f"Too many requests, try again in {retry_after_seconds} s",
            retry_after=retry_after_seconds,
            **extra,
        )


class ServiceUnavailable(DomainError):
    status_code = 503
    code = "unavailable"


def error_responses(*errors: type[DomainError]) -> dict[int | str, dict[str, Any]]:
    """For a route's ``responses=``: document the errors it may answer with."""
    return {
        e.status_code: {"description": e.__doc__.strip().splitlines()[0] if e.__doc__ else e.code}
        for e in errors
    }


class ImportProblems(DomainError):
    """An Excel import applied with problems: nothing was written. ``problems`` lists
    every one by sheet, row and column; ``report`` is the whole dry-run report."""

    status_code = 422
    code = "import_problems"

    def __init__(self, report: dict[str, Any], report_object: Any = None) -> None:
        problems = report.get("problems", [])
        super().__init__(
            f"Tệp có {len(problems)} lỗi: chưa ghi gì vào hệ thống, hãy sửa rồi nhập lại",
            f"The file has {len(problems)} problems: nothing was written",
            field="file",
            problems=problems,
            report=report,
        )
        self.report = report_object
