"""Rows for document tests: a ward with its authority, signers, a council, award types,
people and nominations, and decisions over them. Built in the test's own database (the
``empty_database_url`` fixture), independent of the demo seed."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import Duration
from domain.rules import AwardRule, CouncilRule, LevelRule, RuleSet
from domain.thresholds import Threshold
from domain.vocabulary import (
    AwardCategory,
    AwardKind,
    BallotMode,
    CouncilRole,
    DecisionKind,
    DecisionStatus,
    Gender,
    InitiativeScope,
    ItemResult,
    Level,
    NomineeKind,
    Role,
    SessionStatus,
    UnitKind,
    VoteRule,
)
from models import (
    AgendaItem,
    Authority,
    AwardType,
    BallotReceipt,
    Collective,
    Council,
    CouncilMember,
    CouncilSession,
    Decision,
    DecisionItem,
    Initiative,
    Nomination,
    Person,
    RoleGrant,
    Unit,
    User,
)

RULE_SET_ID = "test-nd152-2025"
_unit_codes = itertools.count(1)
BASE_SALARY = 2_340_000
GIAY_KHEN = "giay_khen_chu_tich_ubnd_xa"
LDTT = "lao_dong_tien_tien"
CSTDCS = "chien_si_thi_dua_co_so"

LEGAL_BASES = (
    "Luật Tổ chức chính quyền địa phương số 72/2025/QH15",
    "Luật Thi đua, khen thưởng số 06/2022/QH15 ngày 15 tháng 6 năm 2022",
    "Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi tiết "
    "và hướng dẫn thi hành Luật Thi đua, khen thưởng",
)

VIETNAMESE_NAMES = [
    "Nguyễn Thị Hoa",
    "Trần Văn Dũng",
    "Lê Thị Thu Hường",
    "Phạm Quốc Việt",
    "Hoàng Thị Ngọc Ánh",
    "Vũ Đức Thắng",
    "Đặng Thị Lý",
    "Bùi Văn Khởi",
    "Đỗ Thị Mỹ Duyên",
    "Ngô Xuân Trường",
]


def _ward_step(vote: VoteRule = VoteRule.MAJORITY, threshold: str = ">1/2") -> LevelRule:
    return LevelRule(
        level=Level.WARD,
        completeness_check=Duration(5),
        resubmission=Duration(10),
        public_notice=None,
        council=CouncilRule(
            vote=vote, threshold=Threshold.parse(threshold), quorum=Threshold.parse("2/3")
        ),
        processing=Duration(20),
        required_dossier=("to_trinh",),
    )


def _award(
    code: str,
    name: str,
    category: AwardCategory,
    cash: dict[NomineeKind, float],
    *,
    vote: VoteRule = VoteRule.MAJORITY,
    threshold: str = ">1/2",
) -> AwardRule:
    return AwardRule(
        code=code,
        name_vi=name,
        name_en=name,
        category=category,
        kind=AwardKind.MERIT,
        recipients=tuple(cash),
        deciding_level=Level.WARD,
        deciding_authority_vi="Chủ tịch UBND phường",
        deciding_authority_en="Ward chairman",
        chain=(_ward_step(vote, threshold),),
        cash_multiples=cash,
        legal_basis=("Điều 74 Luật Thi đua, khen thưởng",),
    )


def small_rule_set() -> RuleSet:
    awards = {
        GIAY_KHEN: _award(
            GIAY_KHEN,
            "Giấy khen của Chủ tịch Ủy ban nhân dân phường",
            AwardCategory.FORM,
            {NomineeKind.INDIVIDUAL: 0.5, NomineeKind.COLLECTIVE: 1.0},
        ),
        LDTT: _award(
            LDTT, "Lao động tiên tiến", AwardCategory.TITLE, {NomineeKind.INDIVIDUAL: 0.3}
        ),
        CSTDCS: _award(
            CSTDCS,
            "Chiến sĩ thi đua cơ sở",
            AwardCategory.TITLE,
            {NomineeKind.INDIVIDUAL: 1.0},
            vote=VoteRule.SECRET_BALLOT,
            threshold="≥80%",
        ),
    }
    return RuleSet(
        id=RULE_SET_ID,
        title="Nghị định 152/2025/NĐ-CP (kiểm thử)",
        effective_from=date(2025, 7, 1),
        effective_to=None,
        base_salary_vnd=BASE_SALARY,
        legal_bases=LEGAL_BASES,
        awards=awards,
        dossier_items={},
    )


def rule_set_lookup(rule_set_id: str) -> RuleSet:
    if rule_set_id != RULE_SET_ID:
        raise LookupError(rule_set_id)
    return small_rule_set()


@dataclass
class World:
    ward: Unit
    standing_unit: Unit
    office: Unit
    authority: Authority
    city_authority: Authority
    chairman: User
    vice_chairman: User
    officer: User
    council: Council
    members: list[CouncilMember] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)


async def _flush(session: AsyncSession, *rows):
    session.add_all(rows)
    await session.flush()
    return rows[0] if len(rows) == 1 else rows


async def build_world(session: AsyncSession, *, council_size: int = 5) -> World:
    city = await _flush(
        session,
        Unit(
            code="ubnd-tp-hai-phong",
            name="Ủy ban nhân dân thành phố Hải Phòng",
            kind=UnitKind.PEOPLES_COMMITTEE,
            level=Level.CITY,
        ),
    )
    so_noi_vu = await _flush(
        session,
        Unit(
            code="so-noi-vu-hp",
            name="Sở Nội vụ thành phố Hải Phòng",
            kind=UnitKind.DEPARTMENT,
            level=Level.CITY,
            parent_id=city.id,
        ),
    )
    ward = await _flush(
        session,
        Unit(
            code="ubnd-thach-khoi",
            name="Ủy ban nhân dân phường Thạch Khôi",
            kind=UnitKind.PEOPLES_COMMITTEE,
            level=Level.WARD,
            parent_id=city.id,
        ),
    )
    standing = await _flush(
        session,
        Unit(
            code="tk-vhxh",
            name="Phòng Văn hóa - Xã hội",
            kind=UnitKind.OFFICE,
            level=Level.WARD,
            parent_id=ward.id,
        ),
    )
    office = await _flush(
        session,
        Unit(
            code="tk-truong-th",
            name="Trường Tiểu học Thạch Khôi",
            kind=UnitKind.SCHOOL,
            level=Level.WARD,
            parent_id=ward.id,
        ),
    )
    city_authority = await _flush(
        session,
        Authority(
            level=Level.CITY,
            unit_id=city.id,
            name="Ủy ban nhân dân thành phố Hải Phòng",
            header_lines=["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG"],
            place_name="Hải Phòng",
            head_title="CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
            standing_unit_id=so_noi_vu.id,
        ),
    )
    authority = await _flush(
        session,
        Authority(
            level=Level.WARD,
            unit_id=ward.id,
            name="Ủy ban nhân dân phường Thạch Khôi",
            header_lines=["ỦY BAN NHÂN DÂN", "PHƯỜNG THẠCH KHÔI"],
            place_name="Thạch Khôi",
            head_title="CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG THẠCH KHÔI",
            standing_unit_id=standing.id,
            parent_authority_id=city_authority.id,
        ),
    )
    chairman, vice, officer = await _flush(
        session,
        User(username="chutich", full_name="Tăng Văn Quân", password_hash="x"),
        User(username="phochutich", full_name="Nguyễn Thị Thanh Hương", password_hash="x"),
        User(username="thuongtruc", full_name="Lê Minh Đức", password_hash="x"),
    )
    await _flush(
        session,
        RoleGrant(user_id=chairman.id, role=Role.CHAIRMAN, unit_id=ward.id, level=Level.WARD),
        RoleGrant(user_id=vice.id, role=Role.VICE_CHAIRMAN, unit_id=ward.id, level=Level.WARD),
        RoleGrant(
            user_id=officer.id, role=Role.STANDING_OFFICER, unit_id=standing.id, level=Level.WARD
        ),
    )
    council = await _flush(
        session,
        Council(authority_id=authority.id, name="Hội đồng Thi đua - Khen thưởng phường Thạch Khôi"),
    )
    members = [
        CouncilMember(
            council_id=council.id,
            user_id=chairman.id,
            council_role=CouncilRole.CHAIR,
            title="Chủ tịch UBND phường",
        ),
        CouncilMember(
            council_id=council.id,
            user_id=vice.id,
            council_role=CouncilRole.VICE_CHAIR,
            title="Phó Chủ tịch UBND phường",
        ),
        CouncilMember(
            council_id=council.id,
            user_id=officer.id,
            council_role=CouncilRole.SECRETARY,
            title="Trưởng phòng Văn hóa - Xã hội",
        ),
    ]
    for index in range(council_size - 3):
        user = await _flush(
            session,
            User(
                username=f"uyvien{index}",
                full_name=f"Phạm Thị Ủy Viên {index + 1}",
                password_hash="x",
            ),
        )
        members.append(
            CouncilMember(
                council_id=council.id,
                user_id=user.id,
                council_role=CouncilRole.MEMBER,
                title="Chủ tịch Ủy ban MTTQ Việt Nam phường" if index == 0 else "Ủy viên",
            )
        )
    session.add_all(members)
    for code, name, category in (
        (GIAY_KHEN, "Giấy khen của Chủ tịch Ủy ban nhân dân phường", AwardCategory.FORM),
        (LDTT, "Lao động tiên tiến", AwardCategory.TITLE),
        (CSTDCS, "Chiến sĩ thi đua cơ sở", AwardCategory.TITLE),
    ):
        session.add(
            AwardType(
                code=code,
                name_vi=name,
                name_en=name,
                category=category,
                kind=AwardKind.MERIT,
                deciding_level=Level.WARD,
                recipients=["individual"],
            )
        )
    await session.flush()
    return World(
        ward=ward,
        standing_unit=standing,
        office=office,
        authority=authority,
        city_authority=city_authority,
        chairman=chairman,
        vice_chairman=vice,
        officer=officer,
        council=council,
        members=members,
    )


async def add_nomination(
    session: AsyncSession,
    world: World,
    *,
    name: str,
    award_code: str = GIAY_KHEN,
    year: int = 2026,
    collective: bool = False,
    with_initiative: bool = False,
    achievement: str = "Đã có thành tích xuất sắc trong phong trào thi đua năm 2026",
) -> Nomination:
    person_id = collective_id = initiative_id = None
    if collective:
        unit = await _flush(
            session,
            Unit(
                code=f"tdp-{next(_unit_codes)}",
                name=name,
                kind=UnitKind.RESIDENTIAL_GROUP,
                level=Level.WARD,
                parent_id=world.ward.id,
            ),
        )
        collective_id = (await _flush(session, Collective(unit_id=unit.id, name=name))).id
    else:
        person = await _flush(
            session,
            Person(
                full_name=name, gender=Gender.FEMALE, unit_id=world.office.id, position="Giáo viên"
            ),
        )
        person_id = person.id
        if with_initiative:
            initiative = await _flush(
                session,
                Initiative(
                    person_id=person.id,
                    title="Sáng kiến dạy học số",
                    year=year,
                    scope=InitiativeScope.BASE,
                ),
            )
            initiative_id = initiative.id
    return await _flush(
        session,
        Nomination(
            award_code=award_code,
            rule_set_id=RULE_SET_ID,
            year=year,
            nominee_name=name,
            proposing_unit_id=world.office.id,
            origin_authority_id=world.authority.id,
            submitted_by_user_id=world.officer.id,
            authority_id=world.authority.id,
            subject_kind=NomineeKind.COLLECTIVE if collective else NomineeKind.INDIVIDUAL,
            person_id=person_id,
            collective_id=collective_id,
            initiative_id=initiative_id,
            achievement_summary=achievement,
            achievement_key=f"{award_code}:{year}:{name}",
        ),
    )


async def add_decision(
    session: AsyncSession,
    world: World,
    nominations: list[Nomination],
    *,
    kind: DecisionKind = DecisionKind.DECISION,
    title: str = "Về việc tặng Giấy khen cho các tập thể, cá nhân có thành tích xuất sắc năm 2026",
    signer: User | None = None,
) -> Decision:
    decision = await _flush(
        session,
        Decision(
            authority_id=world.authority.id,
            kind=kind,
            status=DecisionStatus.AWAITING_SIGNATURE,
            title=title,
            drafted_by_user_id=world.officer.id,
            signer_user_id=(signer or world.chairman).id,
            proposer_text="Trưởng phòng Văn hóa - Xã hội phường",
            due_at=datetime(2027, 1, 10, tzinfo=UTC),
        ),
    )
    items = [
        DecisionItem(
            decision_id=decision.id,
            nomination_id=n.id,
            position=index,
            nominee_name=n.nominee_name,
            nominee_description="Tổ dân phố số 3"
            if n.collective_id
            else "Giáo viên, Trường Tiểu học Thạch Khôi",
            award_code=n.award_code,
        )
        for index, n in enumerate(nominations, start=1)
    ]
    session.add_all(items)
    await session.flush()
    return decision


async def add_closed_session(
    session: AsyncSession,
    world: World,
    items: list[tuple[Nomination, tuple[int, int, int], ItemResult]],
    *,
    written_member_indexes: tuple[int, ...] = (4,),
) -> CouncilSession:
    """A closed council session: every member voted (those at ``written_member_indexes``
    in writing); each item carries its tally (agree, disagree, abstain) and result."""
    opened = datetime(2026, 12, 18, 1, 30, tzinfo=UTC)  # 08:30 in Vietnam
    council_session = await _flush(
        session,
        CouncilSession(
            council_id=world.council.id,
            authority_id=world.authority.id,
            title="Phiên họp xét khen thưởng cuối năm 2026",
            convened_by_user_id=world.officer.id,
            opened_at=opened,
            closes_at=datetime(2026, 12, 18, 10, tzinfo=UTC),
            closed_at=datetime(2026, 12, 18, 9, tzinfo=UTC),
            status=SessionStatus.CLOSED,
            member_count=len(world.members),
            quorum_fraction=2 / 3,
            present_count=len(world.members) - len(written_member_indexes),
            written_count=len(written_member_indexes),
        ),
    )
    for position, (nomination, (agree, disagree, abstain), result) in enumerate(items, start=1):
        secret = nomination.award_code == CSTDCS
        session.add(
            AgendaItem(
                session_id=council_session.id,
                nomination_id=nomination.id,
                position=position,
                vote_rule=VoteRule.SECRET_BALLOT if secret else VoteRule.MAJORITY,
                threshold=0.8 if secret else 0.5,
                result=result,
                agree=agree,
                disagree=disagree,
                abstain=abstain,
            )
        )
    for index, member in enumerate(world.members):
        session.add(
            BallotReceipt(
                session_id=council_session.id,
                member_id=member.id,
                mode=BallotMode.WRITTEN
                if index in written_member_indexes
                else BallotMode.IN_PERSON,
                cast_at=opened,
            )
        )
    await session.flush()
    return council_session
