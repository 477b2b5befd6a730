"""Keeps the database tables that lists, boards and pages read in step with the workflows.

Every workflow change is written here as one append-only audit event plus the new
projection values, in one transaction. The audit event key (workflow id + sequence
number) makes a retried write a no-op; the projection is only overwritten by a newer
sequence number, so a late retry never rolls a nomination back.
"""

from __future__ import annotations

import logging

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity

from domain.vocabulary import DecisionStatus, ItemResult, Level, SessionStatus, Stage
from models import (
    AgendaItem,
    AwardRecord,
    BallotReceipt,
    CouncilSession,
    Decision,
    DecisionItem,
    Nomination,
    Objection,
)
from models.audit import insert_ignoring_conflict, write_audit_event
from models.nominations import list_due_key
from thidua.db import SessionFactory, transaction
from workflows.council_types import SessionChange
from workflows.decision_types import DecisionChange
from workflows.nomination_types import NominationChange, RevokeRecord

log = logging.getLogger(__name__)


async def apply_nomination_change(session: AsyncSession, change: NominationChange) -> bool:
    """The body of the activity, usable inside another transaction (tests, tools)."""
    added = await write_audit_event(
        session,
        event_key=f"{change.workflow_id}:{change.seq}",
        subject_type="nomination",
        subject_id=change.nomination_id,
        nomination_id=change.nomination_id,
        action=change.action,
        occurred_at=change.occurred_at,
        actor_user_id=change.actor_user_id,
        actor_name=change.actor_name,
        actor_role=change.actor_role,
        level=change.level,
        from_stage=change.from_stage.value if change.from_stage else None,
        to_stage=change.to_stage.value,
        reason=change.reason,
        changes=change.changes,
    )
    if not added:
        return False
    values: dict = dict(
        projection_seq=change.seq,
        level=change.level,
        stage=change.to_stage,
        stage_due_at=change.stage_due_at,
        list_due_at=list_due_key(change.stage_due_at),
        level_due_at=change.level_due_at,
        waiting_on_role=change.waiting_on_role,
        waiting_on_unit_id=change.waiting_on_unit_id,
        escalated=change.escalated,
        council_session_id=change.council_session_id,
        decision_id=change.decision_id,
        outcome_reason=change.outcome_reason,
        assignee_user_id=change.assignee_user_id,
        public_notice_until=change.public_notice_until,
    )
    if change.authority_id:
        values["authority_id"] = change.authority_id
        if change.level == Level.CITY:
            values["city_authority_id"] = change.authority_id
        elif change.level == Level.CENTRAL:
            values["central_authority_id"] = change.authority_id
    if change.decision_number:
        values["decision_number"] = change.decision_number
    if change.from_stage != change.to_stage:
        values["stage_entered_at"] = change.occurred_at
    if change.closed:
        values["closed_at"] = change.occurred_at
    await session.execute(
        update(Nomination)
        .where(Nomination.id == change.nomination_id, Nomination.projection_seq < change.seq)
        .values(**values)
    )
    if change.objection is not None:
        await _apply_objection(session, change)
    return True


async def _apply_objection(session: AsyncSession, change: NominationChange) -> None:
    record = change.objection
    assert record is not None
    existing = (
        await session.execute(select(Objection).where(Objection.objection_key == record.key))
    ).scalar_one_or_none()
    if existing is None:
        session.add(
            Objection(
                objection_key=record.key,
                nomination_id=change.nomination_id,
                level=record.level,
                objector_name=record.objector_name,
                objector_contact=record.objector_contact,
                reason=record.reason,
                lodged_at=record.lodged_at,
                status=record.status,
                resolution=record.resolution,
                resolved_by_user_id=record.resolved_by_user_id,
                resolved_at=record.resolved_at,
            )
        )
    else:
        existing.status = record.status
        existing.resolution = record.resolution
        existing.resolved_by_user_id = record.resolved_by_user_id
        existing.resolved_at = record.resolved_at


async def apply_session_change(session: AsyncSession, change: SessionChange) -> bool:
    added = await write_audit_event(
        session,
        event_key=f"{change.workflow_id}:{change.seq}",
        subject_type="council_session",
        subject_id=change.session_id,
        action=change.action,
        occurred_at=change.occurred_at,
        actor_user_id=change.actor_user_id,
        actor_name=change.actor_name,
        actor_role=change.actor_role,
        to_stage=change.status.value,
        reason=change.reason,
    )
    if not added:
        return False
    values: dict = dict(
        projection_seq=change.seq,
        status=change.status,
        present_count=change.present_count,
        written_count=change.written_count,
    )
    if change.action == "opened":
        values["opened_at"] = change.occurred_at
    if change.status != SessionStatus.OPEN:
        values["closed_at"] = change.occurred_at
    # Ballots and the close are written concurrently: only a newer change may overwrite.
    await session.execute(
        update(CouncilSession)
        .where(CouncilSession.id == change.session_id, CouncilSession.projection_seq < change.seq)
        .values(**values)
    )
    if change.receipt is not None:
        # The voter roll only: who voted and how (in person / in writing), never the choices.
        await insert_ignoring_conflict(
            session,
            BallotReceipt,
            dict(
                session_id=change.session_id,
                member_id=change.receipt.member_id,
                mode=change.receipt.mode,
                cast_at=change.receipt.cast_at,
            ),
            ["session_id", "member_id"],
        )
    if change.withdrawn_nomination_id is not None:
        await session.execute(
            update(AgendaItem)
            .where(
                AgendaItem.session_id == change.session_id,
                AgendaItem.nomination_id == change.withdrawn_nomination_id,
            )
            .values(withdrawn=True, result=ItemResult.NOT_DECIDED)
        )
    for tally in change.tallies:
        await session.execute(
            update(AgendaItem)
            .where(
                AgendaItem.session_id == change.session_id,
                AgendaItem.nomination_id == tally.nomination_id,
            )
            .values(
                result=tally.result,
                agree=tally.agree,
                disagree=tally.disagree,
                abstain=tally.abstain,
                withdrawn=tally.withdrawn,
            )
        )
    return True


