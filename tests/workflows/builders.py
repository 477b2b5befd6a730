"""The people, bodies and inputs of the fast workflow tests.

A ward (Phường Thạch Khôi) under a city (Hải Phòng) under the central level, each with
its people's committee, standing body and council, and the actors who work there. The
inputs are built the way the engine builds them: the level plans from the real rule set
of the catalogue (time limits, thresholds, required dossier items, as
``api.services.plans.level_plans`` maps them), the working-day calendar by
``api.services.plans.calendar_data``. Only the database ids are made up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from api.services.plans import calendar_data
from domain.calendar import CalendarData
from domain.rules import LevelRule, RuleSet
from domain.thresholds import Threshold
from domain.vocabulary import DecisionKind, ExemplarSubjectKind, Level, Role
from thidua.catalogue_store import get_catalogue
from thidua.settings import Settings
from workflows.campaign_types import (
    CampaignInput,
    ContentAreaPlan,
    CycleDates,
    ExemplarInput,
    MilestonePlan,
    UnitRef,
)
from workflows.contracts import Actor, RoleRef
from workflows.council_types import AgendaItemPlan, MemberPlan, SessionInput
from workflows.decision_types import DecisionInput, DecisionItemPlan
from workflows.nomination_types import LevelPlan, NominationInput, nomination_workflow_id

RULE_SET_ID = "nd152-2025"
SETTINGS = Settings(environment="test")


@dataclass(frozen=True)
class Body:
    """A deciding authority: its people's committee, standing body and council."""

    level: Level
    authority_id: int
    name: str
    unit_id: int
    standing_unit_id: int
    council_id: int | None


WARD = Body(Level.WARD, 1, "Ủy ban nhân dân phường Thạch Khôi", 100, 101, 7)
CITY = Body(Level.CITY, 2, "Ủy ban nhân dân thành phố Hải Phòng", 200, 201, 8)
CENTRAL = Body(Level.CENTRAL, 3, "Chính phủ", 300, 301, None)
BODIES = {body.level: body for body in (WARD, CITY, CENTRAL)}

SCHOOL = UnitRef(110, "Trường Tiểu học Thạch Khôi", "school")
GROUP_3 = UnitRef(111, "Tổ dân phố số 3", "residential_group")
GROUP_5 = UnitRef(112, "Tổ dân phố số 5", "residential_group")
SERVICE_CENTRE = UnitRef(113, "Trung tâm Phục vụ hành chính công phường", "office")
WARD_UNITS = [SCHOOL, GROUP_3, GROUP_5, SERVICE_CENTRE]


def _role(role: Role, unit_id: int, body: Body) -> RoleRef:
    authority = body.authority_id if role != Role.UNIT_OFFICER else None
    return RoleRef(role=role, unit_id=unit_id, level=body.level, authority_id=authority)


