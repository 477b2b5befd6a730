"""The history sheets of the Excel import: yearly ratings, the award history from before
the engine, initiatives. A good file is reported row by row on a dry run (nothing
written), then applied and read back through the award history API; importing it again
changes nothing; a file with mistakes lists each of them by sheet, row and column in
Vietnamese and writes nothing, not even its good rows; a row that matches two stored
records is a problem, never a guess. And what the office imports this for: three
consecutive CSTĐCS make a person count for CSTĐ thành phố.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from api.services.imports.kinds import Outcome
from domain.vocabulary import AwardKind, NomineeKind, Rating
from models import AwardRecord
from tests.accounts_app import accounts_app
from tests.imports.history_world import (
    WARD_NAME,
    add_account,
    audit_events,
    build_world,
    run,
    workbook,
)

pytestmark = [pytest.mark.postgres]

CITY = "Ủy ban nhân dân thành phố Hải Phòng"

RATING_HEADERS = [
    "Đối tượng",
    "Số định danh cá nhân",
    "Họ và tên",
    "Ngày sinh",
    "Đơn vị",
    "Năm",
    "Xếp loại *",
    "Số thành viên",
    "Số nữ",
    "Số đạt Lao động tiên tiến",
]
AWARD_HEADERS = [
    "Đối tượng *",
    "Số định danh cá nhân",
    "Họ và tên",
    "Ngày sinh",
    "Đơn vị",
    "Danh hiệu, hình thức khen thưởng *",
    "Năm *",
    "Số quyết định *",
    "Ngày quyết định",
    "Cơ quan ban hành *",
]
INITIATIVE_HEADERS = [
    "Số định danh cá nhân",
    "Họ và tên",
    "Ngày sinh",
    "Đơn vị",
    "Tên sáng kiến, đề tài *",
    "Năm công nhận *",
    "Phạm vi ảnh hưởng *",
    "Đề tài nghiên cứu khoa học",
    "Cơ quan công nhận *",
    "Số quyết định công nhận *",
    "Ngày quyết định",
]
HOA = ["Cá nhân", None, "Nguyễn Thị Hoa", date(1985, 3, 15), "TDP-01"]
BINH = ["Cá nhân", "001080000111", None, None, None]  # by citizen ID alone


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


async def history(app, world, path: str) -> dict:
    response = await app.http.get(f"/api/v1/{path}", headers=app.bearer(world.admin_id))
    assert response.status_code == 200, response.text
    return response.json()


def cstdcs_rows() -> list[list]:
    return [
        [*HOA, "Chiến sĩ thi đua cơ sở", 2024, "12/QĐ-UBND", date(2024, 12, 20), WARD_NAME],
        [*HOA, "cstdcs", 2025, "140/QĐ-UBND", date(2025, 12, 22), WARD_NAME],
        # The name as typed without accents is the same award.
        [*HOA, "chien si thi dua co so", 2026, "151/QĐ-UBND", date(2026, 12, 18), WARD_NAME],
    ]


async def test_ratings_are_imported_once_and_updated_with_an_audit(app):
    world = await build_world(app)
    data = workbook(
        (
            "Xếp loại",
            RATING_HEADERS,
            [
                [*HOA, 2025, "Hoàn thành xuất sắc nhiệm vụ"],
                [*BINH, 2025, "hoan thanh tot nhiem vu"],
                ["Tập thể", None, None, None, "TDP-01", 2025, "HTXSNV", 30, 18, 20],
            ],
        )
    )

    dry = await run(app, world.admin_id, data, apply=False)
    assert dry.problems == []
    assert dry.counts() == {Outcome.CREATED: 3}
    assert (await history(app, world, f"people/{world.hoa_id}/awards"))["evaluations"] == []

    applied = await run(app, world.admin_id, data, apply=True)
    assert applied.problems == [] and applied.counts() == {Outcome.CREATED: 3}
    hoa = await history(app, world, f"people/{world.hoa_id}/awards")
    assert [(e["year"], e["rating"]) for e in hoa["evaluations"]] == [(2025, Rating.EXCELLENT)]
    binh = await history(app, world, f"people/{world.binh_id}/awards")
    assert [(e["year"], e["rating"]) for e in binh["evaluations"]] == [(2025, Rating.GOOD)]
    group = await history(app, world, f"collectives/{world.collective_id}/awards")
    [figures] = group["evaluations"]
    assert (figures["member_count"], figures["women_count"], figures["members_with_title"]) == (
        30,
        18,
        20,
    )
    created = await audit_events(app, "evaluation_result")
    assert len(created) == 3
    assert {event.actor_user_id for event in created} == {world.admin_id}

    again = await run(app, world.admin_id, data, apply=True)
    assert again.problems == [] and again.counts() == {Outcome.UNCHANGED: 3}
    assert len(await audit_events(app, "evaluation_result")) == 3

    # The office corrects Hoa's rating: the stored one changes, with who and what.
    corrected = workbook(("Xếp loại", RATING_HEADERS, [[*HOA, 2025, "Hoàn thành tốt nhiệm vụ"]]))
    result = await run(app, world.admin_id, corrected, apply=True)
    assert result.counts() == {Outcome.UPDATED: 1}
    hoa = await history(app, world, f"people/{world.hoa_id}/awards")
    assert [e["rating"] for e in hoa["evaluations"]] == [Rating.GOOD]
    last = (await audit_events(app, "evaluation_result"))[-1]
    assert last.action == "evaluation_result_updated" and last.actor_role == "admin"
    assert last.changes == {"rating": ["excellent", "good"]}
    assert last.actor_user_id == world.admin_id and last.actor_name == "Trần Thị Quản"


async def test_a_ratings_file_with_mistakes_lists_each_and_writes_nothing(app):
    world = await build_world(app)
    data = workbook(
        (
            "Xếp loại",
            RATING_HEADERS,
            [
                ["Cá nhân", None, "Nguyễn Thị Hoa", date(1985, 3, 16), "TDP-01", 2025, "HTXSNV"],
                [*HOA, "2O25", "Hoàn thành xuất sắc nhiệm vụ"],
                ["Tập thể", None, None, None, "TDP-01", 2025, "Giỏi"],
                ["Hộ gia đình", None, "Trần Văn Bình", None, "TDP-01", 2025, "HTNV"],
                [*HOA, 2024, "HTXSNV", 5],
                [*HOA, 2023, "HTTNV"],
                [*HOA, 2023, "HTXSNV"],
                ["Tập thể", None, None, None, "TDP-01", 2024, "HTXSNV", 10, 12, None],
            ],
        )
    )

    result = await run(app, world.admin_id, data, apply=True)

    assert result.where() == {
        ("Xếp loại", 2, "Họ và tên"),
        ("Xếp loại", 3, "Năm"),
        ("Xếp loại", 4, "Xếp loại"),
        ("Xếp loại", 5, "Đối tượng"),
        ("Xếp loại", 6, "Số thành viên"),
        ("Xếp loại", 8, "Năm"),
        ("Xếp loại", 9, "Số nữ"),
    }
    messages = {(p.row, p.column): p.message_vi for p in result.problems}
    assert messages[(2, "Họ và tên")] == (
        "Không có cá nhân 'Nguyễn Thị Hoa' sinh ngày 16/03/1985 tại Tổ dân phố số 1"
    )
    assert messages[(4, "Xếp loại")].startswith("'Giỏi' không hợp lệ: chọn một trong Hoàn thành")
    assert messages[(5, "Đối tượng")] == (
        "'Hộ gia đình' không hợp lệ: chọn một trong Cá nhân, Tập thể"
    )
    assert messages[(6, "Số thành viên")] == "Chỉ nhập cho tập thể"
    assert messages[(8, "Năm")] == "Trùng với dòng 7: hai dòng cùng chỉ một bản ghi"
    assert messages[(9, "Số nữ")] == "Lớn hơn số thành viên (10)"
    # All or nothing: row 7 was good, yet nothing was written.
    assert (await history(app, world, f"people/{world.hoa_id}/awards"))["evaluations"] == []
    assert await audit_events(app, "evaluation_result") == []


async def test_the_award_history_is_imported_once_for_people_collectives_and_households(app):
    world = await build_world(app)
    data = workbook(
        (
            "Khen thưởng đã có",
            AWARD_HEADERS,
            [
                *cstdcs_rows(),
                [
                    "Tập thể",
                    None,
                    None,
                    None,
                    "TDP-01",
                    "Tổ dân phố văn hóa",
                    2025,
                    "30/QĐ-UBND",
                    date(2025, 12, 30),
                    WARD_NAME,
                ],
                [
                    "Hộ gia đình",
                    None,
                    "Trần Văn Bình",
                    None,
                    "Tổ dân phố số 1",
                    "Gia đình văn hóa",
                    2025,
                    "31/QĐ-UBND",
                    None,
                    WARD_NAME,
                ],
            ],
        )
    )

    dry = await run(app, world.admin_id, data, apply=False)
    assert dry.problems == [] and dry.counts() == {Outcome.CREATED: 5}
    assert (await history(app, world, f"people/{world.hoa_id}/awards"))["awards"] == []

    applied = await run(app, world.admin_id, data, apply=True)
    assert applied.problems == [] and applied.counts() == {Outcome.CREATED: 5}
    awards = (await history(app, world, f"people/{world.hoa_id}/awards"))["awards"]
    assert [
        (a["award_code"], a["award_name_vi"], a["year"], a["kind"], a["decision_number"])
        for a in awards
    ] == [
        ("cstdcs", "Chiến sĩ thi đua cơ sở", 2026, AwardKind.MERIT, "151/QĐ-UBND"),
        ("cstdcs", "Chiến sĩ thi đua cơ sở", 2025, AwardKind.MERIT, "140/QĐ-UBND"),
        ("cstdcs", "Chiến sĩ thi đua cơ sở", 2024, AwardKind.MERIT, "12/QĐ-UBND"),
    ]
    assert awards[0]["decision_date"] == "2026-12-18"
    assert awards[0]["deciding_authority"] == WARD_NAME
    group = (await history(app, world, f"collectives/{world.collective_id}/awards"))["awards"]
    assert [(a["award_code"], a["year"]) for a in group] == [("tdp_van_hoa", 2025)]
    family = (await history(app, world, f"households/{world.household_id}/awards"))["awards"]
    assert [(a["award_code"], a["decision_date"]) for a in family] == [("gd_van_hoa", None)]
    events = await audit_events(app, "award_record")
    assert len(events) == 5
    assert events[0].changes["award_code"] == [None, "cstdcs"]

    again = await run(app, world.admin_id, data, apply=True)
    assert again.problems == [] and again.counts() == {Outcome.UNCHANGED: 5}
    assert len(await audit_events(app, "award_record")) == 5

    # The decision's date, unknown at first, is added later: the record is updated.
    dated = workbook(
        (
            "Khen thưởng đã có",
            AWARD_HEADERS,
            [
                [
                    "Hộ gia đình",
                    None,
                    "trần văn bình",
                    None,
                    "TDP-01",
                    "gd_van_hoa",
                    2025,
                    "31/qđ-ubnd",
                    date(2025, 12, 31),
                    WARD_NAME,
                ]
            ],
        )
    )
    updated = await run(app, world.admin_id, dated, apply=True)
    assert updated.counts() == {Outcome.UPDATED: 1}
    family = (await history(app, world, f"households/{world.household_id}/awards"))["awards"]
    assert [(a["decision_number"], a["decision_date"]) for a in family] == [
        ("31/QĐ-UBND", "2025-12-31")
    ]
    assert (await audit_events(app, "award_record"))[-1].changes == {
        "decision_date": [None, "2025-12-31"]
    }


async def test_an_award_file_with_mistakes_lists_each_and_writes_nothing(app):
    world = await build_world(app)
    # Entered twice by hand before the import: a row naming it cannot choose.
    async with app.state.writer() as session, session.begin():
        for _ in range(2):
            session.add(
                AwardRecord(
                    subject_kind=NomineeKind.INDIVIDUAL,
                    person_id=world.binh_id,
                    award_code="ldtt",
                    kind=AwardKind.MERIT,
                    year=2023,
                    decision_number="5/QĐ-UBND",
                    deciding_authority=WARD_NAME,
                )
            )
    good = [*HOA, "Lao động tiên tiến", 2023, "7/QĐ-UBND", date(2023, 12, 1), WARD_NAME]
    data = workbook(
        (
            "Khen thưởng đã có",
            AWARD_HEADERS,
            [
                [*HOA, "Bằng khen của Thủ tướng", 2024, "1/QĐ-TTg", None, "Thủ tướng Chính phủ"],
                ["Tập thể", None, None, None, "TDP-01", "cstdcs", 2025, "2/QĐ", None, WARD_NAME],
                [*HOA, "cstdcs", 2025, None, None, WARD_NAME],
                ["Cá nhân", None, "Lê Văn Khác", None, "UBND-KHAC", "ldtt", 2025, "3", None, "X"],
                ["Hộ gia đình", "001080000111", "Trần Văn Bình", None, "TDP-01", "gd_van_hoa"]
                + [2025, "4/QĐ-UBND", None, WARD_NAME],
                good,
                good,
                [*HOA, "ldtt", 2022, "8/QĐ-UBND", "31/02/2022", WARD_NAME],
                [*BINH, "ldtt", 2023, "5/QĐ-UBND", None, WARD_NAME],
            ],
        )
    )

    # The ward's administrator: the other ward is none of theirs.
    result = await run(app, world.ward_admin_id, data, apply=True)

    sheet = "Khen thưởng đã có"
    assert result.where() == {
        (sheet, 2, "Danh hiệu, hình thức khen thưởng"),
        (sheet, 3, "Danh hiệu, hình thức khen thưởng"),
        (sheet, 4, "Số quyết định"),
        (sheet, 5, "Đơn vị"),
        (sheet, 6, "Số định danh cá nhân"),
        (sheet, 8, "Số quyết định"),
        (sheet, 9, "Ngày quyết định"),
        (sheet, 10, "Số quyết định"),
    }
    messages = {p.row: p.message_vi for p in result.problems}
    assert messages[2] == "Không có danh hiệu/hình thức này"
    assert messages[3] == "Chiến sĩ thi đua cơ sở không dành cho tập thể"
    assert messages[4] == "Chưa nhập (bắt buộc)"
    assert messages[5].startswith("Không có đơn vị 'UBND-KHAC'")
    assert messages[6] == "Để trống khi đối tượng là hộ gia đình"
    assert messages[8] == "Trùng với dòng 7: hai dòng cùng chỉ một bản ghi"
    assert messages[9].startswith("'31/02/2022' không phải là ngày hợp lệ")
    assert messages[10] == (
        "Khớp với 2 bản ghi khen thưởng đã có của Trần Văn Bình: "
        "hãy sửa trong hệ thống trước khi nhập"
    )
    assert (await history(app, world, f"people/{world.hoa_id}/awards"))["awards"] == []
    assert await audit_events(app, "award_record") == []


async def test_three_imported_cstdcs_and_an_initiative_make_a_person_eligible_for_cstd_thanh_pho(
    app,
):
    world = await build_world(app)
    check = {
        "award_code": "cstd_thanh_pho",
        "year": 2026,
        "subject": {"kind": "individual", "person_id": world.hoa_id},
    }

    async def verdict() -> tuple[dict, dict[str, dict]]:
        response = await app.http.post(
            "/api/v1/eligibility/check", json=check, headers=app.bearer(world.admin_id)
        )
        assert response.status_code == 200, response.text
        body = response.json()
        return body, {reason["code"]: reason for reason in body["reasons"]}

    body, _ = await verdict()
    assert body["eligible"] is False
    assert body["unmet"] == ["consecutive_titles", "initiative"]

    # One file, two sheets: the award history and the initiative the title also needs.
    data = workbook(
        ("Khen thưởng đã có", AWARD_HEADERS, cstdcs_rows()),
        (
            "Sáng kiến",
            INITIATIVE_HEADERS,
            [
                [None, "Nguyễn Thị Hoa", date(1985, 3, 15), "TDP-01", "Số hóa hồ sơ một cửa"]
                + [2026, "Thành phố", "Không", CITY, "88/QĐ-UBND", date(2026, 11, 10)]
            ],
        ),
    )
    assert (await run(app, world.admin_id, data, apply=True)).problems == []

    body, reasons = await verdict()
    assert body["eligible"] is True and body["unmet"] == []
    assert reasons["consecutive_titles"]["message_vi"] == (
        "Đạt Chiến sĩ thi đua cơ sở 3 năm liên tục: năm 2024, 2025 và 2026"
    )
    assert "“Số hóa hồ sơ một cửa” (2026)" in reasons["initiative"]["message_vi"]


async def test_initiatives_are_imported_by_their_recognition_decision(app):
    world = await build_world(app)
    data = workbook(
        (
            "Sáng kiến",
            INITIATIVE_HEADERS,
            [
                [
                    None,
                    "Nguyễn Thị Hoa",
                    date(1985, 3, 15),
                    "TDP-01",
                    "Số hóa hồ sơ một cửa của phường",
                    2026,
                    "Thành phố",
                    "Không",
                    CITY,
                    "88/QĐ-UBND",
                    date(2026, 11, 10),
                ],
                # The same number from another issuer is another decision.
                [
                    "001080000111",
                    None,
                    None,
                    None,
                    "Phần mềm theo dõi thi đua",
                    2025,
                    "Cơ sở",
                    "Có",
                    WARD_NAME,
                    "88/QĐ-UBND",
                    None,
                ],
            ],
        )
    )

    dry = await run(app, world.admin_id, data, apply=False)
    assert dry.problems == [] and dry.counts() == {Outcome.CREATED: 2}
    applied = await run(app, world.admin_id, data, apply=True)
    assert applied.problems == [] and applied.counts() == {Outcome.CREATED: 2}
    [hoa] = (await history(app, world, f"people/{world.hoa_id}/awards"))["initiatives"]
    assert (hoa["title"], hoa["year"], hoa["scope"], hoa["is_research"], hoa["recognised_by"]) == (
        "Số hóa hồ sơ một cửa của phường",
        2026,
        "city",
        False,
        CITY,
    )
    [binh] = (await history(app, world, f"people/{world.binh_id}/awards"))["initiatives"]
    assert (binh["scope"], binh["is_research"]) == ("base", True)

    again = await run(app, world.admin_id, data, apply=True)
    assert again.problems == [] and again.counts() == {Outcome.UNCHANGED: 2}
    assert len(await audit_events(app, "initiative")) == 2

    # One decision recognises a list of initiatives, each by its title: the same one for
    # another person is a mistake to show, another title is another initiative.
    mistakes = workbook(
        (
            "Sáng kiến",
            INITIATIVE_HEADERS,
            [
                ["001080000111", None, None, None, "Số hóa hồ sơ một cửa của phường", 2026]
                + ["Thành phố", None, CITY, "88/qđ-ubnd", None],
                [None, "Nguyễn Thị Hoa", date(1985, 3, 15), "TDP-01", "Tên khác", 2026]
                + ["Thành phố", None, CITY, "88/QĐ-UBND", None],
                [None, "Nguyễn Thị Hoa", date(1985, 3, 15), "TDP-01", None, 2026]
                + ["Quận", "Hình như", CITY, "90/QĐ-UBND", None],
                [None, "Nguyễn Thị Hoa", date(1985, 3, 15), "TDP-01", "Sáng kiến mới", 2026]
                + ["Cơ sở", None, WARD_NAME, "91/QĐ-UBND", None],
                [None, "Nguyễn Thị Hoa", date(1985, 3, 15), "TDP-01", "Sáng kiến mới", 2026]
                + ["Cơ sở", None, WARD_NAME, "91/QĐ-UBND", None],
            ],
        )
    )
    result = await run(app, world.admin_id, mistakes, apply=True)
    assert result.where() == {
        ("Sáng kiến", 2, "Số quyết định công nhận"),
        ("Sáng kiến", 4, "Tên sáng kiến, đề tài"),
        ("Sáng kiến", 4, "Phạm vi ảnh hưởng"),
        ("Sáng kiến", 4, "Đề tài nghiên cứu khoa học"),
        ("Sáng kiến", 6, "Tên sáng kiến, đề tài"),
    }
    messages = {(p.row, p.column): p.message_vi for p in result.problems}
    assert messages[(2, "Số quyết định công nhận")] == (
        f"Quyết định 88/qđ-ubnd của {CITY} đã công nhận sáng kiến này cho Nguyễn Thị Hoa"
    )
    assert messages[(6, "Tên sáng kiến, đề tài")] == (
        "Trùng với dòng 5: hai dòng cùng chỉ một bản ghi"
    )
    assert len((await history(app, world, f"people/{world.hoa_id}/awards"))["initiatives"]) == 1
    assert len(await audit_events(app, "initiative")) == 2


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        ("ratings", "Xếp loại"),
        ("awards", "Khen thưởng đã có"),
        ("initiatives", "Sáng kiến"),
        ("council_members", "Thành viên Hội đồng"),
    ],
)
async def test_each_template_states_its_key_and_its_example_row_imports(app, kind, title):
    world = await build_world(app)
    await add_account(app, "hoa.nt", "Nguyễn Thị Hoa")  # the council template's example
    response = await app.http.get(
        f"/api/v1/imports/templates/{kind}.xlsx", headers=app.bearer(world.admin_id)
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [title, "Hướng dẫn"]
    guide = [cell for row in book["Hướng dẫn"].iter_rows(values_only=True) for cell in row]
    assert "Khóa nhận diện" in guide

    # The example row names the example person of the people template (Nguyễn Thị Hoa,
    # 15/03/1985, TDP-01): imported as it stands, it is one new record.
    result = await run(app, world.admin_id, response.content, apply=False)
    assert result.problems == [] and result.counts() == {Outcome.CREATED: 1}
