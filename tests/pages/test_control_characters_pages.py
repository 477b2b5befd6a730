"""Control characters in the pages' forms, searches and login: never a 500 (PostgreSQL
cannot store U+0000), a 422 page naming the field, or the field's own error next to it
where the page's schema refuses it; on SQLite and on PostgreSQL."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.postgres]

NUL = "\x00"


async def test_page_forms_and_searches_refuse_control_characters(harness, people):
    """Never a 500 on the pages: a form field or a search holding a control character gets
    a 422 page naming the field; a multi-line field keeps its line breaks."""
    unit = people("canbo.vanphong")
    search = await unit.get("/nominations", params={"q": f"Hoa{NUL}"})
    assert search.status_code == 422 and search.headers["content-type"].startswith("text/html")
    assert "«q»" in search.text and "U+0000" in search.text

    form = {
        "nominee": f"individual:{harness.ids.people['Nguyễn Thị Hoa']}",
        "award_code": "giay_khen",
        "year": "2026",
        "proposing_unit_id": str(harness.ids.units["tk-van-phong"]),
        "achievement_summary": f"Hoàn thành{NUL}xuất sắc",
    }
    refused = await unit.post("/nominations/new", form, csrf_from="/nominations/new")
    assert refused.status_code == 422, refused.text[:300]
    assert "«achievement_summary»" in refused.text and "U+0000" in refused.text

    form["achievement_summary"] = "Hoàn thành xuất sắc\r\nhai dòng"
    saved = await unit.post("/nominations/new", form, csrf_from="/nominations/new")
    assert saved.status_code == 303, saved.text[:300]


async def test_a_page_shows_a_one_line_field_refusal_next_to_the_field(harness, people):
    """A form field may hold line breaks and tabs (a textarea sends them); where the page's
    schema wants one line, the refusal is shown next to the field."""
    standing = people("thuongtruc")
    response = await standing.post(
        "/council-sessions",
        {"title": "Phiên họp\tthứ nhất", "closes_at": "", "authority_id": ""},
        csrf_from="/council-sessions",
    )
    assert response.status_code == 422, response.text[:300]
    error = re.search(r'<p class="field-error" id="title-error">([^<]+)</p>', response.text)
    assert error and "U+0009" in error.group(1), response.text[:2000]


async def test_the_login_page_refuses_control_characters(harness, people):
    visitor = people(None)
    page = await visitor.get("/login")
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text).group(1)
    response = await visitor.http.post(
        "/login",
        data={"username": f"chutich{NUL}", "password": "thidua2026", "login_csrf": token},
    )
    assert response.status_code == 422 and "«username»" in response.text
