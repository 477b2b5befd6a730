"""Every command of the approval API: its happy path, a forbidden actor (403), the wrong
stage (409 naming the stage) and invalid input (422 naming the field)."""

from __future__ import annotations

from datetime import timedelta

from domain.vocabulary import Stage

MEMBERS = ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq", "uyvien.xdd")


async def expect(harness, user, path, body, status, *, field=None, stage=None):
    response = await harness.post(user, path, body)
    assert response.status_code == status, f"{user} {path}: {response.status_code} {response.text}"
    payload = response.json()
    if field is not None:
        assert payload.get("field") == field, payload
    if stage is not None:
        assert payload.get("stage") == stage, payload
    return payload


async def awaiting_decision(harness) -> int:
    nomination_id = (await harness.nominate())["id"]
    await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {})
    session = await harness.convene([nomination_id])
    for member in MEMBERS:
        await harness.vote(session["id"], member, {nomination_id: "agree"})
    await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)
    return nomination_id


async def test_nomination_commands(harness):
    base = "/api/v1/nominations"
    reception = (await harness.nominate())["id"]
    council = (await harness.nominate(person="Đặng Thị Thủy"))["id"]
    await harness.ok("thuongtruc", f"{base}/{council}/accept", {})

    # accept
    await expect(harness, "canbo.vanphong", f"{base}/{reception}/accept", {}, 403)
    await expect(
        harness,
        "thuongtruc",
        f"{base}/{reception}/accept",
        {"note": "x" * 2001},
        422,
        field="body.note",
    )
    await expect(
        harness, "thuongtruc", f"{base}/{council}/accept", {}, 409, stage="awaiting_council"
    )

    # return for supplement
    await expect(
        harness,
        "canbo.vanphong",
        f"{base}/{reception}/return",
        {"missing_items": ["to_trinh"], "reason": "Thiếu"},
        403,
    )
    await expect(
        harness,
        "thuongtruc",
        f"{base}/{reception}/return",
        {"missing_items": [], "reason": "Thiếu"},
        422,
        field="body.missing_items",
    )
    await expect(
        harness,
        "thuongtruc",
        f"{base}/{council}/return",
        {"missing_items": ["to_trinh"], "reason": "Thiếu"},
        409,
        stage="awaiting_council",
    )
    returned = await expect(
        harness,
        "thuongtruc",
        f"{base}/{reception}/return",
        {"missing_items": ["to_trinh"], "reason": "Tờ trình chưa ký"},
        200,
    )
    assert returned["stage"] == "returned"

    # resubmit
    await expect(
        harness, "thuongtruc", f"{base}/{reception}/resubmit", {"added_items": ["to_trinh"]}, 403
    )
    await expect(
        harness,
        "canbo.vanphong",
        f"{base}/{reception}/resubmit",
        {"added_items": []},
        422,
        field="body.added_items",
    )
    await expect(
        harness,
        "canbo.vanphong",
        f"{base}/{council}/resubmit",
        {"added_items": ["to_trinh"]},
        409,
        stage="awaiting_council",
    )
    resubmitted = await expect(
        harness,
        "canbo.vanphong",
        f"{base}/{reception}/resubmit",
        {"added_items": ["to_trinh"]},
        200,
    )
    assert resubmitted["stage"] == "reception"

    # extend a deadline, reassign the task
    await expect(
        harness,
        "canbo.vanphong",
        f"{base}/{reception}/extend",
        {"working_days": 3, "reason": "Chờ xác minh"},
        403,
    )
    await expect(
        harness,
        "thuongtruc",
        f"{base}/{reception}/extend",
        {"working_days": 0, "reason": "Chờ xác minh"},
        422,
        field="body.working_days",
    )
    await expect(
        harness,
        "thuongtruc",
        f"{base}/{reception}/extend",
        {"working_days": 3, "reason": "Chờ xác minh"},
        200,
    )
    officer = harness.ids.users["uyvien.vhxh"]
    await expect(
        harness, "canbo.vanphong", f"{base}/{reception}/reassign", {"to_user_id": officer}, 403
    )
    await expect(
        harness,
        "thuongtruc",
        f"{base}/{reception}/reassign",
        {"to_user_id": 999999},
        422,
        field="to_user_id",
    )
    await expect(
        harness,
        "thuongtruc",
        f"{base}/{reception}/reassign",
        {"to_user_id": officer, "reason": "Phân công lại"},
        200,
    )
    row = await harness.wait_recorded(reception, seq=5)
    assert row.assignee_user_id == officer

    # refuse belongs to the head of the deciding authority, after the council
    await expect(harness, "thuongtruc", f"{base}/{council}/refuse", {"reason": "Không đủ"}, 403)
    await expect(
        harness,
        "chutich",
        f"{base}/{council}/refuse",
        {"reason": "Không đủ"},
        409,
        stage="awaiting_council",
    )

    # reject (standing body or head) at a review stage
    await expect(harness, "canbo.vanphong", f"{base}/{reception}/reject", {"reason": "Sai"}, 403)
    await expect(
        harness,
        "thuongtruc",
        f"{base}/{reception}/reject",
        {"reason": ""},
        422,
        field="body.reason",
    )
    rejected = await expect(
        harness,
        "thuongtruc",
        f"{base}/{reception}/reject",
        {"reason": "Thành tích không đúng thực tế"},
        200,
    )
    assert rejected["stage"] == "rejected"
    await harness.wait_stage(reception, Stage.REJECTED)

    # withdraw
    await expect(harness, "thuongtruc", f"{base}/{council}/withdraw", {"reason": "Rút"}, 403)
    await expect(
        harness, "canbo.vanphong", f"{base}/{council}/withdraw", {}, 422, field="body.reason"
    )
    await expect(
        harness,
        "canbo.vanphong",
        f"{base}/{reception}/withdraw",
        {"reason": "Rút"},
        409,
        stage="rejected",
    )

    # revoke only a granted award
    await expect(
        harness,
        "chutich",
        f"{base}/{council}/revoke",
        {"reason": "Sai"},
        409,
        stage="awaiting_council",
    )
    await expect(
        harness, "chutich", f"{base}/{council}/revoke", {"reason": ""}, 422, field="body.reason"
    )


