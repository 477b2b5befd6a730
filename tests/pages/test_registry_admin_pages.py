"""The registry's administration pages as a ward administrator uses them: the unit tree
and a new unit (a taken code shown next to its field), a person added (a citizen ID that
is not 12 digits shown next to its field, with the hint under it), the list with the
identifiers masked, the record with them in full and that view audited, a duplicate
merged; another ward's record is not found.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

import re

import pytest

from tests.accounts_app import accounts_app
from tests.admin.registry_world import add_award_record, add_person, build_world, events

pytestmark = [pytest.mark.postgres]

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


def field_error(html: str, field: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field}-error">([^<]+)</p>', html)
    assert match, f"no error next to {field}"
    return match.group(1)


async def csrf(http, path: str) -> str:
    page = await http.get(path)
    assert page.status_code == 200, page.text[:500]
    return TOKEN.search(page.text).group(1)


async def test_units_page_shows_the_tree_and_a_taken_code_next_to_its_field(app):
    world = await build_world(app)
    browser = app.client()
    try:
        app.sign_in_page(browser, world.users["qt.thachkhoi"])
        page = await browser.get("/admin/units")
        assert page.status_code == 200
        assert 'data-unit="tk" data-depth="0"' in page.text
        assert 'data-unit="tk-to1" data-depth="1"' in page.text
        assert 'data-unit="tm"' not in page.text  # another ward's units are not listed
        assert "Mã ngắn, không dấu, không khoảng trắng" in page.text  # the hint under the code

        form = {
            "csrf_token": await csrf(browser, "/admin/units"),
            "code": "tk-vh",
            "name": "Tổ dân phố số 2",
            "kind": "residential_group",
            "parent_id": str(world.units["tk"]),
            "level": "",
        }
        taken = await browser.post("/admin/units", data=form)
        assert taken.status_code == 422
        assert "đã được dùng" in field_error(taken.text, "code")
        assert 'value="Tổ dân phố số 2"' in taken.text  # what was typed stays

        created = await browser.post("/admin/units", data={**form, "code": "tk-to2"})
        assert created.status_code == 303
        unit_page = created.headers["location"]
        edit = await browser.get(unit_page)
        assert edit.status_code == 200 and "Đã thêm" in edit.text
        # Moved under itself: refused next to the parent field.
        unit_id = int(unit_page.rsplit("/", 1)[1])
        cycle = await browser.post(
            unit_page,
            data={
                **form,
                "code": "tk-to2",
                "parent_id": str(unit_id),
                "csrf_token": await csrf(browser, unit_page),
            },
        )
        assert cycle.status_code == 422
        assert "chính nó" in field_error(cycle.text, "parent_id")
        # Another ward's unit: not found.
        other = await browser.get(f"/admin/units/{world.units['tm-vh']}")
        assert other.status_code == 404
    finally:
        await browser.aclose()
    [event] = await events(app, "unit", unit_id)
    assert event.action == "unit_created" and event.actor_name == "Lê Văn Khôi"


async def test_people_pages_mask_the_list_audit_the_record_and_merge(app):
    world = await build_world(app)
    office = world.units["tk-vh"]
    duplicate = await add_person(app, office, "Nguyễn Thị Hoa")
    record = await add_award_record(app, duplicate, 2024)
    browser = app.client()
    try:
        app.sign_in_page(browser, world.users["qt.thachkhoi"])
        new = await browser.get("/admin/people/new")
        assert new.status_code == 200
        assert "Số CCCD gồm 12 chữ số" in new.text
        person = {
            "csrf_token": TOKEN.search(new.text).group(1),
            "full_name": "Nguyễn Thị Hoa",
            "gender": "female",
            "birth_date": "08/03/1985",  # as the field reads: dd/mm/yyyy
            "birth_year": "",
            "citizen_id": "03118500456",
            "position": "Chuyên viên",
            "unit_id": str(office),
            "household_id": "",
            "is_official": "on",
        }
        short = await browser.post("/admin/people", data=person)
        assert short.status_code == 422
        assert field_error(short.text, "citizen_id") == (
            "Số CCCD (số định danh cá nhân) phải gồm đúng 12 chữ số"
        )
        # A tab passes the form check (a text area may hold one) but not a one-line field.
        control = await browser.post(
            "/admin/people", data={**person, "citizen_id": "", "position": "Chuyên\tviên"}
        )
        assert control.status_code == 422
        assert "ký tự điều khiển" in field_error(control.text, "position")
        bell = await browser.post(
            "/admin/people", data={**person, "citizen_id": "", "position": "Chuyên\x07viên"}
        )
        assert bell.status_code == 422 and "«position»" in bell.text
        no_name = await browser.post("/admin/people", data={**person, "full_name": " "})
        assert no_name.status_code == 422 and field_error(no_name.text, "full_name")

        created = await browser.post("/admin/people", data={**person, "citizen_id": "031185004567"})
        assert created.status_code == 303, created.text[:2000]
        record_page = created.headers["location"]
        kept = int(record_page.rsplit("/", 1)[1])

        listed = await browser.get("/admin/people", params={"q": "nguyen thi hoa"})
        assert listed.status_code == 200
        assert "*********567" in listed.text and "031185004567" not in listed.text
        assert "1985-03-08" not in listed.text and "08/03/1985" not in listed.text

        shown = await browser.get(record_page)
        assert shown.status_code == 200
        assert 'value="031185004567"' in shown.text and 'value="08/03/1985"' in shown.text
        assert "đã được ghi vào nhật ký" in shown.text

        # The duplicate merged from the record's page; its award record comes along.
        token = TOKEN.search(shown.text).group(1)
        itself = await browser.post(
            f"{record_page}/merge", data={"csrf_token": token, "duplicate_id": str(kept)}
        )
        assert itself.status_code == 422
        assert "chính nó" in field_error(itself.text, "duplicate_id")
        merged = await browser.post(
            f"{record_page}/merge", data={"csrf_token": token, "duplicate_id": str(duplicate)}
        )
        assert merged.status_code == 303
        history = await app.http.get(
            f"/api/v1/people/{kept}/awards", headers=app.bearer(world.users["thuongtruc"])
        )
        assert [a["id"] for a in history.json()["awards"]] == [record]

        # Another ward's administrator: not found.
        other = app.client()
        try:
            app.sign_in_page(other, world.users["qt.tuminh"])
            assert (await other.get(record_page)).status_code == 404
        finally:
            await other.aclose()
    finally:
        await browser.aclose()
    reads = [e for e in await events(app, "person", kept) if e.action == "personal_data_read"]
    assert [(e.actor_name, e.changes["via"]) for e in reads] == [("Lê Văn Khôi", record_page)]


async def test_households_and_collectives_pages(app):
    world = await build_world(app)
    browser = app.client()
    try:
        app.sign_in_page(browser, world.users["qt.thachkhoi"])
        token = await csrf(browser, "/admin/households")
        wrong_group = await browser.post(
            "/admin/households",
            data={
                "csrf_token": token,
                "head_name": "Vũ Văn Hải",
                "address": "Số 5 ngõ 3",
                "residential_group_id": str(world.units["tk-vh"]),
            },
        )
        assert wrong_group.status_code == 422
        assert "không phải là tổ dân phố" in field_error(wrong_group.text, "residential_group_id")
        made = await browser.post(
            "/admin/households",
            data={
                "csrf_token": token,
                "head_name": "Vũ Văn Hải",
                "address": "Số 5 ngõ 3",
                "residential_group_id": str(world.units["tk-to1"]),
            },
        )
        assert made.status_code == 303
        listed = await browser.get("/admin/households")
        assert "Vũ Văn Hải" in listed.text
        household_page = made.headers["location"]
        assert (await browser.get(household_page)).status_code == 200

        token = await csrf(browser, "/admin/collectives")
        form = {
            "csrf_token": token,
            "unit_id": str(world.units["tk-to1"]),
            "name": "Tổ dân phố số 1",
        }
        assert (await browser.post("/admin/collectives", data=form)).status_code == 303
        twice = await browser.post("/admin/collectives", data=form)
        assert twice.status_code == 422
        assert "mỗi đơn vị một tập thể" in field_error(twice.text, "unit_id")
        # Every page reads in English too.
        for path in ("/admin/units", "/admin/people", "/admin/people/new", household_page):
            english = await browser.get(path, params={"lang": "en"})
            assert english.status_code == 200, path
        assert "Residential group" in english.text
        # Someone who administers nothing is refused the pages.
        officer = app.client()
        try:
            app.sign_in_page(officer, world.users["canbo"])
            assert (await officer.get("/admin/people")).status_code == 403
        finally:
            await officer.aclose()
    finally:
        await browser.aclose()
