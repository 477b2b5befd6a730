"""The campaign and exemplar pages, server-side, over the real application, worker and
Temporal test server on the seeded database: each form's happy path, the wrong person
(a 403 page), errors next to the field concerned (in Vietnamese), and the CSRF refusal.

The campaigns are the seeded plan moved in time (``plan_campaign``): to start the year
after the test's moment where the yearly cycle matters (the launch, registration, the
report), so that nothing depends on the day the suite runs; to this year where a model's
nomination is for this year. What the pages show on any day of the year is
test_campaign_any_day.py."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import AuditEvent, Exemplar, Registration
from tests.campaigns.helpers import launch_campaign, open_registration, plan_campaign, this_year

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def error_of(page, form_field: str) -> str:
    """The message shown next to a field (``<form>-<field>-error``), or ''."""
    match = re.search(rf'id="{re.escape(form_field)}-error">([^<]*)<', page.text)
    return match.group(1) if match else ""


def flash_of(page) -> str:
    match = re.search(r'id="flash">([^<]*)<', page.text)
    return match.group(1) if match else ""


async def follow(person, response):
    """A post-redirect-get: the 303's target, as the browser would load it."""
    assert response.status_code == 303, response.text[:3000]
    return await person.get(response.headers["location"])


async def test_the_standing_body_launches_and_amends_the_campaign(harness, people):
    year = await this_year(harness) + 1  # the campaign's first year
    campaign_id = await plan_campaign(harness, year)
    page = f"/campaigns/{campaign_id}"
    standing, unit = people("thuongtruc"), people("canbo.vanphong")

    listing = await standing.get("/campaigns")
    assert "Kỷ cương, trách nhiệm" in listing.text and f'href="{page}"' in listing.text
    planned = await standing.get(page)
    assert planned.status_code == 200
    assert 'data-status="planned"' in planned.text and 'id="launch-form"' in planned.text
    assert "Thi đua cải cách hành chính" in planned.text
    assert f"Chặng 1 ({year} - {year + 2})" in planned.text
    assert (
        f'Sơ kết giữa nhiệm kỳ (chặng 1) — <span class="due">15/12/{year + 2}</span>'
        in planned.text
    )
    assert 'id="launch-form"' not in (await unit.get(page)).text

    # launching: the wrong person, no CSRF token, then the standing body
    refused = await unit.post(f"{page}/launch", csrf_from=page)
    assert refused.status_code == 403 and "<html" in refused.text
    no_token = await standing.post(f"{page}/launch", csrf=False)
    assert no_token.status_code == 403 and "Biểu mẫu đã hết hạn" in no_token.text
    launched = await follow(standing, await standing.post(f"{page}/launch", csrf_from=page))
    assert flash_of(launched) == "Đã phát động phong trào thi đua"
    assert 'data-status="running"' in launched.text
    # launched before its first year: that year's cycle is ahead, registration not open yet
    assert f"Chu kỳ thi đua năm {year}" in launched.text
    cycle = re.search(r'data-cycle="registration_due" data-state="(\w+)"', launched.text)
    assert cycle and cycle.group(1) == "not_open"
    next_step = re.search(r'id="next-step">([^<]*)<', launched.text)
    assert next_step and next_step.group(1) == f"Mở đăng ký thi đua — 08:00 15/01/{year}"
    assert "0/15 đơn vị đã đăng ký" in launched.text
    assert "Tổ dân phố số 1" in launched.text  # among the units not registered
    # a unit officer sees the plan, not the amendment forms
    assert 'id="content-area-form"' not in (await unit.get(page)).text

    # amend: add a content area — errors next to the field, then done
    form = f"{page}/content-areas"
    bad = await standing.post(form, {"code": "Sai Mã", "title": ""}, csrf_from=page)
    assert bad.status_code == 422
    assert error_of(bad, "content_area-code").startswith("Chữ thường không dấu")
    assert error_of(bad, "content_area-title") == "Vui lòng nhập trường này"
    assert 'value="Sai Mã"' in bad.text  # what was typed is kept
    taken = await standing.post(form, {"code": "kinh-te", "title": "Kinh tế số"}, csrf_from=page)
    assert taken.status_code == 409 and "Đã có nội dung thi đua" in error_of(
        taken, "content_area-code"
    )
    assert (
        await unit.post(form, {"code": "chuyen-doi-so", "title": "Chuyển đổi số"}, csrf_from=page)
    ).status_code == 403
    added = await follow(
        standing,
        await standing.post(
            form,
            {
                "code": "chuyen-doi-so",
                "title": "Thi đua chuyển đổi số toàn diện",
                "description": "Dịch vụ công trực tuyến toàn trình",
            },
            csrf_from=page,
        ),
    )
    assert flash_of(added) == "Đã bổ sung nội dung thi đua: Thi đua chuyển đổi số toàn diện"
    assert 'data-area="chuyen-doi-so"' in added.text
    assert 'data-kind="content_area_added"' in added.text

    # amend: move a milestone, with its reason
    move = f"{page}/milestones/mid_term_review/move"
    empty = await standing.post(move, {"due_on": "", "reason": ""}, csrf_from=page)
    assert empty.status_code == 422
    assert error_of(empty, "move-mid_term_review-due_on") == "Vui lòng nhập trường này"
    assert error_of(empty, "move-mid_term_review-reason") == "Vui lòng nhập trường này"
    today = harness.clock.today().strftime("%d/%m/%Y")
    past = await standing.post(move, {"due_on": today, "reason": "Thử"}, csrf_from=page)
    assert past.status_code == 422
    assert error_of(past, "move-mid_term_review-due_on") == "Ngày mới phải sau hôm nay"
    new_day = f"{year + 2}-12-20"
    assert (
        await unit.post(move, {"due_on": new_day, "reason": "Trùng lịch"}, csrf_from=page)
    ).status_code == 403
    moved = await follow(
        standing,
        await standing.post(
            move, {"due_on": new_day, "reason": "Trùng lịch họp Hội đồng nhân dân"}, csrf_from=page
        ),
    )
    assert flash_of(moved) == f"Đã dời “Sơ kết giữa nhiệm kỳ (chặng 1)” sang ngày 20/12/{year + 2}"
    assert f'<span class="due">20/12/{year + 2}</span>' in moved.text
    assert "Trùng lịch họp Hội đồng nhân dân" in moved.text  # the amendment's reason
    async with harness.factory() as session:
        event = (
            await session.execute(
                select(AuditEvent).where(
                    AuditEvent.subject_type == "campaign", AuditEvent.action == "milestone_moved"
                )
            )
        ).scalar_one()
    assert event.changes["due_on"] == [f"{year + 2}-12-15", new_day]
    assert event.actor_name == "Ngô Thị Mai"

    english = await standing.get(page + "?lang=en")
    assert f"The {year} cycle" in english.text and "Registration due" in english.text
    assert (await people(None).get(page)).status_code == 303  # to the login page
    missing = await standing.get("/campaigns/99999?lang=vi")  # English is remembered
    assert missing.status_code == 404 and "Không có phong trào thi đua này" in missing.text