async def apply_decision_change(session: AsyncSession, change: DecisionChange) -> bool:
    added = await write_audit_event(
        session,
        event_key=f"{change.workflow_id}:{change.seq}",
        subject_type="decision",
        subject_id=change.decision_id,
        action=change.action,
        occurred_at=change.occurred_at,
        actor_user_id=change.actor_user_id,
        actor_name=change.actor_name,
        actor_role=change.actor_role,
        to_stage=change.status.value,
        reason=change.reason,
    )
    if not added:
        return False
    decision = await session.get(Decision, change.decision_id)
    if decision is None:
        return True
    # Handlers and the main loop write concurrently: only a newer change may overwrite,
    # and the document activity's ISSUED is never undone.
    if change.seq > decision.projection_seq:
        decision.projection_seq = change.seq
        if decision.status != DecisionStatus.ISSUED:
            decision.status = change.status
        decision.due_at = change.due_at
    if change.action == "delegated":
        decision.signer_user_id = change.signer_user_id
        decision.signer_capacity = change.capacity
    if change.action == "draft_edited":
        if change.title is not None:
            decision.title = change.title[:500]
        if change.proposer_text is not None:
            decision.proposer_text = change.proposer_text
        if change.item_order:
            items = (
                await session.execute(
                    select(DecisionItem).where(DecisionItem.decision_id == change.decision_id)
                )
            ).scalars()
            place = {nomination_id: i for i, nomination_id in enumerate(change.item_order, 1)}
            for item in items:
                item.position = place.get(item.nomination_id, item.position)
    if change.removed_nomination_ids:
        await session.execute(
            delete(DecisionItem).where(
                DecisionItem.decision_id == change.decision_id,
                DecisionItem.nomination_id.in_(change.removed_nomination_ids),
            )
        )
    return True


async def apply_revocation(session: AsyncSession, record: RevokeRecord) -> int:
    reason = f"{record.reason} — {record.legal_basis}"
    added = await write_audit_event(
        session,
        event_key=f"{record.workflow_id}:1",
        subject_type="nomination",
        subject_id=record.nomination_id,
        nomination_id=record.nomination_id,
        action="revoked",
        occurred_at=record.occurred_at,
        actor_user_id=record.actor_user_id,
        actor_name=record.actor_name,
        actor_role=record.actor_role,
        from_stage=Stage.GRANTED.value,
        to_stage=Stage.REVOKED.value,
        reason=reason,
    )
    if not added:
        return 0
    result = await session.execute(
        update(AwardRecord)
        .where(AwardRecord.nomination_id == record.nomination_id, AwardRecord.revoked_at.is_(None))
        .values(
            revoked_at=record.occurred_at,
            revocation_reason=record.reason,
            revocation_basis=record.legal_basis,
        )
    )
    await session.execute(
        update(Nomination)
        .where(Nomination.id == record.nomination_id)
        .values(
            stage=Stage.REVOKED,
            outcome_reason=reason,
            stage_entered_at=record.occurred_at,
            projection_seq=Nomination.projection_seq + 1,
            waiting_on_role=None,
            waiting_on_unit_id=None,
            stage_due_at=None,
            list_due_at=list_due_key(None),
        )
    )
    # An UPDATE answers a CursorResult, the one kind of result with a row count.
    return (result.rowcount or 0) if isinstance(result, CursorResult) else 0


class ProjectionActivities:
    """Short database writes, run as local activities by the workflows."""

    def __init__(self, session_factory: SessionFactory) -> None:
        self._factory = session_factory

    @activity.defn
    async def record_nomination_change(self, change: NominationChange) -> bool:
        async with transaction(self._factory) as session:
            return await apply_nomination_change(session, change)

    @activity.defn
    async def record_session_change(self, change: SessionChange) -> bool:
        async with transaction(self._factory) as session:
            return await apply_session_change(session, change)

    @activity.defn
    async def revoke_award(self, record: RevokeRecord) -> int:
        """Mark the nomination's award records revoked and the nomination "revoked";
        returns how many records were revoked (0 on a retry)."""
        async with transaction(self._factory) as session:
            return await apply_revocation(session, record)

    @activity.defn
    async def record_decision_change(self, change: DecisionChange) -> bool:
        async with transaction(self._factory) as session:
            return await apply_decision_change(session, change)
