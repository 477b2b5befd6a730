"""Documents as PDF files: the stored file of a document, the draft preview of a decision
for the people who will sign it, and the Giấy khen of one awardee. Who reads which is
decided in one place, ``document_audience``; a refusal answers what a missing id does."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from activities.documents.certificate import render_certificate_pdf
from activities.documents.decision import prepare_decision, render_decision_pdf
from activities.documents.minutes import minutes_context
from activities.documents.public_notice import public_notice_context, stored_notice_input
from activities.documents.types import DocumentError, DraftText, RuleSetLookup
from activities.documents.word import decision_docx, minutes_docx, public_notice_docx
from domain.vocabulary import DecisionStatus, DocumentKind
from models import Decision
from thidua.files import FileNotStored, FileStore
from thidua.settings import Settings
from workflows.decision import DecisionWorkflow

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


TemporalGetter = Callable[[], Awaitable[Client]]
# A cancelled draft was never rendered again; an issued one still answers (its Word copy).
EDITABLE_STATUSES = (
    DecisionStatus.DRAFT,
    DecisionStatus.AWAITING_SIGNATURE,
    DecisionStatus.RETURNED,
    DecisionStatus.ISSUED,
)


async def draft_text(temporal: TemporalGetter, decision: Decision) -> DraftText | None:
    """What the standing body edited in the draft that no column holds (legal grounds,
    recipients, reason), held by the decision's workflow (``edit_draft``; an issued
    decision's completed workflow still answers). A cancelled one, or one made outside a
    workflow, has none."""
    if not decision.workflow_id or decision.status not in EDITABLE_STATUSES:
        return None
    client = await temporal()
    try:
        view = await client.get_workflow_handle(decision.workflow_id).query(DecisionWorkflow.status)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            return None
        raise
    return view.draft_text


async def _readable_draft(
    session: AsyncSession, principal: Principal, decision_id: int
) -> Decision:
    decision = await decision_queries.decision_by_id(session, decision_id=decision_id)
    if decision is None or not may_read(principal, draft_audience(decision)):
        raise Forbidden()
    return decision


async def decision_preview(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    get_rule_set: RuleSetLookup,
    today: date,
    temporal: TemporalGetter | None = None,
) -> PdfFile:
    """The decision as it will be signed, marked "DỰ THẢO" (draft), for the people of
    the deciding authority (403 for anyone else, and for a decision that does not exist,
    as on every route of a decision), with the standing body's edits."""
    decision = await _readable_draft(session, principal, decision_id)
    edits = await draft_text(temporal, decision) if temporal is not None else None
    try:
        pdf = await render_decision_pdf(
            session,
            decision_id,
            draft=True,
            get_rule_set=get_rule_set,
            today=today,
            draft_text=edits,
        )
    except DocumentError as exc:
        raise _domain_error(exc) from exc
    return PdfFile(pdf, f"du-thao-quyet-dinh-{decision_id}")


@dataclass(frozen=True)
class DraftFields:
    """What the "Sửa dự thảo" form shows: the draft's editable parts as they read now
    (edited, or as generated)."""

    title: str
    legal_grounds: list[str]
    proposer_text: str
    recipients: list[str]
    reason_text: str


async def draft_fields(
    session: AsyncSession,
    decision: Decision,
    *,
    get_rule_set: RuleSetLookup,
    today: date,
    temporal: TemporalGetter,
) -> DraftFields | None:
    """The editable parts of a draft as the document says them now; None when the draft
    cannot be rendered (no awardee left, an unknown rule set)."""
    edits = await draft_text(temporal, decision)
    try:
        job = await prepare_decision(
            session,
            decision.id,
            get_rule_set=get_rule_set,
            draft=True,
            today=today,
            draft_text=edits,
        )
    except DocumentError:
        return None
    context = job.context
    return DraftFields(
        title=decision.title,
        legal_grounds=list(context["legal_bases"]),
        proposer_text=decision.proposer_text,
        recipients=list(context["recipient_lines"]),
        reason_text=context["reason_text"],
    )


async def decision_draft_docx(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    get_rule_set: RuleSetLookup,
    today: date,
    temporal: TemporalGetter,
) -> PdfFile:
    """The draft decision (or submission) as a Word file in the Decree 30/2020 layout,
    from the same data as the preview and the signed PDF; the same audience as the
    preview. An issued one is offered as issued (not marked "DỰ THẢO")."""
    decision = await _readable_draft(session, principal, decision_id)
    edits = await draft_text(temporal, decision)
    try:
        job = await prepare_decision(
            session,
            decision_id,
            get_rule_set=get_rule_set,
            draft=decision.status != DecisionStatus.ISSUED,
            today=today,
            draft_text=edits,
        )
    except DocumentError as exc:
        raise _domain_error(exc) from exc
    data = await asyncio.to_thread(decision_docx, job.context)
    label = "quyet-dinh" if decision.kind.value == "decision" else "to-trinh"
    return PdfFile(data, f"du-thao-{label}-{decision_id}")


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


async def minutes_word(
    session: AsyncSession,
    principal: Principal | None,
    *,
    document_id: int,
    now: datetime,
) -> PdfFile:
    """The minutes (biên bản) of a council session as a Word file, for the readers of the
    stored minutes (404 for anyone else, as for a missing id, and for a document that is
    not minutes). The stored PDF remains the record: the absent members' written
    opinions, which only the session's workflow held, are referred to it."""
    document = await queries.document_by_id(session, document_id=document_id)
    if (
        document is None
        or document.kind != DocumentKind.MINUTES
        or document.session_id is None
        or not await may_read_document(session, principal, document, now=now)
    ):
        raise NotFound("Không tìm thấy biên bản", "No such minutes")
    try:
        context, _ = await minutes_context(session, document.session_id)
    except DocumentError as exc:
        raise _domain_error(exc) from exc
    data = await asyncio.to_thread(minutes_docx, context)
    return PdfFile(data, f"bien-ban-{document.session_id}")


async def notice_word(
    session: AsyncSession,
    settings: Settings,
    principal: Principal | None,
    *,
    document_id: int,
    now: datetime,
) -> PdfFile:
    """A public notice (thông báo công khai) as a Word file, for the readers of the stored
    notice (everyone while it runs, then whoever may see its nomination; 404 for anyone
    else, as for a missing id, and for a document that is not a public notice), rendered
    from what the PDF was rendered from (``documents.render_input``, or for a notice
    issued before migration 0010, its nomination's audit trail). 409 when neither tells:
    the stored PDF is then the only copy."""
    document = await queries.document_by_id(session, document_id=document_id)
    if (
        document is None
        or document.kind != DocumentKind.PUBLIC_NOTICE
        or not await may_read_document(session, principal, document, now=now)
    ):
        raise NotFound("Không tìm thấy thông báo công khai", "No such public notice")
    data = await stored_notice_input(session, document)
    if data is None:
        raise Conflict(
            "Thông báo công khai này được ban hành trước khi hệ thống lưu dữ liệu để lập lại "
            "văn bản, nên không có bản Word: dùng bản PDF đã lưu",
            "This public notice was issued before its input was kept: only the stored PDF exists",
        )
    try:
        context = await public_notice_context(session, data, settings.resolved_public_base_url)
    except DocumentError as exc:
        raise _domain_error(exc) from exc
    docx = await asyncio.to_thread(public_notice_docx, context)
    return PdfFile(docx, f"thong-bao-cong-khai-{document.id}")
