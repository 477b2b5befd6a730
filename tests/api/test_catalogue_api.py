"""The catalogue and eligibility APIs on the real app and the seeded database (both
backends): the rule set in force on a date, an award's chain and cash, and verdicts for
stored and inline candidates with the access rules."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from models import AwardRecord
from tests.clock import fixed_clock
from tests.conftest import make_settings
from tests.harness import Harness
from thidua.db import create_engine

HOA = "Nguyễn Thị Hoa"


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


def reason(verdict: dict, code: str) -> dict:
    def walk(reasons):
        for item in reasons:
            yield item
            yield from walk(item["details"])

    return next(item for item in walk(verdict["reasons"]) if item["code"] == code)


# ---- the catalogue ---------------------------------------------------------------------


async def test_rule_set_in_force_changes_on_1_july_2025(api: Harness) -> None:
    sets = (await api.get(None, "/api/v1/catalogue/rule-sets")).json()
    assert [s["id"] for s in sets] == ["nd98-2023", "nd152-2025"]
    assert sets[0]["effective_to"] == "2025-06-30" and sets[1]["effective_from"] == "2025-07-01"
    assert all(s["award_count"] >= 13 and s["base_salary_vnd"] == 2_340_000 for s in sets)

    before = (await api.get(None, "/api/v1/catalogue", params={"on": "2025-06-30"})).json()
    after = (await api.get(None, "/api/v1/catalogue", params={"on": "2025-07-01"})).json()
    assert before["id"] == "nd98-2023" and before["override"] is None
    assert after["id"] == "nd152-2025" and after["override"] == "hai-phong"
    # The city's own instrument joins the "căn cứ" lines of the new rule set only
    assert any("3998/QĐ-UBND" in line for line in after["legal_bases"])
    assert not any("3998/QĐ-UBND" in line for line in before["legal_bases"])
    # Before the reform a district decided CSTĐCS; after it, the ward chairman
    cstdcs_before = next(a for a in before["awards"] if a["code"] == "cstdcs")
    cstdcs_after = next(a for a in after["awards"] if a["code"] == "cstdcs")
    assert cstdcs_before["deciding_level"] == "district"
    assert [step["level"] for step in cstdcs_before["chain"]] == ["ward", "district"]
    assert cstdcs_after["deciding_level"] == "ward"
    assert cstdcs_after["deciding_authority_vi"] == "Chủ tịch Ủy ban nhân dân phường"

    # Default: today in Vietnam (a date after 1 July 2025 for these tests)
    today = (await api.get(None, "/api/v1/catalogue")).json()
    assert today["id"] == "nd152-2025"


async def test_cstdcs_needs_80_percent_secret_ballot_with_city_dossier(api: Harness) -> None:
    response = await api.get(None, "/api/v1/catalogue/awards/cstdcs", params={"on": "2025-07-01"})
    assert response.status_code == 200, response.text
    award = response.json()
    assert award["rule_set_id"] == "nd152-2025"
    assert award["short_name"] == "CSTĐCS" and award["category"] == "title" and award["yearly"]
    assert award["recipients"] == ["individual"]
    (ward,) = award["chain"]
    assert ward["council"]["vote"] == "secret_ballot"
    assert ward["council"]["threshold"] == "≥ 80%"
    assert ward["council"]["quorum"] == "≥ 2/3"
    assert "bỏ phiếu kín" in ward["council"]["text_vi"] and "≥ 80%" in ward["council"]["text_vi"]
    # Hải Phòng's override: 2 working days to accept, 5 to supplement, the yearly rating
    assert ward["completeness_check"] == {
        "days": 2,
        "working": True,
        "text_vi": "2 ngày làm việc",
        "text_en": "2 working days",
    }
    assert ward["resubmission"]["days"] == 5
    assert ward["public_notice"] is None
    codes = [[item["code"] for item in line["items"]] for line in ward["required_dossier"]]
    assert ["ket_qua_danh_gia"] in codes and ["to_trinh"] in codes
    assert ward["required_dossier"][0]["items"][0]["name_vi"].startswith("Tờ trình")
    assert award["cash"] == [{"recipient": "individual", "multiple": 1.0, "amount_vnd": 2_340_000}]

    # Under Decree 98 the proof could be the initiative certificate OR the rating
    old = (
        await api.get(None, "/api/v1/catalogue/awards/cstdcs", params={"on": "2025-06-30"})
    ).json()
    alternatives = [line for line in old["chain"][0]["required_dossier"] if line["alternatives"]]
    assert [[i["code"] for i in line["items"]] for line in alternatives] == [
        ["xac_nhan_sang_kien", "ket_qua_danh_gia"]
    ]
    assert " hoặc " in alternatives[0]["text_vi"]


async def test_cash_and_criteria_in_words(api: Harness) -> None:
    catalogue = (await api.get(None, "/api/v1/catalogue", params={"on": "2026-01-15"})).json()
    awards = {a["code"]: a for a in catalogue["awards"]}
    ldtt = awards["ldtt"]
    # 0.3 × 2,340,000 đồng
    assert ldtt["cash"] == [{"recipient": "individual", "multiple": 0.3, "amount_vnd": 702_000}]
    assert ldtt["legal_basis"][0] == "Luật TĐKT 2022, Điều 24"
    giay_khen = awards["giay_khen"]
    assert {c["recipient"]: c["amount_vnd"] for c in giay_khen["cash"]} == {
        "individual": 702_000,
        "collective": 1_404_000,
        "household": 1_053_000,
    }
    assert giay_khen["kinds"] == ["merit", "sudden", "campaign"]

    cstdcs = {c["code"]: c for c in awards["cstdcs"]["criteria"]}
    assert cstdcs["title_in_year"]["text_vi"] == (
        "Đạt Lao động tiên tiến năm xét (hoặc được đề nghị cùng đợt)"
    )
    alternatives = cstdcs["excellent_or_initiative"]
    assert (
        alternatives["predicate"] == "any_of"
        and alternatives["article"] == "Luật TĐKT 2022, Điều 23"
    )
    assert [c["code"] for c in alternatives["children"]] == ["rating", "initiative", "research"]
    assert alternatives["children"][0]["text_vi"] == "Năm xét đạt Hoàn thành xuất sắc nhiệm vụ"

    cstd_city = {c["code"]: c for c in awards["cstd_thanh_pho"]["criteria"]}
    chain_text = cstd_city["consecutive_titles"]["text_vi"]
    assert chain_text.startswith("3 năm liên tục đạt Chiến sĩ thi đua cơ sở")
    assert "không tính lại" in chain_text
    assert cstd_city["initiative"]["text_en"].startswith("1 city-level or wider")
    city_step = awards["cstd_thanh_pho"]["chain"][1]
    assert city_step["level"] == "city" and city_step["council"]["threshold"] == "≥ 90%"

    # A standard the unit attests reads as the catalogue wrote it
    tdp = awards["tdp_van_hoa"]["criteria"][0]
    assert tdp["predicate"] == "attested" and tdp["text_vi"].startswith(
        "Đạt tiêu chuẩn Tổ dân phố văn hóa"
    )
    assert awards["tdp_van_hoa"]["chain"][0]["public_notice"]["text_vi"] == "10 ngày"

    items = (await api.get(None, "/api/v1/catalogue/dossier-items")).json()
    by_code = {item["code"]: item for item in items}
    assert by_code["bao_cao_thanh_tich"]["name_vi"] == "Báo cáo thành tích"


async def test_catalogue_errors_name_the_problem(api: Harness) -> None:
    response = await api.get(None, "/api/v1/catalogue", params={"on": "2020-01-01"})
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "on"
    assert (
        "01/01/2020" in body["detail"] and "no rule set is in force on 2020-01-01" in body["detail"]
    )

    response = await api.get(None, "/api/v1/catalogue", params={"on": "30/06/2025"})
    assert response.status_code == 422 and response.json()["field"] == "query.on"

    response = await api.get(None, "/api/v1/catalogue/awards/huan_chuong_sao_vang")
    assert response.status_code == 404
    assert "huan_chuong_sao_vang" in response.json()["detail"]

    response = await api.get(None, "/api/v1/catalogue/awards/cstdcs", params={"on": "2023-12-31"})
    assert response.status_code == 422 and response.json()["field"] == "on"


async def test_openapi_documents_the_read_apis(api: Harness) -> None:
    spec = (await api.get(None, "/openapi.json")).json()
    paths = spec["paths"]
    check = paths["/api/v1/eligibility/check"]["post"]
    assert check["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "VerdictRead"
    )
    assert {"401", "403", "422"} <= set(check["responses"])
    assert "404" in paths["/api/v1/catalogue/awards/{code}"]["get"]["responses"]
    for path in (
        "/api/v1/people/{person_id}/awards",
        "/api/v1/collectives/{collective_id}/awards",
        "/api/v1/households/{household_id}/awards",
    ):
        assert {"200", "401", "403"} <= set(paths[path]["get"]["responses"])
    assert "CriterionRead" in spec["components"]["schemas"]


# ---- eligibility -----------------------------------------------------------------------


async def test_stored_person_verdict_for_city_emulation_fighter(api: Harness) -> None:
    """Nguyễn Thị Hoa holds CSTĐCS 2024 and 2025 and a city-level initiative of 2026."""
    body = {
        "award_code": "cstd_thanh_pho",
        "year": 2026,
        "subject": {"kind": "individual", "person_id": api.ids.people[HOA]},
    }
    verdict = await api.ok("canbo.vanphong", "/api/v1/eligibility/check", body)
    assert verdict["eligible"] is False
    assert verdict["rule_set_id"] == "nd152-2025" and verdict["candidate_name"] == HOA
    assert verdict["subject_id"] == api.ids.people[HOA]
    assert verdict["unmet"] == ["consecutive_titles"]
    chain = reason(verdict, "consecutive_titles")
    assert chain["article"] == "Luật TĐKT 2022, Điều 22"
    assert "3 năm liên tục" in chain["message_vi"] and "2024, 2025" in chain["message_vi"]
    initiative = reason(verdict, "initiative")
    assert initiative["met"] and "Quy trình tiếp nhận" in initiative["message_vi"]
    # Every principle is reported, met or not
    assert {
        "recipient_kind",
        "award_kind",
        "yearly_title_once",
        "one_achievement_one_award",
        "initiative_once",
        "merit_history_only",
        "no_pending_matters",
    } <= {r["code"] for r in verdict["reasons"]}

    # Proposed for CSTĐCS 2026 in the same batch: three consecutive years
    body["batch_titles"] = ["cstdcs"]
    verdict = await api.ok("thuongtruc", "/api/v1/eligibility/check", body)
    assert verdict["eligible"] is True, verdict["unmet"]
    assert "2024, 2025 và 2026" in reason(verdict, "consecutive_titles")["message_vi"]

    # The 2025 title is revoked: the chain breaks, read from the database
    async with api.factory() as session, session.begin():
        await session.execute(
            update(AwardRecord)
            .where(
                AwardRecord.person_id == api.ids.people[HOA],
                AwardRecord.award_code == "cstdcs",
                AwardRecord.year == 2025,
            )
            .values(
                revoked_at=datetime(2026, 3, 1, tzinfo=UTC), revocation_reason="Khai man thành tích"
            )
        )
    verdict = await api.ok("thuongtruc", "/api/v1/eligibility/check", body)
    assert verdict["eligible"] is False and verdict["unmet"] == ["consecutive_titles"]


async def test_stored_person_verdict_for_city_certificate_of_merit(api: Harness) -> None:
    body = {
        "award_code": "bang_khen_thanh_pho",
        "year": 2026,
        "subject": {"kind": "individual", "person_id": api.ids.people[HOA]},
    }
    verdict = await api.ok("chutich", "/api/v1/eligibility/check", body)
    assert verdict["eligible"] is False and verdict["unmet"] == ["individual_grounds"]
    grounds = reason(verdict, "individual_grounds")
    assert grounds["article"] == "Luật TĐKT 2022, Điều 74(1)"
    assert [d["code"] for d in grounds["details"]] == [
        "consecutive_titles",
        "excellent_with_initiatives",
        "city_movement",
        "city_influence",
    ]
    # Three excellent years, but one initiative in that period (of two needed): Art. 74(1)(d)
    excellent = reason(verdict, "excellent_with_initiatives")
    assert excellent["met"] is False and excellent["article"] == "Luật TĐKT 2022, Điều 74(1)(d)"
    assert excellent["message_vi"].startswith(
        "Đạt Hoàn thành xuất sắc nhiệm vụ 3 năm liên tục (năm 2024, 2025 và 2026); cần 2 sáng kiến hoặc "
        "đề tài cấp cơ sở trở lên trong thời gian đó (các năm 2024–2026)"
    )

    body["attestations"] = ["city_movement"]
    verdict = await api.ok("chutich", "/api/v1/eligibility/check", body)
    assert verdict["eligible"] is True
    assert "Đơn vị xác nhận" in reason(verdict, "city_movement")["message_vi"]

    # Under the old rule set (chosen by date or by id) the verdict names it
    body.pop("attestations")
    for choice in ({"on": "2025-06-30"}, {"rule_set_id": "nd98-2023"}):
        verdict = await api.ok("chutich", "/api/v1/eligibility/check", {**body, **choice})
        assert verdict["rule_set_id"] == "nd98-2023"


async def test_inline_what_if_candidate(api: Harness) -> None:
    """Anyone signed in may check a history typed in: a teacher with LĐTT 2026."""
    candidate = {
        "kind": "individual",
        "name": "Giáo viên A",
        "gender": "female",
        "awards": [{"award_code": "ldtt", "year": 2026}],
        "evaluations": [{"year": 2026, "rating": "good"}],
    }
    body = {"award_code": "cstdcs", "year": 2026, "candidate": candidate}
    verdict = await api.ok("canbo.truonghoc", "/api/v1/eligibility/check", body)
    assert verdict["eligible"] is False and verdict["unmet"] == ["excellent_or_initiative"]
    assert verdict["subject_id"] is None and verdict["candidate_name"] == "Giáo viên A"
    assert "Hoàn thành tốt nhiệm vụ" in reason(verdict, "rating")["message_vi"]

    # What if she had a base-level initiative that year?
    candidate["initiatives"] = [{"year": 2026, "scope": "base", "title": "Dạy học STEM"}]
    verdict = await api.ok("canbo.truonghoc", "/api/v1/eligibility/check", body)
    assert verdict["eligible"] is True
    assert "Dạy học STEM" in reason(verdict, "initiative")["message_vi"]

    # A sudden award never grounds a merit title
    body = {
        "award_code": "cstd_thanh_pho",
        "year": 2026,
        "candidate": {
            "kind": "individual",
            "awards": [
                {"award_code": "cstdcs", "year": 2024, "kind": "sudden"},
                {"award_code": "cstdcs", "year": 2025},
                {"award_code": "cstdcs", "year": 2026},
            ],
            "initiatives": [{"year": 2026, "scope": "city"}],
        },
    }
    verdict = await api.ok("canbo.truonghoc", "/api/v1/eligibility/check", body)
    assert verdict["unmet"] == ["consecutive_titles"]
    assert "không tính" in reason(verdict, "consecutive_titles")["message_vi"]


async def test_checking_a_stored_subject_needs_to_see_it(api: Harness) -> None:
    hoa = {
        "award_code": "ldtt",
        "year": 2026,
        "subject": {"kind": "individual", "person_id": api.ids.people[HOA]},
    }
    ghost = {**hoa, "subject": {"kind": "individual", "person_id": 999_999}}

    # Not signed in
    response = await api.post(None, "/api/v1/eligibility/check", hoa)
    assert response.status_code == 401

    # A unit officer of another unit, and the city level: 403, the same for a ghost
    for user in ("canbo.truonghoc", "thanhpho"):
        forbidden = await api.post(user, "/api/v1/eligibility/check", hoa)
        missing = await api.post(user, "/api/v1/eligibility/check", ghost)
        assert forbidden.status_code == missing.status_code == 403
        assert forbidden.json() == missing.json()
    # Her own unit's officer cannot probe for ids either
    assert (await api.post("canbo.vanphong", "/api/v1/eligibility/check", ghost)).status_code == 403

    # The ward's authority roles and the administrator see her
    for user in ("canbo.vanphong", "thuongtruc", "phochutich", "uyvien.mttq", "kiemtra", "quantri"):
        assert (await api.post(user, "/api/v1/eligibility/check", hoa)).status_code == 200, user
    # The administrator may know the ghost does not exist
    response = await api.post("quantri", "/api/v1/eligibility/check", ghost)
    assert response.status_code == 422 and response.json()["field"] == "subject.person_id"

    # Collectives and households follow the same rule
    group = {
        "award_code": "tdp_van_hoa",
        "year": 2026,
        "subject": {"kind": "collective", "collective_id": api.ids.collectives["tk-tdp-1"]},
    }
    assert (await api.post("canbo.tdp1", "/api/v1/eligibility/check", group)).status_code == 200
    assert (await api.post("canbo.vanphong", "/api/v1/eligibility/check", group)).status_code == 403
    family = {
        "award_code": "gd_van_hoa",
        "year": 2026,
        "subject": {"kind": "household", "household_id": api.ids.households["Bùi Văn Khải"]},
    }
    verdict = await api.ok("canbo.tdp1", "/api/v1/eligibility/check", family)
    assert verdict["candidate_kind"] == "household" and verdict["unmet"] == ["gdvh_standards"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"subject": None}, "subject"),
        ({"candidate": {"kind": "individual"}}, "candidate"),
        ({"award_code": "bang_khen_ubnd_quan"}, "award_code"),
        ({"on": "2019-05-01"}, "on"),
        ({"on": "2026-01-01", "rule_set_id": "nd152-2025"}, "rule_set_id"),
        ({"rule_set_id": "nd91-2017"}, "rule_set_id"),
        ({"year": "năm nay"}, "body.year"),
        ({"subject": {"kind": "individual", "collective_id": 1}}, "body.subject"),
        ({"batch_titles": ["ldtt", "cstd_tinh"]}, "batch_titles[1]"),
    ],
)
async def test_bad_input_names_the_field(api: Harness, change: dict, field: str) -> None:
    body = {
        "award_code": "cstdcs",
        "year": 2026,
        "subject": {"kind": "individual", "person_id": api.ids.people[HOA]},
        **change,
    }
    body = {key: value for key, value in body.items() if value is not None}
    response = await api.post("canbo.vanphong", "/api/v1/eligibility/check", body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert " / " in response.json()["detail"]  # Vietnamese / English


async def test_inline_history_with_an_unknown_award_is_refused(api: Harness) -> None:
    body = {
        "award_code": "cstdcs",
        "year": 2026,
        "candidate": {
            "kind": "individual",
            "awards": [
                {"award_code": "ldtt", "year": 2026},
                {"award_code": "chien_si_tien_tien", "year": 2025},
            ],
        },
    }
    response = await api.post("canbo.truonghoc", "/api/v1/eligibility/check", body)
    assert response.status_code == 422
    assert response.json()["field"] == "candidate.awards[1].award_code"
    body["candidate"]["collective_years"] = [{"year": 2026, "members": 5, "women": 9}]
    response = await api.post("canbo.truonghoc", "/api/v1/eligibility/check", body)
    assert response.status_code == 422
    assert response.json()["field"].startswith("body.candidate.collective_years.0")
