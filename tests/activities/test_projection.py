"""The change-record activities (audit trail + projection, one transaction) as Temporal
runs them: a retried record is written once, and a record that lands late never rolls a
nomination, a council session or a decision back to an older state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from activities.projection import ProjectionActivities
from domain.vocabulary import (
    BallotMode,
    DecisionStatus,
    ItemResult,
    Level,
    ObjectionStatus,
    Role,
    SessionStatus,
    SignerCapacity,
    Stage,
    VoteRule,
)
from models import (
    AgendaItem,
    AuditEvent,
    BallotReceipt,
    CouncilSession,
    Decision,
    DecisionItem,
    Nomination,
    Objection,
)
from tests.documents.factories import World, add_decision, add_nomination
from thidua.db import SessionFactory, transaction
from workflows.council_types import BallotReceiptView, ItemTally, SessionChange
from workflows.decision_types import DecisionChange
from workflows.nomination_types import NominationChange, ObjectionRecord

from .conftest import as_temporal_runs

pytestmark = [pytest.mark.fast, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

SUBMITTED_AT = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)  # 09:00 on 5 January 2027 in Vietnam
RECEPTION_DUE = datetime(2027, 1, 8, 10, 0, tzinfo=UTC)  # 17:00 three working days later


def utc(moment: datetime | None) -> datetime | None:
    """Stored moments come back in UTC (naive on SQLite)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def a_nomination(
    db: SessionFactory, world: World, name: str = "Nguyễn Thị Hoa"
) -> Nomination:
    async with transaction(db) as session:
        return await add_nomination(session, world, name=name)


def change(
    nomination: Nomination,
    world: World,
    seq: int,
    action: str,
    to_stage: Stage,
    *,
    from_stage: Stage | None = None,
    minutes: int = 0,
    **fields,
) -> NominationChange:
    values = dict(
        nomination_id=nomination.id,
        workflow_id=f"nomination-{nomination.id}",
        seq=seq,
        action=action,
        occurred_at=SUBMITTED_AT + timedelta(minutes=minutes),
        level=Level.WARD,
        from_stage=from_stage,
        to_stage=to_stage,
        authority_id=world.authority.id,
        waiting_on_role=Role.STANDING_OFFICER,
        waiting_on_unit_id=world.standing_unit.id,
    )
    values.update(fields)
    return NominationChange(**values)


async def record(activities: ProjectionActivities, record_change, *, attempt: int = 1):
    env = as_temporal_runs(
        "record_nomination_change", workflow_id=record_change.workflow_id, attempt=attempt
    )
    return await env.run(activities.record_nomination_change, record_change)


async def events_of(db: SessionFactory, subject_type: str, subject_id: int) -> list[AuditEvent]:
    async with db() as session:
        return list(
            (
                await session.execute(
                    select(AuditEvent)
                    .where(
                        AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id
                    )
                    .order_by(AuditEvent.id)
                )
            ).scalars()
        )


async def test_a_retried_change_record_is_written_once(db, world):
    nomination = await a_nomination(db, world)
    activities = ProjectionActivities(db)
    submitted = change(
        nomination,
        world,
        1,
        "submitted",
        Stage.RECEPTION,
        from_stage=Stage.DRAFT,
        actor_user_id=world.officer.id,
        actor_name=world.officer.full_name,
        stage_due_at=RECEPTION_DUE,
    )

    assert await record(activities, submitted) is True
    assert await record(activities, submitted, attempt=2) is False

    (event,) = await events_of(db, "nomination", nomination.id)
    assert (event.event_key, event.action, event.from_stage, event.to_stage) == (
        f"nomination-{nomination.id}:1",
        "submitted",
        "draft",
        "reception",
    )
    assert event.actor_user_id == world.officer.id
    async with db() as session:
        stored = await session.get(Nomination, nomination.id)
        assert (stored.stage, stored.projection_seq) == (Stage.RECEPTION, 1)
        assert utc(stored.stage_due_at) == RECEPTION_DUE
        assert utc(stored.stage_entered_at) == SUBMITTED_AT
        assert (stored.waiting_on_role, stored.waiting_on_unit_id) == (
            Role.STANDING_OFFICER,
            world.standing_unit.id,
        )


