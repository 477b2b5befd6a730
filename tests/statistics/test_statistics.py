"""Year-end statistics and the chairman's overview (issue 17), on both databases: the
seed's past awards plus records entered through the history API, counted per title,
level, kind and subject; women's share; Mẫu 0601–0603; the audience (anyone else gets
a 404, as for a page that does not exist); the .xlsx read back with openpyxl and the
PDF read back with pypdf."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.documents.pdftools import pdf_text
from tests.pages.conftest import Person

HISTORY = "/api/v1/admin/history"


async def add_award(
    harness, kind: str, subject_id: int, code: str, year: int, number: str, decided: str = ""
):
    await harness.ok(
        "quantri",
        f"{HISTORY}/{kind}/{subject_id}/awards",
        {
            "award_code": code,
            "year": year,
            "decision_number": number,
            "decision_date": decided or f"{year + 1}-01-15",
            "deciding_authority": "Chủ tịch UBND",
        },
        status=201,
    )


async def seed_2025(harness) -> None:
    """The seed holds, for 2025: LĐTT for Hoa, Minh, Hương and CSTĐCS for Hoa. Add a
    collective's title (ward) and a city Bằng khen for Minh."""
    await add_award(
        harness, "collective", harness.ids.collectives["tk-van-phong"], "ttldtt", 2025, "7/QĐ-UBND"
    )
    await add_award(
        harness,
        "individual",
        harness.ids.people["Trần Văn Minh"],
        "bang_khen_thanh_pho",
        2025,
        "88/QĐ-UBND",
    )


async def test_counts_per_title_level_kind_and_the_forms(harness):
    await seed_2025(harness)
    response = await harness.get("thuongtruc", "/api/v1/statistics", params={"year": 2025})
    assert response.status_code == 200, response.text
    stats = response.json()
    titles = {r["code"]: r for r in stats["by_title"]}
    assert titles["ldtt"]["individuals"] == 3 and titles["ldtt"]["level"] == "ward"
    assert titles["cstdcs"]["individuals"] == 1
    assert titles["ttldtt"]["collectives"] == 1 and titles["ttldtt"]["total"] == 1
    assert titles["bang_khen_thanh_pho"]["level"] == "city"
    assert stats["total"] == 6
    assert dict(stats["by_level"]) == {"Cấp phường": 5, "Cấp thành phố": 1}
    assert dict(stats["by_kind"]) == {"Công trạng (thường xuyên)": 6}
    assert dict(stats["by_subject"]) == {"Cá nhân": 5, "Tập thể": 1, "Hộ gia đình": 0}
    # Women: Hoa (2 awards) and Hương of the 5 individual awards.
    assert (stats["individuals"], stats["women"], stats["women_share"]) == (5, 3, "60,0%")
    assert dict((str(y), n) for y, n in stats["by_year"])["2024"] == 3
    forms = {f["code"][:4]: f for f in stats["forms"]}
    f0603 = {number: cells for _, number, cells in forms["0603"]["rows"]}
    assert f0603["01"] == [1, 1, 0, 0, 0]  # one Bằng khen of the city
    assert f0603["05"] == [1, 1, 0, 0, 0] and f0603["02"] == [0, 0, 0, 0, 0]
    assert f0603["03"] == [None] * 5  # enterprises: not in the engine's data
    f0602 = {number: cells for _, number, cells in forms["0602"]["rows"]}
    assert f0602["1"][0] == 0
    f0601 = {number: cells for _, number, cells in forms["0601"]["rows"]}
    # The seed's 2026–2030 campaign of the ward is not running in 2025.
    assert f0601["01"] == [0, 0, 0, 0]
    # The city's standing body reads the city's territory: the ward's awards are in it.
    city = (await harness.get("thanhpho", "/api/v1/statistics", params={"year": 2025})).json()
    assert city["total"] == 6 and "Hải Phòng" in city["scope_name"]
    campaigns_2026 = (
        await harness.get("thuongtruc", "/api/v1/statistics", params={"year": 2026})
    ).json()
    f0601 = {n: c for _, n, c in campaigns_2026["forms"][0]["rows"]}
    assert f0601["01"] == [1, 0, 0, 1] and f0601["10"] == [1, 0, 0, 1]  # five years


async def test_audience_downloads_and_the_overview(harness):
    await seed_2025(harness)
    officer, auditor, chairman, member = (
        Person(harness, name) for name in ("canbo.vanphong", "kiemtra", "chutich", "uyvien.mttq")
    )
    try:
        # Outside the audience: as if the page and the API did not exist.
        for person in (officer, member):
            assert (await person.get("/thong-ke")).status_code == 404
            assert (await person.get("/tong-quan")).status_code == 404
            assert (await person.get("/api/v1/statistics.xlsx")).status_code == 404
        page = await auditor.get("/thong-ke", params={"year": "2025"})
        assert page.status_code == 200
        assert "<svg" in page.text and "Lao động tiên tiến" in page.text
        assert "0603.N/BNV-TĐKT" in page.text and "60,0%" in page.text
        assert "/api/v1/statistics.pdf?year=2025" in page.text
        bad = await auditor.get("/thong-ke", params={"year": "20x5"})
        assert bad.status_code == 422 and 'id="year-error"' in bad.text
        # The workbook: the table by title and one sheet per form.
        xlsx = await auditor.get("/api/v1/statistics.xlsx", params={"year": 2025})
        assert xlsx.status_code == 200
        book = load_workbook(io.BytesIO(xlsx.content))
        assert book.sheetnames[:3] == ["Theo danh hiệu", "Tổng hợp", "Hồ sơ"]
        assert {"Mẫu 0601", "Mẫu 0602", "Mẫu 0603"} <= set(book.sheetnames)
        rows = list(book["Theo danh hiệu"].iter_rows(values_only=True))
        ldtt = next(r for r in rows if r[0] == "Lao động tiên tiến")
        assert ldtt[2] == 3 and ldtt[5] == 3  # numbers, not texts
        form = list(book["Mẫu 0603"].iter_rows(values_only=True))
        assert next(r for r in form if r[1] == "01")[2:7] == (1, 1, 0, 0, 0)
        # The PDF: the tables, the forms and the charts' labels, as text.
        pdf = await auditor.get("/api/v1/statistics.pdf", params={"year": 2025})
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        text = pdf_text(pdf.content)
        assert "THỐNG KÊ THI ĐUA" in text.upper()
        assert "Lao động tiên tiến" in text and "0603.N/BNV-TĐKT" in text
        assert "Số khen thưởng theo năm" in text  # a chart's title, drawn in the PDF
        # The chairman's overview: counts with links to the lists behind them.
        overview = await chairman.get("/tong-quan")
        assert overview.status_code == 200
        assert 'href="/signing"' in overview.text and 'href="/deadlines"' in overview.text
        assert 'href="/nominations?stage=reception"' in overview.text
        assert overview.text.count("<svg") == 3
        assert 'href="/tong-quan"' in (await chairman.get("/")).text
    finally:
        for person in (officer, auditor, chairman, member):
            await person.aclose()
