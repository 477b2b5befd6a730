"""Every command of the approval API: its happy path, a forbidden actor (403), the wrong
stage (409 naming the stage) and invalid input (422 naming the field)."""

from __future__ import annotations

import asyncio
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


async def minutes_issued(harness, timeout: float = 30.0) -> None:
    from sqlalchemy import select

    from models import CouncilSession

    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        async with harness.factory() as db:
            issued = (
                await db.execute(
                    select(CouncilSession.id).where(CouncilSession.minutes_document_id.is_not(None))
                )
            ).first()
        if issued is not None:
            return
        assert asyncio.get_running_loop().time() < deadline, "the minutes were never issued"
        await asyncio.sleep(0.05)


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
    # At most once per time limit, by at most the limit itself (the rule set's
    # deadline_extensions): the completeness check here is 2 working days.
    too_long = await expect(
        harness,
        "thuongtruc",
        f"{base}/{reception}/extend",
        {"working_days": 3, "reason": "Chờ xác minh"},
        422,
        field="working_days",
    )
    assert "tối đa 2 ngày làm việc" in too_long["detail"]
    await expect(
        harness,
        "thuongtruc",
        f"{base}/{reception}/extend",
        {"working_days": 2, "reason": "Chờ xác minh"},
        200,
    )
    twice = await expect(
        harness,
        "chutich",
        f"{base}/{reception}/extend",
        {"working_days": 1, "reason": "Chờ thêm"},
        409,
    )
    assert twice["detail"].startswith("Thời hạn kiểm tra hồ sơ ở cấp này đã được gia hạn 1 lần")
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
    # Once it has closed, someone who could never close it or vote in it still hears 403.
    await expect(harness, "uyvien.mttq", close, {}, 403)
    ballot = f"/api/v1/council-sessions/{session['id']}/ballot"
    outsider = await expect(
        harness, "thuongtruc", ballot, {"choices": {str(nomination_id): "agree"}}, 403
    )
    assert "thành viên Hội đồng" in outsider["detail"]
    await expect(
        harness,
        "uyvien.mttq",
        ballot,
        {"choices": {str(nomination_id): "agree"}},
        409,
        stage="inquorate",
    )


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
    # Whoever could never sign, cancel or edit it hears 403, also once it is issued: the
    # stage (409) is only for those who may act on it.
    refused = await expect(harness, "thuongtruc", f"{path}/sign", None, 403)
    assert refused["detail"].startswith("Chỉ người có thẩm quyền được ký văn bản này")
    await expect(harness, "phochutich", f"{path}/sign", None, 403)  # never delegated
    await expect(harness, "uyvien.mttq", f"{path}/cancel", {"reason": "Hủy"}, 403)
    await expect(
        harness, "chutich", f"{path}/remove-item", {"nomination_id": first, "reason": "x"}, 403
    )
    await expect(
        harness,
        "chutich",
        f"{path}/delegate",
        {"to_user_id": harness.ids.users["phochutich"]},
        409,
        stage="issued",
    )

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


async def test_a_draft_still_being_assembled_says_when_to_ask_again(dev_harness):
    """Signing a draft whose nominations are still confirming their places: 409
    ``not_ready`` with Retry-After (seconds) and a message saying so; then it signs. (On the
    real dev server: a worker stopped and started again is what holds the draft back.)"""
    harness = dev_harness
    nomination_id = await awaiting_decision(harness)
    # The council's minutes are still being issued once the nomination awaits its decision:
    # let that write finish before the worker stops, or the stop cuts it inside its SQLite
    # write transaction and the draft below waits for the lock.
    await minutes_issued(harness)
    await harness.stop_worker()  # nothing confirms yet: the draft stays in assembly
    decision = await expect(
        harness, "thuongtruc", "/api/v1/decisions", {"nomination_ids": [nomination_id]}, 201
    )
    signing = asyncio.create_task(
        harness.post("chutich", f"/api/v1/decisions/{decision['id']}/sign")
    )
    await asyncio.sleep(0.5)  # Temporal holds the command until a worker takes the draft
    await harness.start_worker()
    response = await asyncio.wait_for(signing, timeout=30)
    assert response.status_code == 409, response.text
    assert response.json()["error"] == "not_ready"
    assert response.headers["Retry-After"] == "2"
    detail = response.json()["detail"]
    assert detail.startswith("Dự thảo đang được chuẩn bị") and "thử lại sau 2 giây" in detail
    assert "try again in 2 seconds" in detail
    signed = await harness.sign(decision["id"])
    assert signed["number_text"] == "01/QĐ-UBND"
