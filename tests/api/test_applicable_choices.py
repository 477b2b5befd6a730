"""Forms offer only what applies, and the services refuse the rest (issue 16, point 9):
a return for supplement may ask only for the dossier items the award requires of the
nominee at its level, and a campaign registration only for the titles the catalogue
awards to the registrant's kind (the unit as a collective, or a person)."""

from __future__ import annotations

import pytest

from tests.campaigns.helpers import open_registration, plan_campaign, this_year

pytestmark = [pytest.mark.postgres]


def field_error(response, status: int, field: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body.get("field") == field, body
    return body


async def test_return_asks_only_for_items_the_award_requires(harness):
    nomination_id = (await harness.nominate(items=["to_trinh", "bao_cao_thanh_tich"]))["id"]
    path = f"/api/v1/nominations/{nomination_id}/return"
    # A Giấy khen for a person at the ward needs no household list, no Party opinion.
    for foreign in ("danh_sach_ho_gia_dinh", "y_kien_cap_uy"):
        body = field_error(
            await harness.post(
                "thuongtruc", path, {"missing_items": ["bien_ban_binh_xet", foreign], "reason": "x"}
            ),
            422,
            "missing_items",
        )
        assert foreign in body["detail"] or foreign in str(body), body
    returned = await harness.ok(
        "thuongtruc", path, {"missing_items": ["bien_ban_binh_xet"], "reason": "Thiếu biên bản"}
    )
    assert returned["stage"] == "returned"


async def test_registration_offers_titles_for_the_registrants_kind(harness):
    campaign_id = await plan_campaign(harness, await this_year(harness) + 1)
    await harness.ok("thuongtruc", f"/api/v1/campaigns/{campaign_id}/launch")
    await open_registration(harness, campaign_id)
    base = f"/api/v1/campaigns/{campaign_id}/registrations"
    unit = {"unit_id": harness.ids.units["tk-van-phong"]}
    hoa = harness.ids.people["Nguyễn Thị Hoa"]
    # The unit (a collective) may not aim for a person's title nor a household's.
    for title in ("ldtt", "gd_van_hoa"):
        body = field_error(
            await harness.post(
                "canbo.vanphong", base, {**unit, "target_awards": ["ttldtt", title]}
            ),
            422,
            "target_awards.1",
        )
        assert "không xét cho tập thể" in str(body), body
    # A person may not aim for a collective's title.
    field_error(
        await harness.post(
            "canbo.vanphong", base, {**unit, "person_id": hoa, "target_awards": ["ttldtt"]}
        ),
        422,
        "target_awards.0",
    )
    await harness.ok("canbo.vanphong", base, {**unit, "target_awards": ["ttldtt"]}, status=201)
    await harness.ok(
        "canbo.vanphong", base, {**unit, "person_id": hoa, "target_awards": ["ldtt"]}, status=201
    )
