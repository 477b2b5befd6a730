"""The emulation campaign and one exemplary model in a real browser (headless Chromium),
each person on their own pages: the standing body opens and launches the campaign, a unit
registers for the year, the unit proposes an exemplary model, the standing body nurtures
and summarizes it, the public service centre publishes it, another unit reports adopting
it, and a resident finds it on the public portal.

The campaign is the seeded plan moved to start the year after the test's moment: launched
before its first year, it opens registration when the test skips to that day, whatever
day the suite runs."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.conftest import ACCESSIBILITY_PROBLEMS
from tests.browser.test_whole_nomination import People, flash
from tests.campaigns.helpers import open_registration, plan_campaign, this_year

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

MODEL = "Gương cán bộ tận tụy với Nhân dân"


async def accessible(page) -> None:
    """The checks of ``checkpoint`` for a page with forms that gets no screenshot."""
    assert await page.evaluate(ACCESSIBILITY_PROBLEMS) == [], page.url


async def test_campaign_and_exemplar_in_the_browser(harness, live_server, chromium, checkpoint):
    people = People(chromium, live_server)
    try:
        await _run(harness, people, checkpoint)
    finally:
        await people.close()


async def _run(harness, people: People, shoot) -> None:
    campaign_id = await plan_campaign(harness, await this_year(harness) + 1)

    # ---- the standing body opens the campaign and launches it -----------------------------
    standing = await people.page("thuongtruc")
    await standing.get_by_role("link", name="Phong trào thi đua").first.click()
    await standing.locator(f'article[data-campaign="{campaign_id}"] h2 a').click()
    campaign_url = standing.url
    await expect(standing.locator("#campaign-status")).to_have_attribute("data-status", "planned")
    await standing.get_by_role("button", name="Phát động phong trào").click()
    assert "Đã phát động phong trào thi đua" in await flash(standing)
    await expect(standing.locator("#campaign-status")).to_have_attribute("data-status", "running")
    registration_due = standing.locator('tr[data-cycle="registration_due"]')
    await expect(registration_due).to_have_attribute("data-state", "not_open")
    await expect(standing.locator("#next-step")).to_contain_text("Mở đăng ký thi đua")
    # the day registration opens
    await open_registration(harness, campaign_id)
    await standing.reload()
    await expect(registration_due).to_have_attribute("data-state", "open")
    await expect(standing.locator("#registered-count")).to_contain_text("0/15 đơn vị đã đăng ký")
    await shoot(standing, "10-campaign-plan")

    # ---- a unit registers for the year ----------------------------------------------------
    unit = await people.page("canbo.vanphong")
    await unit.goto(campaign_url)
    await unit.get_by_role("link", name="Đăng ký thi đua").first.click()
    form = unit.locator("#register-form")
    await accessible(unit)
    await form.get_by_label("Tập thể lao động tiên tiến").check()
    await form.get_by_label(
        "Thi đua cải cách hành chính, cải thiện môi trường đầu tư kinh doanh"
    ).check()
    await form.get_by_label("Nội dung giao ước thi đua").fill("Không để hồ sơ hành chính trễ hạn")
    await form.get_by_role("button", name="Đăng ký thi đua").click()
    assert "Đã đăng ký thi đua năm" in await flash(unit)
    await expect(unit.locator("#mine")).to_contain_text("Tập thể lao động tiên tiến")
    await standing.goto(campaign_url + "/registrations")
    van_phong = harness.ids.units["tk-van-phong"]
    await expect(standing.locator(f'#by-unit tr[data-unit="{van_phong}"]')).to_have_attribute(
        "data-registered", "yes"
    )
    await expect(standing.locator("#by-unit-count")).to_contain_text("1/15 đơn vị đã đăng ký")
    await shoot(standing, "11-campaign-registrations")

    # ---- the unit proposes an exemplary model (an error next to the field first) ---------
    await unit.goto(campaign_url)
    await unit.get_by_role("link", name="Đề xuất điển hình tiên tiến").click()
    propose = unit.locator("#propose-form")
    await propose.get_by_label("Tên điển hình").fill(MODEL)
    await propose.get_by_label("Đối tượng").select_option(
        f"individual:{harness.ids.people['Nguyễn Thị Hoa']}"
    )
    await propose.get_by_label(re.compile("^Nội dung thi đua")).select_option("cai-cach-hanh-chinh")
    await propose.get_by_role("button", name="Gửi đề xuất").click()
    await expect(unit.locator("#propose-evidence-error")).to_have_text("Vui lòng nhập trường này")
    await expect(unit.locator("#propose-form").get_by_label("Tên điển hình")).to_have_value(MODEL)
    await shoot(unit, "12-exemplar-propose")
    await (
        unit.locator("#propose-form")
        .get_by_label("Căn cứ, minh chứng")
        .fill("Không để hồ sơ trễ hạn trong năm; được Nhân dân khen ngợi trên cổng góp ý")
    )
    await unit.locator("#propose-form").get_by_role("button", name="Gửi đề xuất").click()
    assert MODEL in await flash(unit)
    await expect(unit.locator("#exemplar-stage")).to_have_attribute("data-stage", "discovered")
    exemplar_url = unit.url

    # ---- the standing body nurtures it, then summarizes it -----------------------------------
    await standing.goto(exemplar_url)
    nurture = standing.locator("#form-nurture")
    await nurture.get_by_label("Kế hoạch bồi dưỡng, hỗ trợ").fill(
        "Tập huấn kỹ năng số; giới thiệu kinh nghiệm tại hội nghị giao ban"
    )
    await nurture.get_by_label("Cán bộ phụ trách").select_option(label="Ngô Thị Mai")
    await expect(nurture.get_by_label("Chu kỳ theo dõi (ngày)")).to_have_value("30")
    await nurture.get_by_role("button", name="Bồi dưỡng: giao kế hoạch hỗ trợ").click()
    assert "Bồi dưỡng" in await flash(standing)
    await expect(standing.locator("#exemplar-stage")).to_have_attribute("data-stage", "nurturing")
    await accessible(standing)  # the follow-up, summary, revision and drop forms
    summarize = standing.locator("#form-summarize")
    await summarize.get_by_label("Nhận xét, kết quả").fill(
        "Lan tỏa tốt trong bộ phận một cửa; giảm hồ sơ trễ hạn"
    )
    await summarize.get_by_label("Tốt", exact=True).check()
    await summarize.get_by_role("button", name="Tổng kết, đánh giá điển hình").click()
    assert "Tổng kết" in await flash(standing)
    await expect(standing.locator("#exemplar-stage")).to_have_attribute("data-stage", "summarized")
    await unit.goto(exemplar_url)  # the unit may now turn it into a nomination
    await expect(unit.locator("#form-propose_nomination")).to_be_visible()
    await unit.locator("#award_code").select_option("giay_khen")
    await expect(unit.locator('fieldset.attestations[data-award="giay_khen"]')).to_be_visible()
    await accessible(unit)

    # ---- the public service centre publishes it -------------------------------------------
    centre = await people.page("canbo.ttdv")
    await centre.goto(exemplar_url)
    await (
        centre.locator("#form-publish")
        .get_by_label(re.compile("^Hình thức công bố"))
        .fill("Giới thiệu trên trang thông tin điện tử phường")
    )
    await centre.get_by_role("button", name="Công bố nhân rộng").click()
    assert "Công bố nhân rộng" in await flash(centre)
    await expect(centre.locator("#exemplar-stage")).to_have_attribute("data-stage", "replicating")

    # ---- another unit reports adopting it ----------------------------------------------------
    other = await people.page("canbo.tdp1")
    await other.goto(exemplar_url)
    await accessible(other)
    adoption = other.locator("#form-report_adoption")
    await adoption.get_by_label("Đơn vị áp dụng").select_option(label="Tổ dân phố số 1")
    await adoption.get_by_label(re.compile("^Kết quả áp dụng")).fill(
        "Áp dụng cách làm một cửa tại nhà văn hóa tổ dân phố"
    )
    await adoption.get_by_role("button", name="Báo cáo áp dụng, nhân rộng").click()
    assert "Báo cáo áp dụng" in await flash(other)
    await expect(other.locator("#adoptions")).to_contain_text("Tổ dân phố số 1")
    await expect(other.locator("#timeline li[data-action='adopted']")).to_be_visible()
    await shoot(other, "13-exemplar-replicating")

    # ---- the standing body reads the report ------------------------------------------------
    await standing.goto(campaign_url + "/report")
    await expect(standing.locator('[data-total="registrations"]')).to_have_text("1")
    await expect(standing.locator('[data-total="adoptions"]')).to_have_text("1")
    await shoot(standing, "14-campaign-report")

    # ---- a resident sees the model being replicated ---------------------------------------
    resident = await people.page(None, phone=True)
    await resident.goto("/cong-khai")
    exemplars = resident.locator("#exemplars")
    await expect(exemplars).to_contain_text(MODEL)
    await expect(exemplars).to_contain_text("1 đơn vị đã áp dụng")
