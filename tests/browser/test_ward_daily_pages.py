"""The pages a ward works in every day, in a real browser (issue 16): nothing a
first-time official stumbles on. One engine and one browser walk the points in order:

- an incomplete dossier is not submitted without a question: the unit officer sees what
  it still lacks and must confirm on a page of its own (point 10);
- a returned dossier says why at its top: on a phone (390×844) the reason, who returned
  it, when, what is missing and the deadline to resubmit are in the first screen (point 2);
- opening a notice marks it read, "Đánh dấu đã đọc tất cả" marks them all, and the
  unread count goes down (point 7);
- on an English browser (locale en-US) the ballot deadline and the date fields read
  dd/mm/yyyy and 24-hour, and a US-style date is refused next to its field (point 14);
- the campaign page agrees with the day: launched on 7 December of its first year (a
  moment the test chooses), each date of the cycle says how far it is from today, the
  registration deadline long past is not shown open, a plan without a number does not
  read "Kế hoạch số /KH-UBND", and the breadcrumb names the campaign, not its code
  (point 5)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from domain.calendar import VIETNAM_TZ, vietnam_date
from domain.vocabulary import Stage
from models import Campaign, Notice
from tests.browser.conftest import ACCESSIBILITY_PROBLEMS
from tests.browser.test_whole_nomination import PASSWORD, flash
from tests.campaigns.helpers import plan_campaign, skip_to, this_year

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

REASON = "Thiếu báo cáo thành tích có xác nhận của thủ trưởng đơn vị"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


class Browsers:
    """One browser context per person and language, signed in through the login form."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.pages: dict[tuple[str, str, bool], Page] = {}
        self.contexts: list[BrowserContext] = []

    async def page(self, username: str, *, locale: str = "vi-VN", phone: bool = False) -> Page:
        key = (username, locale, phone)
        if key in self.pages:
            return self.pages[key]
        options: dict = {"base_url": self.base_url, "locale": locale}
        options.update(PHONE if phone else {"viewport": {"width": 1280, "height": 900}})
        if locale.startswith("en"):
            options["timezone_id"] = "America/New_York"
        context = await self.browser.new_context(**options)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = await context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        await page.goto("/login")
        await page.get_by_label("Tên đăng nhập").fill(username)
        await page.get_by_label("Mật khẩu").fill(PASSWORD)
        await page.get_by_role("button", name="Đăng nhập").click()
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
        self.pages[key] = page
        return page

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


async def accessible(page: Page) -> None:
    assert await page.evaluate(ACCESSIBILITY_PROBLEMS) == [], page.url


async def test_the_pages_a_ward_works_in_every_day(harness, live_server, chromium, checkpoint):
    people = Browsers(chromium, live_server)
    try:
        await _incomplete_then_returned_then_notices(harness, people, checkpoint)
        await _dates_on_an_english_browser(harness, people)
        await _campaign_on_7_december(harness, people)
    finally:
        await people.close()


