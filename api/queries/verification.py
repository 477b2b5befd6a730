"""What public verification reads: the registered document a file's SHA-256 names and
where it comes from, and the issued decisions that carry a number."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import DecisionKind, DecisionStatus
from models import Authority, AwardType, Decision, DecisionItem, Document


async def document_by_sha256(session: AsyncSession, *, sha256: str) -> Document | None:
    """The first registered document whose file has this SHA-256, or None."""
    return (
        await session.execute(
            select(Document).where(Document.sha256 == sha256).order_by(Document.id).limit(1)
        )
    ).scalar_one_or_none()


@dataclass
class DocumentOrigin:
    authority_name: str | None  # None: the document names no authority
    decision: Decision | None


async def origin_of(session: AsyncSession, *, document: Document) -> DocumentOrigin:
    """The authority that issued ``document`` and the decision it is, when it is one."""
    authority_name = None
    if document.authority_id is not None:
        authority = await session.get(Authority, document.authority_id)
        authority_name = authority.name if authority else ""
    decision = (
        await session.get(Decision, document.decision_id)
        if document.decision_id is not None
        else None
    )
    return DocumentOrigin(authority_name=authority_name, decision=decision)


async def issued_decisions_numbered(
    session: AsyncSession, *, number: int, year: int | None = None, authority_id: int | None = None
) -> list[Decision]:
    """Every issued decision (not submission) with this number, of every series, newest
    first; of ``year`` and of the issuer ``authority_id`` only when given."""
    query = select(Decision).where(
        Decision.number == number,
        Decision.status == DecisionStatus.ISSUED,
        Decision.kind == DecisionKind.DECISION,
    )
    if year is not None:
        query = query.where(Decision.year == year)
    if authority_id is not None:
        query = query.where(Decision.authority_id == authority_id)
    rows = await session.execute(query.order_by(Decision.issued_on.desc(), Decision.id.desc()))
    return list(rows.scalars())


async def issuing_authorities(session: AsyncSession) -> list[tuple[int, str]]:
    """(id, name) of every authority that issues decisions, from the ward up
    (a decision's number is its own only together with its issuer)."""
    rows = (await session.execute(select(Authority.id, Authority.name, Authority.level))).all()
    return [
        (authority_id, name)
        for authority_id, name, level in sorted(rows, key=lambda r: (r[2].rank, r[1], r[0]))
    ]


@dataclass
class IssuedDecisionRecord:
    authority_name: str
    document: Document | None
    awardees: list[tuple[DecisionItem, str]]  # (item, award name), in the decision's order


async def issued_decision_record(
    session: AsyncSession, *, decision: Decision
) -> IssuedDecisionRecord:
    """The authority's name, the signed document and the awardees of ``decision``."""
    authority = await session.get(Authority, decision.authority_id)
    document = await session.get(Document, decision.document_id) if decision.document_id else None
    rows = (
        await session.execute(
            select(DecisionItem, AwardType.name_vi)
            .join(AwardType, AwardType.code == DecisionItem.award_code)
            .where(DecisionItem.decision_id == decision.id)
            .order_by(DecisionItem.position, DecisionItem.id)
        )
    ).all()
    return IssuedDecisionRecord(
        authority_name=authority.name if authority else "",
        document=document,
        awardees=[(item, award_name) for item, award_name in rows],
    )
