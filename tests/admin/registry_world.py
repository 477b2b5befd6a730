"""A small registry for the administration tests, made directly in an empty migrated
database: a city above two wards (Thạch Khôi and Tứ Minh), each with its people's
committee, an office that is the standing body of its authority, and a residential group;
the deployment's administrator, a ward administrator of each ward, and Thạch Khôi's
standing officer, council member and a unit officer; an award type for the records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from domain.vocabulary import (
    AwardCategory,
    AwardKind,
    Gender,
    Level,
    NomineeKind,
    Role,
    Stage,
    UnitKind,
)
from models import (
    AuditEvent,
    Authority,
    AwardRecord,
    AwardType,
    Nomination,
    Person,
    RoleGrant,
    Unit,
)
from tests.accounts_app import AccountsApp

PASSWORD = "Mat-khau-thu-2027"
AWARD = "lao_dong_tien_tien"


@dataclass
class World:
    units: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    authorities: dict[str, int] = field(default_factory=dict)


async def build_world(app: AccountsApp) -> World:
    world = World()
    async with app.state.writer() as session, session.begin():

        async def unit(code, name, kind, level, parent=None) -> Unit:
            made = Unit(
                code=code,
                name=name,
                kind=kind,
                level=level,
                parent_id=world.units[parent] if parent else None,
            )
            session.add(made)
            await session.flush()
            world.units[code] = made.id
            return made

        await unit(
            "hp", "Ủy ban nhân dân thành phố Hải Phòng", UnitKind.PEOPLES_COMMITTEE, Level.CITY
        )
        for ward, name in (("tk", "Thạch Khôi"), ("tm", "Tứ Minh")):
            await unit(
                ward, f"Ủy ban nhân dân phường {name}", UnitKind.PEOPLES_COMMITTEE, Level.WARD, "hp"
            )
            await unit(
                f"{ward}-vh",
                f"Phòng Văn hóa - Xã hội phường {name}",
                UnitKind.OFFICE,
                Level.WARD,
                ward,
            )
            await unit(
                f"{ward}-to1",
                f"Tổ dân phố số 1 phường {name}",
                UnitKind.RESIDENTIAL_GROUP,
                Level.WARD,
                ward,
            )
            authority = Authority(
                level=Level.WARD,
                unit_id=world.units[ward],
                name=f"Ủy ban nhân dân phường {name}",
                header_lines=["ỦY BAN NHÂN DÂN", f"PHƯỜNG {name.upper()}"],
                place_name=name,
                head_title=f"CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG {name.upper()}",
                standing_unit_id=world.units[f"{ward}-vh"],
            )
            session.add(authority)
            await session.flush()
            world.authorities[ward] = authority.id
        session.add(
            AwardType(
                code=AWARD,
                name_vi="Lao động tiên tiến",
                name_en="Advanced Worker",
                category=AwardCategory.TITLE,
                kind=AwardKind.MERIT,
                deciding_level=Level.WARD,
                recipients=["individual"],
            )
        )
    world.users["quantri"] = await app.add_user(
        "quantri", PASSWORD, full_name="Trần Thị Quản", deployment_admin=True
    )
    for username, full_name, role, unit_code in (
        ("qt.thachkhoi", "Lê Văn Khôi", Role.ADMIN, "tk"),
        ("qt.tuminh", "Phạm Thị Minh", Role.ADMIN, "tm"),
        ("thuongtruc", "Nguyễn Thị Thường", Role.STANDING_OFFICER, "tk-vh"),
        ("hoidong", "Đỗ Văn Đồng", Role.COUNCIL_MEMBER, "tk"),
        ("canbo", "Hoàng Văn Bộ", Role.UNIT_OFFICER, "tk-vh"),
    ):
        world.users[username] = await app.add_user(username, PASSWORD, full_name=full_name)
        await grant(app, world.users[username], role, world.units[unit_code])
    return world


async def grant(app: AccountsApp, user_id: int, role: Role, unit_id: int) -> None:
    async with app.state.writer() as session, session.begin():
        unit = await session.get(Unit, unit_id)
        assert unit is not None
        session.add(RoleGrant(user_id=user_id, role=role, unit_id=unit_id, level=unit.level))


async def add_person(
    app: AccountsApp,
    unit_id: int,
    full_name: str,
    *,
    citizen_id: str | None = None,
    birth_date: date | None = None,
) -> int:
    async with app.state.writer() as session, session.begin():
        person = Person(
            full_name=full_name,
            gender=Gender.FEMALE,
            unit_id=unit_id,
            citizen_id=citizen_id,
            birth_date=birth_date,
            birth_year=birth_date.year if birth_date else None,
        )
        session.add(person)
        await session.flush()
        return person.id


async def add_award_record(app: AccountsApp, person_id: int, year: int) -> int:
    async with app.state.writer() as session, session.begin():
        record = AwardRecord(
            subject_kind=NomineeKind.INDIVIDUAL,
            person_id=person_id,
            award_code=AWARD,
            kind=AwardKind.MERIT,
            year=year,
            decision_number=f"{year % 100}/QĐ-UBND",
            decision_date=date(year + 1, 1, 15),
            deciding_authority="Ủy ban nhân dân phường Thạch Khôi",
        )
        session.add(record)
        await session.flush()
        return record.id


async def add_nomination(
    app: AccountsApp, world: World, person_id: int, *, stage: Stage, submitter: str = "canbo"
) -> int:
    """A nomination of the person as the projection keeps it, at ``stage``."""
    async with app.state.writer() as session, session.begin():
        person = await session.get(Person, person_id)
        assert person is not None
        nomination = Nomination(
            subject_kind=NomineeKind.INDIVIDUAL,
            person_id=person_id,
            award_code=AWARD,
            rule_set_id="nd152-2025",
            year=2026,
            nominee_name=person.full_name,
            proposing_unit_id=person.unit_id,
            origin_authority_id=world.authorities["tk"],
            authority_id=world.authorities["tk"],
            submitted_by_user_id=world.users[submitter],
            stage=stage,
            waiting_on_role=None if stage.is_terminal else Role.STANDING_OFFICER,
            waiting_on_unit_id=None if stage.is_terminal else world.units["tk-vh"],
        )
        session.add(nomination)
        await session.flush()
        return nomination.id


async def events(app: AccountsApp, subject_type: str, subject_id: int) -> list[AuditEvent]:
    async with app.state.reader() as session:
        return list(
            (
                await session.execute(
                    select(AuditEvent)
                    .where(
                        AuditEvent.subject_type == subject_type,
                        AuditEvent.subject_id == subject_id,
                    )
                    .order_by(AuditEvent.id)
                )
            ).scalars()
        )
