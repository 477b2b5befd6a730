"""Council sessions: convening (agenda, members, recusals, quorum) and reading them back."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import vietnam_date
from domain.thresholds import Threshold
from domain.vocabulary import Role, Stage
from models import (
    AgendaItem,
    Authority,
    BallotReceipt,
    Council,
    CouncilMember,
    CouncilSession,
    Nomination,
    Person,
    Unit,
    User,
)
from models.schemas.council import AgendaItemRead, MemberRead, SessionCreate, SessionRead
from thidua.settings import Settings
from workflows.council_types import AgendaItemPlan, MemberPlan, SessionInput, session_workflow_id

from ..errors import Conflict, Forbidden, InvalidInput
from ..principal import Principal
from .plans import calendar_data

MAX_SESSION_DAYS = 60


def standing_authority(principal: Principal, requested: int | None) -> int:
    authorities = principal.authority_ids(Role.STANDING_OFFICER)
    if requested is not None:
        if requested not in authorities:
            raise Forbidden()
        return requested
    if len(authorities) != 1:
        if not authorities:
            raise Forbidden()
        raise InvalidInput("authority_id", "Chọn cơ quan", "choose the authority")
    return next(iter(authorities))


async def _members(session: AsyncSession, council_id: int) -> list[tuple[CouncilMember, User]]:
    return (
        await session.execute(
            select(CouncilMember, User)
            .join(User, User.id == CouncilMember.user_id)
            .where(CouncilMember.council_id == council_id, CouncilMember.active.is_(True))
            .order_by(CouncilMember.id)
        )
    ).all()


async def recusals(
    session: AsyncSession,
    nomination: Nomination,
    members: list[tuple[CouncilMember, User]],
    rules: set[str],
) -> list[int]:
    """Members with a conflict of interest on this nomination."""
    recused = []
    nominee = await session.get(Person, nomination.person_id) if nomination.person_id else None
    unit = await session.get(Unit, nomination.proposing_unit_id)
    for member, user in members:
        if user.person_id is None:
            continue
        person = await session.get(Person, user.person_id)
        if person is None:
            continue
        conflict = False
        if "self" in rules and nominee is not None and nominee.id == person.id:
            conflict = True
        if "household" in rules and person.household_id is not None:
            nominee_household = nomination.household_id or (
                nominee.household_id if nominee else None
            )
            conflict = conflict or nominee_household == person.household_id
        if "unit_head" in rules and unit is not None and unit.head_person_id == person.id:
            conflict = True
        if conflict:
            recused.append(member.id)
    return recused


async def convene(
    session: AsyncSession,
    *,
    principal: Principal,
    data: SessionCreate,
    catalogue,
    settings: Settings,
    now: datetime,
) -> tuple[CouncilSession, SessionInput]:
    authority_id = standing_authority(principal, data.authority_id)
    authority = await session.get(Authority, authority_id)
    assert authority is not None
    council = (
        await session.execute(select(Council).where(Council.authority_id == authority_id))
    ).scalar_one_or_none()
    if council is None:
        raise Conflict(f"{authority.name} chưa có Hội đồng", "this authority has no council")
    if data.closes_at.tzinfo is None:
        raise InvalidInput("closes_at", "Thời hạn cần có múi giờ", "closes_at needs a time zone")
    if not now + timedelta(minutes=5) <= data.closes_at <= now + timedelta(days=MAX_SESSION_DAYS):
        raise InvalidInput(
            "closes_at",
            "Thời hạn bỏ phiếu phải từ 5 phút đến 60 ngày kể từ bây giờ",
            "the ballot deadline must be between 5 minutes and 60 days from now",
        )
    if len(set(data.nomination_ids)) != len(data.nomination_ids):
        raise InvalidInput("nomination_ids", "Một đề nghị bị lặp", "a nomination appears twice")
    members = await _members(session, council.id)
    if not members:
        raise Conflict("Hội đồng chưa có thành viên", "the council has no members")
    rules = {r.strip() for r in settings.recusal_rules.split(",") if r.strip()}
    nominations = {
        n.id: n
        for n in (
            await session.execute(select(Nomination).where(Nomination.id.in_(data.nomination_ids)))
        ).scalars()
    }
    items: list[AgendaItemPlan] = []
    quorum = Threshold(0, 1)
    # Written opinions count toward the quorum only if every item's rule set says so (the
    # strictest reading, like the quorum itself).
    written_opinions_count = True
    session_row = CouncilSession(
        council_id=council.id,
        authority_id=authority_id,
        title=data.title,
        convened_by_user_id=principal.user_id,
        closes_at=data.closes_at,
        member_count=len(members),
    )
    session.add(session_row)
    await session.flush()
    for position, nomination_id in enumerate(data.nomination_ids, start=1):
        nomination = nominations.get(nomination_id)
        field = f"nomination_ids.{position - 1}"
        if nomination is None or nomination.authority_id != authority_id:
            raise InvalidInput(
                field,
                f"Đề nghị {nomination_id} không thuộc cơ quan này",
                f"nomination {nomination_id} is not at this authority",
            )
        if nomination.stage != Stage.AWAITING_COUNCIL:
            raise Conflict(
                f"Đề nghị {nomination_id} không chờ Hội đồng xét ({nomination.stage.value})",
                f"nomination {nomination_id} is not awaiting the council ({nomination.stage.value})",
                field=field,
            )
        rule_set = catalogue.get(nomination.rule_set_id)
        award = rule_set.awards[nomination.award_code]
        rule = award.level_rule(nomination.level).council
        written_opinions_count = written_opinions_count and rule_set.quorum_counts_written_opinions
        if rule.quorum.numerator * quorum.denominator > quorum.numerator * rule.quorum.denominator:
            quorum = rule.quorum
        recused = await recusals(session, nomination, members, rules)
        items.append(
            AgendaItemPlan(
                nomination_id=nomination.id,
                nomination_workflow_id=nomination.workflow_id,
                nominee_name=nomination.nominee_name,
                award_name=award.name_vi,
                vote_rule=rule.vote,
                threshold=rule.threshold,
                recused_member_ids=recused,
            )
        )
        session.add(
            AgendaItem(
                session_id=session_row.id,
                nomination_id=nomination.id,
                position=position,
                vote_rule=rule.vote,
                threshold=rule.threshold.numerator / rule.threshold.denominator,
                recused_member_ids=recused,
            )
        )
    session_row.quorum_fraction = quorum.numerator / quorum.denominator
    session_row.workflow_id = session_workflow_id(session_row.id)
    await session.flush()
    workflow_input = SessionInput(
        session_id=session_row.id,
        council_id=council.id,
        authority_id=authority_id,
        authority_unit_id=authority.unit_id,
        standing_unit_id=authority.standing_unit_id,
        title=data.title,
        members=[MemberPlan(member_id=m.id, user_id=u.id, name=u.full_name) for m, u in members],
        items=items,
        quorum=quorum,
        closes_at=data.closes_at,
        convened_by=principal.actor,
        calendar=calendar_data(settings, vietnam_date(now)),
        quorum_counts_written_opinions=written_opinions_count and bool(items),
    )
    return session_row, workflow_input


def can_see_session(principal: Principal, session_row: CouncilSession) -> bool:
    if principal.is_admin:
        return True
    return session_row.authority_id in principal.authority_ids(
        Role.STANDING_OFFICER, Role.CHAIRMAN, Role.VICE_CHAIRMAN, Role.COUNCIL_MEMBER, Role.AUDITOR
    )


async def read_session(
    session: AsyncSession, session_row: CouncilSession, catalogue
) -> SessionRead:
    members = await _members(session, session_row.council_id)
    receipts = {
        r.member_id: r
        for r in (
            await session.execute(
                select(BallotReceipt).where(BallotReceipt.session_id == session_row.id)
            )
        ).scalars()
    }
    rows = (
        await session.execute(
            select(AgendaItem, Nomination)
            .join(Nomination, Nomination.id == AgendaItem.nomination_id)
            .where(AgendaItem.session_id == session_row.id)
            .order_by(AgendaItem.position)
        )
    ).all()
    items = []
    for item, nomination in rows:
        award = catalogue.get(nomination.rule_set_id).awards.get(nomination.award_code)
        threshold = award.level_rule(nomination.level).council.threshold if award else None
        items.append(
            AgendaItemRead(
                nomination_id=nomination.id,
                position=item.position,
                nominee_name=nomination.nominee_name,
                award_code=nomination.award_code,
                award_name=award.name_vi if award else nomination.award_code,
                vote_rule=item.vote_rule,
                threshold_text=str(threshold) if threshold else "",
                result=item.result,
                withdrawn=item.withdrawn,
                agree=item.agree,
                disagree=item.disagree,
                abstain=item.abstain,
                recused_member_ids=list(item.recused_member_ids or []),
            )
        )
    quorum = Threshold(round(session_row.quorum_fraction * 1000), 1000)
    return SessionRead(
        id=session_row.id,
        council_id=session_row.council_id,
        authority_id=session_row.authority_id,
        title=session_row.title,
        status=session_row.status,
        closes_at=session_row.closes_at,
        opened_at=session_row.opened_at,
        closed_at=session_row.closed_at,
        member_count=session_row.member_count,
        present_count=session_row.present_count,
        written_count=session_row.written_count,
        quorum_text=_quorum_text(session_row.quorum_fraction) or str(quorum),
        minutes_document_id=session_row.minutes_document_id,
        members=[
            MemberRead(
                member_id=m.id,
                user_id=u.id,
                name=u.full_name,
                council_role=m.council_role.value,
                title=m.title,
                has_voted=m.id in receipts,
                mode=receipts[m.id].mode if m.id in receipts else None,
            )
            for m, u in members
        ],
        items=items,
    )


def _quorum_text(fraction: float) -> str:
    for numerator, denominator in ((2, 3), (1, 2), (3, 4)):
        if abs(fraction - numerator / denominator) < 1e-6:
            return f"≥ {numerator}/{denominator}"
    return f"≥ {round(fraction * 100)}%"
