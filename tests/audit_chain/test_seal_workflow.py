"""The seal of the audit trail, written by its workflow in the running engine, appears on
the public portal and its JSON, and verifies; the Temporal Schedule that runs it daily is
created at start and runs it (on the real dev server: the time-skipping server has no
schedules)."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select

from api.services.audit_verify import verify_trail
from domain.audit_chain import seal_root
from models import AuditEvent, AuditSeal
from thidua.audit_seal_schedule import ensure_audit_seal_schedule
from workflows.audit_seal import AuditSealWorkflow
from workflows.audit_seal_types import AUDIT_SEAL_SCHEDULE_ID, SealAuditResult

pytestmark = [pytest.mark.postgres]


async def test_a_sealed_engine_trail_is_on_the_portal(harness, people, request):
    created = await harness.nominate()  # real events of a nomination's chain
    result: SealAuditResult = await harness.client.execute_workflow(
        AuditSealWorkflow.run, id="audit-seal-test", task_queue=harness.task_queue
    )
    folder = request.config.getoption("--save-histories")
    if folder:  # for tests/replay/test_replay_audit_seal.py
        history = await harness.client.get_workflow_handle("audit-seal-test").fetch_history()
        (Path(folder) / "audit-seal-test--sealed.json").write_text(history.to_json())
    async with harness.factory() as session:
        chained = await session.scalar(
            select(func.count()).where(AuditEvent.chain_key == f"nomination:{created['id']}")
        )
        report = await verify_trail(session, settings=harness.settings)
    assert chained and chained >= 1
    assert report.intact, report.lines()
    assert report.seal is not None and report.seal.root == result.root

    page = await harness.get(None, "/cong-khai")
    assert page.status_code == 200
    assert result.root in page.text

    body = (await harness.get(None, "/api/v1/public/audit-seal?heads=true")).json()
    assert body["root"] == result.root == seal_root(body["heads"])
    assert body["heads"][f"nomination:{created['id']}"][0] == chained
    # Anyone can check the signature with the published key and a stock library.
    key = serialization.load_pem_public_key(body["public_key"].encode())
    assert isinstance(key, Ed25519PublicKey)
    key.verify(base64.b64decode(body["signature"]), body["root"].encode())

    auditor = await people("kiemtra").get("/audit/verify")
    assert auditor.status_code == 200, auditor.text
    assert 'id="audit-intact"' in auditor.text and result.root in auditor.text
    assert (await people("canbo.vanphong").get("/audit/verify")).status_code == 403


async def test_the_schedule_is_created_once_and_seals(dev_harness):
    harness = dev_harness
    assert await ensure_audit_seal_schedule(
        harness.client, harness.settings, task_queue=harness.task_queue
    )
    assert not await ensure_audit_seal_schedule(
        harness.client, harness.settings, task_queue=harness.task_queue
    )
    handle = harness.client.get_schedule_handle(AUDIT_SEAL_SCHEDULE_ID)
    described = await handle.describe()
    assert described.schedule.spec.intervals[0].every.total_seconds() == 24 * 3600
    await handle.trigger()
    for _ in range(300):
        async with harness.factory() as session:
            seal = await session.scalar(select(AuditSeal))
        if seal is not None:
            break
        await asyncio.sleep(0.05)
    assert seal is not None and seal.seal_key.startswith("audit-seal")
    await handle.delete()
