"""The catalogue meets the database (SQLite and PostgreSQL): award types mirrored from
the rule sets, and eligibility candidates built from the history tables."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from domain.catalogue import load_catalogue
from domain.eligibility import check_eligibility
from domain.rules import RuleSet
from domain.vocabulary import (
    AwardKind,
    DisciplineLevel,
    Gender,
    InitiativeScope,
    Level,
    NomineeKind,
    Rating,
    UnitKind,
)
from models import (
    AwardRecord,
    AwardType,
    Collective,
    DisciplineRecord,
    EvaluationResult,
    Household,
    Initiative,
    PendingMatter,
    Person,
    Unit,
)
from thidua.catalogue_store import CandidateNotFound, load_candidate, sync_award_types
from thidua.db import SessionFactory, create_engine, create_session_factory, transaction

from .builders import request
from .test_catalogue import AWARD_CODES, NEW_AWARD


@pytest.fixture
async def factory(empty_database_url: str) -> AsyncIterator[SessionFactory]:
    engine = create_engine(empty_database_url, pool_size=2)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
def nd152(catalogues) -> RuleSet:
    return catalogues["hai-phong"].get("nd152-2025")


async def _seed_award_types(factory: SessionFactory, catalogues) -> None:
    async with transaction(factory) as session:
        await sync_award_types(session, catalogues["hai-phong"])


def _unit(code: str, name: str, kind: UnitKind = UnitKind.OFFICE) -> Unit:
    return Unit(code=code, name=name, kind=kind, level=Level.WARD)


# -- award types -------------------------------------------------------------------------


async def no_award_types(factory: SessionFactory) -> None:
    """The table as a schema without data holds it (``thidua migrate`` fills it; the tests'
    empty database is as migrate leaves it)."""
    async with transaction(factory) as session:
        await session.execute(delete(AwardType))


async def test_sync_award_types_mirrors_the_newest_rule_set(
    factory: SessionFactory, catalogues
) -> None:
    await no_award_types(factory)
    async with transaction(factory) as session:
        assert await sync_award_types(session, catalogues["hai-phong"]) == len(AWARD_CODES)
    async with transaction(factory) as session:
        assert await sync_award_types(session, catalogues["hai-phong"]) == 0  # idempotent
        rows = {row.code: row for row in (await session.execute(select(AwardType))).scalars()}
    assert set(rows) == AWARD_CODES
    # CSTĐCS was decided by the district under NĐ 98; the newest rule set (NĐ 152) wins
    assert rows["cstdcs"].deciding_level == Level.WARD
    assert rows["cstdcs"].name_vi == "Chiến sĩ thi đua cơ sở"
    assert rows["giay_khen"].recipients == ["individual", "collective", "household"]
    assert rows["huan_chuong_ld_hang_ba"].kind == AwardKind.MERIT

    async with transaction(factory) as session:
        stale = await session.get(AwardType, "ldtt")
        assert stale is not None
        stale.name_vi = "Lao động giỏi"
    async with transaction(factory) as session:
        assert await sync_award_types(session, catalogues["hai-phong"]) == 1
        restored = await session.get(AwardType, "ldtt")
        assert restored is not None and restored.name_vi == "Lao động tiên tiến"


async def test_an_award_added_to_the_data_file_reaches_the_database(
    factory: SessionFactory, catalogue_copy: Path
) -> None:
    rule_file = catalogue_copy / "nd152-2025.yaml"
    rule_file.write_text(rule_file.read_text(encoding="utf-8") + NEW_AWARD, encoding="utf-8")
    await no_award_types(factory)
    async with transaction(factory) as session:
        assert (
            await sync_award_types(session, load_catalogue(catalogue_copy)) == len(AWARD_CODES) + 1
        )
        added = await session.get(AwardType, "tdp_tieu_bieu")
    assert added is not None
    assert (added.name_vi, added.recipients) == ("Tổ dân phố tiêu biểu", ["collective"])


# -- an individual -----------------------------------------------------------------------


async def _seed_person(factory: SessionFactory) -> int:
    async with transaction(factory) as session:
        office = _unit("vp-ubnd", "Văn phòng HĐND và UBND phường")
        session.add(office)
        await session.flush()
        lan = Person(
            full_name="Nguyễn Thị Lan",
            gender=Gender.FEMALE,
            unit_id=office.id,
            position="Chuyên viên",
        )
        session.add(lan)
        await session.flush()

        def record(code: str, year: int, kind: AwardKind = AwardKind.MERIT, **extra) -> AwardRecord:
            return AwardRecord(
                subject_kind=NomineeKind.INDIVIDUAL,
                person_id=lan.id,
                award_code=code,
                kind=kind,
                year=year,
                **extra,
            )

        revoked = record(
            "cstdcs",
            2023,
            revoked_at=datetime(2025, 3, 1, tzinfo=UTC),
            revocation_reason="Kê khai sai",
        )
        cstdcs_2024 = record(
            "cstdcs",
            2024,
            decision_number="45/QĐ-UBND",
            decision_date=date(2025, 1, 10),
            deciding_authority="Chủ tịch UBND thành phố Hải Dương",
        )
        session.add_all(
            [
                revoked,
                cstdcs_2024,
                record(
                    "cstdcs", 2025, decision_number="12/QĐ-UBND", decision_date=date(2026, 1, 8)
                ),
                record("cstdcs", 2026),
                record("ldtt", 2026),
                record("giay_khen", 2025, AwardKind.SUDDEN, achievement_key="cuu-ho-bao-2025"),
            ]
        )
        await session.flush()
        session.add_all(
            [
                EvaluationResult(
                    subject_kind=NomineeKind.INDIVIDUAL,
                    person_id=lan.id,
                    year=y,
                    rating=Rating.EXCELLENT,
                )
                for y in (2024, 2025, 2026)
            ]
        )
        session.add_all(
            [
                Initiative(
                    person_id=lan.id,
                    title="Số hóa hồ sơ một cửa",
                    year=2025,
                    scope=InitiativeScope.CITY,
                ),
                Initiative(
                    person_id=lan.id,
                    title="Sổ tay tiếp dân",
                    year=2024,
                    scope=InitiativeScope.BASE,
                    grounded_award_id=cstdcs_2024.id,
                ),
                Initiative(
                    person_id=lan.id,
                    title="Bảng tin điện tử",
                    year=2023,
                    scope=InitiativeScope.BASE,
                    grounded_award_id=revoked.id,
                ),
            ]
        )
        session.add(
            PendingMatter(
                subject_kind=NomineeKind.INDIVIDUAL,
                person_id=lan.id,
                kind="complaint",
                description="Đã giải quyết",
                opened_on=date(2025, 5, 1),
                closed_on=date(2025, 6, 1),
            )
        )
        return lan.id


async def test_load_an_individual_and_check_her_city_title(
    factory: SessionFactory, catalogues, nd152
) -> None:
    await _seed_award_types(factory, catalogues)
    lan_id = await _seed_person(factory)
    async with factory() as session:
        lan = await load_candidate(
            session, kind=NomineeKind.INDIVIDUAL, subject_id=lan_id, year=2026
        )

    assert (lan.name, lan.gender, lan.subject_id) == ("Nguyễn Thị Lan", Gender.FEMALE, lan_id)
    # the revoked CSTĐCS 2023 is left out
    assert [(a.award_code, a.year, a.kind) for a in lan.awards] == [
        ("cstdcs", 2024, AwardKind.MERIT),
        ("cstdcs", 2025, AwardKind.MERIT),
        ("giay_khen", 2025, AwardKind.SUDDEN),
        ("cstdcs", 2026, AwardKind.MERIT),
        ("ldtt", 2026, AwardKind.MERIT),
    ]
    assert (
        lan.awards[0].decision_ref
        == "QĐ số 45/QĐ-UBND ngày 10/01/2025 của Chủ tịch UBND thành phố Hải Dương"
    )
    assert lan.awards[2].achievement_key == "cuu-ho-bao-2025"
    assert [(e.year, e.rating) for e in lan.evaluations] == [
        (y, Rating.EXCELLENT) for y in (2024, 2025, 2026)
    ]
    used = {i.title: i.used for i in lan.initiatives}
    # the initiative behind the revoked award grounds nothing that stands
    assert used == {
        "Bảng tin điện tử": False,
        "Sổ tay tiếp dân": True,
        "Số hóa hồ sơ một cửa": False,
    }
    assert lan.pending_matters == ()  # the complaint was closed

    # CSTĐCS 2024 (district, NĐ 98) + 2025 + 2026 and a city initiative: CSTĐ thành phố 2026
    verdict = check_eligibility(request(lan, "cstd_thanh_pho"), nd152)
    assert verdict.eligible, verdict.unmet
    assert "năm 2024, 2025 và 2026" in verdict.reason("consecutive_titles").message_vi

    # A sudden Giấy khen cannot be rewarded twice for the same rescue
    again = check_eligibility(
        request(
            lan,
            "giay_khen",
            kind=AwardKind.SUDDEN,
            key="cuu-ho-bao-2025",
            attested=["exemplary", "sudden_achievement"],
        ),
        nd152,
    )
    assert [r.code for r in again.unmet] == ["one_achievement_one_award"]


async def test_a_used_initiative_names_the_award_it_grounded(
    factory: SessionFactory, catalogues, nd152
) -> None:
    # An initiative grounds one award only (Công văn 5007/BNV-TĐKT); a refusal names which.
    await _seed_award_types(factory, catalogues)
    lan_id = await _seed_person(factory)
    async with factory() as session:
        lan = await load_candidate(
            session, kind=NomineeKind.INDIVIDUAL, subject_id=lan_id, year=2026
        )
    used = next(i for i in lan.initiatives if i.title == "Sổ tay tiếp dân")
    assert (used.grounded_award, used.grounded_year) == ("cstdcs", 2024)
    assert (
        used.grounded_ref
        == "QĐ số 45/QĐ-UBND ngày 10/01/2025 của Chủ tịch UBND thành phố Hải Dương"
    )
    freed = next(i for i in lan.initiatives if i.title == "Bảng tin điện tử")
    assert not freed.used and freed.grounded_award == ""  # its award was revoked

    verdict = check_eligibility(
        request(lan, "giay_khen", initiative_id=used.id, attested=["exemplary"]), nd152
    )
    assert verdict.reason("initiative_once").message_vi == (
        "Sáng kiến “Sổ tay tiếp dân” (2024) đã được dùng làm căn cứ cho Chiến sĩ thi đua cơ sở năm 2024 "
        "(QĐ số 45/QĐ-UBND ngày 10/01/2025 của Chủ tịch UBND thành phố Hải Dương)"
    )


async def test_an_open_matter_blocks_the_award(factory: SessionFactory, catalogues, nd152) -> None:
    await _seed_award_types(factory, catalogues)
    lan_id = await _seed_person(factory)
    async with transaction(factory) as session:
        session.add(
            PendingMatter(
                subject_kind=NomineeKind.INDIVIDUAL,
                person_id=lan_id,
                kind="discipline",
                description="Xem xét trách nhiệm chậm hồ sơ",
                opened_on=date(2026, 11, 2),
            )
        )
    async with factory() as session:
        lan = await load_candidate(
            session, kind=NomineeKind.INDIVIDUAL, subject_id=lan_id, year=2026
        )
    assert [(m.kind, m.opened_on) for m in lan.pending_matters] == [("discipline", "2026-11-02")]
    verdict = check_eligibility(request(lan, "cstd_thanh_pho"), nd152)
    assert [r.code for r in verdict.unmet] == ["no_pending_matters"]
    assert (
        "xem xét kỷ luật từ 2026-11-02: Xem xét trách nhiệm chậm hồ sơ"
        in verdict.reason("no_pending_matters").message_vi
    )


# -- a collective ------------------------------------------------------------------------


async def _seed_collective(factory: SessionFactory) -> int:
    async with transaction(factory) as session:
        group = _unit("tdp-3", "Tổ dân phố số 3", UnitKind.RESIDENTIAL_GROUP)
        other = _unit("vp-ubnd", "Văn phòng HĐND và UBND phường")
        session.add_all([group, other])
        await session.flush()
        team = Collective(unit_id=group.id, name="Tổ dân phố số 3")
        session.add(team)
        people = [
            Person(
                full_name=f"Thành viên {i}",
                gender=Gender.FEMALE if i < 7 else Gender.MALE,
                unit_id=group.id,
            )
            for i in range(10)
        ]
        outsider = Person(full_name="Người đơn vị khác", gender=Gender.MALE, unit_id=other.id)
        session.add_all([*people, outsider])
        await session.flush()
        for i, member in enumerate(people[:8]):
            session.add(
                AwardRecord(
                    subject_kind=NomineeKind.INDIVIDUAL,
                    person_id=member.id,
                    award_code="ldtt",
                    kind=AwardKind.MERIT,
                    year=2026,
                    revoked_at=datetime(2027, 1, 2, tzinfo=UTC) if i == 0 else None,
                )
            )
        session.add(
            AwardRecord(
                subject_kind=NomineeKind.INDIVIDUAL,
                person_id=outsider.id,
                award_code="ldtt",
                kind=AwardKind.MERIT,
                year=2026,
            )
        )
        for i, member in enumerate(people):
            rating = Rating.NOT_COMPLETED if i == 9 else Rating.GOOD
            session.add(
                EvaluationResult(
                    subject_kind=NomineeKind.INDIVIDUAL,
                    person_id=member.id,
                    year=2026,
                    rating=rating,
                )
            )
        session.add(
            DisciplineRecord(
                subject_kind=NomineeKind.INDIVIDUAL,
                person_id=people[9].id,
                year=2026,
                level=DisciplineLevel.WARNING,
            )
        )
        session.add(
            DisciplineRecord(
                subject_kind=NomineeKind.INDIVIDUAL,
                person_id=outsider.id,
                year=2026,
                level=DisciplineLevel.DISMISSAL,
            )
        )
        await session.flush()
        session.add_all(
            [
                EvaluationResult(
                    subject_kind=NomineeKind.COLLECTIVE,
                    collective_id=team.id,
                    year=2026,
                    rating=Rating.GOOD,
                ),
                # 2025 figures recorded by the unit (its people were not in the database yet)
                EvaluationResult(
                    subject_kind=NomineeKind.COLLECTIVE,
                    collective_id=team.id,
                    year=2025,
                    rating=Rating.EXCELLENT,
                    member_count=12,
                    women_count=9,
                    members_with_title=10,
                ),
            ]
        )
        return team.id


async def test_load_a_collective_with_its_member_figures(
    factory: SessionFactory, catalogues, nd152
) -> None:
    await _seed_award_types(factory, catalogues)
    team_id = await _seed_collective(factory)
    async with factory() as session:
        team = await load_candidate(
            session, kind=NomineeKind.COLLECTIVE, subject_id=team_id, year=2026
        )

    assert team.name == "Tổ dân phố số 3" and team.gender is None
    this_year = team.collective_year(2026)
    assert this_year is not None
    assert (this_year.members, this_year.women) == (10, 7)
    assert this_year.member_titles == {
        "ldtt": 7
    }  # 8 LĐTT, one revoked; the outsider is not a member
    assert this_year.members_completed_duties == 9
    assert this_year.worst_member_discipline == DisciplineLevel.WARNING
    recorded = team.collective_year(2025)
    assert recorded is not None
    assert (recorded.members, recorded.women, recorded.member_titles) == (12, 9, {"ldtt": 10})
    assert recorded.members_completed_duties is None  # no member evaluations for 2025

    verdict = check_eligibility(request(team, "ttldtt"), nd152)
    assert [r.code for r in verdict.unmet] == ["no_member_discipline"]
    assert "7/10 thành viên (70%)" in verdict.reason("member_title_share").message_vi
    assert verdict.reason("member_title_share").met


# -- a household -------------------------------------------------------------------------


async def test_load_a_household(factory: SessionFactory, catalogues, nd152) -> None:
    await _seed_award_types(factory, catalogues)
    async with transaction(factory) as session:
        group = _unit("tdp-5", "Tổ dân phố số 5", UnitKind.RESIDENTIAL_GROUP)
        session.add(group)
        await session.flush()
        home = Household(
            head_name="Trần Văn Minh",
            address="Số 12, đường Hoa Phượng",
            residential_group_id=group.id,
        )
        session.add(home)
        await session.flush()
        session.add(
            AwardRecord(
                subject_kind=NomineeKind.HOUSEHOLD,
                household_id=home.id,
                award_code="gd_van_hoa",
                kind=AwardKind.MERIT,
                year=2026,
            )
        )
        home_id = home.id
    async with factory() as session:
        minh = await load_candidate(
            session, kind=NomineeKind.HOUSEHOLD, subject_id=home_id, year=2026
        )
    assert minh.name == "Trần Văn Minh"
    assert minh.household is not None and minh.household.residential_group == "Tổ dân phố số 5"
    assert minh.initiatives == () and minh.collective_years == ()
    verdict = check_eligibility(request(minh, "gd_van_hoa", attested=["gdvh_standards"]), nd152)
    assert [r.code for r in verdict.unmet] == ["yearly_title_once"]


async def test_an_unknown_subject_is_reported(factory: SessionFactory) -> None:
    async with factory() as session:
        for kind in NomineeKind:
            with pytest.raises(CandidateNotFound) as caught:
                await load_candidate(session, kind=kind, subject_id=999, year=2026)
            assert "999" in caught.value.message_vi
