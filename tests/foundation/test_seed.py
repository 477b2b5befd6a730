"""The demo data reproduces the real plan, and seeding twice changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

import models
from thidua.seed import CAMPAIGN_THEME, seed_demo
from thidua.settings import Settings

COUNTED = [
    models.Unit,
    models.Authority,
    models.User,
    models.RoleGrant,
    models.Council,
    models.CouncilMember,
    models.Person,
    models.AwardRecord,
    models.Campaign,
    models.ContentArea,
    models.CampaignStage,
    models.Milestone,
    models.AwardType,
]


async def _counts(session_factory):
    async with session_factory() as session:
        return {
            m.__name__: (await session.execute(select(func.count()).select_from(m))).scalar_one()
            for m in COUNTED
        }


async def test_seeding_twice_changes_nothing(session_factory, database_url, tmp_path):
    before = await _counts(session_factory)
    added = await seed_demo(
        session_factory, settings=Settings(database_url=database_url, data_dir=tmp_path)
    )
    assert added == {}
    assert await _counts(session_factory) == before


async def test_the_demo_is_phuong_thach_khoi_and_its_2026_2030_campaign(session):
    ward = (
        await session.execute(select(models.Unit).where(models.Unit.official_code == "11002"))
    ).scalar_one()
    assert ward.name == "Ủy ban nhân dân phường Thạch Khôi"
    names = set((await session.execute(select(models.Unit.name))).scalars())
    for expected in (
        "Phòng Văn hóa - Xã hội",
        "Trung tâm dịch vụ sự nghiệp công",
        "Ủy ban Mặt trận Tổ quốc Việt Nam phường",
        "Ban Xây dựng Đảng Đảng ủy phường",
        "Tổ dân phố số 1",
    ):
        assert expected in names
    campaign = (await session.execute(select(models.Campaign))).scalar_one()
    assert campaign.theme == CAMPAIGN_THEME and (campaign.start_year, campaign.end_year) == (
        2026,
        2030,
    )
    areas = (
        await session.execute(
            select(func.count()).where(models.ContentArea.campaign_id == campaign.id)
        )
    ).scalar_one()
    stages = (
        (
            await session.execute(
                select(models.CampaignStage)
                .where(models.CampaignStage.campaign_id == campaign.id)
                .order_by(models.CampaignStage.position)
            )
        )
        .scalars()
        .all()
    )
    assert areas == 6
    assert [(s.start_year, s.end_year) for s in stages] == [(2026, 2028), (2029, 2030)]
    roles = set((await session.execute(select(models.RoleGrant.role))).scalars())
    assert {r.value for r in roles} == {
        "unit_officer",
        "standing_officer",
        "council_member",
        "chairman",
        "vice_chairman",
        "clerk",
        "auditor",
        "admin",
    }


async def test_the_demo_registry_comes_through_the_import_as_the_seed(session):
    """The workbook thidua/demo/phuong-thach-khoi.xlsx comes in through the Excel import:
    every audit event of it names the seed, no account; the demo accounts have the demo
    password, not a setup link to wait for."""
    events = (
        await session.execute(
            select(models.AuditEvent.actor_name, models.AuditEvent.actor_user_id).distinct()
        )
    ).all()
    assert events == [("Dữ liệu mẫu (thidua seed)", None)]
    applied = (
        await session.execute(
            select(models.AuditEvent.changes).where(models.AuditEvent.action == "import_applied")
        )
    ).scalar_one()
    assert applied["file_name"] == [None, "phuong-thach-khoi.xlsx"]
    waiting = (
        await session.execute(
            select(func.count()).where(models.User.must_change_password.is_(True))
        )
    ).scalar_one()
    assert waiting == 0
    hoa = (
        await session.execute(
            select(models.Person).where(models.Person.full_name == "Nguyễn Thị Hoa")
        )
    ).scalar_one()
    assert (hoa.birth_date, hoa.birth_year) == (None, 1985)
    quantri = (
        await session.execute(select(models.User).where(models.User.username == "quantri"))
    ).scalar_one()
    assert quantri.deployment_admin
