"""The auditors' check of the tamper-evident audit trail (issue 18): /audit/verify
recomputes every chain against the last seal, as ``thidua audit verify`` does."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..deps import ReadSessionDep, StateDep
from ..errors import Forbidden
from ..services.audit import may_audit
from ..services.audit_verify import verify_trail
from .common import PageUser, domain_error_page, login_redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/audit/verify", response_class=HTMLResponse)
async def audit_verify(request: Request, user: PageUser, state: StateDep, session: ReadSessionDep):
    if user is None:
        return login_redirect(request)
    if not may_audit(user):
        return domain_error_page(request, user, Forbidden())
    report = await verify_trail(session, settings=state.settings)
    return render(request, "pages/audit_verify.html", {"report": report}, user=user)
