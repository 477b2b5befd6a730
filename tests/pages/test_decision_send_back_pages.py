"""Signing without one-click mistakes: the chairman's sign button sits below the preview
and opens a confirmation step that sums up what he signs; beside it he sends the draft
back with a reason (a message next to the field without one). The standing body reads
the reason at the top of its draft, takes the wrong item out (with a reason), submits it
again; the chairman confirms and signs, and the signed page names him, not a delegation."""

from __future__ import annotations

import pytest

from domain.vocabulary import DecisionStatus, SignerCapacity, Stage
from tests.pages.test_decision_pages import awaiting_decision, wait_status

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

REASON = "Mục 2 ghi sai chức danh người được khen thưởng"


async def test_confirm_step_send_back_correct_and_sign(harness, people):
    hoa = await awaiting_decision(harness)
    thuy = await awaiting_decision(harness, "Đặng Thị Thủy")
    standing, chairman = people("thuongtruc"), people("chutich")
    drafted = await standing.post(
        "/decisions",
        {"kind": "decision", "nomination_ids": [str(hoa), str(thuy)]},
        csrf_from="/decisions",
    )
    page = drafted.headers["location"]
    decision_id = int(page.rsplit("/", 1)[1])
    await wait_status(harness, decision_id, DecisionStatus.AWAITING_SIGNATURE)

    # Below the preview: the button that opens the confirmation step, and the send-back.
    queue = (await chairman.get("/signing")).text
    preview = queue.index('class="pdf-preview"')
    assert preview < queue.index('id="sign-form"') < queue.index('id="send-back-form"')
    assert f'action="/decisions/{decision_id}/sign" class="sign-form" id="sign-form"' in queue
    assert 'method="get"' in queue[queue.index('id="sign-form"') - 120 :]
    confirm = await chairman.get(f"/decisions/{decision_id}/sign")
    assert confirm.status_code == 200
    assert "Về việc tặng Giấy khen" in confirm.text
    assert 'id="sign-summary-count">2<' in confirm.text
    assert 'id="sign-summary-cash">1.404.000 đồng<' in confirm.text  # 2 × 702.000 đồng
    assert 'id="sign-confirm-form"' in confirm.text and "Xác nhận ký số<" in confirm.text
    assert (await people("canbo.vanphong").get(f"/decisions/{decision_id}/sign")).status_code == 403

    # No reason, no send-back: the message stands next to the field.
    refused = await chairman.post(
        f"/decisions/{decision_id}/send-back", {"reason": "  "}, csrf_from="/signing"
    )
    assert refused.status_code == 422
    assert '<p class="field-error" id="send_back_reason-error">Vui lòng nhập trường này' in (
        refused.text
    )
    assert 'aria-describedby="send_back_reason-error"' in refused.text
    forbidden = await standing.post(
        f"/decisions/{decision_id}/send-back", {"reason": REASON}, csrf_from=page
    )
    assert forbidden.status_code == 403
    sent = await chairman.post(
        f"/decisions/{decision_id}/send-back", {"reason": REASON}, csrf_from="/signing"
    )
    assert sent.status_code == 303 and sent.headers["location"] == page
    await wait_status(harness, decision_id, DecisionStatus.RETURNED)
    assert "Không có văn bản nào chờ bạn ký" in (await chairman.get("/signing")).text
    # Not to be signed now: the confirmation step leads back to the document.
    assert (await chairman.get(f"/decisions/{decision_id}/sign")).status_code == 303

    # The standing body reads why at the top of its draft, and corrects it.
    view = (await standing.get(page)).text
    assert view.index('id="returned-reason"') < view.index('class="facts"')
    assert REASON in view and "Trả lại để chỉnh sửa" in view
    assert 'id="resubmit-form"' in view and 'id="cancel-form"' in view
    assert view.count('class="remove-item-form"') == 2
    refused = await standing.post(
        f"/decisions/{decision_id}/remove-item",
        {"nomination_id": str(thuy), "reason": ""},
        csrf_from=page,
    )
    assert refused.status_code == 422
    assert f'id="remove_reason_{thuy}-error">Vui lòng nhập trường này' in refused.text
    refused = await standing.post(
        f"/decisions/{decision_id}/cancel", {"reason": ""}, csrf_from=page
    )
    assert refused.status_code == 422 and 'id="cancel_reason-error"' in refused.text
    removed = await standing.post(
        f"/decisions/{decision_id}/remove-item",
        {"nomination_id": str(thuy), "reason": REASON},
        csrf_from=page,
    )
    assert removed.status_code == 303
    await harness.wait_stage(thuy, Stage.AWAITING_DECISION)
    resubmitted = await standing.post(
        f"/decisions/{decision_id}/resubmit", {"note": "Đã rút hồ sơ ghi sai"}, csrf_from=page
    )
    assert resubmitted.status_code == 303
    await wait_status(harness, decision_id, DecisionStatus.AWAITING_SIGNATURE)
    assert 'id="returned-reason"' not in (await standing.get(page)).text

    confirm = await chairman.get(f"/decisions/{decision_id}/sign")
    assert 'id="sign-summary-count">1<' in confirm.text
    assert 'id="sign-summary-cash">702.000 đồng<' in confirm.text
    signed = await chairman.post(f"/decisions/{decision_id}/sign", {}, csrf_from=page)
    assert signed.status_code == 303
    await wait_status(harness, decision_id, DecisionStatus.SIGNED)

    # The clerk (văn thư) issues it from the issuing queue: the signed PDF, one button.
    clerk = people("vanthu")
    queue = (await clerk.get("/issuing")).text
    assert 'href="/issuing"' in queue  # in the clerk's menu
    assert "Đã ký, chờ văn thư phát hành" in queue and 'id="signed-pdf"' in queue
    assert f'action="/decisions/{decision_id}/issue" class="issue-form"' in queue
    assert "Cấp số và phát hành" in queue
    assert (await chairman.get("/issuing")).status_code == 403
    assert 'id="issue-form"' not in (await chairman.get(page)).text
    forbidden = await chairman.post(f"/decisions/{decision_id}/issue", {}, csrf_from=page)
    assert forbidden.status_code == 403
    issued = await clerk.post(f"/decisions/{decision_id}/issue", {}, csrf_from="/issuing")
    assert issued.status_code == 303 and issued.headers["location"] == page
    decision = await wait_status(harness, decision_id, DecisionStatus.ISSUED)
    assert "Không có văn bản nào chờ văn thư phát hành" in (await clerk.get("/issuing")).text
    again = await clerk.post(f"/decisions/{decision_id}/issue", {}, csrf_from=page)
    assert again.status_code == 409 and 'id="issue-error"' in again.text
    assert decision.signer_capacity == SignerCapacity.CHAIRMAN
    shown = (await chairman.get(page)).text
    assert "Giao Phó Chủ tịch ký thay" not in shown and "Giao ký thay" not in shown
    assert 'id="signed-by"' in shown
    await harness.wait_stage(hoa, Stage.GRANTED)
