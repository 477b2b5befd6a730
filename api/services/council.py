"""Council sessions: convening one (agenda, members, recusals, quorum) and starting its
workflow, who may follow it, reading it back, each member's ballot sheet and ballot,
and closing it.

Ballots are secret: nothing here returns how a member voted — only who has voted, and
the tallies once the session has closed. The JSON routes (``api/routes/council.py``) and
the pages (``api/pages/council.py``) both call these functions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError

from domain.calendar import vietnam_date
from domain.catalogue import Catalogue
from domain.thresholds import Threshold, threshold_words, threshold_words_en
from domain.vocabulary import Role, Stage
from models import (
    AgendaItem,
    Authority,
    CouncilMember,
    CouncilSession,
    Nomination,
    Person,
    Unit,
    User,
)
from models.schemas.council import (
    AgendaItemRead,
    BallotCreate,
    BallotReceiptRead,
    BallotSheetRead,
    CloseCreate,
    MemberRead,
    SessionCreate,
    SessionPage,
    SessionRead,
)
from thidua.settings import Settings
from workflows.council_session import CouncilSessionWorkflow
from workflows.council_types import (
    CLOSERS_ONLY,
    MEMBERS_ONLY,
    AgendaItemPlan,
    BallotSheet,
    CloseCommand,
    MemberPlan,
    SessionInput,
    may_close,
    session_workflow_id,
)

from ..errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceUnavailable
from ..principal import Principal
from ..queries import council as queries
from ..queries import nominations as nomination_queries
from ..temporal_calls import execute_update
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
    catalogue: Catalogue,
    settings: Settings,
    now: datetime,
) -> tuple[CouncilSession, SessionInput]:
    authority_id = standing_authority(principal, data.authority_id)
    authority = await session.get(Authority, authority_id)
    assert authority is not None
    council = await queries.council_of(session, authority_id=authority_id)
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
    members = await queries.active_members(session, council_id=council.id)
    if not members:
        raise Conflict("Hội đồng chưa có thành viên", "the council has no members")
    rules = {r.strip() for r in settings.recusal_rules.split(",") if r.strip()}
    nominations = await nomination_queries.nominations_by_id(
        session, nomination_ids=data.nomination_ids
    )
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


async def open_session(
    session: AsyncSession,
    *,
    temporal: Client,
    principal: Principal,
    data: SessionCreate,
    catalogue: Catalogue,
    settings: Settings,
    now: datetime,
) -> CouncilSession:
    """Convene the session and start its workflow.

    Commits: the workflow must find the committed session and agenda. If Temporal cannot
    start it, the session is deleted again (and that committed)."""
    row, workflow_input = await convene(
        session, principal=principal, data=data, catalogue=catalogue, settings=settings, now=now
    )
    await session.commit()
    try:
        await temporal.start_workflow(
            CouncilSessionWorkflow.run,
            workflow_input,
            id=row.workflow_id,
            task_queue=settings.task_queue,
        )
    except WorkflowAlreadyStartedError:
        raise Conflict("Phiên họp đã được mở", "the session is already open") from None
    except Exception as exc:
        await session.delete(row)
        await session.commit()
        raise ServiceUnavailable(
            "Không mở được phiên họp", f"could not start the session: {exc}"
        ) from exc
    return row


# ---- who may follow a session ----------------------------------------------------------------

SESSION_ROLES = (
    Role.STANDING_OFFICER,
    Role.CHAIRMAN,
    Role.VICE_CHAIRMAN,
    Role.COUNCIL_MEMBER,
    Role.AUDITOR,
)


def can_see_session(principal: Principal, session_row: CouncilSession) -> bool:
    if principal.sees_all:
        return True
    return session_row.authority_id in (
        principal.authority_ids(*SESSION_ROLES)
        | principal.admin_authority_ids
        | principal.audited_authority_ids
    )


async def visible_session(
    session: AsyncSession, *, principal: Principal, session_id: int
) -> CouncilSession:
    """The session if this person may see it; 403 otherwise, also when it does not exist
    (an administrator is told it does not)."""
    row = await queries.session_by_id(session, session_id=session_id)
    if row is None:
        if principal.sees_all:
            raise NotFound("Không có phiên họp này", "no such session")
        raise Forbidden()
    if not can_see_session(principal, row):
        raise Forbidden()
    return row


async def followed_session(
    session: AsyncSession, *, principal: Principal, session_id: int
) -> CouncilSession:
    """The session as its pages show it: to the members of its council and to whoever
    may see it; 403 for anyone else and for a session that does not exist."""
    row = await queries.session_by_id(session, session_id=session_id)
    if row is None:
        raise Forbidden()
    council_ids = {council_id for council_id, _ in principal.council_memberships}
    if row.council_id in council_ids or can_see_session(principal, row):
        return row
    raise Forbidden()


# ---- reading sessions ------------------------------------------------------------------------


async def list_sessions(
    session: AsyncSession,
    *,
    principal: Principal,
    catalogue: Catalogue,
    page: int,
    page_size: int,
) -> SessionPage:
    """The sessions of this person's authorities, newest first."""
    total, rows = await queries.sessions_at(
        session,
        authority_ids=None
        if principal.sees_all
        else principal.authority_ids(*SESSION_ROLES) | principal.admin_authority_ids,
        offset=(page - 1) * page_size,
        limit=page_size,
    )
    return SessionPage(
        total=total,
        page=page,
        page_size=page_size,
        items=[await read_session(session, session_row=r, catalogue=catalogue) for r in rows],
    )