async def test_a_unit_registers_for_the_year(harness, people):
    campaign_id = await plan_campaign(harness, await this_year(harness) + 1)
    page = f"/campaigns/{campaign_id}/registrations"
    unit, standing = people("canbo.vanphong"), people("thuongtruc")
    for launched in (False, True):  # planned, then launched before its first year
        if launched:
            await harness.ok("thuongtruc", f"/api/v1/campaigns/{campaign_id}/launch")
        closed = await unit.get(page)
        assert "Hiện chưa mở hoặc đã hết thời gian đăng ký thi đua." in closed.text
        assert 'id="register-form"' not in closed.text
    year = await open_registration(harness, campaign_id)

    form = await unit.get(page)
    assert (
        f"Đang nhận đăng ký thi đua năm {year}." in form.text and 'id="register-form"' in form.text
    )
    nothing = await unit.post(page, {"registrant": "unit"}, csrf_from=page)
    assert nothing.status_code == 422
    assert (
        error_of(nothing, "register-target_awards")
        == "Nêu danh hiệu đăng ký hoặc nội dung giao ước"
    )
    hoa = harness.ids.people["Nguyễn Thị Hoa"]
    collective_title = await unit.post(
        page, {"registrant": f"person:{hoa}", "target_awards": "ttldtt"}, csrf_from=page
    )
    assert collective_title.status_code == 422
    assert "không xét cho cá nhân" in error_of(collective_title, "register-target_awards")
    assert f'value="person:{hoa}" selected' in collective_title.text  # the choice is kept
    other = harness.ids.people["Lê Thị Hương"]  # not of this unit
    stranger = await unit.post(
        page, {"registrant": f"person:{other}", "pledge": "Hoàn thành tốt"}, csrf_from=page
    )
    assert error_of(stranger, "register-registrant") == "Cá nhân không thuộc đơn vị"

    done = await follow(
        unit,
        await unit.post(
            page,
            {
                "registrant": "unit",
                "target_awards": ["ttldtt"],
                "content_area_codes": ["cai-cach-hanh-chinh", "kinh-te"],
                "pledge": "Không để hồ sơ hành chính trễ hạn",
            },
            csrf_from=page,
        ),
    )
    assert flash_of(done) == f"Đã đăng ký thi đua năm {year}: Văn phòng HĐND và UBND phường"
    mine = done.text.split('id="mine"')[1].split("</section>")[0]
    assert "Tập thể lao động tiên tiến" in mine and "Thi đua cải cách hành chính" in mine
    person = await follow(
        unit,
        await unit.post(
            page, {"registrant": f"person:{hoa}", "target_awards": ["cstdcs"]}, csrf_from=page
        ),
    )
    assert flash_of(person) == f"Đã đăng ký thi đua năm {year}: Nguyễn Thị Hoa"
    again = await unit.post(page, {"registrant": "unit", "pledge": "Lần nữa"}, csrf_from=page)
    assert again.status_code == 409 and f"Đã đăng ký thi đua năm {year}" in again.text

    # who may not register, and a form without its token
    council = people("uyvien.mttq")
    for form in (
        {
            "unit_id": str(harness.ids.units["tk-van-phong"]),
            "registrant": "unit",
            "pledge": "Giao ước",
        },
        {"registrant": "unit", "pledge": "Giao ước"},
    ):
        assert (await council.post(page, form, csrf_from=page)).status_code == 403
    other_unit = people("canbo.tdp1")  # an officer, but of another unit
    assert (
        await other_unit.post(
            page,
            {
                "unit_id": str(harness.ids.units["tk-van-phong"]),
                "registrant": "unit",
                "pledge": "Giao ước",
            },
            csrf_from=page,
        )
    ).status_code == 403
    assert (
        await unit.post(page, {"registrant": "unit", "pledge": "x"}, csrf=False)
    ).status_code == 403

    # the standing body sees who has registered and who has not
    overview = await standing.get(page)
    van_phong, tdp1 = harness.ids.units["tk-van-phong"], harness.ids.units["tk-tdp-1"]
    assert f'data-unit="{van_phong}" data-registered="yes"' in overview.text
    assert f'data-unit="{tdp1}" data-registered="no"' in overview.text
    assert "1/15 đơn vị đã đăng ký" in overview.text
    row = overview.text.split(f'data-unit="{van_phong}"')[1].split("</tr>")[0]
    assert "Nguyễn Thị Hoa (Chiến sĩ thi đua cơ sở)" in row
    plan = await standing.get(f"/campaigns/{campaign_id}")
    assert "1/15 đơn vị đã đăng ký" in plan.text
    async with harness.factory() as session:
        rows = (await session.execute(select(Registration))).scalars().all()
    assert sorted((r.person_id or 0) for r in rows) == [0, hoa]


