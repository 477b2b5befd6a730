"""A file uploaded by mistake (issue 16, point 3): deleted from a draft, replaced once the
dossier is returned (the old file kept as an earlier version, still readable), every
change audited with who made it; the dossier that is checked and listed is the current
files only. And who proposed themself or their own household is flagged (point 12)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.vocabulary import Stage
from models import AuditEvent, DossierItem, Household, Person

from ..pages.files import tiny_pdf

pytestmark = [pytest.mark.postgres]

UNIT = "canbo.vanphong"
N = "/api/v1/nominations"


async def upload(h, nomination_id: int, code: str, name: str, body: bytes, user: str = UNIT):
    return await h.http.post(
        f"{N}/{nomination_id}/dossier-items",
        headers=h.headers(user),
        data={"item_code": code},
        files={"file": (name, body, "application/pdf")},
    )


async def replace(h, nomination_id: int, item_id: int, name: str, body: bytes, user: str = UNIT):
    return await h.http.post(
        f"{N}/{nomination_id}/dossier-items/{item_id}/replace",
        headers=h.headers(user),
        files={"file": (name, body, "application/pdf")},
    )


async def delete(h, nomination_id: int, item_id: int, user: str = UNIT):
    return await h.http.delete(
        f"{N}/{nomination_id}/dossier-items/{item_id}", headers=h.headers(user)
    )


async def dossier_events(h, nomination_id: int) -> list[AuditEvent]:
    async with h.factory() as session:
        return list(
            (
                await session.execute(
                    select(AuditEvent)
                    .where(
                        AuditEvent.nomination_id == nomination_id,
                        AuditEvent.action.in_(["dossier_item_deleted", "dossier_item_replaced"]),
                    )
                    .order_by(AuditEvent.id)
                )
            ).scalars()
        )


async def test_a_draft_file_is_deleted_and_the_submitted_dossier_lacks_it(harness):
    h = harness
    nomination_id = (await h.nominate(items=["bao_cao_thanh_tich"], submit=False))["id"]
    wrong = await upload(h, nomination_id, "to_trinh", "nham.pdf", tiny_pdf("nham"))
    assert wrong.status_code == 201, wrong.text
    item_id = wrong.json()["id"]
    other = (await h.nominate(items=["to_trinh"], submit=False, person="Đặng Thị Thủy"))["id"]

    # Only the proposing unit's officer; an unknown id or another nomination's item is 404.
    for outsider in ("thuongtruc", "canbo.tdp1", "kiemtra"):
        assert (await delete(h, nomination_id, item_id, outsider)).status_code == 403, outsider
    assert (await delete(h, nomination_id, 987654)).status_code == 404
    assert (await delete(h, other, item_id)).status_code == 404

    assert (await delete(h, nomination_id, item_id)).status_code == 204
    detail = (await h.get(UNIT, f"{N}/{nomination_id}")).json()
    assert [i["item_code"] for i in detail["dossier_items"]] == ["bao_cao_thanh_tich"]
    async with h.factory() as session:
        assert await session.get(DossierItem, item_id) is None
    [event] = await dossier_events(h, nomination_id)
    assert event.action == "dossier_item_deleted"
    assert event.actor_user_id == h.ids.users[UNIT] and event.actor_name
    assert event.changes["file_name"] == ["nham.pdf", None]
    assert "nham.pdf" in event.reason
    timeline = (await h.get(UNIT, f"{N}/{nomination_id}/history")).json()["events"]
    assert any(e["action"] == "dossier_item_deleted" for e in timeline)

    # Submitted, the dossier checked for completeness is the current one: no tờ trình.
    await h.ok(UNIT, f"{N}/{nomination_id}/submit")
    await h.wait_recorded(nomination_id)
    refused = await h.post("thuongtruc", f"{N}/{nomination_id}/accept", {})
    assert refused.status_code == 409 and "to_trinh" in refused.text
    # After submission a file is never deleted.
    kept = (await h.get(UNIT, f"{N}/{nomination_id}")).json()["dossier_items"][0]
    assert (await delete(h, nomination_id, kept["id"])).status_code == 409


async def test_a_second_file_in_a_draft_asks_for_a_replacement(harness):
    h = harness
    nomination_id = (await h.nominate(items=[], submit=False))["id"]
    first = (await upload(h, nomination_id, "to_trinh", "cu.pdf", tiny_pdf("cu"))).json()
    second = await upload(h, nomination_id, "to_trinh", "moi.pdf", tiny_pdf("moi"))
    assert second.status_code == 409 and second.json()["item_id"] == first["id"]
    assert "Thay tệp" in second.json()["detail"]
    replaced = await replace(h, nomination_id, first["id"], "moi.pdf", tiny_pdf("moi"))
    assert replaced.status_code == 201, replaced.text
    detail = (await h.get(UNIT, f"{N}/{nomination_id}")).json()
    assert [i["file_name"] for i in detail["dossier_items"]] == ["moi.pdf"]
    assert detail["earlier_dossier_items"] == []  # a draft keeps no versions
    [event] = await dossier_events(h, nomination_id)
    assert event.changes["file_name"] == ["cu.pdf", "moi.pdf"]
    assert event.changes["kept_as_earlier_version"] is False


async def test_a_returned_file_is_replaced_and_the_old_one_kept(harness):
    h = harness
    nomination_id = (
        await h.nominate(items=["bao_cao_thanh_tich", "bien_ban_binh_xet"], submit=False)
    )["id"]
    old = (await upload(h, nomination_id, "to_trinh", "to-trinh-v1.pdf", tiny_pdf("v1"))).json()
    await h.ok(UNIT, f"{N}/{nomination_id}/submit")
    await h.wait_recorded(nomination_id)
    # Replacing is not for a dossier the standing body holds.
    assert (await replace(h, nomination_id, old["id"], "x.pdf", tiny_pdf("x"))).status_code == 409
    await h.ok(
        "thuongtruc",
        f"{N}/{nomination_id}/return",
        {"missing_items": ["to_trinh"], "reason": "Tờ trình ghi sai năm"},
    )
    await h.wait_stage(nomination_id, Stage.RETURNED)

    # Not the standing body's to replace; nor a file that is not the dossier's.
    assert (
        await replace(h, nomination_id, old["id"], "x.pdf", tiny_pdf("x"), "thuongtruc")
    ).status_code == 403
    assert (await replace(h, nomination_id, 987654, "x.pdf", tiny_pdf("x"))).status_code == 404
    assert (await delete(h, nomination_id, old["id"])).status_code == 409

    # A new upload of the same item replaces it (no second tờ trình)...
    v2 = await upload(h, nomination_id, "to_trinh", "to-trinh-v2.pdf", tiny_pdf("v2"))
    assert v2.status_code == 201, v2.text
    # ...and so does «Thay tệp» on the row.
    v3 = await replace(h, nomination_id, v2.json()["id"], "to-trinh-v3.pdf", tiny_pdf("v3"))
    assert v3.status_code == 201, v3.text
    # An earlier version is not replaced again.
    assert (await replace(h, nomination_id, old["id"], "x.pdf", tiny_pdf("x"))).status_code == 404

    detail = (await h.get("thuongtruc", f"{N}/{nomination_id}")).json()
    current = [i for i in detail["dossier_items"] if i["item_code"] == "to_trinh"]
    assert [i["file_name"] for i in current] == ["to-trinh-v3.pdf"]
    earlier = detail["earlier_dossier_items"]
    assert [i["file_name"] for i in earlier] == ["to-trinh-v1.pdf", "to-trinh-v2.pdf"]
    assert earlier[0]["replaced_by_id"] == v2.json()["id"] and earlier[0]["replaced_at"]
    # The earlier version stays readable by the nomination's audience, byte for byte.
    for reader in ("thuongtruc", UNIT):
        got = await h.get(reader, earlier[0]["download_url"])
        assert got.status_code == 200 and got.content == tiny_pdf("v1"), reader
    events = await dossier_events(h, nomination_id)
    assert [e.changes["file_name"] for e in events] == [
        ["to-trinh-v1.pdf", "to-trinh-v2.pdf"],
        ["to-trinh-v2.pdf", "to-trinh-v3.pdf"],
    ]
    assert all(e.actor_user_id == h.ids.users[UNIT] and e.actor_name for e in events)

    # Resubmitted, the dossier is complete (the current tờ trình counts once).
    await h.ok(UNIT, f"{N}/{nomination_id}/resubmit", {"added_items": ["to_trinh"]})
    await h.wait_stage(nomination_id, Stage.RECEPTION)
    accepted = await h.post("thuongtruc", f"{N}/{nomination_id}/accept", {})
    assert accepted.status_code == 200, accepted.text


async def test_proposing_oneself_or_ones_household_is_flagged(harness):
    h = harness
    # canbo.vanphong is Hoàng Văn Nam of the office (thidua/seed.py ACCOUNT_PEOPLE).
    own = (await h.nominate(person="Hoàng Văn Nam", submit=False))["id"]
    other = (await h.nominate(person="Nguyễn Thị Hoa", submit=False))["id"]
    assert (await h.get(UNIT, f"{N}/{own}")).json()["self_proposed"] is True
    assert (await h.get(UNIT, f"{N}/{other}")).json()["self_proposed"] is False
    # canbo.tdp1 is Bùi Văn Khải; his household is the one headed by him.
    async with h.factory() as session, session.begin():
        khai = await session.get(Person, h.ids.people["Bùi Văn Khải"])
        household = await session.get(Household, h.ids.households["Bùi Văn Khải"])
        assert khai is not None and household is not None
        khai.household_id = household.id
    home = (
        await h.nominate(
            unit_user="canbo.tdp1",
            unit_code="tk-tdp-1",
            award_code="gd_van_hoa",
            household="Bùi Văn Khải",
            items=["to_trinh"],
            submit=False,
        )
    )["id"]
    assert (await h.get("canbo.tdp1", f"{N}/{home}")).json()["self_proposed"] is True