async def test_refuse_by_the_chairman_after_the_council(harness):
    nomination_id = await awaiting_decision(harness)
    refused = await expect(
        harness,
        "chutich",
        f"/api/v1/nominations/{nomination_id}/refuse",
        {"reason": "Chưa đủ tiêu chuẩn theo quy định của thành phố"},
        200,
    )
    assert refused["stage"] == "refused"
    assert len(await harness.notices("canbo.vanphong", "refused")) == 1


async def test_session_commands(harness):
    nomination_id = (await harness.nominate())["id"]
    now = await harness.now()
    closes = (now + timedelta(days=3)).isoformat()
    body = {"title": "Phiên họp", "nomination_ids": [nomination_id], "closes_at": closes}
    await expect(harness, "canbo.vanphong", "/api/v1/council-sessions", body, 403)
    await expect(harness, "thuongtruc", "/api/v1/council-sessions", body, 409)  # not yet accepted
    await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {})
    past = {**body, "closes_at": (now - timedelta(hours=1)).isoformat()}
    await expect(harness, "thuongtruc", "/api/v1/council-sessions", past, 422, field="closes_at")
    await expect(
        harness,
        "thuongtruc",
        "/api/v1/council-sessions",
        {**body, "nomination_ids": []},
        422,
        field="body.nomination_ids",
    )
    session = await expect(harness, "thuongtruc", "/api/v1/council-sessions", body, 201)
    close = f"/api/v1/council-sessions/{session['id']}/close"
    await expect(harness, "uyvien.mttq", close, {}, 403)
    closed = await expect(harness, "thuongtruc", close, {}, 200)
    assert closed["status"] == "inquorate"  # nobody present: nothing decided
    await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)  # waits for another session
    await expect(harness, "thuongtruc", close, {}, 409, stage="inquorate")


async def test_decision_commands(harness):
    first = await awaiting_decision(harness)
    second = await awaiting_decision(harness)
    drafts = "/api/v1/decisions"
    await expect(harness, "canbo.vanphong", drafts, {"nomination_ids": [first]}, 403)
    await expect(
        harness, "thuongtruc", drafts, {"nomination_ids": [first], "kind": "submission"}, 409
    )
    await expect(
        harness, "thuongtruc", drafts, {"nomination_ids": [999999]}, 422, field="nomination_ids.0"
    )
    decision = await expect(harness, "thuongtruc", drafts, {"nomination_ids": [first, second]}, 201)
    path = f"{drafts}/{decision['id']}"

    await expect(
        harness, "uyvien.mttq", f"{path}/remove-item", {"nomination_id": second, "reason": "x"}, 403
    )
    for _ in range(100):  # the draft is assembled when every nomination has joined
        response = await harness.post(
            "thuongtruc",
            f"{path}/remove-item",
            {"nomination_id": second, "reason": "Bổ sung hồ sơ sau"},
        )
        if response.status_code != 409:
            break
    assert response.status_code == 200, response.text
    assert [i["nomination_id"] for i in response.json()["items"]] == [first]
    # Asked of the assembled draft (before assembly the answer is 409, "still assembling").
    await expect(
        harness,
        "thuongtruc",
        f"{path}/remove-item",
        {"nomination_id": 999999, "reason": "x"},
        422,
        field="nomination_id",
    )
    await harness.wait_stage(second, Stage.AWAITING_DECISION)  # back, for another decision

    await expect(
        harness,
        "phochutich",
        f"{path}/delegate",
        {"to_user_id": harness.ids.users["phochutich"]},
        403,
    )
    await expect(
        harness,
        "chutich",
        f"{path}/delegate",
        {"to_user_id": harness.ids.users["uyvien.mttq"]},
        422,
        field="to_user_id",
    )
    await expect(harness, "phochutich", f"{path}/sign", None, 403)
    signed = await harness.sign(decision["id"])
    assert signed["number_text"] == "01/QĐ-UBND"
    await expect(harness, "chutich", f"{path}/sign", None, 409, stage="issued")
    await expect(harness, "thuongtruc", f"{path}/cancel", {"reason": "Hủy"}, 409, stage="issued")

    other = await expect(harness, "thuongtruc", drafts, {"nomination_ids": [second]}, 201)
    await expect(
        harness,
        "thuongtruc",
        f"{drafts}/{other['id']}/cancel",
        {"reason": ""},
        422,
        field="body.reason",
    )
    for _ in range(100):
        response = await harness.post(
            "thuongtruc", f"{drafts}/{other['id']}/cancel", {"reason": "Lập lại theo đợt"}
        )
        if response.status_code != 409:
            break
    assert response.status_code == 200 and response.json()["status"] == "cancelled", response.text
    await harness.wait_stage(second, Stage.AWAITING_DECISION)
    second_decision = await expect(harness, "thuongtruc", drafts, {"nomination_ids": [second]}, 201)
    signed_again = await harness.sign(second_decision["id"])
    assert signed_again["number_text"] == "02/QĐ-UBND"  # no number was spent on the cancelled draft
