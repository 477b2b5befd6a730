"""The deciding bodies brought in from Excel with the units they stand on: a city's and a
ward's people's committees from the "Cơ quan quyết định" sheet, their document headers
proposed from their names, a council made with each, the ward forwarding to the city;
the same file again changes nothing; mistakes are listed by row and column and nothing
is written.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Authority, Council
from tests.accounts_app import accounts_app
from tests.imports.workbooks import UNIT_HEADERS, audit_count, post_import, problems, workbook

pytestmark = [pytest.mark.postgres]

AUTHORITY_HEADERS = [
    "Ủy ban nhân dân *",
    "Cơ quan thường trực *",
    "Cơ quan cấp trên",
    "Tên cơ quan",
    "Tiêu đề văn bản",
    "Địa danh",
    "Chức danh người ký",
    "Ký hiệu quyết định",
    "Ký hiệu tờ trình",
    "Tên Hội đồng Thi đua - Khen thưởng",
]
UNITS = [
    UNIT_HEADERS,
    [
        "HP",
        "31",
        "Ủy ban nhân dân thành phố Hải Phòng",
        "UBND TP",
        "Ủy ban nhân dân",
        "Thành phố",
        None,
        None,
    ],
    ["HP-SNV", None, "Sở Nội vụ thành phố Hải Phòng", "Sở Nội vụ", "Sở", "Thành phố", "HP", None],
    [
        "TK",
        "11002",
        "Ủy ban nhân dân phường Thạch Khôi",
        "UBND phường",
        "Ủy ban nhân dân",
        "Phường",
        "HP",
        "Số 1 đường Thạch Khôi",
    ],
    [
        "TK-VHXH",
        None,
        "Phòng Văn hóa - Xã hội",
        "Phòng VH-XH",
        "Phòng, ban chuyên môn",
        "Phường",
        "TK",
        None,
    ],
    ["TK-TDP1", None, "Tổ dân phố số 1", "TDP 1", "Tổ dân phố", "Phường", "TK", None],
]


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


def city_and_ward(*rows: list[object]) -> bytes:
    return workbook(
        {
            "Cơ quan quyết định": [
                AUTHORITY_HEADERS,
                *(
                    rows
                    or (
                        ["HP", "HP-SNV", None, None, None, None, None, None, None, None],
                        ["TK", "TK-VHXH", "HP", None, None, None, None, None, None, None],
                    )
                ),
            ],
            "Đơn vị": UNITS,
        }
    )


async def test_a_city_and_its_ward_come_in_with_their_councils(app):
    admin = app.bearer(await app.add_user("quantri", "Quan-tri-2027", deployment_admin=True))

    checked = await post_import(app, admin, city_and_ward(), apply=False)
    assert checked.status_code == 200, checked.text
    assert checked.json()["problems"] == []
    async with app.state.reader() as session:
        assert (await session.execute(select(Authority))).first() is None  # a dry run

    applied = await post_import(app, admin, city_and_ward(), apply=True)
    assert applied.status_code == 200, applied.text
    by_kind = {sheet["kind"]: sheet for sheet in applied.json()["sheets"]}
    assert by_kind["authorities"]["created"] == 2
    async with app.state.reader() as session:
        authorities = {
            a.place_name: a for a in (await session.execute(select(Authority))).scalars()
        }
        ward, city = authorities["Thạch Khôi"], authorities["Hải Phòng"]
        assert ward.header_lines == ["ỦY BAN NHÂN DÂN", "PHƯỜNG THẠCH KHÔI"]
        assert ward.head_title == "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG THẠCH KHÔI"
        assert ward.parent_authority_id == city.id and city.parent_authority_id is None
        councils = (await session.execute(select(Council))).scalars().all()
        assert {c.authority_id for c in councils} == {ward.id, city.id}

    events = await audit_count(app)
    again = await post_import(app, admin, city_and_ward(), apply=True)
    assert again.status_code == 200, again.text
    assert again.json()["created"] == again.json()["updated"] == 0
    assert await audit_count(app) == events

    corrected = city_and_ward(
        ["HP", "HP-SNV", None, None, None, None, None, None, None, None],
        ["TK", "TK-VHXH", "HP", None, None, None, None, "QĐ-CT", None, None],
    )
    updated = await post_import(app, admin, corrected, apply=True)
    assert {s["kind"]: s["updated"] for s in updated.json()["sheets"]}["authorities"] == 1
    async with app.state.reader() as session:
        ward = (
            await session.execute(select(Authority).where(Authority.place_name == "Thạch Khôi"))
        ).scalar_one()
        assert ward.decision_code == "QĐ-CT"


async def test_mistakes_are_listed_by_row_and_column_and_nothing_is_written(app):
    admin = app.bearer(await app.add_user("quantri", "Quan-tri-2027", deployment_admin=True))
    data = city_and_ward(
        # row 2: the city, well
        ["HP", "HP-SNV", None, None, None, None, None, None, None, None],
        # row 3: a residential group does not decide awards
        ["TK-TDP1", "TK-VHXH", "HP", None, None, None, None, None, None, None],
        # row 4: the city's department is not under the ward
        ["TK", "HP-SNV", "HP", None, None, None, None, None, None, None],
        # row 5: no such unit above
        ["TK", "TK-VHXH", "Không có", None, None, None, None, None, None, None],
    )
    refused = await post_import(app, admin, data, apply=True)
    assert refused.status_code == 422, refused.text
    sheet = "Cơ quan quyết định"
    assert {p for p in problems(refused) if p[0] == sheet} == {
        (sheet, 3, "Ủy ban nhân dân"),
        (sheet, 4, "Cơ quan thường trực"),
        (sheet, 5, "Cơ quan cấp trên"),
    }
    async with app.state.reader() as session:
        assert (await session.execute(select(Authority))).first() is None
