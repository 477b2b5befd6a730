"""The public portal's reads (no login): the nominations posted for comment right now
and the issued decisions with their awardees."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from models.schemas.public import (
    PublicAwardee,
    PublicDecisionRead,
    PublicForwardedRead,
    PublicNoticeRead,
    PublicObjectionRead,
)

from ..queries import public as queries
from ..state import AppState
from .awards import award_names


@dataclass(frozen=True)
class Ward:
    """One ward of the deployment, as the portal offers it (``?phuong=<code or id>``)."""

    authority_id: int
    unit_id: int
    code: str
    name: str


async def portal_wards(session: AsyncSession) -> list[Ward]:
    """The deployment's wards, by name."""
    return [
        Ward(authority.id, unit.id, unit.code, unit.name)
        for authority, unit in await queries.wards(session)
    ]


def chosen_ward(wards: list[Ward], value: str | None) -> Ward | None:
    """The ward ``?phuong=`` names, by its unit's code or id; None for none or an unknown
    one (the portal then shows every ward)."""
    value = (value or "").strip()
    if not value:
        return None
    for ward in wards:
        if value == ward.code or value == str(ward.unit_id):
            return ward
    return None


async def current_notices(
    session: AsyncSession,
    state: AppState,
    *,
    limit: int = 500,
    ward_authority_id: int | None = None,
) -> list[PublicNoticeRead]:
    """The nominations whose public notice runs now, ending soonest first, each with its
    objections as the public may know them (lodged, and how resolved) and its ward; one
    ward's when ``ward_authority_id`` is given."""
    names = award_names(state)
    rows = await queries.posted_notices(
        session, now=state.clock.now(), limit=limit, ward_authority_id=ward_authority_id
    )
    objections: dict[int, list[PublicObjectionRead]] = {n.id: [] for n, _, _, _ in rows}
    for nomination_id, lodged_at, status in await queries.objection_outcomes(
        session, nomination_ids=list(objections)
    ):
        objections[nomination_id].append(PublicObjectionRead(lodged_at=lodged_at, status=status))
    return [
        PublicNoticeRead(
            nomination_id=n.id,
            nominee_name=n.nominee_name,
            unit_name=unit_name,
            award_code=n.award_code,
            award_name=names.get(n.award_code, n.award_code),
            authority_name=authority_name,
            ward_name=ward_name,
            year=n.year,
            posted_at=n.stage_entered_at,
            until=n.public_notice_until,
            objections=objections[n.id],
        )
        for n, unit_name, authority_name, ward_name in rows
    ]


def verify_url(*, number_text: str, year: int | None, authority_id: int) -> str:
    """Where anyone verifies one decision: its number with its issuer and year (a number
    alone may name two decisions)."""
    query = {"number": number_text, "year": year, "authority_id": authority_id}
    return "/xac-minh?" + urlencode({k: v for k, v in query.items() if v is not None})


async def issued_decisions(
    session: AsyncSession,
    *,
    page: int,
    page_size: int,
    number: str | None = None,
    authority_id: int | None = None,
    year: int | None = None,
) -> tuple[int, list[PublicDecisionRead]]:
    """(how many, one page of them) of the issued decisions (never a submission), newest
    first, each with its issuer, awardees, PDF and where to verify it; ``number``,
    ``authority_id`` and ``year`` narrow them."""
    total = await queries.count_issued_decisions(
        session, number=number, authority_id=authority_id, year=year
    )
    rows = await queries.issued_decisions(
        session,
        page=page,
        page_size=page_size,
        number=number,
        authority_id=authority_id,
        year=year,
    )
    awardees: dict[int, list[PublicAwardee]] = {d.id: [] for d, _ in rows}
    for item in await queries.decision_items(session, decision_ids=list(awardees)):
        awardees[item.decision_id].append(
            PublicAwardee(
                nominee_name=item.nominee_name,
                nominee_description=item.nominee_description,
                award_code=item.award_code,
            )
        )
    return total, [
        PublicDecisionRead(
            id=d.id,
            number_text=d.number_text,
            year=d.year,
            issued_on=d.issued_on,
            title=d.title,
            authority_id=d.authority_id,
            authority_name=authority_name,
            awardees=awardees[d.id],
            pdf_url=f"/api/v1/documents/{d.document_id}/pdf" if d.document_id else None,
            verify_url=verify_url(
                number_text=d.number_text, year=d.year, authority_id=d.authority_id
            ),
        )
        for d, authority_name in rows
    ]


async def forwarded_submissions(
    session: AsyncSession, *, limit: int, authority_id: int | None = None
) -> list[PublicForwardedRead]:
    """The newest signed submissions, each as "forwarded to <the next level>" with its
    nominees: the portal lists them apart from the awards (a tờ trình awards nothing);
    one issuer's when ``authority_id`` is given."""
    rows = await queries.forwarded_submissions(session, limit=limit, authority_id=authority_id)
    nominees: dict[int, list[PublicAwardee]] = {s.id: [] for s, _, _ in rows}
    for item in await queries.decision_items(session, decision_ids=list(nominees)):
        nominees[item.decision_id].append(
            PublicAwardee(
                nominee_name=item.nominee_name,
                nominee_description=item.nominee_description,
                award_code=item.award_code,
            )
        )
    return [
        PublicForwardedRead(
            id=s.id,
            number_text=s.number_text,
            year=s.year,
            issued_on=s.issued_on,
            authority_id=s.authority_id,
            authority_name=issuer,
            to_authority_name=to or "",
            nominees=nominees[s.id],
        )
        for s, issuer, to in rows
    ]
