"""Documents as PDF files: the stored file of a document, the draft preview of a decision
for the people who will sign it, and the Giấy khen of one awardee. Who reads which is
decided in one place, ``document_audience``; a refusal answers what a missing id does."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from activities.documents.certificate import render_certificate_pdf
from activities.documents.decision import render_decision_pdf
from activities.documents.types import DocumentError, RuleSetLookup
from domain.vocabulary import DocumentKind
from thidua.files import FileNotStored, FileStore
from thidua.settings import Settings

from ..errors import Conflict, Forbidden, NotFound
from ..principal import Principal
from ..queries import decisions as decision_queries
from ..queries import documents as queries
from .document_audience import (
    certificate_audience,
    draft_audience,
    may_read,
    may_read_document,
)

KIND_LABELS = {
    DocumentKind.DECISION: "Quyết định",
    DocumentKind.SUBMISSION: "Tờ trình",
    DocumentKind.MINUTES: "Biên bản",
    DocumentKind.PUBLIC_NOTICE: "Thông báo",
    DocumentKind.CERTIFICATE: "Giấy khen",
    DocumentKind.REPORT: "Báo cáo",
}


@dataclass(frozen=True)
class PdfFile:
    data: bytes
    name: str  # the title the file is offered under, e.g. "Quyết định 01/QĐ-UBND"
    sha256: str | None = None


def _domain_error(exc: DocumentError) -> Exception:
    if exc.code.endswith("NotFound"):
        return NotFound(exc.message_vi, exc.message_en)
    return Conflict(exc.message_vi, exc.message_en)


async def stored_pdf(
    session: AsyncSession,
    settings: Settings,
    principal: Principal | None,
    *,
    document_id: int,
    now: datetime,
) -> PdfFile:
    """The stored file of a document, byte for byte as issued, for its audience (None:
    not signed in); anyone else is told, like for a missing id, that there is none."""
    document = await queries.document_by_id(session, document_id=document_id)
    if document is None or not await may_read_document(session, principal, document, now=now):
        raise NotFound("Không tìm thấy văn bản", "No such document")
    try:
        data = await asyncio.to_thread(FileStore(settings.files_dir).get, document.storage_key)
    except FileNotStored as exc:
        raise NotFound(
            "Tệp của văn bản không còn trong kho lưu trữ", "The document's file is missing"
        ) from exc
    label = KIND_LABELS.get(document.kind, "Văn bản")
    return PdfFile(data, f"{label} {document.number_text or document.id}", document.sha256)


async def decision_preview(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    get_rule_set: RuleSetLookup,
    today: date,
) -> PdfFile:
    """The decision as it will be signed, marked "DỰ THẢO" (draft), for the people of
    the deciding authority (403 for anyone else, and for a decision that does not exist,
    as on every route of a decision)."""
    decision = await decision_queries.decision_by_id(session, decision_id=decision_id)
    if decision is None or not may_read(principal, draft_audience(decision)):
        raise Forbidden()
    try:
        pdf = await render_decision_pdf(
            session, decision_id, draft=True, get_rule_set=get_rule_set, today=today
        )
    except DocumentError as exc:
        raise _domain_error(exc) from exc
    return PdfFile(pdf, f"du-thao-quyet-dinh-{decision_id}")


async def certificate(
    session: AsyncSession, principal: Principal, *, item_id: int, get_rule_set: RuleSetLookup
) -> PdfFile:
    """The Giấy khen (or title certificate) of one awardee of an issued decision, for
    whoever may see the awardee's nomination (409 while the decision is not issued)."""
    item = await decision_queries.item_by_id(session, item_id=item_id)
    if item is None or not may_read(principal, await certificate_audience(session, item)):
        raise NotFound("Không tìm thấy người được khen thưởng", "No such awardee")
    try:
        pdf = await render_certificate_pdf(session, item_id, get_rule_set=get_rule_set)
    except DocumentError as exc:
        raise _domain_error(exc) from exc
    return PdfFile(pdf, f"giay-khen {item.nominee_name}")
