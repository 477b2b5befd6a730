"""The council member's ballot sheet in a real browser (issue 16, point 8): each item
opens the nominee's dossier, "Đồng ý tất cả" marks every item Agree in one press and the
member changes one before casting, the written opinion shows only while "in writing" is
chosen (style sheet only: the content security policy runs no inline script), and the
threshold reads as officials write it."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from domain.vocabulary import Stage
from tests.browser.test_ward_daily_pages import Browsers, accessible
from tests.browser.test_whole_nomination import flash

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


async def test_ballot_sheet_agree_to_all_then_change_one(
    harness, live_server, chromium, checkpoint
):
    agenda = []
    for person in ("Nguyễn Thị Hoa", "Đặng Thị Thủy"):
        nomination_id = (await harness.nominate(person=person))["id"]
        await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {})
        await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)
        agenda.append(nomination_id)
    session = await harness.convene(agenda)
    people = Browsers(chromium, live_server)
    try:
        page = await people.page("uyvien.xdd")
        await page.goto(f"/council-sessions/{session['id']}/ballot")
        hoa, thuy = agenda

        # The threshold in words; the dossier a click away, and readable.
        main = page.locator("main")
        await expect(main).to_contain_text("trên 50% tổng số thành viên Hội đồng")
        assert "> 1/2" not in await main.inner_text()
        async with page.context.expect_page() as opened:
            await page.locator(f"#dossier-{hoa}").click()
        dossier = await opened.value
        await expect(dossier.get_by_role("heading", level=1)).to_contain_text("Nguyễn Thị Hoa")
        await dossier.close()

        # The written opinion is there only for a member voting in writing.
        opinion = page.locator("#written_opinion")
        await expect(opinion).to_be_hidden()
        await page.get_by_label("Vắng mặt, gửi ý kiến bằng văn bản").check()
        await expect(opinion).to_be_visible()
        await page.get_by_label("Có mặt tại phiên họp").check()
        await expect(opinion).to_be_hidden()
        await accessible(page)

        # Agree to all in one press (nothing cast), change one, cast.
        await page.get_by_role("button", name="Đồng ý tất cả").click()
        await expect(page.locator("#agreed-all")).to_contain_text("2 mục")
        for nomination_id in agenda:
            await expect(
                page.locator(f'input[name="choice-{nomination_id}"][value="agree"]')
            ).to_be_checked()
        await checkpoint(page, "19-ballot-agree-all")
        await page.locator(f'input[name="choice-{thuy}"][value="disagree"]').check()
        await page.get_by_role("button", name="Gửi phiếu bầu").click()
        assert "Đã ghi nhận phiếu bầu" in await flash(page)
    finally:
        await people.close()
    voted = await harness.get("thuongtruc", f"/api/v1/council-sessions/{session['id']}")
    assert [m["mode"] for m in voted.json()["members"] if m["has_voted"]] == ["in_person"]
