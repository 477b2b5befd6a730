"""A whole nomination in a real browser (headless Chromium), every person on their own
pages: the unit officer checks eligibility, saves, attaches the dossier and submits; the
standing body accepts it and convenes the council; four council members vote on their
ballot sheets (all four through the browser: the ward council has five members and the
quorum is 2/3 of them PRESENT, so three in-person votes would leave it inquorate); the
standing body closes the ballot and drafts the decision; the chairman signs it from the
signing queue and the clerk (văn thư) issues it from hers; a resident finds the decision on the portal and verifies the signed PDF
on /xac-minh. Then a resident objects to a Gia đình văn hóa posted on the portal, and the
standing body dismisses the objection."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from domain.vocabulary import Stage
from tests.pages.files import tiny_pdf

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

PASSWORD = "thidua2026"
DOSSIER = {
    "to_trinh": "Tờ trình",
    "bao_cao_thanh_tich": "Báo cáo thành tích",
    "bien_ban_binh_xet": "Biên bản bình xét",
}


class People:
    """One browser context (cookie jar) per person, logged in through the login form."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.pages: dict[str, Page] = {}
        self.contexts: list[BrowserContext] = []

    async def page(self, username: str | None, *, phone: bool = False) -> Page:
        key = f"{username}:{phone}"
        if key in self.pages:
            return self.pages[key]
        options = {"base_url": self.base_url, "locale": "vi-VN"}
        if phone:
            options.update(
                viewport={"width": 390, "height": 844},
                device_scale_factor=2,
                is_mobile=True,
                has_touch=True,
            )
        else:
            options.update(viewport={"width": 1280, "height": 900})
        context = await self.browser.new_context(**options)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = await context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        if username:
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


async def flash(page: Page) -> str:
    await expect(page.locator("#flash")).to_be_visible()
    return await page.locator("#flash").inner_text()


async def test_whole_nomination_in_the_browser(
    harness, live_server, chromium, checkpoint, tmp_path
):
    people = People(chromium, live_server)
    try:
        await _run(harness, people, checkpoint, tmp_path)
    finally:
        await people.close()


