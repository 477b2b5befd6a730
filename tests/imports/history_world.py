"""What the tests of the history and council sheets import into: a ward (its people's
committee with an authority and a council, a residential group, an office), people,
a collective, a household, accounts, and the catalogue's award types, all made directly
in an empty migrated database; and the workbooks they import, built with openpyxl."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select

from api.services.imports.kinds import Outcome, Problem
from domain.vocabulary import CouncilRole, Gender, Level, Role, UnitKind
from models import (
    AuditEvent,
    Authority,
    Collective,
    Council,
    CouncilMember,
    Household,
    Person,
    RoleGrant,
    Unit,
    User,
)
from tests.accounts_app import AccountsApp
from thidua.catalogue_store import sync_award_types

WARD_NAME = "Ủy ban nhân dân phường Thạch Khôi"


@dataclass
class World:
    admin_id: int  # the deployment's administrator
    ward_id: int
    group_id: int  # Tổ dân phố số 1 (TDP-01)
    office_id: int
    other_ward_id: int  # another ward: outside the ward administrator's scope
    ward_admin_id: int  # administers the first ward only
    council_id: int
    hoa_id: int  # Nguyễn Thị Hoa, TDP-01, 15/03/1985, no citizen ID
    binh_id: int  # Trần Văn Bình, the office, citizen ID 001085000111
    collective_id: int  # the collective of TDP-01
    household_id: int  # the household of Trần Văn Bình in TDP-01
    stranger_id: int  # a person of the other ward


async def build_world(app: AccountsApp) -> World:
    admin_id = await app.add_user(
        "quantri", "Quan-tri-vien-2027", full_name="Trần Thị Quản", deployment_admin=True
    )
    async with app.state.writer() as session, session.begin():
        await sync_award_types(session, app.state.catalogue)
        ward = Unit(
            code="UBND-PHUONG",
            name=WARD_NAME,
            kind=UnitKind.PEOPLES_COMMITTEE,
            level=Level.WARD,
        )
        other = Unit(
            code="UBND-KHAC",
            name="Ủy ban nhân dân phường Khác",
            kind=UnitKind.PEOPLES_COMMITTEE,
            level=Level.WARD,
        )
        session.add_all([ward, other])
        await session.flush()
        group = Unit(
            code="TDP-01",
            name="Tổ dân phố số 1",
            kind=UnitKind.RESIDENTIAL_GROUP,
            level=Level.WARD,
            parent_id=ward.id,
        )
        office = Unit(
            code="VP-UBND",
            name="Văn phòng HĐND và UBND phường",
            kind=UnitKind.OFFICE,
            level=Level.WARD,
            parent_id=ward.id,
        )
        session.add_all([group, office])
        await session.flush()
        authority = Authority(
            level=Level.WARD,
            unit_id=ward.id,
            name=WARD_NAME,
            header_lines=["ỦY BAN NHÂN DÂN", "PHƯỜNG THẠCH KHÔI"],
            place_name="Thạch Khôi",
            head_title="CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG THẠCH KHÔI",
            standing_unit_id=office.id,
        )
        session.add(authority)
        await session.flush()
        council = Council(
            authority_id=authority.id, name="Hội đồng Thi đua - Khen thưởng phường Thạch Khôi"
        )
        hoa = Person(
            full_name="Nguyễn Thị Hoa",
            gender=Gender.FEMALE,
            birth_year=1985,
            birth_date=date(1985, 3, 15),
            unit_id=group.id,
            is_official=False,
        )
        binh = Person(
            full_name="Trần Văn Bình",
            gender=Gender.MALE,
            birth_year=1980,
            birth_date=date(1980, 6, 1),
            citizen_id="001080000111",
            unit_id=office.id,
        )
        stranger = Person(
            full_name="Lê Văn Khác", gender=Gender.MALE, birth_year=1990, unit_id=other.id
        )
        collective = Collective(unit_id=group.id, name="Tổ dân phố số 1")
        household = Household(
            head_name="Trần Văn Bình", address="Số 5 ngõ 2", residential_group_id=group.id
        )
        ward_admin = User(
            username="quantri.phuong", full_name="Phạm Quản Phường", password_hash="x"
        )
        session.add_all([council, hoa, binh, stranger, collective, household, ward_admin])
        await session.flush()
        session.add(
            RoleGrant(user_id=ward_admin.id, role=Role.ADMIN, unit_id=ward.id, level=Level.WARD)
        )
        return World(
            admin_id=admin_id,
            ward_id=ward.id,
            group_id=group.id,
            office_id=office.id,
            other_ward_id=other.id,
            ward_admin_id=ward_admin.id,
            council_id=council.id,
            hoa_id=hoa.id,
            binh_id=binh.id,
            collective_id=collective.id,
            household_id=household.id,
            stranger_id=stranger.id,
        )


async def add_account(
    app: AccountsApp, username: str, full_name: str, *, unit_id: int | None = None
) -> int:
    """An account; with ``unit_id``, a unit officer of that unit (a ward's own account)."""
    async with app.state.writer() as session, session.begin():
        user = User(username=username, full_name=full_name, password_hash="x")
        session.add(user)
        await session.flush()
        if unit_id is not None:
            session.add(
                RoleGrant(
                    user_id=user.id, role=Role.UNIT_OFFICER, unit_id=unit_id, level=Level.WARD
                )
            )
        return user.id


async def add_member(
    app: AccountsApp, council_id: int, user_id: int, role: CouncilRole, **values: Any
) -> int:
    async with app.state.writer() as session, session.begin():
        member = CouncilMember(council_id=council_id, user_id=user_id, council_role=role, **values)
        session.add(member)
        await session.flush()
        return member.id


async def members(app: AccountsApp, council_id: int) -> dict[str, CouncilMember]:
    """The council's members by username."""
    async with app.state.reader() as session:
        rows = await session.execute(
            select(User.username, CouncilMember)
            .join(CouncilMember, CouncilMember.user_id == User.id)
            .where(CouncilMember.council_id == council_id)
        )
        return {username: member for username, member in rows.all()}


async def audit_events(app: AccountsApp, subject_type: str) -> list[AuditEvent]:
    async with app.state.reader() as session:
        return list(
            (
                await session.execute(
                    select(AuditEvent)
                    .where(AuditEvent.subject_type == subject_type)
                    .order_by(AuditEvent.id)
                )
            ).scalars()
        )


def workbook(*sheets: tuple[str, list[str], list[list[Any]]]) -> bytes:
    """An .xlsx file: for each sheet its title, its header row and its rows."""
    book = Workbook()
    first = book.active
    assert first is not None
    for index, (title, headers, rows) in enumerate(sheets):
        sheet = first if index == 0 else book.create_sheet()
        sheet.title = title
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Result:
    """An import's report, as ``POST /api/v1/imports`` answers it."""

    status: int
    report: dict[str, Any]

    @property
    def problems(self) -> list[Problem]:
        return [
            Problem(p["sheet"], p["row"], p["column"], p["message"], p["message_en"])
            for p in self.report["problems"]
        ]

    def counts(self) -> dict[Outcome, int]:
        return {
            outcome: self.report[outcome.value] for outcome in Outcome if self.report[outcome.value]
        }

    def where(self) -> set[tuple[str, int, str]]:
        return {(p.sheet, p.row, p.column) for p in self.problems}


async def run(app: AccountsApp, user_id: int, data: bytes, *, apply: bool) -> Result:
    """The import through the JSON API: a dry run, or applied (all or nothing: a file with
    problems answers 422 with the report and writes nothing)."""
    response = await app.http.post(
        "/api/v1/imports",
        files={"file": ("lich-su-khen-thuong.xlsx", data, XLSX)},
        data={"apply": "true" if apply else "false"},
        headers=app.bearer(user_id),
    )
    if response.status_code == 422:
        body = response.json()
        assert body["error"] == "import_problems", body
        assert apply and body["report"]["applied"] is False
        return Result(422, body["report"])
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["applied"] is (apply and not report["problems"])
    return Result(200, report)
