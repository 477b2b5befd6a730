"""The new-nomination, new-exemplar and registration forms list at most ``CHOICES_LIMIT``
people (and as many households) of the unit. A unit with more does not lose the others silently: the form
says, next to the field, that the list is cut and how many it shows, and its «Tìm»
narrows the list to a name typed with or without diacritics, keeping what was already
filled in; the person so found is nominated like any other. (The limit is lowered here
instead of writing 2,000 people.)"""

from __future__ import annotations

import re

from sqlalchemy import select

from api.pages import exemplars as exemplar_pages
from api.pages import nominations as nomination_pages
from api.pages import registrations as registration_pages
from models import Campaign
from tests.campaigns.helpers import open_registration, plan_campaign, this_year
from thidua.seed import CAMPAIGN_CODE

CAPPED_PEOPLE = "Đơn vị có hơn 2 người: danh sách chỉ hiện 2 người đầu theo tên"
CAPPED_HOUSEHOLDS = "Đơn vị có hơn 1 hộ gia đình: danh sách chỉ hiện 1 hộ đầu theo tên chủ hộ"


def _options(page, kind: str) -> list[str]:
    return re.findall(rf'<option value="({kind}:\d+)"', page.text)


async def test_a_unit_within_the_limit_sees_no_notice_and_no_search(harness, people):
    page = await people("canbo.vanphong").get("/nominations/new")
    assert page.status_code == 200
    assert len(_options(page, "individual")) == 3
    assert "Đơn vị có hơn" not in page.text and 'name="nominee_search"' not in page.text


async def test_more_people_than_the_list_holds_are_said_and_found_by_name(
    harness, people, monkeypatch
):
    monkeypatch.setattr(nomination_pages, "CHOICES_LIMIT", 2)
    officer = people("canbo.vanphong")  # Hoàng Văn Nam, Nguyễn Thị Hoa, Đặng Thị Thủy
    page = await officer.get("/nominations/new")
    assert page.status_code == 200
    assert CAPPED_PEOPLE in page.text
    assert len(_options(page, "individual")) == 2
    assert 'name="nominee_search"' in page.text and 'value="find"' in page.text

    thuy = f"individual:{harness.ids.people['Đặng Thị Thủy']}"
    filled = {"award_code": "giay_khen", "year": "2026", "achievement_summary": "Tận tụy"}
    found = await officer.post(
        "/nominations/new",
        {**filled, "nominee_search": "dang THI thuy", "action": "find"},
        csrf_from="/nominations/new",
    )
    assert found.status_code == 200, found.text[:2000]
    assert _options(found, "individual") == [thuy]
    assert CAPPED_PEOPLE not in found.text  # one match: nothing left out
    assert 'value="dang THI thuy"' in found.text
    # What was filled in before «Tìm» is still there.
    assert '<option value="giay_khen" data-recipients' in found.text
    assert re.search(r'<option value="giay_khen"[^>]* selected>', found.text)
    assert ">Tận tụy</textarea>" in found.text

    nobody = await officer.post(
        "/nominations/new",
        {"nominee_search": "khong co ai", "action": "find"},
        csrf_from="/nominations/new",
    )
    assert nobody.status_code == 200
    assert _options(nobody, "individual") == []
    assert "Không có ai có tên như «khong co ai» trong đơn vị." in nobody.text

    saved = await officer.post(
        "/nominations/new",
        {
            **filled,
            "nominee": thuy,
            "nominee_search": "dang thi thuy",
            "attestations": ["exemplary", "movement_achievement"],
            "action": "save",
        },
        csrf_from="/nominations/new",
    )
    assert saved.status_code == 303, saved.text[:2000]
    draft = await officer.get(saved.headers["location"])
    assert "Đặng Thị Thủy" in draft.text


async def test_more_households_than_the_list_holds_are_said(harness, people, monkeypatch):
    monkeypatch.setattr(nomination_pages, "CHOICES_LIMIT", 1)
    officer = people("canbo.tdp1")  # one person; households of Bùi Văn Khải, Nguyễn Văn Tâm
    page = await officer.get("/nominations/new")
    assert page.status_code == 200
    assert CAPPED_HOUSEHOLDS in page.text
    assert "Đơn vị có hơn 1 người" not in page.text
    assert len(_options(page, "household")) == 1

    found = await officer.post(
        "/nominations/new",
        {"nominee_search": "nguyen van tam", "action": "find"},
        csrf_from="/nominations/new",
    )
    assert found.status_code == 200
    assert _options(found, "household") == [f"household:{harness.ids.households['Nguyễn Văn Tâm']}"]


async def test_the_new_exemplar_form_says_so_too_and_finds_by_name(harness, people, monkeypatch):
    monkeypatch.setattr(exemplar_pages, "CHOICES_LIMIT", 2)
    async with harness.factory() as session:
        campaign = (
            await session.execute(select(Campaign.id).where(Campaign.code == CAMPAIGN_CODE))
        ).scalar_one()
    new = f"/campaigns/{campaign}/exemplars/new"
    officer = people("canbo.vanphong")
    page = await officer.get(new)
    assert page.status_code == 200, page.text[:2000]
    assert CAPPED_PEOPLE in page.text
    assert len(_options(page, "individual")) == 2

    found = await officer.post(
        new,
        {"title": "Gương cán bộ", "subject_search": "Dang thi THUY", "action": "find"},
        csrf_from=new,
    )
    assert found.status_code == 200, found.text[:2000]
    assert _options(found, "individual") == [f"individual:{harness.ids.people['Đặng Thị Thủy']}"]
    assert CAPPED_PEOPLE not in found.text
    assert 'value="Gương cán bộ"' in found.text  # the title typed before «Tìm» is kept

    monkeypatch.setattr(exemplar_pages, "CHOICES_LIMIT", 1)
    households = await people("canbo.tdp1").get(new)
    assert CAPPED_HOUSEHOLDS in households.text
    assert len(_options(households, "household")) == 1


async def test_the_registration_form_says_so_too_and_finds_by_name(harness, people, monkeypatch):
    campaign_id = await plan_campaign(harness, await this_year(harness) + 1)
    await harness.ok("thuongtruc", f"/api/v1/campaigns/{campaign_id}/launch")
    await open_registration(harness, campaign_id)
    monkeypatch.setattr(registration_pages, "CHOICES_LIMIT", 2)
    page = f"/campaigns/{campaign_id}/registrations"
    officer = people("canbo.vanphong")
    form = await officer.get(page)
    assert 'id="register-form"' in form.text
    assert CAPPED_PEOPLE in form.text
    assert len(re.findall(r'<option value="person:\d+"', form.text)) == 2

    thuy = harness.ids.people["Đặng Thị Thủy"]
    found = await officer.post(
        page,
        {"registrant_search": "đặng thủy", "pledge": "Giao ước", "action": "find"},
        csrf_from=page,
    )
    assert found.status_code == 200, found.text[:2000]
    assert re.findall(r'<option value="(person:\d+)"', found.text) == [f"person:{thuy}"]
    assert ">Giao ước</textarea>" in found.text  # the pledge typed before «Tìm» is kept
    registered = await officer.post(
        page, {"registrant": f"person:{thuy}", "pledge": "Giao ước"}, csrf_from=page
    )
    assert registered.status_code == 303, registered.text[:2000]
