"""One signed document for many nominations: ``decision-<id>``.

A decision (quyết định) grants the awards this level decides; a submission (tờ trình)
forwards nominations to the next level. The standing body drafts it; the workflow asks
each nomination to join (a nomination that was withdrawn meanwhile declines), then waits
for the signer: the chairman, or a vice-chairman the chairman delegated ("KT. CHỦ TỊCH /
PHÓ CHỦ TỊCH"). Signing renders and signs the PDF (an activity), its number and date left
blank; a clerk (văn thư) of the authority then numbers, dates and issues it (``issue``: the
number and date filled in, the organisation's digital signature, its seal, over the
signer's, Decree 30/2020), and only then every nomination hears that it was granted or
forwarded. (Patched "clerk-issue": decisions signed before it were issued by the signature
itself; "clerk-numbers": before it, the signature gave the number and date.)

Updates: sign, issue, delegate, send_back, resubmit, remove_item, edit_draft, cancel, and
for signing on the signer's own computer start_external_signing,
submit_external_signature, withdraw_external_signing. Signal: inclusion_ack. ``edit_draft``: the standing body edits the title, legal grounds, proposer
line, recipients, order of awardees and a reason before signing; the title, proposer line
and order go onto the decision's row, the rest is held here (``DraftText``) and given to
every rendering (the preview, the .docx, the signed PDF).
Query: status. The signer may send the draft back to the standing body with a reason
(``RETURNED``): reminders and escalation stop, the standing body takes items out or
cancels, then submits it again, which starts a new signature period.
Timers: the wait for every nomination to confirm its place (one that has not after
``ACK_TIMEOUT`` is left out of the document, in the audit trail), reminders to the signer,
escalation to the standing body when overdue.

The audit trail and the nominations' signals name who acted: the drafter, the signer (a
vice-chairman "KT. CHỦ TỊCH", with the chairman who delegated), whoever removed an item
or cancelled; what the workflow does by itself cites its rule (``workflows.engine_rules``).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, TimeoutType
from temporalio.exceptions import TimeoutError as ActivityTimeout

from domain.calendar import VIETNAM_TZ, WorkingCalendar
from domain.vocabulary import DecisionKind, DecisionStatus, Role, SignerCapacity

from .common import (
    ACK_TIMEOUT,
    DOCUMENT_RETRY,
    DOCUMENT_TIMEOUT,
    MAX_TEXT,
    RECORD_RETRY,
    RECORD_TIMEOUT,
    SIGNING_HOST_WAIT,
    signal_workflow,
)
from .contracts import ActedBy, Actor, NoticeRequest, Recipient
from .decision_types import (
    ASSEMBLY_RETRY_AFTER_SECONDS,
    CHAIRMAN_ONLY,
    CLERK_ONLY,
    EXTERNAL_SIGNATURE_MIN_WINDOW,
    MAX_DRAFT_LINE,
    MAX_DRAFT_LINES,
    MAX_DRAFT_REASON,
    MAX_DRAFT_TITLE,
    MAX_SIGNATURE_B64,
    SIGNER_ONLY,
    CancelCommand,
    DecisionChange,
    DecisionInput,
    DecisionStatusView,
    DelegateCommand,
    EditDraftCommand,
    ExternalSignatureRequest,
    InclusionAck,
    IssueCommand,
    RemoveItemCommand,
    ResubmitCommand,
    SendBackCommand,
    SignCommand,
    SignResult,
    SubmitExternalSignatureCommand,
    WithdrawSignatureRequestCommand,
    may_cancel,
    may_delegate,
    may_edit_draft,
    may_issue,
    may_sign,
)
from .engine_rules import ACK_TIMEOUT as ACK_TIMEOUT_RULE
from .engine_rules import (
    EMPTY_DRAFT,
    ESCALATION,
    EXTERNAL_SIGNATURE_TIMEOUT,
    NOT_AWAITING,
    SIGNATURE_REQUEST,
)
from .errors import conflict, forbidden, invalid, not_ready, wrong_stage
from .nomination_types import (
    DOCUMENT_ISSUED,
    DOCUMENT_WITHDRAWN,
    INCLUDED_IN_DOCUMENT,
    DocumentIssued,
    DocumentPlacement,
    DocumentWithdrawn,
)
from .notify import Notifier

with workflow.unsafe.imports_passed_through():
    from activities.documents.activities import DocumentActivities
    from activities.documents.phrasing import head_word
    from activities.documents.types import (
        DraftText,
        FinishDecisionSignatureInput,
        IssuedDecision,
        IssueDecisionInput,
        IssueSignedInput,
        PreparedDecisionSignature,
    )
    from activities.projection import ProjectionActivities


@workflow.defn
class DecisionWorkflow:
    @workflow.init
    def __init__(self, input: DecisionInput) -> None:
        self._in = input
        self._calendar = WorkingCalendar(input.calendar)
        self._notifier = Notifier()
        self._items = {item.nomination_id: item for item in input.items}
        self._acks: dict[int, bool] = {}
        self._status = DecisionStatus.DRAFT
        self._signer: tuple[int, str] | None = None  # a delegated vice-chairman
        self._delegated_by: Actor | None = None  # the chairman who delegated
        self._signed_by: ActedBy | None = None
        self._cancelled_by: ActedBy | None = None  # None: cancelled by a rule
        self._signing = False
        self._issuing = False  # the clerk's issue is under way
        # The signer's signature (the number, the signed document): since "clerk-issue",
        # the document is issued when a clerk applies the organisation's signature.
        self._issued: SignResult | None = None
        self._cancel_reason: str | None = None
        self._due: datetime | None = None
        self._seq = 0
        # How many times the draft was sent back and submitted again: each signature
        # period has its own reminders and escalation (their notice keys carry it).
        self._round = 0
        # The standing body's edits that no column holds (edit_draft); None: none.
        self._draft_text: DraftText | None = None
        # Signing on the signer's own computer ("external-signature"): the prepared
        # decision (its PDF in the file store) and what the agent must sign, while pending.
        self._prepared: PreparedDecisionSignature | None = None
        self._request: ExternalSignatureRequest | None = None
        self._request_round = 0
        self._finishing = False  # the agent's answer is being embedded
        self._lapse: asyncio.Task[None] | None = None  # the request's deadline

    @workflow.run
    async def run(self, input: DecisionInput) -> DecisionStatusView:
        drafter = ActedBy.of(input.drafted_by, Role.STANDING_OFFICER)
        await self._record(self._change("drafted", actor=drafter))
        placement = DocumentPlacement(
            decision_id=input.decision_id,
            decision_workflow_id=workflow.info().workflow_id,
            kind=input.kind,
            drafted_by=drafter,
        )
        for item in input.items:
            try:
                await signal_workflow(item.nomination_workflow_id, INCLUDED_IN_DOCUMENT, placement)
            except ApplicationError:
                self._acks[item.nomination_id] = False
        await self._wait_for_acks()
        declined = [n for n, ok in self._acks.items() if not ok and n in self._items]
        for nomination_id in declined:
            del self._items[nomination_id]
        if declined:
            numbers = ", ".join(str(n) for n in declined)
            change = self._change(
                "items_declined",
                reason=NOT_AWAITING.cite(
                    f"Đề nghị số {numbers} không còn chờ văn bản này: không có trong dự thảo",
                    f"nomination {numbers} no longer waits for this document: left out",
                ),
            )
            change.removed_nomination_ids = declined
            await self._record(change)
        if not self._items:
            self._cancel_reason = _empty_draft()

        if self._cancel_reason is None:
            self._status = DecisionStatus.AWAITING_SIGNATURE
            self._due = self._calendar.due_moment(workflow.now(), input.signature)
            await self._record(
                self._change(
                    "signature_requested",
                    reason=SIGNATURE_REQUEST.cite(
                        f"Trình ký, hạn ký {_when(self._due)}",
                        f"sent to the signer, due {_when(self._due)}",
                    ),
                )
            )
            self._notify("signature_requested", self._signer_recipients())
            await self._wait_for_signature()
            # Sent back: nothing to remind of until the standing body submits it again
            # (resubmit) or gives up (cancel, or the last item taken out).
            while self._status == DecisionStatus.RETURNED and self._cancel_reason is None:
                await workflow.wait_condition(
                    lambda: (
                        self._status != DecisionStatus.RETURNED or self._cancel_reason is not None
                    )
                )
                if self._cancel_reason is None:
                    await self._wait_for_signature()

        if (
            self._cancel_reason is None
            and self._status == DecisionStatus.SIGNED
            and self._clerk_step()
        ):
            # Signed: issued once a clerk applies the organisation's signature (``issue``).
            await workflow.wait_condition(lambda: self._status == DecisionStatus.ISSUED)

        if self._cancel_reason is not None:
            await self._withdraw_all(self._cancel_reason)
            self._status = DecisionStatus.CANCELLED
            await self._record(
                self._change("cancelled", actor=self._cancelled_by, reason=self._cancel_reason)
            )
        else:
            await self._announce_issued()
        # Handlers may still queue a notice: let them finish, then wait for every notice.
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._notifier.drain()
        return self.status()

    async def _wait_for_acks(self) -> None:
        """Every nomination confirms or declines its place in the draft. Those that have
        not answered after ACK_TIMEOUT are left out, in the audit trail, and told so; the
        others go on to signature. (Patched: drafts made before the bound wait without
        one.)"""
        answered = lambda: len(self._acks) == len(self._items)  # noqa: E731
        if not workflow.patched("bounded-inclusion-ack"):
            await workflow.wait_condition(answered)
            return
        try:
            await workflow.wait_condition(answered, timeout=ACK_TIMEOUT)
            return
        except TimeoutError:
            if answered():
                return
        missing = [n for n in self._items if n not in self._acks]
        numbers = ", ".join(str(n) for n in missing)
        minutes = int(ACK_TIMEOUT.total_seconds() // 60)
        reason = ACK_TIMEOUT_RULE.cite(
            f"Đề nghị số {numbers} không xác nhận việc đưa vào dự thảo sau {minutes} phút: "
            "không có trong văn bản này",
            f"nomination {numbers} did not confirm its place in the draft within {minutes} "
            "minutes: left out of this document",
        )
        workflow.logger.error("%s: %s", workflow.info().workflow_id, reason)
        left_out = []
        for nomination_id in missing:
            self._acks[nomination_id] = False
            left_out.append(self._items.pop(nomination_id))
        change = self._change("items_unconfirmed", reason=reason)
        change.removed_nomination_ids = missing
        await self._record(change)
        # Should one wake up, it finds this after the placement: it waits for a document
        # again.
        for item in left_out:
            await self._tell_withdrawn(item.nomination_workflow_id, reason)

    async def _wait_for_signature(self) -> None:
        """Reminders, then escalation, until the document is signed or cancelled, or the
        signer sends it back (histories without a send-back wait exactly as before)."""
        done = lambda: (  # noqa: E731
            self._issued is not None
            or self._cancel_reason is not None
            or self._status == DecisionStatus.RETURNED
        )
        round_suffix = f"-{self._round}" if self._round else ""
        assert self._due is not None
        moments = self._calendar.reminder_moments(self._due, self._in.reminder_working_days)
        for index, moment in enumerate(moments):
            if moment <= workflow.now():
                continue
            try:
                await workflow.wait_condition(done, timeout=moment - workflow.now())
                return
            except TimeoutError:
                if not done() and not self._signing:
                    self._notify(
                        "reminder", self._signer_recipients(), suffix=f"r{index}{round_suffix}"
                    )
        remaining = self._due - workflow.now()
        if remaining > timedelta(0):
            try:
                await workflow.wait_condition(done, timeout=remaining)
                return
            except TimeoutError:
                pass
        if not done():
            await self._record(
                self._change(
                    "escalated",
                    reason=ESCALATION.cite(
                        f"Văn bản chưa được ký trong thời hạn ({_when(self._due)}): báo cơ quan "
                        "thường trực và người ký",
                        f"not signed within the time limit ({_when(self._due)}): the standing "
                        "body and the signer are told",
                    ),
                )
            )
            self._notify(
                "escalation",
                [Recipient(role=Role.STANDING_OFFICER, unit_id=self._in.standing_unit_id)]
                + self._signer_recipients(),
                suffix=f"round{self._round}" if self._round else "",
            )
        await workflow.wait_condition(done)

    async def _announce_issued(self) -> None:
        issued = self._issued
        assert issued is not None and issued.issued_on is not None
        message = DocumentIssued(
            decision_id=self._in.decision_id,
            kind=self._in.kind,
            number_text=issued.number_text,
            document_id=issued.document_id,
            issued_on=issued.issued_on,
            signed_by=self._signed_by,
        )
        for item in self._items.values():
            try:
                await signal_workflow(item.nomination_workflow_id, DOCUMENT_ISSUED, message)
            except ApplicationError:
                workflow.logger.warning(
                    "nomination %s closed before the decision reached it", item.nomination_id
                )
        # The proposing units hear that their nominations were granted or went up. The next
        # level's standing body is not told here: each forwarded nomination tells it, once,
        # that it has a dossier to receive and check.
        units = sorted({item.proposing_unit_id for item in self._items.values()})
        recipients = [Recipient(role=Role.UNIT_OFFICER, unit_id=u) for u in units]
        self._notify(
            "granted" if self._in.kind == DecisionKind.DECISION else "forwarded",
            recipients,
            decision_number=issued.number_text,
        )

    async def _withdraw_all(self, reason: str) -> None:
        for item in self._items.values():
            await self._tell_withdrawn(item.nomination_workflow_id, reason, self._cancelled_by)

    async def _tell_withdrawn(
        self, workflow_id: str, reason: str, by: ActedBy | None = None
    ) -> None:
        try:
            await signal_workflow(
                workflow_id,
                DOCUMENT_WITHDRAWN,
                DocumentWithdrawn(self._in.decision_id, reason, by=by),
            )
        except ApplicationError:
            pass  # the nomination is already closed

    # ---- commands ------------------------------------------------------------------------

    @workflow.update
    async def sign(self, command: SignCommand) -> SignResult:
        self._signing = True
        capacity = SignerCapacity.DEPUTY if self._signer else SignerCapacity.CHAIRMAN
        # Since "clerk-issue" the signer signs and a clerk issues (Decree 30); documents
        # signed before were issued by the signature itself.
        clerk_step = self._clerk_step()
        try:
            issued = await workflow.execute_activity_method(
                DocumentActivities.sign_decision
                if clerk_step
                else DocumentActivities.issue_decision,
                self._document_input(
                    command.actor, capacity, clerk_numbers=clerk_step and self._clerk_numbers()
                ),
                start_to_close_timeout=DOCUMENT_TIMEOUT,
                retry_policy=DOCUMENT_RETRY,
                **self._on_signing_host(),
            )
        except ActivityError as error:
            self._signing = False
            raise _failed(
                error, "Không ký được văn bản", "the document could not be signed"
            ) from None
        return await self._signed(issued, command.actor, clerk_step=clerk_step)

    def _document_input(
        self, actor: Actor, capacity: SignerCapacity, *, clerk_numbers: bool
    ) -> IssueDecisionInput:
        """What the signing activities number, render and sign (or prepare) from;
        ``clerk_numbers``: the number and date are left blank for the clerk."""
        return IssueDecisionInput(
            decision_id=self._in.decision_id,
            signer_user_id=actor.user_id,
            capacity=capacity,
            signed_at=workflow.now(),
            draft_text=self._draft_text,
            clerk_numbers=clerk_numbers,
        )

    async def _signed(
        self, issued: IssuedDecision, actor: Actor, *, clerk_step: bool
    ) -> SignResult:
        """The signer's signature is on the document (on the server or from their own
        computer): the trail, and the clerk is asked to issue it."""
        self._issued = SignResult(
            decision_id=issued.decision_id,
            number_text=issued.number_text,
            document_id=issued.document_id,
            issued_on=issued.issued_on,
            sha256=issued.sha256,
        )
        self._status = DecisionStatus.SIGNED if clerk_step else DecisionStatus.ISSUED
        self._signed_by = self._signer_of(actor)
        # Signed without a number since "clerk-numbers": the clerk gives it at issue.
        reason = f"Số {issued.number_text}" if issued.number_text else "Chưa cấp số"
        if self._signed_by.capacity:
            reason += (
                f"; ký {self._signed_by.capacity}: {self._signed_by.name}, thay "
                f"{self._signed_by.on_behalf_of} (được giao ký)"
            )
        if not clerk_step:
            await self._record(self._change("issued", actor=self._signed_by, reason=reason))
            return self._issued
        waiting = (
            "; chờ văn thư phát hành"
            if issued.number_text
            else "; chờ văn thư cấp số, ghi ngày và phát hành"
        )
        await self._record(self._change("signed", actor=self._signed_by, reason=reason + waiting))
        self._notify(
            "issue_requested",
            [Recipient(role=Role.CLERK, unit_id=self._in.authority_unit_id)],
            decision_number=issued.number_text,
        )
        return self._issued

    # ---- signing on the signer's own computer ("external-signature") ------------------

    @workflow.update
    async def start_external_signing(self, command: SignCommand) -> ExternalSignatureRequest:
        """The designated signer signs with their own token and their CA's signing agent
        (THIDUA_EXTERNAL_SIGNERS): the decision is numbered, rendered and prepared (an
        activity; the PDF stays in the file store), and the request (what the agent signs)
        is answered and held until ``submit_external_signature`` or its deadline
        (``EXTERNAL_SIGNATURE_TIMEOUT``: back to awaiting a signature)."""
        workflow.patched("external-signature")
        self._signing = True
        capacity = SignerCapacity.DEPUTY if self._signer else SignerCapacity.CHAIRMAN
        try:
            prepared = await workflow.execute_activity_method(
                DocumentActivities.prepare_decision_signature,
                self._document_input(command.actor, capacity, clerk_numbers=self._clerk_numbers()),
                start_to_close_timeout=DOCUMENT_TIMEOUT,
                retry_policy=DOCUMENT_RETRY,
            )
        except ActivityError as error:
            self._signing = False
            raise _failed(
                error,
                "Không chuẩn bị được văn bản để ký",
                "the document could not be prepared for signing",
            ) from None
        now = workflow.now()
        assert self._due is not None
        expires = max(self._due, now + EXTERNAL_SIGNATURE_MIN_WINDOW)
        self._prepared = prepared
        self._request_round += 1
        self._request = ExternalSignatureRequest(
            signer_user_id=command.actor.user_id,
            number_text=prepared.number_text,
            to_sign_b64=prepared.signed_attributes_b64,
            digest_b64=prepared.digest_to_sign_b64,
            algorithm=prepared.algorithm,
            certificate_sha256=prepared.certificate_sha256,
            requested_at=now,
            expires_at=expires,
            pdf_storage_key=prepared.storage_key,
        )
        await self._record(
            self._change(
                "external_signature_requested",
                actor=self._signer_of(command.actor),
                reason=(f"Số {prepared.number_text}; " if prepared.number_text else "")
                + f"chờ chữ ký từ thiết bị ký số trên máy của người ký, đến {_when(expires)}",
            )
        )
        # Kept on the workflow so that it is not collected before its timer fires.
        self._lapse = asyncio.create_task(self._lapse_request(self._request_round, expires))
        return self._request

    @start_external_signing.validator
    def _validate_start_external_signing(self, command: SignCommand) -> None:
        self._validate_sign(command)

    async def _lapse_request(self, round_: int, expires: datetime) -> None:
        """The request lapses at ``expires`` unless answered: the document waits for a
        signature again (a number given when it was prepared stays reserved for it), in the
        audit trail."""
        pending = lambda: self._request is not None and self._request_round == round_  # noqa: E731
        try:
            await workflow.wait_condition(lambda: not pending(), timeout=expires - workflow.now())
            return
        except TimeoutError:
            pass
        await workflow.wait_condition(lambda: not self._finishing)
        if not pending():
            return
        self._request = None
        self._prepared = None
        self._signing = False
        await self._record(
            self._change(
                "external_signature_lapsed",
                reason=EXTERNAL_SIGNATURE_TIMEOUT.cite(
                    f"Không nhận được chữ ký từ máy của người ký đến {_when(expires)}: văn bản "
                    "trở lại chờ ký",
                    f"no signature came from the signer's computer by {_when(expires)}: the "
                    "document waits for a signature again",
                ),
            )
        )

    @workflow.update
    async def withdraw_external_signing(
        self, command: WithdrawSignatureRequestCommand
    ) -> DecisionStatusView:
        """The signer withdraws the pending request (their agent will not answer, or they
        will sign another way): the document waits for a signature again, in the trail.
        Refused to anyone but the request's signer, and while an answer is embedded."""
        self._request = None
        self._prepared = None
        self._signing = False
        await self._record(
            self._change(
                "external_signature_withdrawn",
                actor=self._signer_of(command.actor),
                reason="Người ký rút yêu cầu ký trên máy của mình: văn bản trở lại chờ ký",
            )
        )
        return self.status()

    @withdraw_external_signing.validator
    def _validate_withdraw_external_signing(self, command: WithdrawSignatureRequestCommand) -> None:
        self._require_not_closed()
        if self._request is None:
            raise conflict(
                "Không có yêu cầu ký nào đang chờ chữ ký / no signature request is pending"
            )
        if command.actor.user_id != self._request.signer_user_id:
            raise forbidden(" / ".join(SIGNER_ONLY))
        if self._finishing:
            raise conflict("Chữ ký đang được xử lý / the signature is being embedded")

    @workflow.update
    async def submit_external_signature(
        self, command: SubmitExternalSignatureCommand
    ) -> SignResult:
        """The signer's agent answered: the signature is checked against the prepared
        certificate and embedded (PAdES B-LT); the document is then signed, like a
        server-side signature, and waits for the clerk. An answer that is not a signature
        of the prepared data by that certificate is refused (``signature``) and the request
        stays open."""
        assert self._prepared is not None and self._request is not None
        self._finishing = True
        prepared = self._prepared
        capacity = SignerCapacity.DEPUTY if self._signer else SignerCapacity.CHAIRMAN
        try:
            issued = await workflow.execute_activity_method(
                DocumentActivities.finish_decision_signature,
                FinishDecisionSignatureInput(
                    decision_id=self._in.decision_id,
                    signer_user_id=command.actor.user_id,
                    capacity=capacity,
                    signed_at=workflow.now(),
                    prepared=prepared,
                    signature_b64=command.signature_b64.strip(),
                ),
                start_to_close_timeout=DOCUMENT_TIMEOUT,
                retry_policy=DOCUMENT_RETRY,
            )
        except ActivityError as error:
            cause = error.cause
            if isinstance(cause, ApplicationError) and cause.type == "ExternalSignatureRejected":
                vi, _, en = (cause.message or "").partition(" / ")
                raise invalid("signature", vi, en or vi) from None
            raise _failed(
                error, "Không ký được văn bản", "the document could not be signed"
            ) from None
        finally:
            self._finishing = False
        self._request = None
        self._prepared = None
        return await self._signed(issued, command.actor, clerk_step=True)

    @submit_external_signature.validator
    def _validate_submit_external_signature(self, command: SubmitExternalSignatureCommand) -> None:
        delegated_to = self._signer[0] if self._signer is not None else None
        if not may_sign(
            command.actor, authority_unit_id=self._in.authority_unit_id, delegated_to=delegated_to
        ):
            raise forbidden(" / ".join(SIGNER_ONLY))
        self._require_not_closed()
        if self._request is None:
            raise conflict(
                "Không có yêu cầu ký nào đang chờ chữ ký / no signature request is pending"
            )
        if command.actor.user_id != self._request.signer_user_id:
            raise forbidden(" / ".join(SIGNER_ONLY))
        if self._finishing:
            raise conflict("Chữ ký đang được xử lý / the signature is being embedded")
        signature = command.signature_b64.strip()
        if not signature or len(signature) > MAX_SIGNATURE_B64:
            raise invalid(
                "signature",
                f"Chữ ký phải là dữ liệu base64, tối đa {MAX_SIGNATURE_B64} ký tự",
                f"the signature must be base64, at most {MAX_SIGNATURE_B64} characters",
            )

    @workflow.update
    async def issue(self, command: IssueCommand) -> SignResult:
        """The clerk (văn thư) applies the organisation's digital signature (its seal,
        name and the signing time) over the signer's and issues the document; then every
        nomination hears of it. Refused to anyone but a clerk of the authority, and before
        the document is signed."""
        self._issuing = True
        try:
            issued = await workflow.execute_activity_method(
                DocumentActivities.issue_signed_decision,
                IssueSignedInput(
                    decision_id=self._in.decision_id,
                    clerk_user_id=command.actor.user_id,
                    issued_at=workflow.now(),
                ),
                start_to_close_timeout=DOCUMENT_TIMEOUT,
                retry_policy=DOCUMENT_RETRY,
                **self._on_signing_host(),
            )
        except ActivityError as error:
            self._issuing = False
            raise _failed(
                error, "Không phát hành được văn bản", "the document could not be issued"
            ) from None
        assert self._issued is not None
        # Since "clerk-numbers" the number and the date are the clerk's, given now.
        self._issued = replace(
            self._issued,
            document_id=issued.document_id,
            sha256=issued.sha256,
            number_text=issued.number_text,
            issued_on=issued.issued_on,
        )
        self._status = DecisionStatus.ISSUED
        await self._record(
            self._change(
                "issued",
                actor=ActedBy.of(command.actor, Role.CLERK),
                reason=f"Số {issued.number_text}; văn thư ký số của cơ quan và phát hành",
            )
        )
        return self._issued

    @issue.validator
    def _validate_issue(self, command: IssueCommand) -> None:
        if not may_issue(command.actor, authority_unit_id=self._in.authority_unit_id):
            raise forbidden(" / ".join(CLERK_ONLY))
        if self._cancel_reason is not None or self._status == DecisionStatus.CANCELLED:
            raise wrong_stage(DecisionStatus.CANCELLED.value, "the document was cancelled")
        if self._status == DecisionStatus.ISSUED:
            raise wrong_stage(
                DecisionStatus.ISSUED.value,
                "Văn bản đã được phát hành / the document is already issued",
            )
        if self._status != DecisionStatus.SIGNED:
            raise wrong_stage(
                self._status.value,
                "Văn bản chưa được người có thẩm quyền ký / the document is not signed yet",
            )
        if self._issuing:
            raise conflict("Văn bản đang được phát hành / the document is being issued")

    @sign.validator
    def _validate_sign(self, command: SignCommand) -> None:
        delegated_to = self._signer[0] if self._signer is not None else None
        if not may_sign(
            command.actor, authority_unit_id=self._in.authority_unit_id, delegated_to=delegated_to
        ):
            raise forbidden(" / ".join(SIGNER_ONLY))
        self._require_open_for_signature()

    def _signer_of(self, actor: Actor) -> ActedBy:
        """The signer as the trail names them: a vice-chairman signs "KT. CHỦ TỊCH" for
        the chairman who delegated."""
        if self._signer is None:
            return ActedBy.of(actor, Role.CHAIRMAN)
        head = head_word(self._in.head_title)
        chairman = self._delegated_by.name if self._delegated_by else ""
        return replace(
            ActedBy.of(actor, Role.VICE_CHAIRMAN),
            capacity=f"KT. {head}",
            on_behalf_of=f"{head.capitalize()} {chairman}".strip(),
        )

    @workflow.update
    async def delegate(self, command: DelegateCommand) -> DecisionStatusView:
        self._signer = (command.to_user_id, command.to_user_name)
        self._delegated_by = command.actor
        change = self._change(
            "delegated",
            actor=ActedBy.of(command.actor, Role.CHAIRMAN),
            reason=_delegation_reason(command),
        )
        await self._record(change)
        self._notify(
            "signature_requested",
            [Recipient(user_id=command.to_user_id)],
            suffix=f"delegated-{command.to_user_id}",
        )
        return self.status()

    @delegate.validator
    def _validate_delegate(self, command: DelegateCommand) -> None:
        if not may_delegate(command.actor, authority_unit_id=self._in.authority_unit_id):
            raise forbidden(" / ".join(CHAIRMAN_ONLY))
        self._require_open_for_signature()
        if command.to_user_id == command.actor.user_id or command.to_user_id <= 0:
            raise invalid("to_user_id", "Chọn một Phó Chủ tịch", "choose a vice-chairman")

    @workflow.update
    async def send_back(self, command: SendBackCommand) -> DecisionStatusView:
        """The signer returns the draft to the standing body for correction, items intact;
        the reminders to the signer stop until it is submitted again."""
        self._status = DecisionStatus.RETURNED
        self._round += 1
        signer = self._signer_of(command.actor)
        await self._record(self._change(action="sent_back", actor=signer, reason=command.reason))
        self._notify(
            "document_sent_back",
            [Recipient(role=Role.STANDING_OFFICER, unit_id=self._in.standing_unit_id)],
            suffix=f"{self._round}",
            reason=command.reason,
        )
        return self.status()

    @send_back.validator
    def _validate_send_back(self, command: SendBackCommand) -> None:
        delegated_to = self._signer[0] if self._signer is not None else None
        if not may_sign(
            command.actor, authority_unit_id=self._in.authority_unit_id, delegated_to=delegated_to
        ):
            raise forbidden(" / ".join(SIGNER_ONLY))
        self._require_open_for_signature()
        _require_reason(command.reason)

    @workflow.update
    async def resubmit(self, command: ResubmitCommand) -> DecisionStatusView:
        """The standing body submits the corrected draft again: a new signature period."""
        self._status = DecisionStatus.AWAITING_SIGNATURE
        self._due = self._calendar.due_moment(workflow.now(), self._in.signature)
        note = command.note.strip()
        reason = f"Trình ký lại, hạn ký {_when(self._due)}" + (f": {note}" if note else "")
        await self._record(
            self._change(
                "signature_requested",
                actor=ActedBy.of(command.actor, Role.STANDING_OFFICER),
                reason=reason,
            )
        )
        self._notify(
            "signature_requested", self._signer_recipients(), suffix=f"resubmitted-{self._round}"
        )
        return self.status()

    @resubmit.validator
    def _validate_resubmit(self, command: ResubmitCommand) -> None:
        self._require_drafter(command.actor)
        self._require_not_closed()
        if self._status != DecisionStatus.RETURNED:
            raise wrong_stage(
                self._status.value,
                "Văn bản không ở trạng thái bị trả lại / the document was not sent back",
            )

    @workflow.update
    async def remove_item(self, command: RemoveItemCommand) -> DecisionStatusView:
        item = self._items.pop(command.nomination_id)
        remover = ActedBy.of(command.actor, Role.STANDING_OFFICER)
        change = self._change("item_removed", actor=remover, reason=command.reason)
        change.removed_nomination_ids = [command.nomination_id]
        await self._record(change)
        await self._tell_withdrawn(item.nomination_workflow_id, command.reason, remover)
        if not self._items:
            self._cancel_reason = _empty_draft()
        return self.status()

    @remove_item.validator
    def _validate_remove(self, command: RemoveItemCommand) -> None:
        self._require_drafter(command.actor)
        self._require_open_for_signature(returned_too=True)
        if command.nomination_id not in self._items:
            raise invalid(
                "nomination_id",
                "Đề nghị không có trong dự thảo",
                "this nomination is not in the draft",
            )
        _require_reason(command.reason)

    @workflow.update
    async def edit_draft(self, command: EditDraftCommand) -> DecisionStatusView:
        """The standing body edits the draft before signing; the audit trail names who
        edited and what."""
        text = self._draft_text or DraftText()
        changed: list[str] = []
        if command.legal_grounds is not None:
            text = replace(text, legal_grounds=_lines(command.legal_grounds))
            changed.append("căn cứ")
        if command.recipients is not None:
            text = replace(text, recipients=_lines(command.recipients))
            changed.append("nơi nhận")
        if command.reason_text is not None:
            text = replace(text, reason_text=command.reason_text.strip())
            changed.append("lý do")
        self._draft_text = text
        change = self._change(
            action="draft_edited", actor=ActedBy.of(command.actor, Role.STANDING_OFFICER)
        )
        if command.title is not None:
            change.title = command.title.strip()
            changed.insert(0, "trích yếu")
            self._in = replace(self._in, title=change.title)  # the notices name it so
        if command.proposer_text is not None:
            change.proposer_text = command.proposer_text.strip()
            changed.append("đề nghị của")
        if command.item_order is not None:
            change.item_order = list(command.item_order)
            changed.append("thứ tự khen thưởng")
        change.reason = "Sửa dự thảo: " + (", ".join(changed) or "không thay đổi")
        await self._record(change)
        return self.status()

    @edit_draft.validator
    def _validate_edit_draft(self, command: EditDraftCommand) -> None:
        self._require_drafter(command.actor)
        self._require_open_for_signature(returned_too=True)
        if command.title is not None:
            _require_text("title", command.title, MAX_DRAFT_TITLE, required=True)
        if command.proposer_text is not None:
            _require_text("proposer_text", command.proposer_text, MAX_DRAFT_LINE)
        if command.reason_text is not None:
            _require_text("reason_text", command.reason_text, MAX_DRAFT_REASON, newlines=True)
        for field_name, lines in (
            ("legal_grounds", command.legal_grounds),
            ("recipients", command.recipients),
        ):
            if lines is None:
                continue
            if len(lines) > MAX_DRAFT_LINES:
                raise invalid(
                    field_name,
                    f"Tối đa {MAX_DRAFT_LINES} dòng",
                    f"at most {MAX_DRAFT_LINES} lines",
                )
            for line in lines:
                _require_text(field_name, line, MAX_DRAFT_LINE)
        if command.item_order is not None and (
            len(command.item_order) != len(self._items)
            or set(command.item_order) != set(self._items)
        ):
            raise invalid(
                "item_order",
                "Thứ tự phải gồm đúng mỗi đề nghị của dự thảo một lần",
                "the order must list each nomination of the draft exactly once",
            )

    @workflow.update
    async def cancel(self, command: CancelCommand) -> DecisionStatusView:
        self._cancel_reason = command.reason
        self._cancelled_by = ActedBy.of(
            command.actor,
            Role.STANDING_OFFICER
            if command.actor.has(Role.STANDING_OFFICER, self._in.standing_unit_id)
            else Role.CHAIRMAN,
        )
        await workflow.wait_condition(lambda: self._status == DecisionStatus.CANCELLED)
        return self.status()

    @cancel.validator
    def _validate_cancel(self, command: CancelCommand) -> None:
        if not may_cancel(
            command.actor,
            standing_unit_id=self._in.standing_unit_id,
            authority_unit_id=self._in.authority_unit_id,
        ):
            raise forbidden()
        self._require_open_for_signature(returned_too=True)
        _require_reason(command.reason)

    @workflow.signal
    def inclusion_ack(self, ack: InclusionAck) -> None:
        # The first answer counts: a nomination the draft stopped waiting for stays out
        # (and was told so).
        if ack.nomination_id in self._items and ack.nomination_id not in self._acks:
            self._acks[ack.nomination_id] = ack.accepted

    @workflow.query
    def status(self) -> DecisionStatusView:
        return DecisionStatusView(
            decision_id=self._in.decision_id,
            status=self._status,
            signer_user_id=self._signer[0] if self._signer else None,
            capacity=SignerCapacity.DEPUTY if self._signer else SignerCapacity.CHAIRMAN,
            due_at=self._due,
            nomination_ids=sorted(self._items),
            pending_acks=sorted(n for n in self._items if n not in self._acks),
            number_text=self._issued.number_text if self._issued else "",
            document_id=self._issued.document_id if self._issued else None,
            draft_text=self._draft_text,
            signature_request=self._request,
        )

    # ---- helpers -------------------------------------------------------------------------

    def _on_signing_host(self) -> dict[str, Any]:
        """Where a signature is made: on the signing hosts' task queue when the decision
        was drafted with one (THIDUA_SIGNING_TASK_QUEUE: the keys are on those hosts
        only), and refused after ``SIGNING_HOST_WAIT`` when no worker there takes it (the
        signer reads that the signing host is down, rather than wait)."""
        if not self._in.signing_task_queue:
            return {}
        return {
            "task_queue": self._in.signing_task_queue,
            "schedule_to_start_timeout": SIGNING_HOST_WAIT,
        }

    def _clerk_numbers(self) -> bool:
        """Since "clerk-numbers" the signer signs without a number and a date, and the
        clerk gives both at issue (Decree 30/2020 Art. 15-16); before, the signature gave
        them."""
        return workflow.patched("clerk-numbers")

    def _clerk_step(self) -> bool:
        """Whether a clerk issues what the signer signed (Decree 30): yes since the patch
        "clerk-issue"; documents signed before it were issued by the signature."""
        return workflow.patched("clerk-issue")

    def _require_not_closed(self) -> None:
        if self._status == DecisionStatus.SIGNED:
            raise wrong_stage(
                DecisionStatus.SIGNED.value,
                "Văn bản đã được ký, chờ văn thư phát hành / the document is signed, waiting "
                "for the clerk to issue it",
            )
        if self._issued is not None or self._status == DecisionStatus.ISSUED:
            raise wrong_stage(DecisionStatus.ISSUED.value, "the document is already signed")
        if self._cancel_reason is not None or self._status == DecisionStatus.CANCELLED:
            raise wrong_stage(DecisionStatus.CANCELLED.value, "the document was cancelled")

    def _require_open_for_signature(self, *, returned_too: bool = False) -> None:
        """Awaiting its signature (``returned_too``: or sent back to the standing body,
        which may still take items out or cancel it)."""
        self._require_not_closed()
        if self._status == DecisionStatus.RETURNED:
            if returned_too:
                return
            raise wrong_stage(
                DecisionStatus.RETURNED.value,
                "Dự thảo đã được trả lại cơ quan thường trực để chỉnh sửa, chờ trình ký lại / "
                "the draft was sent back to the standing body for correction",
            )
        if self._status != DecisionStatus.AWAITING_SIGNATURE:
            waiting = sum(1 for n in self._items if n not in self._acks)
            seconds = ASSEMBLY_RETRY_AFTER_SECONDS
            raise not_ready(
                f"Dự thảo đang được chuẩn bị ({waiting} đề nghị chưa xác nhận), vui lòng thử "
                f"lại sau {seconds} giây / the draft is still being assembled ({waiting} "
                f"nomination(s) yet to confirm): try again in {seconds} seconds",
                seconds,
            )
        if self._signing:
            raise conflict("Văn bản đang được ký / the document is being signed")

    def _require_drafter(self, actor: Actor) -> None:
        if not may_edit_draft(actor, standing_unit_id=self._in.standing_unit_id):
            raise forbidden()

    def _signer_recipients(self) -> list[Recipient]:
        if self._signer:
            return [Recipient(user_id=self._signer[0])]
        return [Recipient(role=Role.CHAIRMAN, unit_id=self._in.authority_unit_id)]

    def _change(
        self, action: str, *, actor: ActedBy | None = None, reason: str = ""
    ) -> DecisionChange:
        """``actor``: the person who acted (``None``: the workflow itself, whose ``reason``
        then cites the rule it applied)."""
        self._seq += 1
        return DecisionChange(
            decision_id=self._in.decision_id,
            workflow_id=workflow.info().workflow_id,
            seq=self._seq,
            action=action,
            occurred_at=workflow.now(),
            status=self._status,
            actor_user_id=actor.user_id if actor else None,
            actor_name=actor.name if actor else "Hệ thống",
            actor_role=actor.role if actor else "system",
            reason=reason[:MAX_TEXT],
            signer_user_id=self._signer[0] if self._signer else None,
            capacity=SignerCapacity.DEPUTY if self._signer else SignerCapacity.CHAIRMAN,
            due_at=self._due,
        )

    async def _record(self, change: DecisionChange) -> None:
        await workflow.execute_local_activity_method(
            ProjectionActivities.record_decision_change,
            change,
            start_to_close_timeout=RECORD_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )

    def _notify(
        self,
        kind: str,
        recipients: list[Recipient],
        *,
        suffix: str = "",
        decision_number: str = "",
        reason: str = "",
    ) -> None:
        context = {
            "document": self._in.title,
            "item_count": str(len(self._items)),
            "link": f"/decisions/{self._in.decision_id}",
        }
        if self._due is not None:
            context["due"] = self._due.astimezone(VIETNAM_TZ).strftime("%H:%M %d/%m/%Y")
        if decision_number:
            context["decision_number"] = decision_number
        if reason:
            context["reason"] = reason[:MAX_TEXT]
        self._notifier.send(
            NoticeRequest(
                key=f"{workflow.info().workflow_id}:{kind}{':' + suffix if suffix else ''}",
                kind=kind,
                recipients=recipients,
                context=context,
            )
        )


