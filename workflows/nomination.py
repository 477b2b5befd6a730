"""One nomination (đề nghị khen thưởng), from submission to decision, through every
level its award needs, under one identifier: ``nomination-<id>``.

At each level (ward; city; central) the same stages run with that level's bodies:
reception and completeness check (one return for supplement per level, the level's clock
stopped meanwhile, lapse when the unit does not resubmit in time) → public notice with
objections where the rule set requires it → council vote (by the council session
workflow) → a decision granting the award, or a submission (tờ trình) forwarding it to the
next level (both by the decision workflow).

Updates (each with a validator checking the actor and the stage before anything is
written): accept_dossier, return_for_supplement, resubmit, reject, withdraw,
lodge_objection, resolve_objection, extend_deadline, reassign, refuse.
Signals (from the council session and decision workflows): placed_on_agenda,
council_result, included_in_document, document_issued, document_withdrawn.
Query: status.
Timers: reminders before each stage's due moment, escalation to the head of the body
when overdue, the end of the public notice, lapse of a returned dossier.
Every change is written to the audit trail and the projection by a local activity, naming
the person who acted (the signals carry the officer who convened or drafted and the
signer), or, for what the workflow does by itself, the rule it applied
(``workflows.engine_rules``). An extension of a time limit is bounded by the rule set's
``deadline_extensions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

from domain.calendar import VIETNAM_TZ, Duration, WorkingCalendar, format_vn_date
from domain.permissions import Command, NominationContext, stage_commands
from domain.rules import TIME_LIMIT_NAMES
from domain.thresholds import Threshold, threshold_words, threshold_words_en
from domain.vocabulary import (
    STAGE_LABELS,
    DecisionKind,
    Level,
    ObjectionStatus,
    Role,
    Stage,
    VoteRule,
)

from .common import (
    DOCUMENT_RETRY,
    DOCUMENT_TIMEOUT,
    MAX_TEXT,
    RECORD_RETRY,
    RECORD_TIMEOUT,
    signal_workflow,
)
from .contracts import ActedBy, Actor, NoticeRequest, Recipient, SignalName
from .council_types import AGENDA_ACK, AgendaAck
from .decision_types import INCLUSION_ACK, InclusionAck
from .engine_rules import ESCALATION, LAPSE, PUBLIC_NOTICE_END, QUORUM, VOTE_THRESHOLD
from .errors import conflict, enforce, incomplete, invalid, wrong_stage
from .nomination_types import (
    AgendaPlacement,
    CommandResult,
    CouncilResult,
    DocumentIssued,
    DocumentPlacement,
    DocumentWithdrawn,
    ExtendCommand,
    LevelPlan,
    NominationChange,
    NominationInput,
    NominationStatus,
    ObjectionCommand,
    ObjectionRecord,
    ObjectionView,
    ReasonCommand,
    ReassignCommand,
    ResolveObjectionCommand,
    ResubmitCommand,
    ReturnCommand,
    ReviewCommand,
)
from .notify import Notifier

with workflow.unsafe.imports_passed_through():
    from activities.documents.activities import DocumentActivities
    from activities.documents.types import PublicNoticeInput
    from activities.projection import ProjectionActivities


def _threshold_in_words(text: str) -> tuple[str, str]:
    """ "> 1/2" → ("trên 50% tổng số thành viên Hội đồng", "more than 50% of all council
    members"); a text that is no threshold stays as it is."""
    try:
        threshold = Threshold.parse(text)
    except ValueError:
        return text, text
    return threshold_words(threshold), threshold_words_en(threshold)


Ack = TypeVar("Ack")


@dataclass
class NominationOutcome:
    nomination_id: int
    stage: Stage
    level: Level
    decision_number: str = ""
    reason: str = ""


@dataclass
class _Alarm:
    key: str
    at: datetime
    kind: str  # reminder | due | notice_end


@workflow.defn
class NominationWorkflow:
    @workflow.init
    def __init__(self, input: NominationInput) -> None:
        self._in = input
        self._calendar = WorkingCalendar(input.calendar)
        self._notifier = Notifier()
        self._level_index = 0
        self._stage = Stage.RECEPTION
        self._seq = 0
        self._items = set(input.dossier_items)
        self._returned_levels: set[Level] = set()
        self._stage_token = 0  # changes on every stage entry
        self._due_version = 0  # changes when a due moment moves
        self._stage_due: datetime | None = None
        self._level_due: datetime | None = None
        self._paused_working_days: int | None = None  # reception clock while returned
        self._notice_ends: datetime | None = None
        self._notice_over = False
        self._alarms_done: set[str] = set()
        self._escalated = False
        self._assignee: tuple[int, str] | None = None
        self._objections: dict[str, ObjectionRecord] = {}
        self._session_id: int | None = None
        self._document: DocumentPlacement | None = None
        self._decision_number = ""
        self._outcome_reason = ""
        self._background: list[workflow.ActivityHandle] = []  # documents not awaited by commands
        # Extensions so far, per level and time limit: (how many, working days added)
        self._extensions: dict[str, tuple[int, int]] = {}
        # The submission is the state from the first instant: a command that arrives in the
        # same workflow task as the start runs its handler before run() begins, and must
        # find the dossier in reception (run() then records this change, never re-enters).
        self._reception_due = self._calendar.due_moment(
            workflow.now(), self._level.completeness_check
        )
        self._submitted_recorded = False
        self._submitted = self._enter(
            Stage.RECEPTION,
            "submitted",
            actor=input.submitted_by,
            actor_role=Role.UNIT_OFFICER,
            stage_due=self._reception_due,
            from_stage=Stage.DRAFT,
        )

    # ---- the main loop: wait in each stage, fire its alarms --------------------------------

    @workflow.run
    async def run(self, input: NominationInput) -> NominationOutcome:
        await self._record(self._submitted)
        self._submitted_recorded = True
        self._notify("dossier_submitted", self._standing_body(), due=self._reception_due)
        while not self._stage.is_terminal:
            await self._wait_in_stage()
        # Handlers may still queue a notice: let them finish, then wait for every notice.
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._notifier.drain()
        for handle in self._background:
            try:
                await handle
            except ActivityError as error:  # a document must never fail the nomination
                workflow.logger.error("background document failed: %s", error.cause or error)
        return NominationOutcome(
            nomination_id=input.nomination_id,
            stage=self._stage,
            level=self._level.level,
            decision_number=self._decision_number,
            reason=self._outcome_reason,
        )

    async def _wait_in_stage(self) -> None:
        token, version = self._stage_token, self._due_version
        alarm = self._next_alarm()
        changed = lambda: self._stage_token != token or self._due_version != version  # noqa: E731
        if alarm is None:
            await workflow.wait_condition(changed)
            return
        delay = alarm.at - workflow.now()
        if delay > timedelta(0):
            try:
                await workflow.wait_condition(changed, timeout=delay)
                return
            except TimeoutError:
                if changed():
                    return
        self._alarms_done.add(alarm.key)
        await self._fire(alarm)

    def _next_alarm(self) -> _Alarm | None:
        prefix = f"{self._stage_token}:{self._due_version}"
        alarms: list[_Alarm] = []
        if self._stage == Stage.PUBLIC_NOTICE and self._notice_ends and not self._notice_over:
            alarms.append(
                _Alarm(f"{self._stage_token}:notice_end", self._notice_ends, "notice_end")
            )
        if self._stage_due is not None and self._stage not in (Stage.SIGNING, Stage.IN_COUNCIL):
            for i, moment in enumerate(
                self._calendar.reminder_moments(self._stage_due, self._in.reminder_working_days)
            ):
                alarms.append(_Alarm(f"{prefix}:r{i}", moment, "reminder"))
            alarms.append(_Alarm(f"{prefix}:due", self._stage_due, "due"))
        pending = [a for a in alarms if a.key not in self._alarms_done]
        return min(pending, key=lambda a: a.at) if pending else None

    def _skip_past_reminders(self) -> None:
        """A stage entered (or extended) close to its due moment does not send the
        reminders whose moments have already passed."""
        if self._stage_due is None:
            return
        prefix = f"{self._stage_token}:{self._due_version}"
        now = workflow.now()
        for i, moment in enumerate(
            self._calendar.reminder_moments(self._stage_due, self._in.reminder_working_days)
        ):
            if moment <= now:
                self._alarms_done.add(f"{prefix}:r{i}")

    async def _fire(self, alarm: _Alarm) -> None:
        if alarm.kind == "notice_end":
            self._notice_over = True
            await self._leave_notice_if_clear()
        elif alarm.kind == "reminder":
            self._notify(
                "reminder",
                self._waiting_recipients(),
                due=self._stage_due,
                key_suffix=alarm.key,
            )
        elif self._stage == Stage.RETURNED:
            await self._lapse()
        elif not self._escalated:
            self._escalated = True
            limit_vi, limit_en = TIME_LIMIT_NAMES[self._time_limit()[0]]
            due = _when(self._stage_due)
            stage_vi, stage_en = STAGE_LABELS[self._stage]
            reason = ESCALATION.cite(
                f"Quá thời hạn {limit_vi} ({due}), bước «{stage_vi}»: báo người đứng đầu",
                f"the {limit_en} time limit passed ({due}), step “{stage_en}”: the head is told",
            )
            await self._record(
                self._change("escalated", self._stage, reason=reason, escalated=True)
            )
            self._notify(
                "escalation",
                [Recipient(role=Role.CHAIRMAN, unit_id=self._level.authority_unit_id)],
                due=self._stage_due,
                key_suffix=alarm.key,
            )

    # ---- commands ------------------------------------------------------------------------

    @workflow.update
    async def accept_dossier(self, command: ReviewCommand) -> CommandResult:
        change = self._after_acceptance(command.actor, command.note)
        await self._record(change)
        self._notify("dossier_received", self._submitters(), due=self._level_due)
        if self._stage == Stage.PUBLIC_NOTICE:
            self._notify("public_notice_posted", self._submitters(), due=self._notice_ends)
            # Added after the first release: nominations accepted before this change
            # replay without the document.
            if workflow.patched("public-notice-document"):
                self._issue_public_notice()
        return self._result()

    @accept_dossier.validator
    def _validate_accept(self, command: ReviewCommand) -> None:
        enforce(Command.ACCEPT_DOSSIER, command.actor.roles, self._context())
        level = self._level
        missing = [item for item in level.required_items if item not in self._items]
        missing += [
            " | ".join(group)
            for group in level.required_any_of
            if not any(item in self._items for item in group)
        ]
        if missing:
            raise incomplete(
                "Hồ sơ còn thiếu: "
                + ", ".join(missing)
                + " / the dossier lacks: "
                + ", ".join(missing),
                missing,
            )

    @workflow.update
    async def return_for_supplement(self, command: ReturnCommand) -> CommandResult:
        now = workflow.now()
        self._returned_levels.add(self._level.level)
        if self._stage_due is not None:
            self._paused_working_days = max(
                self._calendar.remaining_working_days(now, self._stage_due), 1
            )
        due = self._calendar.due_moment(now, self._level.resubmission)
        change = self._enter(
            Stage.RETURNED,
            "returned_for_supplement",
            actor=command.actor,
            actor_role=Role.STANDING_OFFICER,
            reason=command.reason,
            stage_due=due,
            changes={"missing_items": ["", ", ".join(command.missing_items)]},
        )
        for item in command.missing_items:
            self._items.discard(item)
        await self._record(change)
        self._notify(
            "returned_for_supplement",
            self._submitters(),
            due=due,
            reason=command.reason,
            missing_items=", ".join(command.missing_items),
        )
        return self._result()

    @return_for_supplement.validator
    def _validate_return(self, command: ReturnCommand) -> None:
        enforce(Command.RETURN_FOR_SUPPLEMENT, command.actor.roles, self._context())
        if not command.missing_items:
            raise invalid(
                "missing_items",
                "Phải nêu thành phần hồ sơ còn thiếu",
                "name the missing dossier items",
            )
        _require_reason(command.reason)

    @workflow.update
    async def resubmit(self, command: ResubmitCommand) -> CommandResult:
        now = workflow.now()
        self._items.update(command.added_items)
        remaining = self._paused_working_days or self._level.completeness_check.days
        self._paused_working_days = None
        due = self._calendar.resume(now, remaining)
        change = self._enter(
            Stage.RECEPTION,
            "resubmitted",
            actor=command.actor,
            actor_role=Role.UNIT_OFFICER
            if self._level.level == Level.WARD
            else Role.STANDING_OFFICER,
            reason=command.note,
            stage_due=due,
            changes={"added_items": ["", ", ".join(command.added_items)]},
        )
        change.dossier_items_level = self._level.level
        await self._record(change)
        self._notify("resubmitted", self._standing_body(), due=due)
        return self._result()

    @resubmit.validator
    def _validate_resubmit(self, command: ResubmitCommand) -> None:
        enforce(Command.RESUBMIT, command.actor.roles, self._context())
        if not command.added_items:
            raise invalid(
                "added_items",
                "Phải bổ sung ít nhất một thành phần hồ sơ",
                "add at least one dossier item",
            )

    @workflow.update
    async def reject(self, command: ReasonCommand) -> CommandResult:
        await self._close(
            Stage.REJECTED, "rejected", command.actor, command.reason, notify_kind="rejected"
        )
        return self._result()

    @reject.validator
    def _validate_reject(self, command: ReasonCommand) -> None:
        enforce(Command.REJECT, command.actor.roles, self._context())
        _require_reason(command.reason)

    @workflow.update
    async def withdraw(self, command: ReasonCommand) -> CommandResult:
        await self._close(
            Stage.WITHDRAWN,
            "withdrawn",
            command.actor,
            command.reason,
            notify_kind="withdrawn",
            recipients=self._standing_body(),
        )
        return self._result()

    @withdraw.validator
    def _validate_withdraw(self, command: ReasonCommand) -> None:
        enforce(Command.WITHDRAW, command.actor.roles, self._context())
        _require_reason(command.reason)

    @workflow.update
    async def refuse(self, command: ReasonCommand) -> CommandResult:
        await self._close(
            Stage.REFUSED, "refused", command.actor, command.reason, notify_kind="refused"
        )
        return self._result()

    @refuse.validator
    def _validate_refuse(self, command: ReasonCommand) -> None:
        enforce(Command.REFUSE, command.actor.roles, self._context())
        _require_reason(command.reason)

    @workflow.update
    async def lodge_objection(self, command: ObjectionCommand) -> CommandResult:
        key = str(workflow.uuid4())
        record = ObjectionRecord(
            key=key,
            level=self._level.level,
            objector_name=command.objector_name.strip(),
            objector_contact=command.objector_contact.strip(),
            reason=command.reason.strip(),
            lodged_at=workflow.now(),
            status=ObjectionStatus.PENDING,
        )
        self._objections[key] = record
        change = self._change("objection_lodged", self._stage, reason=record.reason)
        change.actor_name = record.objector_name
        change.actor_role = "resident"
        change.actor_user_id = command.lodged_by_user_id
        change.objection = record
        await self._record(change)
        self._notify("objection_lodged", self._standing_body(), reason=record.reason)
        result = self._result()
        result.objection_key = key
        return result

    @lodge_objection.validator
    def _validate_objection(self, command: ObjectionCommand) -> None:
        enforce(Command.LODGE_OBJECTION, (), self._context())
        if self._notice_over:
            raise wrong_stage(self._stage.value, "the public notice period has ended")
        for field_name, value, limit in (
            ("objector_name", command.objector_name, 200),
            ("objector_contact", command.objector_contact, 200),
            ("reason", command.reason, MAX_TEXT),
        ):
            if not value or not value.strip():
                raise invalid(field_name, "Không được để trống", "must not be empty")
            if len(value) > limit:
                raise invalid(field_name, f"Tối đa {limit} ký tự", f"at most {limit} characters")

    @workflow.update
    async def resolve_objection(self, command: ResolveObjectionCommand) -> CommandResult:
        record = self._objections[command.objection_key]
        record.status = command.outcome
        record.resolution = command.reason
        record.resolved_by_user_id = command.actor.user_id
        record.resolved_at = workflow.now()
        change = self._change(
            "objection_upheld"
            if command.outcome == ObjectionStatus.UPHELD
            else "objection_dismissed",
            self._stage,
            actor=command.actor,
            actor_role=Role.STANDING_OFFICER,
            reason=command.reason,
        )
        change.objection = record
        await self._record(change)
        self._notify("objection_resolved", self._submitters(), reason=command.reason)
        if command.outcome == ObjectionStatus.UPHELD:
            await self._close(
                Stage.REJECTED,
                "rejected",
                command.actor,
                f"Ý kiến phản ánh được chấp nhận: {command.reason}",
                notify_kind="rejected",
            )
        else:
            await self._leave_notice_if_clear()
        return self._result()

    @resolve_objection.validator
    def _validate_resolve(self, command: ResolveObjectionCommand) -> None:
        enforce(Command.RESOLVE_OBJECTION, command.actor.roles, self._context())
        record = self._objections.get(command.objection_key)
        if record is None:
            raise invalid("objection_key", "Không có ý kiến phản ánh này", "no such objection")
        if record.status != ObjectionStatus.PENDING:
            raise wrong_stage(self._stage.value, "this objection is already resolved")
        if command.outcome == ObjectionStatus.PENDING:
            raise invalid("outcome", "Chọn bác bỏ hoặc chấp nhận", "choose dismissed or upheld")
        _require_reason(command.reason)

    @workflow.update
    async def extend_deadline(self, command: ExtendCommand) -> CommandResult:
        assert self._stage_due is not None
        before = self._stage_due
        new_due = self._calendar.end_of_working_day(
            self._calendar.add_working_days(self._calendar.local_date(before), command.working_days)
        )
        if self._level_due == before:
            self._level_due = new_due
        self._stage_due = new_due
        self._due_version += 1
        key = self._extension_key()
        times, days = self._extensions.get(key, (0, 0))
        self._extensions[key] = (times + 1, days + command.working_days)
        self._escalated = False
        self._skip_past_reminders()
        change = self._change(
            "deadline_extended",
            self._stage,
            actor=command.actor,
            reason=command.reason,
            changes={"stage_due_at": [before.isoformat(), new_due.isoformat()]},
        )
        await self._record(change)
        self._notify(
            "deadline_extended", self._waiting_recipients(), due=new_due, reason=command.reason
        )
        return self._result()

    @extend_deadline.validator
    def _validate_extend(self, command: ExtendCommand) -> None:
        enforce(Command.EXTEND_DEADLINE, command.actor.roles, self._context())
        if self._stage_due is None:
            raise wrong_stage(self._stage.value, "this stage has no deadline to extend")
        if not 1 <= command.working_days <= 60:
            raise invalid(
                "working_days",
                "Gia hạn từ 1 đến 60 ngày làm việc",
                "extend by 1 to 60 working days",
            )
        _require_reason(command.reason)
        time_limit, limit = self._time_limit()
        times, days = self._extensions.get(self._extension_key(), (0, 0))
        refusal = self._in.deadline_extensions.refusal(
            time_limit=time_limit,
            limit_working_days=self._working_days_of(limit),
            times_used=times,
            days_used=days,
            requested=command.working_days,
        )
        if refusal is not None and refusal.too_often:
            raise conflict(f"{refusal.message_vi} / {refusal.message_en}")
        if refusal is not None:
            raise invalid("working_days", refusal.message_vi, refusal.message_en)

    @workflow.update
    async def reassign(self, command: ReassignCommand) -> CommandResult:
        before = self._assignee
        self._assignee = (command.to_user_id, command.to_user_name)
        change = self._change(
            "reassigned",
            self._stage,
            actor=command.actor,
            reason=command.reason,
            changes={"assignee": [before[1] if before else "", command.to_user_name]},
        )
        await self._record(change)
        self._notify(
            "reassigned",
            [Recipient(user_id=command.to_user_id)],
            due=self._stage_due,
            reason=command.reason,
        )
        return self._result()

    @reassign.validator
    def _validate_reassign(self, command: ReassignCommand) -> None:
        enforce(Command.REASSIGN, command.actor.roles, self._context())
        if command.to_user_id <= 0:
            raise invalid("to_user_id", "Chọn cán bộ được giao", "choose the officer")

    # ---- signals from the council session and decision workflows -------------------------

    @workflow.signal
    async def placed_on_agenda(self, placement: AgendaPlacement) -> None:
        session = placement.session_workflow_id
        if self._stage != Stage.AWAITING_COUNCIL or self._level.council_id is None:
            await self._answer(
                session,
                AGENDA_ACK,
                AgendaAck(self._in.nomination_id, accepted=False, reason=self._stage.value),
            )
            return
        self._session_id = placement.session_id
        change = self._enter(
            Stage.IN_COUNCIL,
            "placed_on_agenda",
            actor=placement.convened_by,
            stage_due=self._level_due,
            council_session_id=placement.session_id,
        )
        await self._answer(session, AGENDA_ACK, AgendaAck(self._in.nomination_id, accepted=True))
        await self._record(change)

    @workflow.signal
    async def council_result(self, result: CouncilResult) -> None:
        if self._stage != Stage.IN_COUNCIL or result.session_id != self._session_id:
            return  # withdrawn or rejected meanwhile: the result no longer applies
        threshold, threshold_en = result.threshold, result.threshold
        # The threshold in the words officials use ("trên 50% tổng số thành viên Hội
        # đồng"), not "> 1/2" (patched: older runs recorded the symbols).
        if workflow.patched("threshold-in-words"):
            threshold, threshold_en = _threshold_in_words(result.threshold)
        tally = (
            f"{result.agree}/{result.member_count} đồng ý, {result.disagree} không đồng ý, "
            f"{result.abstain} không biểu quyết (ngưỡng {threshold})"
        )
        tally_en = (
            f"{result.agree}/{result.member_count} agree, {result.disagree} disagree, "
            f"{result.abstain} abstain (threshold {threshold_en})"
        )
        if result.inquorate:
            self._session_id = None
            if result.removed_reason:  # it did not confirm its place on the agenda in time
                change = self._enter(
                    Stage.AWAITING_COUNCIL,
                    "removed_from_agenda",
                    stage_due=self._level_due,
                    reason=result.removed_reason,
                )
            else:
                change = self._enter(
                    Stage.AWAITING_COUNCIL,
                    "council_inquorate",
                    stage_due=self._level_due,
                    reason=QUORUM.cite(
                        "Phiên họp không đủ số thành viên tham dự: chờ phiên họp khác",
                        "the session had no quorum: the nomination waits for another",
                    ),
                )
            await self._record(change)
        elif result.passed:
            change = self._enter(
                self._awaiting_document_stage(),
                "council_passed",
                stage_due=self._level_due,
                reason=VOTE_THRESHOLD.cite(
                    f"Hội đồng thông qua: {tally}", f"the council passed it: {tally_en}"
                ),
            )
            await self._record(change)
        else:
            await self._close(
                Stage.REFUSED,
                "council_failed",
                None,
                VOTE_THRESHOLD.cite(
                    f"Hội đồng không thông qua: {tally}", f"the council did not pass it: {tally_en}"
                ),
                notify_kind="refused",
            )

    @workflow.signal
    async def included_in_document(self, placement: DocumentPlacement) -> None:
        decision = placement.decision_workflow_id
        expected = DecisionKind.DECISION if self._level.decides else DecisionKind.SUBMISSION
        if self._stage != self._awaiting_document_stage() or placement.kind != expected:
            await self._answer(
                decision,
                INCLUSION_ACK,
                InclusionAck(self._in.nomination_id, accepted=False, reason=self._stage.value),
            )
            return
        self._document = placement
        change = self._enter(
            Stage.SIGNING,
            "included_in_document",
            actor=placement.drafted_by,
            stage_due=self._level_due,
            decision_id=placement.decision_id,
        )
        await self._answer(
            decision, INCLUSION_ACK, InclusionAck(self._in.nomination_id, accepted=True)
        )
        await self._record(change)

    async def _answer(self, workflow_id: str, signal: SignalName[Ack], ack: Ack) -> None:
        """Confirm (or decline) a place on an agenda or in a document. An asker that is no
        longer running stopped waiting (``ACK_TIMEOUT``) and took this nomination off: what
        it sent then (a result or a withdrawal) follows and puts the nomination back."""
        try:
            await signal_workflow(workflow_id, signal, ack)
        except ApplicationError:
            workflow.logger.warning(
                "%s is no longer running: %s not delivered", workflow_id, signal.name
            )

    @workflow.signal
    async def document_withdrawn(self, withdrawn: DocumentWithdrawn) -> None:
        if (
            self._stage != Stage.SIGNING
            or self._document is None
            or self._document.decision_id != withdrawn.decision_id
        ):
            return
        self._document = None
        change = self._enter(
            self._awaiting_document_stage(),
            "removed_from_document",
            actor=withdrawn.by,
            stage_due=self._level_due,
            reason=withdrawn.reason,
            decision_id=None,
        )
        await self._record(change)

    @workflow.signal
    async def document_issued(self, issued: DocumentIssued) -> None:
        if (
            self._stage != Stage.SIGNING
            or self._document is None
            or self._document.decision_id != issued.decision_id
        ):
            return
        if issued.kind == DecisionKind.DECISION:
            self._decision_number = issued.number_text
            change = self._enter(
                Stage.GRANTED,
                "granted",
                actor=issued.signed_by,
                stage_due=None,
                decision_id=issued.decision_id,
                reason=f"Quyết định số {issued.number_text} ngày {format_vn_date(issued.issued_on)}"
                + _signed_on_behalf(issued.signed_by),
            )
            change.decision_number = issued.number_text
            change.closed = True
            await self._record(change)
            return
        await self._forward(issued)

    # ---- query ---------------------------------------------------------------------------

    @workflow.query
    def status(self) -> NominationStatus:
        role, unit_id = self._waiting_on()
        return NominationStatus(
            nomination_id=self._in.nomination_id,
            stage=self._stage,
            level=self._level.level,
            stage_due_at=self._stage_due,
            level_due_at=self._level_due,
            waiting_on_role=role,
            waiting_on_unit_id=unit_id,
            assignee_user_id=self._assignee[0] if self._assignee else None,
            allowed_actions=[c.value for c in stage_commands(self._context())],
            objections=[
                ObjectionView(o.key, o.objector_name, o.reason, o.lodged_at, o.status, o.resolution)
                for o in self._objections.values()
            ],
            returned_levels=sorted(self._returned_levels, key=lambda level: level.rank),
            outcome_reason=self._outcome_reason,
            decision_number=self._decision_number,
        )

    # ---- transitions ---------------------------------------------------------------------

    @property
    def _level(self) -> LevelPlan:
        return self._in.levels[self._level_index]

    def _awaiting_document_stage(self) -> Stage:
        return Stage.AWAITING_DECISION if self._level.decides else Stage.AWAITING_SUBMISSION

    def _time_limit(self) -> tuple[str, Duration]:
        """The level's time limit that the current stage's deadline keeps (a key of
        ``TIME_LIMIT_NAMES``): the completeness check in reception, the unit's time to
        resubmit while returned, the level's processing after that."""
        level = self._level
        if self._stage == Stage.RECEPTION:
            return "completeness_check", level.completeness_check
        if self._stage == Stage.RETURNED:
            return "resubmission", level.resubmission
        return "processing", level.processing

    def _extension_key(self) -> str:
        return f"{self._level.level.value}:{self._time_limit()[0]}"

    def _working_days_of(self, limit: Duration) -> int:
        """A time limit's length in working days (one in calendar days is counted from the
        current deadline)."""
        if limit.working or self._stage_due is None:
            return limit.days
        start = self._calendar.local_date(self._stage_due)
        return self._calendar.working_days_between(
            start, self._calendar.due_date(self._stage_due, limit)
        )

    def _after_acceptance(self, actor: Actor, note: str) -> NominationChange:
        """The dossier is complete: the level's processing clock starts (after the public
        notice where there is one)."""
        now = workflow.now()
        level = self._level
        if level.public_notice is not None:
            self._notice_ends = self._notice_end(now, level.public_notice)
            self._notice_over = False
            self._level_due = self._calendar.due_moment(self._notice_ends, level.processing)
            return self._enter(
                Stage.PUBLIC_NOTICE,
                "accepted",
                actor=actor,
                actor_role=Role.STANDING_OFFICER,
                reason=note,
                stage_due=self._level_due,
                changes={"public_notice_until": ["", self._notice_ends.isoformat()]},
            )
        self._level_due = self._calendar.due_moment(now, level.processing)
        next_stage = (
            Stage.AWAITING_COUNCIL
            if level.vote != VoteRule.NONE
            else self._awaiting_document_stage()
        )
        return self._enter(
            next_stage,
            "accepted",
            actor=actor,
            actor_role=Role.STANDING_OFFICER,
            reason=note,
            stage_due=self._level_due,
        )

    def _notice_end(self, start: datetime, duration: Duration) -> datetime:
        if duration.working:
            return self._calendar.due_moment(start, duration)
        # "posted for N days": N full calendar days after the day of posting, to midnight
        day = self._calendar.local_date(start) + timedelta(days=duration.days)
        return datetime.combine(day, time(23, 59, 59), tzinfo=VIETNAM_TZ)

    def _issue_public_notice(self) -> None:
        """The public notice as a document (thông báo công khai), without delaying the
        command: the workflow awaits it before it completes."""
        assert self._notice_ends is not None
        level = self._level
        self._background.append(
            workflow.start_activity_method(
                DocumentActivities.issue_public_notice,
                PublicNoticeInput(
                    authority_id=level.authority_id,
                    nomination_ids=[self._in.nomination_id],
                    starts_at=workflow.now(),
                    ends_at=self._notice_ends,
                    key=f"{workflow.info().workflow_id}:notice:{level.level.value}",
                ),
                start_to_close_timeout=DOCUMENT_TIMEOUT,
                retry_policy=DOCUMENT_RETRY,
            )
        )

    async def _leave_notice_if_clear(self) -> None:
        if self._stage != Stage.PUBLIC_NOTICE or not self._notice_over:
            return
        if any(o.status == ObjectionStatus.PENDING for o in self._objections.values()):
            return  # a pending objection blocks the nomination until it is resolved
        level = self._level
        next_stage = (
            Stage.AWAITING_COUNCIL
            if level.vote != VoteRule.NONE
            else self._awaiting_document_stage()
        )
        assert self._notice_ends is not None
        ended = _when(self._notice_ends)
        reason = PUBLIC_NOTICE_END.cite(
            f"Hết thời gian công khai ({ended}), không còn ý kiến phản ánh chờ xử lý",
            f"the public notice ended ({ended}) with no objection pending",
        )
        await self._record(
            self._enter(next_stage, "public_notice_ended", reason=reason, stage_due=self._level_due)
        )

    async def _forward(self, issued: DocumentIssued) -> None:
        """The submission is signed: the nomination continues at the next level."""
        previous = self._level
        self._level_index += 1
        self._document = None
        self._session_id = None
        # The signed submission is the new level's tờ trình; the lower council's minutes
        # travel with it when that council voted.
        self._items.add("to_trinh")
        if previous.vote != VoteRule.NONE:
            self._items.add("bien_ban_hoi_dong")
        level = self._level
        due = self._calendar.due_moment(workflow.now(), level.completeness_check)
        change = self._enter(
            Stage.RECEPTION,
            "forwarded",
            actor=issued.signed_by,
            stage_due=due,
            decision_id=issued.decision_id,
            reason=(
                f"Tờ trình số {issued.number_text} của {previous.authority_name} "
                f"gửi {level.authority_name}"
            )
            + _signed_on_behalf(issued.signed_by),
        )
        change.decision_number = issued.number_text
        await self._record(change)
        # The standing body of the new level has a dossier to receive and check: one
        # notice, of that kind (the unit is told by the decision workflow that it went up).
        self._notify(
            "dossier_submitted",
            self._standing_body(),
            due=due,
            extra={"unit": previous.authority_name},
        )

    async def _lapse(self) -> None:
        due = _when(self._stage_due)
        await self._close(
            Stage.LAPSED,
            "lapsed",
            None,
            LAPSE.cite(
                f"Không nộp lại hồ sơ bổ sung trong thời hạn ({due})",
                f"the dossier was not resubmitted within the time limit ({due})",
            ),
            notify_kind="lapsed",
        )

    async def _close(
        self,
        stage: Stage,
        action: str,
        actor: Actor | None,
        reason: str,
        *,
        notify_kind: str,
        recipients: list[Recipient] | None = None,
    ) -> None:
        self._outcome_reason = reason
        if self._document is not None and stage != Stage.GRANTED:
            self._document = None
        change = self._enter(stage, action, actor=actor, reason=reason, stage_due=None)
        change.closed = True
        change.outcome_reason = reason
        await self._record(change)
        self._notify(notify_kind, recipients or self._submitters(), reason=reason)

    def _enter(
        self,
        stage: Stage,
        action: str,
        *,
        actor: Actor | ActedBy | None = None,
        actor_role: Role | None = None,
        reason: str = "",
        stage_due: datetime | None = None,
        from_stage: Stage | None = None,
        changes: dict[str, list[str]] | None = None,
        council_session_id: int | None = None,
        decision_id: int | None = None,
    ) -> NominationChange:
        """Move to ``stage`` now (synchronously, so no handler sees a half-made move) and
        describe the change for the audit trail and projection."""
        previous = self._stage if from_stage is None else from_stage
        self._stage = stage
        self._stage_token += 1
        self._stage_due = stage_due
        self._escalated = False
        if stage.is_terminal:
            self._stage_due = None
        self._skip_past_reminders()
        change = self._change(
            action, previous, actor=actor, actor_role=actor_role, reason=reason, changes=changes
        )
        if council_session_id is not None:
            change.council_session_id = council_session_id
        if decision_id is not None:
            change.decision_id = decision_id
        return change

    def _change(
        self,
        action: str,
        from_stage: Stage | None,
        *,
        actor: Actor | ActedBy | None = None,
        actor_role: Role | None = None,
        reason: str = "",
        changes: dict[str, list[str]] | None = None,
        escalated: bool | None = None,
    ) -> NominationChange:
        """``actor``: the person who acted (``None``: the workflow itself, whose ``reason``
        then cites the rule it applied)."""
        self._seq += 1
        role, unit_id = self._waiting_on()
        if isinstance(actor, ActedBy):
            acting_role = actor_role.value if actor_role else actor.role
        elif actor is not None:
            acting_role = actor_role.value if actor_role else actor.role_label()
        else:
            acting_role = "system"
        return NominationChange(
            nomination_id=self._in.nomination_id,
            workflow_id=workflow.info().workflow_id,
            seq=self._seq,
            action=action,
            occurred_at=workflow.now(),
            level=self._level.level,
            from_stage=from_stage,
            to_stage=self._stage,
            actor_user_id=actor.user_id if actor else None,
            actor_name=actor.name if actor else "Hệ thống",
            actor_role=acting_role,
            reason=reason[:MAX_TEXT],
            changes=changes or {},
            authority_id=self._level.authority_id,
            stage_due_at=self._stage_due,
            level_due_at=self._level_due,
            waiting_on_role=role,
            waiting_on_unit_id=unit_id,
            escalated=self._escalated if escalated is None else escalated,
            council_session_id=self._session_id,
            decision_id=self._document.decision_id if self._document else None,
            outcome_reason=self._outcome_reason,
            assignee_user_id=self._assignee[0] if self._assignee else None,
            public_notice_until=(self._notice_ends if self._stage == Stage.PUBLIC_NOTICE else None),
        )

    async def _record(self, change: NominationChange) -> None:
        # The audit trail starts with the submission: a handler that ran before run()
        # recorded it waits for that write (patched: older runs never took this branch).
        if (
            change is not self._submitted
            and not self._submitted_recorded
            and workflow.patched("submission-recorded-first")
        ):
            await workflow.wait_condition(lambda: self._submitted_recorded)
        await workflow.execute_local_activity_method(
            ProjectionActivities.record_nomination_change,
            change,
            start_to_close_timeout=RECORD_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )

    # ---- who acts, who is told -----------------------------------------------------------

    def _context(self) -> NominationContext:
        level = self._level
        previous = self._in.levels[self._level_index - 1] if self._level_index else None
        return NominationContext(
            stage=self._stage,
            level=level.level,
            authority_unit_id=level.authority_unit_id,
            standing_unit_id=level.standing_unit_id,
            proposing_unit_id=self._in.proposing_unit_id,
            previous_standing_unit_id=previous.standing_unit_id if previous else None,
            returned_at_this_level=level.level in self._returned_levels,
            pending_objections=sum(
                1 for o in self._objections.values() if o.status == ObjectionStatus.PENDING
            ),
            decides=level.decides,
        )

    def _waiting_on(self) -> tuple[Role | None, int | None]:
        level = self._level
        if self._stage.is_terminal:
            return None, None
        if self._stage == Stage.RETURNED:
            if self._level_index == 0:
                return Role.UNIT_OFFICER, self._in.proposing_unit_id
            return Role.STANDING_OFFICER, self._in.levels[self._level_index - 1].standing_unit_id
        if self._stage == Stage.IN_COUNCIL:
            return Role.COUNCIL_MEMBER, level.authority_unit_id
        if self._stage == Stage.SIGNING:
            return Role.CHAIRMAN, level.authority_unit_id
        return Role.STANDING_OFFICER, level.standing_unit_id

    def _waiting_recipients(self) -> list[Recipient]:
        if self._assignee and self._stage != Stage.RETURNED:
            return [Recipient(user_id=self._assignee[0])]
        role, unit_id = self._waiting_on()
        return [Recipient(role=role, unit_id=unit_id)] if role else []

    def _standing_body(self) -> list[Recipient]:
        return [Recipient(role=Role.STANDING_OFFICER, unit_id=self._level.standing_unit_id)]

    def _submitters(self) -> list[Recipient]:
        recipients = [Recipient(role=Role.UNIT_OFFICER, unit_id=self._in.proposing_unit_id)]
        if self._level_index:
            recipients.append(
                Recipient(
                    role=Role.STANDING_OFFICER,
                    unit_id=self._in.levels[self._level_index - 1].standing_unit_id,
                )
            )
        return recipients

    def _notify(
        self,
        kind: str,
        recipients: list[Recipient],
        *,
        due: datetime | None = None,
        reason: str = "",
        missing_items: str = "",
        key_suffix: str = "",
        extra: dict[str, str] | None = None,
    ) -> None:
        context = {
            "nominee": self._in.nominee_name,
            "award": self._in.award_name,
            "level": self._level.level.value,
            "stage": self._stage.value,
            "authority": self._level.authority_name,
            "link": f"/nominations/{self._in.nomination_id}",
        }
        if due is not None:
            context["due"] = due.astimezone(VIETNAM_TZ).strftime("%H:%M %d/%m/%Y")
        if reason:
            context["reason"] = reason
        if missing_items:
            context["missing_items"] = missing_items
        if self._decision_number:
            context["decision_number"] = self._decision_number
        context.update(extra or {})
        self._notifier.send(
            NoticeRequest(
                key=f"{workflow.info().workflow_id}:{self._seq}:{kind}{':' + key_suffix if key_suffix else ''}",
                kind=kind,
                recipients=recipients,
                nomination_id=self._in.nomination_id,
                context=context,
            )
        )

    def _result(self) -> CommandResult:
        return CommandResult(
            stage=self._stage, level=self._level.level, stage_due_at=self._stage_due
        )


def _when(moment: datetime | None) -> str:
    return moment.astimezone(VIETNAM_TZ).strftime("%H:%M %d/%m/%Y") if moment else ""


def _signed_on_behalf(signer: ActedBy | None) -> str:
    """What the trail adds when a vice-chairman signed on the chairman's behalf."""
    if signer is None or not signer.capacity:
        return ""
    return f"; ký {signer.capacity}: {signer.name}, thay {signer.on_behalf_of} (được giao ký)"


def _require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise invalid("reason", "Phải nêu lý do", "a reason is required")
    if len(reason) > MAX_TEXT:
        raise invalid("reason", f"Lý do tối đa {MAX_TEXT} ký tự", f"at most {MAX_TEXT} characters")
