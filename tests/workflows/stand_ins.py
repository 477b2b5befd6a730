"""Stand-in activities for the fast workflow tests.

Each is registered under the name of the real activity it stands in for (taken from the
real method, so a rename breaks here at import, not in a hung workflow). They keep what
the workflows ask of them, the change records, the notices, the documents, and answer as
the real ones do: a change record is written once per workflow id and sequence number, a
notice request once per key, a decision keeps its number when signing is retried. No
database, mail server or PDF renderer: the activities themselves are tested on a real
database under tests/activities/.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.campaign import CampaignActivities
from activities.documents.activities import DocumentActivities
from activities.documents.types import (
    DocumentRef,
    IssuedDecision,
    IssueDecisionInput,
    IssueMinutesInput,
    IssueSignedInput,
    PublicNoticeInput,
)
from activities.notices import NoticeActivities
from activities.projection import ProjectionActivities
from domain.calendar import VIETNAM_TZ
from domain.vocabulary import DecisionKind
from workflows.campaign_types import (
    ActiveExemplars,
    ActiveExemplarsInput,
    CampaignChange,
    DraftNominationInput,
    DraftNominationResult,
    ExemplarChange,
    MilestoneReportInput,
    MilestoneReportResult,
    UnitList,
    UnitRef,
    UnregisteredInput,
    WardUnitsInput,
)
from workflows.contracts import FailedNoticesInput, NoticeRequest, NoticeResult
from workflows.council_types import SessionChange
from workflows.decision_types import DecisionChange
from workflows.nomination_types import NominationChange

from .builders import WARD_UNITS


def _name(real: Callable[..., Any]) -> str:
    return real.__name__


class StandIns:
    """What the workflows asked for, in order, and the answers the tests set up."""

    def __init__(self) -> None:
        self.nomination_changes: list[NominationChange] = []
        self.session_changes: list[SessionChange] = []
        self.decision_changes: list[DecisionChange] = []
        self.campaign_changes: list[CampaignChange] = []
        self.exemplar_changes: list[ExemplarChange] = []
        self.notices: list[NoticeRequest] = []
        self.public_notices: list[PublicNoticeInput] = []
        self.minutes: list[IssueMinutesInput] = []
        self.signed: list[IssueDecisionInput] = []
        self.clerk_issued: list[IssueSignedInput] = []  # the clerk's issues
        self.milestone_reports: list[MilestoneReportInput] = []
        self.drafts: list[DraftNominationInput] = []
        # Answers
        self.ward_unit_list: list[UnitRef] = list(WARD_UNITS)
        self.unregistered: list[UnitRef] = []
        self.exemplar_workflow_ids: list[str] = []
        self.decision_kinds: dict[int, DecisionKind] = {}
        self.signing_fault: str | None = None  # fault injection: the signing service is down
        self._record_keys: set[str] = set()
        self._notice_keys: set[str] = set()
        self._issued: dict[int, IssuedDecision] = {}
        self._numbers = itertools.count(1)
        self._document_ids = itertools.count(1000)

    def activities(self) -> list[Callable[..., Any]]:
        return [
            self.record_nomination_change,
            self.record_session_change,
            self.record_decision_change,
            self.record_campaign_change,
            self.record_exemplar_change,
            self.send_notices,
            self.mark_notices_failed,
            self.issue_public_notice,
            self.issue_minutes,
            self.issue_decision,
            self.sign_decision,
            self.issue_signed_decision,
            self.ward_units,
            self.unregistered_units,
            self.active_exemplars,
            self.milestone_report,
            self.draft_nomination_from_exemplar,
        ]

    # ---- what the tests read ------------------------------------------------------------

    def actions(self, nomination_id: int | None = None) -> list[str]:
        return [
            c.action
            for c in self.nomination_changes
            if nomination_id is None or c.nomination_id == nomination_id
        ]

    def notices_of(self, kind: str) -> list[NoticeRequest]:
        return [n for n in self.notices if n.kind == kind]

    # ---- change records (local activities) ----------------------------------------------

    def _first_time(self, workflow_id: str, seq: int) -> bool:
        key = f"{workflow_id}:{seq}"
        if key in self._record_keys:
            return False
        self._record_keys.add(key)
        return True

    @activity.defn(name=_name(ProjectionActivities.record_nomination_change))
    async def record_nomination_change(self, change: NominationChange) -> bool:
        if not self._first_time(change.workflow_id, change.seq):
            return False
        self.nomination_changes.append(change)
        return True

    @activity.defn(name=_name(ProjectionActivities.record_session_change))
    async def record_session_change(self, change: SessionChange) -> bool:
        if not self._first_time(change.workflow_id, change.seq):
            return False
        self.session_changes.append(change)
        return True

    @activity.defn(name=_name(ProjectionActivities.record_decision_change))
    async def record_decision_change(self, change: DecisionChange) -> bool:
        if not self._first_time(change.workflow_id, change.seq):
            return False
        self.decision_changes.append(change)
        return True

    @activity.defn(name=_name(CampaignActivities.record_campaign_change))
    async def record_campaign_change(self, change: CampaignChange) -> bool:
        if not self._first_time(change.workflow_id, change.seq):
            return False
        self.campaign_changes.append(change)
        return True

    @activity.defn(name=_name(CampaignActivities.record_exemplar_change))
    async def record_exemplar_change(self, change: ExemplarChange) -> bool:
        if not self._first_time(change.workflow_id, change.seq):
            return False
        self.exemplar_changes.append(change)
        return True

    # ---- notices ------------------------------------------------------------------------

    @activity.defn(name=_name(NoticeActivities.send_notices))
    async def send_notices(self, request: NoticeRequest) -> NoticeResult:
        if request.key in self._notice_keys:
            return NoticeResult(skipped_duplicates=len(request.recipients))
        self._notice_keys.add(request.key)
        self.notices.append(request)
        return NoticeResult(inbox_created=len(request.recipients))

    @activity.defn(name=_name(NoticeActivities.mark_notices_failed))
    async def mark_notices_failed(self, failed: FailedNoticesInput) -> int:
        return 0

    # ---- documents ----------------------------------------------------------------------

    def _document(self, key: str) -> DocumentRef:
        return DocumentRef(next(self._document_ids), hashlib.sha256(key.encode()).hexdigest())

    @activity.defn(name=_name(DocumentActivities.issue_public_notice))
    async def issue_public_notice(self, data: PublicNoticeInput) -> DocumentRef:
        self.public_notices.append(data)
        return self._document(data.key)

    @activity.defn(name=_name(DocumentActivities.issue_minutes))
    async def issue_minutes(self, data: IssueMinutesInput) -> DocumentRef:
        self.minutes.append(data)
        return self._document(f"minutes-{data.session_id}")

    @activity.defn(name=_name(DocumentActivities.issue_decision))
    async def issue_decision(self, data: IssueDecisionInput) -> IssuedDecision:
        """Numbers the document in its series (01/QĐ-UBND, 01/TTr-UBND...) once: a retry
        gets the same number back."""
        if self.signing_fault:
            raise ApplicationError(self.signing_fault, type="NoSigningIdentity", non_retryable=True)
        self.signed.append(data)
        if data.decision_id not in self._issued:
            kind = self.decision_kinds.get(data.decision_id, DecisionKind.DECISION)
            series = "QĐ-UBND" if kind == DecisionKind.DECISION else "TTr-UBND"
            document = self._document(f"decision-{data.decision_id}")
            self._issued[data.decision_id] = IssuedDecision(
                decision_id=data.decision_id,
                number_text=f"{next(self._numbers):02d}/{series}",
                document_id=document.document_id,
                sha256=document.sha256,
                issued_on=data.signed_at.astimezone(VIETNAM_TZ).date(),
            )
        return self._issued[data.decision_id]

    @activity.defn(name=_name(DocumentActivities.sign_decision))
    async def sign_decision(self, data: IssueDecisionInput) -> IssuedDecision:
        """The signer's signature since "clerk-issue": as ``issue_decision``, without the
        number and the date when the clerk gives them ("clerk-numbers")."""
        if not data.clerk_numbers:
            return await self.issue_decision(data)
        if self.signing_fault:
            raise ApplicationError(self.signing_fault, type="NoSigningIdentity", non_retryable=True)
        self.signed.append(data)
        if data.decision_id not in self._issued:
            document = self._document(f"decision-{data.decision_id}")
            self._issued[data.decision_id] = IssuedDecision(
                decision_id=data.decision_id,
                number_text="",
                document_id=document.document_id,
                sha256=document.sha256,
                issued_on=None,
            )
        return self._issued[data.decision_id]

    @activity.defn(name=_name(DocumentActivities.issue_signed_decision))
    async def issue_signed_decision(self, data: IssueSignedInput) -> IssuedDecision:
        """The clerk's: the number and the date when the signer signed without them (once:
        a retry gets the same back), and the organisation's signature changes the file."""
        self.clerk_issued.append(data)
        signed = self._issued[data.decision_id]
        if not signed.number_text:
            kind = self.decision_kinds.get(data.decision_id, DecisionKind.DECISION)
            series = "QĐ-UBND" if kind == DecisionKind.DECISION else "TTr-UBND"
            signed = replace(
                signed,
                number_text=f"{next(self._numbers):02d}/{series}",
                issued_on=data.issued_at.astimezone(VIETNAM_TZ).date(),
            )
            self._issued[data.decision_id] = signed
        digest = hashlib.sha256(f"{signed.sha256}:sealed".encode()).hexdigest()
        return IssuedDecision(
            decision_id=signed.decision_id,
            number_text=signed.number_text,
            document_id=signed.document_id,
            sha256=digest,
            issued_on=signed.issued_on,
        )

    # ---- campaign reads and documents ---------------------------------------------------

    @activity.defn(name=_name(CampaignActivities.ward_units))
    async def ward_units(self, request: WardUnitsInput) -> UnitList:
        units = self.ward_unit_list
        if request.residential_groups_only:
            units = [u for u in units if u.kind == "residential_group"]
        return UnitList(list(units))

    @activity.defn(name=_name(CampaignActivities.unregistered_units))
    async def unregistered_units(self, request: UnregisteredInput) -> UnitList:
        return UnitList(list(self.unregistered))

    @activity.defn(name=_name(CampaignActivities.active_exemplars))
    async def active_exemplars(self, request: ActiveExemplarsInput) -> ActiveExemplars:
        return ActiveExemplars(list(self.exemplar_workflow_ids))

    @activity.defn(name=_name(CampaignActivities.milestone_report))
    async def milestone_report(self, request: MilestoneReportInput) -> MilestoneReportResult:
        self.milestone_reports.append(request)
        document = self._document(request.key)
        return MilestoneReportResult(
            document_id=document.document_id,
            registrations=12,
            nominations=5,
            awards=3,
            exemplars=len(self.exemplar_workflow_ids),
            adoptions=0,
        )

    @activity.defn(name=_name(CampaignActivities.draft_nomination_from_exemplar))
    async def draft_nomination_from_exemplar(
        self, request: DraftNominationInput
    ) -> DraftNominationResult:
        self.drafts.append(request)
        return DraftNominationResult(nomination_id=500 + request.exemplar_id)
