"""The auditors' check of the tamper-evident audit trail (issue 18): /audit/verify
recomputes every chain against the last seal, as ``thidua audit verify`` does; or, with a
seal the auditor saved from the public portal uploaded (POST), against that seal, as
``thidua audit verify --seal FILE`` does."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from ..deps import ReadSessionDep, StateDep
from ..errors import Forbidden, InvalidInput
from ..services.audit import may_audit
from ..services.audit_verify import (
    SEAL_UPLOAD_MAX_BYTES,
    TrailReport,
    read_archived_seal,
    verify_trail,
)
from .common import (
    PageUser,
    csrf_refused,
    domain_error_page,
    form_csrf_ok,
    login_redirect,
    message_of,
    render,
)

PAGE = "/audit/verify"

router = APIRouter(include_in_schema=False)


def _context(
    report: TrailReport | None = None, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "report": report,
        "errors": errors or {},
        "seal_max_mb": SEAL_UPLOAD_MAX_BYTES // (1024 * 1024),
    }


@router.get(PAGE, response_class=HTMLResponse)
async def audit_verify(request: Request, user: PageUser, state: StateDep, session: ReadSessionDep):
    if user is None:
        return login_redirect(request)
    if not may_audit(user):
        return domain_error_page(request, user, Forbidden())
    report = await verify_trail(session, settings=state.settings)
    return render(request, "pages/audit_verify.html", _context(report), user=user)


@router.post(PAGE, response_class=HTMLResponse)
async def audit_verify_archived(
    request: Request,
    user: PageUser,
    state: StateDep,
    session: ReadSessionDep,
    csrf_token: Annotated[str, Form()] = "",
    seal: Annotated[UploadFile | None, File()] = None,
):
    """The trail against a seal kept outside the database (the JSON of
    ``GET /api/v1/public/audit-seal?heads=true``): a deletion hidden by deleting the
    seals that came after it still shows. A file that is no such seal: 422, said by the
    field."""
    if user is None:
        return login_redirect(request, PAGE)
    if not form_csrf_ok(request, csrf_token):
        return csrf_refused(request, user)
    if not may_audit(user):
        return domain_error_page(request, user, Forbidden())
    try:
        archived = await read_archived_seal(seal, field="seal")
    except InvalidInput as exc:
        errors = {"seal": message_of(request, exc)}
        return render(
            request, "pages/audit_verify.html", _context(errors=errors), user=user, status_code=422
        )
    report = await verify_trail(session, settings=state.settings, archived=archived)
    return render(request, "pages/audit_verify.html", _context(report), user=user)