def _failed(error: ActivityError, vi: str, en: str) -> ApplicationError:
    """A document activity's failure as the refusal the signer or clerk reads: its own
    message after ours (``SigningFailed``, never retried by the caller)."""
    cause = error.cause
    if isinstance(cause, ActivityTimeout) and cause.type == TimeoutType.SCHEDULE_TO_START:
        minutes = int(SIGNING_HOST_WAIT.total_seconds() // 60)
        return ApplicationError(
            f"{vi}: máy giữ thiết bị ký số không nhận việc ký trong {minutes} phút, hãy báo "
            f"quản trị viên (thidua worker --signing) / {en}: no signing host took it within "
            f"{minutes} minutes (thidua worker --signing)",
            type="SigningFailed",
            non_retryable=True,
        )
    message = getattr(cause, "message", None) or str(cause or error)
    return ApplicationError(f"{vi}: {message} / {en}", type="SigningFailed", non_retryable=True)


def _require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise invalid("reason", "Phải nêu lý do", "a reason is required")


def _require_text(
    field: str, text: str, limit: int, *, required: bool = False, newlines: bool = False
) -> None:
    """Length-limited, and no control characters (a reason may break lines)."""
    allowed = "\n\r\t" if newlines else ""
    if required and not text.strip():
        raise invalid(field, "Không được để trống", "must not be empty")
    if len(text) > limit:
        raise invalid(field, f"Tối đa {limit} ký tự", f"at most {limit} characters")
    if any((ord(c) < 32 or 0x7F <= ord(c) < 0xA0) and c not in allowed for c in text):
        raise invalid(field, "Có ký tự điều khiển không hợp lệ", "contains control characters")


def _lines(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip()]


def _when(moment: datetime | None) -> str:
    return moment.astimezone(VIETNAM_TZ).strftime("%H:%M %d/%m/%Y") if moment else ""


def _empty_draft() -> str:
    return EMPTY_DRAFT.cite("Không còn đề nghị nào trong dự thảo", "no nomination left")


def _delegation_reason(command: DelegateCommand) -> str:
    given = f"Giao {command.to_user_name} ký thay"
    return f"{given}: {command.reason}" if command.reason.strip() else given
