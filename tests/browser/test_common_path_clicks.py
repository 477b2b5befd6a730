"""The common path counted in clicks (issue 16): one Giấy khen with its three required
files, from the unit's proposal to the signed decision, before a council of five.

Nine people act, each in their own browser: the unit officer proposes and submits, the
standing body accepts the dossier and convenes the council, the five members vote on
their ballot sheets, the standing body drafts the decision, the chairman signs it and
the clerk (văn thư) issues it with the organisation's signature (Decree 30/2020).
Every person signs in first (signing in is not counted: it is the same for every task
of the day), then starts from their home page and moves only by clicking links and
buttons. Each click, each checkbox or radio ticked, each option chosen in a list and
each file dialog counts as one; typing into a field does not. The total must stay at 30
or fewer, and no legal step is skipped: the dossier is checked for completeness and
accepted, the council votes, the decision is drafted, signed and issued."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Locator, Page, expect

from domain.vocabulary import Stage
from tests.pages.files import tiny_pdf

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

PASSWORD = "thidua2026"
LIMIT = 30
NOMINEE = "Nguyễn Thị Hoa — Chuyên viên Văn phòng HĐND và UBND phường"
DOSSIER = {
    "to_trinh": "To trinh",
    "bao_cao_thanh_tich": "Bao cao thanh tich",
    "bien_ban_binh_xet": "Bien ban binh xet",
}
MEMBERS = ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq", "uyvien.xdd")


class Clicks:
    """What each person did with the mouse, counted as it is done."""

    def __init__(self) -> None:
        self.by_person: Counter[str] = Counter()

    async def click(self, who: str, target: Locator) -> None:
        self.by_person[who] += 1
        await target.click()

    async def check(self, who: str, target: Locator) -> None:
        self.by_person[who] += 1
        await target.check()

    async def choose(self, who: str, target: Locator, **option) -> None:
        self.by_person[who] += 1
        await target.select_option(**option)

    async def attach(self, who: str, target: Locator, path: Path) -> None:
        """One file dialog, one file chosen in it."""
        self.by_person[who] += 1
        await target.set_input_files(str(path))

    @property
    def total(self) -> int:
        return sum(self.by_person.values())

    def breakdown(self) -> str:
        lines = [f"  {who}: {n}" for who, n in self.by_person.items()]
        return "\n".join([*lines, f"  total: {self.total}"])


class People:
    """One browser context per person (a role held by an account), signed in through the
    login form and left on their home page."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.contexts: list[BrowserContext] = []

    async def home(self, username: str) -> Page:
        context = await self.browser.new_context(
            base_url=self.base_url, locale="vi-VN", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = await context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        await page.goto("/login")
        await page.get_by_label("Tên đăng nhập").fill(username)
        await page.get_by_label("Mật khẩu").fill(PASSWORD)
        await page.get_by_role("button", name="Đăng nhập").click()
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Xin chào")
        return page

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


async def flash(page: Page) -> str:
    await expect(page.locator("#flash")).to_be_visible()
    return await page.locator("#flash").inner_text()


async def test_common_path_takes_thirty_clicks_or_fewer(
    harness, live_server, chromium, checkpoint, tmp_path
):
    people = People(chromium, live_server)
    clicks = Clicks()
    try:
        await _walk(harness, people, clicks, checkpoint, tmp_path)
    finally:
        await people.close()
        print("\nClicks on the common path:\n" + clicks.breakdown())
    assert clicks.total <= LIMIT, clicks.breakdown()


async def _walk(harness, people: People, clicks: Clicks, shoot, tmp_path: Path) -> None:
    # ---- the unit officer proposes the Giấy khen with its three files and submits -------
    who = "unit officer (canbo.vanphong)"
    unit = await people.home("canbo.vanphong")
    await clicks.click(who, unit.get_by_role("link", name="Lập đề nghị mới").first)
    await clicks.choose(who, unit.get_by_label("Đối tượng đề nghị"), label=NOMINEE)
    await clicks.choose(who, unit.get_by_label("Danh hiệu, hình thức"), value="giay_khen")
    criteria = unit.locator('fieldset[data-award="giay_khen"]')
    for name in ("Gương mẫu chấp hành", "Có thành tích được công nhận trong phong trào thi đua"):
        await clicks.check(who, criteria.get_by_role("checkbox", name=name))
    files = {}
    for code, title in DOSSIER.items():
        files[code] = tmp_path / f"{code}.pdf"
        files[code].write_bytes(tiny_pdf(title))
    new_form = unit.locator("#new-nomination")
    attach = new_form.locator('fieldset.dossier-files[data-files-award="giay_khen"]')
    if await attach.count():
        await expect(attach).to_be_visible()
        for code, path in files.items():
            await clicks.attach(who, attach.locator(f'input[name="file-{code}"]'), path)
        await shoot(unit, "22-new-nomination-with-files")
        await clicks.click(who, new_form.get_by_role("button", name="Lưu và nộp hồ sơ"))
    else:
        await clicks.click(who, unit.get_by_role("button", name="Lưu bản nháp"))
        assert "Đã lưu bản nháp" in await flash(unit)
        for code, path in files.items():
            form = unit.locator("#upload-form")
            await clicks.choose(who, form.get_by_label("Thành phần hồ sơ"), value=code)
            await clicks.attach(who, form.locator('input[type="file"]'), path)
            await clicks.click(who, form.get_by_role("button", name="Tải lên"))
            assert f"{code}.pdf" in await flash(unit)
        await clicks.click(who, unit.get_by_role("button", name="Nộp hồ sơ"))
    assert "Đã nộp" in await flash(unit)
    await expect(unit.locator("#stage")).to_have_attribute("data-stage", "reception")
    nomination_id = int(unit.url.split("#")[0].rsplit("/", 1)[1])

    # ---- the standing body accepts the dossier and convenes the council -----------------
    who = "standing body (thuongtruc)"
    standing = await people.home("thuongtruc")
    await clicks.click(who, standing.locator("#tasks").get_by_role("link", name="Nguyễn Thị Hoa"))
    await clicks.click(who, standing.get_by_role("button", name="Tiếp nhận hồ sơ (đủ thành phần)"))
    assert "Tiếp nhận hồ sơ" in await flash(standing)
    await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)
    await clicks.click(who, standing.get_by_role("link", name="Phiên họp Hội đồng").first)
    convene = standing.locator("#convene-form")
    await expect(convene.get_by_label("Nguyễn Thị Hoa", exact=False)).to_be_checked()
    await clicks.click(who, convene.get_by_role("button", name="Triệu tập phiên họp"))
    assert "Đã triệu tập" in await flash(standing)
    await harness.wait_stage(nomination_id, Stage.IN_COUNCIL)

    # ---- the five members vote on their ballot sheets, all agree ------------------------
    for member in MEMBERS:
        who = f"council member ({member})"
        voter = await people.home(member)
        await expect(voter.locator("#tasks")).to_contain_text("Phiếu bầu chờ bạn")
        sheet = voter.locator("#tasks form.home-ballot")
        if not await sheet.count():  # a long agenda: its own page
            await clicks.click(who, voter.locator("#tasks").get_by_role("link").first)
            await expect(voter.get_by_role("heading", level=1)).to_contain_text("Phiếu bầu")
            sheet = voter.locator("#ballot-form")
        await expect(sheet.get_by_label("Có mặt tại phiên họp")).to_be_checked()
        if member == MEMBERS[0]:
            await shoot(voter, "23-home-ballot")
        item = sheet.locator("fieldset.ballot-item:has-text('Nguyễn Thị Hoa')")
        await clicks.check(who, item.get_by_label("Đồng ý", exact=True))
        await clicks.click(who, sheet.get_by_role("button", name="Gửi phiếu bầu"))
        assert "Đã ghi nhận phiếu bầu" in await flash(voter)
        await expect(voter.locator("#receipt")).to_contain_text("Bạn đã gửi phiếu lúc")
    # The ballot closes by itself once every member has voted.
    await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)

    # ---- the standing body drafts the decision ------------------------------------------
    who = "standing body (thuongtruc)"
    await clicks.click(who, standing.get_by_role("link", name="Quyết định, tờ trình").first)
    draft = standing.locator("#draft-decision-form")
    await expect(draft.get_by_label("Nguyễn Thị Hoa", exact=False)).to_be_checked()
    await clicks.click(who, draft.get_by_role("button", name="Lập dự thảo quyết định"))
    assert "Đã lập dự thảo" in await flash(standing)
    decision_id = int(standing.url.rsplit("/", 1)[1])
    await _wait_ready_to_sign(harness, decision_id)

    # ---- the chairman signs from the home page -------------------------------------------
    who = "chairman (chutich)"
    chairman = await people.home("chutich")
    await clicks.click(
        who, chairman.locator("#tasks").locator(f'a[href="/signing?decision={decision_id}"]')
    )
    await clicks.click(who, chairman.get_by_role("button", name="Ký số", exact=True))
    await clicks.click(who, chairman.get_by_role("button", name="Xác nhận ký số", exact=True))
    assert "Văn thư sẽ cấp số" in await flash(chairman)  # the clerk numbers it

    # ---- the clerk (văn thư) issues it from the home page (Decree 30/2020) -------------
    who = "clerk (vanthu)"
    clerk = await people.home("vanthu")
    await clicks.click(
        who, clerk.locator("#tasks").locator(f'a[href="/issuing?decision={decision_id}"]')
    )
    await clicks.click(who, clerk.get_by_role("button", name="Cấp số và phát hành"))
    assert re.search(r"Đã phát hành văn bản số \d+/QĐ-UBND", await flash(clerk))
    await harness.wait_stage(nomination_id, Stage.GRANTED)


async def _wait_ready_to_sign(harness, decision_id: int) -> None:
    """The draft is assembled by its workflow before it reaches the signing queue."""
    from domain.vocabulary import DecisionStatus
    from models import Decision

    for _ in range(150):
        async with harness.factory() as session:
            decision = await session.get(Decision, decision_id)
            if decision is not None and decision.status == DecisionStatus.AWAITING_SIGNATURE:
                return
        await asyncio.sleep(0.1)
    raise AssertionError(f"decision {decision_id} never reached the signing queue")
