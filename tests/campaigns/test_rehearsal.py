"""The whole 2026–2030 campaign of the seeded plan, rehearsed on the time-skipping server
through the real API, worker and database: five yearly cycles, both milestones, exemplary
models through all four steps (one dropped, one leading to a granted nomination), the
amendments, and the reports checked against the events the test drove. The campaign's
history stays bounded: one run per year.

THIDUA_SAVE_HISTORIES=1 also saves the histories as replay fixtures
(tests/replay/histories/, see scripts/save_campaign_histories.py).
"""

from __future__ import annotations

import time
from datetime import date

import pytest
from sqlalchemy import select

from domain.vocabulary import ExemplarStage, Stage
from models import AuditEvent, AwardRecord, Campaign, ContentArea, Document, DossierItem, Milestone
from tests.documents.pdftools import pdf_text
from thidua.files import FileStore
from workflows.campaign import CampaignWorkflow
from workflows.exemplar import ExemplarWorkflow

from .helpers import (
    AWARD_ATTESTATIONS,
    SAVE_HISTORIES,
    add_unit_officer,
    eventually,
    launch_seeded_campaign,
    local_moment,
    notice_users,
    run_histories,
    save_history,
    skip_to,
)

pytestmark = pytest.mark.asyncio

WORKFLOW_ID = "campaign-thach-khoi-2026-2030"
HISTORY_BOUND = 400  # events per yearly run (measured: well under half of it)


