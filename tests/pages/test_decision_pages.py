"""Decision pages: drafting from the nominations awaiting a decision, the PDF preview,
the signing queue with one action to sign, delegation to the vice-chairman."""

from __future__ import annotations

import asyncio

import pytest

from domain.vocabulary import DecisionStatus, SignerCapacity, Stage
from models import Decision
from tests.pages.conftest import Person

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


async def awaiting_decision(harness, person: str = "Nguyễn Thị Hoa") -> int:
    nomination_id = (await harness.nominate(person=person))["id"]
    await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {"note": ""})
    await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)
    session = await harness.convene([nomination_id])
    for member in ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq"):
        await harness.vote(session["id"], member, {nomination_id: "agree"})
    await harness.ok("thuongtruc", f"/api/v1/council-sessions/{session['id']}/close", {})
    await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)
    return nomination_id


async def wait_status(harness, decision_id: int, status: DecisionStatus) -> Decision:
    for _ in range(300):
        async with harness.factory() as session:
            decision = await session.get(Decision, decision_id)
            if decision.status == status:
                return decision
        await asyncio.sleep(0.05)
    raise AssertionError(f"decision {decision_id} is {decision.status}")


async def test_draft_delegate_and_sign(harness, people):
    nomination_id = await awaiting_decision(harness)
    standing = people("thuongtruc")
    page = await standing.get("/decisions")
    assert f'name="nomination_ids" value="{nomination_id}" checked' in page.text
    refused = await standing.post("/decisions", {"kind": "decision"}, csrf_from="/decisions")
    assert (
        refused.status_code == 422 and 'id="decision-ids-error">Vui lòng chọn</p>' in refused.text
    )
    drafted = await standing.post(
        "/decisions",
        {"kind": "decision", "nomination_ids": [str(nomination_id)]},
        csrf_from="/decisions",
    )
    assert drafted.status_code == 303
    decision_id = int(drafted.headers["location"].rsplit("/", 1)[1])
    view = await standing.get(drafted.headers["location"])
    assert f'data="/api/v1/decisions/{decision_id}/preview.pdf"' in view.text
    assert 'id="sign-form"' not in view.text  # the standing body drafts, never signs
    await wait_status(harness, decision_id, DecisionStatus.AWAITING_SIGNATURE)
    forbidden = await standing.post(f"/decisions/{decision_id}/sign", {}, csrf_from="/decisions")
    assert forbidden.status_code == 403

    vice = people("phochutich")
    assert "Không có văn bản nào chờ bạn ký" in (await vice.get("/signing")).text
    chairman = people("chutich")
    queue = await chairman.get("/signing")
    assert "Về việc tặng Giấy khen" in queue.text and 'id="sign-form"' in queue.text
    assert "702.000 đồng" in queue.text  # 0.3 × 2.340.000 đồng, in Vietnamese format
    refused = await chairman.post(
        f"/decisions/{decision_id}/delegate", {"to_user_id": ""}, csrf_from="/signing"
    )
    assert refused.status_code == 422 and 'id="to_user_id-error">Vui lòng chọn</p>' in refused.text
    delegated = await chairman.post(
        f"/decisions/{decision_id}/delegate",
        {"to_user_id": str(harness.ids.users["phochutich"]), "reason": "Chủ tịch đi công tác"},
        csrf_from="/signing",
    )
    assert delegated.status_code == 303
    assert "Không có văn bản nào chờ bạn ký" in (await chairman.get("/signing")).text
    queue = await vice.get("/signing")
    assert 'id="sign-form"' in queue.text and "Giao ký thay: Lê Thị Thu Hà" in queue.text
    signed = await vice.post(f"/decisions/{decision_id}/sign", {}, csrf_from="/signing")
    assert signed.status_code == 303
    decision = await wait_status(harness, decision_id, DecisionStatus.SIGNED)
    assert decision.signer_capacity == SignerCapacity.DEPUTY
    shown = await vice.get(signed.headers["location"])
    # Signed without a number: the clerk (văn thư) numbers, dates and issues it (Decree 30).
    assert decision.number_text == ""
    assert "Văn thư sẽ cấp số, ghi ngày ban hành và phát hành văn bản" in shown.text
    assert 'id="decision-number"' not in shown.text
    issued = await harness.issue(decision_id)
    await wait_status(harness, decision_id, DecisionStatus.ISSUED)
    shown = await vice.get(signed.headers["location"])
    assert "/xac-minh?number=" in shown.text
    assert f'id="decision-number">{issued["number_text"]}<' in shown.text
    await harness.wait_stage(nomination_id, Stage.GRANTED)
    nomination = await people("canbo.vanphong").get(f"/nominations/{nomination_id}")
    assert 'class="certificate-link"' in nomination.text and "Giấy khen (in)" in nomination.text
    assert "/api/v1/documents/" in nomination.text  # the signed decision PDF


async def test_signing_queue_only_for_signers(harness, people):
    assert (await people("uyvien.mttq").get("/signing")).status_code == 403
    assert (await people("thuongtruc").get("/signing")).status_code == 403
    assert (await people("chutich.tp").get("/signing")).status_code == 200


async def test_a_draft_being_prepared_says_so_and_the_pages_wait_for_it(dev_harness):
    """Right after drafting, while the draft's nominations confirm their places, the
    decision page and the signing queue say it is being prepared and reload themselves;
    signing it then answers the same, with Retry-After, and the page reloads to the
    decision, which can then be signed."""
    harness = dev_harness
    nomination_id = await awaiting_decision(harness)
    standing, chairman = Person(harness, "thuongtruc"), Person(harness, "chutich")
    try:
        await harness.stop_worker()  # nothing confirms: the draft stays in assembly
        drafted = await standing.post(
            "/decisions",
            {"kind": "decision", "nomination_ids": [str(nomination_id)]},
            csrf_from="/decisions",
        )
        assert drafted.status_code == 303
        page = drafted.headers["location"]
        decision_id = int(page.rsplit("/", 1)[1])
        view = await chairman.get(page)
        assert 'id="assembling"' in view.text and "đang được chuẩn bị, vui lòng chờ" in view.text
        assert f'<meta http-equiv="refresh" content="2; url=/decisions/{decision_id}">' in view.text
        queue = await chairman.get("/signing")
        assert "1 văn bản đang được chuẩn bị để trình ký, vui lòng chờ" in queue.text
        assert '<meta http-equiv="refresh" content="2">' in queue.text

        token = await chairman.csrf(page)
        signing = asyncio.create_task(
            chairman.http.post(f"/decisions/{decision_id}/sign", data={"csrf_token": token})
        )
        await asyncio.sleep(0.5)  # Temporal holds the command until a worker takes the draft
        await harness.start_worker()
        refused = await asyncio.wait_for(signing, timeout=30)
        assert refused.status_code == 409 and refused.headers["Retry-After"] == "2"
        assert 'id="sign-error"' in refused.text and "vui lòng thử lại sau 2 giây" in refused.text
        assert f'content="2; url=/decisions/{decision_id}"' in refused.text

        await wait_status(harness, decision_id, DecisionStatus.AWAITING_SIGNATURE)
        ready = await chairman.get(page)
        assert 'id="sign-form"' in ready.text and 'http-equiv="refresh"' not in ready.text
        queue = await chairman.get("/signing")
        assert 'id="assembling"' not in queue.text and 'id="sign-form"' in queue.text
    finally:
        await standing.aclose()
        await chairman.aclose()
