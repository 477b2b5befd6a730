"""Importing a ward's registry from Excel through the JSON API: units, households, people,
collectives, users with their role grants. A dry run writes nothing; applying writes every
row or (with any problem) none; the same file again changes nothing; every mistake is
listed by sheet, row and column; a row matching two records is a problem, never a guess;
a ward's administrator cannot reach another ward.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from domain.vocabulary import Gender, Level, Role, UnitKind
from models import AuditEvent, Collective, Household, Person, RoleGrant, Unit, User
from tests.accounts_app import accounts_app
from tests.imports.workbooks import (
    COLLECTIVE_HEADERS,
    HOUSEHOLD_HEADERS,
    PEOPLE_HEADERS,
    UNIT_HEADERS,
    USER_HEADERS,
    add_unit,
    audit_count,
    grant,
    post_import,
    problems,
    workbook,
)

pytestmark = [pytest.mark.postgres]


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


async def admin(app) -> dict[str, str]:
    user_id = await app.add_user(
        "quantri", "Quan-tri-vien-2027", full_name="Trần Thị Quản", deployment_admin=True
    )
    return app.bearer(user_id)


def ward_file(position: str = "Tổ trưởng tổ dân phố") -> bytes:
    return workbook(
        {
            # In the file, people come before the units they belong to: the import applies
            # units first whatever the order of the sheets.
            "Cá nhân": [
                PEOPLE_HEADERS,
                [
                    "Nguyễn Thị Hoa",
                    "Nữ",
                    date(1985, 3, 15),
                    "001185012345",
                    position,
                    "Tổ dân phố Số 1",
                    "Trần Văn Bình",
                    None,
                    "Không",
                ],
                # The citizen ID typed as a number lost its leading zeros; a text date.
                [
                    "Lê Văn Nam",
                    "nam",
                    "02/09/1979",
                    1079012346,
                    "Chánh Văn phòng",
                    "VP",
                    None,
                    None,
                    "Có",
                ],
                [None, None, None, None, None, None, None, None, None],  # a blank row
                ["Phạm Thị Thu", "Nữ", None, None, None, "Tổ dân phố số 1", None, None, None],
            ],
            "Đơn vị": [
                UNIT_HEADERS,
                [
                    "UBND-PHUONG",
                    11002,
                    "Ủy ban nhân dân phường Thạch Khôi",
                    "Phường Thạch Khôi",
                    "Ủy ban nhân dân",
                    "Cấp phường",
                    None,
                    "Số 1 Lê Lợi",
                ],
                [
                    None,
                    None,
                    "Tổ dân phố Số 1",
                    "TDP 1",
                    "Tổ dân phố",
                    "Cấp phường",
                    "UBND-PHUONG",
                    None,
                ],
                [
                    "VP",
                    None,
                    "Văn phòng HĐND và UBND",
                    None,
                    "Phòng, ban chuyên môn",
                    "cap phuong",
                    "11002",
                    None,
                ],
            ],
            "Hộ gia đình": [HOUSEHOLD_HEADERS, ["Trần Văn Bình", "Số 12 ngõ 3", "tổ dân phố số 1"]],
            "Tập thể": [COLLECTIVE_HEADERS, ["Tổ dân phố Số 1", "Tập thể Tổ dân phố Số 1"]],
            "Tài khoản": [
                USER_HEADERS,
                ["hoa.nt", "Nguyễn Thị Hoa", "hoa@example.vn", "Cán bộ đơn vị", "Tổ dân phố Số 1"],
                ["hoa.nt", "Nguyễn Thị Hoa", "hoa@example.vn", "Kiểm tra, thanh tra", "VP"],
                ["binh.tv", "Trần Văn Bình", None, None, None],
            ],
        }
    )


async def test_a_ward_registry_imports_once_and_again_changes_nothing(app):
    headers = await admin(app)

    dry = await post_import(app, headers, ward_file(), apply=False)
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report["applied"] is False and report["problems"] == []
    counts = {s["kind"]: (s["created"], s["updated"], s["unchanged"]) for s in report["sheets"]}
    assert counts == {
        "units": (3, 0, 0),
        "households": (1, 0, 0),
        "people": (3, 0, 0),
        "collectives": (1, 0, 0),
        "users": (3, 0, 0),
    }
    async with app.state.reader() as session:  # a dry run writes nothing
        assert (await session.execute(select(Unit))).first() is None
    assert await audit_count(app) == 0

    applied = await post_import(app, headers, ward_file(), apply=True)
    assert applied.status_code == 200, applied.text
    assert applied.json()["applied"] is True and applied.json()["created"] == 11

    async with app.state.reader() as session:
        units = {u.name: u for u in (await session.execute(select(Unit))).scalars()}
        ward, group, office = (
            units["Ủy ban nhân dân phường Thạch Khôi"],
            units["Tổ dân phố Số 1"],
            units["Văn phòng HĐND và UBND"],
        )
        assert (ward.official_code, ward.kind, ward.parent_id) == (
            "11002",
            UnitKind.PEOPLES_COMMITTEE,
            None,
        )
        assert group.parent_id == ward.id and group.kind == UnitKind.RESIDENTIAL_GROUP
        assert group.code.startswith("UBND-PHUONG-")  # generated
        assert office.parent_id == ward.id and office.code == "VP"
        people = {p.full_name: p for p in (await session.execute(select(Person))).scalars()}
        hoa, nam = people["Nguyễn Thị Hoa"], people["Lê Văn Nam"]
        household = (await session.execute(select(Household))).scalar_one()
        assert (hoa.citizen_id, hoa.birth_date, hoa.birth_year) == (
            "001185012345",
            date(1985, 3, 15),
            1985,
        )
        assert hoa.household_id == household.id and hoa.unit_id == group.id and not hoa.is_official
        assert (nam.citizen_id, nam.birth_date, nam.gender, nam.is_official) == (
            "001079012346",
            date(1979, 9, 2),
            Gender.MALE,
            True,
        )
        assert people["Phạm Thị Thu"].unit_id == group.id  # name matched ignoring case
        collective = (await session.execute(select(Collective))).scalar_one()
        assert (collective.unit_id, collective.name) == (group.id, "Tập thể Tổ dân phố Số 1")
        hoa_user = (
            await session.execute(select(User).where(User.username == "hoa.nt"))
        ).scalar_one()
        assert hoa_user.must_change_password and not hoa_user.password_hash.startswith("$")
        grants = (
            await session.execute(select(RoleGrant).where(RoleGrant.user_id == hoa_user.id))
        ).scalars()
        assert {(g.role, g.unit_id) for g in grants} == {
            (Role.UNIT_OFFICER, group.id),
            (Role.AUDITOR, office.id),
        }
        created = (
            await session.execute(
                select(AuditEvent).where(
                    AuditEvent.subject_type == "person", AuditEvent.subject_id == hoa.id
                )
            )
        ).scalar_one()
        assert created.action == "person_created" and created.actor_name == "Trần Thị Quản"
        assert created.actor_role == "admin"
        # Personal data named, never written in the audit trail (Decree 13/2023).
        assert created.changes["citizen_id"] == [None, "*********345"]
        assert created.changes["birth_date"] == [None, "(dữ liệu cá nhân)"]
        assert created.changes["full_name"] == [None, "Nguyễn Thị Hoa"]
        assert created.event_key.startswith("import:" + applied.json()["sha256"])
    events = await audit_count(app)

    again = await post_import(app, headers, ward_file(), apply=True)
    assert again.status_code == 200, again.text
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (
        0,
        0,
        11,
    )
    assert await audit_count(app) == events

    changed = await post_import(app, headers, ward_file("Tổ phó tổ dân phố"), apply=True)
    assert (changed.json()["updated"], changed.json()["unchanged"]) == (1, 10)
    async with app.state.reader() as session:
        event = (
            await session.execute(select(AuditEvent).where(AuditEvent.action == "person_updated"))
        ).scalar_one()
        assert event.changes == {"position": ["Tổ trưởng tổ dân phố", "Tổ phó tổ dân phố"]}
        assert event.actor_name == "Trần Thị Quản"


async def test_every_planted_mistake_is_listed_and_nothing_is_written(app):
    headers = await admin(app)
    ward = await add_unit(app, "UBND-PHUONG", "Phường Thạch Khôi", kind=UnitKind.PEOPLES_COMMITTEE)
    await add_unit(app, "VP", "Văn phòng", parent_id=ward)
    data = workbook(
        {
            "Đơn vị": [
                [*UNIT_HEADERS, "Ghi chú"],
                [
                    "TDP-09",
                    None,
                    "Tổ dân phố Số 9",
                    None,
                    "Tổ dân",
                    "Cấp phường",
                    "UBND-PHUONG",
                    None,
                ],
                [
                    "TDP-10",
                    None,
                    "Tổ dân phố Số 10",
                    None,
                    "Tổ dân phố",
                    "Cấp phường",
                    "KHONG-CO",
                    None,
                ],
                [
                    "TDP 11",
                    None,
                    "Tổ dân phố Số 11",
                    None,
                    "Tổ dân phố",
                    "Cấp phường",
                    "UBND-PHUONG",
                    "a\x9bb",
                ],
                [
                    "TDP-12",
                    None,
                    "Tổ dân phố Số 12",
                    None,
                    "Tổ dân phố",
                    "Cấp phường",
                    "UBND-PHUONG",
                    None,
                ],
            ],
            "Hộ gia đình": [HOUSEHOLD_HEADERS, ["Trần Văn Bình", None, "VP"]],
            "Cá nhân": [
                PEOPLE_HEADERS,
                ["Nguyễn Thị Hoa", "Nữ", date(1985, 3, 15), "12345", None, "VP", None, None, None],
                ["Lê Văn Nam", "Nam", "31/02/1990", None, None, "VP", None, None, "Chắc chắn"],
                ["Phạm Thu", "Khác", None, None, None, None, None, None, None],
                ["Đỗ Văn Hải", "Nam", date(2030, 1, 1), None, None, "TDP-12", None, None, None],
            ],
            "Tập thể": [["Đơn vị *"], ["VP"]],
            "Tài khoản": [
                USER_HEADERS,
                ["a b", "Nguyễn Thị Hoa", None, None, None],
                ["hoa.nt", "Nguyễn Thị Hoa", "khong-phai-thu", "Thủ quỹ", "VP"],
            ],
            "Sheet2": [["gì đó"]],
        }
    )

    refused = await post_import(app, headers, data, apply=True)
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["error"] == "import_problems" and body["field"] == "file"
    assert problems(refused) == {
        ("Đơn vị", 1, "Ghi chú"),
        ("Đơn vị", 2, "Loại đơn vị"),
        ("Đơn vị", 3, "Đơn vị cấp trên"),
        ("Đơn vị", 4, "Mã đơn vị"),
        ("Đơn vị", 4, "Địa chỉ"),
        ("Hộ gia đình", 2, "Tổ dân phố"),
        ("Cá nhân", 2, "Số định danh cá nhân"),
        ("Cá nhân", 3, "Ngày sinh"),
        ("Cá nhân", 3, "Cán bộ, công chức, viên chức"),
        ("Cá nhân", 4, "Giới tính"),
        ("Cá nhân", 4, "Đơn vị"),
        ("Cá nhân", 5, "Ngày sinh"),
        ("Tập thể", 1, "Tên tập thể"),
        ("Tài khoản", 2, "Tên đăng nhập"),
        ("Tài khoản", 3, "Thư điện tử"),
        ("Tài khoản", 3, "Vai trò"),
        ("Sheet2", 0, ""),
    }, body["problems"]
    messages = {(p["sheet"], p["row"], p["column"]): p["message"] for p in body["problems"]}
    assert "12 chữ số" in messages[("Cá nhân", 2, "Số định danh cá nhân")]
    assert messages[("Cá nhân", 4, "Đơn vị")] == "Chưa nhập (bắt buộc)"
    assert "U+009B" in messages[("Đơn vị", 4, "Địa chỉ")]
    # Nothing was written: the valid rows (TDP-12, its person) neither.
    async with app.state.reader() as session:
        assert {u.code for u in (await session.execute(select(Unit))).scalars()} == {
            "UBND-PHUONG",
            "VP",
        }
        assert (await session.execute(select(Person))).first() is None
        assert (
            await session.execute(select(User).where(User.username == "hoa.nt"))
        ).first() is None
    assert await audit_count(app) == 0

    dry = await post_import(app, headers, data, apply=False)  # the dry run lists the same
    assert dry.status_code == 200 and problems(dry) == problems(refused)


async def test_a_row_matching_two_records_is_a_problem_not_a_guess(app):
    headers = await admin(app)
    ward = await add_unit(app, "UBND-PHUONG", "Phường Thạch Khôi", kind=UnitKind.PEOPLES_COMMITTEE)
    first = await add_unit(
        app, "KP1-TDP2", "Tổ dân phố Số 2", parent_id=ward, kind=UnitKind.RESIDENTIAL_GROUP
    )
    await add_unit(
        app, "KP2-TDP2", "Tổ dân phố Số 2", parent_id=ward, kind=UnitKind.RESIDENTIAL_GROUP
    )
    async with app.state.writer() as session, session.begin():
        for _ in range(2):
            session.add(
                Person(
                    full_name="Nguyễn Văn An",
                    gender=Gender.MALE,
                    birth_date=date(1990, 1, 1),
                    unit_id=first,
                )
            )
    data = workbook(
        {
            "Cá nhân": [
                PEOPLE_HEADERS,
                [
                    "Nguyễn Văn An",
                    "Nam",
                    date(1990, 1, 1),
                    None,
                    "Tổ viên",
                    "KP1-TDP2",
                    None,
                    None,
                    None,
                ],
                ["Trần Thị Bé", "Nữ", None, None, None, "Tổ dân phố Số 2", None, None, None],
            ]
        }
    )
    response = await post_import(app, headers, data, apply=False)
    assert problems(response) == {("Cá nhân", 2, "Họ và tên"), ("Cá nhân", 3, "Đơn vị")}
    messages = [p["message"] for p in response.json()["problems"]]
    assert "khớp với 2 cá nhân" in messages[0] and "khớp với 2 đơn vị" in messages[1]

    # Two rows of one file naming the same record: the second would undo the first.
    twice = workbook(
        {"Tập thể": [COLLECTIVE_HEADERS, ["KP1-TDP2", "Tổ 2"], ["kp1-tdp2", "Tổ hai"]]}
    )
    assert problems(await post_import(app, headers, twice, apply=False)) == {
        ("Tập thể", 3, "Đơn vị")
    }


async def test_a_ward_administrator_cannot_import_into_another_ward(app):
    city = await add_unit(app, "TP", "Thành phố", kind=UnitKind.PEOPLES_COMMITTEE, level=Level.CITY)
    mine = await add_unit(app, "P-A", "Phường A", parent_id=city, kind=UnitKind.PEOPLES_COMMITTEE)
    other = await add_unit(app, "P-B", "Phường B", parent_id=city, kind=UnitKind.PEOPLES_COMMITTEE)
    async with app.state.writer() as session, session.begin():
        session.add(
            Person(
                full_name="Người Phường B",
                gender=Gender.MALE,
                citizen_id="001090000001",
                unit_id=other,
            )
        )
    admin_id = await app.add_user("qt.phuonga", "Quan-tri-vien-2027", full_name="Quản trị phường A")
    await grant(app, admin_id, Role.ADMIN, mine)
    headers = app.bearer(admin_id)
    data = workbook(
        {
            "Đơn vị": [
                UNIT_HEADERS,
                [None, None, "Tổ dân phố Số 1", None, "Tổ dân phố", "Cấp phường", "P-B", None],
                [None, None, "Tổ dân phố Số 3", None, "Tổ dân phố", "Cấp phường", "P-A", None],
                [None, None, "Phường C", None, "Ủy ban nhân dân", "Cấp phường", None, None],
                # One's own ward may keep naming the city above it.
                ["P-A", None, "Phường A", "Phường A", "Ủy ban nhân dân", "Cấp phường", "TP", None],
            ],
            "Cá nhân": [
                PEOPLE_HEADERS,
                ["Người Phường B", "Nam", None, "001090000001", None, "P-A", None, None, None],
                ["Lê Thị Hạnh", "Nữ", None, None, None, "Phường B", None, None, None],
                ["Trần Văn Tư", "Nam", None, None, None, "Tổ dân phố Số 3", None, None, None],
            ],
            "Tài khoản": [USER_HEADERS, ["canbo.b", "Cán bộ B", None, "Quản trị hệ thống", "P-B"]],
        }
    )
    response = await post_import(app, headers, data, apply=True)
    assert response.status_code == 422, response.text
    assert problems(response) == {
        ("Đơn vị", 2, "Đơn vị cấp trên"),
        ("Đơn vị", 4, "Đơn vị cấp trên"),
        ("Cá nhân", 2, "Số định danh cá nhân"),
        ("Cá nhân", 3, "Đơn vị"),
        ("Tài khoản", 2, "Đơn vị"),
    }
    messages = {(p["sheet"], p["row"]): p["message"] for p in response.json()["problems"]}
    assert messages[("Cá nhân", 3)].startswith("Không có đơn vị")  # as if it did not exist
    async with app.state.reader() as session:
        assert {u.code for u in (await session.execute(select(Unit))).scalars()} == {
            "TP",
            "P-A",
            "P-B",
        }
        assert (await session.execute(select(Person).where(Person.unit_id == mine))).first() is None

    # The ward's own rows alone import, a new group under it and a person in that group.
    own = workbook(
        {
            "Đơn vị": data
            and [
                UNIT_HEADERS,
                [None, None, "Tổ dân phố Số 3", None, "Tổ dân phố", "Cấp phường", "P-A", None],
            ],
            "Cá nhân": [
                PEOPLE_HEADERS,
                ["Trần Văn Tư", "Nam", None, None, None, "Tổ dân phố Số 3", None, None, None],
            ],
        }
    )
    applied = await post_import(app, headers, own, apply=True)
    assert applied.status_code == 200, applied.text
    assert applied.json()["created"] == 2


async def test_a_file_that_is_not_a_workbook_and_a_non_administrator_are_refused(app):
    headers = await admin(app)
    response = await post_import(app, headers, b"ho va ten;ngay sinh\n", apply=False, name="ds.csv")
    assert response.status_code == 422
    assert response.json()["field"] == "file" and ".xlsx" in response.json()["detail"]
    user_id = await app.add_user("canbo", "Can-bo-don-vi-2027")
    refused = await post_import(
        app, app.bearer(user_id), workbook({"Đơn vị": [UNIT_HEADERS]}), apply=False
    )
    assert refused.status_code == 403
    assert (
        await app.http.get("/api/v1/imports/templates", headers=app.bearer(user_id))
    ).status_code == 403
