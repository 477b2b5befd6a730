"""The history from before the engine through the JSON API: a person's and a
collective's yearly ratings (one per year), award records each with the decision that
granted it, shown in the person's award history at once; a record the engine wrote not
edited here; an imported one revoked with its row kept; a person's initiatives, one per
recognition decision; a ward's administrator confined to their ward; every change
audited with the old and new values.

On SQLite and PostgreSQL, the databases built from the migrations."""

from __future__ import annotations

from datetime import date

import pytest

from domain.vocabulary import AwardKind, NomineeKind
from models import AwardRecord
from tests.accounts_app import accounts_app
from tests.admin.council_history_world import add_granted_nomination, build_world, events

pytestmark = [pytest.mark.postgres]

ADMIN = "/api/v1/admin"


@pytest.fixture
async def app(empty_database_url, tmp_path):
    async for made in accounts_app(empty_database_url, tmp_path):
        yield made


def award(**changes) -> dict:
    return {
        "award_code": "ldtt",
        "year": 2024,
        "decision_number": "12/QĐ-UBND",
        "decision_date": "2025-01-10",
        "deciding_authority": "Chủ tịch Ủy ban nhân dân phường Thạch Khôi",
    } | changes


async def test_ratings_one_per_year_audited(app):
    world = await build_world(app)
    admin = app.bearer(world.users["qt.thachkhoi"])
    person = world.people["tk"]
    ratings = f"{ADMIN}/history/individual/{person}/ratings"

    made = await app.http.post(ratings, json={"year": 2025, "rating": "good"}, headers=admin)
    assert made.status_code == 201, made.text
    rating_id = made.json()["id"]
    twice = await app.http.post(ratings, json={"year": 2025, "rating": "excellent"}, headers=admin)
    assert twice.status_code == 409 and twice.json()["field"] == "year"
    future = await app.http.post(ratings, json={"year": 2028, "rating": "good"}, headers=admin)
    assert future.status_code == 422 and future.json()["field"] == "year"
    counts = await app.http.post(
        ratings, json={"year": 2024, "rating": "good", "member_count": 3}, headers=admin
    )
    assert counts.status_code == 422 and counts.json()["field"] == "member_count"
    household = await app.http.post(
        f"{ADMIN}/history/household/{world.households['tk']}/ratings",
        json={"year": 2025, "rating": "good"},
        headers=admin,
    )
    assert household.status_code == 422 and household.json()["field"] == "kind"

    changed = await app.http.patch(
        f"{ADMIN}/ratings/{rating_id}", json={"rating": "excellent"}, headers=admin
    )
    assert changed.status_code == 200 and changed.json()["rating_vi"] == (
        "Hoàn thành xuất sắc nhiệm vụ"
    )
    awards = (await app.http.get(f"/api/v1/people/{person}/awards", headers=admin)).json()
    assert [(e["year"], e["rating"]) for e in awards["evaluations"]] == [(2025, "excellent")]

    # A collective's rating with its figures; the women cannot outnumber the members.
    collective = f"{ADMIN}/history/collective/{world.collectives['tk']}/ratings"
    too_many = await app.http.post(
        collective,
        json={"year": 2025, "rating": "excellent", "member_count": 10, "women_count": 11},
        headers=admin,
    )
    assert too_many.status_code == 422 and too_many.json()["field"] == "women_count"
    group = await app.http.post(
        collective,
        json={"year": 2025, "rating": "excellent", "member_count": 10, "women_count": 6},
        headers=admin,
    )
    assert group.status_code == 201, group.text

    deleted = await app.http.delete(f"{ADMIN}/ratings/{rating_id}", headers=admin)
    assert deleted.status_code == 204
    trail = await events(app, "evaluation_result", rating_id)
    assert [e.action for e in trail] == ["rating_created", "rating_updated", "rating_deleted"]
    assert trail[0].changes["year"] == [None, 2025]
    assert trail[1].changes == {"rating": ["good", "excellent"]}
    assert trail[2].changes["rating"] == ["excellent", None]
    assert all(e.actor_name == "Lê Văn Khôi" for e in trail)


