"""The wards of the council and history administration tests, made directly in an empty
migrated database (whose award types are the catalogue's): a city above two wards
(Thạch Khôi and Tứ Minh), each with its people's committee and authority, an office, a
residential group, a council; the deployment's administrator, each ward's administrator,
and Thạch Khôi's officials who sit on its council; a person, a collective and a household
in each ward."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from domain.vocabulary import Gender, Level, NomineeKind, Role, Stage, UnitKind
from models import (
    AuditEvent,
    Authority,
    Collective,
    Council,
    Household,
    Nomination,
    Person,
    RoleGrant,
    Unit,
)
from tests.accounts_app import AccountsApp

PASSWORD = "Mat-khau-thu-2027"
WARDS = {"tk": "Thạch Khôi", "tm": "Tứ Minh"}


@dataclass
class World:
    units: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    authorities: dict[str, int] = field(default_factory=dict)
    councils: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    collectives: dict[str, int] = field(default_factory=dict)
    households: dict[str, int] = field(default_factory=dict)


async def build_world(app: AccountsApp) -> World:
    world = World()
    async with app.state.writer() as session, session.begin():

        async def unit(code, name, kind, level, parent=None) -> int:
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
            return made.id

        await unit(
            "hp", "Ủy ban nhân dân thành phố Hải Phòng", UnitKind.PEOPLES_COMMITTEE, Level.CITY
        )
        for ward, name in WARDS.items():
            await unit(
                ward, f"Ủy ban nhân dân phường {name}", UnitKind.PEOPLES_COMMITTEE, Level.WARD, "hp"
            )
            office = await unit(
                f"{ward}-vh",
                f"Phòng Văn hóa - Xã hội phường {name}",
                UnitKind.OFFICE,
                Level.WARD,
                ward,
            )
            group = await unit(
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
                standing_unit_id=office,
            )
            session.add(authority)
            await session.flush()
            world.authorities[ward] = authority.id
            council = Council(
                authority_id=authority.id, name=f"Hội đồng Thi đua - Khen thưởng phường {name}"
            )
            session.add(council)
            person = Person(
                full_name=f"Nguyễn Thị Hoa {name}", gender=Gender.FEMALE, unit_id=office
            )
            collective = Collective(unit_id=group, name=f"Tổ dân phố số 1 phường {name}")
            household = Household(head_name=f"Trần Văn Hộ {name}", residential_group_id=group)
            session.add_all([person, collective, household])
            await session.flush()
            world.councils[ward] = council.id
            world.people[ward] = person.id
            world.collectives[ward] = collective.id
            world.households[ward] = household.id
    world.users["quantri"] = await app.add_user(
        "quantri", PASSWORD, full_name="Trần Thị Quản", deployment_admin=True
    )
    for username, full_name, role, unit_code in (
        ("qt.thachkhoi", "Lê Văn Khôi", Role.ADMIN, "tk"),
        ("qt.tuminh", "Phạm Thị Minh", Role.ADMIN, "tm"),
        ("chutich", "Vũ Văn Chủ", Role.CHAIRMAN, "tk"),
        ("phochutich", "Bùi Thị Phó", Role.VICE_CHAIRMAN, "tk"),
        ("uyvien", "Đỗ Văn Đồng", Role.COUNCIL_MEMBER, "tk"),
        ("uyvien.moi", "Ngô Thị Mới", Role.COUNCIL_MEMBER, "tk"),
    ):
        world.users[username] = await app.add_user(username, PASSWORD, full_name=full_name)
        await grant(app, world.users[username], role, world.units[unit_code])
    return world


async def grant(app: AccountsApp, user_id: int, role: Role, unit_id: int) -> None:
    async with app.state.writer() as session, session.begin():
        unit = await session.get(Unit, unit_id)
        assert unit is not None
        session.add(RoleGrant(user_id=user_id, role=role, unit_id=unit_id, level=unit.level))


async def add_granted_nomination(app: AccountsApp, world: World, person_id: int) -> int:
    """A nomination of the person the engine granted (as its projection keeps it)."""
    async with app.state.writer() as session, session.begin():
        person = await session.get(Person, person_id)
        assert person is not None
        nomination = Nomination(
            subject_kind=NomineeKind.INDIVIDUAL,
            person_id=person_id,
            award_code="ldtt",
            rule_set_id="nd152-2025",
            year=2026,
            nominee_name=person.full_name,
            proposing_unit_id=person.unit_id,
            origin_authority_id=world.authorities["tk"],
            authority_id=world.authorities["tk"],
            submitted_by_user_id=world.users["quantri"],
            stage=Stage.GRANTED,
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