async def test_the_2026_2030_campaign_runs_five_years_in_under_a_minute(harness):
    started = time.monotonic()
    h = harness
    ids = h.ids
    await add_unit_officer(h, "canbo.ttdv", "Phạm Quốc Bảo", "tk-ttdv")
    campaign_id = await launch_seeded_campaign(h)
    first_run = (await h.client.get_workflow_handle(WORKFLOW_ID).describe()).run_id
    base = f"/api/v1/campaigns/{campaign_id}"

    # ---- 2026: launched late in the year ---------------------------------------------------
    detail = (await h.get("thuongtruc", base)).json()
    assert detail["status"] == "running" and detail["progress"]["year"] == 2026
    # Registration (15 January), its reminders and the household review notice (11
    # November) are in the past: skipped, not fired; the dossiers notice still comes.
    assert set(detail["progress"]["skipped_steps"]) == {
        "2026:registration_open",
        "2026:registration_reminder:14",
        "2026:registration_reminder:3",
        "2026:household_review",
    }
    assert detail["progress"]["next_step"] == "2026:dossiers"

    async def register(user: str, unit: str, status: int = 201, **body) -> dict:
        body = {"unit_id": ids.units[unit], **body}
        return await h.ok(user, f"{base}/registrations", body, status=status)

    await register(
        "canbo.vanphong",
        "tk-van-phong",
        target_awards=["ttldtt"],
        content_area_codes=["cai-cach-hanh-chinh", "kinh-te"],
    )
    await register(
        "canbo.vanphong",
        "tk-van-phong",
        person_id=ids.people["Nguyễn Thị Hoa"],
        target_awards=["ldtt", "cstdcs"],
        content_area_codes=["cai-cach-hanh-chinh"],
    )
    await register(
        "canbo.tdp1",
        "tk-tdp-1",
        target_awards=["tdp_van_hoa"],
        pledge="Giao ước xây dựng tổ dân phố văn hóa, xanh - sạch - đẹp",
        content_area_codes=["van-hoa-xa-hoi"],
    )

    async def propose(user: str, status: int = 201, **body) -> dict:
        return await h.ok(user, f"{base}/exemplars", body, status=status)

    e1 = await propose(
        "canbo.vanphong",
        title="Một cửa điện tử liên thông",
        subject_kind="individual",
        person_id=ids.people["Nguyễn Thị Hoa"],
        proposing_unit_id=ids.units["tk-van-phong"],
        content_area_code="cai-cach-hanh-chinh",
        evidence="Giảm 40% thời gian giải quyết thủ tục tại bộ phận một cửa",
    )
    e2 = await propose(
        "canbo.tdp1",
        title="Gia đình văn hóa tiêu biểu",
        subject_kind="household",
        household_id=ids.households["Bùi Văn Khải"],
        proposing_unit_id=ids.units["tk-tdp-1"],
        content_area_code="van-hoa-xa-hoi",
        evidence="Ba năm liền gia đình văn hóa",
    )
    e3 = await propose(
        "thuongtruc",
        title="Mô hình chợ 4.0 thanh toán không dùng tiền mặt",
        subject_kind="practice",
        proposing_unit_id=ids.units["tk-vhxh"],
        content_area_code="kinh-te",
        evidence="80% tiểu thương dùng mã QR",
    )
    e4 = await propose(
        "canbo.tdp1",
        title="Tổ dân phố tự quản về an ninh trật tự",
        subject_kind="residential_group",
        residential_group_id=ids.units["tk-tdp-1"],
        proposing_unit_id=ids.units["tk-tdp-1"],
        content_area_code="quoc-phong-an-ninh",
        evidence="Không có vụ việc phức tạp trong năm",
    )
    assert [e["stage"] for e in (e1, e2, e3, e4)] == ["discovered"] * 4

    async def command(
        user: str, exemplar: dict, action: str, body: dict, status: int = 200
    ) -> dict:
        return await h.ok(user, f"/api/v1/exemplars/{exemplar['id']}/{action}", body, status=status)

    for exemplar, user, responsible, every in (
        (e1, "canbo.vanphong", "canbo.vanphong", 90),
        (e2, "canbo.tdp1", "canbo.tdp1", 60),
        (e3, "thuongtruc", "thuongtruc", 120),
        (e4, "canbo.tdp1", "canbo.tdp1", 90),
    ):
        nurtured = await command(
            user,
            exemplar,
            "nurture",
            {
                "support_plan": "Hỗ trợ tập huấn, tuyên truyền",
                "responsible_user_id": ids.users[responsible],
                "follow_up_every_days": every,
            },
        )
        assert nurtured["stage"] == "nurturing" and nurtured["next_follow_up_due"]

    # The first model leads straight into a nomination, granted this year.
    await command("canbo.vanphong", e1, "follow-ups", {"note": "Đã triển khai ở 3 lĩnh vực"})
    await command(
        "thuongtruc",
        e1,
        "summarize",
        {"findings": "Hiệu quả rõ rệt, có thể nhân rộng", "rating": "excellent"},
    )
    drafted = await command(
        "canbo.vanphong",
        e1,
        "nomination",
        {
            "award_code": "giay_khen",
            "year": 2026,
            "attestations": AWARD_ATTESTATIONS,
            "dossier_items": ["to_trinh", "bien_ban_binh_xet", "ket_qua_danh_gia"],
        },
        status=201,
    )
    n1 = drafted["nomination_id"]
    draft = await h.nomination(n1)
    assert draft.stage == Stage.DRAFT and draft.exemplar_id == e1["id"]
    assert draft.campaign_id == campaign_id and draft.content_area_code == "cai-cach-hanh-chinh"
    assert "Một cửa điện tử liên thông" in draft.achievement_summary
    assert "Hiệu quả rõ rệt" in draft.achievement_summary
    async with h.factory() as session:
        evidence = (
            await session.execute(
                select(DossierItem).where(
                    DossierItem.nomination_id == n1, DossierItem.item_code == "bao_cao_thanh_tich"
                )
            )
        ).scalar_one()
    evidence_text = pdf_text(FileStore(h.settings.files_dir).get(evidence.storage_key))
    assert "Giảm 40% thời gian" in evidence_text and "Xuất sắc" in evidence_text

    await h.ok("canbo.vanphong", f"/api/v1/nominations/{n1}/submit")
    await h.ok("thuongtruc", f"/api/v1/nominations/{n1}/accept", {"note": "Đủ hồ sơ"})
    await h.wait_stage(n1, Stage.AWAITING_COUNCIL)
    session_row = await h.convene([n1])
    for member in ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq", "uyvien.xdd"):
        await h.vote(session_row["id"], member, {n1: "agree"})
    await h.wait_stage(n1, Stage.AWAITING_DECISION)
    decision = await h.draft_decision([n1])
    await h.sign(decision["id"])
    await h.wait_stage(n1, Stage.GRANTED)

    # A nomination made the ordinary way, in the campaign, still under review at the end.
    n2 = await h.ok(
        "canbo.truonghoc",
        "/api/v1/nominations",
        {
            "award_code": "giay_khen",
            "year": 2026,
            "nominee": {"kind": "individual", "person_id": ids.people["Lê Thị Hương"]},
            "proposing_unit_id": ids.units["tk-th-thach-khoi"],
            "achievement_summary": "Giáo viên dạy giỏi cấp thành phố",
            "campaign_id": campaign_id,
            "content_area_code": "van-hoa-xa-hoi",
            "dossier_items": [
                {"item_code": c}
                for c in ("to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet", "ket_qua_danh_gia")
            ],
            "attestations": AWARD_ATTESTATIONS,
            "submit": True,
        },
        status=201,
    )
    assert n2["stage"] == "reception"

    await skip_to(h, local_moment(date(2026, 11, 27)))
    await eventually(
        lambda: notice_users(h, "dossiers_due", ":2026:"),
        lambda users: users == {"canbo.vanphong", "canbo.tdp1", "canbo.truonghoc", "canbo.ttdv"},
    )

    # ---- 2027 ------------------------------------------------------------------------------
    await skip_to(h, local_moment(date(2027, 1, 16)))
    await eventually(
        lambda: notice_users(h, "registration_open", ":2027:"),
        lambda users: users == {"canbo.vanphong", "canbo.tdp1", "canbo.truonghoc", "canbo.ttdv"},
    )
    assert not await notice_users(h, "registration_open", ":2026:")
    await register(
        "canbo.vanphong", "tk-van-phong", target_awards=["ttldtt"], content_area_codes=["kinh-te"]
    )
    await register(
        "canbo.truonghoc",
        "tk-th-thach-khoi",
        target_awards=["ttldtt"],
        content_area_codes=["van-hoa-xa-hoi"],
    )
    # The household's follow-up (every 60 days from late November) was missed: the
    # responsible officer is reminded, then the head of the standing body is told.
    await skip_to(h, local_moment(date(2027, 2, 5)))
    assert await notice_users(h, "exemplar_follow_up_due", f"exemplar-{e2['id']}:") == {
        "canbo.tdp1"
    }
    assert await notice_users(h, "exemplar_escalation", f"exemplar-{e2['id']}:") == {"uyvien.vhxh"}
    assert not await notice_users(h, "exemplar_escalation", f"exemplar-{e1['id']}:")

    await skip_to(h, local_moment(date(2027, 3, 18)))
    await eventually(
        lambda: notice_users(h, "registration_reminder", ":2027:registration_reminder:14"),
        lambda users: users == {"canbo.tdp1", "canbo.ttdv"},
    )

    await skip_to(h, local_moment(date(2027, 4, 10)))
    await h.ok(
        "thuongtruc",
        f"{base}/content-areas",
        {
            "code": "chuyen-doi-so",
            "title": "Thi đua chuyển đổi số toàn diện",
            "description": "Bổ sung theo chỉ đạo của thành phố",
        },
    )
    moved = await h.ok(
        "thuongtruc",
        f"{base}/milestones/final_review/move",
        {"due_on": "2030-12-20", "reason": "Lùi để trùng Hội nghị điển hình tiên tiến của phường"},
    )
    assert [a["kind"] for a in moved["progress"]["amendments"]] == [
        "content_area_added",
        "milestone_moved",
    ]
    dropped = await command(
        "canbo.tdp1", e4, "drop", {"reason": "Tổ dân phố sáp nhập, không còn đối tượng"}
    )
    assert dropped["stage"] == "dropped"

    # ---- 2028: the mid-term review -----------------------------------------------------------
    await skip_to(h, local_moment(date(2028, 1, 20)))
    await register(
        "canbo.tdp1",
        "tk-tdp-1",
        pledge="Giao ước chuyển đổi số",
        content_area_codes=["chuyen-doi-so"],
    )
    await skip_to(h, local_moment(date(2028, 12, 16)))
    mid = await eventually(
        lambda: _milestone(h, campaign_id, "mid_term_review"),
        lambda m: m.report_document_id is not None,
    )
    assert mid.reached_at.astimezone(local_moment(date(2028, 1, 1)).tzinfo).date() == date(
        2028, 12, 15
    )
    mid_report = (await h.get("thuongtruc", f"{base}/report?through_year=2028")).json()
    expected_mid = {
        "registrations": 6,
        "nominations": 2,
        "awards": 1,
        "areas": {
            "cai-cach-hanh-chinh": (2, 1, 1),
            "kinh-te": (2, 0, 0),
            "van-hoa-xa-hoi": (2, 1, 0),
            "chuyen-doi-so": (1, 0, 0),
            "ha-tang": (0, 0, 0),
        },
        "units": {
            "tk-van-phong": (3, 1, 1),
            "tk-tdp-1": (2, 0, 0),
            "tk-th-thach-khoi": (1, 1, 0),
            "tk-ttdv": (0, 0, 0),
        },
        "stages": {"summarized": 1, "nurturing": 2, "dropped": 1, "replicating": 0},
        "adoptions": 0,
    }
    _check_report(mid_report, expected_mid, ids)
    mid_pdf = pdf_text(await _document_pdf(h, mid.report_document_id))
    assert "SƠ KẾT GIỮA NHIỆM KỲ" in mid_pdf.upper() and "Tổng cộng 6 2 1" in mid_pdf
    assert await notice_users(h, "review_requested", ":milestone:mid_term_review") >= {
        "thuongtruc",
        "uyvien.vhxh",
        "canbo.vanphong",
        "canbo.tdp1",
    }
    assert await notice_users(h, "exemplar_assessment_requested", f"exemplar-{e2['id']}:") == {
        "canbo.tdp1"
    }
    assert not await notice_users(h, "exemplar_assessment_requested", f"exemplar-{e4['id']}:")
    for exemplar, user in ((e1, "thuongtruc"), (e2, "canbo.tdp1"), (e3, "thuongtruc")):
        summarized = await command(
            user,
            exemplar,
            "summarize",
            {"findings": "Duy trì tốt, lan tỏa trong phường", "rating": "good"},
        )
        assert summarized["stage"] == "summarized"

    # ---- 2029: replication -------------------------------------------------------------------
    await skip_to(h, local_moment(date(2029, 2, 1)))
    for exemplar in (e1, e3):
        published = await command(
            "canbo.ttdv", exemplar, "publish", {"note": "Đăng trên cổng thông tin"}
        )
        assert published["stage"] == "replicating"
    await eventually(
        lambda: notice_users(h, "exemplar_published", f"exemplar-{e1['id']}:"),
        lambda users: "canbo.tdp1" in users and "canbo.vanphong" not in users,
    )
    await register(
        "canbo.truonghoc",
        "tk-th-thach-khoi",
        target_awards=["ttldtt"],
        content_area_codes=["van-hoa-xa-hoi"],
    )
    await skip_to(h, local_moment(date(2029, 3, 10)))
    for exemplar, user, unit in (
        (e1, "canbo.tdp1", "tk-tdp-1"),
        (e1, "canbo.truonghoc", "tk-th-thach-khoi"),
        (e3, "canbo.tdp1", "tk-tdp-1"),
    ):
        await command(
            user,
            exemplar,
            "adoptions",
            {
                "unit_id": ids.units[unit],
                "adopted_on": "2029-03-01",
                "report": "Đã áp dụng tại đơn vị",
            },
            status=201,
        )

    # ---- 2030: the final review and the end of the campaign ------------------------------------
    await skip_to(h, local_moment(date(2030, 2, 1)))
    await register(
        "canbo.vanphong",
        "tk-van-phong",
        pledge="Giao ước số hóa hồ sơ",
        content_area_codes=["chuyen-doi-so"],
    )
    await skip_to(h, local_moment(date(2030, 12, 16)))
    final = await _milestone(h, campaign_id, "final_review")
    assert final.reached_at is None  # moved to 20 December
    await skip_to(h, local_moment(date(2030, 12, 21)))
    outcome = await h.client.get_workflow_handle_for(CampaignWorkflow.run, WORKFLOW_ID).result()
    assert outcome.years_done == [2026, 2027, 2028, 2029, 2030]
    assert outcome.runs == 5 and outcome.amendments == 2
    final = await _milestone(h, campaign_id, "final_review")
    assert final.report_document_id is not None
    assert final.reached_at.astimezone(local_moment(date(2030, 1, 1)).tzinfo).date() == date(
        2030, 12, 20
    )
    final_report = (await h.get("kiemtra", f"{base}/report")).json()
    _check_report(
        final_report,
        {
            "registrations": 8,
            "nominations": 2,
            "awards": 1,
            "areas": {
                **expected_mid["areas"],
                "van-hoa-xa-hoi": (3, 1, 0),
                "chuyen-doi-so": (2, 0, 0),
            },
            "units": {
                **expected_mid["units"],
                "tk-van-phong": (4, 1, 1),
                "tk-th-thach-khoi": (2, 1, 0),
            },
            "stages": {"replicating": 2, "summarized": 1, "dropped": 1, "nurturing": 0},
            "adoptions": 3,
        },
        ids,
    )
    # The mid-term figures are unchanged by what came after (the report stops at 2028).
    _check_report(
        (await h.get("kiemtra", f"{base}/report?through_year=2028")).json(),
        {**expected_mid, "stages": final_report["exemplars_by_stage"], "adoptions": 3},
        ids,
    )
    # Five yearly cycles: every year's notices went out (2026's registration was before the launch).
    all_units = {"canbo.vanphong", "canbo.tdp1", "canbo.truonghoc", "canbo.ttdv"}
    for year in range(2026, 2031):
        assert await notice_users(h, "dossiers_due", f":{year}:dossiers") == all_units
        assert await notice_users(h, "registration_open", f":{year}:") == (
            all_units if year > 2026 else set()
        )
        # households are reviewed by the residential groups only
        assert await notice_users(h, "household_review_due", f":{year}:") == (
            {"canbo.tdp1"} if year > 2026 else set()
        )
    by_exemplar = {e["exemplar_id"]: e["adoptions"] for e in final_report["exemplars"]}
    assert by_exemplar == {e1["id"]: 2, e2["id"]: 0, e3["id"]: 1, e4["id"]: 0}
    final_pdf = pdf_text(await _document_pdf(h, final.report_document_id))
    assert "Số lượt đơn vị nhân rộng mô hình: 3" in final_pdf
    for exemplar in (e1, e2, e3):  # asked again at the final review; a replicating model stays so
        result = await command(
            "thuongtruc",
            exemplar,
            "summarize",
            {
                "findings": "Tổng kết giai đoạn",
                "rating": "excellent",
                "milestone_code": "final_review",
            },
        )
        assert result["stage"] == ("replicating" if exemplar in (e1, e3) else "summarized")

    async with h.factory() as session:
        campaign = await session.get(Campaign, campaign_id)
        assert campaign.status == "closed"
        areas = (
            (
                await session.execute(
                    select(ContentArea.code).where(ContentArea.campaign_id == campaign_id)
                )
            )
            .scalars()
            .all()
        )
        assert "chuyen-doi-so" in areas
        campaign_actions = (
            (
                await session.execute(
                    select(AuditEvent.action).where(
                        AuditEvent.subject_type == "campaign", AuditEvent.subject_id == campaign_id
                    )
                )
            )
            .scalars()
            .all()
        )
        assert campaign_actions.count("year_completed") == 4
        assert campaign_actions.count("milestone_reached") == 2
        assert {"launched", "content_area_added", "milestone_moved", "closed"} <= set(
            campaign_actions
        )
        awards = (
            (await session.execute(select(AwardRecord).where(AwardRecord.nomination_id == n1)))
            .scalars()
            .all()
        )
        assert len(awards) == 1
        e1_actions = (
            (
                await session.execute(
                    select(AuditEvent.action)
                    .where(AuditEvent.subject_type == "exemplar", AuditEvent.subject_id == e1["id"])
                    .order_by(AuditEvent.id)
                )
            )
            .scalars()
            .all()
        )
    assert e1_actions[:2] == ["discovered", "nurtured"]
    for action in (
        "summarized",
        "nomination_proposed",
        "assessment_requested",
        "published",
        "adopted",
        "campaign_closed",
    ):
        assert action in e1_actions

    # The campaign's history stayed bounded: one run per year.
    histories = await run_histories(h.client, WORKFLOW_ID, first_run)
    sizes = [len(history.events) for history in histories]
    assert len(histories) == 5 and max(sizes) < HISTORY_BOUND, sizes

    # After the grace period the exemplars' workflows complete.
    await skip_to(h, local_moment(date(2031, 4, 1)))
    for exemplar in (e1, e2, e3, e4):
        result = await h.client.get_workflow_handle_for(
            ExemplarWorkflow.run, exemplar["workflow_id"]
        ).result()
        assert (
            result.stage
            == {
                e1["id"]: ExemplarStage.REPLICATING,
                e2["id"]: ExemplarStage.SUMMARIZED,
                e3["id"]: ExemplarStage.REPLICATING,
                e4["id"]: ExemplarStage.DROPPED,
            }[exemplar["id"]]
        )

    elapsed = time.monotonic() - started
    print(f"rehearsal: {elapsed:.1f} s real time; campaign history sizes per run: {sizes}")
    assert elapsed < 60

    if SAVE_HISTORIES and h.settings.database_url.startswith("sqlite"):
        for year, history in zip(range(2026, 2031), histories, strict=True):
            save_history(f"campaign-{year}", history)
        for name, exemplar in (("replicated-nominated", e1), ("dropped", e4)):
            history = await h.client.get_workflow_handle(exemplar["workflow_id"]).fetch_history()
            save_history(f"exemplar-{name}", history)


