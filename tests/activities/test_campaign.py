"""The campaign's local activities as Temporal runs them: the audited change record
(written once, with the amendments it carries), the ward's units and the ones still to
register for a year, the exemplars a milestone must ask."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from activities.campaign import CampaignActivities
from domain.vocabulary import ExemplarStage, ExemplarSubjectKind, Gender, Level, UnitKind
from models import (
    AuditEvent,
    Campaign,
    ContentArea,
    Exemplar,
    Milestone,
    Person,
    Registration,
    Unit,
)
from tests.conftest import make_settings
from tests.documents.factories import World
from thidua.db import SessionFactory, transaction
from workflows.campaign_types import (
    ActiveExemplarsInput,
    CampaignChange,
    ContentAreaPlan,
    MilestonePlan,
    UnregisteredInput,
    WardUnitsInput,
)

from .conftest import as_temporal_runs

pytestmark = [pytest.mark.fast, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

LAUNCHED_AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
WORKFLOW_ID = "campaign-thach-khoi-2026-2030"


@pytest.fixture
def campaign_activities(db, empty_database_url, tmp_path) -> CampaignActivities:
    return CampaignActivities(db, make_settings(empty_database_url, tmp_path))


async def a_campaign(db: SessionFactory, world: World) -> Campaign:
    async with transaction(db) as session:
        campaign = Campaign(
            code="thach-khoi-2026-2030",
            authority_id=world.authority.id,
            name="Thạch Khôi chung sức xây dựng đô thị văn minh",
            theme="Đô thị văn minh",
            start_year=2026,
            end_year=2030,
        )
        session.add(campaign)
        await session.flush()
        session.add_all(
            [
                ContentArea(
                    campaign_id=campaign.id,
                    code="do-thi-van-minh",
                    title="Xây dựng đô thị văn minh",
                    position=1,
                ),
                Milestone(
                    campaign_id=campaign.id,
                    code="so-ket",
                    title="Sơ kết giai đoạn 1",
                    due_on=date(2028, 6, 30),
                ),
            ]
        )
        return campaign


async def groups(db: SessionFactory, world: World, *names: str) -> list[Unit]:
    async with transaction(db) as session:
        units = [
            Unit(
                code=f"tk-{name.lower().replace(' ', '-')}",
                name=name,
                kind=UnitKind.RESIDENTIAL_GROUP,
                level=Level.WARD,
                parent_id=world.ward.id,
            )
            for name in names
        ]
        session.add_all(units)
        await session.flush()
        return units


async def test_the_units_still_to_register_are_those_without_a_unit_registration_that_year(
    db, world, campaign_activities
):
    campaign = await a_campaign(db, world)
    group_3, group_5 = await groups(db, world, "Tổ dân phố số 3", "Tổ dân phố số 5")
    async with transaction(db) as session:
        person = Person(full_name="Nguyễn Thị Hoa", gender=Gender.FEMALE, unit_id=group_3.id)
        session.add(person)
        await session.flush()

        def registration(year: int, unit: Unit, person_id: int | None = None) -> Registration:
            return Registration(
                registration_key=f"{campaign.id}:{year}:u{unit.id}:p{person_id or 0}",
                campaign_id=campaign.id,
                year=year,
                unit_id=unit.id,
                person_id=person_id,
                registered_by_user_id=world.officer.id,
            )

        session.add_all(
            [
                registration(2027, world.office),  # the school registered
                registration(2027, group_3, person.id),  # only a person of group 3 did
                registration(2026, group_5),  # group 5 registered last year
            ]
        )

    env = as_temporal_runs("unregistered_units", workflow_id=WORKFLOW_ID)
    unregistered = await env.run(
        campaign_activities.unregistered_units, UnregisteredInput(campaign.id, 2027)
    )
    assert [u.unit_id for u in unregistered.units] == [
        world.standing_unit.id,
        group_3.id,
        group_5.id,
    ]

    env = as_temporal_runs("ward_units", workflow_id=WORKFLOW_ID)
    everyone = await env.run(campaign_activities.ward_units, WardUnitsInput(campaign.id))
    assert [u.name for u in everyone.units] == [
        world.standing_unit.name,
        world.office.name,
        "Tổ dân phố số 3",
        "Tổ dân phố số 5",
    ]
    residential = await env.run(
        campaign_activities.ward_units, WardUnitsInput(campaign.id, residential_groups_only=True)
    )
    assert [(u.unit_id, u.kind) for u in residential.units] == [
        (group_3.id, "residential_group"),
        (group_5.id, "residential_group"),
    ]


async def test_a_campaign_change_is_written_once_with_the_amendment_it_carries(
    db, world, campaign_activities
):
    campaign = await a_campaign(db, world)

    async def write(change: CampaignChange, attempt: int = 1) -> bool:
        env = as_temporal_runs("record_campaign_change", workflow_id=WORKFLOW_ID, attempt=attempt)
        return await env.run(campaign_activities.record_campaign_change, change)

    launched = CampaignChange(
        campaign.id,
        WORKFLOW_ID,
        1,
        "launched",
        LAUNCHED_AT,
        actor_user_id=world.officer.id,
        status="running",
    )
    area = CampaignChange(
        campaign.id,
        WORKFLOW_ID,
        2,
        "content_area_added",
        LAUNCHED_AT,
        added_content_area=ContentAreaPlan("chuyen-doi-so", "Chuyển đổi số"),
    )
    moved = CampaignChange(
        campaign.id,
        WORKFLOW_ID,
        3,
        "milestone_moved",
        LAUNCHED_AT,
        moved_milestone=MilestonePlan("so-ket", "Sơ kết giai đoạn 1", date(2028, 9, 15)),
    )
    assert [await write(c) for c in (launched, area, moved)] == [True, True, True]
    assert [await write(c, attempt=2) for c in (launched, area, moved)] == [False, False, False]

    async with db() as session:
        stored = await session.get(Campaign, campaign.id)
        assert (stored.status, stored.workflow_id) == ("running", WORKFLOW_ID)
        assert stored.launched_at is not None
        areas = (
            await session.execute(
                select(ContentArea.code, ContentArea.position)
                .where(ContentArea.campaign_id == campaign.id)
                .order_by(ContentArea.position)
            )
        ).all()
        assert [tuple(a) for a in areas] == [("do-thi-van-minh", 1), ("chuyen-doi-so", 2)]
        (milestone,) = (
            await session.execute(select(Milestone).where(Milestone.campaign_id == campaign.id))
        ).scalars()
        assert milestone.due_on == date(2028, 9, 15)
        keys = (
            (
                await session.execute(
                    select(AuditEvent.event_key)
                    .where(AuditEvent.subject_type == "campaign")
                    .order_by(AuditEvent.id)
                )
            )
            .scalars()
            .all()
        )
        assert keys == [f"{WORKFLOW_ID}:1", f"{WORKFLOW_ID}:2", f"{WORKFLOW_ID}:3"]


async def test_a_milestone_asks_the_exemplars_still_followed(db, world, campaign_activities):
    campaign = await a_campaign(db, world)
    async with transaction(db) as session:

        def exemplar(title: str, stage: ExemplarStage, workflow_id: str) -> Exemplar:
            return Exemplar(
                campaign_id=campaign.id,
                title=title,
                subject_kind=ExemplarSubjectKind.PRACTICE,
                proposing_unit_id=world.office.id,
                proposed_by_user_id=world.officer.id,
                stage=stage,
                workflow_id=workflow_id,
            )

        session.add_all(
            [
                exemplar("Thư viện xanh", ExemplarStage.NURTURING, "exemplar-1"),
                exemplar("Sân chơi an toàn", ExemplarStage.DROPPED, "exemplar-2"),
                exemplar("Mô hình chưa khởi động", ExemplarStage.DISCOVERED, ""),
                exemplar("Tổ dân phố xanh", ExemplarStage.REPLICATING, "exemplar-4"),
            ]
        )

    env = as_temporal_runs("active_exemplars", workflow_id=WORKFLOW_ID)
    active = await env.run(campaign_activities.active_exemplars, ActiveExemplarsInput(campaign.id))

    assert active.workflow_ids == ["exemplar-1", "exemplar-4"]
