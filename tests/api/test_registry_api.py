"""Award histories and the look-ups of the forms, on the real app and the seeded database
(both backends), with who may see what: unit officers their units, the ward's authority
roles the ward's units, the administrator everything."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from domain.vocabulary import AwardKind, NomineeKind, Rating
from models import AwardRecord, EvaluationResult, Initiative
from tests.clock import fixed_clock
from tests.conftest import make_settings
from tests.harness import Harness
from thidua.db import create_engine

HOA = "Nguyễn Thị Hoa"
# By given name, as Vietnamese lists go: Hoa, Nam, Thủy
VAN_PHONG_PEOPLE = ["Nguyễn Thị Hoa", "Hoàng Văn Nam", "Đặng Thị Thủy"]


@pytest.fixture
async def api(database_url, tmp_path) -> AsyncIterator[Harness]:
    """The app on the seeded database. These read APIs never reach Temporal, so the
    harness gets no test server (its client stays unset)."""
    engine = create_engine(database_url, pool_size=5)
    harness = Harness(
        make_settings(database_url, tmp_path),
        engine,
        SimpleNamespace(client=None),
        "",
        clock=fixed_clock(),
    )
    await harness.load_ids()
    try:
        yield harness
    finally:
        await harness.aclose()
        await engine.dispose()


async def get_json(
    api: Harness, user: str | None, path: str, status: int = 200, **params
) -> dict | list:
    response = await api.get(user, path, params=params or None)
    assert response.status_code == status, f"{user} {path}: {response.status_code} {response.text}"
    return response.json()


# ---- histories -------------------------------------------------------------------------


async def test_person_history_newest_first_with_evaluations_and_initiatives(api: Harness) -> None:
    hoa = api.ids.people[HOA]
    history = await get_json(api, "canbo.vanphong", f"/api/v1/people/{hoa}/awards")
    assert history["subject"] == {
        "kind": "individual",
        "id": hoa,
        "name": HOA,
        "unit_id": api.ids.units["tk-van-phong"],
        "unit_name": "Văn phòng HĐND và UBND phường",
    }
    awards = [(a["award_code"], a["year"], a["decision_number"]) for a in history["awards"]]
    assert awards == [
        ("cstdcs", 2025, "09/QĐ-UBND"),
        ("ldtt", 2025, "08/QĐ-UBND"),
        ("cstdcs", 2024, "112/QĐ-UBND"),
        ("ldtt", 2024, "25/QĐ-UBND"),
    ]
    first = history["awards"][0]
    assert first["award_name_vi"] == "Chiến sĩ thi đua cơ sở"
    assert first["decision_date"] == "2026-01-09"
    assert first["deciding_authority"] == "Chủ tịch UBND phường Thạch Khôi"
    assert first["kind"] == "merit" and first["revoked"] is False
    assert [(e["year"], e["rating"]) for e in history["evaluations"]] == [
        (2026, "excellent"),
        (2025, "excellent"),
        (2024, "excellent"),
    ]
    assert history["evaluations"][0]["rating_vi"] == "Hoàn thành xuất sắc nhiệm vụ"
    (initiative,) = history["initiatives"]
    assert (
        initiative["scope"] == "city" and initiative["year"] == 2026 and initiative["used"] is False
    )
    assert initiative["recognised_by"] == "Hội đồng sáng kiến thành phố Hải Phòng"


async def test_revoked_award_stays_in_the_history_marked(api: Harness) -> None:
    hoa = api.ids.people[HOA]
    async with api.factory() as session, session.begin():
        await session.execute(
            update(AwardRecord)
            .where(
                AwardRecord.person_id == hoa,
                AwardRecord.award_code == "cstdcs",
                AwardRecord.year == 2024,
            )
            .values(
                revoked_at=datetime(2026, 5, 4, 2, 0, tzinfo=UTC),
                revocation_reason="Phát hiện khai man thành tích",
                revocation_basis="Quyết định số 77/QĐ-UBND ngày 04/5/2026",
            )
        )
        # The award the initiative grounded stands: the initiative is used
        record = AwardRecord(
            subject_kind=NomineeKind.INDIVIDUAL,
            person_id=hoa,
            award_code="giay_khen",
            kind=AwardKind.SUDDEN,
            year=2026,
            decision_number="51/QĐ-UBND",
            decision_date=date(2026, 6, 2),
            deciding_authority="Chủ tịch UBND phường",
        )
        session.add(record)
        await session.flush()
        await session.execute(
            update(Initiative)
            .where(Initiative.person_id == hoa)
            .values(grounded_award_id=record.id)
        )
    history = await get_json(api, "thuongtruc", f"/api/v1/people/{hoa}/awards")
    assert [(a["award_code"], a["year"]) for a in history["awards"]][0] == ("giay_khen", 2026)
    assert history["awards"][0]["kind"] == "sudden"
    revoked = next(
        a for a in history["awards"] if a["award_code"] == "cstdcs" and a["year"] == 2024
    )
    assert revoked["revoked"] is True
    assert revoked["revocation_reason"] == "Phát hiện khai man thành tích"
    assert revoked["revocation_basis"].startswith("Quyết định số 77/QĐ-UBND")
    assert revoked["revoked_at"].startswith("2026-05-04T02:00")
    assert history["initiatives"][0]["used"] is True
    assert history["initiatives"][0]["grounded_award_id"] == history["awards"][0]["id"]


async def test_collective_and_household_histories(api: Harness) -> None:
    group = api.ids.collectives["tk-tdp-1"]
    family = api.ids.households["Bùi Văn Khải"]
    async with api.factory() as session, session.begin():
        session.add_all(
            [
                AwardRecord(
                    subject_kind=NomineeKind.COLLECTIVE,
                    collective_id=group,
                    award_code="tdp_van_hoa",
                    kind=AwardKind.MERIT,
                    year=2025,
                    decision_number="15/QĐ-UBND",
                    decision_date=date(2025, 12, 20),
                    deciding_authority="Chủ tịch UBND phường",
                ),
                EvaluationResult(
                    subject_kind=NomineeKind.COLLECTIVE,
                    collective_id=group,
                    year=2025,
                    rating=Rating.GOOD,
                    member_count=120,
                    women_count=64,
                    members_with_title=0,
                ),
                AwardRecord(
                    subject_kind=NomineeKind.HOUSEHOLD,
                    household_id=family,
                    award_code="gd_van_hoa",
                    kind=AwardKind.MERIT,
                    year=2024,
                    decision_number="30/QĐ-UBND",
                    decision_date=date(2024, 12, 10),
                    deciding_authority="Chủ tịch UBND phường",
                ),
                AwardRecord(
                    subject_kind=NomineeKind.HOUSEHOLD,
                    household_id=family,
                    award_code="gd_van_hoa",
                    kind=AwardKind.MERIT,
                    year=2025,
                    decision_number="31/QĐ-UBND",
                    decision_date=date(2025, 12, 11),
                    deciding_authority="Chủ tịch UBND phường",
                ),
            ]
        )
    history = await get_json(api, "canbo.tdp1", f"/api/v1/collectives/{group}/awards")
    assert (
        history["subject"]["name"] == "Tổ dân phố số 1"
        and history["subject"]["kind"] == "collective"
    )
    assert [(a["award_code"], a["award_name_vi"]) for a in history["awards"]] == [
        ("tdp_van_hoa", "Tổ dân phố văn hóa")
    ]
    assert history["evaluations"] == [
        {
            "year": 2025,
            "rating": "good",
            "rating_vi": "Hoàn thành tốt nhiệm vụ",
            "member_count": 120,
            "women_count": 64,
            "members_with_title": 0,
        }
    ]
    assert history["initiatives"] == []

    history = await get_json(api, "canbo.tdp1", f"/api/v1/households/{family}/awards")
    assert history["subject"]["unit_name"] == "Tổ dân phố số 1"
    assert [(a["year"], a["decision_number"]) for a in history["awards"]] == [
        (2025, "31/QĐ-UBND"),
        (2024, "30/QĐ-UBND"),
    ]

    # Another unit's officer sees neither; the ward's chairman sees both
    for path in (f"/api/v1/collectives/{group}/awards", f"/api/v1/households/{family}/awards"):
        await get_json(api, "canbo.vanphong", path, status=403)
        await get_json(api, "chutich", path)


async def test_history_access(api: Harness) -> None:
    hoa = f"/api/v1/people/{api.ids.people[HOA]}/awards"
    ghost = "/api/v1/people/987654/awards"
    assert (await api.get(None, hoa)).status_code == 401
    # Unit officers of other units and other levels: 403, identical for a missing person
    for user in ("canbo.truonghoc", "canbo.tdp1", "thanhpho", "trunguong"):
        forbidden = await get_json(api, user, hoa, status=403)
        assert await get_json(api, user, ghost, status=403) == forbidden
    await get_json(api, "canbo.vanphong", ghost, status=403)
    # Her unit and every authority role of the ward
    for user in (
        "canbo.vanphong",
        "thuongtruc",
        "chutich",
        "phochutich",
        "uyvien.vhxh",
        "uyvien.xdd",
        "kiemtra",
        "quantri",
    ):
        await get_json(api, user, hoa)
    # The administrator is told the truth about a missing id
    missing = await get_json(api, "quantri", ghost, status=404)
    assert "987654" in missing["detail"]
    await get_json(api, "quantri", "/api/v1/collectives/987654/awards", status=404)
    await get_json(api, "chutich", "/api/v1/households/987654/awards", status=403)


# ---- look-ups --------------------------------------------------------------------------


async def test_people_lookup_by_unit_and_name(api: Harness) -> None:
    page = await get_json(api, "canbo.vanphong", "/api/v1/people")
    assert page["total"] == 3 and [p["full_name"] for p in page["items"]] == VAN_PHONG_PEOPLE
    hoa = next(p for p in page["items"] if p["full_name"] == HOA)
    assert hoa["gender"] == "female" and hoa["birth_year"] == 1985
    assert hoa["unit_name"] == "Văn phòng HĐND và UBND phường"

    # Typed without diacritics, any case, any word order
    found = await get_json(api, "canbo.vanphong", "/api/v1/people", q="nguyen thi HOA")
    assert [p["full_name"] for p in found["items"]] == [HOA] and found["total"] == 1
    found = await get_json(api, "thuongtruc", "/api/v1/people", q="hoa thi")
    assert [p["full_name"] for p in found["items"]] == [HOA]
    found = await get_json(api, "thuongtruc", "/api/v1/people", q="Đức")
    assert [p["full_name"] for p in found["items"]] == ["Phạm Văn Đức"]
    # The teacher is not in the office's units
    empty = await get_json(api, "canbo.vanphong", "/api/v1/people", q="Hương")
    assert empty == {"total": 0, "page": 1, "page_size": 50, "items": []}

    # The ward's standing officer sees the whole ward, page by page
    everyone = await get_json(api, "thuongtruc", "/api/v1/people", page_size=200)
    assert everyone["total"] == 13
    pages = [
        await get_json(api, "thuongtruc", "/api/v1/people", page=n, page_size=5) for n in (1, 2, 3)
    ]
    assert [len(p["items"]) for p in pages] == [5, 5, 3]
    assert [p["id"] for page in pages for p in page["items"]] == [
        p["id"] for p in everyone["items"]
    ]
    school = await get_json(
        api, "thuongtruc", "/api/v1/people", unit_id=api.ids.units["tk-th-thach-khoi"]
    )
    assert [p["full_name"] for p in school["items"]] == ["Lê Thị Hương"]

    # Another unit by id: refused; the city level sees no ward people
    await get_json(
        api,
        "canbo.vanphong",
        "/api/v1/people",
        status=403,
        unit_id=api.ids.units["tk-th-thach-khoi"],
    )
    assert (await get_json(api, "thanhpho", "/api/v1/people"))["total"] == 0
    assert (await get_json(api, "quantri", "/api/v1/people"))["total"] == 13
    assert (await api.get(None, "/api/v1/people")).status_code == 401
    response = await api.get("thuongtruc", "/api/v1/people", params={"page": 0})
    assert response.status_code == 422 and response.json()["field"] == "query.page"


async def test_units_collectives_households_and_initiatives(api: Harness) -> None:
    units = await get_json(api, "canbo.tdp1", "/api/v1/units")
    assert [(u["code"], u["kind"], u["level"]) for u in units] == [
        ("tk-tdp-1", "residential_group", "ward")
    ]

    ward = await get_json(api, "chutich", "/api/v1/units")
    codes = {u["code"] for u in ward}
    assert "ubnd-thach-khoi" in codes and "tk-tdp-6" in codes and "tk-vhxh" in codes
    assert not codes & {"ubnd-tp-hai-phong", "so-noi-vu-hp", "chinh-phu"}
    children = await get_json(
        api, "chutich", "/api/v1/units", parent_id=api.ids.units["ubnd-thach-khoi"]
    )
    assert len(children) == len(ward) - 1
    city = await get_json(api, "quantri", "/api/v1/units", level="city")
    assert {u["code"] for u in city} == {"ubnd-tp-hai-phong", "so-noi-vu-hp"}
    assert (await api.get("quantri", "/api/v1/units", params={"level": "tỉnh"})).json()[
        "field"
    ] == "query.level"

    groups = await get_json(api, "canbo.tdp1", "/api/v1/collectives")
    assert [(c["name"], c["unit_code"], c["unit_kind"]) for c in groups] == [
        ("Tổ dân phố số 1", "tk-tdp-1", "residential_group")
    ]
    all_groups = await get_json(api, "thuongtruc", "/api/v1/collectives")
    assert {c["unit_code"] for c in all_groups} >= {"tk-van-phong", "tk-th-thach-khoi", "tk-tdp-6"}
    await get_json(
        api, "canbo.tdp1", "/api/v1/collectives", status=403, unit_id=api.ids.units["tk-tdp-2"]
    )

    families = await get_json(api, "canbo.tdp1", "/api/v1/households")
    assert families["total"] == 2
    assert {h["head_name"] for h in families["items"]} == {"Bùi Văn Khải", "Nguyễn Văn Tâm"}
    found = await get_json(api, "thuongtruc", "/api/v1/households", q="so 21")
    assert [(h["head_name"], h["residential_group_name"]) for h in found["items"]] == [
        ("Trần Thị Nga", "Tổ dân phố số 2")
    ]

    hoa = api.ids.people[HOA]
    mine = await get_json(api, "canbo.vanphong", "/api/v1/initiatives")
    assert [(i["person_name"], i["scope"]) for i in mine] == [(HOA, "city")]
    ward_wide = await get_json(api, "thuongtruc", "/api/v1/initiatives")
    assert {i["person_name"] for i in ward_wide} == {HOA, "Trần Văn Minh"}
    one = await get_json(api, "kiemtra", "/api/v1/initiatives", person_id=hoa)
    assert [i["title"] for i in one] == [
        "Quy trình tiếp nhận, trả kết quả thủ tục hành chính liên thông điện tử"
    ]
    await get_json(api, "canbo.truonghoc", "/api/v1/initiatives", status=403, person_id=hoa)
    await get_json(api, "canbo.truonghoc", "/api/v1/initiatives", status=403, person_id=424242)
    assert await get_json(api, "canbo.truonghoc", "/api/v1/initiatives") == []