async def _milestone(h, campaign_id: int, code: str) -> Milestone:
    async with h.factory() as session:
        return (
            await session.execute(
                select(Milestone).where(
                    Milestone.campaign_id == campaign_id, Milestone.code == code
                )
            )
        ).scalar_one()


async def _document_pdf(h, document_id: int) -> bytes:
    async with h.factory() as session:
        document = await session.get(Document, document_id)
        assert document.kind.value == "report" and document.campaign_id is not None
    response = await h.get("thuongtruc", f"/api/v1/documents/{document_id}/pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    return response.content


def _check_report(report: dict, expected: dict, ids) -> None:
    assert (report["registrations"], report["nominations"], report["awards"]) == (
        expected["registrations"],
        expected["nominations"],
        expected["awards"],
    )
    areas = {
        row["key"]: (row["registrations"], row["nominations"], row["awards"])
        for row in report["by_content_area"]
    }
    for code, figures in expected["areas"].items():
        assert areas[code] == figures, (code, areas[code])
    units = {
        row["key"]: (row["registrations"], row["nominations"], row["awards"])
        for row in report["by_unit"]
    }
    for code, figures in expected["units"].items():
        assert units[str(ids.units[code])] == figures, (code, units[str(ids.units[code])])
    for stage, count in expected["stages"].items():
        assert report["exemplars_by_stage"][stage] == count, (stage, report["exemplars_by_stage"])
    assert report["adoptions"] == expected["adoptions"]
