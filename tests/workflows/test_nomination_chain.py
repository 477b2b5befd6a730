"""Issue 4's acceptance cases, end to end through the API, the workflows (time-skipping
Temporal server) and the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import timedelta

import pypdf
from sqlalchemy import func, select

from domain.calendar import WorkingCalendar
from domain.vocabulary import NomineeKind, Stage
from models import AuditEvent, AwardRecord, BallotReceipt, Document, Nomination, Notice
from thidua.catalogue_store import load_candidate

from .attribution import assert_every_event_attributed, full_name, nomination_event, rule_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MEMBERS = ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq", "uyvien.xdd")
CITY_MEMBERS = ("chutich.tp", "uyvien.tp1", "uyvien.tp2")


async def accept(harness, nomination_id: int, standing: str = "thuongtruc") -> dict:
    return await harness.ok(standing, f"/api/v1/nominations/{nomination_id}/accept", {"note": ""})


async def council(
    harness,
    ids: list[int],
    votes: dict[str, dict[int, str]],
    *,
    standing: str = "thuongtruc",
    members: int = 5,
) -> dict:
    """Convene, vote, and close the session when not every member voted."""
    session = await harness.convene(ids, standing=standing)
    for member, choices in votes.items():
        await harness.vote(session["id"], member, choices)
    if len(votes) < members:
        await harness.close_session(session["id"], standing)
    return session


async def notices_of(harness, username: str, kind: str, count: int = 1) -> list[Notice]:
    return await harness.notices(username, kind, count=count)


async def test_cstdcs_passes_at_exactly_80_percent_and_fails_just_below(harness):
    """≥ 80% of ALL five members: 4 agree passes, 3 agree fails (ND 98 Art. 30(7))."""
    # CSTĐCS needs LĐTT the same year: proposed together in one batch.
    for person in ("Nguyễn Thị Hoa", "Đặng Thị Thủy"):
        await harness.nominate(award_code="ldtt", person=person)
    hoa = (await harness.nominate(award_code="cstdcs", person="Nguyễn Thị Hoa"))["id"]
    thuy = (await harness.nominate(award_code="cstdcs", person="Đặng Thị Thủy"))["id"]
    for nomination_id in (hoa, thuy):
        await accept(harness, nomination_id)
    await harness.wait_stage(hoa, Stage.AWAITING_COUNCIL)
    await harness.wait_stage(thuy, Stage.AWAITING_COUNCIL)

    votes = {m: {hoa: "agree", thuy: "agree"} for m in MEMBERS[:3]}
    votes["uyvien.mttq"] = {hoa: "agree", thuy: "disagree"}
    votes["uyvien.xdd"] = {hoa: "disagree", thuy: "abstain"}
    await council(harness, [hoa, thuy], votes)

    await harness.wait_stage(hoa, Stage.AWAITING_DECISION)
    refused = await harness.wait_stage(thuy, Stage.REFUSED)
    assert "3/5 đồng ý" in refused.outcome_reason and "80%" in refused.outcome_reason
    events = await assert_every_event_attributed(harness)
    assert rule_of(nomination_event(events, thuy, "council_failed")) == "vote_threshold"


async def test_a_returned_dossier_stops_the_clock_until_it_comes_back(harness):
    created = await harness.nominate(items=["to_trinh", "bao_cao_thanh_tich"])
    nomination_id = created["id"]
    incomplete = await harness.post("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {})
    assert incomplete.status_code == 409 and "bien_ban_binh_xet" in incomplete.text

    no_reason = await harness.post(
        "thuongtruc",
        f"/api/v1/nominations/{nomination_id}/return",
        {"missing_items": ["bien_ban_binh_xet"], "reason": " "},
    )
    assert no_reason.status_code == 422 and no_reason.json()["field"].endswith("reason")
    returned = await harness.ok(
        "thuongtruc",
        f"/api/v1/nominations/{nomination_id}/return",
        {
            "missing_items": ["bien_ban_binh_xet"],
            "reason": "Thiếu biên bản họp bình xét của đơn vị",
        },
    )
    assert returned["stage"] == "returned"
    row = await harness.nomination(nomination_id)
    assert row.waiting_on_unit_id == harness.ids.units["tk-van-phong"]
    notices = await notices_of(harness, "canbo.vanphong", "returned_for_supplement")
    # The mail names the missing item, never its code.
    assert len(notices) == 1 and "Biên bản bình xét thi đua" in notices[0].body_text
    assert "bien_ban_binh_xet" not in notices[0].body_text

    await harness.env.sleep(timedelta(days=6))  # the dossier stays with the unit
    upload = await harness.http.post(
        f"/api/v1/nominations/{nomination_id}/dossier-items",
        headers=harness.headers("canbo.vanphong"),
        data={"item_code": "bien_ban_binh_xet"},
        files={"file": ("bien-ban.pdf", PDF, "application/pdf")},
    )
    assert upload.status_code == 201, upload.text
    back = await harness.ok(
        "canbo.vanphong",
        f"/api/v1/nominations/{nomination_id}/resubmit",
        {"added_items": ["bien_ban_binh_xet"]},
    )
    assert back["stage"] == "reception"
    # The reception clock (2 working days under the Hải Phòng override) had not run while
    # the unit held the dossier: it resumes with what was left, counted from now.
    async with harness.factory() as session:
        events = (
            (
                await session.execute(
                    select(AuditEvent)
                    .where(AuditEvent.nomination_id == nomination_id)
                    .order_by(AuditEvent.id)
                )
            )
            .scalars()
            .all()
        )
    submitted = next(e for e in events if e.action == "submitted")
    resubmitted = next(e for e in events if e.action == "resubmitted")
    calendar = WorkingCalendar(
        __import__("api.services.plans", fromlist=["calendar_data"]).calendar_data(
            harness.settings, submitted.occurred_at.date()
        )
    )
    row = await harness.nomination(nomination_id)
    first_due = calendar.due_moment(
        submitted.occurred_at, __import__("domain.calendar", fromlist=["Duration"]).Duration(2)
    )
    assert row.stage_due_at > first_due, "the deadline moved by the time the unit held the dossier"
    assert (
        calendar.working_days_between(
            calendar.local_date(resubmitted.occurred_at), calendar.local_date(row.stage_due_at)
        )
        <= 2
    )

    again = await harness.post(
        "thuongtruc",
        f"/api/v1/nominations/{nomination_id}/return",
        {"missing_items": ["to_trinh"], "reason": "Lần hai"},
    )
    assert again.status_code == 409 and "một lần" in again.text
    await accept(harness, nomination_id)
    await harness.wait_stage(nomination_id, Stage.AWAITING_COUNCIL)
    await assert_every_event_attributed(harness)


async def test_a_unit_that_does_not_resubmit_in_time_lets_the_nomination_lapse(harness):
    nomination_id = (await harness.nominate(items=["to_trinh"]))["id"]
    await harness.ok(
        "thuongtruc",
        f"/api/v1/nominations/{nomination_id}/return",
        {"missing_items": ["bao_cao_thanh_tich"], "reason": "Thiếu báo cáo thành tích"},
    )
    await harness.env.sleep(timedelta(days=20))  # > 10 working days to resubmit
    row = await harness.wait_stage(nomination_id, Stage.LAPSED)
    assert row.closed_at is not None
    assert len(await notices_of(harness, "canbo.vanphong", "lapsed")) == 1
    late = await harness.post(
        "canbo.vanphong",
        f"/api/v1/nominations/{nomination_id}/resubmit",
        {"added_items": ["bao_cao_thanh_tich"]},
    )
    assert late.status_code == 409 and late.json()["stage"] == "lapsed"
    events = await assert_every_event_attributed(harness)
    lapsed = nomination_event(events, nomination_id, "lapsed")
    assert rule_of(lapsed) == "lapse" and lapsed.actor_role == "system"


async def test_objections_block_the_notice_and_an_upheld_one_rejects(harness):
    """Gia đình văn hóa: posted 10 days; a pending objection blocks until resolved."""
    household = dict(
        unit_user="canbo.tdp1",
        unit_code="tk-tdp-1",
        award_code="gd_van_hoa",
        items=["to_trinh", "danh_sach_ho_gia_dinh", "bien_ban_binh_xet"],
    )
    kept = (await harness.nominate(household="Bùi Văn Khải", **household))["id"]
    dropped = (await harness.nominate(household="Nguyễn Văn Tâm", **household))["id"]
    for nomination_id in (kept, dropped):
        assert (await accept(harness, nomination_id))["stage"] == "public_notice"

    notice_documents = []
    for _ in range(200):  # the notice document is made in the background
        detail = (await harness.get("thuongtruc", f"/api/v1/nominations/{kept}")).json()
        notice_documents = [d for d in detail["documents"] if d["kind"] == "public_notice"]
        if notice_documents:
            break
        await __import__("asyncio").sleep(0.05)
    assert len(notice_documents) == 1
    pdf = await harness.http.get(notice_documents[0]["url"])  # public, no login
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    portal = (await harness.http.get("/api/v1/public/notices")).json()
    assert {item["nomination_id"] for item in portal["items"]} >= {kept, dropped}
    objection = {
        "objector_name": "Trần Văn Bình",
        "objector_contact": "0912 345 678, TDP 1",
        "reason": "Gia đình chưa chấp hành quy định về vệ sinh môi trường của tổ dân phố",
    }
    first = await harness.http.post(f"/api/v1/public/notices/{kept}/objections", json=objection)
    second = await harness.http.post(f"/api/v1/public/notices/{dropped}/objections", json=objection)
    assert first.status_code == second.status_code == 201
    short = await harness.http.post(
        f"/api/v1/public/notices/{kept}/objections", json={**objection, "reason": "ngắn"}
    )
    assert short.status_code == 422 and short.json()["field"] == "body.reason"

    await harness.env.sleep(timedelta(days=12))  # the notice period is over...
    assert (await harness.nomination(kept)).stage == Stage.PUBLIC_NOTICE  # ...but blocked

    detail = (await harness.get("thuongtruc", f"/api/v1/nominations/{kept}")).json()
    key = detail["objections"][0]["key"]
    await harness.ok(
        "thuongtruc",
        f"/api/v1/nominations/{kept}/objections/{key}/resolve",
        {"outcome": "dismissed", "reason": "Đã xác minh: hộ gia đình chấp hành tốt"},
    )
    await harness.wait_stage(kept, Stage.AWAITING_DECISION)  # no council vote for GĐVH

    detail = (await harness.get("thuongtruc", f"/api/v1/nominations/{dropped}")).json()
    key = detail["objections"][0]["key"]
    await harness.ok(
        "thuongtruc",
        f"/api/v1/nominations/{dropped}/objections/{key}/resolve",
        {"outcome": "upheld", "reason": "Xác minh đúng phản ánh"},
    )
    row = await harness.wait_stage(dropped, Stage.REJECTED)
    assert "Xác minh đúng phản ánh" in row.outcome_reason
    events = await assert_every_event_attributed(harness)
    assert rule_of(nomination_event(events, kept, "public_notice_ended")) == "public_notice_end"
    lodged = nomination_event(events, kept, "objection_lodged")
    assert (lodged.actor_name, lodged.actor_role) == ("Trần Văn Bình", "resident")


async def test_an_overdue_stage_reminds_then_escalates_to_the_head(harness):
    nomination_id = (await harness.nominate())["id"]
    row = await harness.nomination(nomination_id)
    assert row.stage_due_at is not None and not row.escalated
    await harness.sleep(row.stage_due_at - await harness.now() + timedelta(hours=1))
    for _ in range(100):
        row = await harness.nomination(nomination_id)
        if row.escalated:
            break
        await __import__("asyncio").sleep(0.05)
    assert row.escalated and row.stage == Stage.RECEPTION
    reminders = await notices_of(harness, "thuongtruc", "reminder")
    escalations = await notices_of(harness, "chutich", "escalation")
    assert len(reminders) >= 1 and len(escalations) == 1
    history = (await harness.get("kiemtra", f"/api/v1/nominations/{nomination_id}/history")).json()
    assert [e["action"] for e in history["events"]] == ["submitted", "escalated"]
    # An extension is bounded by the rule set (deadline_extensions: once per time limit,
    # by at most the limit itself: 2 working days for this completeness check).
    extend = f"/api/v1/nominations/{nomination_id}/extend"
    too_long = await harness.post(
        "thuongtruc", extend, {"working_days": 5, "reason": "Chờ xác minh thành tích"}
    )
    assert too_long.status_code == 422, too_long.text
    assert too_long.json()["field"].endswith("working_days")
    assert too_long.json()["detail"].startswith("Chỉ được gia hạn thêm tối đa 2 ngày làm việc")
    extended = await harness.ok(
        "thuongtruc", extend, {"working_days": 2, "reason": "Chờ xác minh thành tích"}
    )
    assert extended["stage_due_at"] > row.stage_due_at.isoformat()
    again = await harness.post("chutich", extend, {"working_days": 1, "reason": "Thêm một ngày"})
    assert again.status_code == 409, again.text
    assert "đã được gia hạn 1 lần" in again.json()["detail"]
    assert "already extended" in again.json()["detail"]
    outsider = await harness.post(
        "canbo.vanphong", extend, {"working_days": 1, "reason": "Thêm một ngày"}
    )
    assert outsider.status_code == 403  # the actor before the rule
    events = await assert_every_event_attributed(harness)
    escalated = nomination_event(events, nomination_id, "escalated")
    assert rule_of(escalated) == "escalation" and "kiểm tra hồ sơ" in escalated.reason
    assert escalated.actor_user_id is None and escalated.actor_role == "system"


async def forward(
    harness, nomination_id: int, *, standing: str, signer: str, members: tuple[str, ...]
) -> dict:
    """One level that votes and submits upward."""
    await accept(harness, nomination_id, standing)
    await council(
        harness,
        [nomination_id],
        {m: {nomination_id: "agree"} for m in members},
        standing=standing,
        members=len(members),
    )
    await harness.wait_stage(nomination_id, Stage.AWAITING_SUBMISSION)
    submission = await harness.draft_decision([nomination_id], kind="submission", standing=standing)
    signed = await harness.sign(submission["id"], signer)
    assert "/TTr-" in signed["number_text"]
    return signed


async def test_a_bang_khen_is_forwarded_to_the_city_and_decided_there(harness):
    nomination_id = (
        await harness.nominate(award_code="bang_khen_thanh_pho", attestations=["city_influence"])
    )["id"]
    await forward(harness, nomination_id, standing="thuongtruc", signer="chutich", members=MEMBERS)
    row = await harness.wait_stage(nomination_id, Stage.RECEPTION)
    assert row.level.value == "city" and row.authority_id == harness.ids.authorities["city"]
    # One forwarding, one notice to the city's standing body, telling it what to do: receive
    # and check the dossier (the unit is told it went up; the city waits for nobody).
    assert len(await notices_of(harness, "canbo.vanphong", "forwarded")) == 1
    received = await notices_of(harness, "thanhpho", "dossier_submitted")
    assert len(received) == 1 and "kiểm tra" in received[0].body_text
    async with harness.factory() as session:
        city_notices = (
            (
                await session.execute(
                    select(Notice).where(Notice.user_id == harness.ids.users["thanhpho"])
                )
            )
            .scalars()
            .all()
        )
    assert [n.kind for n in city_notices] == ["dossier_submitted"]
    # The ward's unit still sees it; the city now sees it too.
    assert (
        await harness.get("thanhpho", f"/api/v1/nominations/{nomination_id}")
    ).status_code == 200
    await accept(harness, nomination_id, "thanhpho")
    await council(
        harness,
        [nomination_id],
        {m: {nomination_id: "agree"} for m in CITY_MEMBERS},
        standing="thanhpho",
        members=3,
    )
    await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)
    decision = await harness.draft_decision([nomination_id], standing="thanhpho")
    signed = await harness.sign(decision["id"], "chutich.tp")
    row = await harness.wait_stage(nomination_id, Stage.GRANTED)
    assert row.decision_number == signed["number_text"] == "01/QĐ-UBND"
    async with harness.factory() as session:
        record = (
            await session.execute(
                select(AwardRecord).where(AwardRecord.nomination_id == nomination_id)
            )
        ).scalar_one()
    assert record.award_code == "bang_khen_thanh_pho" and record.year == 2026
    assert "Hải Phòng" in record.deciding_authority
    events = await assert_every_event_attributed(harness)
    forwarded = nomination_event(events, nomination_id, "forwarded")
    assert (forwarded.actor_name, forwarded.actor_role) == (
        await full_name(harness, "chutich"),
        "chairman",
    )
    granted = nomination_event(events, nomination_id, "granted")
    assert (granted.actor_name, granted.actor_role) == (
        await full_name(harness, "chutich.tp"),
        "chairman",
    )


async def test_a_national_award_goes_through_the_city_to_central_level(harness):
    nomination_id = (
        await harness.nominate(award_code="bang_khen_thu_tuong", attestations=["wide_influence"])
    )["id"]
    await forward(harness, nomination_id, standing="thuongtruc", signer="chutich", members=MEMBERS)
    await harness.wait_stage(nomination_id, Stage.RECEPTION)
    await forward(
        harness, nomination_id, standing="thanhpho", signer="chutich.tp", members=CITY_MEMBERS
    )
    row = await harness.wait_stage(nomination_id, Stage.RECEPTION)
    assert row.level.value == "central"
    # The central level needs the Party committee's opinion: returned to the city's standing body.
    incomplete = await harness.post("trunguong", f"/api/v1/nominations/{nomination_id}/accept", {})
    assert incomplete.status_code == 409 and "y_kien_cap_uy" in incomplete.text
    await harness.ok(
        "trunguong",
        f"/api/v1/nominations/{nomination_id}/return",
        {"missing_items": ["y_kien_cap_uy"], "reason": "Thiếu ý kiến của cấp ủy"},
    )
    upload = await harness.http.post(
        f"/api/v1/nominations/{nomination_id}/dossier-items",
        headers=harness.headers("thanhpho"),
        data={"item_code": "y_kien_cap_uy"},
        files={"file": ("y-kien.pdf", PDF, "application/pdf")},
    )
    assert upload.status_code == 201, upload.text
    await harness.ok(
        "thanhpho",
        f"/api/v1/nominations/{nomination_id}/resubmit",
        {"added_items": ["y_kien_cap_uy"]},
    )
    await accept(harness, nomination_id, "trunguong")
    await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)  # no central council vote
    decision = await harness.draft_decision([nomination_id], standing="trunguong")
    signed = await harness.sign(decision["id"], "thutuong")
    assert signed["number_text"] == "01/QĐ-TTg"
    row = await harness.wait_stage(nomination_id, Stage.GRANTED)
    history = (await harness.get("kiemtra", f"/api/v1/nominations/{nomination_id}/history")).json()
    levels = [e["level"] for e in history["events"] if e["action"] == "forwarded"]
    assert levels == ["city", "central"]
    await assert_every_event_attributed(harness)


async def test_the_unit_withdraws_before_a_decision(harness):
    nomination_id = (await harness.nominate())["id"]
    await accept(harness, nomination_id)
    outsider = await harness.post(
        "canbo.tdp1",
        f"/api/v1/nominations/{nomination_id}/withdraw",
        {"reason": "Không phải của đơn vị"},
    )
    assert outsider.status_code == 403
    done = await harness.ok(
        "canbo.vanphong",
        f"/api/v1/nominations/{nomination_id}/withdraw",
        {"reason": "Cá nhân chuyển công tác"},
    )
    assert done["stage"] == "withdrawn"
    await harness.wait_stage(nomination_id, Stage.WITHDRAWN)
    assert len(await notices_of(harness, "thuongtruc", "withdrawn")) == 1
    later = await harness.post("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {})
    assert later.status_code == 409 and later.json()["stage"] == "withdrawn"
    await assert_every_event_attributed(harness)


async def grant_giay_khen(
    harness, person: str = "Nguyễn Thị Hoa", delegate: bool = False
) -> tuple[int, dict]:
    nomination_id = (await harness.nominate(person=person))["id"]
    await accept(harness, nomination_id)
    await council(harness, [nomination_id], {m: {nomination_id: "agree"} for m in MEMBERS[:4]})
    await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)
    decision = await harness.draft_decision([nomination_id])
    signer = "chutich"
    if delegate:
        for _ in range(200):
            response = await harness.post(
                "chutich",
                f"/api/v1/decisions/{decision['id']}/delegate",
                {"to_user_id": harness.ids.users["phochutich"]},
            )
            if response.status_code != 409:
                break
            await __import__("asyncio").sleep(0.05)
        assert response.status_code == 200, response.text
        refused = await harness.post("chutich", f"/api/v1/decisions/{decision['id']}/sign")
        assert refused.status_code == 403
        signer = "phochutich"
    signed = await harness.sign(decision["id"], signer)
    await harness.wait_stage(nomination_id, Stage.GRANTED)
    return nomination_id, signed


async def test_the_chairman_delegates_signing_to_a_vice_chairman(harness):
    nomination_id, signed = await grant_giay_khen(harness, delegate=True)
    async with harness.factory() as session:
        document = await session.get(Document, signed["document_id"])
    from thidua.files import FileStore

    pdf = FileStore(harness.settings.files_dir).get(document.storage_key)
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "KT. CHỦ TỊCH" in text and "PHÓ CHỦ TỊCH" in text and "Lê Thị Thu Hà" in text
    assert document.signer_name == "Lê Thị Thu Hà"
    # The trail names the vice-chairman who signed, on whose behalf, and who delegated.
    events = await assert_every_event_attributed(harness)
    chairman = await full_name(harness, "chutich")
    granted = nomination_event(events, nomination_id, "granted")
    assert (granted.actor_name, granted.actor_role) == ("Lê Thị Thu Hà", "vice_chairman")
    assert "KT. CHỦ TỊCH" in granted.reason and chairman in granted.reason
    # Signed by the vice-chairman, issued by the clerk (văn thư, Decree 30).
    signed_event = next(e for e in events if e.subject_type == "decision" and e.action == "signed")
    assert signed_event.actor_name == "Lê Thị Thu Hà" and "KT. CHỦ TỊCH" in signed_event.reason
    assert chairman in signed_event.reason
    issued = next(e for e in events if e.subject_type == "decision" and e.action == "issued")
    assert (issued.actor_name, issued.actor_role) == (await full_name(harness, "vanthu"), "clerk")
    delegated = next(e for e in events if e.action == "delegated")
    assert (delegated.actor_name, delegated.actor_role) == (chairman, "chairman")


async def test_a_granted_award_is_revoked_and_leaves_the_history(harness):
    nomination_id, _ = await grant_giay_khen(harness)
    forbidden = await harness.post(
        "canbo.vanphong",
        f"/api/v1/nominations/{nomination_id}/revoke",
        {"reason": "Khai man thành tích"},
    )
    assert forbidden.status_code == 403
    revoked = await harness.ok(
        "chutich",
        f"/api/v1/nominations/{nomination_id}/revoke",
        {"reason": "Khai man thành tích", "legal_basis": "Điều 93 Luật TĐKT 2022"},
    )
    assert revoked["stage"] == "revoked"
    again = await harness.post(
        "chutich", f"/api/v1/nominations/{nomination_id}/revoke", {"reason": "Lần nữa"}
    )
    assert again.status_code == 409
    async with harness.factory() as session:
        record = (
            await session.execute(
                select(AwardRecord).where(AwardRecord.nomination_id == nomination_id)
            )
        ).scalar_one()
        assert record.revoked_at is not None and record.revocation_basis == "Điều 93 Luật TĐKT 2022"
        candidate = await load_candidate(
            session,
            kind=NomineeKind.INDIVIDUAL,
            subject_id=harness.ids.people["Nguyễn Thị Hoa"],
            year=2026,
        )
        assert not any(a.award_code == "giay_khen" and not a.revoked for a in candidate.awards)
        row = await session.get(Nomination, nomination_id)
        assert row.stage == Stage.REVOKED
    events = await assert_every_event_attributed(harness)
    revoked_event = nomination_event(events, nomination_id, "revoked")
    assert (revoked_event.actor_name, revoked_event.actor_role) == (
        await full_name(harness, "chutich"),
        "chairman",
    )


async def test_ballots_are_secret_and_one_per_member(harness):
    nomination_id = (await harness.nominate())["id"]
    await accept(harness, nomination_id)
    session = await harness.convene([nomination_id])
    session_id = session["id"]
    missing = await harness.post(
        "uyvien.mttq", f"/api/v1/council-sessions/{session_id}/ballot", {"choices": {}}
    )
    assert missing.status_code == 422 and missing.json()["field"] == f"choices.{nomination_id}"
    await harness.vote(session_id, "uyvien.mttq", {nomination_id: "agree"})
    duplicate = await harness.vote(
        session_id, "uyvien.mttq", {nomination_id: "disagree"}, status=409
    )
    assert "đã bỏ phiếu" in duplicate.text
    outsider = await harness.vote(session_id, "thuongtruc", {nomination_id: "agree"}, status=403)
    assert "thành viên" in outsider.text
    async with harness.factory() as db:
        receipts = (
            await db.execute(select(func.count()).where(BallotReceipt.session_id == session_id))
        ).scalar_one()
    assert receipts == 1
    view = (await harness.get("thuongtruc", f"/api/v1/council-sessions/{session_id}")).json()
    voted = [m for m in view["members"] if m["has_voted"]]
    assert [m["name"] for m in voted] == ["Vũ Thị Lan"]
    assert (
        "agree" not in str(view["members"]) and view["items"][0]["agree"] == 0
    )  # no running tally
    for member in ("chutich", "phochutich", "uyvien.vhxh"):
        await harness.vote(session_id, member, {nomination_id: "agree"})
    closed = await harness.ok("thuongtruc", f"/api/v1/council-sessions/{session_id}/close", {})
    assert closed["status"] == "closed" and closed["items"][0]["agree"] == 4
    after = await harness.vote(session_id, "uyvien.xdd", {nomination_id: "agree"}, status=409)
    assert after.json()["error"] == "wrong_stage"
    events = await assert_every_event_attributed(harness)
    closed = next(e for e in events if e.subject_type == "council_session" and e.action == "closed")
    assert (closed.actor_name, closed.actor_role) == (
        await full_name(harness, "thuongtruc"),
        "standing_officer",
    )


async def test_a_worker_stopped_mid_flow_finishes_with_nothing_lost_or_done_twice(dev_harness):
    """On the real dev server: its sticky queues and task timeouts are what a restart meets."""
    harness = dev_harness
    nomination_id = (await harness.nominate())["id"]
    await accept(harness, nomination_id)
    # The worker stops; commands started meanwhile wait in Temporal.
    await harness.stop_worker()
    session = await harness.convene([nomination_id])
    await harness.start_worker()
    for member in MEMBERS[:4]:
        await harness.vote(session["id"], member, {nomination_id: "agree"})
    await harness.close_session(session["id"])
    await harness.wait_stage(nomination_id, Stage.AWAITING_DECISION)
    decision = await harness.draft_decision([nomination_id])
    await harness.sign(decision["id"])
    await harness.wait_stage(nomination_id, Stage.GRANTED)
    async with harness.factory() as db:
        actions = (
            (
                await db.execute(
                    select(AuditEvent.action).where(AuditEvent.nomination_id == nomination_id)
                )
            )
            .scalars()
            .all()
        )
        assert sorted(actions) == sorted(set(actions)), actions  # every step once
        records = (
            await db.execute(select(func.count()).where(AwardRecord.nomination_id == nomination_id))
        ).scalar_one()
        documents = (
            await db.execute(select(func.count()).where(Document.decision_id == decision["id"]))
        ).scalar_one()
        keys = (await db.execute(select(Notice.notice_key))).scalars().all()
    assert records == 1 and documents == 1 and len(keys) == len(set(keys))
    await assert_every_event_attributed(harness)


async def test_a_city_reviewer_reads_the_history_of_a_forwarded_nominee(harness):
    person = harness.ids.people["Nguyễn Thị Hoa"]
    before = await harness.get("thanhpho", f"/api/v1/people/{person}/awards")
    assert before.status_code == 403  # nothing of hers has reached the city
    nomination_id = (
        await harness.nominate(award_code="bang_khen_thanh_pho", attestations=["city_influence"])
    )["id"]
    await forward(harness, nomination_id, standing="thuongtruc", signer="chutich", members=MEMBERS)
    await harness.wait_stage(nomination_id, Stage.RECEPTION)
    after = await harness.get("thanhpho", f"/api/v1/people/{person}/awards")
    assert after.status_code == 200
    assert {a["award_code"] for a in after.json()["awards"]} >= {"cstdcs", "ldtt"}
    await assert_every_event_attributed(harness)
