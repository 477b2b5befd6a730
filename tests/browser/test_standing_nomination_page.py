"""The standing body's nomination page in a real browser (issue 16, point 11): the rare
forms (returning a complete dossier, extending a deadline, reassigning) are folded away
unless one of them carries an error, the eligibility verdict the unit saw is shown, and
the page is far shorter than with those forms open, at desk size (1280 wide) and on a
phone (390 wide).

Measured before the change (every form open, no verdict): 2,730 px at the desk and
3,828 px on the phone; after it: 1,961 px and 2,971 px (the verdict included)."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.test_ward_daily_pages import Browsers, accessible

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

HEIGHT = "document.body.scrollHeight"
UNFOLD = "document.querySelectorAll('#actions details.rare').forEach((d) => { d.open = true; })"


async def test_standing_nomination_page_folds_rare_forms(harness, live_server, chromium):
    nomination_id = (await harness.nominate())["id"]  # a complete dossier, at reception
    url = f"/nominations/{nomination_id}"
    people = Browsers(chromium, live_server)
    heights: dict[str, tuple[int, int]] = {}
    try:
        for size, phone in (("desk", False), ("phone", True)):
            page = await people.page("thuongtruc", phone=phone)
            await page.goto(url)
            # The verdict the unit saw, under the rule set it submitted under.
            verdict = page.locator("#eligibility .verdict")
            await expect(verdict).to_have_attribute("data-eligible", "yes")
            await expect(verdict).to_contain_text("Đủ điều kiện đề nghị")
            await expect(page.locator("#verdict-under")).to_be_visible()
            # Accepting is in view; the rare forms are folded.
            await expect(page.locator("#form-accept_dossier")).to_be_visible()
            for cmd in ("return_for_supplement", "extend_deadline", "reassign"):
                await expect(page.locator(f"#rare-{cmd}")).not_to_have_attribute("open", "")
                await expect(page.locator(f"#form-{cmd}")).to_be_hidden()
            served = await page.evaluate(HEIGHT)
            await page.evaluate(UNFOLD)
            heights[size] = (served, await page.evaluate(HEIGHT))
        print("page heights (served, rare forms open):", heights)
        for served, unfolded in heights.values():
            assert served <= 0.8 * unfolded, heights

        # A rare form that carries an error comes back open, the message beside its field.
        desk = await people.page("thuongtruc")
        await desk.goto(url)
        await desk.locator("#rare-extend_deadline summary").click()
        form = desk.locator("#form-extend_deadline")
        await form.get_by_label("Số ngày làm việc gia hạn").fill("abc")
        await form.get_by_label("Lý do").fill("Chờ xác minh")
        await form.get_by_role("button").click()
        await expect(desk.locator("#rare-extend_deadline")).to_have_attribute("open", "")
        await expect(desk.locator("#extend_deadline-working_days-error")).to_be_visible()
        await expect(desk.locator("#rare-reassign")).not_to_have_attribute("open", "")
        await accessible(desk)
    finally:
        await people.close()
