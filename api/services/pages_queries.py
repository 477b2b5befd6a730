"""Read models of the HTML pages: what is each person's to do, the lists of the standing
body, the signing queue, council sessions, the audit trail, the nominee choices of a unit.

Read-only, and bounded: every list is paged or limited, related rows are loaded in one
query per kind (never one per row), and the filters follow the indexes of the tables
(``nominations(authority_id, stage)``, ``nominations(stage, stage_due_at)``,
``nominations(proposing_unit_id, year)``, ``audit_events(nomination_id)``,
``audit_events(occurred_at)``). Commands are not here: the pages call the same services
and route functions as the JSON API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import VIETNAM_TZ
from domain.vocabulary import (
    TERMINAL_STAGES,
    DecisionKind,
    DecisionStatus,
    ExemplarStage,
    Level,
    ObjectionStatus,
    Role,
    SessionStatus,
    Stage,
)
from models import (
    AgendaItem,
    AuditEvent,
    Authority,
    BallotReceipt,
    Collective,
    CouncilSession,
    Decision,
    DecisionItem,
    Exemplar,
    ExemplarAdoption,
    Household,
    Nomination,
    Notice,
    Objection,
    Person,
    RoleGrant,
    Unit,
    User,
)
from models.schemas.nominations import NominationRead

from ..principal import Principal
from .access import AUTHORITY_ROLES, visible_nominations
from .nominations import nomination_rows, to_read

OPEN_STAGES = [s for s in Stage if s not in TERMINAL_STAGES and s != Stage.DRAFT]


# ---- nominations ------------------------------------------------------------------------


async def nominations_where(
    session: AsyncSession,
    condition,
    award_names: dict[str, str],
    *,
    now: datetime,
    limit: int = 50,
    newest_first: bool = False,
) -> list[NominationRead]:
    order = (
        (Nomination.id.desc(),)
        if newest_first
        else (Nomination.list_due_at, Nomination.id)  # soonest due first, none last
    )
    rows = (
        await session.execute(nomination_rows().where(condition).order_by(*order).limit(limit))
    ).all()
    return [to_read(row, award_names, now) for row in rows]


async def stage_counts(session: AsyncSession, condition) -> dict[str, int]:
    rows = (
        await session.execute(
            select(Nomination.stage, func.count()).where(condition).group_by(Nomination.stage)
        )
    ).all()
    return {stage.value: count for stage, count in rows}


def waiting_on_me(user: Principal):
    """Nominations whose next step is one of this person's offices (the projection's
    ``waiting_on_role`` at ``waiting_on_unit_id``)."""
    pairs = {(r.role, r.unit_id) for r in user.roles if r.role != Role.AUDITOR}
    if not pairs:
        return false()
    return and_(
        Nomination.stage.in_(OPEN_STAGES),
        or_(
            *[
                and_(Nomination.waiting_on_role == role, Nomination.waiting_on_unit_id == unit_id)
                for role, unit_id in sorted(pairs)
            ]
        ),
    )


def at_authorities(authority_ids: set[int], *stages: Stage):
    if not authority_ids:
        return false()
    condition = Nomination.authority_id.in_(sorted(authority_ids))
    if stages:
        condition = and_(condition, Nomination.stage.in_(list(stages)))
    return condition


async def overdue_count(session: AsyncSession, condition, *, now: datetime) -> int:
    return (
        await session.execute(
            select(func.count())
            .select_from(Nomination)
            .where(
                condition,
                Nomination.stage.in_(OPEN_STAGES),
                Nomination.stage_due_at < now,
            )
        )
    ).scalar_one()


async def pending_objections(
    session: AsyncSession, authority_ids: set[int]
) -> list[tuple[Objection, Nomination]]:
    if not authority_ids:
        return []
    return list(
        (
            await session.execute(
                select(Objection, Nomination)
                .join(Nomination, Nomination.id == Objection.nomination_id)
                .where(
                    Nomination.authority_id.in_(sorted(authority_ids)),
                    Nomination.stage == Stage.PUBLIC_NOTICE,
                    Objection.status == ObjectionStatus.PENDING,
                )
                .order_by(Objection.lodged_at)
                .limit(200)
            )
        ).all()
    )


async def notice_until(session: AsyncSession, nomination_ids: list[int]) -> dict[int, datetime]:
    """When the public notice of each nomination ends."""
    if not nomination_ids:
        return {}
    rows = (
        await session.execute(
            select(Nomination.id, Nomination.public_notice_until).where(
                Nomination.id.in_(nomination_ids)
            )
        )
    ).all()
    return {nomination_id: until for nomination_id, until in rows if until is not None}


async def authorities_by_id(session: AsyncSession, ids: set[int]) -> dict[int, Authority]:
    if not ids:
        return {}
    rows = (await session.execute(select(Authority).where(Authority.id.in_(sorted(ids))))).scalars()
    return {a.id: a for a in rows}


# ---- the nominee choices of a unit ---------------------------------------------------------


@dataclass
class NomineeChoice:
    value: str  # "individual:12", "collective:3", "household:5"
    label: str
    kind: str


async def unit_nominees(session: AsyncSession, unit_ids: set[int]) -> list[NomineeChoice]:
    if not unit_ids:
        return []
    ids = sorted(unit_ids)
    choices: list[NomineeChoice] = []
    people = (
        await session.execute(
            select(Person).where(Person.unit_id.in_(ids)).order_by(Person.full_name).limit(2000)
        )
    ).scalars()
    for person in people:
        label = person.full_name + (f" — {person.position}" if person.position else "")
        choices.append(NomineeChoice(f"individual:{person.id}", label, "individual"))
    for collective in (
        await session.execute(select(Collective).where(Collective.unit_id.in_(ids)))
    ).scalars():
        choices.append(NomineeChoice(f"collective:{collective.id}", collective.name, "collective"))
    for household in (
        await session.execute(
            select(Household)
            .where(Household.residential_group_id.in_(ids))
            .order_by(Household.head_name)
            .limit(2000)
        )
    ).scalars():
        label = f"Hộ ông/bà {household.head_name}" + (
            f" — {household.address}" if household.address else ""
        )
        choices.append(NomineeChoice(f"household:{household.id}", label, "household"))
    return choices


async def units_named(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = (await session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(sorted(ids))))).all()
    return dict(rows)


# ---- council sessions ----------------------------------------------------------------------


@dataclass
class SessionRow:
    id: int
    title: str
    status: SessionStatus
    closes_at: datetime
    authority_id: int
    member_count: int
    items: int = 0
    voted: int = 0
    my_member_id: int | None = None
    i_voted: bool = False


async def sessions_for(
    session: AsyncSession,
    user: Principal,
    *,
    open_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[SessionRow]]:
    authorities = user.authority_ids(*AUTHORITY_ROLES)
    councils = {council_id for council_id, _ in user.council_memberships}
    if user.is_admin:
        condition = CouncilSession.id.is_not(None)
    else:
        clauses = []
        if authorities:
            clauses.append(CouncilSession.authority_id.in_(sorted(authorities)))
        if councils:
            clauses.append(CouncilSession.council_id.in_(sorted(councils)))
        condition = or_(*clauses) if clauses else false()
    if open_only:
        condition = and_(condition, CouncilSession.status == SessionStatus.OPEN)
    total = (
        await session.execute(select(func.count()).select_from(CouncilSession).where(condition))
    ).scalar_one()
    rows = (
        (
            await session.execute(
                select(CouncilSession)
                .where(condition)
                .order_by(CouncilSession.id.desc())
                .offset(offset)
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    ids = [r.id for r in rows]
    items: dict[int, int] = {}
    voted: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        items = dict(
            (
                await session.execute(
                    select(AgendaItem.session_id, func.count())
                    .where(AgendaItem.session_id.in_(ids), AgendaItem.withdrawn.is_(False))
                    .group_by(AgendaItem.session_id)
                )
            ).all()
        )
        for session_id, member_id in (
            await session.execute(
                select(BallotReceipt.session_id, BallotReceipt.member_id).where(
                    BallotReceipt.session_id.in_(ids)
                )
            )
        ).all():
            voted[session_id].add(member_id)
    membership = dict(user.council_memberships)
    result = []
    for row in rows:
        member_id = membership.get(row.council_id)
        result.append(
            SessionRow(
                id=row.id,
                title=row.title,
                status=row.status,
                closes_at=row.closes_at,
                authority_id=row.authority_id,
                member_count=row.member_count,
                items=items.get(row.id, 0),
                voted=len(voted[row.id]),
                my_member_id=member_id,
                i_voted=member_id in voted[row.id] if member_id else False,
            )
        )
    return total, result


async def my_receipt(
    session: AsyncSession, session_id: int, member_id: int
) -> BallotReceipt | None:
    return (
        await session.execute(
            select(BallotReceipt).where(
                BallotReceipt.session_id == session_id, BallotReceipt.member_id == member_id
            )
        )
    ).scalar_one_or_none()


# ---- decisions and the signing queue -------------------------------------------------------


@dataclass
class DecisionRow:
    decision: Decision
    authority_name: str
    items: list[DecisionItem] = field(default_factory=list)

    @property
    def preview_url(self) -> str:
        return f"/api/v1/decisions/{self.decision.id}/preview.pdf"

    @property
    def pdf_url(self) -> str | None:
        d = self.decision
        return f"/api/v1/documents/{d.document_id}/pdf" if d.document_id else None


async def _decision_rows(
    session: AsyncSession, condition, *, limit: int, offset: int = 0, with_items: bool = True
) -> list[DecisionRow]:
    rows = (
        await session.execute(
            select(Decision, Authority.name)
            .join(Authority, Authority.id == Decision.authority_id)
            .where(condition)
            .order_by(Decision.id.desc())
            .offset(offset)
            .limit(limit)
        )
    ).all()
    result = [DecisionRow(decision, name) for decision, name in rows]
    if with_items and result:
        by_id = {r.decision.id: r for r in result}
        for item in (
            await session.execute(
                select(DecisionItem)
                .where(DecisionItem.decision_id.in_(sorted(by_id)))
                .order_by(DecisionItem.decision_id, DecisionItem.position)
            )
        ).scalars():
            by_id[item.decision_id].items.append(item)
    return result


def to_sign_condition(user: Principal):
    """Decisions and submissions waiting for this person's signature: the chairman's own,
    and those delegated to this vice-chairman."""
    chair_of = user.authority_ids(Role.CHAIRMAN)
    clauses = [Decision.signer_user_id == user.user_id]
    if chair_of:
        clauses.append(
            and_(Decision.signer_user_id.is_(None), Decision.authority_id.in_(sorted(chair_of)))
        )
    return and_(Decision.status == DecisionStatus.AWAITING_SIGNATURE, or_(*clauses))


async def signing_queue(
    session: AsyncSession, user: Principal, *, limit: int = 50
) -> list[DecisionRow]:
    return await _decision_rows(session, to_sign_condition(user), limit=limit)


async def decisions_of(
    session: AsyncSession, authority_ids: set[int], *, limit: int = 50, offset: int = 0
) -> tuple[int, list[DecisionRow]]:
    if not authority_ids:
        return 0, []
    condition = Decision.authority_id.in_(sorted(authority_ids))
    total = (
        await session.execute(select(func.count()).select_from(Decision).where(condition))
    ).scalar_one()
    return total, await _decision_rows(
        session, condition, limit=limit, offset=offset, with_items=False
    )


async def decision_row(session: AsyncSession, decision_id: int) -> DecisionRow | None:
    rows = await _decision_rows(session, Decision.id == decision_id, limit=1)
    return rows[0] if rows else None


async def vice_chairmen(session: AsyncSession, authority_unit_id: int) -> list[User]:
    return list(
        (
            await session.execute(
                select(User)
                .join(RoleGrant, RoleGrant.user_id == User.id)
                .where(
                    RoleGrant.role == Role.VICE_CHAIRMAN,
                    RoleGrant.unit_id == authority_unit_id,
                    User.is_active.is_(True),
                )
                .order_by(User.full_name)
            )
        ).scalars()
    )


async def standing_officers(session: AsyncSession, standing_unit_id: int) -> list[User]:
    return list(
        (
            await session.execute(
                select(User)
                .join(RoleGrant, RoleGrant.user_id == User.id)
                .where(
                    RoleGrant.role == Role.STANDING_OFFICER,
                    RoleGrant.unit_id == standing_unit_id,
                    User.is_active.is_(True),
                )
                .order_by(User.full_name)
            )
        ).scalars()
    )


# ---- one nomination ------------------------------------------------------------------------


async def timeline(
    session: AsyncSession, nomination_id: int, *, limit: int = 500
) -> list[AuditEvent]:
    return list(
        (
            await session.execute(
                select(AuditEvent)
                .where(AuditEvent.nomination_id == nomination_id)
                .order_by(AuditEvent.occurred_at, AuditEvent.id)
                .limit(limit)
            )
        ).scalars()
    )


async def certificate_items(session: AsyncSession, nomination: Nomination) -> list[DecisionItem]:
    """The awardee lines of issued decisions for this nomination (for the Giấy khen)."""
    return list(
        (
            await session.execute(
                select(DecisionItem)
                .join(Decision, Decision.id == DecisionItem.decision_id)
                .where(
                    DecisionItem.nomination_id == nomination.id,
                    Decision.status == DecisionStatus.ISSUED,
                    Decision.kind == DecisionKind.DECISION,
                )
            )
        ).scalars()
    )


async def nomination_session(
    session: AsyncSession, nomination: Nomination
) -> CouncilSession | None:
    if not nomination.council_session_id:
        return None
    return await session.get(CouncilSession, nomination.council_session_id)


# ---- notices (inbox) -----------------------------------------------------------------------


async def unread_notices(
    session: AsyncSession, user_id: int, *, limit: int = 5
) -> tuple[int, list[Notice]]:
    condition = and_(Notice.user_id == user_id, Notice.read_at.is_(None))
    total = (
        await session.execute(select(func.count()).select_from(Notice).where(condition))
    ).scalar_one()
    rows = (
        (
            await session.execute(
                select(Notice)
                .where(condition)
                .order_by(Notice.created_at.desc(), Notice.id.desc())
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    return total, list(rows)


# ---- the audit trail -----------------------------------------------------------------------


@dataclass
class AuditFilters:
    q: str = ""  # nominee name contains
    nomination_id: int | None = None
    action: str = ""
    level: Level | None = None
    stage: Stage | None = None
    award_code: str = ""
    unit_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _audit_condition(user: Principal, filters: AuditFilters):
    conditions = [AuditEvent.nomination_id.is_not(None), visible_nominations(user)]
    if filters.nomination_id is not None:
        conditions.append(AuditEvent.nomination_id == filters.nomination_id)
    if filters.action:
        conditions.append(AuditEvent.action == filters.action)
    if filters.level is not None:
        conditions.append(AuditEvent.level == filters.level)
    if filters.stage is not None:
        conditions.append(Nomination.stage == filters.stage)
    if filters.award_code:
        conditions.append(Nomination.award_code == filters.award_code)
    if filters.unit_id is not None:
        conditions.append(Nomination.proposing_unit_id == filters.unit_id)
    if filters.q.strip():
        conditions.append(Nomination.nominee_name.ilike(f"%{filters.q.strip()}%"))
    if filters.date_from is not None:
        start = datetime.combine(filters.date_from, time(0, 0), tzinfo=VIETNAM_TZ)
        conditions.append(AuditEvent.occurred_at >= start.astimezone(UTC))
    if filters.date_to is not None:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(0, 0), tzinfo=VIETNAM_TZ)
        conditions.append(AuditEvent.occurred_at < end.astimezone(UTC))
    return and_(*conditions)


def _audit_select(user: Principal, filters: AuditFilters):
    return (
        select(AuditEvent, Nomination.nominee_name, Nomination.award_code)
        .join(Nomination, Nomination.id == AuditEvent.nomination_id)
        .where(_audit_condition(user, filters))
    )


async def audit_page(
    session: AsyncSession, user: Principal, filters: AuditFilters, *, page: int, page_size: int
) -> tuple[int, list[tuple[AuditEvent, str, str]]]:
    counted = (
        select(func.count())
        .select_from(AuditEvent)
        .join(Nomination, Nomination.id == AuditEvent.nomination_id)
        .where(_audit_condition(user, filters))
    )
    total = (await session.execute(counted)).scalar_one()
    rows = (
        await session.execute(
            _audit_select(user, filters)
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    ).all()
    return total, [tuple(row) for row in rows]


async def audit_stream(
    session: AsyncSession, user: Principal, filters: AuditFilters, *, batch: int = 1000
) -> AsyncIterator[tuple[AuditEvent, str, str]]:
    """Every matching event, oldest first, in batches keyed on the id (no OFFSET scans)."""
    last_id = 0
    while True:
        rows = (
            await session.execute(
                _audit_select(user, filters)
                .where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(batch)
            )
        ).all()
        if not rows:
            return
        for row in rows:
            yield tuple(row)
        last_id = rows[-1][0].id


# ---- the public portal ---------------------------------------------------------------------


@dataclass
class PublicExemplar:
    id: int
    title: str
    description: str
    published_at: datetime | None
    adoptions: int


async def replicating_exemplars(session: AsyncSession, *, limit: int = 20) -> list[PublicExemplar]:
    """Exemplary models published for replication (nhân rộng), newest first, with how
    many units have adopted each."""
    rows = (
        (
            await session.execute(
                select(Exemplar)
                .where(
                    Exemplar.stage == ExemplarStage.REPLICATING, Exemplar.published_at.is_not(None)
                )
                .order_by(Exemplar.published_at.desc())
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    counts: dict[int, int] = {}
    if rows:
        counts = dict(
            (
                await session.execute(
                    select(ExemplarAdoption.exemplar_id, func.count())
                    .where(ExemplarAdoption.exemplar_id.in_([r.id for r in rows]))
                    .group_by(ExemplarAdoption.exemplar_id)
                )
            ).all()
        )
    return [
        PublicExemplar(r.id, r.title, r.description, r.published_at, counts.get(r.id, 0))
        for r in rows
    ]
