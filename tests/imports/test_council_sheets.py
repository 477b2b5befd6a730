"""The council members sheet of the Excel import: members are added to the council of a
people's committee by their usernames, a member appointed mid-term replaces another (who
leaves the council the day before), importing the same file again changes nothing, a
change is audited with the old and new values, and a file with mistakes lists each of
them by sheet, row and column and writes nothing. The account may come from the users
sheet of the same file.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from api.services.imports.kinds import Outcome
from domain.vocabulary import CouncilRole, Role
from models import RoleGrant, User
from tests.accounts_app import accounts_app
from tests.imports.history_world import (
    add_account,
    add_member,
    audit_events,
    build_world,
    members,
    run,
    workbook,
)

pytestmark = [pytest.mark.postgres]

SHEET = "Thành viên Hội đồng"
HEADERS = [
    "Ủy ban nhân dân *",
    "Tên đăng nhập *",
    "Chức danh trong Hội đồng *",
    "Chức vụ",
    "Ngày bắt đầu nhiệm kỳ",
    "Ngày kết thúc nhiệm kỳ",
    "Thay thế thành viên",
]


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


async def test_council_members_are_imported_and_a_replaced_member_leaves(app):
    world = await build_world(app)
    await add_account(app, "chutich", "Tăng Văn Quân")
    await add_account(app, "uyvien.moi", "Đỗ Thị Mới")
    former = await add_account(app, "uyvien.cu", "Vũ Văn Cũ")
    former_member = await add_member(
        app,
        world.council_id,
        former,
        CouncilRole.MEMBER,
        title="Chủ tịch Hội Phụ nữ phường",
        term_start=date(2026, 1, 1),
    )
    data = workbook(
        (
            SHEET,
            HEADERS,
            [
                ["UBND-PHUONG", "chutich", "Chủ tịch Hội đồng", "Chủ tịch UBND phường"]
                + [date(2026, 1, 1), None, None],
                ["Ủy ban nhân dân phường Thạch Khôi", "uyvien.moi", "Ủy viên"]
                + ["Chủ tịch Hội Phụ nữ phường", "01/03/2027", None, "uyvien.cu"],
            ],
        )
    )

    dry = await run(app, world.admin_id, data, apply=False)
    assert dry.problems == [] and dry.counts() == {Outcome.CREATED: 2}
    assert set(await members(app, world.council_id)) == {"uyvien.cu"}

    applied = await run(app, world.admin_id, data, apply=True)
    assert applied.problems == [] and applied.counts() == {Outcome.CREATED: 2}
    council = await members(app, world.council_id)
    chair, new, old = council["chutich"], council["uyvien.moi"], council["uyvien.cu"]
    assert (chair.council_role, chair.title, chair.active, chair.term_start) == (
        CouncilRole.CHAIR,
        "Chủ tịch UBND phường",
        True,
        date(2026, 1, 1),
    )
    assert (new.council_role, new.active, new.term_start, new.replaces_member_id) == (
        CouncilRole.MEMBER,
        True,
        date(2027, 3, 1),
        former_member,
    )
    # A seated member reads the dossiers their council votes on: the role comes with the seat.
    async with app.state.reader() as session:
        seated = set(
            (
                await session.execute(
                    select(User.username)
                    .join(RoleGrant, RoleGrant.user_id == User.id)
                    .where(RoleGrant.role == Role.COUNCIL_MEMBER)
                )
            ).scalars()
        )
    assert seated == {"chutich", "uyvien.moi"}
    # The member replaced leaves the day before the new member's term starts.
    assert (old.active, old.term_end) == (False, date(2027, 2, 28))
    events = await audit_events(app, "council_member")
    [left] = [event for event in events if event.subject_id == former_member]
    assert left.action == "council_member_replaced"
    assert left.changes == {"active": [True, False], "term_end": [None, "2027-02-28"]}
    assert (left.actor_user_id, left.actor_role) == (world.admin_id, "admin")
    assert len(events) == 3

    again = await run(app, world.admin_id, data, apply=True)
    assert again.problems == [] and again.counts() == {Outcome.UNCHANGED: 2}
    assert len(await audit_events(app, "council_member")) == 3

    # The chairman's title is corrected: one update, audited with old and new values.
    corrected = workbook(
        (
            SHEET,
            HEADERS,
            [["UBND-PHUONG", "CHUTICH", "Chủ tịch", "Chủ tịch Ủy ban nhân dân phường"]],
        )
    )
    result = await run(app, world.admin_id, corrected, apply=True)
    assert result.counts() == {Outcome.UPDATED: 1}
    assert (await members(app, world.council_id))["chutich"].title == (
        "Chủ tịch Ủy ban nhân dân phường"
    )
    last = (await audit_events(app, "council_member"))[-1]
    assert last.action == "council_member_updated"
    assert last.changes == {"title": ["Chủ tịch UBND phường", "Chủ tịch Ủy ban nhân dân phường"]}


async def test_a_council_file_with_mistakes_lists_each_and_writes_nothing(app):
    world = await build_world(app)
    await add_account(app, "chutich", "Tăng Văn Quân", unit_id=world.office_id)
    await add_account(app, "uyvien.moi", "Đỗ Thị Mới", unit_id=world.office_id)
    await add_account(app, "canbo.khac", "Lý Văn Khác", unit_id=world.other_ward_id)
    data = workbook(
        (
            SHEET,
            HEADERS,
            [
                ["UBND-KHAC", "chutich", "Ủy viên", None, None, None, None],
                ["UBND-PHUONG", "khong.co", "Ủy viên", None, None, None, None],
                ["UBND-PHUONG", "chutich", "Trưởng ban", None, None, None, None],
                ["UBND-PHUONG", "chutich", "Ủy viên", None, "01/06/2027", "31/05/2027", None],
                ["UBND-PHUONG", "uyvien.moi", "Ủy viên", None, None, None, "chutich"],
                ["UBND-PHUONG", "chutich", "Chủ tịch Hội đồng", None, None, None, None],
                ["UBND-PHUONG", "chutich", "Ủy viên", None, None, None, None],
                # another ward's account: answered like a missing one
                ["UBND-PHUONG", "canbo.khac", "Ủy viên", None, None, None, None],
            ],
        )
    )

    # The ward's administrator: the other ward's committee is none of theirs.
    result = await run(app, world.ward_admin_id, data, apply=True)

    assert result.where() == {
        (SHEET, 2, "Ủy ban nhân dân"),
        (SHEET, 3, "Tên đăng nhập"),
        (SHEET, 4, "Chức danh trong Hội đồng"),
        (SHEET, 5, "Ngày kết thúc nhiệm kỳ"),
        (SHEET, 6, "Ngày bắt đầu nhiệm kỳ"),
        (SHEET, 6, "Thay thế thành viên"),
        (SHEET, 8, "Tên đăng nhập"),
        (SHEET, 9, "Tên đăng nhập"),
    }
    messages = {(p.row, p.column): p.message_vi for p in result.problems}
    assert messages[(2, "Ủy ban nhân dân")].startswith("Không có đơn vị 'UBND-KHAC'")
    assert messages[(3, "Tên đăng nhập")].startswith("Không có tài khoản 'khong.co'")
    assert messages[(4, "Chức danh trong Hội đồng")] == (
        "'Trưởng ban' không hợp lệ: chọn một trong Chủ tịch Hội đồng, Phó Chủ tịch Hội đồng, "
        "Ủy viên thường trực, Ủy viên"
    )
    assert messages[(5, "Ngày kết thúc nhiệm kỳ")] == "Trước ngày bắt đầu nhiệm kỳ"
    assert messages[(6, "Thay thế thành viên")] == (
        "'chutich' không phải thành viên của Hội đồng Thi đua - Khen thưởng phường Thạch Khôi"
    )
    assert messages[(8, "Tên đăng nhập")] == "Trùng với dòng 7: hai dòng cùng chỉ một bản ghi"
    assert await members(app, world.council_id) == {}
    assert await audit_events(app, "council_member") == []


async def test_a_committee_without_a_council_is_a_problem(app):
    world = await build_world(app)
    await add_account(app, "chutich", "Tăng Văn Quân")
    data = workbook((SHEET, HEADERS, [["UBND-KHAC", "chutich", "Ủy viên"]]))

    result = await run(app, world.admin_id, data, apply=False)

    assert [(p.row, p.column, p.message_vi) for p in result.problems] == [
        (
            2,
            "Ủy ban nhân dân",
            "Ủy ban nhân dân phường Khác chưa có Hội đồng Thi đua - Khen thưởng",
        )
    ]


async def test_a_member_whose_account_the_same_file_creates(app):
    world = await build_world(app)
    data = workbook(
        # The workbook's order does not matter: accounts are applied before the council.
        (SHEET, HEADERS, [["UBND-PHUONG", "pho.chutich", "Phó Chủ tịch Hội đồng"]]),
        (
            "Tài khoản",
            ["Tên đăng nhập", "Họ và tên", "Thư điện tử", "Vai trò", "Đơn vị"],
            [
                [
                    "pho.chutich",
                    "Nguyễn Thị Thanh Hương",
                    None,
                    "Thành viên Hội đồng TĐKT",
                    "UBND-PHUONG",
                ]
            ],
        ),
    )

    dry = await run(app, world.admin_id, data, apply=False)
    assert dry.problems == [] and dry.counts() == {Outcome.CREATED: 2}

    applied = await run(app, world.admin_id, data, apply=True)
    assert applied.problems == []
    member = (await members(app, world.council_id))["pho.chutich"]
    assert (member.council_role, member.active) == (CouncilRole.VICE_CHAIR, True)
    assert (await run(app, world.admin_id, data, apply=True)).counts() == {Outcome.UNCHANGED: 2}