async def test_an_award_record_with_its_decision_shows_in_the_award_history(app):
    world = await build_world(app)
    admin = app.bearer(world.users["qt.thachkhoi"])
    person = world.people["tk"]
    awards = f"{ADMIN}/history/individual/{person}/awards"

    unknown = await app.http.post(awards, json=award(award_code="khong_co"), headers=admin)
    assert unknown.status_code == 422 and unknown.json()["field"] == "award_code"
    not_for_people = await app.http.post(awards, json=award(award_code="gd_van_hoa"), headers=admin)
    assert not_for_people.status_code == 422 and not_for_people.json()["field"] == "award_code"
    missing = award()
    del missing["decision_date"]
    assert (await app.http.post(awards, json=missing, headers=admin)).status_code == 422
    early = await app.http.post(awards, json=award(decision_date="2023-12-30"), headers=admin)
    assert early.status_code == 422 and early.json()["field"] == "decision_date"

    made = await app.http.post(awards, json=award(), headers=admin)
    assert made.status_code == 201, made.text
    record = made.json()
    assert record["award_name_vi"] == "Lao động tiên tiến" and record["editable"] is True
    again = await app.http.post(awards, json=award(), headers=admin)
    assert again.status_code == 409

    history = await app.http.get(f"/api/v1/people/{person}/awards", headers=admin)
    assert history.status_code == 200
    [shown] = history.json()["awards"]
    assert (
        shown["award_code"],
        shown["year"],
        shown["decision_number"],
        shown["decision_date"],
        shown["deciding_authority"],
        shown["revoked"],
    ) == (
        "ldtt",
        2024,
        "12/QĐ-UBND",
        "2025-01-10",
        "Chủ tịch Ủy ban nhân dân phường Thạch Khôi",
        False,
    )

    corrected = await app.http.patch(
        f"{ADMIN}/awards/{record['id']}",
        json={"award_code": "cstdcs", "decision_number": "15/QĐ-UBND"},
        headers=admin,
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["award_name_vi"] == "Chiến sĩ thi đua cơ sở"
    trail = await events(app, "award_record", record["id"])
    assert [e.action for e in trail] == ["award_record_created", "award_record_updated"]
    assert trail[0].changes["decision_date"] == [None, "2025-01-10"]
    assert trail[1].changes == {
        "award_code": ["ldtt", "cstdcs"],
        "decision_number": ["12/QĐ-UBND", "15/QĐ-UBND"],
    }

    # A household's record from the catalogue's household awards.
    home = await app.http.post(
        f"{ADMIN}/history/household/{world.households['tk']}/awards",
        json=award(award_code="gd_van_hoa", deciding_authority="UBND phường Thạch Khôi"),
        headers=admin,
    )
    assert home.status_code == 201, home.text


async def test_revoking_keeps_the_row_and_engine_records_are_not_edited_here(app):
    world = await build_world(app)
    admin = app.bearer(world.users["quantri"])
    person = world.people["tk"]
    made = await app.http.post(
        f"{ADMIN}/history/individual/{person}/awards", json=award(), headers=admin
    )
    record_id = made.json()["id"]

    revoked = await app.http.post(
        f"{ADMIN}/awards/{record_id}/revoke",
        json={
            "reason": "Kê khai thành tích không đúng sự thật",
            "basis": "Quyết định số 30/QĐ-UBND ngày 10/3/2027",
        },
        headers=admin,
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked"] is True and revoked.json()["editable"] is False
    history = (await app.http.get(f"/api/v1/people/{person}/awards", headers=admin)).json()
    [kept] = history["awards"]
    assert kept["id"] == record_id and kept["revoked"] is True
    assert kept["revocation_basis"] == "Quyết định số 30/QĐ-UBND ngày 10/3/2027"
    twice = await app.http.post(
        f"{ADMIN}/awards/{record_id}/revoke", json={"reason": "x", "basis": "y"}, headers=admin
    )
    assert twice.status_code == 409
    edit_revoked = await app.http.patch(
        f"{ADMIN}/awards/{record_id}", json={"year": 2023}, headers=admin
    )
    assert edit_revoked.status_code == 409
    [event] = [e for e in await events(app, "award_record", record_id) if "revoked" in e.action]
    assert event.changes["revocation_reason"] == ["", "Kê khai thành tích không đúng sự thật"]
    assert event.changes["revoked_at"][0] is None

    # The engine's own record (granted through a nomination) is not edited here.
    nomination_id = await add_granted_nomination(app, world, person)
    async with app.state.writer() as session, session.begin():
        engine_record = AwardRecord(
            subject_kind=NomineeKind.INDIVIDUAL,
            person_id=person,
            award_code="ldtt",
            kind=AwardKind.MERIT,
            year=2026,
            decision_number="5/QĐ-UBND",
            decision_date=date(2027, 1, 12),
            deciding_authority="Chủ tịch Ủy ban nhân dân phường Thạch Khôi",
            nomination_id=nomination_id,
        )
        session.add(engine_record)
        await session.flush()
        engine_id = engine_record.id
    refused = await app.http.patch(
        f"{ADMIN}/awards/{engine_id}", json={"year": 2025}, headers=admin
    )
    assert refused.status_code == 409
    not_revoked = await app.http.post(
        f"{ADMIN}/awards/{engine_id}/revoke", json={"reason": "x", "basis": "y"}, headers=admin
    )
    assert not_revoked.status_code == 409
    shown = (await app.http.get(f"{ADMIN}/history/individual/{person}", headers=admin)).json()
    assert {a["id"]: a["editable"] for a in shown["awards"]} == {
        engine_id: False,
        record_id: False,
    }
    assert await events(app, "award_record", engine_id) == []


async def test_a_decision_recognises_each_initiative_once(app):
    world = await build_world(app)
    admin = app.bearer(world.users["qt.thachkhoi"])
    person = world.people["tk"]
    initiatives = f"{ADMIN}/people/{person}/initiatives"
    body = {
        "title": "Số hóa hồ sơ khen thưởng của phường",
        "year": 2025,
        "scope": "base",
        "recognised_by": "Hội đồng sáng kiến phường Thạch Khôi",
        "decision_number": "45/QĐ-HĐSK",
        "decision_date": "2025-12-20",
    }
    made = await app.http.post(initiatives, json=body, headers=admin)
    assert made.status_code == 201, made.text
    item = made.json()
    assert item["scope"] == "base" and item["decision_number"] == "45/QĐ-HĐSK"
    assert item["used"] is False

    # One decision recognises a ward's list: another title is another initiative, the
    # same title again a duplicate.
    same_decision = await app.http.post(
        f"{ADMIN}/people/{world.people['tk']}/initiatives",
        json=body | {"title": "Một sáng kiến khác"},
        headers=admin,
    )
    assert same_decision.status_code == 201, same_decision.text
    again = await app.http.post(initiatives, json=body, headers=admin)
    assert again.status_code == 409 and again.json()["field"] == "title"
    other_issuer = await app.http.post(
        initiatives,
        json=body | {"recognised_by": "Hội đồng sáng kiến thành phố Hải Phòng", "scope": "city"},
        headers=admin,
    )
    assert other_issuer.status_code == 201

    raised = await app.http.patch(
        f"{ADMIN}/initiatives/{item['id']}",
        json={"scope": "city", "is_research": True},
        headers=admin,
    )
    assert raised.status_code == 200 and raised.json()["scope"] == "city"
    history = (await app.http.get(f"/api/v1/people/{person}/awards", headers=admin)).json()
    assert sorted(i["scope"] for i in history["initiatives"]) == ["base", "city", "city"]
    trail = await events(app, "initiative", item["id"])
    assert [e.action for e in trail] == ["initiative_created", "initiative_updated"]
    assert trail[0].changes["decision_number"] == [None, "45/QĐ-HĐSK"]
    assert trail[1].changes == {"scope": ["base", "city"], "is_research": [False, True]}


async def test_a_ward_administrator_cannot_touch_another_wards_history(app):
    world = await build_world(app)
    other = app.bearer(world.users["qt.tuminh"])
    admin = app.bearer(world.users["qt.thachkhoi"])
    person = world.people["tk"]
    made = await app.http.post(
        f"{ADMIN}/history/individual/{person}/ratings",
        json={"year": 2025, "rating": "good"},
        headers=admin,
    )
    rating_id = made.json()["id"]

    assert (
        await app.http.get(f"{ADMIN}/history/individual/{person}", headers=other)
    ).status_code == 404
    refused = await app.http.post(
        f"{ADMIN}/history/individual/{person}/awards", json=award(), headers=other
    )
    assert refused.status_code == 404
    assert (
        await app.http.patch(f"{ADMIN}/ratings/{rating_id}", json={"year": 2024}, headers=other)
    ).status_code == 404
    assert (await app.http.delete(f"{ADMIN}/ratings/{rating_id}", headers=other)).status_code == 404
    found = await app.http.get(f"{ADMIN}/history/subjects", params={"q": "hoa"}, headers=other)
    assert [(s["kind"], s["id"]) for s in found.json()] == [("individual", world.people["tm"])]
    mine = await app.http.get(f"{ADMIN}/history/subjects", params={"q": "THẠCH"}, headers=admin)
    assert {(s["kind"], s["id"]) for s in mine.json()} == {
        ("individual", world.people["tk"]),
        ("collective", world.collectives["tk"]),
        ("household", world.households["tk"]),
    }


async def test_someone_who_administers_nothing_learns_nothing_of_what_exists(app):
    world = await build_world(app)
    admin = app.bearer(world.users["qt.thachkhoi"])
    person = world.people["tk"]
    rating = await app.http.post(
        f"{ADMIN}/history/individual/{person}/ratings",
        json={"year": 2025, "rating": "good"},
        headers=admin,
    )
    record = await app.http.post(
        f"{ADMIN}/history/individual/{person}/awards", json=award(), headers=admin
    )
    initiative = await app.http.post(
        f"{ADMIN}/people/{person}/initiatives",
        json={
            "title": "Số hóa hồ sơ",
            "year": 2025,
            "scope": "base",
            "recognised_by": "Hội đồng sáng kiến phường",
            "decision_number": "45/QĐ-HĐSK",
            "decision_date": "2025-12-20",
        },
        headers=admin,
    )
    officer = app.bearer(await app.add_user("canbo.thu", "Can-bo-thu-2027"))
    for path, existing, body in (
        ("ratings", rating.json()["id"], {"year": 2024}),
        ("awards", record.json()["id"], {"year": 2024}),
        ("initiatives", initiative.json()["id"], {"year": 2024}),
    ):
        there = await app.http.patch(f"{ADMIN}/{path}/{existing}", json=body, headers=officer)
        missing = await app.http.patch(f"{ADMIN}/{path}/987654", json=body, headers=officer)
        assert there.status_code == missing.status_code == 403, path
        assert there.json() == missing.json(), path
