"""The emulation campaign (phong trào thi đua), for its whole life: ``campaign-<code>``.

One run drives one campaign year, then continues as new at the year boundary (and
earlier if Temporal suggests it), carrying its state (``CampaignState``: the year, the
years done, the amended content areas and milestones, the audit sequence). Each year:

- registration opens (``registration_opens``, e.g. 15 January): a notice to every unit of
  the ward;
- reminders before ``registration_due`` to the units that have not registered yet;
- the year-end review window: residential groups are told to review households before
  ``household_review_due`` (25 November), every unit that dossiers are due on
  ``dossiers_due`` (early December);
- the milestones that fall in the year (mid-term review, final review): the results are
  gathered into a report document, the standing body and the units are asked for the
  review report, and every exemplar of the campaign is asked for its assessment.

Steps dated before the campaign was launched are skipped, not fired all at once; the
rest of that year still runs. After the last year's steps the campaign closes and tells
its exemplars.

Updates (standing officer of the campaign's authority; audited): add_content_area,
move_milestone. Query: status. Timers: one per step, one per year boundary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import NoReturn

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from domain.calendar import VIETNAM_TZ, format_vn_date
from domain.vocabulary import Role

from .campaign_types import (
    ActiveExemplars,
    ActiveExemplarsInput,
    AddContentAreaCommand,
    Amendment,
    CampaignChange,
    CampaignClosed,
    CampaignInput,
    CampaignOutcome,
    CampaignState,
    CampaignStatus,
    ContentAreaPlan,
    MilestonePlan,
    MilestoneReached,
    MilestoneReportInput,
    MilestoneReportResult,
    MoveMilestoneCommand,
    UnitList,
    UnitRef,
    UnregisteredInput,
    WardUnitsInput,
)
from .common import DOCUMENT_RETRY, DOCUMENT_TIMEOUT, MAX_TEXT, RECORD_RETRY, RECORD_TIMEOUT
from .contracts import Actor, NoticeRequest, Recipient
from .errors import conflict, forbidden, invalid, wrong_stage
from .exemplar import ExemplarWorkflow
from .notify import Notifier

with workflow.unsafe.imports_passed_through():
    from activities.campaign import CampaignActivities

STEP_HOUR = time(8, 0)  # steps fire at 08:00 local time on their day
CONTENT_AREA_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,63}")


@dataclass
class _Step:
    key: str
    kind: str  # registration_open | registration_reminder | household_review | dossiers | milestone
    at: datetime
    milestone_code: str = ""


def _month_day(year: int, month_day: str) -> date:
    month, day = (int(part) for part in month_day.split("-"))
    try:
        return date(year, month, day)
    except ValueError:  # 29 February in a common year
        return date(year, month, 28)


def _at(day: date) -> datetime:
    return datetime.combine(day, STEP_HOUR, tzinfo=VIETNAM_TZ)


def _local_today() -> date:
    return workflow.now().astimezone(VIETNAM_TZ).date()


@workflow.defn
class CampaignWorkflow:
    @workflow.init
    def __init__(self, input: CampaignInput) -> None:
        self._in = input
        self._first_run = input.state is None
        if input.state is None:
            now = workflow.now()
            self._state = CampaignState(
                year=max(input.start_year, now.astimezone(VIETNAM_TZ).year),
                launched_at=now,
                content_areas=list(input.content_areas),
                milestones=list(input.milestones),
            )
        else:
            self._state = input.state
        self._notifier = Notifier()
        self._version = 0  # changes when an amendment moves a date
        self._closed = False

    # ---- the year -----------------------------------------------------------------------

    @workflow.run
    async def run(self, input: CampaignInput) -> CampaignOutcome:
        if self._first_run:
            await self._record(
                self._change(
                    "launched",
                    actor=input.launched_by,
                    status="running",
                    changes={"year": ["", str(self._state.year)]},
                )
            )
        while True:
            if self._state.year > input.end_year:
                return await self._close()
            step = self._next_step()
            if step is None:
                if self._state.year >= input.end_year:
                    return await self._close()
                new_year = datetime(self._state.year + 1, 1, 1, tzinfo=VIETNAM_TZ)
                if await self._interrupted_before(new_year):
                    continue  # an amendment moved a milestone into this year
                await self._record(
                    self._change("year_completed", changes={"year": ["", str(self._state.year)]})
                )
                await self._continue_as_new(next_year=True)
            if workflow.info().is_continue_as_new_suggested():
                await self._continue_as_new(next_year=False)
            if await self._interrupted_before(step.at):
                continue
            self._state.done_steps.append(step.key)
            await self._fire(step)

    def _year_steps(self, year: int | None = None) -> list[_Step]:
        """The steps of ``year`` (the current one by default), in order."""
        year = self._state.year if year is None else year
        cycle = self._in.cycle
        opens = _month_day(year, cycle.registration_opens)
        due = _month_day(year, cycle.registration_due)
        notice_days = timedelta(days=self._in.review_notice_days_before)
        steps = [_Step(f"{year}:registration_open", "registration_open", _at(opens))]
        for days in sorted(set(self._in.reminder_days_before), reverse=True):
            day = due - timedelta(days=days)
            if day > opens:
                steps.append(
                    _Step(f"{year}:registration_reminder:{days}", "registration_reminder", _at(day))
                )
        steps.append(
            _Step(
                f"{year}:household_review",
                "household_review",
                _at(_month_day(year, cycle.household_review_due) - notice_days),
            )
        )
        steps.append(
            _Step(
                f"{year}:dossiers",
                "dossiers",
                _at(_month_day(year, cycle.dossiers_due) - notice_days),
            )
        )
        for milestone in self._state.milestones:
            if milestone.reached_at is None and milestone.due_on.year == year:
                steps.append(
                    _Step(
                        f"{year}:milestone:{milestone.code}",
                        "milestone",
                        _at(milestone.due_on),
                        milestone.code,
                    )
                )
        return sorted(steps, key=lambda s: (s.at, s.key))

    def _pending_steps(self) -> list[_Step]:
        done = set(self._state.done_steps)
        return [s for s in self._year_steps() if s.key not in done]

    def _next_step(self) -> _Step | None:
        """The next step to fire; steps dated before the launch are marked skipped."""
        for step in self._pending_steps():
            if step.at < self._state.launched_at:
                self._state.done_steps.append(step.key)
                self._state.skipped_steps.append(step.key)
                continue
            return step
        return None

    async def _interrupted_before(self, moment: datetime) -> bool:
        """Wait until ``moment``; True if an amendment changed the dates meanwhile."""
        version = self._version
        delay = moment - workflow.now()
        if delay <= timedelta(0):
            return False
        try:
            await workflow.wait_condition(lambda: self._version != version, timeout=delay)
            return True
        except TimeoutError:
            return self._version != version

    async def _continue_as_new(self, *, next_year: bool) -> NoReturn:
        await self._settle()
        state = self._state
        if next_year:
            state = replace(
                state,
                year=state.year + 1,
                years_done=[*state.years_done, state.year],
                done_steps=[],
                skipped_steps=[],
            )
        workflow.continue_as_new(replace(self._in, state=replace(state, run=state.run + 1)))

    async def _close(self) -> CampaignOutcome:
        self._closed = True
        if self._state.year <= self._in.end_year and self._state.year not in self._state.years_done:
            self._state.years_done.append(self._state.year)
        active = await self._active_exemplars()
        for workflow_id in active:
            try:
                await workflow.get_external_workflow_handle_for(
                    ExemplarWorkflow.run, workflow_id
                ).signal(ExemplarWorkflow.campaign_closed, CampaignClosed(closed_at=workflow.now()))
            except ApplicationError:
                pass  # that exemplar has already completed
        await self._record(
            self._change(
                "closed",
                status="closed",
                changes={"years_done": ["", ", ".join(str(y) for y in self._state.years_done)]},
            )
        )
        await self._settle()
        return CampaignOutcome(
            campaign_id=self._in.campaign_id,
            years_done=list(self._state.years_done),
            runs=self._state.run,
            amendments=len(self._state.amendments),
        )

    async def _settle(self) -> None:
        """Handlers first, then the notices they started (patched: runs from before the fix
        drained first)."""
        await self._notifier.after_handlers(
            handlers_first=workflow.patched("handlers-then-notices")
        )

    # ---- the steps ------------------------------------------------------------------------

    async def _fire(self, step: _Step) -> None:
        year, cycle = self._state.year, self._in.cycle
        if step.kind == "registration_open":
            units = await self._ward_units()
            due = _month_day(year, cycle.registration_due)
            self._notify(step.key, "registration_open", _officers_of(units), due=due)
            await self._record(
                self._change("registration_opened", changes={"units": ["", str(len(units))]})
            )
        elif step.kind == "registration_reminder":
            unregistered: UnitList = await workflow.execute_local_activity_method(
                CampaignActivities.unregistered_units,
                UnregisteredInput(campaign_id=self._in.campaign_id, year=year),
                start_to_close_timeout=RECORD_TIMEOUT,
                retry_policy=RECORD_RETRY,
            )
            due = _month_day(year, cycle.registration_due)
            for unit in unregistered.units:
                self._notify(
                    f"{step.key}:u{unit.unit_id}",
                    "registration_reminder",
                    _officers_of([unit]),
                    due=due,
                    unit=unit.name,
                )
            await self._record(
                self._change(
                    "registration_reminded",
                    reason=", ".join(u.name for u in unregistered.units)[:MAX_TEXT],
                    changes={"unregistered_units": ["", str(len(unregistered.units))]},
                )
            )
        elif step.kind == "household_review":
            groups = await self._ward_units(residential_groups_only=True)
            due = _month_day(year, cycle.household_review_due)
            self._notify(step.key, "household_review_due", _officers_of(groups), due=due)
            await self._record(
                self._change(
                    "household_review_opened",
                    changes={"residential_groups": ["", str(len(groups))]},
                )
            )
        elif step.kind == "dossiers":
            units = await self._ward_units()
            due = _month_day(year, cycle.dossiers_due)
            self._notify(step.key, "dossiers_due", _officers_of(units), due=due)
            await self._record(
                self._change("dossiers_called", changes={"units": ["", str(len(units))]})
            )
        elif step.kind == "milestone":
            await self._hold_milestone(self._milestone(step.milestone_code))

    async def _hold_milestone(self, milestone: MilestonePlan) -> None:
        """Gather the results into the report, ask for the review report, and ask every
        exemplar of the campaign for its assessment."""
        now = workflow.now()
        report: MilestoneReportResult = await workflow.execute_activity_method(
            CampaignActivities.milestone_report,
            MilestoneReportInput(
                campaign_id=self._in.campaign_id,
                milestone_code=milestone.code,
                title=milestone.title,
                through_year=milestone.due_on.year,
                reached_at=now,
                key=f"{workflow.info().workflow_id}:milestone:{milestone.code}",
            ),
            start_to_close_timeout=DOCUMENT_TIMEOUT,
            retry_policy=DOCUMENT_RETRY,
        )
        milestone.reached_at = now
        units = await self._ward_units()
        recipients = [Recipient(role=Role.STANDING_OFFICER, unit_id=self._in.standing_unit_id)]
        recipients += _officers_of([u for u in units if u.unit_id != self._in.standing_unit_id])
        self._notify(
            f"milestone:{milestone.code}",
            "review_requested",
            recipients,
            milestone=_lower_first(milestone.title),
            link=f"/api/v1/documents/{report.document_id}/pdf",
        )
        signal = MilestoneReached(
            milestone_code=milestone.code,
            title=milestone.title,
            reached_at=now,
            report_document_id=report.document_id,
        )
        asked = 0
        for workflow_id in await self._active_exemplars():
            try:
                await workflow.get_external_workflow_handle_for(
                    ExemplarWorkflow.run, workflow_id
                ).signal(ExemplarWorkflow.milestone_reached, signal)
                asked += 1
            except ApplicationError:
                pass  # completed meanwhile
        await self._record(
            self._change(
                "milestone_reached",
                reason=milestone.title,
                changes={
                    "milestone": ["", milestone.code],
                    "report_document_id": ["", str(report.document_id)],
                    "registrations": ["", str(report.registrations)],
                    "nominations": ["", str(report.nominations)],
                    "awards": ["", str(report.awards)],
                    "exemplars_asked": ["", str(asked)],
                },
            )
        )

    async def _ward_units(self, *, residential_groups_only: bool = False) -> list[UnitRef]:
        units: UnitList = await workflow.execute_local_activity_method(
            CampaignActivities.ward_units,
            WardUnitsInput(
                campaign_id=self._in.campaign_id, residential_groups_only=residential_groups_only
            ),
            start_to_close_timeout=RECORD_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )
        return units.units

    async def _active_exemplars(self) -> list[str]:
        active: ActiveExemplars = await workflow.execute_local_activity_method(
            CampaignActivities.active_exemplars,
            ActiveExemplarsInput(campaign_id=self._in.campaign_id),
            start_to_close_timeout=RECORD_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )
        return active.workflow_ids

    # ---- amendments ---------------------------------------------------------------------

    @workflow.update
    async def add_content_area(self, command: AddContentAreaCommand) -> CampaignStatus:
        area = ContentAreaPlan(
            code=command.code.strip(),
            title=command.title.strip(),
            description=command.description.strip(),
        )
        self._state.content_areas.append(area)
        change = self._change(
            "content_area_added",
            actor=command.actor,
            reason=area.title,
            changes={"content_area": ["", area.code]},
        )
        change.added_content_area = area
        self._amend(change, "content_area_added", f"{area.code}: {area.title}")
        await self._record(change)
        return self.status()

    @add_content_area.validator
    def _validate_add_content_area(self, command: AddContentAreaCommand) -> None:
        self._require_amender(command.actor)
        code = command.code.strip()
        if not CONTENT_AREA_CODE.fullmatch(code):
            raise invalid(
                "code",
                "Mã nội dung thi đua chỉ gồm chữ thường không dấu, số và gạch nối (2–64 ký tự)",
                "lowercase letters, digits and hyphens, 2–64 characters",
            )
        if any(area.code == code for area in self._state.content_areas):
            raise conflict(f"Đã có nội dung thi đua '{code}' / content area '{code}' exists")
        _require_text("title", command.title, 255)
        if len(command.description) > MAX_TEXT:
            raise invalid(
                "description", f"Tối đa {MAX_TEXT} ký tự", f"at most {MAX_TEXT} characters"
            )

    @workflow.update
    async def move_milestone(self, command: MoveMilestoneCommand) -> CampaignStatus:
        milestone = self._milestone(command.milestone_code)
        before = milestone.due_on
        milestone.due_on = command.due_on
        self._version += 1
        change = self._change(
            "milestone_moved",
            actor=command.actor,
            reason=command.reason.strip(),
            changes={
                "due_on": [before.isoformat(), command.due_on.isoformat()],
                "milestone": ["", milestone.code],
            },
        )
        change.moved_milestone = replace(milestone)
        self._amend(
            change,
            "milestone_moved",
            f"{milestone.title}: {format_vn_date(before)} → {format_vn_date(command.due_on)}",
            reason=command.reason.strip(),
        )
        await self._record(change)
        return self.status()

    @move_milestone.validator
    def _validate_move_milestone(self, command: MoveMilestoneCommand) -> None:
        self._require_amender(command.actor)
        milestone = next(
            (m for m in self._state.milestones if m.code == command.milestone_code), None
        )
        if milestone is None:
            raise invalid("milestone_code", "Không có mốc này", "no such milestone")
        if milestone.reached_at is not None:
            raise wrong_stage(
                "reached", "Mốc đã được tổ chức, không thể dời / the milestone has been held"
            )
        if command.due_on <= _local_today():
            raise invalid("due_on", "Ngày mới phải sau hôm nay", "the new date must be after today")
        if not self._in.start_year <= command.due_on.year <= self._in.end_year:
            raise invalid(
                "due_on",
                f"Ngày mới phải trong giai đoạn {self._in.start_year} - {self._in.end_year}",
                "the new date must fall within the campaign",
            )
        _require_text("reason", command.reason, MAX_TEXT)

    def _require_amender(self, actor: Actor) -> None:
        if not actor.acts_for(Role.STANDING_OFFICER, self._in.authority_id):
            raise forbidden("only the standing body of the campaign's authority may amend it")
        if self._closed:
            raise wrong_stage("closed", "Phong trào đã kết thúc / the campaign has closed")

    def _amend(self, change: CampaignChange, kind: str, summary: str, reason: str = "") -> None:
        self._state.amendments.append(
            Amendment(
                seq=change.seq,
                kind=kind,
                at=change.occurred_at,
                actor_user_id=change.actor_user_id or 0,
                actor_name=change.actor_name,
                summary=summary,
                reason=reason,
            )
        )

    # ---- query ----------------------------------------------------------------------------

    @workflow.query
    def status(self) -> CampaignStatus:
        pending = [] if self._closed else self._pending_steps()
        upcoming = next((s for s in pending if s.at >= self._state.launched_at), None)
        if upcoming is None and not self._closed and self._state.year < self._in.end_year:
            # The year's steps are behind (or were passed before the launch): the next one
            # is the first of the next year, which the workflow waits for.
            upcoming = next(iter(self._year_steps(self._state.year + 1)), None)
        opened = f"{self._state.year}:registration_open" in self._state.done_steps
        return CampaignStatus(
            campaign_id=self._in.campaign_id,
            year=self._state.year,
            run=self._state.run,
            closed=self._closed,
            registration_year=self._state.year if opened and not self._closed else None,
            years_done=list(self._state.years_done),
            done_steps=list(self._state.done_steps),
            skipped_steps=list(self._state.skipped_steps),
            next_step=upcoming.key if upcoming else None,
            next_step_at=upcoming.at if upcoming else None,
            content_areas=list(self._state.content_areas),
            milestones=list(self._state.milestones),
            amendments=list(self._state.amendments),
        )

    # ---- records and notices ------------------------------------------------------------

    def _milestone(self, code: str) -> MilestonePlan:
        return next(m for m in self._state.milestones if m.code == code)

    def _change(
        self,
        action: str,
        *,
        actor: Actor | None = None,
        reason: str = "",
        changes: dict[str, list[str]] | None = None,
        status: str | None = None,
    ) -> CampaignChange:
        self._state.seq += 1
        return CampaignChange(
            campaign_id=self._in.campaign_id,
            workflow_id=workflow.info().workflow_id,
            seq=self._state.seq,
            action=action,
            occurred_at=workflow.now(),
            actor_user_id=actor.user_id if actor else None,
            actor_name=actor.name if actor else "Hệ thống",
            actor_role=Role.STANDING_OFFICER.value if actor else "system",
            reason=reason[:MAX_TEXT],
            changes=changes or {},
            status=status,
        )

    async def _record(self, change: CampaignChange) -> None:
        await workflow.execute_local_activity_method(
            CampaignActivities.record_campaign_change,
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
        due: date | None = None,
        unit: str = "",
        milestone: str = "",
        link: str = "",
    ) -> None:
        context = {
            "campaign": f"Phong trào thi đua giai đoạn {self._in.start_year} - {self._in.end_year}",
            "year": str(self._state.year),
            "link": link or f"/campaigns/{self._in.campaign_id}",
        }
        if due is not None:
            context["due"] = format_vn_date(due)
        if unit:
            context["unit"] = unit
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


def _officers_of(units: list[UnitRef]) -> list[Recipient]:
    return [Recipient(role=Role.UNIT_OFFICER, unit_id=u.unit_id) for u in units]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _require_text(field_name: str, value: str, limit: int) -> None:
    if not value or not value.strip():
        raise invalid(field_name, "Không được để trống", "must not be empty")
    if len(value) > limit:
        raise invalid(field_name, f"Tối đa {limit} ký tự", f"at most {limit} characters")
