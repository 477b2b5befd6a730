"""The whole five-year campaign of the seeded plan, rehearsed on the time-skipping server
through the real API, worker and database: five yearly cycles, both milestones, exemplary
models through all four steps (one dropped, one leading to a granted nomination), the
amendments, and the reports checked against the events the test drove. The campaign's
history stays bounded: one run per year.

The plan is moved to the five years that start the year after the test's moment (Y0 to
Y0 + 4) and launched at the moment, before its first year: every step of every year fires,
whatever day the suite runs, and every date below is written relative to Y0.

THIDUA_SAVE_HISTORIES=1 also saves the histories as replay fixtures
(tests/replay/histories/campaign-run-<n>.json, one per yearly run, and exemplar-*.json;
see scripts/save_campaign_histories.py).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from domain.calendar import vietnam_date
from domain.vocabulary import ExemplarStage, Stage
from models import AuditEvent, AwardRecord, Campaign, ContentArea, Document, DossierItem, Milestone
from tests.documents.pdftools import pdf_text
from thidua.files import FileStore
from workflows.campaign import CampaignWorkflow
from workflows.campaign_types import campaign_workflow_id
from workflows.exemplar import ExemplarWorkflow

from .helpers import (
    AWARD_ATTESTATIONS,
    SAVE_HISTORIES,
    add_unit_officer,
    eventually,
    launch_campaign,
    local_moment,
    notice_users,
    plan_code,
    run_histories,
    save_history,
    skip_to,
)

pytestmark = pytest.mark.asyncio

HISTORY_BOUND = 400  # events per yearly run (measured: well under half of it)
ALL_UNITS = {"canbo.vanphong", "canbo.tdp1", "canbo.truonghoc", "canbo.ttdv"}  # with an officer


async def test_a_five_year_campaign_runs_every_cycle_review_and_exemplar_step(harness):
    h = harness
    ids = h.ids
    y0 = vietnam_date(await h.now()).year + 1  # the campaign's first year

    def on(year: int, month: int, day: int) -> datetime:
        """Noon in Vietnam on that day."""
        return local_moment(date(year, month, day))

    await add_unit_officer(h, "canbo.ttdv", "Phạm Quốc Bảo", "tk-ttdv")
    campaign_id = await launch_campaign(h, y0)
    workflow_id = campaign_workflow_id(plan_code(y0))
    first_run = (await h.client.get_workflow_handle(workflow_id).describe()).run_id
    base = f"/api/v1/campaigns/{campaign_id}"

    # ---- launched before its first year: nothing is skipped, the first step is ahead --------
    detail = (await h.get("thuongtruc", base)).json()
    assert detail["status"] == "running" and detail["progress"]["year"] == y0
    assert detail["progress"]["skipped_steps"] == []
    assert detail["progress"]["registration_year"] is None
    assert detail["progress"]["next_step"] == f"{y0}:registration_open"
    assert datetime.fromisoformat(detail["progress"]["next_step_at"]) == local_moment(
        date(y0, 1, 15), hour=8
    )

    async def register(user: str, unit: str, status: int = 201, **body) -> dict:
        body = {"unit_id": ids.units[unit], **body}
        return await h.ok(user, f"{base}/registrations", body, status=status)

    async def propose(user: str, status: int = 201, **body) -> dict:
        return await h.ok(user, f"{base}/exemplars", body, status=status)

    async def command(
        user: str, exemplar: dict, action: str, body: dict, status: int = 200
    ) -> dict:
        return await h.ok(user, f"/api/v1/exemplars/{exemplar['id']}/{action}", body, status=status)

    # ---- Y0: registration, the exemplars discovered and nurtured ------------------------------
    await skip_to(h, on(y0, 1, 16))
    await eventually(
        lambda: notice_users(h, "registration_open", f":{y0}:"),
        lambda users: users == ALL_UNITS,
    )
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
    await command("canbo.vanphong", e1, "follow-ups", {"note": "Đã triển khai ở 3 lĩnh vực"})
    await command(
        "thuongtruc",
        e1,
        "summarize",
        {"findings": "Hiệu quả rõ rệt, có thể nhân rộng", "rating": "excellent"},
    )

    # Two weeks before the deadline, the units that have not registered are reminded.
    await skip_to(h, on(y0, 3, 18))
    await eventually(
        lambda: notice_users(h, "registration_reminder", f":{y0}:registration_reminder:14"),
        lambda users: users == {"canbo.truonghoc", "canbo.ttdv"},
    )
    # The household's follow-up (every 60 days) was missed: the responsible officer is
    # reminded, then the head of the standing body is told (a week later). The other models'
    # follow-ups (every 90 and 120 days) are not due yet.
    await skip_to(h, on(y0, 4, 5))
    await eventually(
        lambda: notice_users(h, "exemplar_escalation", f"exemplar-{e2['id']}:"),
        lambda users: users == {"uyvien.vhxh"},
    )
    assert await notice_users(h, "exemplar_follow_up_due", f"exemplar-{e2['id']}:") == {
        "canbo.tdp1"
    }
    for exemplar in (e1, e3, e4):
        assert not await notice_users(h, "exemplar_escalation", f"exemplar-{exemplar['id']}:")

    # ---- Y0, year end: the review notices, then the first model leads into a nomination -----
    await skip_to(h, on(y0, 11, 27))
    await eventually(
        lambda: notice_users(h, "dossiers_due", f":{y0}:dossiers"),
        lambda users: users == ALL_UNITS,
    )
    assert await notice_users(h, "household_review_due", f":{y0}:") == {"canbo.tdp1"}
    drafted = await command(
        "canbo.vanphong",
        e1,
        "nomination",
        {
            "award_code": "giay_khen",
            "year": y0,
            "attestations": AWARD_ATTESTATIONS,
            "dossier_items": ["to_trinh", "bien_ban_binh_xet", "ket_qua_danh_gia"],
        },
        status=201,
    )
    n1 = drafted["nomination_id"]
    draft = await h.nomination(n1)
    assert draft.stage == Stage.DRAFT and draft.exemplar_id == e1["id"] and draft.year == y0
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
            "year": y0,
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

    # ---- Y0 + 1: the plan is amended ------------------------------------------------------
    await skip_to(h, on(y0 + 1, 1, 16))
    await eventually(
        lambda: notice_users(h, "registration_open", f":{y0 + 1}:"),
        lambda users: users == ALL_UNITS,
    )
    await register(
        "canbo.vanphong", "tk-van-phong", target_awards=["ttldtt"], content_area_codes=["kinh-te"]
    )
    await register(
        "canbo.truonghoc",
        "tk-th-thach-khoi",
        target_awards=["ttldtt"],
        content_area_codes=["van-hoa-xa-hoi"],
    )
    await skip_to(h, on(y0 + 1, 3, 18))
    await eventually(
        lambda: notice_users(h, "registration_reminder", f":{y0 + 1}:registration_reminder:14"),
        lambda users: users == {"canbo.tdp1", "canbo.ttdv"},
    )

    await skip_to(h, on(y0 + 1, 4, 10))
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
        {
            "due_on": date(y0 + 4, 12, 20).isoformat(),
            "reason": "Lùi để trùng Hội nghị điển hình tiên tiến của phường",
        },
    )
    assert [a["kind"] for a in moved["progress"]["amendments"]] == [
        "content_area_added",
        "milestone_moved",
    ]
    dropped = await command(
        "canbo.tdp1", e4, "drop", {"reason": "Tổ dân phố sáp nhập, không còn đối tượng"}
    )
    assert dropped["stage"] == "dropped"

    # ---- Y0 + 2: the mid-term review -------------------------------------------------------
    await skip_to(h, on(y0 + 2, 1, 20))
    await register(
        "canbo.tdp1",
        "tk-tdp-1",
        pledge="Giao ước chuyển đổi số",
        content_area_codes=["chuyen-doi-so"],
    )
    await skip_to(h, on(y0 + 2, 12, 16))
    mid = await eventually(
        lambda: _milestone(h, campaign_id, "mid_term_review"),
        lambda m: m.report_document_id is not None,
    )
    assert vietnam_date(mid.reached_at) == date(y0 + 2, 12, 15)
    mid_report = (await h.get("thuongtruc", f"{base}/report?through_year={y0 + 2}")).json()
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

    # ---- Y0 + 3: replication ---------------------------------------------------------------
    await skip_to(h, on(y0 + 3, 2, 1))
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
    await skip_to(h, on(y0 + 3, 3, 10))
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
                "adopted_on": date(y0 + 3, 3, 1).isoformat(),
                "report": "Đã áp dụng tại đơn vị",
            },
            status=201,
        )

    # ---- Y0 + 4: the final review and the end of the campaign ------------------------------
    await skip_to(h, on(y0 + 4, 2, 1))
    await register(
        "canbo.vanphong",
        "tk-van-phong",
        pledge="Giao ước số hóa hồ sơ",
        content_area_codes=["chuyen-doi-so"],
    )
    await skip_to(h, on(y0 + 4, 12, 16))
    final = await _milestone(h, campaign_id, "final_review")
    assert final.reached_at is None  # moved to 20 December
    await skip_to(h, on(y0 + 4, 12, 21))
    outcome = await h.client.get_workflow_handle_for(CampaignWorkflow.run, workflow_id).result()
    years = list(range(y0, y0 + 5))
    assert outcome.years_done == years
    assert outcome.runs == 5 and outcome.amendments == 2
    final = await _milestone(h, campaign_id, "final_review")
    assert final.report_document_id is not None
    assert vietnam_date(final.reached_at) == date(y0 + 4, 12, 20)
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
    # The mid-term figures are unchanged by what came after (the report stops at Y0 + 2).
    _check_report(
        (await h.get("kiemtra", f"{base}/report?through_year={y0 + 2}")).json(),
        {**expected_mid, "stages": final_report["exemplars_by_stage"], "adoptions": 3},
        ids,
    )
    # Five yearly cycles: every step of every year fired (none was before the launch).
    for year in years:
        assert await notice_users(h, "registration_open", f":{year}:") == ALL_UNITS, year
        assert await notice_users(h, "dossiers_due", f":{year}:dossiers") == ALL_UNITS, year
        # households are reviewed by the residential groups only
        assert await notice_users(h, "household_review_due", f":{year}:") == {"canbo.tdp1"}, year
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
        assert campaign_actions.count("registration_opened") == 5
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
    histories = await run_histories(h.client, workflow_id, first_run)
    sizes = [len(history.events) for history in histories]
    assert len(histories) == 5 and max(sizes) < HISTORY_BOUND, sizes

    # After the grace period the exemplars' workflows complete.
    await skip_to(h, on(y0 + 5, 4, 1))
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

    if SAVE_HISTORIES and h.settings.database_url.startswith("sqlite"):
        # Named by run, not by year: the years move with the day the fixtures are made.
        for run, history in enumerate(histories, start=1):
            save_history(f"campaign-run-{run}", history)
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
