"""The public portal's JSON: current public notices (with the objection form), issued
decisions with their awardees. No login; the objection form is rate-limited."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from sqlalchemy import func, select

from domain.vocabulary import DecisionStatus, Stage
from models import Authority, Decision, DecisionItem, Nomination, Unit
from models.schemas.common import DbId
from models.schemas.nominations import CommandRead, ObjectionCreate
from thidua.ratelimit import consume
from workflows.nomination import NominationWorkflow
from workflows.nomination_types import ObjectionCommand

from ..deps import ReadSessionDep, SessionDep, StateDep, TemporalDep
from ..errors import InvalidInput, NotFound, TooManyRequests, WrongStage, error_responses
from ..temporal_calls import execute_update

router = APIRouter(prefix="/api/v1/public", tags=["public portal"])

OBJECTIONS_PER_HOUR = 5


class PublicNoticeRead(BaseModel):
    nomination_id: int
    nominee_name: str
    unit_name: str
    award_code: str
    award_name: str
    authority_name: str
    year: int
    posted_at: datetime
    until: datetime | None


class PublicNoticePage(BaseModel):
    total: int
    items: list[PublicNoticeRead]


class PublicAwardee(BaseModel):
    nominee_name: str
    nominee_description: str
    award_code: str


class PublicDecisionRead(BaseModel):
    id: int
    number_text: str
    issued_on: date | None
    title: str
    authority_name: str
    awardees: list[PublicAwardee]
    pdf_url: str | None
    verify_url: str


class PublicDecisionPage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[PublicDecisionRead]


def award_names(state) -> dict[str, str]:
    names: dict[str, str] = {}
    for rule_set in state.catalogue.rule_sets:
        names.update({code: award.name_vi for code, award in rule_set.awards.items()})
    return names


async def current_notices(session, state, *, limit: int = 500) -> list[PublicNoticeRead]:
    names = award_names(state)
    now = state.clock.now()
    rows = (
        await session.execute(
            select(Nomination, Unit.name, Authority.name)
            .join(Unit, Unit.id == Nomination.proposing_unit_id)
            .join(Authority, Authority.id == Nomination.authority_id)
            .where(
                Nomination.stage == Stage.PUBLIC_NOTICE,
                Nomination.public_notice_until.is_not(None),
                Nomination.public_notice_until >= now,
            )
            .order_by(Nomination.public_notice_until, Nomination.id)
            .limit(limit)
        )
    ).all()
    return [
        PublicNoticeRead(
            nomination_id=n.id,
            nominee_name=n.nominee_name,
            unit_name=unit_name,
            award_code=n.award_code,
            award_name=names.get(n.award_code, n.award_code),
            authority_name=authority_name,
            year=n.year,
            posted_at=n.stage_entered_at,
            until=n.public_notice_until,
        )
        for n, unit_name, authority_name in rows
    ]


@router.get("/notices", response_model=PublicNoticePage)
async def public_notices(session: ReadSessionDep, state: StateDep) -> PublicNoticePage:
    """Nominations posted for public comment right now."""
    items = await current_notices(session, state)
    return PublicNoticePage(total=len(items), items=items)


async def lodge(
    session, state, temporal, request: Request, nomination_id: int, body: ObjectionCreate
) -> CommandRead:
    client = request.client.host if request.client else "unknown"
    wait = await consume(
        session, f"objection:ip:{client}", limit=OBJECTIONS_PER_HOUR, window_seconds=3600
    )
    await session.commit()  # the attempt counts even when refused below
    if wait is not None:
        raise TooManyRequests(wait)
    nomination = await session.get(Nomination, nomination_id)
    # Never wait on a workflow while holding a database transaction: its projection write
    # would wait for our lock (SQLite) while we wait for it. (Commit, not rollback: a
    # rollback would expire the object we just read.)
    await session.commit()
    if nomination is None or nomination.stage != Stage.PUBLIC_NOTICE:
        if nomination is None:
            raise NotFound("Không có thông báo công khai này", "no such public notice")
        raise WrongStage(
            nomination.stage.value, "Hết thời gian công khai", "not publicly posted now"
        )
    result = await execute_update(
        temporal.get_workflow_handle(nomination.workflow_id),
        NominationWorkflow.lodge_objection,
        ObjectionCommand(
            objector_name=body.objector_name,
            objector_contact=body.objector_contact,
            reason=body.reason,
        ),
        current_stage=nomination.stage.value,
    )
    return CommandRead(
        nomination_id=nomination.id,
        stage=result.stage,
        level=result.level,
        stage_due_at=result.stage_due_at,
        objection_key=result.objection_key,
    )


@router.post(
    "/notices/{nomination_id}/objections",
    response_model=CommandRead,
    status_code=201,
    responses=error_responses(NotFound, WrongStage, InvalidInput, TooManyRequests),
)
async def lodge_objection(
    nomination_id: DbId,
    body: ObjectionCreate,
    request: Request,
    session: SessionDep,
    state: StateDep,
    temporal: TemporalDep,
) -> CommandRead:
    """A written objection with name and contact; it blocks the nomination until the
    standing body resolves it. Limited to a few per hour per address."""
    return await lodge(session, state, temporal, request, nomination_id, body)


async def issued_decisions(session, *, page: int, page_size: int, number: str | None = None):
    condition = Decision.status == DecisionStatus.ISSUED
    if number:
        condition = condition & (Decision.number_text == number.strip())
    total = (
        await session.execute(select(func.count()).select_from(Decision).where(condition))
    ).scalar_one()
    rows = (
        await session.execute(
            select(Decision, Authority.name)
            .join(Authority, Authority.id == Decision.authority_id)
            .where(condition)
            .order_by(Decision.issued_on.desc(), Decision.id.desc())
            .offset((page - 1) * page_size)
            .limit(page_size)
        )
    ).all()
    ids = [d.id for d, _ in rows]
    items_by_decision: dict[int, list[PublicAwardee]] = {i: [] for i in ids}
    if ids:
        for item in (
            await session.execute(
                select(DecisionItem)
                .where(DecisionItem.decision_id.in_(ids))
                .order_by(DecisionItem.decision_id, DecisionItem.position)
            )
        ).scalars():
            items_by_decision[item.decision_id].append(
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
            issued_on=d.issued_on,
            title=d.title,
            authority_name=authority_name,
            awardees=items_by_decision[d.id],
            pdf_url=f"/api/v1/documents/{d.document_id}/pdf" if d.document_id else None,
            verify_url=f"/xac-minh?number={d.number_text}",
        )
        for d, authority_name in rows
    ]


@router.get("/decisions", response_model=PublicDecisionPage)
async def public_decisions(
    session: ReadSessionDep,
    number: Annotated[str | None, Query(max_length=64)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> PublicDecisionPage:
    """Issued decisions: number, date, awardees."""
    total, items = await issued_decisions(session, page=page, page_size=page_size, number=number)
    return PublicDecisionPage(total=total, page=page, page_size=page_size, items=items)