async def test_an_exemplar_through_every_step_on_its_page(harness, people):
    year = await this_year(harness)  # the model's nomination is for this year
    campaign_id = await launch_campaign(harness, year)
    ids = harness.ids
    unit, standing, other_unit = (
        people("canbo.vanphong"),
        people("thuongtruc"),
        people("canbo.tdp1"),
    )
    new = f"/campaigns/{campaign_id}/exemplars/new"

    # propose: errors next to the fields, a subject outside the unit, then the model
    form = await unit.get(new)
    assert 'id="propose-form"' in form.text and "Nguyễn Thị Hoa" in form.text
    assert "Lê Thị Hương" not in form.text  # only the unit's own people are offered
    empty = await unit.post(new, {"title": "Gương cán bộ"}, csrf_from=new)
    assert empty.status_code == 422
    assert error_of(empty, "propose-subject") == "Vui lòng chọn"
    assert error_of(empty, "propose-evidence") == "Vui lòng nhập trường này"
    hoa, huong = ids.people["Nguyễn Thị Hoa"], ids.people["Lê Thị Hương"]
    proposal = {
        "title": "Gương cán bộ tận tụy với Nhân dân",
        "subject": f"individual:{hoa}",
        "content_area_code": "cai-cach-hanh-chinh",
        "evidence": "Không để hồ sơ trễ hạn trong năm; được Nhân dân khen ngợi",
        "description": "Một cửa liên thông",
    }
    foreign = await unit.post(new, {**proposal, "subject": f"individual:{huong}"}, csrf_from=new)
    assert foreign.status_code == 422
    assert error_of(foreign, "propose-subject") == "Đối tượng không thuộc đơn vị đề xuất"
    council = people("uyvien.mttq")
    assert (await council.get(new)).status_code == 403
    assert (await council.post(new, proposal, csrf_from="/")).status_code == 403
    proposed = await follow(unit, await unit.post(new, proposal, csrf_from=new))
    assert flash_of(proposed) == "Đã ghi nhận điển hình: Gương cán bộ tận tụy với Nhân dân"
    exemplar_id = int(re.search(r"/exemplars/(\d+)", str(proposed.url)).group(1))
    page = f"/exemplars/{exemplar_id}"
    # (its "discovered" event is written by the workflow's first task: checked at the end)
    assert 'data-stage="discovered"' in proposed.text and 'id="form-nurture"' in proposed.text

    # nurture: another unit may not; bad interval and no officer are shown at their fields
    assert 'id="form-nurture"' not in (await other_unit.get(page)).text
    nurture = {
        "support_plan": "Tập huấn kỹ năng số, giới thiệu kinh nghiệm",
        "responsible_user_id": str(ids.users["canbo.vanphong"]),
        "follow_up_every_days": "30",
        "escalate_after_days": "7",
    }
    assert (await other_unit.post(f"{page}/do/nurture", nurture, csrf_from=page)).status_code == 403
    bad = await unit.post(
        f"{page}/do/nurture",
        {**nurture, "follow_up_every_days": "3", "responsible_user_id": ""},
        csrf_from=page,
    )
    assert bad.status_code == 422
    assert error_of(bad, "nurture-responsible_user_id") == "Vui lòng chọn"
    short = await unit.post(
        f"{page}/do/nurture", {**nurture, "follow_up_every_days": "3"}, csrf_from=page
    )
    assert error_of(short, "nurture-follow_up_every_days") == "Chu kỳ theo dõi từ 7 đến 366 ngày"
    nurtured = await follow(unit, await unit.post(f"{page}/do/nurture", nurture, csrf_from=page))
    assert flash_of(nurtured) == "Đã thực hiện: Bồi dưỡng: giao kế hoạch hỗ trợ"
    assert 'data-stage="nurturing"' in nurtured.text and 'id="next-follow-up"' in nurtured.text
    assert "Hoàng Văn Nam" in nurtured.text  # the responsible officer

    # the standing body records a follow-up and summarizes
    blank = await standing.post(f"{page}/do/record_follow_up", {"note": " "}, csrf_from=page)
    assert error_of(blank, "record_follow_up-note") == "Vui lòng nhập trường này"
    followed = await follow(
        standing,
        await standing.post(
            f"{page}/do/record_follow_up", {"note": "Đã tập huấn 2 buổi"}, csrf_from=page
        ),
    )
    assert "Đã tập huấn 2 buổi" in followed.text.split('id="follow-ups"')[1]
    unrated = await standing.post(
        f"{page}/do/summarize", {"findings": "Lan tỏa tốt"}, csrf_from=page
    )
    assert unrated.status_code == 422 and error_of(unrated, "summarize-rating") == "Vui lòng chọn"
    summarized = await follow(
        standing,
        await standing.post(
            f"{page}/do/summarize",
            {
                "findings": "Lan tỏa tốt trong bộ phận một cửa",
                "rating": "good",
                "milestone_code": "",
            },
            csrf_from=page,
        ),
    )
    assert 'data-stage="summarized"' in summarized.text and 'data-rating="good"' in summarized.text

    # the unit turns it into a draft nomination
    wrong_award = await unit.post(
        f"{page}/do/propose_nomination", {"award_code": "ttldtt", "year": str(year)}, csrf_from=page
    )
    assert wrong_award.status_code == 422
    assert "không xét cho đối tượng này" in error_of(wrong_award, "propose_nomination-award_code")
    drafted = await unit.post(
        f"{page}/do/propose_nomination",
        {"award_code": "giay_khen", "year": str(year), "attestations": ["exemplary"]},
        csrf_from=page,
    )
    nomination = await follow(unit, drafted)
    assert flash_of(nomination).startswith("Đã lập bản nháp đề nghị khen thưởng từ điển hình")
    assert re.search(r"/nominations/\d+$", drafted.headers["location"])
    assert 'data-stage="draft"' in nomination.text and "Nguyễn Thị Hoa" in nomination.text
    assert 'id="nomination-link"' in (await unit.get(page)).text

    # publishing is the public service centre's
    assert (await unit.post(f"{page}/do/publish", {"note": ""}, csrf_from=page)).status_code == 403
    centre = people("canbo.ttdv")
    assert 'id="form-publish"' in (await centre.get(page)).text
    published = await follow(
        centre,
        await centre.post(
            f"{page}/do/publish", {"note": "Giới thiệu trên trang tin phường"}, csrf_from=page
        ),
    )
    assert 'data-stage="replicating"' in published.text

    # another unit reports its adoption: a malformed date, a future one, then done
    adoption = {"unit_id": str(ids.units["tk-tdp-1"]), "report": "Áp dụng tại tổ dân phố"}
    assert 'id="form-report_adoption"' in (await other_unit.get(page)).text
    malformed = await other_unit.post(
        f"{page}/do/report_adoption", {**adoption, "adopted_on": "31/02/2026"}, csrf_from=page
    )
    assert error_of(malformed, "report_adoption-adopted_on") == "Ngày không hợp lệ (dd/mm/yyyy)"
    in_two_days = (harness.clock.today() + timedelta(days=2)).strftime("%Y-%m-%d")
    future = await other_unit.post(
        f"{page}/do/report_adoption", {**adoption, "adopted_on": in_two_days}, csrf_from=page
    )
    assert error_of(future, "report_adoption-adopted_on") == "Ngày áp dụng không được sau hôm nay"
    adopted = await follow(
        other_unit, await other_unit.post(f"{page}/do/report_adoption", adoption, csrf_from=page)
    )
    reports = adopted.text.split('id="adoptions"')[1]
    assert "Tổ dân phố số 1" in reports and "Áp dụng tại tổ dân phố" in reports
    assert 'id="form-report_adoption"' not in adopted.text  # once per unit
    portal = await people(None).get("/cong-khai")
    assert (
        "Gương cán bộ tận tụy với Nhân dân" in portal.text and "1 đơn vị đã áp dụng" in portal.text
    )
    listed = await standing.get(f"/campaigns/{campaign_id}/exemplars?stage=replicating")
    assert f'data-exemplar="{exemplar_id}" data-stage="replicating"' in listed.text
    timeline = (await standing.get(page)).text.split('id="timeline"')[1]
    for action in (
        "discovered",
        "nurtured",
        "follow_up_recorded",
        "summarized",
        "nomination_proposed",
        "published",
        "adopted",
    ):
        assert f'data-action="{action}"' in timeline, action

    # the standing body proposes a good practice for the ward, then drops it
    practice = await follow(
        standing,
        await standing.post(
            new,
            {
                "proposing_unit_id": str(ids.units["tk-vhxh"]),
                "title": "Mô hình “Chợ văn minh”",
                "subject": "practice",
                "evidence": "Chợ không rác thải nhựa",
            },
            csrf_from=new,
        ),
    )
    practice_page = str(practice.url).replace("http://testserver", "")
    no_reason = await standing.post(
        f"{practice_page}/do/drop", {"reason": ""}, csrf_from=practice_page
    )
    assert error_of(no_reason, "drop-reason") == "Vui lòng nhập trường này"
    dropped = await follow(
        standing,
        await standing.post(
            f"{practice_page}/do/drop", {"reason": "Chợ giải tỏa"}, csrf_from=practice_page
        ),
    )
    assert 'data-stage="dropped"' in dropped.text and "Chợ giải tỏa" in dropped.text
    assert "Bạn không có thao tác nào" in dropped.text
    async with harness.factory() as session:
        rows = {e.title: e.stage.value for e in (await session.execute(select(Exemplar))).scalars()}
    assert rows == {
        "Gương cán bộ tận tụy với Nhân dân": "replicating",
        "Mô hình “Chợ văn minh”": "dropped",
    }

    assert (await standing.post(f"{page}/do/unknown", {}, csrf_from=page)).status_code == 403
    assert (await standing.post(f"{page}/do/drop", {"reason": "x"}, csrf=False)).status_code == 403
    missing = await standing.get("/exemplars/99999")
    assert missing.status_code == 404 and "Không có điển hình này" in missing.text