async def test_a_change_that_lands_late_is_audited_but_never_rolls_the_nomination_back(db, world):
    """The escalation timer (seq 2) and the accept command (seq 3) write concurrently;
    the accept's record lands first."""
    nomination = await a_nomination(db, world)
    activities = ProjectionActivities(db)
    await record(
        activities,
        change(
            nomination,
            world,
            1,
            "submitted",
            Stage.RECEPTION,
            from_stage=Stage.DRAFT,
            stage_due_at=RECEPTION_DUE,
        ),
    )
    await record(
        activities,
        change(
            nomination,
            world,
            3,
            "accepted",
            Stage.AWAITING_COUNCIL,
            from_stage=Stage.RECEPTION,
            minutes=2,
        ),
    )

    late = change(
        nomination,
        world,
        2,
        "escalated",
        Stage.RECEPTION,
        from_stage=Stage.RECEPTION,
        minutes=1,
        escalated=True,
        stage_due_at=RECEPTION_DUE,
    )
    assert await record(activities, late) is True

    assert [e.action for e in await events_of(db, "nomination", nomination.id)] == [
        "submitted",
        "accepted",
        "escalated",
    ]
    async with db() as session:
        stored = await session.get(Nomination, nomination.id)
        assert (stored.stage, stored.projection_seq, stored.escalated) == (
            Stage.AWAITING_COUNCIL,
            3,
            False,
        )


async def test_an_objection_is_recorded_when_lodged_and_updated_when_resolved(db, world):
    nomination = await a_nomination(db, world, "Tổ dân phố số 3")
    activities = ProjectionActivities(db)
    await record(activities, change(nomination, world, 1, "accepted", Stage.PUBLIC_NOTICE))
    objection = ObjectionRecord(
        key="7f0c2d9e-objection",
        level=Level.WARD,
        objector_name="Trần Văn Bình",
        objector_contact="0912 345 678",
        reason="Tổ dân phố còn để rác thải trên vỉa hè",
        lodged_at=SUBMITTED_AT + timedelta(days=1),
        status=ObjectionStatus.PENDING,
    )
    await record(
        activities,
        change(
            nomination,
            world,
            2,
            "objection_lodged",
            Stage.PUBLIC_NOTICE,
            objection=objection,
            actor_role="resident",
        ),
    )
    resolved = ObjectionRecord(
        **{
            **vars(objection),
            "status": ObjectionStatus.DISMISSED,
            "resolution": "Vỉa hè do công trình thi công",
            "resolved_by_user_id": world.officer.id,
            "resolved_at": SUBMITTED_AT + timedelta(days=2),
        }
    )
    dismissed = change(
        nomination,
        world,
        3,
        "objection_dismissed",
        Stage.PUBLIC_NOTICE,
        objection=resolved,
        actor_user_id=world.officer.id,
    )
    await record(activities, dismissed)
    await record(activities, dismissed, attempt=2)

    async with db() as session:
        (stored,) = (
            await session.execute(select(Objection).where(Objection.nomination_id == nomination.id))
        ).scalars()
    assert (stored.objection_key, stored.status, stored.resolved_by_user_id) == (
        "7f0c2d9e-objection",
        ObjectionStatus.DISMISSED,
        world.officer.id,
    )
    assert stored.resolution == "Vỉa hè do công trình thi công"
    assert utc(stored.lodged_at) == SUBMITTED_AT + timedelta(days=1)


