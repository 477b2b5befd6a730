"""Documents as PDF files: the stored file of a document (public for issued decisions
and public notices), the draft preview of a decision for the people who will sign it,
and the Giấy khen of one awardee."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from activities.documents.certificate import render_certificate_pdf
from activities.documents.decision import render_decision_pdf
from activities.documents.types import DocumentError, RuleSetLookup
from domain.vocabulary import DecisionStatus, DocumentKind
from models import Decision, Document
from thidua.files import FileNotStored, FileStore
from thidua.settings import Settings

from ..errors import Conflict, Forbidden, NotFound, Unauthorized
from ..principal import Principal
from ..queries import decisions as decision_queries
from ..queries import documents as queries

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


async def _is_public(session: AsyncSession, document: Document) -> bool:
    """Issued decisions and public notices are public; everything else is not."""
    if document.kind == DocumentKind.PUBLIC_NOTICE:
        return True
    if document.kind == DocumentKind.DECISION and document.decision_id is not None:
        decision = await decision_queries.decision_by_id(session, decision_id=document.decision_id)
        return decision is not None and decision.status == DecisionStatus.ISSUED
    return False


async def stored_pdf(
    session: AsyncSession, settings: Settings, principal: Principal | None, *, document_id: int
) -> PdfFile:
    """The stored file of a document, byte for byte as issued; without a person (None)
    only an issued decision or a public notice."""
    document = await queries.document_by_id(session, document_id=document_id)
    if document is None:
        raise NotFound("Không tìm thấy văn bản", "No such document")
    if principal is None and not await _is_public(session, document):
        raise Unauthorized()
    try:
        data = await asyncio.to_thread(FileStore(settings.files_dir).get, document.storage_key)
    except FileNotStored as exc:
        raise NotFound(
            "Tệp của văn bản không còn trong kho lưu trữ", "The document's file is missing"
        ) from exc
    label = KIND_LABELS.get(document.kind, "Văn bản")
    return PdfFile(data, f"{label} {document.number_text or document.id}", document.sha256)


def _may_preview(principal: Principal, decision: Decision) -> bool:
    return principal.is_admin or decision.authority_id in principal.authority_ids()


async def decision_preview(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    get_rule_set: RuleSetLookup,
    today: date,
) -> PdfFile:
    """The decision as it will be signed, marked "DỰ THẢO" (draft), for the people of
    the deciding authority (403 for anyone else, and for a decision that does not exist)."""
    decision = await decision_queries.decision_by_id(session, decision_id=decision_id)
    if decision is None or not _may_preview(principal, decision):
        raise Forbidden()
    try:
        pdf = await render_decision_pdf(
            session, decision_id, draft=True, get_rule_set=get_rule_set, today=today
        )
    except DocumentError as exc:
        raise _domain_error(exc) from exc
    return PdfFile(pdf, f"du-thao-quyet-dinh-{decision_id}")


async def certificate(
    session: AsyncSession, *, item_id: int, get_rule_set: RuleSetLookup
) -> PdfFile:
    """The Giấy khen (or title certificate) of one awardee of an issued decision (409
    while the decision is not issued)."""
    item = await decision_queries.item_by_id(session, item_id=item_id)
    if item is None:
        raise NotFound("Không tìm thấy người được khen thưởng", "No such awardee")
    try:
        pdf = await render_certificate_pdf(session, item_id, get_rule_set=get_rule_set)
    except DocumentError as exc:
        raise _domain_error(exc) from exc
    return PdfFile(pdf, f"giay-khen {item.nominee_name}")
