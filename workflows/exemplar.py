"""One exemplary model (điển hình tiên tiến) through the four steps the plan asks of
every unit: ``exemplar-<id>``.

discovered (proposed with evidence; the API creates the row, then starts this workflow)
→ nurturing (a support plan, a responsible officer and periodic follow-ups on durable
timers: a missed follow-up reminds the responsible officer, then escalates to the head of
the standing body) → summarized (assessed with findings at each milestone of the
campaign, or on demand; the public service centre is told to publish it) → replicating (published by the public service centre; other
units report their adoption). A summarized model can become a draft nomination whose
evidence is the model's summary; a model may be dropped with a reason at any step.

Updates (each validated for the actor, then the stage, before anything is written):
nurture, record_follow_up, summarize, publish, report_adoption, drop, propose_nomination.
Signals (from the campaign workflow): milestone_reached, campaign_closed.
Query: status. Timers: the follow-up due moment, its escalation, the end of the grace
period after the campaign closes. Every change is audited and projected to the exemplar
tables by a local activity. Continues as new when Temporal suggests it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from temporalio import workflow

from domain.calendar import VIETNAM_TZ, format_vn_date
from domain.vocabulary import ExemplarStage, Role

from .campaign_types import (
    EXEMPLAR_RATINGS,
    ON_DEMAND,
    AdoptionCommand,
    AdoptionRecord,
    AssessmentRecord,
    CampaignClosed,
    DraftNominationInput,
    DraftNominationResult,
    DropCommand,
    ExemplarChange,
    ExemplarInput,
    ExemplarResult,
    ExemplarState,
    ExemplarStatus,
    FollowUpCommand,
    FollowUpRecord,
    MilestoneReached,
    NurtureCommand,
    ProposeNominationCommand,
    PublishCommand,
    SummarizeCommand,
    UnitList,
    WardUnitsInput,
)
from .common import DOCUMENT_RETRY, DOCUMENT_TIMEOUT, MAX_TEXT, RECORD_RETRY, RECORD_TIMEOUT
from .contracts import Actor, NoticeRequest, Recipient
from .errors import conflict, forbidden, invalid, wrong_stage
from .notify import Notifier

with workflow.unsafe.imports_passed_through():
    from activities.campaign import CampaignActivities

_NURTURE_STAGES = (ExemplarStage.DISCOVERED, ExemplarStage.NURTURING, ExemplarStage.SUMMARIZED)
_FOLLOW_UP_STAGES = (ExemplarStage.NURTURING, ExemplarStage.SUMMARIZED)
_SUMMARIZE_STAGES = (ExemplarStage.NURTURING, ExemplarStage.SUMMARIZED, ExemplarStage.REPLICATING)
_NOMINATE_STAGES = (ExemplarStage.SUMMARIZED, ExemplarStage.REPLICATING)
MIN_FOLLOW_UP_DAYS = 7
MAX_FOLLOW_UP_DAYS = 366


@dataclass
class _Alarm:
    kind: str  # remind | escalate | close
    at: datetime


@workflow.defn
class ExemplarWorkflow:
    @workflow.init
    def __init__(self, input: ExemplarInput) -> None:
        self._in = input
        self._first_run = input.state is None
        self._s = input.state or ExemplarState()
        self._notifier = Notifier()
        self._version = 0  # changes whenever a timer may have moved
        self._finished = False
        self._nominating = False

    @workflow.run
    async def run(self, input: ExemplarInput) -> ExemplarResult:
        if self._first_run:
            await self._record(self._change("discovered", None, actor=input.proposed_by))
        while not self._done():
            if workflow.info().is_continue_as_new_suggested():
                await self._settle()
                workflow.continue_as_new(
                    replace(self._in, state=replace(self._s, run=self._s.run + 1))
                )
            await self._wait_for_alarm()
        await self._settle()
        return self._result()

    async def _settle(self) -> None:
        """Handlers first, then the notices they started (patched: runs from before the fix
        drained first)."""
        await self._notifier.after_handlers(
            handlers_first=workflow.patched("handlers-then-notices")
        )

    def _done(self) -> bool:
        return self._finished or self._s.stage == ExemplarStage.DROPPED

    async def _wait_for_alarm(self) -> None:
        version = self._version
        changed = lambda: self._version != version or self._done()  # noqa: E731
        alarm = self._next_alarm()
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
        await self._fire(alarm)

    def _next_alarm(self) -> _Alarm | None:
        s = self._s
        alarms: list[_Alarm] = []
        if s.campaign_closed_at is not None:
            alarms.append(
                _Alarm("close", s.campaign_closed_at + timedelta(days=self._in.closing_grace_days))
            )
        elif s.stage in _FOLLOW_UP_STAGES and s.next_follow_up_due is not None:
            if s.reminded_for != s.next_follow_up_due:
                alarms.append(_Alarm("remind", s.next_follow_up_due))
            elif s.escalated_for != s.next_follow_up_due:
                alarms.append(
                    _Alarm("escalate", s.next_follow_up_due + timedelta(days=s.escalate_after_days))
                )
        return min(alarms, key=lambda a: a.at) if alarms else None

    async def _fire(self, alarm: _Alarm) -> None:
        s = self._s
        if alarm.kind == "close":
            self._finished = True
            await self._record(
                self._change("closed", s.stage, reason="Phong trào thi đua đã kết thúc")
            )
            return
        due = s.next_follow_up_due
        assert due is not None
        if alarm.kind == "remind":
            s.reminded_for = due
            recipients = (
                [Recipient(user_id=s.responsible_user_id)]
                if s.responsible_user_id
                else [Recipient(role=Role.UNIT_OFFICER, unit_id=self._in.proposing_unit_id)]
            )
            self._notify(
                f"follow-up-due:{due.isoformat()}", "exemplar_follow_up_due", recipients, due=due
            )
            return
        # Escalate the missed follow-up, then the next period starts from the missed due.
        s.escalated_for = due
        head = (
            Recipient(user_id=self._in.escalation_user_id)
            if self._in.escalation_user_id
            else Recipient(role=Role.CHAIRMAN, unit_id=self._in.authority_unit_id)
        )
        self._notify(
            f"follow-up-escalation:{due.isoformat()}",
            "exemplar_escalation",
            [head],
            due=due,
            assignee=s.responsible_name,
        )
        s.next_follow_up_due = due + timedelta(days=s.follow_up_every_days or MIN_FOLLOW_UP_DAYS)
        await self._record(
            self._change(
                "follow_up_missed",
                s.stage,
                reason=f"Quá hạn theo dõi {format_vn_date(due)}",
                changes={"next_follow_up_due": [due.isoformat(), s.next_follow_up_due.isoformat()]},
            )
        )

    # ---- nurture ------------------------------------------------------------------------

    @workflow.update
    async def nurture(self, command: NurtureCommand) -> ExemplarResult:
        s = self._s
        before = s.stage
        s.stage = ExemplarStage.NURTURING if before == ExemplarStage.DISCOVERED else before
        s.responsible_user_id = command.responsible_user_id
        s.responsible_name = command.responsible_name
        s.support_plan = command.support_plan.strip()
        s.follow_up_every_days = command.follow_up_every_days
        s.escalate_after_days = command.escalate_after_days
        self._schedule_follow_up()
        action = "nurtured" if before == ExemplarStage.DISCOVERED else "support_plan_revised"
        await self._record(
            self._change(
                action,
                before,
                actor=command.actor,
                reason=s.support_plan,
                changes={
                    "responsible": ["", command.responsible_name],
                    "follow_up_every_days": ["", str(command.follow_up_every_days)],
                },
            )
        )
        return self._result()

    @nurture.validator
    def _validate_nurture(self, command: NurtureCommand) -> None:
        self._require(self._standing(command.actor) or self._proposer(command.actor))
        self._require_stage(_NURTURE_STAGES, "nurture")
        _require_text("support_plan", command.support_plan, MAX_TEXT)
        if command.responsible_user_id <= 0:
            raise invalid(
                "responsible_user_id",
                "Phải chọn người phụ trách",
                "a responsible officer is required",
            )
        if not MIN_FOLLOW_UP_DAYS <= command.follow_up_every_days <= MAX_FOLLOW_UP_DAYS:
            raise invalid(
                "follow_up_every_days",
                f"Chu kỳ theo dõi từ {MIN_FOLLOW_UP_DAYS} đến {MAX_FOLLOW_UP_DAYS} ngày",
                f"between {MIN_FOLLOW_UP_DAYS} and {MAX_FOLLOW_UP_DAYS} days",
            )
        if not 1 <= command.escalate_after_days < command.follow_up_every_days:
            raise invalid(
                "escalate_after_days",
                "Thời hạn báo cáo lên phải từ 1 ngày và ngắn hơn chu kỳ theo dõi",
                "at least 1 day and shorter than the follow-up interval",
            )

    @workflow.update
    async def record_follow_up(self, command: FollowUpCommand) -> ExemplarResult:
        s = self._s
        s.follow_ups += 1
        self._schedule_follow_up()
        change = self._change(
            "follow_up_recorded",
            s.stage,
            actor=command.actor,
            reason=command.note.strip(),
        )
        change.follow_up = FollowUpRecord(
            note=command.note.strip(),
            recorded_at=workflow.now(),
            recorded_by_user_id=command.actor.user_id,
        )
        await self._record(change)
        return self._result()

    @record_follow_up.validator
    def _validate_follow_up(self, command: FollowUpCommand) -> None:
        self._require(
            self._standing(command.actor)
            or self._proposer(command.actor)
            or command.actor.user_id == self._s.responsible_user_id
        )
        self._require_stage(_FOLLOW_UP_STAGES, "record a follow-up")
        _require_text("note", command.note, MAX_TEXT)

    def _schedule_follow_up(self) -> None:
        every = self._s.follow_up_every_days
        self._s.next_follow_up_due = workflow.now() + timedelta(days=every) if every else None
        self._version += 1

    # ---- summarize ----------------------------------------------------------------------

    @workflow.update
    async def summarize(self, command: SummarizeCommand) -> ExemplarResult:
        s = self._s
        milestone = command.milestone_code or (
            s.pending_milestones[0] if s.pending_milestones else ON_DEMAND
        )
        if milestone in s.pending_milestones:
            s.pending_milestones.remove(milestone)
        if milestone != ON_DEMAND:
            s.assessed_milestones.append(milestone)
        before = s.stage
        if before != ExemplarStage.REPLICATING:
            s.stage = ExemplarStage.SUMMARIZED
        self._version += 1
        # The public service centre must publish a summarized model: it is told, once
        # (one notice key; patched: runs from before the fix summarized without it).
        publisher = self._in.publisher_unit_id
        if (
            s.stage == ExemplarStage.SUMMARIZED
            and publisher is not None
            and workflow.patched("exemplar-publish-notice")
        ):
            self._notify(
                "publish-requested",
                "exemplar_publish_requested",
                [Recipient(role=Role.UNIT_OFFICER, unit_id=publisher)],
            )
        change = self._change(
            "summarized",
            before,
            actor=command.actor,
            reason=command.findings.strip(),
            changes={"milestone": ["", milestone], "rating": ["", command.rating]},
        )
        change.assessment = AssessmentRecord(
            milestone_code=milestone,
            findings=command.findings.strip(),
            rating=command.rating,
            assessed_at=workflow.now(),
            assessed_by_user_id=command.actor.user_id,
        )
        await self._record(change)
        return self._result()

    @summarize.validator
    def _validate_summarize(self, command: SummarizeCommand) -> None:
        self._require(self._standing(command.actor) or self._proposer(command.actor))
        self._require_stage(_SUMMARIZE_STAGES, "summarize")
        _require_text("findings", command.findings, MAX_TEXT)
        if command.rating not in EXEMPLAR_RATINGS:
            raise invalid(
                "rating",
                "Xếp loại không hợp lệ",
                "rating must be one of " + ", ".join(EXEMPLAR_RATINGS),
            )
        code = command.milestone_code
        if code and code != ON_DEMAND:
            if code in self._s.assessed_milestones:
                raise conflict(f"Điển hình đã được đánh giá ở mốc này / already assessed at {code}")
            if code not in self._s.pending_milestones:
                raise invalid(
                    "milestone_code",
                    "Mốc này chưa yêu cầu đánh giá",
                    "no assessment was asked for at this milestone",
                )

    # ---- replicate ----------------------------------------------------------------------

    @workflow.update
    async def publish(self, command: PublishCommand) -> ExemplarResult:
        s = self._s
        before = s.stage
        s.stage = ExemplarStage.REPLICATING
        s.published_at = workflow.now()
        self._version += 1
        change = self._change("published", before, actor=command.actor, reason=command.note.strip())
        await self._record(change)
        units: UnitList = await workflow.execute_local_activity_method(
            CampaignActivities.ward_units,
            WardUnitsInput(campaign_id=self._in.campaign_id),
            start_to_close_timeout=RECORD_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )
        others = [
            Recipient(role=Role.UNIT_OFFICER, unit_id=u.unit_id)
            for u in units.units
            if u.unit_id != self._in.proposing_unit_id
        ]
        self._notify("published", "exemplar_published", others)
        return self._result()

    @publish.validator
    def _validate_publish(self, command: PublishCommand) -> None:
        publisher = self._in.publisher_unit_id
        self._require(publisher is not None and command.actor.has(Role.UNIT_OFFICER, publisher))
        self._require_stage((ExemplarStage.SUMMARIZED,), "publish")
        if len(command.note) > MAX_TEXT:
            raise invalid("note", f"Tối đa {MAX_TEXT} ký tự", f"at most {MAX_TEXT} characters")

    @workflow.update
    async def report_adoption(self, command: AdoptionCommand) -> ExemplarResult:
        s = self._s
        s.adopted_unit_ids.append(command.unit_id)
        adopted_on = command.adopted_on or _local_today()
        change = self._change(
            "adopted",
            s.stage,
            actor=command.actor,
            reason=command.report.strip(),
            changes={"unit": ["", command.unit_name], "adopted_on": ["", adopted_on.isoformat()]},
        )
        change.adoption = AdoptionRecord(
            unit_id=command.unit_id,
            adopted_on=adopted_on,
            report=command.report.strip(),
            reported_by_user_id=command.actor.user_id,
            recorded_at=workflow.now(),
        )
        await self._record(change)
        return self._result()

    @report_adoption.validator
    def _validate_adoption(self, command: AdoptionCommand) -> None:
        self._require(command.actor.has(Role.UNIT_OFFICER, command.unit_id))
        self._require_stage((ExemplarStage.REPLICATING,), "report an adoption")
        if command.unit_id == self._in.proposing_unit_id:
            raise invalid(
                "unit_id",
                "Đơn vị phát hiện điển hình không tự báo cáo nhân rộng",
                "the proposing unit does not adopt its own model",
            )
        if command.unit_id in self._s.adopted_unit_ids:
            raise conflict(
                "Đơn vị đã báo cáo nhân rộng mô hình này / "
                "this unit has already reported adopting the model"
            )
        if command.adopted_on is not None:
            published = self._s.published_at
            if command.adopted_on > _local_today():
                raise invalid(
                    "adopted_on",
                    "Ngày áp dụng không được sau hôm nay",
                    "the adoption date cannot be in the future",
                )
            if (
                published is not None
                and command.adopted_on < published.astimezone(VIETNAM_TZ).date()
            ):
                raise invalid(
                    "adopted_on",
                    "Ngày áp dụng phải từ ngày công bố mô hình",
                    "the adoption date cannot precede the publication",
                )
        if len(command.report) > MAX_TEXT:
            raise invalid("report", f"Tối đa {MAX_TEXT} ký tự", f"at most {MAX_TEXT} characters")

    # ---- drop, nominate -----------------------------------------------------------------

    @workflow.update
    async def drop(self, command: DropCommand) -> ExemplarResult:
        s = self._s
        before = s.stage
        s.stage = ExemplarStage.DROPPED
        s.dropped_reason = command.reason.strip()
        self._version += 1
        await self._record(
            self._change("dropped", before, actor=command.actor, reason=s.dropped_reason)
        )
        return self._result()

    @drop.validator
    def _validate_drop(self, command: DropCommand) -> None:
        self._require(self._standing(command.actor) or self._proposer(command.actor))
        if self._done():
            raise wrong_stage(self._s.stage.value, "Điển hình đã kết thúc / the exemplar is closed")
        _require_text("reason", command.reason, MAX_TEXT)

    @workflow.update
    async def propose_nomination(self, command: ProposeNominationCommand) -> ExemplarResult:
        self._nominating = True
        try:
            year = command.year or _local_today().year
            draft: DraftNominationResult = await workflow.execute_activity_method(
                CampaignActivities.draft_nomination_from_exemplar,
                DraftNominationInput(
                    exemplar_id=self._in.exemplar_id,
                    key=f"{workflow.info().workflow_id}:nomination",
                    award_code=command.award_code,
                    rule_set_id=command.rule_set_id,
                    year=year,
                    attestations=list(command.attestations),
                    dossier_items=list(command.dossier_items),
                    drafted_by_user_id=command.actor.user_id,
                ),
                start_to_close_timeout=DOCUMENT_TIMEOUT,
                retry_policy=DOCUMENT_RETRY,
            )
        finally:
            self._nominating = False
        self._s.nomination_id = draft.nomination_id
        await self._record(
            self._change(
                "nomination_proposed",
                self._s.stage,
                actor=command.actor,
                reason=command.award_name,
                changes={
                    "nomination_id": ["", str(draft.nomination_id)],
                    "award": ["", command.award_code],
                    "year": ["", str(year)],
                },
            )
        )
        return self._result()

    @propose_nomination.validator
    def _validate_propose_nomination(self, command: ProposeNominationCommand) -> None:
        unit = self._in.nominating_unit_id
        self._require(unit is not None and command.actor.has(Role.UNIT_OFFICER, unit))
        self._require_stage(_NOMINATE_STAGES, "propose a nomination")
        if self._s.nomination_id is not None or self._nominating:
            raise conflict(
                "Điển hình đã được đề nghị khen thưởng / "
                "a nomination was already drafted from this model"
            )
        if command.year is not None and command.year > _local_today().year:
            raise invalid(
                "year",
                "Năm thành tích không được sau năm hiện tại",
                "the achievement year cannot be in the future",
            )

    # ---- signals from the campaign ------------------------------------------------------

    @workflow.signal
    async def milestone_reached(self, signal: MilestoneReached) -> None:
        s = self._s
        if self._done() or signal.milestone_code in s.pending_milestones + s.assessed_milestones:
            return
        s.pending_milestones.append(signal.milestone_code)
        recipients = [Recipient(role=Role.UNIT_OFFICER, unit_id=self._in.proposing_unit_id)]
        if s.responsible_user_id:
            recipients.append(Recipient(user_id=s.responsible_user_id))
        self._notify(
            f"assessment:{signal.milestone_code}",
            "exemplar_assessment_requested",
            recipients,
            milestone=signal.title[:1].lower() + signal.title[1:],
        )
        await self._record(
            self._change(
                "assessment_requested",
                s.stage,
                reason=signal.title,
                changes={"milestone": ["", signal.milestone_code]},
            )
        )

    @workflow.signal
    async def campaign_closed(self, signal: CampaignClosed) -> None:
        if self._done() or self._s.campaign_closed_at is not None:
            return
        self._s.campaign_closed_at = signal.closed_at
        self._version += 1
        await self._record(self._change("campaign_closed", self._s.stage))

    # ---- query ----------------------------------------------------------------------------

    @workflow.query
    def status(self) -> ExemplarStatus:
        s = self._s
        return ExemplarStatus(
            exemplar_id=self._in.exemplar_id,
            stage=s.stage,
            responsible_user_id=s.responsible_user_id,
            next_follow_up_due=s.next_follow_up_due,
            follow_ups=s.follow_ups,
            pending_milestones=list(s.pending_milestones),
            assessed_milestones=list(s.assessed_milestones),
            adopted_unit_ids=list(s.adopted_unit_ids),
            nomination_id=s.nomination_id,
            campaign_closed_at=s.campaign_closed_at,
            run=s.run,
        )

    # ---- who, records, notices ----------------------------------------------------------

    def _standing(self, actor: Actor) -> bool:
        return actor.has(Role.STANDING_OFFICER, self._in.standing_unit_id)

    def _proposer(self, actor: Actor) -> bool:
        return actor.has(Role.UNIT_OFFICER, self._in.proposing_unit_id)

    @staticmethod
    def _require(allowed: bool) -> None:
        if not allowed:
            raise forbidden("not allowed for this exemplar")

    def _require_stage(self, stages: tuple[ExemplarStage, ...], what: str) -> None:
        if self._finished:
            raise wrong_stage(
                "closed", f"Điển hình đã kết thúc / the exemplar is closed: cannot {what}"
            )
        if self._s.stage not in stages:
            raise wrong_stage(
                self._s.stage.value,
                f"Không thể thực hiện ở bước hiện tại ({self._s.stage.value}) / "
                f"cannot {what} at stage {self._s.stage.value}",
            )

    def _result(self) -> ExemplarResult:
        return ExemplarResult(
            exemplar_id=self._in.exemplar_id,
            stage=self._s.stage,
            next_follow_up_due=self._s.next_follow_up_due,
            nomination_id=self._s.nomination_id,
        )

    def _change(
        self,
        action: str,
        from_stage: ExemplarStage | None,
        *,
        actor: Actor | None = None,
        reason: str = "",
        changes: dict[str, list[str]] | None = None,
    ) -> ExemplarChange:
        s = self._s
        s.seq += 1
        return ExemplarChange(
            exemplar_id=self._in.exemplar_id,
            workflow_id=workflow.info().workflow_id,
            seq=s.seq,
            action=action,
            occurred_at=workflow.now(),
            from_stage=from_stage,
            to_stage=s.stage,
            actor_user_id=actor.user_id if actor else None,
            actor_name=actor.name if actor else "Hệ thống",
            actor_role=actor.role_label() if actor else "system",
            reason=reason[:MAX_TEXT],
            changes=changes or {},
            responsible_user_id=s.responsible_user_id,
            support_plan=s.support_plan,
            follow_up_every_days=s.follow_up_every_days,
            next_follow_up_due=s.next_follow_up_due if s.stage in _FOLLOW_UP_STAGES else None,
            dropped_reason=s.dropped_reason,
            published_at=s.published_at,
            nomination_id=s.nomination_id,
        )

    async def _record(self, change: ExemplarChange) -> None:
        await workflow.execute_local_activity_method(
            CampaignActivities.record_exemplar_change,
            change,
            start_to_close_timeout=RECORD_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )

    def _notify(
        self,
        key: str,
        kind: str,
        recipients: list[Recipient],
        *,
        due: datetime | None = None,
        assignee: str = "",
        milestone: str = "",
    ) -> None:
        context = {
            "exemplar": self._in.title,
            "unit": self._in.proposing_unit_name,
            "link": f"/exemplars/{self._in.exemplar_id}",
        }
        if due is not None:
            context["due"] = format_vn_date(due)
        if assignee:
            context["assignee"] = assignee
        if milestone:
            context["milestone"] = milestone
        self._notifier.send(
            NoticeRequest(
                key=f"{workflow.info().workflow_id}:{key}",
                kind=kind,
                recipients=recipients,
                context=context,
            )
        )


def _local_today() -> date:
    return workflow.now().astimezone(VIETNAM_TZ).date()


def _require_text(field_name: str, value: str, limit: int) -> None:
    if not value or not value.strip():
        raise invalid(field_name, "Không được để trống", "must not be empty")
    if len(value) > limit:
        raise invalid(field_name, f"Tối đa {limit} ký tự", f"at most {limit} characters")
