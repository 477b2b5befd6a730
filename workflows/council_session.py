"""A council session (phiên họp Hội đồng Thi đua - Khen thưởng): ``council-session-<id>``.

The standing body convenes it with an agenda of many nominations. Each member casts ONE
ballot sheet covering every agenda item (agree / disagree / abstain), in person or as a
written opinion when absent; a member with a conflict of interest is recused from that
item. The session closes when every member has voted, at its deadline, or when the
standing body closes it. With a quorum of members present, an item passes when the
members who agree reach its threshold of ALL council members (e.g. ≥ 80% for CSTĐCS);
without a quorum nothing is decided and the items wait for another session.

Ballots are secret: the choices live only in this workflow (whose payloads are
encrypted); queries, tables and minutes show who has voted and the tallies, never how
anyone voted.

An absent member's written opinion (ý kiến bằng văn bản) goes into the minutes under the
member's name, apart from the tallies: never beside a choice.

Updates: cast_ballot, close. Signal: agenda_ack (from nominations). Query: status.
Timers: the wait for every nomination to confirm its place on the agenda (one that has
not after ``ACK_TIMEOUT`` is taken off it, in the audit trail), a reminder to members who
have not voted, the deadline.

The audit trail names the officer who convened (also told to each nomination placed on
the agenda), each member who cast a sheet and whoever closed the ballot; what the workflow
does by itself cites its rule (``workflows.engine_rules``).
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from domain.calendar import VIETNAM_TZ
from domain.thresholds import quorum_met
from domain.vocabulary import BallotMode, Choice, ItemResult, Role, SessionStatus

from .common import (
    ACK_TIMEOUT,
    DOCUMENT_RETRY,
    DOCUMENT_TIMEOUT,
    MAX_TEXT,
    RECORD_RETRY,
    RECORD_TIMEOUT,
    signal_workflow,
)
from .contracts import ActedBy, NoticeRequest, Recipient
from .council_types import (
    CLOSERS_ONLY,
    MEMBERS_ONLY,
    AgendaAck,
    AgendaItemPlan,
    BallotReceiptView,
    BallotSheet,
    CloseCommand,
    ItemTally,
    SessionChange,
    SessionInput,
    SessionStatusView,
    may_close,
)
from .engine_rules import ACK_TIMEOUT as ACK_TIMEOUT_RULE
from .engine_rules import BALLOT_CLOSE, NOT_AWAITING, QUORUM
from .errors import conflict, forbidden, invalid, wrong_stage
from .nomination_types import COUNCIL_RESULT, PLACED_ON_AGENDA, AgendaPlacement, CouncilResult
from .notify import Notifier

with workflow.unsafe.imports_passed_through():
    from activities.documents.activities import DocumentActivities
    from activities.documents.types import IssueMinutesInput, WrittenOpinion
    from activities.projection import ProjectionActivities


@workflow.defn
class CouncilSessionWorkflow:
    @workflow.init
    def __init__(self, input: SessionInput) -> None:
        self._in = input
        self._notifier = Notifier()
        self._members = {m.member_id: m for m in input.members}
        self._items: dict[int, AgendaItemPlan] = {i.nomination_id: i for i in input.items}
        self._acks: dict[int, bool] = {}
        self._sheets: dict[int, tuple[BallotMode, dict[str, Choice]]] = {}
        self._opinions: dict[int, str] = {}  # absent member → written opinion (no choices)
        self._unconfirmed: set[int] = set()  # nominations taken off for not confirming
        self._receipts: list[BallotReceiptView] = []
        self._status = SessionStatus.OPEN
        self._close_requested = False
        self._closed_by: ActedBy | None = None  # None: closed by the rule (all voted, deadline)
        self._tallies: list[ItemTally] = []
        self._tally_recorded = False
        self._seq = 0

    @workflow.run
    async def run(self, input: SessionInput) -> SessionStatusView:
        convener = ActedBy.of(input.convened_by, Role.STANDING_OFFICER)
        await self._record(self._change("opened", actor=convener))
        for item in input.items:
            try:
                await signal_workflow(
                    item.nomination_workflow_id,
                    PLACED_ON_AGENDA,
                    AgendaPlacement(
                        session_id=input.session_id,
                        session_workflow_id=workflow.info().workflow_id,
                        convened_by=convener,
                    ),
                )
            except ApplicationError:
                self._acks[item.nomination_id] = False  # the nomination is closed
        await self._wait_for_acks()
        for nomination_id, accepted in self._acks.items():
            if not accepted and nomination_id not in self._unconfirmed:
                change = self._change("item_withdrawn")
                change.withdrawn_nomination_id = nomination_id
                change.reason = NOT_AWAITING.cite(
                    f"Đề nghị số {nomination_id} không còn chờ Hội đồng xét: không có trong "
                    "chương trình phiên họp",
                    f"nomination {nomination_id} no longer waits for the council: off the agenda",
                )
                await self._record(change)
        self._notify_members("ballot_open", [m.user_id for m in self._members.values()])

        reminder_at = input.closes_at - timedelta(hours=input.reminder_hours_before_close)
        if reminder_at > workflow.now() and not await self._wait_until_done(reminder_at):
            missing = [m.user_id for mid, m in self._members.items() if mid not in self._sheets]
            self._notify_members("ballot_reminder", missing)
        await self._wait_until_done(input.closes_at)

        self._close_and_tally()
        await self._record(self._closing_change())
        self._tally_recorded = True
        await workflow.execute_activity_method(
            DocumentActivities.issue_minutes,
            IssueMinutesInput(
                session_id=input.session_id,
                written_opinions=[
                    WrittenOpinion(member_id=member_id, text=self._opinions[member_id])
                    for member_id in self._members
                    if member_id in self._opinions
                ],
            ),
            start_to_close_timeout=DOCUMENT_TIMEOUT,
            retry_policy=DOCUMENT_RETRY,
        )
        for tally in self._tallies:
            if tally.withdrawn:
                continue
            item = self._items[tally.nomination_id]
            try:
                await signal_workflow(
                    item.nomination_workflow_id,
                    COUNCIL_RESULT,
                    CouncilResult(
                        session_id=input.session_id,
                        passed=tally.result == ItemResult.PASSED,
                        inquorate=tally.result == ItemResult.NOT_DECIDED,
                        agree=tally.agree,
                        disagree=tally.disagree,
                        abstain=tally.abstain,
                        member_count=len(self._members),
                        threshold=tally.threshold,
                    ),
                )
            except ApplicationError:
                pass  # closed meanwhile (withdrawn): the result no longer applies
        self._notifier.send(
            NoticeRequest(
                key=f"{workflow.info().workflow_id}:closed",
                kind="session_closed",
                recipients=[Recipient(role=Role.STANDING_OFFICER, unit_id=input.standing_unit_id)],
                context={
                    "session_title": input.title,
                    "link": f"/council-sessions/{input.session_id}",
                },
            )
        )
        # Handlers may still queue a notice: let them finish, then wait for every notice.
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self._notifier.drain()
        return self.status()

    async def _wait_for_acks(self) -> None:
        """Every nomination on the agenda confirms or declines its place. One that has not
        answered after ACK_TIMEOUT is taken off the agenda, in the audit trail, and told so;
        the council votes on the others. (Patched: sessions opened before the bound wait
        without one.)"""
        answered = lambda: len(self._acks) == len(self._items)  # noqa: E731
        if not workflow.patched("bounded-agenda-ack"):
            await workflow.wait_condition(answered)
            return
        try:
            await workflow.wait_condition(answered, timeout=ACK_TIMEOUT)
            return
        except TimeoutError:
            if answered():
                return
        minutes = int(ACK_TIMEOUT.total_seconds() // 60)
        for nomination_id, item in self._items.items():
            if nomination_id in self._acks:
                continue
            self._acks[nomination_id] = False
            self._unconfirmed.add(nomination_id)
            reason = ACK_TIMEOUT_RULE.cite(
                f"Đề nghị số {nomination_id} không xác nhận việc đưa vào chương trình phiên họp "
                f"sau {minutes} phút: không xét tại phiên họp này",
                f"nomination {nomination_id} did not confirm its place on the agenda within "
                f"{minutes} minutes: it is not considered at this session",
            )
            workflow.logger.error("%s: %s", item.nomination_workflow_id, reason)
            change = self._change("agenda_unconfirmed")
            change.withdrawn_nomination_id = nomination_id
            change.reason = reason
            await self._record(change)
            # Should it wake up, the nomination finds this after the placement: it goes back
            # to waiting for a council.
            try:
                await signal_workflow(
                    item.nomination_workflow_id,
                    COUNCIL_RESULT,
                    CouncilResult(
                        session_id=self._in.session_id,
                        passed=False,
                        inquorate=True,
                        agree=0,
                        disagree=0,
                        abstain=0,
                        member_count=len(self._members),
                        threshold=str(item.threshold),
                        removed_reason=reason,
                    ),
                )
            except ApplicationError:
                pass  # closed meanwhile

    async def _wait_until_done(self, moment) -> bool:
        """Wait until every member has voted or the session is closed, at most until
        ``moment``; True when done before it."""
        done = lambda: self._close_requested or len(self._sheets) == len(self._members)  # noqa: E731
        remaining = moment - workflow.now()
        if remaining <= timedelta(0):
            return done()
        try:
            await workflow.wait_condition(done, timeout=remaining)
            return True
        except TimeoutError:
            return done()

    # ---- commands ------------------------------------------------------------------------

    @workflow.update
    async def cast_ballot(self, sheet: BallotSheet) -> BallotReceiptView:
        member_id = sheet.actor.member_id_in(self._in.council_id)
        assert member_id is not None
        self._sheets[member_id] = (sheet.mode, dict(sheet.choices))
        if sheet.mode == BallotMode.WRITTEN and sheet.written_opinion.strip():
            self._opinions[member_id] = sheet.written_opinion.strip()
        receipt = BallotReceiptView(member_id=member_id, mode=sheet.mode, cast_at=workflow.now())
        self._receipts.append(receipt)
        change = self._change("ballot_cast", actor=ActedBy.of(sheet.actor, Role.COUNCIL_MEMBER))
        change.receipt = receipt
        await self._record(change)
        return receipt

    @cast_ballot.validator
    def _validate_ballot(self, sheet: BallotSheet) -> None:
        member_id = sheet.actor.member_id_in(self._in.council_id)
        if member_id is None or member_id not in self._members:
            raise forbidden(" / ".join(MEMBERS_ONLY))
        if self._status != SessionStatus.OPEN or self._close_requested:
            raise wrong_stage(
                self._status.value if self._status != SessionStatus.OPEN else "closed",
                "Phiên họp đã kết thúc bỏ phiếu / the ballot is closed",
            )
        if member_id in self._sheets:
            raise conflict(
                "Thành viên đã bỏ phiếu cho phiên họp này / "
                "this member has already cast a ballot sheet"
            )
        # Items still being confirmed by their nominations count as on the agenda; a
        # choice on one that then leaves the agenda is simply not counted.
        expected = {
            str(nomination_id)
            for nomination_id, item in self._items.items()
            if self._acks.get(nomination_id, True) and member_id not in item.recused_member_ids
        }
        given = set(sheet.choices)
        for key in sorted(given - expected):
            raise invalid(
                f"choices.{key}",
                "Không được bỏ phiếu cho mục này (không có trong "
                "chương trình hoặc thành viên không tham gia biểu quyết)",
                "not an item this member votes on (not on the agenda, or recused)",
            )
        for key in sorted(expected - given):
            raise invalid(
                f"choices.{key}",
                "Chưa chọn ý kiến cho mục này",
                "a choice is needed for every agenda item",
            )
        for key, choice in sheet.choices.items():
            if choice not in (Choice.AGREE, Choice.DISAGREE, Choice.ABSTAIN):
                raise invalid(f"choices.{key}", "Lựa chọn không hợp lệ", "invalid choice")
        if sheet.written_opinion.strip() and sheet.mode != BallotMode.WRITTEN:
            raise invalid(
                "written_opinion",
                "Ý kiến bằng văn bản dành cho thành viên vắng mặt: chọn hình thức "
                "gửi ý kiến bằng văn bản",
                "a written opinion is for an absent member: choose the written mode",
            )
        if len(sheet.written_opinion) > MAX_TEXT:
            raise invalid(
                "written_opinion", f"Tối đa {MAX_TEXT} ký tự", f"at most {MAX_TEXT} characters"
            )

    @workflow.update
    async def close(self, command: CloseCommand) -> SessionStatusView:
        self._close_requested = True
        self._closed_by = ActedBy.of(
            command.actor,
            Role.STANDING_OFFICER
            if command.actor.has(Role.STANDING_OFFICER, self._in.standing_unit_id)
            else Role.CHAIRMAN,
        )
        await workflow.wait_condition(lambda: self._tally_recorded)
        return self.status()

    @close.validator
    def _validate_close(self, command: CloseCommand) -> None:
        if not may_close(
            command.actor,
            standing_unit_id=self._in.standing_unit_id,
            authority_unit_id=self._in.authority_unit_id,
        ):
            raise forbidden(" / ".join(CLOSERS_ONLY))
        if self._status != SessionStatus.OPEN or self._close_requested:
            raise wrong_stage(self._status.value, "the session is already closed")

    @workflow.signal
    def agenda_ack(self, ack: AgendaAck) -> None:
        # The first answer counts: an item the session stopped waiting for stays off the
        # agenda (and its nomination was told so).
        if ack.nomination_id in self._items and ack.nomination_id not in self._acks:
            self._acks[ack.nomination_id] = ack.accepted

    @workflow.query
    def status(self) -> SessionStatusView:
        return SessionStatusView(
            session_id=self._in.session_id,
            status=self._status,
            closes_at=self._in.closes_at,
            member_count=len(self._members),
            voted_member_ids=sorted(self._sheets),
            present_count=sum(
                1 for mode, _ in self._sheets.values() if mode == BallotMode.IN_PERSON
            ),
            written_count=sum(1 for mode, _ in self._sheets.values() if mode == BallotMode.WRITTEN),
            withdrawn_nomination_ids=sorted(n for n, ok in self._acks.items() if not ok),
            tallies=list(self._tallies),
        )

    # ---- tally ---------------------------------------------------------------------------

    def _close_and_tally(self) -> None:
        member_count = len(self._members)
        present = sum(1 for mode, _ in self._sheets.values() if mode == BallotMode.IN_PERSON)
        written = sum(1 for mode, _ in self._sheets.values() if mode == BallotMode.WRITTEN)
        quorate = quorum_met(
            self._in.quorum,
            present=present,
            written=written,
            members=member_count,
            written_opinions_count=self._in.quorum_counts_written_opinions,
        )
        self._status = SessionStatus.CLOSED if quorate else SessionStatus.INQUORATE
        for nomination_id, item in self._items.items():
            if not self._acks.get(nomination_id):
                self._tallies.append(
                    ItemTally(
                        nomination_id,
                        ItemResult.NOT_DECIDED,
                        0,
                        0,
                        0,
                        str(item.threshold),
                        withdrawn=True,
                    )
                )
                continue
            counts = {Choice.AGREE: 0, Choice.DISAGREE: 0, Choice.ABSTAIN: 0}
            for _, choices in self._sheets.values():
                choice = choices.get(str(nomination_id))
                if choice is not None:
                    counts[Choice(choice)] += 1
            if not quorate:
                result = ItemResult.NOT_DECIDED
            elif item.threshold.met_by(counts[Choice.AGREE], member_count):
                result = ItemResult.PASSED
            else:
                result = ItemResult.FAILED
            self._tallies.append(
                ItemTally(
                    nomination_id,
                    result,
                    counts[Choice.AGREE],
                    counts[Choice.DISAGREE],
                    counts[Choice.ABSTAIN],
                    str(item.threshold),
                )
            )

    # ---- records and notices -------------------------------------------------------------

    def _closing_change(self) -> SessionChange:
        """The close: by whoever closed it, or by the rule (every member voted, or the
        deadline came); without a quorum the reason cites the quorum rule."""
        present = sum(1 for mode, _ in self._sheets.values() if mode == BallotMode.IN_PERSON)
        counted = f"{len(self._sheets)}/{len(self._members)}"
        if self._status == SessionStatus.INQUORATE:
            change = self._change("inquorate", actor=self._closed_by)
            change.reason = QUORUM.cite(
                f"{present}/{len(self._members)} thành viên dự họp, ngưỡng {self._in.quorum}: "
                "Hội đồng không quyết định",
                f"{present}/{len(self._members)} members present, quorum {self._in.quorum}: "
                "nothing is decided",
            )
            return change
        change = self._change("closed", actor=self._closed_by)
        if self._closed_by is None:
            change.reason = BALLOT_CLOSE.cite(
                f"Kết thúc bỏ phiếu, {counted} thành viên đã bỏ phiếu",
                f"the ballot closed with {counted} members voted",
            )
        else:
            change.reason = f"Kết thúc bỏ phiếu, {counted} thành viên đã bỏ phiếu"
        return change

    def _change(self, action: str, *, actor: ActedBy | None = None) -> SessionChange:
        """``actor``: the person who acted (``None``: the workflow itself, whose reason then
        cites the rule it applied)."""
        self._seq += 1
        return SessionChange(
            session_id=self._in.session_id,
            workflow_id=workflow.info().workflow_id,
            seq=self._seq,
            action=action,
            occurred_at=workflow.now(),
            actor_user_id=actor.user_id if actor else None,
            actor_name=actor.name if actor else "Hệ thống",
            actor_role=actor.role if actor else "system",
            status=self._status,
            present_count=sum(1 for m, _ in self._sheets.values() if m == BallotMode.IN_PERSON),
            written_count=sum(1 for m, _ in self._sheets.values() if m == BallotMode.WRITTEN),
            tallies=list(self._tallies),
        )

    async def _record(self, change: SessionChange) -> None:
        await workflow.execute_local_activity_method(
            ProjectionActivities.record_session_change,
            change,
            start_to_close_timeout=RECORD_TIMEOUT,
            retry_policy=RECORD_RETRY,
        )

    def _notify_members(self, kind: str, user_ids: list[int]) -> None:
        self._notifier.send(
            NoticeRequest(
                key=f"{workflow.info().workflow_id}:{kind}",
                kind=kind,
                recipients=[Recipient(user_id=u) for u in user_ids],
                context={
                    "session_title": self._in.title,
                    "item_count": str(sum(1 for ok in self._acks.values() if ok)),
                    "due": self._in.closes_at.astimezone(VIETNAM_TZ).strftime("%H:%M %d/%m/%Y"),
                    "link": f"/council-sessions/{self._in.session_id}/ballot",
                },
            )
        )