UNIT_OFFICER = Actor(11, "Nguyễn Thị Lan", (_role(Role.UNIT_OFFICER, SCHOOL.unit_id, WARD),))
STANDING_OFFICER = Actor(
    12,
    "Lê Minh Đức",
    (_role(Role.STANDING_OFFICER, WARD.standing_unit_id, WARD),),
    council_memberships=((WARD.council_id, 3),),
)
CHAIRMAN = Actor(
    13,
    "Tăng Văn Quân",
    (_role(Role.CHAIRMAN, WARD.unit_id, WARD),),
    council_memberships=((WARD.council_id, 1),),
)
VICE_CHAIRMAN = Actor(
    14,
    "Nguyễn Thị Thanh Hương",
    (_role(Role.VICE_CHAIRMAN, WARD.unit_id, WARD),),
    council_memberships=((WARD.council_id, 2),),
)
MTTQ_CHAIR = Actor(
    15,
    "Phạm Thị Hạnh",
    (_role(Role.COUNCIL_MEMBER, WARD.unit_id, WARD),),
    council_memberships=((WARD.council_id, 4),),
)
YOUTH_SECRETARY = Actor(
    16,
    "Đỗ Văn Nam",
    (_role(Role.COUNCIL_MEMBER, WARD.unit_id, WARD),),
    council_memberships=((WARD.council_id, 5),),
)
CLERK = Actor(17, "Đặng Thị Thu Trang", (_role(Role.CLERK, WARD.unit_id, WARD),))  # văn thư
# The ward council: five members, by member id.
COUNCIL = {1: CHAIRMAN, 2: VICE_CHAIRMAN, 3: STANDING_OFFICER, 4: MTTQ_CHAIR, 5: YOUTH_SECRETARY}
CITY_STANDING_OFFICER = Actor(
    21, "Vũ Thị Mai", (_role(Role.STANDING_OFFICER, CITY.standing_unit_id, CITY),)
)
PUBLISHER = Actor(31, "Hoàng Văn Tuấn", (_role(Role.UNIT_OFFICER, SERVICE_CENTRE.unit_id, WARD),))
GROUP_3_OFFICER = Actor(33, "Đặng Văn Khoa", (_role(Role.UNIT_OFFICER, GROUP_3.unit_id, WARD),))
GROUP_5_OFFICER = Actor(32, "Bùi Thị Nga", (_role(Role.UNIT_OFFICER, GROUP_5.unit_id, WARD),))
HEAD_OF_STANDING_BODY = 41


def rule_set() -> RuleSet:
    catalogue = get_catalogue(str(SETTINGS.catalogue_dir), "")
    return catalogue.get(RULE_SET_ID)


def calendar(today: date) -> CalendarData:
    return calendar_data(SETTINGS, today)


def level_plan(rule: LevelRule, *, decides: bool) -> LevelPlan:
    body = BODIES[rule.level]
    return LevelPlan(
        level=rule.level,
        authority_id=body.authority_id,
        authority_name=body.name,
        authority_unit_id=body.unit_id,
        standing_unit_id=body.standing_unit_id,
        council_id=body.council_id,
        completeness_check=rule.completeness_check,
        resubmission=rule.resubmission,
        public_notice=rule.public_notice,
        vote=rule.council.vote,
        threshold=rule.council.threshold,
        quorum=rule.council.quorum,
        processing=rule.processing,
        signature=rule.signature,
        required_items=list(rule.required_dossier),
        required_any_of=[list(group) for group in rule.required_any_of],
        decides=decides,
    )


def nomination_input(
    nomination_id: int,
    award_code: str,
    *,
    today: date,
    nominee: str = "Nguyễn Thị Hoa",
    dossier_items: list[str] | None = None,
) -> NominationInput:
    """A nomination submitted by the school, with every item its first level requires
    unless ``dossier_items`` says otherwise."""
    rules = rule_set()
    award = rules.awards[award_code]
    first = award.chain[0]
    items = list(first.required_dossier) + [group[0] for group in first.required_any_of]
    return NominationInput(
        nomination_id=nomination_id,
        award_code=award.code,
        award_name=award.name_vi,
        rule_set_id=rules.id,
        nominee_name=nominee,
        proposing_unit_id=SCHOOL.unit_id,
        submitted_by=UNIT_OFFICER,
        dossier_items=sorted(set(items if dossier_items is None else dossier_items)),
        levels=[
            level_plan(rule, decides=rule.level == award.deciding_level) for rule in award.chain
        ],
        calendar=calendar(today),
        reminder_working_days=list(rules.reminder_working_days),
    )