async def test_ballot_receipts_are_kept_once_and_the_close_writes_the_tallies(db, world):
    hoa = await a_nomination(db, world, "Nguyễn Thị Hoa")
    dung = await a_nomination(db, world, "Trần Văn Dũng")
    async with transaction(db) as session:
        council_session = CouncilSession(
            council_id=world.council.id,
            authority_id=world.authority.id,
            title="Phiên họp xét khen thưởng",
            convened_by_user_id=world.officer.id,
            closes_at=SUBMITTED_AT + timedelta(days=2),
            member_count=len(world.members),
            workflow_id="council-session-1",
        )
        session.add(council_session)
        await session.flush()
        for position, nomination in enumerate((hoa, dung), start=1):
            session.add(
                AgendaItem(
                    session_id=council_session.id,
                    nomination_id=nomination.id,
                    position=position,
                    vote_rule=VoteRule.MAJORITY,
                    threshold=0.5,
                )
            )
    activities = ProjectionActivities(db)

    def session_change(seq: int, action: str, **fields) -> SessionChange:
        return SessionChange(
            session_id=council_session.id,
            workflow_id="council-session-1",
            seq=seq,
            action=action,
            occurred_at=SUBMITTED_AT + timedelta(minutes=seq),
            **fields,
        )

    async def write(record_change: SessionChange, attempt: int = 1) -> bool:
        env = as_temporal_runs(
            "record_session_change", workflow_id="council-session-1", attempt=attempt
        )
        return await env.run(activities.record_session_change, record_change)

    first_member = world.members[0]
    ballot = session_change(
        2,
        "ballot_cast",
        actor_user_id=first_member.user_id,
        present_count=1,
        receipt=BallotReceiptView(first_member.id, BallotMode.IN_PERSON, SUBMITTED_AT),
    )
    assert await write(session_change(1, "opened")) is True
    assert await write(ballot) is True
    assert await write(ballot, attempt=2) is False
    closed = session_change(
        4,
        "closed",
        status=SessionStatus.CLOSED,
        present_count=4,
        written_count=1,
        tallies=[
            ItemTally(hoa.id, ItemResult.PASSED, 4, 1, 0, "> 1/2"),
            ItemTally(dung.id, ItemResult.FAILED, 2, 2, 1, "> 1/2"),
        ],
    )
    assert await write(closed) is True
    # A ballot recorded after the close (it was cast before it) reopens nothing.
    last_member = world.members[-1]
    assert (
        await write(
            session_change(
                3,
                "ballot_cast",
                present_count=2,
                receipt=BallotReceiptView(last_member.id, BallotMode.WRITTEN, SUBMITTED_AT),
            )
        )
        is True
    )

    async with db() as session:
        stored = await session.get(CouncilSession, council_session.id)
        assert (
            stored.status,
            stored.present_count,
            stored.written_count,
            stored.projection_seq,
        ) == (SessionStatus.CLOSED, 4, 1, 4)
        assert utc(stored.closed_at) == SUBMITTED_AT + timedelta(minutes=4)
        receipts = (
            await session.execute(
                select(BallotReceipt.member_id, BallotReceipt.mode)
                .where(BallotReceipt.session_id == council_session.id)
                .order_by(BallotReceipt.member_id)
            )
        ).all()
        assert [tuple(r) for r in receipts] == [
            (first_member.id, BallotMode.IN_PERSON),
            (last_member.id, BallotMode.WRITTEN),
        ]
        items = {
            i.nomination_id: i
            for i in (
                await session.execute(
                    select(AgendaItem).where(AgendaItem.session_id == council_session.id)
                )
            ).scalars()
        }
        assert (items[hoa.id].result, items[hoa.id].agree) == (ItemResult.PASSED, 4)
        assert (items[dung.id].result, items[dung.id].abstain) == (ItemResult.FAILED, 1)


async def test_a_change_recorded_after_signing_never_takes_the_issued_status_back(db, world):
    """The signing activity marks the decision issued in its own transaction; the
    workflow's escalation record, made just before, is written after it."""
    hoa = await a_nomination(db, world, "Nguyễn Thị Hoa")
    dung = await a_nomination(db, world, "Trần Văn Dũng")
    async with transaction(db) as session:
        decision = await add_decision(session, world, [hoa, dung])
    activities = ProjectionActivities(db)

    async def write(record_change: DecisionChange) -> bool:
        env = as_temporal_runs("record_decision_change", workflow_id=record_change.workflow_id)
        return await env.run(activities.record_decision_change, record_change)

    def decision_change(seq: int, action: str, **fields) -> DecisionChange:
        return DecisionChange(
            decision_id=decision.id,
            workflow_id=f"decision-{decision.id}",
            seq=seq,
            action=action,
            occurred_at=SUBMITTED_AT + timedelta(hours=seq),
            status=DecisionStatus.AWAITING_SIGNATURE,
            **fields,
        )

    await write(
        decision_change(
            1, "item_removed", removed_nomination_ids=[dung.id], reason="Cá nhân xin rút đề nghị"
        )
    )
    await write(
        decision_change(
            2, "delegated", signer_user_id=world.vice_chairman.id, capacity=SignerCapacity.DEPUTY
        )
    )
    async with transaction(db) as session:
        await session.execute(
            update(Decision).where(Decision.id == decision.id).values(status=DecisionStatus.ISSUED)
        )
    await write(decision_change(3, "escalated", due_at=SUBMITTED_AT + timedelta(days=3)))

    async with db() as session:
        stored = await session.get(Decision, decision.id)
        assert (stored.status, stored.projection_seq) == (DecisionStatus.ISSUED, 3)
        assert (stored.signer_user_id, stored.signer_capacity) == (
            world.vice_chairman.id,
            SignerCapacity.DEPUTY,
        )
        remaining = await session.scalar(
            select(func.count())
            .select_from(DecisionItem)
            .where(DecisionItem.decision_id == decision.id)
        )
        assert remaining == 1
    assert [e.action for e in await events_of(db, "decision", decision.id)] == [
        "item_removed",
        "delegated",
        "escalated",
    ]
