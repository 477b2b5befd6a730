"""One signed document for many nominations: ``decision-<id>``.

A decision (quyết định) grants the awards this level decides; a submission (tờ trình)
forwards nominations to the next level. The standing body drafts it; the workflow asks
each nomination to join (a nomination that was withdrawn meanwhile declines), then waits
for the signer: the chairman, or a vice-chairman the chairman delegated ("KT. CHỦ TỊCH /
PHÓ CHỦ TỊCH"). Signing numbers, renders and signs the PDF (an activity), then every
nomination hears that it was granted or forwarded.

Updates: sign, delegate, remove_item, cancel. Signal: inclusion_ack. Query: status.
Timers: the wait for every nomination to confirm its place (one that has not after
``ACK_TIMEOUT`` is left out of the document, in the audit trail), reminders to the signer,
escalation to the standing body when overdue.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

from domain.calendar import VIETNAM_TZ, WorkingCalendar
from domain.vocabulary import DecisionKind, DecisionStatus, Role, SignerCapacity

from .common import (
    ACK_TIMEOUT,
    DOCUMENT_RETRY,
    DOCUMENT_TIMEOUT,
    MAX_TEXT,
    RECORD_RETRY,
    RECORD_TIMEOUT,
    signal_workflow,
)
from .contracts import Actor, NoticeRequest, Recipient
from .decision_types import (
    CancelCommand,
    DecisionChange,
    DecisionInput,
    DecisionStatusView,
    DelegateCommand,
    InclusionAck,
    RemoveItemCommand,
    SignCommand,
    SignResult,
)
from .errors import conflict, forbidden, invalid, wrong_stage
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
    from activities.documents.types import IssueDecisionInput
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
        self._signing = False
        self._issued: SignResult | None = None
        self._cancel_reason: str | None = None
        self._due: datetime | None = None
        self._seq = 0

    @workflow.run
    async def run(self, input: DecisionInput) -> DecisionStatusView:
        await self._record(self._change("drafted", actor=input.drafted_by))
        placement = DocumentPlacement(
            decision_id=input.decision_id,
            decision_workflow_id=workflow.info().workflow_id,
            kind=input.kind,
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
            change = self._change("items_declined")
            change.removed_nomination_ids = declined
            await self._record(change)
        if not self._items:
            self._cancel_reason = "Không còn đề nghị nào trong dự thảo / no nomination left"

        if self._cancel_reason is None:
            self._status = DecisionStatus.AWAITING_SIGNATURE
            self._due = self._calendar.due_moment(workflow.now(), input.signature)
            await self._record(self._change("signature_requested"))
            self._notify("signature_requested", self._signer_recipients())
            await self._wait_for_signature()

        if self._cancel_reason is not None:
            await self._withdraw_all(self._cancel_reason)
            self._status = DecisionStatus.CANCELLED
            await self._record(self._change("cancelled", reason=self._cancel_reason))
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
        reason = (
            f"Đề nghị số {numbers} không xác nhận việc đưa vào dự thảo sau {minutes} phút: "
            f"không có trong văn bản này / nomination {numbers} did not confirm its place in "
            f"the draft within {minutes} minutes: left out of this document"
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
        done = lambda: self._issued is not None or self._cancel_reason is not None  # noqa: E731
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
                    self._notify("reminder", self._signer_recipients(), suffix=f"r{index}")
        remaining = self._due - workflow.now()
        if remaining > timedelta(0):
            try:
                await workflow.wait_condition(done, timeout=remaining)
                return
            except TimeoutError:
                pass
        if not done():
            await self._record(self._change("escalated"))
            self._notify(
                "escalation",
                [Recipient(role=Role.STANDING_OFFICER, unit_id=self._in.standing_unit_id)]
                + self._signer_recipients(),
            )
        await workflow.wait_condition(done)

    async def _announce_issued(self) -> None:
        issued = self._issued
        assert issued is not None
        message = DocumentIssued(
            decision_id=self._in.decision_id,
            kind=self._in.kind,
            number_text=issued.number_text,
            document_id=issued.document_id,
            issued_on=issued.issued_on,
        )
        for item in self._items.values():
            try:
                await signal_workflow(item.nomination_workflow_id, DOCUMENT_ISSUED, message)
            except ApplicationError:
                workflow.logger.warning(
                    "nomination %s closed before the decision reached it", item.nomination_id
                )
        units = sorted({item.proposing_unit_id for item in self._items.values()})
        recipients = [Recipient(role=Role.UNIT_OFFICER, unit_id=u) for u in units]
        if self._in.kind == DecisionKind.SUBMISSION and self._in.next_standing_unit_id:
            recipients.append(
                Recipient(role=Role.STANDING_OFFICER, unit_id=self._in.next_standing_unit_id)
            )
        self._notify(
            "granted" if self._in.kind == DecisionKind.DECISION else "forwarded",
            recipients,
            decision_number=issued.number_text,
        )

    async def _withdraw_all(self, reason: str) -> None:
        for item in self._items.values():
            await self._tell_withdrawn(item.nomination_workflow_id, reason)

    async def _tell_withdrawn(self, workflow_id: str, reason: str) -> None:
        try:
            await signal_workflow(
                workflow_id, DOCUMENT_WITHDRAWN, DocumentWithdrawn(self._in.decision_id, reason)
            )
        except ApplicationError:
            pass  # the nomination is already closed

    # ---- commands ------------------------------------------------------------------------

    @workflow.update
    async def sign(self, command: SignCommand) -> SignResult:
        self._signing = True
        capacity = SignerCapacity.DEPUTY if self._signer else SignerCapacity.CHAIRMAN
        try:
            issued = await workflow.execute_activity_method(
                DocumentActivities.issue_decision,
                IssueDecisionInput(
                    decision_id=self._in.decision_id,
                    signer_user_id=command.actor.user_id,
                    capacity=capacity,
                    signed_at=workflow.now(),
                ),
                start_to_close_timeout=DOCUMENT_TIMEOUT,
                retry_policy=DOCUMENT_RETRY,
            )
        except ActivityError as error:
            self._signing = False
            cause = error.cause
            message = getattr(cause, "message", None) or str(cause or error)
            raise ApplicationError(
                f"Không ký được văn bản: {message} / the document could not be signed",
                type="SigningFailed",
                non_retryable=True,
            ) from None
        self._issued = SignResult(
            decision_id=issued.decision_id,
            number_text=issued.number_text,
            document_id=issued.document_id,
            issued_on=issued.issued_on,
            sha256=issued.sha256,
        )
        self._status = DecisionStatus.ISSUED
        await self._record(
            self._change("issued", actor=command.actor, reason=f"Số {issued.number_text}")
        )
        return self._issued

    @sign.validator
    def _validate_sign(self, command: SignCommand) -> None:
        actor = command.actor
        if self._signer is not None:
            allowed = actor.user_id == self._signer[0] and actor.has(
                Role.VICE_CHAIRMAN, self._in.authority_unit_id
            )
        else:
            allowed = actor.has(Role.CHAIRMAN, self._in.authority_unit_id)
        if not allowed:
            raise forbidden(
                "Chỉ người có thẩm quyền được ký văn bản này / "
                "only the designated signer may sign this document"
            )
        self._require_open_for_signature()

    @workflow.update
    async def delegate(self, command: DelegateCommand) -> DecisionStatusView:
        self._signer = (command.to_user_id, command.to_user_name)
        change = self._change("delegated", actor=command.actor, reason=command.reason)
        await self._record(change)
        self._notify(
            "signature_requested",
            [Recipient(user_id=command.to_user_id)],
            suffix=f"delegated-{command.to_user_id}",
        )
        return self.status()

    @delegate.validator
    def _validate_delegate(self, command: DelegateCommand) -> None:
        if not command.actor.has(Role.CHAIRMAN, self._in.authority_unit_id):
            raise forbidden(
                "Chỉ Chủ tịch được giao Phó Chủ tịch ký thay / "
                "only the chairman may delegate signing"
            )
        self._require_open_for_signature()
        if command.to_user_id == command.actor.user_id or command.to_user_id <= 0:
            raise invalid("to_user_id", "Chọn một Phó Chủ tịch", "choose a vice-chairman")

    @workflow.update
    async def remove_item(self, command: RemoveItemCommand) -> DecisionStatusView:
        item = self._items.pop(command.nomination_id)
        change = self._change("item_removed", actor=command.actor, reason=command.reason)
        change.removed_nomination_ids = [command.nomination_id]
        await self._record(change)
        await self._tell_withdrawn(item.nomination_workflow_id, command.reason)
        if not self._items:
            self._cancel_reason = "Không còn đề nghị nào trong dự thảo / no nomination left"
        return self.status()

    @remove_item.validator
    def _validate_remove(self, command: RemoveItemCommand) -> None:
        self._require_drafter(command.actor)
        self._require_open_for_signature()
        if command.nomination_id not in self._items:
            raise invalid(
                "nomination_id",
                "Đề nghị không có trong dự thảo",
                "this nomination is not in the draft",
            )
        _require_reason(command.reason)

    @workflow.update
    async def cancel(self, command: CancelCommand) -> DecisionStatusView:
        self._cancel_reason = command.reason
        await workflow.wait_condition(lambda: self._status == DecisionStatus.CANCELLED)
        return self.status()

    @cancel.validator
    def _validate_cancel(self, command: CancelCommand) -> None:
        if not (
            command.actor.has(Role.STANDING_OFFICER, self._in.standing_unit_id)
            or command.actor.has(Role.CHAIRMAN, self._in.authority_unit_id)
        ):
            raise forbidden()
        self._require_open_for_signature()
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
        )

    # ---- helpers -------------------------------------------------------------------------

    def _require_open_for_signature(self) -> None:
        if self._issued is not None or self._status == DecisionStatus.ISSUED:
            raise wrong_stage(DecisionStatus.ISSUED.value, "the document is already signed")
        if self._cancel_reason is not None or self._status == DecisionStatus.CANCELLED:
            raise wrong_stage(DecisionStatus.CANCELLED.value, "the document was cancelled")
        if self._status != DecisionStatus.AWAITING_SIGNATURE:
            raise wrong_stage(self._status.value, "the draft is still being assembled")
        if self._signing:
            raise conflict("Văn bản đang được ký / the document is being signed")

    def _require_drafter(self, actor: Actor) -> None:
        if not actor.has(Role.STANDING_OFFICER, self._in.standing_unit_id):
            raise forbidden()

    def _signer_recipients(self) -> list[Recipient]:
        if self._signer:
            return [Recipient(user_id=self._signer[0])]
        return [Recipient(role=Role.CHAIRMAN, unit_id=self._in.authority_unit_id)]

    def _change(
        self, action: str, *, actor: Actor | None = None, reason: str = ""
    ) -> DecisionChange:
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
        self, kind: str, recipients: list[Recipient], *, suffix: str = "", decision_number: str = ""
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
        self._notifier.send(
            NoticeRequest(
                key=f"{workflow.info().workflow_id}:{kind}{':' + suffix if suffix else ''}",
                kind=kind,
                recipients=recipients,
                context=context,
            )
        )


def _require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise invalid("reason", "Phải nêu lý do", "a reason is required")
