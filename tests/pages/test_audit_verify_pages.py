"""The auditors' check of the trail against a seal they saved outside the database
(/audit/verify, the form «Kiểm tra theo dấu niêm phong đã lưu»): the seal saved from the
portal of an untouched trail says intact; after the newest event of a chain and every seal
are deleted directly in the database, the page still names the deleted event and says the
database no longer holds the seal; a file that is no saved seal is said so by the field.

On both databases (the backend fixture is parametrized over SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from activities.audit_seal import seal_audit_trail
from api.services.audit_verify import SEAL_UPLOAD_MAX_BYTES
from models import AuditEvent
from models.audit import write_audit_event
from thidua.db import transaction
from workflows.audit_seal_types import SealAuditInput

pytestmark = [pytest.mark.postgres]

PAGE = "/audit/verify"
T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
CHAIN = "decision:9401"


async def _seal_saved_from_the_portal(harness) -> bytes:
    """Three events of one decision's chain, sealed, and the seal's JSON as an auditor
    saves it from the public portal."""
    for n in range(1, 4):
        async with transaction(harness.factory) as session:
            assert await write_audit_event(
                session,
                event_key=f"test-page-seal-{n}",
                subject_type="decision",
                subject_id=9401,
                action="commented",
                occurred_at=T0 + timedelta(minutes=n),
                actor_name="Nguyễn Văn Ánh",
                reason=f"Lần thứ {n}",
            )
    await seal_audit_trail(
        harness.factory,
        harness.settings,
        SealAuditInput(seal_key="test-page-seal", sealed_at=T0 + timedelta(hours=1)),
    )
    saved = await harness.get(None, "/api/v1/public/audit-seal?heads=true")
    assert saved.status_code == 200 and saved.json()["heads"][CHAIN][0] == 3
    return saved.content


async def _upload(person, data: bytes, name: str = "niem-phong.json"):
    return await person.post(PAGE, files={"seal": (name, data, "application/json")}, csrf_from=PAGE)


async def test_a_saved_seal_still_catches_a_deletion_hidden_by_deleting_the_seals(harness, people):
    saved = await _seal_saved_from_the_portal(harness)
    seal_id = json.loads(saved)["id"]
    auditor = people("kiemtra")
    page = await auditor.get(PAGE)
    assert "Kiểm tra theo dấu niêm phong đã lưu" in page.text
    assert 'name="seal" type="file"' in page.text

    intact = await _upload(auditor, saved)
    assert intact.status_code == 200, intact.text
    assert 'id="audit-intact"' in intact.text
    assert f"Kết quả đối chiếu với dấu niêm phong đã lưu số {seal_id}." in intact.text

    async with harness.factory() as session:
        newest = (
            await session.execute(
                select(AuditEvent)
                .where(AuditEvent.chain_key == CHAIN)
                .order_by(AuditEvent.chain_seq.desc())
                .limit(1)
            )
        ).scalar_one()
    assert newest.chain_seq == 3
    async with transaction(harness.factory) as session:
        await session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": newest.id})
        await session.execute(text("DELETE FROM audit_seals"))
    # Against the database alone the trail looks whole: no seal holds the chain's length.
    alone = await auditor.get(PAGE)
    assert 'id="audit-intact"' in alone.text

    caught = await _upload(auditor, saved)
    assert caught.status_code == 200, caught.text
    assert 'id="audit-broken"' in caught.text
    # The deleted event: its chain and its place, as deleted.
    assert '<tr data-kind="deleted" data-event="">' in caught.text
    assert f"<code>{CHAIN}</code>" in caught.text
    assert f'<td data-label="Thứ tự">{newest.chain_seq}</td>' in caught.text
    # Worded in Vietnamese, with the place the seal holds the chain to.
    assert "Các sự kiện mới nhất đã mất: dấu niêm phong ghi chuỗi này đến sự kiện 3." in caught.text
    assert "the newest events are gone" not in caught.text
    assert f"Cơ sở dữ liệu không còn giữ dấu niêm phong số {seal_id} như bản đã lưu" in caught.text
    assert caught.text.count("<tr data-kind=") == 1  # the other chains are untouched


async def test_a_file_that_is_no_saved_seal_is_said_so_by_the_field(harness, people):
    saved = await _seal_saved_from_the_portal(harness)
    auditor = people("kiemtra")
    without_heads = saved.replace(b'"heads":{', b'"chains":{')
    assert without_heads != saved
    cases = {
        b"": "Tệp dấu niêm phong rỗng",
        b"%PDF-1.7 not json": "không phải là dấu niêm phong đã lưu",
        b"{}": "không phải là dấu niêm phong đã lưu",
        b"\xff\xfe\x00": "không phải là dấu niêm phong đã lưu",
        saved.replace(b'"id":', b'"id":99999999999,"x":'): "không phải là dấu niêm phong",
        without_heads: "không kèm đầu các chuỗi",
        saved.replace(b'"heads":{', b'"heads":{"forged:1":[],'): "không đúng dạng",
    }
    for data, message in cases.items():
        refused = await _upload(auditor, data)
        assert refused.status_code == 422, (data[:40], refused.text[:300])
        assert 'id="seal-error">' in refused.text and message in refused.text, data[:40]
        assert 'aria-invalid="true"' in refused.text
    too_large = await _upload(auditor, b" " * (SEAL_UPLOAD_MAX_BYTES + 1))
    assert too_large.status_code == 422 and "vượt quá dung lượng" in too_large.text
    no_file = await auditor.post(PAGE, csrf_from=PAGE)
    assert no_file.status_code == 422 and "Chưa chọn tệp dấu niêm phong" in no_file.text


async def test_only_auditors_upload_and_only_from_the_page(harness, people):
    saved = await _seal_saved_from_the_portal(harness)
    officer = people("canbo.vanphong")
    refused = await officer.post(
        PAGE, files={"seal": ("s.json", saved, "application/json")}, csrf_from="/"
    )
    assert refused.status_code == 403
    forged = await people("kiemtra").post(
        PAGE, {"csrf_token": "forged"}, files={"seal": ("s.json", saved, "application/json")}
    )
    assert forged.status_code == 403 and 'id="audit-intact"' not in forged.text
    anonymous = await people(None).post(
        PAGE, files={"seal": ("s.json", saved, "application/json")}, csrf=False
    )
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]
