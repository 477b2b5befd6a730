"""Reads of decisions (quyết định) and submissions (tờ trình): their items, the lists of
an authority, the signing queue of a chairman or a delegated vice-chairman, and the
awardee lines of issued decisions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.vocabulary import DecisionKind, DecisionStatus, Role
from models import AuditEvent, Authority, Decision, DecisionItem

from ..principal import Principal

# Who reads an authority's decisions and submissions before they are issued.
READER_ROLES = (
    Role.STANDING_OFFICER,
    Role.CHAIRMAN,
    Role.VICE_CHAIRMAN,
    Role.CLERK,  # issues what the signer signed
    Role.AUDITOR,
    Role.COUNCIL_MEMBER,
)


def published(decision: Decision) -> bool:
    """An issued decision (not a submission): anyone may read it."""
    return decision.status == DecisionStatus.ISSUED and decision.kind == DecisionKind.DECISION


async def decision_by_id(session: AsyncSession, *, decision_id: int) -> Decision | None:
    return await session.get(Decision, decision_id)


async def item_by_id(session: AsyncSession, *, item_id: int) -> DecisionItem | None:
    return await session.get(DecisionItem, item_id)


async def items(session: AsyncSession, *, decision_id: int) -> list[DecisionItem]:
    rows = await session.execute(
        select(DecisionItem)
        .where(DecisionItem.decision_id == decision_id)
        .order_by(DecisionItem.position)
    )
    return list(rows.scalars())


async def issued_items_of(session: AsyncSession, *, nomination_id: int) -> list[DecisionItem]:
    """The awardee lines of issued decisions for this nomination (for the Giấy khen)."""
    rows = await session.execute(
        select(DecisionItem)
        .join(Decision, Decision.id == DecisionItem.decision_id)
        .where(
            DecisionItem.nomination_id == nomination_id,
            Decision.status == DecisionStatus.ISSUED,
            Decision.kind == DecisionKind.DECISION,
        )
    )
    return list(rows.scalars())


async def in_open_draft(session: AsyncSession, *, nomination_id: int) -> bool:
    """Whether the nomination is an item of a decision or submission not yet signed nor
    cancelled (drafted, waiting for the signer, or sent back for correction)."""
    found = await session.execute(
        select(DecisionItem.id)
        .join(Decision, Decision.id == DecisionItem.decision_id)
        .where(
            DecisionItem.nomination_id == nomination_id,
            Decision.status.in_(
                [DecisionStatus.DRAFT, DecisionStatus.AWAITING_SIGNATURE, DecisionStatus.RETURNED]
            ),
        )
        .limit(1)
    )
    return found.first() is not None


async def latest_send_back(session: AsyncSession, *, decision_id: int) -> AuditEvent | None:
    """The signer's last send-back of this draft (its reason, who, when), from the audit
    trail the decision workflow writes."""
    rows = await session.execute(
        select(AuditEvent)
        .where(
            AuditEvent.subject_type == "decision",
            AuditEvent.subject_id == decision_id,
            AuditEvent.action == "sent_back",
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    return rows.scalars().first()


def to_sign(principal: Principal) -> ColumnElement[bool]:
    """Decisions and submissions waiting for this person's signature: the chairman's own,
    and those delegated to this vice-chairman."""
    chair_of = principal.authority_ids(Role.CHAIRMAN)
    clauses = [Decision.signer_user_id == principal.user_id]
    if chair_of:
        clauses.append(
            and_(Decision.signer_user_id.is_(None), Decision.authority_id.in_(sorted(chair_of)))
        )
    return and_(Decision.status == DecisionStatus.AWAITING_SIGNATURE, or_(*clauses))


def to_issue(principal: Principal) -> ColumnElement[bool]:
    """Documents signed and waiting for this clerk (văn thư) of their authority to issue."""
    clerk_of = sorted(principal.authority_ids(Role.CLERK))
    return and_(Decision.status == DecisionStatus.SIGNED, Decision.authority_id.in_(clerk_of))


async def being_assembled(session: AsyncSession, *, principal: Principal) -> int:
    """Drafts of this chairman's authorities whose nominations are still confirming their
    places: in the signing queue within seconds."""
    chair_of = sorted(principal.authority_ids(Role.CHAIRMAN))
    if not chair_of:
        return 0
    counted = select(func.count()).where(
        Decision.status == DecisionStatus.DRAFT, Decision.authority_id.in_(chair_of)
    )
    return (await session.execute(counted)).scalar_one()


async def decisions_listed(
    session: AsyncSession,
    *,
    principal: Principal,
    status: DecisionStatus | None,
    kind: DecisionKind | None,
    to_sign_only: bool,
    offset: int,
    limit: int,
    to_issue_only: bool = False,
) -> tuple[int, list[Decision]]:
    """The decisions this person may read (their authorities' and every issued decision:
    ``published``), filtered, newest first; ``to_sign_only`` is the signing queue,
    ``to_issue_only`` the clerk's."""
    condition: ColumnElement[bool] = (
        Decision.id.is_not(None)
        if principal.sees_all
        else or_(
            Decision.authority_id.in_(
                principal.authority_ids(*READER_ROLES) | principal.admin_authority_ids
            ),
            and_(
                Decision.status == DecisionStatus.ISSUED,
                Decision.kind == DecisionKind.DECISION,
            ),
        )
    )
    if status is not None:
        condition = and_(condition, Decision.status == status)
    if kind is not None:
        condition = and_(condition, Decision.kind == kind)
    if to_sign_only:
        condition = and_(condition, to_sign(principal))
    if to_issue_only:
        condition = and_(condition, to_issue(principal))
    total = (
        await session.execute(select(func.count()).select_from(Decision).where(condition))
    ).scalar_one()
    rows = await session.execute(
        select(Decision).where(condition).order_by(Decision.id.desc()).offset(offset).limit(limit)
    )
    return total, list(rows.scalars())


# ---- the rows of the pages -------------------------------------------------------------


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
    session: AsyncSession,
    condition: ColumnElement[bool],
    *,
    limit: int,
    offset: int = 0,
    with_items: bool = True,
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


async def signing_queue(
    session: AsyncSession, *, principal: Principal, limit: int = 50
) -> list[DecisionRow]:
    return await _decision_rows(session, to_sign(principal), limit=limit)


async def issuing_queue(
    session: AsyncSession, *, principal: Principal, limit: int = 50
) -> list[DecisionRow]:
    return await _decision_rows(session, to_issue(principal), limit=limit)


async def decisions_of(
    session: AsyncSession, *, authority_ids: Iterable[int], limit: int = 50, offset: int = 0
) -> tuple[int, list[DecisionRow]]:
    ids = sorted(set(authority_ids))
    if not ids:
        return 0, []
    condition = Decision.authority_id.in_(ids)
    total = (
        await session.execute(select(func.count()).select_from(Decision).where(condition))
    ).scalar_one()
    return total, await _decision_rows(
        session, condition, limit=limit, offset=offset, with_items=False
    )


async def decision_row(session: AsyncSession, *, decision_id: int) -> DecisionRow | None:
    rows = await _decision_rows(session, Decision.id == decision_id, limit=1)
    return rows[0] if rows else None
