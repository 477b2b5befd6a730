"""Stored documents as PDF: issued decisions and public notices for anyone, the rest
for signed-in users; the draft preview of a decision for the signing page; the Giấy
khen of one awardee."""

from __future__ import annotations

import asyncio
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from activities.documents import (
    DocumentError,
    RuleSetLookup,
    render_certificate_pdf,
    render_decision_pdf,
)
from domain.catalogue import Catalogue, load_catalogue
from domain.vocabulary import DecisionStatus, DocumentKind
from models import Decision, DecisionItem, Document
from models.schemas.common import DbId
from thidua.files import FileNotStored, FileStore

from ..deps import ClockDep, CurrentUser, OptionalUser, ReadSessionDep, SettingsDep
from ..errors import Conflict, Forbidden, NotFound, Unauthorized, error_responses
from ..principal import Principal

router = APIRouter(prefix="/api/v1", tags=["documents"])

KIND_LABELS = {
    DocumentKind.DECISION: "Quyết định",
    DocumentKind.SUBMISSION: "Tờ trình",
    DocumentKind.MINUTES: "Biên bản",
    DocumentKind.PUBLIC_NOTICE: "Thông báo",
    DocumentKind.CERTIFICATE: "Giấy khen",
    DocumentKind.REPORT: "Báo cáo",
}
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
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "van-ban"


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


def _domain_error(exc: DocumentError) -> Exception:
    if exc.code.endswith("NotFound"):
        return NotFound(exc.message_vi, exc.message_en)
    return Conflict(exc.message_vi, exc.message_en)


async def _is_public(session, document: Document) -> bool:
    """Issued decisions and public notices are public; everything else is not."""
    if document.kind == DocumentKind.PUBLIC_NOTICE:
        return True
    if document.kind == DocumentKind.DECISION and document.decision_id is not None:
        decision = await session.get(Decision, document.decision_id)
        return decision is not None and decision.status == DecisionStatus.ISSUED
    return False


@router.get(
    "/documents/{document_id}/pdf",
    response_class=Response,
    responses={**PDF_RESPONSE, **error_responses(Unauthorized, NotFound)},
)
async def document_pdf(
    document_id: DbId, session: ReadSessionDep, settings: SettingsDep, user: OptionalUser
) -> Response:
    """The stored file of a document, byte for byte as issued (signed decisions keep
    their signature). Public for issued decisions and public notices."""
    document = await session.get(Document, document_id)
    if document is None:
        raise NotFound("Không tìm thấy văn bản", "No such document")
    if user is None and not await _is_public(session, document):
        raise Unauthorized()
    try:
        data = await asyncio.to_thread(FileStore(settings.files_dir).get, document.storage_key)
    except FileNotStored as exc:
        raise NotFound(
            "Tệp của văn bản không còn trong kho lưu trữ", "The document's file is missing"
        ) from exc
    label = KIND_LABELS.get(document.kind, "Văn bản")
    name = f"{label} {document.number_text or document.id}"
    return pdf_response(data, name, sha256=document.sha256)


def _may_preview(user: Principal, decision: Decision) -> bool:
    return user.is_admin or decision.authority_id in user.authority_ids()


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
) -> Response:
    """The decision as it will be signed, marked "DỰ THẢO" (draft), for the signing page:
    for the people of the deciding authority (its leaders, council and standing body)."""
    decision = await session.get(Decision, decision_id)
    if decision is None or not _may_preview(user, decision):
        raise Forbidden()
    try:
        pdf = await render_decision_pdf(
            session, decision_id, draft=True, get_rule_set=get_rule_set, today=clock.today()
        )
    except DocumentError as exc:
        raise _domain_error(exc) from exc
    return pdf_response(pdf, f"du-thao-quyet-dinh-{decision_id}")


@router.get(
    "/decision-items/{item_id}/certificate.pdf",
    response_class=Response,
    responses={**PDF_RESPONSE, **error_responses(Unauthorized, NotFound, Conflict)},
)
async def certificate_pdf(
    item_id: DbId, session: ReadSessionDep, _user: CurrentUser, get_rule_set: RuleSetLookupDep
) -> Response:
    """The Giấy khen (or title certificate) of one awardee of an issued decision, ready
    to print on A4 landscape."""
    item = await session.get(DecisionItem, item_id)
    if item is None:
        raise NotFound("Không tìm thấy người được khen thưởng", "No such awardee")
    try:
        pdf = await render_certificate_pdf(session, item_id, get_rule_set=get_rule_set)
    except DocumentError as exc:
        raise _domain_error(exc) from exc
    return pdf_response(pdf, f"giay-khen {item.nominee_name}")