def session_input(
    session_id: int,
    nominations: list[NominationInput],
    *,
    closes_at: datetime,
    today: date,
    recused: dict[int, list[int]] | None = None,
) -> SessionInput:
    """A ward council session over ``nominations``, with the strictest quorum of their
    rules and their rule set's word on written opinions (as ``api.services.council``
    convenes one)."""
    quorum = Threshold(0, 1)
    items = []
    for nomination in nominations:
        level = nomination.levels[0]
        if (
            level.quorum.numerator * quorum.denominator
            > quorum.numerator * level.quorum.denominator
        ):
            quorum = level.quorum
        items.append(
            AgendaItemPlan(
                nomination_id=nomination.nomination_id,
                nomination_workflow_id=nomination_workflow_id(nomination.nomination_id),
                nominee_name=nomination.nominee_name,
                award_name=nomination.award_name,
                vote_rule=level.vote,
                threshold=level.threshold,
                recused_member_ids=(recused or {}).get(nomination.nomination_id, []),
            )
        )
    return SessionInput(
        session_id=session_id,
        council_id=WARD.council_id or 0,
        authority_id=WARD.authority_id,
        authority_unit_id=WARD.unit_id,
        standing_unit_id=WARD.standing_unit_id,
        title="Phiên họp Hội đồng Thi đua - Khen thưởng phường",
        members=[MemberPlan(member_id, a.user_id, a.name) for member_id, a in COUNCIL.items()],
        items=items,
        quorum=quorum,
        closes_at=closes_at,
        convened_by=STANDING_OFFICER,
        calendar=calendar(today),
        # Every nomination here runs under the one rule set (no city override).
        quorum_counts_written_opinions=rule_set().quorum_counts_written_opinions,
    )


def decision_input(
    decision_id: int,
    nominations: list[NominationInput],
    *,
    today: date,
    kind: DecisionKind = DecisionKind.DECISION,
) -> DecisionInput:
    """A ward decision (or submission to the city) over ``nominations``."""
    level = nominations[0].levels[0]
    return DecisionInput(
        decision_id=decision_id,
        kind=kind,
        title="Về việc khen thưởng các tập thể, cá nhân có thành tích xuất sắc",
        authority_id=WARD.authority_id,
        authority_unit_id=WARD.unit_id,
        standing_unit_id=WARD.standing_unit_id,
        next_standing_unit_id=CITY.standing_unit_id if kind == DecisionKind.SUBMISSION else None,
        items=[
            DecisionItemPlan(
                nomination_id=n.nomination_id,
                nomination_workflow_id=nomination_workflow_id(n.nomination_id),
                proposing_unit_id=n.proposing_unit_id,
                nominee_name=n.nominee_name,
            )
            for n in nominations
        ],
        drafted_by=STANDING_OFFICER,
        signature=level.signature,
        calendar=calendar(today),
    )


def campaign_input(
    *, start_year: int, end_year: int, milestones: list[MilestonePlan] | None = None
) -> CampaignInput:
    """The ward's campaign with the default yearly cycle (registration 15 January to
    31 March, household review by 25 November, dossiers by 10 December)."""
    return CampaignInput(
        campaign_id=1,
        code="thach-khoi-2026-2030",
        name="Phong trào thi đua “Thạch Khôi chung sức xây dựng đô thị văn minh”",
        authority_id=WARD.authority_id,
        authority_unit_id=WARD.unit_id,
        standing_unit_id=WARD.standing_unit_id,
        start_year=start_year,
        end_year=end_year,
        cycle=CycleDates(),
        content_areas=[ContentAreaPlan("do-thi-van-minh", "Xây dựng đô thị văn minh")],
        milestones=milestones or [],
        launched_by=STANDING_OFFICER,
    )


def exemplar_input(exemplar_id: int = 1) -> ExemplarInput:
    """A residential group's model, proposed by the group, published by the service
    centre."""
    return ExemplarInput(
        exemplar_id=exemplar_id,
        campaign_id=1,
        campaign_name="Phong trào thi đua “Thạch Khôi chung sức xây dựng đô thị văn minh”",
        title="Mô hình “Tổ dân phố xanh - sạch - đẹp”",
        subject_kind=ExemplarSubjectKind.RESIDENTIAL_GROUP,
        proposing_unit_id=GROUP_5.unit_id,
        proposing_unit_name=GROUP_5.name,
        nominating_unit_id=GROUP_5.unit_id,
        authority_id=WARD.authority_id,
        authority_unit_id=WARD.unit_id,
        standing_unit_id=WARD.standing_unit_id,
        publisher_unit_id=SERVICE_CENTRE.unit_id,
        escalation_user_id=HEAD_OF_STANDING_BODY,
        proposed_by=GROUP_5_OFFICER,
    )