async def _incomplete_then_returned_then_notices(harness, people: Browsers, shoot) -> None:
    # ---- point 10: a draft with one of its three required items ---------------------------
    nomination_id = (await harness.nominate(items=["to_trinh"], submit=False))["id"]
    page = f"/nominations/{nomination_id}"
    unit = await people.page("canbo.vanphong")
    await unit.goto(page)
    await unit.get_by_role("button", name="Nộp hồ sơ").click()
    await expect(unit.get_by_role("heading", level=1)).to_have_text("Hồ sơ còn thiếu thành phần")
    missing = unit.locator("#still-missing li")
    await expect(missing).to_have_count(2)
    codes = " ".join([await li.get_attribute("data-codes") or "" for li in await missing.all()])
    assert "bao_cao_thanh_tich" in codes and "bien_ban_binh_xet" in codes
    await expect(unit.locator("#submit-confirm")).to_contain_text("Vẫn nộp hồ sơ?")
    await accessible(unit)
    # Going back submits nothing.
    await unit.get_by_role("link", name="Quay lại bổ sung hồ sơ").click()
    await expect(unit.locator("#stage")).to_have_attribute("data-stage", "draft")
    await unit.get_by_role("button", name="Nộp hồ sơ").click()
    await unit.get_by_role("button", name="Vẫn nộp hồ sơ").click()
    assert "Đã nộp hồ sơ đề nghị" in await flash(unit)
    await expect(unit.locator("#stage")).to_have_attribute("data-stage", "reception")

    # ---- the standing body returns it for supplement ----------------------------------------
    standing = await people.page("thuongtruc")
    await standing.goto(page)
    back = standing.locator("#form-return_for_supplement")
    await back.get_by_label("Lý do").fill(REASON)
    await back.get_by_role("button", name="Trả lại để bổ sung").click()
    assert "Trả lại để bổ sung" in await flash(standing)
    returned = await harness.wait_stage(nomination_id, Stage.RETURNED)

    # ---- point 2: on a phone, why it came back is in the first screen -----------------------
    phone = await people.page("canbo.vanphong", phone=True)
    await phone.goto(page)
    box = phone.locator("#returned-box")
    await expect(box).to_contain_text("Hồ sơ bị trả lại để bổ sung")
    await expect(phone.locator("#returned-reason")).to_have_text(REASON)
    await expect(phone.locator("#returned-by")).to_contain_text("Ngô Thị Mai")
    await expect(phone.locator("#returned-missing li")).to_have_count(2)
    due = returned.stage_due_at.astimezone(VIETNAM_TZ).strftime("%H:%M %d/%m/%Y")
    await expect(phone.locator("#returned-next")).to_contain_text(f"Hạn nộp lại: {due}")
    assert await phone.evaluate("window.scrollY") == 0
    for part in ("#returned-reason", "#returned-missing", "#returned-next"):
        await expect(phone.locator(part)).to_be_in_viewport(ratio=1)
    first = await phone.evaluate("document.querySelector('main').firstElementChild.id")
    assert first == "returned-box", first  # before everything else in main
    await shoot(phone, "24-returned-dossier-phone")

    # ---- point 7: opening a notice marks it read; then all of them -------------------------
    [notice] = await harness.notices("canbo.vanphong", "returned_for_supplement")
    async with harness.factory() as session, session.begin():
        for number in (1, 2):  # two more, so that "mark all" has something to do
            session.add(
                Notice(
                    notice_key=f"test-16-{number}",
                    user_id=harness.ids.users["canbo.vanphong"],
                    kind="test",
                    subject=f"Thông báo thử số {number}",
                    body_text="",
                    created_at=await harness.now(),
                )
            )
    await phone.goto("/")
    unread = int(await phone.locator("#home-unread").get_attribute("data-unread") or "0")
    assert unread >= 3
    await phone.goto("/inbox")
    await shoot(phone, "25-inbox-phone")
    item = phone.locator(f'li[data-notice="{notice.id}"]')
    await expect(item).to_have_attribute("data-read", "no")
    await item.get_by_role("button", name=re.compile("^Mở")).click()
    await expect(phone).to_have_url(re.compile(rf"{page}$"))  # where the notice points
    await phone.goto("/")
    await expect(phone.locator("#home-unread")).to_have_attribute("data-unread", str(unread - 1))
    await phone.goto("/inbox")
    await expect(item).to_have_attribute("data-read", "yes")
    await phone.get_by_role("button", name="Đánh dấu đã đọc tất cả").click()
    assert f"Đã đánh dấu đã đọc {unread - 1} thông báo" in await flash(phone)
    await expect(phone.locator("#unread-count")).to_have_attribute("data-unread", "0")
    await expect(phone.locator('#inbox li[data-read="no"]')).to_have_count(0)
    await phone.goto("/")
    await expect(phone.locator("#home-unread")).to_have_text("0 thông báo chưa đọc")


def _field(moment: datetime) -> str:
    return moment.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M")


