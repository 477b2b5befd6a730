"""Issue 16, points 6, 9, 13 and 15 in a real browser, with one engine (one harness, one
live server) and the session's Chromium, step by step:

- 13: the proposal form says the achievement summary is printed on the Giấy khen, and the
  standing body corrects it («Sửa tóm tắt thành tích») on the nomination page;
- 9: the return-for-supplement form lists only the items the award requires, and the
  campaign registration form offers unit titles to the unit and person titles to a person
  (desk and phone: the forms must not spill sideways on a 390 px screen);
- 15: the standing body sees the objector's name and contact and records the reply on
  the nomination page; the unit officer sees neither;
- 6: a summarized exemplar is on the home page of the ward's public service centre, under
  «Điển hình tiên tiến chờ công bố nhân rộng».

The state in between is driven through the API (the harness); the browser does what
each point is about. The registration and the exemplar come last: opening registration
moves the clock to the campaign's first year."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from domain.vocabulary import Stage
from tests.browser.test_whole_nomination import People, flash
from tests.campaigns.helpers import (
    add_unit_officer,
    eventually,
    notice_users,
    open_registration,
    plan_campaign,
    this_year,
)

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

CORRECTED = "Dẫn đầu phong trào cải cách hành chính của phường năm 2026"
OBJECTOR = "Mạc Văn Khiếu"
CONTACT = "0912 777 313, ngõ 5 Tổ dân phố số 1"
REASON = "Gia đình chưa tham gia dọn vệ sinh chung của tổ dân phố."
REPLY_NOTE = "Đã gọi điện giải thích kết quả xác minh."


async def fits_the_screen(page: Page) -> None:
    """Nothing spills sideways: the page is no wider than the window."""
    wide = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{page.url} is {wide}px wider than the window"


async def checked_values(form) -> list[str]:
    return [
        await box.get_attribute("value")
        for box in await form.locator('input[name="missing_items"]').all()
    ]


async def test_points_6_9_13_15_in_the_browser(harness, live_server, chromium, checkpoint):
    h = harness
    people = People(chromium, live_server)
    try:
        # ---- Point 13: the summary is printed, and the standing body corrects it ------
        # Before the fix the new-nomination form had no #achievement_summary-help and the
        # nomination page no «Sửa tóm tắt thành tích» form (git show HEAD:templates/pages/
        # nomination_new.html, nomination.html): both expectations below failed.
        unit = await people.page("canbo.vanphong")
        await unit.goto("/nominations/new")
        help_text = unit.locator("#achievement_summary-help")
        await expect(help_text).to_contain_text("in nguyên văn trên Giấy khen")
        await expect(unit.get_by_label("Tóm tắt thành tích")).to_have_attribute(
            "aria-describedby", re.compile("achievement_summary-help")
        )

        # One nomination (a Giấy khen for a person) with only the proposal in its dossier:
        # the standing body both corrects its summary and returns it (point 9).
        nomination_id = (await h.nominate(items=["to_trinh"]))["id"]
        address = f"/nominations/{nomination_id}"
        standing = await people.page("thuongtruc")
        await standing.goto(address)
        rare = standing.locator("#rare-summary")
        await rare.locator("summary").click()
        summary = rare.get_by_label("Tóm tắt thành tích")
        await expect(summary).to_have_value("Hoàn thành xuất sắc nhiệm vụ năm 2026")
        await summary.fill(CORRECTED)
        await rare.get_by_role("button", name="Sửa tóm tắt thành tích").click()
        await flash(standing)
        await expect(standing.locator("dd", has_text=CORRECTED)).to_have_count(1)
        await expect(
            standing.locator('#timeline li[data-action="summary_corrected"]')
        ).to_be_visible()
        assert (await h.nomination(nomination_id)).achievement_summary == CORRECTED
        await unit.goto(address)  # the unit may not correct it
        await expect(unit.locator("#form-summary")).to_have_count(0)

        # ---- Point 9a: the return form lists only what the award requires -------------
        # Before the fix it listed every dossier item of the rule set (household list,
        # Party committee's opinion, ...): the exact list below failed.
        required = ["to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet"]
        form = standing.locator("#form-return_for_supplement")
        await expect(form).to_be_visible()
        assert await checked_values(form) == required
        phone = await people.page("thuongtruc", phone=True)
        await phone.goto(address)
        phone_form = phone.locator("#form-return_for_supplement")
        await expect(phone_form).to_be_visible()
        assert await checked_values(phone_form) == required
        await fits_the_screen(phone)
        await phone_form.get_by_label("Lý do").fill("Thiếu báo cáo thành tích")
        await phone_form.get_by_role("button", name=re.compile("Trả lại")).click()
        await flash(phone)
        await h.wait_stage(nomination_id, Stage.RETURNED)

        # ---- Point 15: the objector's name, contact and reply, for the standing body ---
        # Before the fix the nomination page had no «Trả lời người phản ánh» block and no
        # reply form (the objection rows only): #reply-… below failed.
        household = await h.nominate(
            unit_user="canbo.tdp1",
            unit_code="tk-tdp-1",
            award_code="gd_van_hoa",
            person=None,
            household="Nguyễn Văn Tâm",
            items=["to_trinh", "danh_sach_ho_gia_dinh", "bien_ban_binh_xet"],
            attestations=["gdvh_standards"],
        )
        household_id = household["id"]
        await h.ok("thuongtruc", f"/api/v1/nominations/{household_id}/accept", {"note": ""})
        await h.wait_stage(household_id, Stage.PUBLIC_NOTICE)
        resident = await people.page(None)
        await resident.goto("/cong-khai")
        card = resident.locator(f"#notice-{household_id}")
        await card.locator("summary").click()
        await card.locator(f"#o{household_id}-objector_name").fill(OBJECTOR)
        await card.locator(f"#o{household_id}-objector_contact").fill(CONTACT)
        await card.locator(f"#o{household_id}-reason").fill(REASON)
        await card.get_by_role("button", name="Gửi").click()
        await eventually(
            lambda: h.get("thuongtruc", f"/api/v1/nominations/{household_id}"),
            lambda r: bool(r.json()["objections"]),
        )

        await standing.goto(f"/nominations/{household_id}")
        objections = standing.locator("#objections")
        await expect(objections).to_contain_text(OBJECTOR)
        await expect(objections).to_contain_text(CONTACT)
        reply = objections.locator(".objection-reply")
        await expect(reply).to_contain_text("Chưa ghi nhận việc trả lời")
        await reply.get_by_label("Điện thoại").check()
        await reply.get_by_label(re.compile("^Ghi chú")).fill(REPLY_NOTE)
        await reply.get_by_role("button", name="Ghi nhận việc trả lời").click()
        await flash(standing)
        record = standing.locator("#objections .objection-reply")
        await expect(record.locator(".reply-record")).to_contain_text("Đã trả lời qua Điện thoại")
        await expect(record.locator(".reply-note")).to_have_text(REPLY_NOTE)
        await checkpoint(standing, "21-nomination-objector-reply")

        # The unit that proposed the household learns of the objection, not who lodged it.
        tdp = await people.page("canbo.tdp1")
        await tdp.goto(f"/nominations/{household_id}")
        await expect(tdp.locator("#objections")).to_contain_text(REASON)
        text = await tdp.locator("main").inner_text()
        assert OBJECTOR not in text and "0912 777 313" not in text and REPLY_NOTE not in text
        await expect(tdp.locator("#objections form")).to_have_count(0)

        # ---- Point 9b: the registration offers each registrant its own titles ---------
        # Before the fix one list of every title was offered to whoever registered (no
        # fieldset.award-group): the groups below were missing.
        campaign_id = await plan_campaign(h, await this_year(h) + 1)
        await h.ok("thuongtruc", f"/api/v1/campaigns/{campaign_id}/launch")
        await open_registration(h, campaign_id)
        registrations = f"/campaigns/{campaign_id}/registrations"
        for page in (unit, await people.page("canbo.vanphong", phone=True)):
            await page.goto(registrations)
            unit_titles = page.locator("#register-awards-unit")
            person_titles = page.locator("#register-awards-person")
            registrant = page.get_by_label("Đăng ký cho")
            await registrant.select_option("unit")
            await expect(unit_titles).to_be_visible()
            await expect(person_titles).to_be_hidden()
            await expect(unit_titles.locator('input[value="ttldtt"]')).to_have_count(1)
            for title in ("ldtt", "cstdcs", "gd_van_hoa"):
                await expect(unit_titles.locator(f'input[value="{title}"]')).to_have_count(0)
            hoa = str(h.ids.people["Nguyễn Thị Hoa"])
            values = await registrant.locator("option").evaluate_all(
                "options => options.map(o => o.value)"
            )
            await registrant.select_option(next(v for v in values if v.endswith(hoa)))
            await expect(person_titles).to_be_visible()
            await expect(unit_titles).to_be_hidden()
            await expect(person_titles.locator('input[value="ldtt"]')).to_be_visible()
            for title in ("ttldtt", "tdp_van_hoa", "gd_van_hoa"):
                await expect(person_titles.locator(f'input[value="{title}"]')).to_have_count(0)
            await fits_the_screen(page)

        # ---- Point 6: the summarized exemplar is the centre's task ---------------------
        # Before the fix the home page had no #to-publish list and nobody was told.
        await add_unit_officer(h, "canbo.ttdv", "Phạm Quốc Bảo", "tk-ttdv")
        exemplar = await h.ok(
            "canbo.vanphong",
            f"/api/v1/campaigns/{campaign_id}/exemplars",
            {
                "title": "Gương cán bộ tận tụy",
                "subject_kind": "individual",
                "person_id": h.ids.people["Nguyễn Thị Hoa"],
                "proposing_unit_id": h.ids.units["tk-van-phong"],
                "content_area_code": "cai-cach-hanh-chinh",
                "evidence": "Không để hồ sơ trễ hạn",
            },
            status=201,
        )
        path = f"/api/v1/exemplars/{exemplar['id']}"
        await h.ok(
            "canbo.vanphong",
            f"{path}/nurture",
            {
                "support_plan": "Tập huấn kỹ năng số",
                "responsible_user_id": h.ids.users["canbo.vanphong"],
                "follow_up_every_days": 30,
            },
        )
        await h.ok("thuongtruc", f"{path}/summarize", {"findings": "Lan tỏa tốt", "rating": "good"})
        await eventually(
            lambda: notice_users(h, "exemplar_publish_requested"), lambda users: bool(users)
        )
        centre = await people.page("canbo.ttdv")
        await centre.goto("/")
        await expect(
            centre.get_by_text("Điển hình tiên tiến chờ công bố nhân rộng")
        ).to_be_visible()
        task = centre.locator(f'#to-publish li[data-exemplar="{exemplar["id"]}"]')
        await expect(task).to_contain_text("Gương cán bộ tận tụy")
        await task.get_by_role("link", name="Gương cán bộ tận tụy").click()
        await expect(centre).to_have_url(re.compile(f"/exemplars/{exemplar['id']}$"))
        await unit.goto("/")  # the unit that proposed it is not asked to publish it
        await expect(unit.locator("#to-publish")).to_have_count(0)
    finally:
        await people.close()
