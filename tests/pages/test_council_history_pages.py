"""The council and history administration pages, as a ward's administrator uses them:
a member added and replaced through the forms, a mistake shown next to its field in the
form it came from (nothing written), another ward's council answered as missing; a
person found by name, their past award entered with its decision, a rating for a year
already rated refused next to the year, an initiative entered, an award revoked and
still shown.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

import re

import pytest

from tests.accounts_app import accounts_app
from tests.admin.council_history_world import build_world, events

pytestmark = [pytest.mark.postgres]

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


async def csrf(http, path: str) -> str:
    page = await http.get(path)
    assert page.status_code == 200, page.text[:500]
    match = TOKEN.search(page.text)
    assert match, page.text[:500]
    return match.group(1)


def field_error(html: str, error_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{error_id}-error">([^<]+)</p>', html)
    assert match, f"no error {error_id}"
    return match.group(1)


async def test_a_ward_administrator_adds_and_replaces_council_members(app):
    world = await build_world(app)
    council = world.councils["tk"]
    browser = app.client()
    try:
        app.sign_in_page(browser, world.users["qt.thachkhoi"])
        page = await browser.get("/admin/councils")
        assert page.status_code == 200
        assert "Hội đồng Thi đua - Khen thưởng phường Thạch Khôi" in page.text
        assert "phường Tứ Minh" not in page.text
        assert "Hội đồng chưa có thành viên." in page.text
        token = await csrf(browser, "/admin/councils")
        members = f"/admin/councils/{council}/members"

        backwards = await browser.post(
            members,
            data={
                "csrf_token": token,
                "user_id": str(world.users["uyvien"]),
                "council_role": "member",
                "title": "Chủ tịch Ủy ban MTTQ phường",
                "term_start": "2027-01-01",
                "term_end": "2026-12-31",
            },
        )
        assert backwards.status_code == 422
        assert field_error(backwards.text, f"add-{council}-term_end") == (
            "Ngày kết thúc nhiệm kỳ không được trước ngày bắt đầu"
        )
        # The form is open again with what was typed.
        assert f'<details id="add-{council}" open>' in backwards.text
        assert 'value="Chủ tịch Ủy ban MTTQ phường"' in backwards.text
        nobody = await browser.post(
            members, data={"csrf_token": token, "council_role": "member", "term_start": ""}
        )
        assert nobody.status_code == 422
        assert field_error(nobody.text, f"add-{council}-user_id") == "Vui lòng nhập trường này"
        assert field_error(nobody.text, f"add-{council}-term_start") == "Vui lòng nhập trường này"
        assert await events(app, "council", council) == []

        for username, role in (("chutich", "chair"), ("uyvien", "member")):
            added = await browser.post(
                members,
                data={
                    "csrf_token": token,
                    "user_id": str(world.users[username]),
                    "council_role": role,
                    "title": "",
                    "term_start": "2026-07-01",
                    "term_end": "2031-06-30",
                },
            )
            assert added.status_code == 303, added.text[:2000]
        second_chair = await browser.post(
            members,
            data={
                "csrf_token": token,
                "user_id": str(world.users["phochutich"]),
                "council_role": "chair",
                "term_start": "2026-07-01",
            },
        )
        assert second_chair.status_code == 422
        assert "đã có Chủ tịch Hội đồng" in field_error(
            second_chair.text, f"add-{council}-council_role"
        )

        shown = await browser.get("/admin/councils?done=member_added")
        assert "Đã thêm thành viên." in shown.text
        # Đỗ Văn Đồng's row (the chairman's comes first).
        rows = re.findall(
            r'<tr data-member="(\d+)" class="is-active">\s*<td[^>]*>([^<\n]+)', shown.text
        )
        member_id = int(next(mid for mid, name in rows if name.strip() == "Đỗ Văn Đồng"))
        replaced = await browser.post(
            f"{members}/{member_id}/replace",
            data={
                "csrf_token": token,
                "user_id": str(world.users["uyvien.moi"]),
                "starts_on": "2027-03-01",
                "title": "",
            },
        )
        assert replaced.status_code == 303, replaced.text[:2000]
        after = await browser.get(replaced.headers["location"])
        assert "Đã thay thế thành viên." in after.text
        assert f'<tr data-member="{member_id}" class="is-past">' in after.text
        assert "Thay cho: Đỗ Văn Đồng" in after.text
        assert "28/02/2027" in after.text

        # Another ward's administrator: Thạch Khôi's council does not exist for them.
        other = app.client()
        try:
            app.sign_in_page(other, world.users["qt.tuminh"])
            other_token = await csrf(other, "/admin/councils")
            refused = await other.post(
                f"/admin/councils/{council}",
                data={"csrf_token": other_token, "name": "Đổi tên", "rules_note": ""},
            )
            assert refused.status_code == 404
        finally:
            await other.aclose()
        # A council member who administers nothing: no administration page.
        member = app.client()
        try:
            app.sign_in_page(member, world.users["uyvien.moi"])
            assert (await member.get("/admin/councils")).status_code == 403
            assert (await member.get("/admin/history")).status_code == 403
        finally:
            await member.aclose()
    finally:
        await browser.aclose()


async def test_a_persons_history_is_entered_through_the_page(app):
    world = await build_world(app)
    person = world.people["tk"]
    base = f"/admin/history/individual/{person}"
    browser = app.client()
    try:
        app.sign_in_page(browser, world.users["qt.thachkhoi"])
        found = await browser.get("/admin/history", params={"q": "nguyen thi hoa"})
        assert found.status_code == 200
        assert f'href="{base}"' in found.text
        assert "Tứ Minh" not in found.text  # the other ward's namesake is not listed

        token = await csrf(browser, base)
        award = {
            "csrf_token": token,
            "award_code": "ldtt",
            "year": "2024",
            "decision_number": "12/QĐ-UBND",
            "decision_date": "",
            "deciding_authority": "Chủ tịch Ủy ban nhân dân phường Thạch Khôi",
        }
        no_date = await browser.post(f"{base}/awards", data=award)
        assert no_date.status_code == 422
        assert field_error(no_date.text, "add-award-decision_date") == "Vui lòng nhập trường này"
        unknown = await browser.post(
            f"{base}/awards", data=award | {"award_code": "khong_co", "decision_date": "2025-01-10"}
        )
        assert unknown.status_code == 422
        assert "khong_co" in field_error(unknown.text, "add-award-award_code")
        added = await browser.post(f"{base}/awards", data=award | {"decision_date": "2025-01-10"})
        assert added.status_code == 303, added.text[:2000]
        shown = await browser.get(added.headers["location"])
        assert "Đã thêm khen thưởng." in shown.text
        assert "Lao động tiên tiến" in shown.text and "10/01/2025" in shown.text
        record_id = int(re.search(r'<tr data-award="(\d+)"', shown.text).group(1))

        rating = {"csrf_token": token, "year": "2025", "rating": "good"}
        assert (await browser.post(f"{base}/ratings", data=rating)).status_code == 303
        again = await browser.post(f"{base}/ratings", data=rating | {"rating": "excellent"})
        assert again.status_code == 422
        assert "Đã có xếp loại năm 2025" in field_error(again.text, "add-rating-year")

        initiative = {
            "csrf_token": token,
            "title": "Số hóa hồ sơ khen thưởng của phường",
            "year": "2025",
            "scope": "base",
            "recognised_by": "Hội đồng sáng kiến phường Thạch Khôi",
            "decision_number": "45/QĐ-HĐSK",
            "decision_date": "2025-12-20",
            "is_research": "on",
        }
        made = await browser.post(f"{base}/initiatives", data=initiative)
        assert made.status_code == 303, made.text[:2000]
        page = await browser.get(base)
        assert "Số hóa hồ sơ khen thưởng của phường" in page.text
        assert "Là đề tài nghiên cứu khoa học" in page.text

        no_reason = await browser.post(
            f"{base}/awards/{record_id}/revoke",
            data={"csrf_token": token, "reason": "", "basis": "QĐ 30/QĐ-UBND"},
        )
        assert no_reason.status_code == 422
        assert field_error(no_reason.text, f"revoke-{record_id}-reason") == (
            "Vui lòng nhập trường này"
        )
        revoked = await browser.post(
            f"{base}/awards/{record_id}/revoke",
            data={
                "csrf_token": token,
                "reason": "Kê khai không đúng",
                "basis": "Quyết định số 30/QĐ-UBND",
            },
        )
        assert revoked.status_code == 303
        page = await browser.get(base)
        assert f'<tr data-award="{record_id}" class="is-revoked">' in page.text
        assert "Đã thu hồi" in page.text
        assert [e.action for e in await events(app, "award_record", record_id)] == [
            "award_record_created",
            "award_record_revoked",
        ]

        other = app.client()
        try:
            app.sign_in_page(other, world.users["qt.tuminh"])
            assert (await other.get(base)).status_code == 404
        finally:
            await other.aclose()
    finally:
        await browser.aclose()