async def _dates_on_an_english_browser(harness, people: Browsers) -> None:
    nomination_id = (await harness.nominate())["id"]
    await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {"note": ""})
    await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)
    now = await harness.now()

    standing = await people.page("thuongtruc", locale="en-US")
    assert await standing.evaluate("navigator.language") == "en-US"
    await standing.goto("/council-sessions")
    closes = standing.locator("#closes_at")
    await expect(closes).to_have_attribute("type", "text")
    proposed = (now.astimezone(VIETNAM_TZ) + timedelta(days=3)).replace(hour=17, minute=0)
    await expect(closes).to_have_value(_field(proposed))  # dd/mm/yyyy, 24-hour
    await expect(standing.locator("#closes_at-help")).to_contain_text("Ngày/tháng/năm")
    # A US-style date is refused next to the field.
    await closes.fill("12/31/2026 5:00 PM")
    await standing.get_by_role("button", name="Triệu tập phiên họp").click()
    await expect(standing.locator("#closes_at-error")).to_contain_text("ngày/tháng/năm")
    await expect(standing.locator("#closes_at")).to_have_attribute("aria-invalid", "true")
    await accessible(standing)
    deadline = (now.astimezone(VIETNAM_TZ) + timedelta(days=2)).replace(hour=17, minute=0)
    await standing.locator("#closes_at").fill(_field(deadline))
    await standing.locator(f'input[name="nomination_ids"][value="{nomination_id}"]').check()
    await standing.get_by_role("button", name="Triệu tập phiên họp").click()
    assert "Đã triệu tập" in await flash(standing)
    session_id = int(standing.url.rsplit("/", 1)[1])
    shown = deadline.strftime("%H:%M %d/%m/%Y")
    await expect(standing.locator("main")).to_contain_text(shown)

    member = await people.page("chutich", locale="en-US")
    await member.goto(f"/council-sessions/{session_id}/ballot")
    await expect(member.get_by_role("heading", level=1)).to_contain_text("Phiếu bầu")
    text = await member.locator("main").inner_text()
    assert shown in text, text[:500]
    assert not re.search(r"\b(AM|PM)\b", text)
    assert deadline.strftime("%-m/%-d/%Y") not in text or deadline.day == deadline.month


async def _campaign_on_7_december(harness, people: Browsers) -> None:
    year = await this_year(harness)
    campaign_id = await plan_campaign(harness, year)
    async with harness.factory() as session, session.begin():
        # A plan whose number was left blank, as the seeded one is.
        (
            await session.get(Campaign, campaign_id)
        ).plan_reference = f"Kế hoạch số /KH-UBND năm {year}"
    today = date(year, 12, 7)
    await skip_to(harness, datetime(year, 12, 7, 9, 0, tzinfo=VIETNAM_TZ))
    assert vietnam_date(await harness.now()) == today

    standing = await people.page("thuongtruc", locale="en-US")
    await standing.goto(f"/campaigns/{campaign_id}")
    await standing.get_by_role("button", name="Phát động phong trào").click()
    assert "Đã phát động phong trào thi đua" in await flash(standing)
    await expect(standing.locator("#campaign-status")).to_have_attribute("data-status", "running")

    # The breadcrumb names the campaign, not its code.
    crumb = await standing.locator("#breadcrumb-campaign").inner_text()
    name = await standing.get_by_role("heading", level=1).inner_text()
    assert "thach-khoi" not in crumb and crumb.rstrip("…") in name, crumb
    # The seeded plan's number is blank: said so, not printed as "số /KH-UBND".
    await expect(standing.locator("#plan-reference")).to_have_text("Kế hoạch chưa có số")
    assert "số /KH-UBND" not in await standing.locator("main").inner_text()

    # Each date of the cycle says how far it is from today, as the clock has it.
    rows = standing.locator("#cycle tbody tr")
    seen = {}
    for row in await rows.all():
        key = await row.get_attribute("data-cycle")
        shown_day = datetime.strptime(
            (await row.locator("td").nth(1).inner_text()).strip(), "%d/%m/%Y"
        ).date()
        days = (shown_day - today).days
        when = row.locator("td.cycle-when")
        await expect(when).to_have_attribute("data-days", str(days))
        expected = (
            f"Còn {days} ngày" if days > 0 else "Hôm nay" if days == 0 else f"Đã qua {-days} ngày"
        )
        await expect(when).to_have_text(expected)
        state = await row.get_attribute("data-state")
        if key == "registration_due" and days < 0:
            assert state != "open", "a registration deadline already past is not shown open"
        seen[key] = (days, state)
    # The year-end dossiers are due three days ahead: not shown as passed.
    assert seen["dossiers"][0] == 3, seen
    await expect(standing.locator('tr[data-cycle="dossiers"] td.cycle-when')).to_have_text(
        "Còn 3 ngày"
    )

    # A date field on an English browser: text in dd/mm/yyyy, a US date refused beside it.
    move = standing.locator("#milestones details").first
    await move.locator("summary").click()
    due_on = move.get_by_label("Ngày mới")
    await expect(due_on).to_have_attribute("type", "text")
    await expect(due_on).to_have_attribute("placeholder", "dd/mm/yyyy")
    await due_on.fill(f"12/31/{year + 1}")
    await move.get_by_label("Lý do").fill("Trùng lịch họp")
    await move.get_by_role("button").click()
    error = standing.locator('[id$="-due_on-error"]')
    await expect(error).to_contain_text("dd/mm/yyyy")
    await accessible(standing)