async def read_session_by_id(
    session: AsyncSession, *, session_id: int, catalogue: Catalogue
) -> SessionRead:
    """``read_session`` of a session known to exist (after a command, in a new snapshot)."""
    row = await queries.session_by_id(session, session_id=session_id)
    assert row is not None
    return await read_session(session, session_row=row, catalogue=catalogue)


async def read_session(
    session: AsyncSession, *, session_row: CouncilSession, catalogue: Catalogue
) -> SessionRead:
    """The agenda, who has voted (never how), and the tallies once closed."""
    members = await queries.active_members(session, council_id=session_row.council_id)
    receipts = await queries.receipts(session, session_id=session_row.id)
    rows = await queries.agenda(session, session_id=session_row.id)
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
                threshold_words=threshold_words(threshold) if threshold else "",
                threshold_words_en=threshold_words_en(threshold) if threshold else "",
                achievement_summary=nomination.achievement_summary or "",
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
        quorum_words="có mặt " + threshold_words(_quorum_threshold(session_row.quorum_fraction)),
        quorum_words_en=threshold_words_en(
            _quorum_threshold(session_row.quorum_fraction), whole="of all council members present"
        ),
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


def _quorum_threshold(fraction: float) -> Threshold:
    """The stored quorum share as a threshold, its usual fractions exact."""
    for numerator, denominator in ((2, 3), (1, 2), (3, 4)):
        if abs(fraction - numerator / denominator) < 1e-6:
            return Threshold(numerator, denominator)
    return Threshold(round(fraction * 100), 100)


def _quorum_text(fraction: float) -> str:
    for numerator, denominator in ((2, 3), (1, 2), (3, 4)):
        if abs(fraction - numerator / denominator) < 1e-6:
            return f"≥ {numerator}/{denominator}"
    return f"≥ {round(fraction * 100)}%"


# ---- the ballot and closing ------------------------------------------------------------------


async def ballot_sheet(
    session: AsyncSession, *, principal: Principal, session_id: int, catalogue: Catalogue
) -> BallotSheetRead:
    """The member's own sheet: every agenda item, and those the member is recused from."""
    row = await visible_session(session, principal=principal, session_id=session_id)
    member_id = principal.actor.member_id_in(row.council_id)
    if member_id is None:
        raise Forbidden(
            "Chỉ thành viên Hội đồng có phiếu", "only council members have a ballot sheet"
        )
    read = await read_session(session, session_row=row, catalogue=catalogue)
    voted = (await queries.receipt_of(session, session_id=row.id, member_id=member_id)) is not None
    return BallotSheetRead(
        session_id=row.id,
        member_id=member_id,
        title=row.title,
        closes_at=row.closes_at,
        status=row.status,
        has_voted=voted,
        items=[i for i in read.items if not i.withdrawn],
        recused_nomination_ids=[
            i.nomination_id for i in read.items if member_id in i.recused_member_ids
        ],
    )


async def cast_ballot(
    session: AsyncSession,
    *,
    temporal: Client,
    principal: Principal,
    session_id: int,
    body: BallotCreate,
) -> BallotReceiptRead:
    """Cast ONE ballot sheet covering every agenda item (in person, or a written opinion
    when absent). The workflow refuses a second sheet, a sheet after closing, and one
    from a non-member."""
    row = await visible_session(session, principal=principal, session_id=session_id)
    # Someone who could never vote here hears so, also once the session has closed (its
    # workflow is gone): 403 before 409, as the workflow's validator answers while open.
    if principal.actor.member_id_in(row.council_id) is None:
        raise Forbidden(*MEMBERS_ONLY)
    handle = temporal.get_workflow_handle(row.workflow_id)
    receipt = await execute_update(
        handle,
        CouncilSessionWorkflow.cast_ballot,
        BallotSheet(
            actor=principal.actor,
            mode=body.mode,
            choices=dict(body.choices),
            written_opinion=body.written_opinion,
        ),
        current_stage=row.status.value,
    )
    return BallotReceiptRead(
        session_id=row.id, member_id=receipt.member_id, mode=receipt.mode, cast_at=receipt.cast_at
    )


async def close_session(
    session: AsyncSession,
    *,
    temporal: Client,
    principal: Principal,
    session_id: int,
    body: CloseCreate,
) -> CouncilSession:
    """Close the ballot now; the workflow tallies at once."""
    row = await visible_session(session, principal=principal, session_id=session_id)
    authority = await session.get(Authority, row.authority_id)
    assert authority is not None
    if not may_close(
        principal.actor,
        standing_unit_id=authority.standing_unit_id,
        authority_unit_id=authority.unit_id,
    ):
        raise Forbidden(*CLOSERS_ONLY)
    handle = temporal.get_workflow_handle(row.workflow_id)
    await execute_update(
        handle,
        CouncilSessionWorkflow.close,
        CloseCommand(actor=principal.actor, reason=body.reason),
        current_stage=row.status.value,
    )
    return row
