"""POST /api/v1/decisions/{id}/send-back and /resubmit: the signer returns a draft to the
standing body with a reason (422 naming the field without one), the standing body
submits it again; 403 for whoever may not, 404 (to an administrator) for what does not
exist, 409 naming the stage when it is not the moment."""

from __future__ import annotations

import pytest

from domain.vocabulary import Stage

from .test_commands import awaiting_decision, expect

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

DRAFTS = "/api/v1/decisions"


async def test_send_back_and_resubmit(harness):
    first = await awaiting_decision(harness)
    second = await awaiting_decision(harness)
    decision = await expect(harness, "thuongtruc", DRAFTS, {"nomination_ids": [first, second]}, 201)
    path = f"{DRAFTS}/{decision['id']}"

    await expect(harness, "chutich", f"{path}/send-back", {}, 422, field="body.reason")
    await expect(
        harness, "chutich", f"{path}/send-back", {"reason": "  "}, 422, field="body.reason"
    )
    await expect(harness, "thuongtruc", f"{path}/send-back", {"reason": "Sai"}, 403)
    await expect(harness, "phochutich", f"{path}/send-back", {"reason": "Sai"}, 403)
    await expect(harness, "quantri", f"{DRAFTS}/999999/send-back", {"reason": "Sai"}, 404)
    await expect(harness, "chutich", f"{DRAFTS}/999999/send-back", {"reason": "Sai"}, 403)
    for _ in range(100):  # the draft is assembled when every nomination has joined
        response = await harness.post(
            "chutich", f"{path}/send-back", {"reason": "Ghi sai chức danh ở mục 2"}
        )
        if response.status_code != 409:
            break
    assert response.status_code == 200, response.text
    returned = response.json()
    assert returned["status"] == "returned"
    assert returned["returned_reason"] == "Ghi sai chức danh ở mục 2"
    assert len(returned["items"]) == 2  # items intact

    await expect(harness, "chutich", f"{path}/sign", None, 409, stage="returned")
    await expect(
        harness, "chutich", f"{path}/send-back", {"reason": "Lần nữa"}, 409, stage="returned"
    )
    await expect(harness, "chutich", f"{path}/resubmit", {}, 403)
    await expect(
        harness, "thuongtruc", f"{path}/resubmit", {"note": "x" * 2001}, 422, field="body.note"
    )
    removed = await expect(
        harness,
        "thuongtruc",
        f"{path}/remove-item",
        {"nomination_id": second, "reason": "Ghi sai chức danh"},
        200,
    )
    assert [i["nomination_id"] for i in removed["items"]] == [first]
    await harness.wait_stage(second, Stage.AWAITING_DECISION)

    again = await expect(harness, "thuongtruc", f"{path}/resubmit", {"note": "Đã sửa"}, 200)
    assert again["status"] == "awaiting_signature" and again["returned_reason"] is None
    assert again["due_at"] is not None
    await expect(harness, "thuongtruc", f"{path}/resubmit", {}, 409, stage="awaiting_signature")

    signed = await harness.sign(decision["id"])
    assert signed["number_text"] == "01/QĐ-UBND"
    await harness.wait_stage(first, Stage.GRANTED)
    await expect(harness, "chutich", f"{path}/send-back", {"reason": "Muộn"}, 409, stage="issued")
    await expect(harness, "thuongtruc", f"{path}/resubmit", {}, 409, stage="issued")
