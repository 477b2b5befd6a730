"""Stored documents as PDF, each for its audience (``services/document_audience.py``):
issued decisions and running public notices for anyone; the draft preview of a decision
for the signing page; the Giấy khen of one awardee. Whoever may not read one gets what a
missing id gets."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from activities.documents.types import RuleSetLookup
from activities.documents.word import DOCX_MEDIA_TYPE
from domain.catalogue import Catalogue, load_catalogue
from domain.text import fold
from models.schemas.common import DbId

from ..deps import (
    ClockDep,
    CurrentUser,
    OptionalUser,
    ReadSessionDep,
    SettingsDep,
    StateDep,
    get_temporal,
)
from ..errors import Conflict, Forbidden, NotFound, Unauthorized, error_responses
from ..services import documents

router = APIRouter(prefix="/api/v1", tags=["documents"])

PDF_RESPONSE = {200: {"content": {"application/pdf": {}}, "description": "The PDF file"}}


@lru_cache(maxsize=4)
def _catalogue(catalogue_dir: str, override: str) -> Catalogue:
    return load_catalogue(Path(catalogue_dir), override or None)


def get_rule_set_lookup(settings: SettingsDep) -> RuleSetLookup:
    """The rule sets of the catalogue, read once per process."""
    return _catalogue(str(settings.catalogue_dir), settings.city_override).get


RuleSetLookupDep = Annotated[RuleSetLookup, Depends(get_rule_set_lookup)]


def ascii_filename(text: str) -> str:
    """ "Quyết định 01/QĐ-UBND" → "quyet-dinh-01-qd-ubnd" (for Content-Disposition)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "van-ban"


def pdf_response(data: bytes, name: str, *, sha256: str | None = None) -> Response:
    filename = f"{ascii_filename(name)}.pdf"
    headers = {
        "Content-Disposition": f"inline; filename=\"{filename}\"; filename*=UTF-8''{quote(name)}.pdf",
        "X-Content-Type-Options": "nosniff",
    }
    if sha256:
        headers["ETag"] = f'"{sha256}"'
        headers["X-Content-SHA256"] = sha256
    return Response(content=data, media_type="application/pdf", headers=headers)


@router.get(
    "/documents/{document_id}/pdf",
    response_class=Response,
    responses={**PDF_RESPONSE, **error_responses(Unauthorized, NotFound)},
)
async def document_pdf(
    document_id: DbId,
    session: ReadSessionDep,
    settings: SettingsDep,
    user: OptionalUser,
    clock: ClockDep,
) -> Response:
    """The stored file of a document, byte for byte as issued (signed decisions keep
    their signature). Public for issued decisions and running public notices; the rest
    for their readers (404 for anyone else, as for a missing id)."""
    pdf = await documents.stored_pdf(
        session, settings, user, document_id=document_id, now=clock.now()
    )
    return pdf_response(pdf.data, pdf.name, sha256=pdf.sha256)


@router.get(
    "/decisions/{decision_id}/preview.pdf",
    response_class=Response,
    responses={**PDF_RESPONSE, **error_responses(Unauthorized, Forbidden, Conflict)},
)
async def decision_preview(
    decision_id: DbId,
    session: ReadSessionDep,
    user: CurrentUser,
    get_rule_set: RuleSetLookupDep,
    clock: ClockDep,
    state: StateDep,
) -> Response:
    """The decision as it will be signed, marked "DỰ THẢO" (draft), for the signing page:
    for the people of the deciding authority (its leaders, council and standing body),
    with the standing body's edits (``POST /decisions/{id}/draft``)."""
    pdf = await documents.decision_preview(
        session,
        user,
        decision_id=decision_id,
        get_rule_set=get_rule_set,
        today=clock.today(),
        temporal=lambda: get_temporal(state),
    )
    return pdf_response(pdf.data, pdf.name, sha256=pdf.sha256)


DOCX_RESPONSE = {200: {"content": {DOCX_MEDIA_TYPE: {}}, "description": "The Word file"}}


@router.get(
    "/decisions/{decision_id}/draft.docx",
    response_class=Response,
    responses={**DOCX_RESPONSE, **error_responses(Unauthorized, Forbidden, Conflict)},
)
async def decision_draft_docx(
    decision_id: DbId,
    session: ReadSessionDep,
    user: CurrentUser,
    get_rule_set: RuleSetLookupDep,
    clock: ClockDep,
    state: StateDep,
) -> Response:
    """The draft decision (or submission) as a Word file (.docx) in the Decree 30/2020
    layout, to read and comment on in Word or send upward with the PDF; rendered from the
    same data as the preview and the signed PDF (which remains the record). Same readers
    as the preview."""
    docx = await documents.decision_draft_docx(
        session,
        user,
        decision_id=decision_id,
        get_rule_set=get_rule_set,
        today=clock.today(),
        temporal=lambda: get_temporal(state),
    )
    return docx_response(docx.data, docx.name)


def docx_response(data: bytes, name: str) -> Response:
    return Response(
        content=data,
        media_type=DOCX_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_filename(name)}.docx"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get(
    "/documents/{document_id}/minutes.docx",
    response_class=Response,
    responses={**DOCX_RESPONSE, **error_responses(Unauthorized, NotFound)},
)
async def minutes_docx(
    document_id: DbId,
    session: ReadSessionDep,
    user: CurrentUser,
    clock: ClockDep,
) -> Response:
    """The minutes (biên bản) of a council session as a Word file (.docx) in the Decree
    30/2020 layout, for the readers of the stored minutes; the PDF remains the record."""
    docx = await documents.minutes_word(session, user, document_id=document_id, now=clock.now())
    return docx_response(docx.data, docx.name)


@router.get(
    "/documents/{document_id}/notice.docx",
    response_class=Response,
    responses={**DOCX_RESPONSE, **error_responses(NotFound, Conflict)},
)
async def notice_docx(
    document_id: DbId,
    session: ReadSessionDep,
    settings: SettingsDep,
    user: OptionalUser,
    clock: ClockDep,
) -> Response:
    """A public notice (thông báo công khai) as a Word file (.docx) in the Decree 30/2020
    layout, for the readers of the stored notice (public while it runs); rendered from
    what the PDF was rendered from, which remains the record. 409 for a notice issued
    before its input was kept and whose nomination's trail does not tell its period."""
    docx = await documents.notice_word(
        session, settings, user, document_id=document_id, now=clock.now()
    )
    return docx_response(docx.data, docx.name)


@router.get(
    "/decision-items/{item_id}/certificate.pdf",
    response_class=Response,
    responses={**PDF_RESPONSE, **error_responses(Unauthorized, NotFound, Conflict)},
)
async def certificate_pdf(
    item_id: DbId, session: ReadSessionDep, user: CurrentUser, get_rule_set: RuleSetLookupDep
) -> Response:
    """The Giấy khen (or title certificate) of one awardee of an issued decision, ready
    to print on A4 landscape, for whoever may see the awardee's nomination."""
    pdf = await documents.certificate(session, user, item_id=item_id, get_rule_set=get_rule_set)
    return pdf_response(pdf.data, pdf.name, sha256=pdf.sha256)