async def test_the_report_as_tables_and_as_a_pdf(harness, people):
    campaign_id = await launch_campaign(harness, await this_year(harness) + 1)
    year = await open_registration(harness, campaign_id)
    await harness.ok(
        "canbo.tdp1",
        f"/api/v1/campaigns/{campaign_id}/registrations",
        {
            "unit_id": harness.ids.units["tk-tdp-1"],
            "pledge": "Tổ dân phố văn minh",
            "content_area_codes": ["van-hoa-xa-hoi"],
        },
        status=201,
    )
    page = f"/campaigns/{campaign_id}/report"
    unit, standing = people("canbo.tdp1"), people("thuongtruc")

    tables = await unit.get(page)
    assert tables.status_code == 200 and 'data-total="registrations">1<' in tables.text
    area = tables.text.split('data-key="van-hoa-xa-hoi"')[1].split("</tr>")[0]
    assert 'data-figure="registrations">1<' in area
    assert f'data-key="{harness.ids.units["tk-tdp-1"]}"' in tables.text
    assert 'id="report-form"' not in tables.text
    assert (await unit.post(page, {"through_year": str(year)}, csrf_from=page)).status_code == 403

    assert 'id="report-form"' in (await standing.get(page)).text
    bad = await standing.post(page, {"through_year": "3000"}, csrf_from=page)
    assert bad.status_code == 422
    assert error_of(bad, "report-through_year") == "Giá trị nằm ngoài khoảng cho phép"
    generated = await standing.post(page, {"through_year": str(year), "title": ""}, csrf_from=page)
    shown = await follow(standing, generated)
    assert flash_of(shown) == f"Đã tạo báo cáo kết quả đến hết năm {year}"
    link = re.search(r'href="(/api/v1/documents/\d+/pdf)" class="report-pdf"', shown.text).group(1)
    pdf = await standing.get(link)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (await standing.post(page, {"through_year": str(year)}, csrf=False)).status_code == 403

    anonymous = await people(None).get(page)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login?next=")