async def _run(harness, people: People, shoot, tmp_path: Path) -> None:
    # ---- the unit officer: eligibility first, then the draft, the dossier, submit -------
    unit = await people.page("canbo.vanphong")
    # Keyboard first: the first Tab reaches the "skip navigation" link, which is then shown.
    await unit.keyboard.press("Tab")
    skip = unit.get_by_role("link", name="Bỏ qua điều hướng")
    await expect(skip).to_be_focused()
    await expect(skip).to_be_in_viewport()
    await unit.get_by_role("link", name="Lập đề nghị mới").first.click()
    await unit.get_by_label("Đối tượng đề nghị").select_option(
        label="Nguyễn Thị Hoa — Chuyên viên Văn phòng HĐND và UBND phường"
    )
    await unit.get_by_label("Danh hiệu, hình thức").select_option("giay_khen")
    criteria = unit.locator('fieldset[data-award="giay_khen"]')
    await expect(criteria).to_be_visible()
    await expect(unit.locator('fieldset[data-award="cstdcs"]')).to_be_hidden()
    # Only the criteria for an individual are offered (the collective's are hidden).
    await expect(criteria.get_by_role("checkbox")).to_have_count(3)
    await criteria.get_by_role("checkbox", name=re.compile("^Gương mẫu chấp hành")).check()
    await unit.get_by_role("button", name="Kiểm tra điều kiện").click()
    verdict = unit.locator("#eligibility")
    await expect(verdict).to_contain_text("Chưa đủ điều kiện")  # no achievement attested yet
    await expect(verdict.locator("li.unmet").first).to_be_visible()
    await criteria.get_by_role(
        "checkbox", name="Có thành tích được công nhận trong phong trào thi đua"
    ).check()
    await unit.get_by_role("button", name="Kiểm tra điều kiện").click()
    await expect(unit.locator("#eligibility")).to_contain_text("Đủ điều kiện đề nghị")
    await unit.get_by_role("button", name="Lưu bản nháp").click()
    assert "Đã lưu bản nháp" in await flash(unit)
    nomination_id = int(unit.url.rsplit("/", 1)[1])
    for code, title in DOSSIER.items():
        path = tmp_path / f"{code}.pdf"
        path.write_bytes(tiny_pdf(title.encode("ascii", "ignore").decode() or code))
        form = unit.locator("#upload-form")
        await form.get_by_label("Thành phần hồ sơ").select_option(code)
        await form.get_by_label(re.compile("^Tệp")).set_input_files(str(path))
        await form.get_by_role("button", name="Tải lên").click()
        assert f"{code}.pdf" in await flash(unit)
    await expect(unit.locator(".requirements li.unmet")).to_have_count(0)
    await shoot(unit, "02-nomination-draft")
    await unit.get_by_role("button", name="Nộp hồ sơ").click()
    assert "Đã nộp" in await flash(unit)
    await expect(unit.locator("#stage")).to_have_attribute("data-stage", "reception")
    await unit.goto("/")
    await expect(unit.locator("#tasks")).to_be_visible()
    await shoot(unit, "01-unit-home")

    # ---- the standing body: completeness check, then the council ------------------------
    standing = await people.page("thuongtruc")
    await expect(standing.locator("#tasks")).to_contain_text("Nguyễn Thị Hoa")
    await standing.goto("/dossiers")
    await shoot(standing, "03-standing-inbox")
    await standing.locator("#incoming").get_by_role("link", name="Nguyễn Thị Hoa").click()
    await standing.get_by_role("button", name="Tiếp nhận hồ sơ (đủ thành phần)").click()
    assert "Tiếp nhận hồ sơ" in await flash(standing)
    await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)
    await standing.goto("/deadlines?within=30")
    await expect(standing.get_by_role("heading", name="Bảng theo dõi hạn xử lý")).to_be_visible()
    await expect(standing.locator(f'tr[data-nomination="{nomination_id}"]')).to_be_visible()
    await shoot(standing, "04-deadlines-board")
    await standing.goto("/council-sessions")
    convene = standing.locator("#convene-form")
    await expect(convene.get_by_label(re.compile("Nguyễn Thị Hoa"))).to_be_checked()
    await convene.get_by_role("button", name="Triệu tập phiên họp").click()
    assert "Đã triệu tập" in await flash(standing)
    session_id = int(standing.url.rsplit("/", 1)[1])
    await harness.wait_stage(nomination_id, Stage.IN_COUNCIL)

    # ---- four council members vote in person on their ballot sheets ----------------------
    for number, member in enumerate(("chutich", "phochutich", "uyvien.mttq", "uyvien.xdd")):
        voter = await people.page(member)
        await expect(voter.locator("#tasks")).to_contain_text("Phiếu bầu chờ bạn")
        await voter.locator("#tasks").get_by_role("link").first.click()
        await expect(voter.get_by_role("heading", level=1)).to_contain_text("Phiếu bầu")
        if number == 0:
            # One sheet for the whole agenda: sending it without a choice is refused next
            # to the item, in Vietnamese.
            await voter.get_by_label("Có mặt tại phiên họp").check()
            await voter.get_by_role("button", name="Gửi phiếu bầu").click()
            await expect(voter.locator(f"#choice-{nomination_id}-error")).to_have_text(
                "Chọn một ý kiến cho mục này"
            )
            await shoot(voter, "05-ballot-sheet")
        await voter.get_by_label("Có mặt tại phiên họp").check()
        await voter.locator(f"#item-{nomination_id}").get_by_label("Đồng ý", exact=True).check()
        await voter.get_by_role("button", name="Gửi phiếu bầu").click()
        assert "Đã ghi nhận phiếu bầu" in await flash(voter)
        receipt = voter.locator("#receipt")
        await expect(receipt).to_contain_text("Bạn đã gửi phiếu lúc")
        assert "Đồng ý" not in await receipt.inner_text()

    # ---- the standing body closes the ballot and drafts the decision --------------------
    await standing.goto(f"/council-sessions/{session_id}")
    await expect(standing.locator("#votes-progress")).to_contain_text("4/5")
    await standing.get_by_role("button", name="Kết thúc bỏ phiếu").click()
    assert "Đã kết thúc bỏ phiếu" in await flash(standing)
    await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)
    await standing.goto("/decisions")
    await (
        standing.locator("#draft-decision-form")
        .get_by_role("button", name="Lập dự thảo quyết định")
        .click()
    )
    assert "Đã lập dự thảo" in await flash(standing)
    decision_id = int(standing.url.rsplit("/", 1)[1])

    # ---- the chairman signs from the signing queue ---------------------------------------
    chairman = await people.page("chutich")
    sign = chairman.get_by_role("button", name="Ký số", exact=True)
    for _ in range(100):  # the draft is assembled by its workflow first
        await chairman.goto(f"/signing?decision={decision_id}")
        if await sign.count():
            break
        await chairman.wait_for_timeout(100)
    await expect(chairman.locator(".pdf-preview object")).to_have_attribute(
        "data", f"/api/v1/decisions/{decision_id}/preview.pdf"
    )
    preview = await chairman.request.get(f"/api/v1/decisions/{decision_id}/preview.pdf")
    assert preview.ok and (await preview.body()).startswith(b"%PDF")
    await shoot(chairman, "06-signing-queue")
    await sign.click()  # a confirmation step sums up what is signed first
    await chairman.get_by_role("button", name="Xác nhận ký số", exact=True).click()
    # Signed without a number: the clerk gives the number and the date (Decree 30/2020).
    assert "Văn thư sẽ cấp số, ghi ngày ban hành" in await flash(chairman)

    # ---- the clerk (văn thư) issues it: the organisation's signature (Decree 30) ---------
    clerk = await people.page("vanthu")
    await clerk.locator("#tasks").locator(f'a[href="/issuing?decision={decision_id}"]').click()
    await expect(clerk.locator("#decision-status")).to_have_attribute("data-status", "signed")
    await expect(clerk.locator("#signed-by")).to_have_text("Tăng Văn Quân")
    await shoot(clerk, "06b-issuing-queue")
    await clerk.get_by_role("button", name="Cấp số và phát hành").click()
    number = re.search(r"\d+/QĐ-UBND", await flash(clerk)).group(0)
    await expect(clerk.locator("#decision-status")).to_have_attribute("data-status", "issued")
    row = await harness.wait_stage(nomination_id, Stage.GRANTED)
    assert row.decision_number == number
    await chairman.goto(f"/nominations/{nomination_id}")
    await expect(chairman.locator("#timeline li[data-action='granted']")).to_be_visible()
    await expect(chairman.locator(".certificate-link")).to_be_visible()
    await shoot(chairman, "07-nomination-granted")

    # ---- a resident finds the decision and verifies the signed PDF ----------------------
    resident = await people.page(None)
    await resident.goto("/cong-khai")
    decision = resident.locator(f'article.decision-item[data-number="{number}"]')
    await expect(decision).to_contain_text("Nguyễn Thị Hoa")
    pdf = await resident.request.get(
        await decision.get_by_role("link", name=re.compile("Tải về")).get_attribute("href")
    )
    assert pdf.ok
    signed_pdf = tmp_path / "quyet-dinh.pdf"
    signed_pdf.write_bytes(await pdf.body())
    await decision.get_by_role("link", name="Xác minh").click()
    await expect(resident.locator("#lookup")).to_contain_text("Nguyễn Thị Hoa")
    await resident.get_by_label("Tệp văn bản (PDF)").set_input_files(str(signed_pdf))
    await resident.get_by_role("button", name="Kiểm tra tệp").click()
    await expect(resident.locator(".verdict")).to_have_attribute("data-status", "authentic")
    await shoot(resident, "09-verification")

    # ---- an objection on the portal, dismissed by the standing body ---------------------
    household = await harness.nominate(
        unit_user="canbo.tdp1",
        unit_code="tk-tdp-1",
        award_code="gd_van_hoa",
        person=None,
        household="Nguyễn Văn Tâm",
        items=["to_trinh", "danh_sach_ho_gia_dinh", "bien_ban_binh_xet"],
        attestations=["gdvh_standards"],
    )
    await harness.ok("thuongtruc", f"/api/v1/nominations/{household['id']}/accept", {"note": ""})
    await harness.wait_stage(household["id"], Stage.PUBLIC_NOTICE)
    phone = await people.page(None, phone=True)
    await phone.goto("/cong-khai")
    notice = phone.locator(f"#notice-{household['id']}")
    await expect(notice).to_contain_text("Nguyễn Văn Tâm")
    await notice.get_by_text("Gửi ý kiến phản ánh").click()
    await notice.get_by_label("Họ và tên").fill("Trần Văn Bình")
    await notice.get_by_label("Số điện thoại hoặc địa chỉ liên hệ").fill("0912 345 678")
    await notice.get_by_label("Nội dung phản ánh").fill("Ngắn")
    await notice.get_by_role("button", name="Gửi").click()
    notice = phone.locator(f"#notice-{household['id']}")
    await expect(notice.locator(f"#o{household['id']}-reason-error")).to_have_text(
        "Cần ít nhất 10 ký tự"
    )
    await expect(notice.get_by_label("Họ và tên")).to_have_value("Trần Văn Bình")
    await notice.get_by_label("Nội dung phản ánh").fill(
        "Gia đình chưa tham gia vệ sinh môi trường khu dân cư trong năm."
    )
    await notice.get_by_role("button", name="Gửi").click()
    assert "Đã nhận ý kiến phản ánh" in await flash(phone)
    await shoot(phone, "08-public-portal-phone")
    await resident.goto("/cong-khai")
    await shoot(resident, "08-public-portal")

    await standing.goto("/notices")
    card = standing.locator(f"#nomination-{household['id']}")
    await expect(card).to_contain_text("Trần Văn Bình")
    await card.get_by_label("Bác bỏ phản ánh").check()
    await card.get_by_label("Lý do").fill("Đã xác minh: gia đình tham gia đầy đủ.")
    await card.get_by_role("button", name="Xử lý").click()
    assert "Xử lý ý kiến phản ánh" in await flash(standing)
    async with harness.factory() as session:
        from sqlalchemy import select

        from models import Objection

        objection = (
            await session.execute(
                select(Objection).where(Objection.nomination_id == household["id"])
            )
        ).scalar_one()
    assert objection.objector_name == "Trần Văn Bình" and objection.status.value == "dismissed"
