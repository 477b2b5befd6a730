"""A mistake in a draft is not a dead end (issue 16, point 1), in a real browser: the
chairman finds the sign button below the preview and a summary of what he would sign
behind it; he sends the draft back with a reason instead; the standing body reads the
reason at the top of its draft and submits it again; the chairman confirms and signs, and
the signed decision names him as signer, with no word of a delegation."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from domain.vocabulary import DecisionStatus
from tests.browser.test_ward_daily_pages import Browsers, accessible
from tests.browser.test_whole_nomination import flash
from tests.pages.test_decision_pages import awaiting_decision, wait_status

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

REASON = "Ghi sai chức danh của người được khen thưởng"


async def test_the_chairman_sends_a_draft_back_then_confirms_and_signs(
    harness, live_server, chromium, checkpoint
):
    nomination_id = await awaiting_decision(harness)
    drafted = await harness.ok(
        "thuongtruc", "/api/v1/decisions", {"nomination_ids": [nomination_id]}, status=201
    )
    decision_id = drafted["id"]
    await wait_status(harness, decision_id, DecisionStatus.AWAITING_SIGNATURE)
    people = Browsers(chromium, live_server)
    try:
        # ---- the chairman: below the preview, a summary before anything is signed --------
        chairman = await people.page("chutich")
        await chairman.goto(f"/signing?decision={decision_id}")
        preview = await chairman.locator(".pdf-preview").bounding_box()
        sign = chairman.get_by_role("button", name="Ký số", exact=True)
        button = await sign.bounding_box()
        assert preview and button and button["y"] >= preview["y"] + preview["height"]
        await sign.click()
        await expect(chairman.get_by_role("heading", level=1)).to_have_text("Xác nhận ký số")
        await expect(chairman.locator("#sign-summary-title")).to_contain_text(drafted["title"])
        await expect(chairman.locator("#sign-summary-count")).to_have_text("1")
        await expect(chairman.locator("#sign-summary-cash")).to_have_text("702.000 đồng")
        await checkpoint(chairman, "18-sign-confirm")
        await chairman.get_by_role("link", name="Quay lại, chưa ký").click()  # nothing signed

        # ...he sends it back instead, first without a reason.
        back = chairman.locator("#send-back-form")
        await back.get_by_role("button", name="Trả lại để chỉnh sửa").click()
        await expect(chairman.locator("#send_back_reason-error")).to_contain_text("Vui lòng nhập")
        await chairman.locator("#send_back_reason").fill(REASON)
        await chairman.locator("#send-back-form").get_by_role("button").click()
        assert "Đã trả lại dự thảo" in await flash(chairman)
        await wait_status(harness, decision_id, DecisionStatus.RETURNED)

        # ---- the standing body reads why at the top, and submits it again ------------------
        standing = await people.page("thuongtruc")
        await standing.goto(f"/decisions/{decision_id}")
        await expect(standing.locator("#returned-reason")).to_contain_text(REASON)
        await expect(standing.locator("#returned-reason")).to_contain_text("Tăng Văn Quân")
        await expect(standing.locator("#returned-reason")).to_be_in_viewport()
        await accessible(standing)
        await standing.get_by_role("button", name="Trình ký lại").click()
        assert "Đã trình ký lại" in await flash(standing)

        # ---- the chairman confirms and signs ---------------------------------------------
        await chairman.goto(f"/signing?decision={decision_id}")
        await chairman.get_by_role("button", name="Ký số", exact=True).click()
        await chairman.get_by_role("button", name="Xác nhận ký số", exact=True).click()
        assert "Văn thư sẽ cấp số" in await flash(chairman)  # the clerk numbers it
        # Signed, not issued: the clerk (văn thư) issues it (Decree 30).
        await expect(chairman.locator("#decision-status")).to_have_attribute(
            "data-status", "signed"
        )
        await expect(chairman.locator("#signed-by")).to_have_text("Tăng Văn Quân")
        await expect(chairman.locator("main")).not_to_contain_text("Giao Phó Chủ tịch ký thay")
    finally:
        await people.close()
