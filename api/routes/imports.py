"""The Excel import in the JSON API, for administrators: the sheet kinds with their
columns and natural keys, the template workbooks, and an import (a dry run unless
``apply``)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from models.schemas.imports import ImportReport, SheetKindPage

from ..deps import ClockDep, CurrentUser, SessionDep, SettingsDep
from ..errors import (
    Forbidden,
    ImportProblems,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    Unauthorized,
    error_responses,
)
from ..services.imports import service
from ..services.imports.reader import MAX_BYTES
from ..services.imports.template import XLSX_MEDIA_TYPE

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])


def xlsx_response(name: str, data: bytes) -> Response:
    return Response(
        content=data,
        media_type=XLSX_MEDIA_TYPE,
        headers={
            "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get(
    "/templates",
    response_model=SheetKindPage,
    responses=error_responses(Unauthorized, Forbidden),
)
async def list_templates(user: CurrentUser) -> SheetKindPage:
    """The kinds of sheet an import takes (units, people, …): their Vietnamese titles,
    natural keys (which stored record a row is) and columns, with their templates."""
    return SheetKindPage(
        items=service.sheet_kinds(user),
        all_templates_url=f"{service.TEMPLATES_PATH}/all.xlsx",
    )


@router.get(
    "/templates/{kind}.xlsx",
    response_class=Response,
    responses={
        200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "The template workbook"},
        **error_responses(Unauthorized, Forbidden, NotFound),
    },
)
async def download_template(kind: str, user: CurrentUser) -> Response:
    """The template of one kind ("units"), or of every kind ("all"): bold Vietnamese
    headers (required ones marked *), one example row, and a guide sheet "Hướng dẫn"."""
    name, data = service.template(user, kind)
    return xlsx_response(name, data)


@router.post(
    "",
    response_model=ImportReport,
    responses=error_responses(
        Unauthorized, Forbidden, InvalidInput, ImportProblems, ServiceUnavailable
    ),
)
async def import_workbook(
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    clock: ClockDep,
    file: Annotated[UploadFile, File(description="The .xlsx workbook")],
    apply: Annotated[bool, Form()] = False,
) -> ImportReport:
    """Import a workbook. Without ``apply`` (a dry run) nothing is written: the report
    says what applying would create, update or leave unchanged, and lists every problem
    by sheet, row and column. With ``apply``: all or nothing; any problem answers 422
    ``import_problems`` with the same problems (and the report) and writes nothing."""
    data = await file.read(MAX_BYTES + 1)
    return await service.run_import(
        session,
        settings,
        user,
        data=data,
        filename=file.filename or "",
        apply=apply,
        now=clock.now(),
    )
