"""Enter in the forms whose list of people was cut at its limit, in a real browser
(headless Chromium). Those forms show a «Tìm» box with its own button before the form's
own buttons, and a browser's Enter presses a form's first submit button: Enter in an
ordinary field must still do what the form is for («Kiểm tra điều kiện» on a new
nomination, «Gửi đề xuất» on a new exemplar, «Đăng ký thi đua» on a registration), and
Enter in the «Tìm» box must search. The limit is lowered instead of writing 2,000 people
(as ``tests/pages/test_capped_choices.py`` does)."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select

from api.pages import exemplars as exemplar_pages
from api.pages import nominations as nomination_pages
from api.pages import registrations as registration_pages
from models import Campaign
from tests.browser.conftest import ACCESSIBILITY_PROBLEMS
from tests.browser.test_whole_nomination import People, flash
from tests.campaigns.helpers import open_registration, plan_campaign, this_year
from thidua.seed import CAMPAIGN_CODE

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

CAPPED = "Đơn vị có hơn 2 người: danh sách chỉ hiện 2 người đầu theo tên"


async def accessible(page: Page) -> None:
    assert await page.evaluate(ACCESSIBILITY_PROBLEMS) == [], page.url


async def test_enter_does_the_forms_action_and_searches_in_the_search_box(
    harness, live_server, chromium, monkeypatch
):
    for pages in (nomination_pages, exemplar_pages, registration_pages):
        monkeypatch.setattr(pages, "CHOICES_LIMIT", 2)
    people = People(chromium, live_server)
    try:
        unit = await people.page("canbo.vanphong")  # Hoàng Văn Nam, Nguyễn Thị Hoa, Đặng Thị Thủy
        thuy = harness.ids.people["Đặng Thị Thủy"]
        await _new_nomination(unit, thuy)
        await _new_exemplar(harness, unit, thuy)
        await _registration(harness, unit, thuy)
    finally:
        await people.close()


async def _new_nomination(unit: Page, thuy: int) -> None:
    await unit.goto("/nominations/new")
    form = unit.locator("#new-nomination")
    await expect(unit.locator("#nominee_search-capped-people")).to_contain_text(CAPPED)
    await accessible(unit)
    # The unseen first button is neither in the tab order nor read out: one button so named.
    await expect(form.get_by_role("button", name="Kiểm tra điều kiện")).to_have_count(1)
    await expect(form.locator("button.enter-default")).to_have_attribute("tabindex", "-1")

    # Enter in the year checks eligibility, as «Kiểm tra điều kiện» does.
    await form.locator("#award_code").select_option("giay_khen")
    await form.locator("#nominee").select_option(index=1)
    chosen = await form.locator("#nominee").input_value()
    year = form.get_by_label("Năm thành tích")
    await year.fill("2026")
    await year.press("Enter")
    await expect(unit.locator("#eligibility")).to_be_visible()
    assert unit.url.endswith("/nominations/new")  # nothing saved: the form again, checked
    await expect(unit.locator("#nominee")).to_have_value(chosen)

    # Enter in the «Tìm» box searches: the list narrowed to the name, the rest kept.
    box = unit.get_by_label("Tìm đối tượng theo tên")
    await box.fill("dang thi thuy")
    await box.press("Enter")
    await expect(unit.locator("#nominee option[value^='individual:']")).to_have_count(1)
    await expect(unit.locator("#nominee option[value^='individual:']")).to_have_attribute(
        "value", f"individual:{thuy}"
    )
    await expect(unit.locator("#eligibility")).to_have_count(0)  # searched, not checked
    await expect(unit.get_by_label("Tìm đối tượng theo tên")).to_have_value("dang thi thuy")
    await expect(unit.locator("#award_code")).to_have_value("giay_khen")
    await accessible(unit)


async def _new_exemplar(harness, unit: Page, thuy: int) -> None:
    async with harness.factory() as session:
        campaign_id = (
            await session.execute(select(Campaign.id).where(Campaign.code == CAMPAIGN_CODE))
        ).scalar_one()
    await unit.goto(f"/campaigns/{campaign_id}/exemplars/new")
    form = unit.locator("#propose-form")
    await expect(unit.locator("#subject_search-capped-people")).to_contain_text(CAPPED)
    await accessible(unit)
    await expect(form.get_by_role("button", name="Gửi đề xuất")).to_have_count(1)

    # Enter in the name proposes: no subject chosen, the proposal is refused by the field.
    title = form.get_by_label("Tên điển hình")
    await title.fill("Gương cán bộ tận tụy")
    await title.press("Enter")
    await expect(unit.locator("#propose-subject-error")).to_have_text("Vui lòng chọn")

    box = unit.get_by_label("Tìm đối tượng theo tên")
    await box.fill("Dang thi THUY")
    await box.press("Enter")
    subjects = unit.locator("#propose-subject option[value^='individual:']")
    await expect(subjects).to_have_count(1)
    await expect(subjects).to_have_attribute("value", f"individual:{thuy}")
    await expect(unit.locator("#propose-subject-error")).to_have_count(0)  # searched only
    await expect(unit.get_by_label("Tên điển hình")).to_have_value("Gương cán bộ tận tụy")
    await accessible(unit)


async def _registration(harness, unit: Page, thuy: int) -> None:
    campaign_id = await plan_campaign(harness, await this_year(harness) + 1)
    await harness.ok("thuongtruc", f"/api/v1/campaigns/{campaign_id}/launch")
    await open_registration(harness, campaign_id)
    await unit.goto(f"/campaigns/{campaign_id}/registrations")
    form = unit.locator("#register-form")
    await expect(unit.locator("#registrant_search-capped-people")).to_contain_text(CAPPED)
    await accessible(unit)

    box = form.get_by_label("Tìm đối tượng theo tên")
    await box.fill("đặng thủy")
    await box.press("Enter")
    people = unit.locator("#register-registrant option[value^='person:']")
    await expect(people).to_have_count(1)
    await expect(people).to_have_attribute("value", f"person:{thuy}")
    await expect(unit.locator("#register-form .field-error")).to_have_count(0)
    await accessible(unit)

    # Enter on a title's box registers, as «Đăng ký thi đua» does.
    await form.locator("#register-registrant").select_option(f"person:{thuy}")
    award = form.locator("fieldset.award-group:not([hidden]) input[name='target_awards']").first
    await award.check()
    await award.press("Enter")
    assert "Đã đăng ký thi đua năm" in await flash(unit)
    assert "Đặng Thị Thủy" in await flash(unit)
