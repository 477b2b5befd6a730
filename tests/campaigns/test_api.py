"""The campaign JSON API end to end (real app, worker, database and Temporal test server):
each endpoint's happy path, the wrong person (403), the wrong stage (409 naming it) and
bad input (422 naming the field).

The campaigns here start the year after the test's moment (``plan_campaign``/
``launch_campaign`` and a new campaign over the API), so that nothing depends on where in
the year the moment falls: registration opens when the test skips to its day."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from domain.vocabulary import Level
from models import (
    AuditEvent,
    Authority,
    Campaign,
    ContentArea,
    Exemplar,
    Milestone,
    Nomination,
    Registration,
)

from .helpers import (
    add_unit_officer,
    eventually,
    launch_campaign,
    local_moment,
    open_registration,
    plan_campaign,
    skip_to,
    this_year,
)


def new_campaign(year: int, code: str | None = None, **overrides) -> dict:
    """A two-year thematic campaign from ``year``."""
    body = {
        "code": code or f"chuyen-de-{year}",
        "name": f"Phong trào thi đua chuyên đề “Chuyển đổi số” năm {year} - {year + 1}",
        "theme": "Chuyển đổi số vì Nhân dân phục vụ",
        "start_year": year,
        "end_year": year + 1,
        "content_areas": [{"code": "dich-vu-cong", "title": "Dịch vụ công trực tuyến toàn trình"}],
        "stages": [
            {"position": 1, "name": "Chặng duy nhất", "start_year": year, "end_year": year + 1}
        ],
        "milestones": [
            {
                "code": "so-ket",
                "title": f"Sơ kết năm {year}",
                "stage_position": 1,
                "due_on": date(year, 12, 20).isoformat(),
            }
        ],
    }
    body.update(overrides)
    return body


def assert_error(response, status: int, **expected) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    for key, value in expected.items():
        assert body.get(key) == value, body
    return body


async def test_launching_and_amending_a_campaign(harness):
    h = harness
    year = await this_year(h) + 1  # both campaigns start next year

    # launch a new campaign
    assert_error(await h.post("canbo.vanphong", "/api/v1/campaigns", new_campaign(year)), 403)
    assert_error(
        await h.post("thuongtruc", "/api/v1/campaigns", new_campaign(year, end_year=year - 1)),
        422,
        field="end_year",
    )
    assert_error(
        await h.post(
            "thuongtruc",
            "/api/v1/campaigns",
            new_campaign(
                year,
                milestones=[{"code": "so-ket", "title": "Sơ kết", "due_on": f"{year + 2}-01-10"}],
            ),
        ),
        422,
        field="milestones.0.due_on",
    )
    assert_error(
        await h.post("thuongtruc", "/api/v1/campaigns", new_campaign(year, code="Sai Mã")),
        422,
        field="body.code",
    )
    created = await h.ok("thuongtruc", "/api/v1/campaigns", new_campaign(year), status=201)
    assert created["status"] == "running"
    assert created["workflow_id"] == f"campaign-chuyen-de-{year}"
    assert "amend" in created["allowed_actions"]
    assert_error(
        await h.post("thuongtruc", "/api/v1/campaigns", new_campaign(year)), 409, field="code"
    )
    campaign_id = created["id"]
    base = f"/api/v1/campaigns/{campaign_id}"

    # launch a planned campaign (the seeded plan, moved to start next year)
    planned_id = await plan_campaign(h, year)
    assert_error(await h.post("canbo.vanphong", f"/api/v1/campaigns/{planned_id}/launch"), 403)
    launched = await h.ok("thuongtruc", f"/api/v1/campaigns/{planned_id}/launch")
    assert launched["status"] == "running"
    assert_error(
        await h.post("thuongtruc", f"/api/v1/campaigns/{planned_id}/launch"), 409, stage="running"
    )
    assert_error(await h.post("thuongtruc", "/api/v1/campaigns/99999/launch"), 404)

    # read: launched before its first year, the campaign waits for registration to open
    listed = (await h.get("canbo.tdp1", "/api/v1/campaigns")).json()
    statuses = {c["id"]: c["status"] for c in listed["items"]}
    assert statuses[campaign_id] == statuses[planned_id] == "running"
    detail = (await h.get("canbo.tdp1", base)).json()
    assert detail["progress"]["year"] == year and detail["progress"]["registration_year"] is None
    assert detail["progress"]["next_step"] == f"{year}:registration_open"
    assert "register" in detail["allowed_actions"] and "amend" not in detail["allowed_actions"]
    assert (await h.get(None, base)).status_code == 401

    # amend: add a content area
    area = {"code": "chu-ky-so", "title": "Ký số văn bản điện tử"}
    assert_error(await h.post("canbo.vanphong", f"{base}/content-areas", area), 403)
    assert_error(
        await h.post("thuongtruc", f"{base}/content-areas", {"code": "x", "title": "Ngắn"}),
        422,
        field="body.code",
    )
    amended = await h.ok("thuongtruc", f"{base}/content-areas", area)
    assert [a["code"] for a in amended["content_areas"]] == ["dich-vu-cong", "chu-ky-so"]
    assert amended["progress"]["amendments"][0]["kind"] == "content_area_added"
    assert_error(await h.post("thuongtruc", f"{base}/content-areas", area), 409)

    # amend: move a milestone (not to today or before, not out of the campaign's years)
    move = {"due_on": f"{year}-12-28", "reason": "Trùng lịch họp Hội đồng nhân dân"}
    today = h.clock.today()
    assert_error(await h.post("canbo.vanphong", f"{base}/milestones/so-ket/move", move), 403)
    for bad_day in (today, date(year + 2, 1, 5)):
        assert_error(
            await h.post(
                "thuongtruc",
                f"{base}/milestones/so-ket/move",
                {**move, "due_on": bad_day.isoformat()},
            ),
            422,
            field="due_on",
        )
    assert_error(
        await h.post("thuongtruc", f"{base}/milestones/khong-co/move", move),
        422,
        field="milestone_code",
    )
    assert_error(
        await h.post("thuongtruc", f"{base}/milestones/so-ket/move", {**move, "reason": " "}),
        422,
        field="body.reason",
    )
    moved = await h.ok("thuongtruc", f"{base}/milestones/so-ket/move", move)
    assert moved["milestones"][0]["due_on"] == f"{year}-12-28"
    async with h.factory() as session:
        events = (
            (
                await session.execute(
                    select(AuditEvent)
                    .where(
                        AuditEvent.subject_type == "campaign", AuditEvent.subject_id == campaign_id
                    )
                    .order_by(AuditEvent.id)
                )
            )
            .scalars()
            .all()
        )
        assert [e.action for e in events][:3] == [
            "launched",
            "content_area_added",
            "milestone_moved",
        ]
        assert events[2].changes["due_on"] == [f"{year}-12-20", f"{year}-12-28"]
        assert events[2].reason == move["reason"] and events[2].actor_name == "Ngô Thị Mai"
        assert (
            await session.execute(
                select(ContentArea.id).where(
                    ContentArea.campaign_id == campaign_id, ContentArea.code == "chu-ky-so"
                )
            )
        ).first()

    # a milestone that has been held cannot move; a closed campaign cannot be amended
    await skip_to(h, local_moment(date(year, 12, 29)))
    await eventually(lambda: _milestone_reached(h, campaign_id), bool)
    assert_error(
        await h.post(
            "thuongtruc", f"{base}/milestones/so-ket/move", {**move, "due_on": f"{year + 1}-06-01"}
        ),
        409,
        stage="reached",
    )
    await skip_to(h, local_moment(date(year + 2, 1, 2)))
    await eventually(lambda: _campaign_status(h, campaign_id), lambda s: s == "closed")
    assert_error(
        await h.post("thuongtruc", f"{base}/content-areas", {"code": "muon", "title": "Muộn"}),
        409,
        stage="closed",
    )


async def test_registering_for_the_year(harness):
    h = harness
    ids = h.ids
    campaign_id = await plan_campaign(h, await this_year(h) + 1)
    base = f"/api/v1/campaigns/{campaign_id}/registrations"
    unit = {
        "unit_id": ids.units["tk-van-phong"],
        "target_awards": ["ttldtt"],
        "content_area_codes": ["cai-cach-hanh-chinh"],
    }
    assert_error(await h.post("canbo.vanphong", base, unit), 409, stage="planned")
    await h.ok("thuongtruc", f"/api/v1/campaigns/{campaign_id}/launch")
    assert_error(  # launched before its first year: registration is not open yet
        await h.post("canbo.vanphong", base, unit), 409, stage="registration_closed"
    )
    year = await open_registration(h, campaign_id)

    assert_error(await h.post("canbo.tdp1", base, unit), 403)
    assert_error(
        await h.post("canbo.vanphong", base, {**unit, "target_awards": ["khong_co"]}),
        422,
        field="target_awards.0",
    )
    assert_error(
        await h.post("canbo.vanphong", base, {**unit, "content_area_codes": ["khong-co"]}),
        422,
        field="content_area_codes.0",
    )
    assert_error(
        await h.post("canbo.vanphong", base, {**unit, "target_awards": [], "pledge": ""}),
        422,
        field="target_awards",
    )
    assert_error(
        await h.post("canbo.vanphong", base, {**unit, "person_id": ids.people["Lê Thị Hương"]}),
        422,
        field="person_id",
    )
    assert_error(
        await h.post(
            "canbo.vanphong",
            base,
            {**unit, "person_id": ids.people["Nguyễn Thị Hoa"], "target_awards": ["ttldtt"]},
        ),
        422,
        field="target_awards.0",
    )
    assert_error(
        await h.post("canbo.vanphong", base, {**unit, "year": year + 1}),
        409,
        stage="registration_closed",
    )

    registered = await h.ok("canbo.vanphong", base, unit, status=201)
    assert registered["year"] == year
    assert registered["unit_name"] == "Văn phòng HĐND và UBND phường"
    assert registered["person_id"] is None
    person = await h.ok(
        "canbo.vanphong",
        base,
        {
            "unit_id": ids.units["tk-van-phong"],
            "person_id": ids.people["Nguyễn Thị Hoa"],
            "target_awards": ["cstdcs"],
            "pledge": "Hoàn thành xuất sắc nhiệm vụ",
        },
        status=201,
    )
    assert person["person_name"] == "Nguyễn Thị Hoa"
    assert_error(await h.post("canbo.vanphong", base, unit), 409)  # the same unit, the same year

    listed = (await h.get("canbo.tdp1", f"{base}?year={year}")).json()
    assert listed["total"] == 2
    async with h.factory() as session:
        rows = (
            (
                await session.execute(
                    select(Registration).where(Registration.campaign_id == campaign_id)
                )
            )
            .scalars()
            .all()
        )
        assert len(rows) == 2
        events = (
            (
                await session.execute(
                    select(AuditEvent.action).where(
                        AuditEvent.subject_type == "campaign", AuditEvent.action == "registered"
                    )
                )
            )
            .scalars()
            .all()
        )
        assert len(events) == 2


async def test_an_exemplar_through_its_commands(harness):
    h = harness
    ids = h.ids
    await add_unit_officer(h, "canbo.ttdv", "Phạm Quốc Bảo", "tk-ttdv")
    year = await this_year(h)  # a campaign of this year: the model's nomination is for it
    campaign_id = await plan_campaign(h, year)
    base = f"/api/v1/campaigns/{campaign_id}/exemplars"
    proposal = {
        "title": "Gương cán bộ tận tụy",
        "subject_kind": "individual",
        "person_id": ids.people["Nguyễn Thị Hoa"],
        "proposing_unit_id": ids.units["tk-van-phong"],
        "content_area_code": "cai-cach-hanh-chinh",
        "evidence": "Không để hồ sơ trễ hạn",
    }
    assert_error(await h.post("canbo.vanphong", base, proposal), 409, stage="planned")
    await h.ok("thuongtruc", f"/api/v1/campaigns/{campaign_id}/launch")

    # propose
    assert_error(await h.post("canbo.tdp1", base, proposal), 403)
    assert_error(
        await h.post("canbo.vanphong", base, {**proposal, "person_id": ids.people["Lê Thị Hương"]}),
        422,
        field="person_id",
    )
    assert_error(
        await h.post("canbo.vanphong", base, {**proposal, "content_area_code": "khong-co"}),
        422,
        field="content_area_code",
    )
    assert_error(
        await h.post("canbo.vanphong", base, {**proposal, "evidence": ""}),
        422,
        field="body.evidence",
    )
    exemplar = await h.ok("canbo.vanphong", base, proposal, status=201)
    assert exemplar["stage"] == "discovered" and exemplar["subject_name"] == "Nguyễn Thị Hoa"
    assert {"nurture", "drop"} <= set(exemplar["allowed_actions"])
    # the standing body may propose any model of the ward; a good practice has no subject
    practice = await h.ok(
        "thuongtruc",
        base,
        {
            "title": "Mô hình “Chợ văn minh”",
            "subject_kind": "practice",
            "proposing_unit_id": ids.units["tk-vhxh"],
            "evidence": "Chợ không rác thải nhựa",
        },
        status=201,
    )
    path = f"/api/v1/exemplars/{exemplar['id']}"

    async def post(user: str, action: str, body: dict):
        return await h.post(user, f"{path}/{action}", body)

    # follow-up before nurturing: the wrong stage
    assert_error(
        await post("canbo.vanphong", "follow-ups", {"note": "Sớm"}), 409, stage="discovered"
    )
    assert_error(
        await post("thuongtruc", "summarize", {"findings": "Sớm", "rating": "good"}),
        409,
        stage="discovered",
    )

    # nurture
    nurture = {
        "support_plan": "Tập huấn kỹ năng số",
        "responsible_user_id": ids.users["canbo.vanphong"],
        "follow_up_every_days": 30,
    }
    assert_error(await post("canbo.truonghoc", "nurture", nurture), 403)
    assert_error(
        await post("canbo.vanphong", "nurture", {**nurture, "follow_up_every_days": 3}),
        422,
        field="follow_up_every_days",
    )
    assert_error(
        await post("canbo.vanphong", "nurture", {**nurture, "responsible_user_id": 99999}),
        422,
        field="responsible_user_id",
    )
    nurtured = (await post("canbo.vanphong", "nurture", nurture)).json()
    assert nurtured["stage"] == "nurturing"

    # follow-up
    assert_error(await post("canbo.truonghoc", "follow-ups", {"note": "x"}), 403)
    assert_error(await post("canbo.vanphong", "follow-ups", {"note": ""}), 422, field="body.note")
    followed = await h.ok("canbo.vanphong", f"{path}/follow-ups", {"note": "Đã tập huấn 2 buổi"})
    assert followed["next_follow_up_due"] > nurtured["next_follow_up_due"]

    # publish before summary: the wrong stage; the wrong person
    assert_error(await post("canbo.ttdv", "publish", {}), 409, stage="nurturing")
    assert_error(await post("canbo.vanphong", "publish", {}), 403)

    # summarize
    assert_error(
        await post("canbo.truonghoc", "summarize", {"findings": "x", "rating": "good"}), 403
    )
    assert_error(
        await post("thuongtruc", "summarize", {"findings": "Tốt", "rating": "tuyet"}),
        422,
        field="body.rating",
    )
    assert_error(
        await post(
            "thuongtruc",
            "summarize",
            {"findings": "Tốt", "rating": "good", "milestone_code": "mid_term_review"},
        ),
        422,
        field="milestone_code",
    )
    summarized = await h.ok(
        "thuongtruc", f"{path}/summarize", {"findings": "Lan tỏa tốt", "rating": "good"}
    )
    assert summarized["stage"] == "summarized"

    # propose a nomination
    nomination = {
        "award_code": "giay_khen",
        "attestations": ["exemplary"],
        "dossier_items": ["to_trinh"],
    }
    assert_error(await post("canbo.tdp1", "nomination", nomination), 403)
    assert_error(
        await post("canbo.vanphong", "nomination", {**nomination, "award_code": "khong_co"}),
        422,
        field="award_code",
    )
    assert_error(
        await post("canbo.vanphong", "nomination", {**nomination, "award_code": "ttldtt"}),
        422,
        field="award_code",
    )
    assert_error(
        await post("canbo.vanphong", "nomination", {**nomination, "dossier_items": ["sai"]}),
        422,
        field="dossier_items.0",
    )
    assert_error(
        await h.post("thuongtruc", f"/api/v1/exemplars/{practice['id']}/nomination", nomination),
        409,
    )
    drafted = await h.ok("canbo.vanphong", f"{path}/nomination", nomination, status=201)
    draft = await h.nomination(drafted["nomination_id"])
    assert (
        draft.stage.value == "draft" and draft.exemplar_id == exemplar["id"] and draft.year == year
    )
    assert_error(await post("canbo.vanphong", "nomination", nomination), 409)  # only once

    # publish and adopt
    published = await h.ok(
        "canbo.ttdv", f"{path}/publish", {"note": "Giới thiệu trên trang tin phường"}
    )
    assert published["stage"] == "replicating"
    adoption = {"unit_id": ids.units["tk-tdp-1"], "report": "Áp dụng cho tổ dân phố"}
    in_two_days = (h.clock.today() + timedelta(days=2)).isoformat()  # not adopted yet
    assert_error(await post("canbo.truonghoc", "adoptions", adoption), 403)
    assert_error(
        await post(
            "canbo.vanphong", "adoptions", {**adoption, "unit_id": ids.units["tk-van-phong"]}
        ),
        422,
        field="unit_id",
    )
    assert_error(
        await post("canbo.tdp1", "adoptions", {**adoption, "adopted_on": in_two_days}),
        422,
        field="adopted_on",
    )
    assert_error(
        await post("canbo.tdp1", "adoptions", {**adoption, "unit_id": 99999}), 422, field="unit_id"
    )
    adopted = await h.ok("canbo.tdp1", f"{path}/adoptions", adoption, status=201)
    assert adopted["stage"] == "replicating"
    assert_error(await post("canbo.tdp1", "adoptions", adoption), 409)  # once per unit
    assert_error(
        await post("canbo.vanphong", "follow-ups", {"note": "x"}), 409, stage="replicating"
    )

    detail = (await h.get("canbo.truonghoc", path)).json()
    assert (
        detail["adoptions"] == 1 and detail["adoption_reports"][0]["unit_name"] == "Tổ dân phố số 1"
    )
    assert detail["nomination_id"] == drafted["nomination_id"]
    assert [f["note"] for f in detail["follow_ups"]] == ["Đã tập huấn 2 buổi"]
    assert detail["assessments"][0]["milestone_code"] == "on_demand"
    assert detail["allowed_actions"] == ["report_adoption"]
    listed = (await h.get("canbo.tdp1", f"{base}?stage=replicating")).json()
    assert [e["id"] for e in listed["items"]] == [exemplar["id"]]

    # drop
    practice_path = f"/api/v1/exemplars/{practice['id']}"
    assert_error(await h.post("canbo.vanphong", f"{practice_path}/drop", {"reason": "x"}), 403)
    assert_error(
        await h.post("thuongtruc", f"{practice_path}/drop", {"reason": ""}),
        422,
        field="body.reason",
    )
    dropped = await h.ok("thuongtruc", f"{practice_path}/drop", {"reason": "Chợ giải tỏa"})
    assert dropped["stage"] == "dropped"
    assert_error(
        await h.post("thuongtruc", f"{practice_path}/drop", {"reason": "Lần nữa"}),
        409,
        stage="dropped",
    )
    assert_error(
        await h.post("thuongtruc", f"{practice_path}/nurture", nurture), 409, stage="dropped"
    )
    async with h.factory() as session:
        row = await session.get(Exemplar, practice["id"])
        assert row.stage.value == "dropped" and row.dropped_reason == "Chợ giải tỏa"
        actions = (
            (
                await session.execute(
                    select(AuditEvent.action)
                    .where(
                        AuditEvent.subject_type == "exemplar",
                        AuditEvent.subject_id == exemplar["id"],
                    )
                    .order_by(AuditEvent.id)
                )
            )
            .scalars()
            .all()
        )
    assert actions == [
        "discovered",
        "nurtured",
        "follow_up_recorded",
        "summarized",
        "nomination_proposed",
        "published",
        "adopted",
    ]
    assert_error(await h.get("canbo.tdp1", "/api/v1/exemplars/99999"), 404)


async def test_the_report_as_json_and_pdf(harness):
    h = harness
    ids = h.ids
    campaign_id = await launch_campaign(h, await this_year(h) + 1)
    year = await open_registration(h, campaign_id)
    await h.ok(
        "canbo.tdp1",
        f"/api/v1/campaigns/{campaign_id}/registrations",
        {
            "unit_id": ids.units["tk-tdp-1"],
            "pledge": "Tổ dân phố văn minh",
            "content_area_codes": ["van-hoa-xa-hoi", "quoc-phong-an-ninh"],
        },
        status=201,
    )
    report = (await h.get("canbo.tdp1", f"/api/v1/campaigns/{campaign_id}/report")).json()
    assert report["registrations"] == 1 and report["through_year"] == year + 4
    areas = {row["key"]: row["registrations"] for row in report["by_content_area"]}
    assert (
        areas["van-hoa-xa-hoi"] == 1 and areas["quoc-phong-an-ninh"] == 1 and areas["kinh-te"] == 0
    )
    units = {row["key"]: row["registrations"] for row in report["by_unit"]}
    assert units[str(ids.units["tk-tdp-1"])] == 1 and len(units) == 15  # every unit of the ward
    assert (
        await h.get("canbo.tdp1", f"/api/v1/campaigns/{campaign_id}/report?through_year=1999")
    ).status_code == 422

    assert_error(await h.post("canbo.tdp1", f"/api/v1/campaigns/{campaign_id}/reports", {}), 403)
    assert_error(
        await h.post(
            "thuongtruc", f"/api/v1/campaigns/{campaign_id}/reports", {"through_year": 3000}
        ),
        422,
        field="body.through_year",
    )
    stored = await h.ok(
        "thuongtruc", f"/api/v1/campaigns/{campaign_id}/reports", {"through_year": year}, status=201
    )
    assert stored["report"]["registrations"] == 1
    pdf = await h.get("kiemtra", stored["pdf_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The public may not read a campaign report: it gets what a missing document gets.
    anonymous = await h.get(None, stored["pdf_url"])
    missing = await h.get(None, "/api/v1/documents/999999/pdf")
    assert anonymous.status_code == 404
    assert (anonymous.content, anonymous.headers.get("content-type")) == (
        missing.content,
        missing.headers.get("content-type"),
    )


async def _milestone_reached(h, campaign_id: int) -> bool:
    async with h.factory() as session:
        milestone = (
            await session.execute(select(Milestone).where(Milestone.campaign_id == campaign_id))
        ).scalar_one()
        return milestone.reached_at is not None


async def _campaign_status(h, campaign_id: int) -> str:
    async with h.factory() as session:
        return (await session.get(Campaign, campaign_id)).status


async def test_a_nomination_counts_only_toward_a_campaign_running_in_its_own_ward(harness):
    """The JSON API refuses, on the campaign_id field, a campaign that does not exist, one
    of another authority (it would count the nomination in that authority's report) and
    one that is not running; nothing is written."""
    h = harness
    ids = h.ids
    year = await this_year(h) + 1
    planned_id = await plan_campaign(h, year)
    async with h.factory() as session, session.begin():
        city = (
            await session.execute(select(Authority).where(Authority.level == Level.CITY))
        ).scalar_one()
        elsewhere = Campaign(
            code=f"thanh-pho-{year}",
            authority_id=city.id,
            name="Phong trào của thành phố",
            theme="Chủ đề của thành phố",
            start_year=year,
            end_year=year + 1,
            status="running",
        )
        session.add(elsewhere)
        await session.flush()
        elsewhere_id = elsewhere.id
        before = await session.scalar(select(func.count()).select_from(Nomination))
    body = {
        "award_code": "giay_khen",
        "year": year,
        "nominee": {"kind": "individual", "person_id": ids.people["Lê Thị Hương"]},
        "proposing_unit_id": ids.units["tk-th-thach-khoi"],
        "achievement_summary": "Giáo viên dạy giỏi cấp thành phố",
    }
    for campaign_id, words in (
        (987654, "Không có phong trào thi đua này"),
        (elsewhere_id, "Không có phong trào thi đua này"),
        (planned_id, "không đang diễn ra"),
    ):
        response = await h.post(
            "canbo.truonghoc", "/api/v1/nominations", {**body, "campaign_id": campaign_id}
        )
        error = assert_error(response, 422, field="campaign_id")
        assert words in response.text, error
    async with h.factory() as session:
        assert await session.scalar(select(func.count()).select_from(Nomination)) == before
