"""Decisions (quyết định) and submissions (tờ trình): drafting one document for many
nominations, and reading them back."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import DecisionKind, NomineeKind, Role, Stage
from models import Authority, Decision, DecisionItem, Nomination, Person, Unit
from models.schemas.decisions import DecisionCreate, DecisionItemRead, DecisionRead
from thidua.settings import Settings
from workflows.decision_types import DecisionInput, DecisionItemPlan, decision_workflow_id

from ..errors import Conflict, Forbidden, InvalidInput
from ..principal import Principal
from .council import standing_authority
from .plans import calendar_data

SIGNING_ROLES = (Role.CHAIRMAN, Role.VICE_CHAIRMAN)


def can_see_decision(principal: Principal, decision: Decision) -> bool:
    if principal.is_admin or decision.status.value == "issued":
        return True
    return decision.authority_id in principal.authority_ids(
        Role.STANDING_OFFICER, Role.CHAIRMAN, Role.VICE_CHAIRMAN, Role.AUDITOR, Role.COUNCIL_MEMBER
    )


async def _description(session: AsyncSession, nomination: Nomination) -> str:
    unit = await session.get(Unit, nomination.proposing_unit_id)
    if nomination.subject_kind == NomineeKind.INDIVIDUAL and nomination.person_id:
        person = await session.get(Person, nomination.person_id)
        if person and person.position:
            return (
                person.position
                if unit is None or unit.name in person.position
                else (f"{person.position}, {unit.name}")
            )
    return unit.name if unit else ""


async def draft(
    session: AsyncSession,
    *,
    principal: Principal,
    data: DecisionCreate,
    catalogue,
    settings: Settings,
    today: date,
) -> tuple[Decision, DecisionInput]:
    authority_id = standing_authority(principal, data.authority_id)
    authority = await session.get(Authority, authority_id)
    assert authority is not None
    expected = (
        Stage.AWAITING_DECISION if data.kind == DecisionKind.DECISION else Stage.AWAITING_SUBMISSION
    )
    if len(set(data.nomination_ids)) != len(data.nomination_ids):
        raise InvalidInput("nomination_ids", "Một đề nghị bị lặp", "a nomination appears twice")
    nominations = {
        n.id: n
        for n in (
            await session.execute(select(Nomination).where(Nomination.id.in_(data.nomination_ids)))
        ).scalars()
    }
    awards = []
    for index, nomination_id in enumerate(data.nomination_ids):
        nomination = nominations.get(nomination_id)
        field = f"nomination_ids.{index}"
        if nomination is None or nomination.authority_id != authority_id:
            raise InvalidInput(
                field,
                f"Đề nghị {nomination_id} không thuộc cơ quan này",
                f"nomination {nomination_id} is not at this authority",
            )
        if nomination.stage != expected:
            raise Conflict(
                f"Đề nghị {nomination_id} chưa sẵn sàng ({nomination.stage.value})",
                f"nomination {nomination_id} is not {expected.value} ({nomination.stage.value})",
                field=field,
            )
        awards.append(catalogue.get(nomination.rule_set_id).awards[nomination.award_code])
    next_authority = (
        await session.get(Authority, authority.parent_authority_id)
        if authority.parent_authority_id
        else None
    )
    award_names = sorted({a.name_vi for a in awards})
    if data.title:
        title = data.title
    elif data.kind == DecisionKind.DECISION:
        title = "Về việc tặng " + (
            award_names[0] if len(award_names) == 1 else "danh hiệu, hình thức khen thưởng"
        )
    else:
        target = next_authority.name if next_authority else "cấp trên"
        title = f"Về việc đề nghị {target} khen thưởng " + (
            award_names[0] if len(award_names) == 1 else ""
        )
    standing = await session.get(Unit, authority.standing_unit_id)
    decision = Decision(
        authority_id=authority_id,
        kind=data.kind,
        title=title.strip(),
        drafted_by_user_id=principal.user_id,
        proposer_text=data.proposer_text
        or (f"Theo đề nghị của Trưởng {standing.name}" if standing else ""),
    )
    session.add(decision)
    await session.flush()
    items = []
    for position, nomination_id in enumerate(data.nomination_ids, start=1):
        nomination = nominations[nomination_id]
        rule_set = catalogue.get(nomination.rule_set_id)
        award = rule_set.awards[nomination.award_code]
        multiple = float(award.cash_multiples.get(nomination.subject_kind, 0.0))
        session.add(
            DecisionItem(
                decision_id=decision.id,
                nomination_id=nomination.id,
                position=position,
                nominee_name=nomination.nominee_name,
                nominee_description=await _description(session, nomination),
                award_code=nomination.award_code,
                cash_multiple=multiple,
                cash_amount_vnd=round(multiple * rule_set.base_salary_vnd),
            )
        )
        items.append(
            DecisionItemPlan(
                nomination_id=nomination.id,
                nomination_workflow_id=nomination.workflow_id,
                proposing_unit_id=nomination.proposing_unit_id,
                nominee_name=nomination.nominee_name,
            )
        )
    decision.workflow_id = decision_workflow_id(decision.id)
    signature = awards[0].level_rule(nominations[data.nomination_ids[0]].level).signature
    await session.flush()
    workflow_input = DecisionInput(
        decision_id=decision.id,
        kind=data.kind,
        title=decision.title,
        authority_id=authority_id,
        authority_unit_id=authority.unit_id,
        standing_unit_id=authority.standing_unit_id,
        next_standing_unit_id=next_authority.standing_unit_id if next_authority else None,
        items=items,
        drafted_by=principal.actor,
        signature=signature,
        calendar=calendar_data(settings, today),
    )
    return decision, workflow_input


async def read_decision(session: AsyncSession, decision: Decision) -> DecisionRead:
    authority = await session.get(Authority, decision.authority_id)
    items = (
        (
            await session.execute(
                select(DecisionItem)
                .where(DecisionItem.decision_id == decision.id)
                .order_by(DecisionItem.position)
            )
        )
        .scalars()
        .all()
    )
    return DecisionRead(
        id=decision.id,
        authority_id=decision.authority_id,
        authority_name=authority.name if authority else "",
        kind=decision.kind,
        status=decision.status,
        title=decision.title,
        number_text=decision.number_text,
        issued_on=decision.issued_on,
        signer_user_id=decision.signer_user_id,
        signer_capacity=decision.signer_capacity,
        due_at=decision.due_at,
        signed_at=decision.signed_at,
        document_id=decision.document_id,
        items=[
            DecisionItemRead(
                nomination_id=i.nomination_id,
                position=i.position,
                nominee_name=i.nominee_name,
                nominee_description=i.nominee_description,
                award_code=i.award_code,
                cash_multiple=i.cash_multiple,
                cash_amount_vnd=i.cash_amount_vnd,
            )
            for i in items
        ],
        preview_url=f"/api/v1/decisions/{decision.id}/preview.pdf",
        pdf_url=f"/api/v1/documents/{decision.document_id}/pdf" if decision.document_id else None,
    )


def require_chairman(principal: Principal, authority_unit_id: int) -> None:
    if not principal.actor.has(Role.CHAIRMAN, authority_unit_id):
        raise Forbidden()
