"""The page "Nhập dữ liệu từ Excel" (/admin/imports): the templates to download with
their natural keys, an upload with two buttons (check: a dry run that writes nothing;
import: all or nothing), and the result: counts per sheet and every problem by sheet, row
and column. It calls the service the JSON API calls (``api/services/imports/service``);
the template downloads are the JSON API's own (the page's cookie signs them in)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from models.schemas.imports import ImportReport

from ..deps import ClockDep, SessionDep, SettingsDep
from ..errors import DomainError, Forbidden, ImportProblems, InvalidInput
from ..principal import Principal
from ..services.imports import service
from ..services.imports.reader import MAX_BYTES
from .common import (
    PageUser,
    csrf_refused,
    domain_error_page,
    form_csrf_ok,
    login_redirect,
    message_of,
    render,
    text,
)

router = APIRouter(include_in_schema=False)

IMPORTS_PAGE = "/admin/imports"


def _page(
    request: Request,
    user: Principal,
    *,
    report: ImportReport | None = None,
    refused: bool = False,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    values: dict[str, Any] = {
        "kinds": service.sheet_kinds(user),
        "all_templates_url": f"{service.TEMPLATES_PATH}/all.xlsx",
        "report": report,
        "refused": refused,
        "errors": errors or {},
    }
    return render(request, "pages/imports.html", values, user=user, status_code=status_code)


@router.get(IMPORTS_PAGE, response_class=HTMLResponse)
async def imports_page(request: Request, user: PageUser):
    if user is None:
        return login_redirect(request)
    try:
        return _page(request, user)
    except DomainError as exc:
        return domain_error_page(request, user, exc)


@router.post(IMPORTS_PAGE, response_class=HTMLResponse)
async def imports_upload(
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    csrf_token: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "check",
    file: Annotated[UploadFile | None, File()] = None,
):
    if user is None:
        return login_redirect(request, IMPORTS_PAGE)
    if not form_csrf_ok(request, csrf_token):
        return csrf_refused(request, user)
    try:
        if file is None or not file.filename:
            raise InvalidInput("file", text(request, "imports_no_file"))
        report = await service.run_import(
            session,
            settings,
            user,
            data=await file.read(MAX_BYTES + 1),
            filename=file.filename,
            apply=action == "apply",
            now=clock.now(),
        )
    except Forbidden as exc:
        return domain_error_page(request, user, exc)
    except ImportProblems as exc:
        await session.rollback()
        return _page(request, user, report=exc.report, refused=True, status_code=422)
    except DomainError as exc:
        await session.rollback()
        return _page(request, user, errors={"file": message_of(request, exc)}, status_code=422)
    return _page(request, user, report=report)
