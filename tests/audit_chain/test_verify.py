"""The tamper-evident audit trail (issue 18): an untouched trail verifies; an event
edited, deleted (the newest one too, against the last seal), inserted or reordered
directly in the database is named by ``thidua audit verify``. On SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from activities.audit_seal import seal_audit_trail
from api.services.audit_verify import verify_trail
from domain.audit_chain import Tampering, event_hash
from models import AuditEvent
from models.audit import write_audit_event
from thidua.cli import cmd_audit
from thidua.db import transaction
from workflows.audit_seal_types import SealAuditInput

pytestmark = [pytest.mark.postgres]

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
COLUMNS = [column.name for column in AuditEvent.__table__.c]


async def _trail(factory, subject_type: str, subject_id: int, count: int) -> None:
    """``count`` events of one subject, each in its own transaction as the engine writes
    them (Vietnamese text and a changes object, so the canonical form is exercised)."""
    for n in range(1, count + 1):
        async with transaction(factory) as session:
            added = await write_audit_event(
                session,
                event_key=f"test-{subject_type}-{subject_id}-{n}",
                subject_type=subject_type,
                subject_id=subject_id,
                action="commented",
                occurred_at=T0 + timedelta(minutes=n),
                actor_name="Nguyễn Văn Ánh",
                actor_role="auditor",
                reason=f"Lần thứ {n}: đã xem xét",
                changes={"score": [n - 1, n], "ghi_chú": "được"},
            )
            assert added


async def _events(factory, subject: str) -> list[AuditEvent]:
    async with factory() as session:
        return list(
            (
                await session.execute(
                    select(AuditEvent)
                    .where(AuditEvent.chain_key == subject)
                    .order_by(AuditEvent.chain_seq)
                )
            ).scalars()
        )


async def _report(factory, settings):
    async with factory() as session:
        return await verify_trail(session, settings=settings)


async def test_untouched_trail_verifies_and_a_retry_writes_nothing(
    session_factory, settings, capsys
):
    await _trail(session_factory, "nomination", 9001, 4)
    async with transaction(session_factory) as session:  # an activity retried
        again = await write_audit_event(
            session,
            event_key="test-nomination-9001-2",
            subject_type="nomination",
            subject_id=9001,
            action="commented",
            occurred_at=T0,
        )
    assert again is False
    events = await _events(session_factory, "nomination:9001")
    assert [e.chain_seq for e in events] == [1, 2, 3, 4]
    assert events[0].prev_hash == ""
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    # The documented canonical form, recomputed from the row read back.
    assert event_hash({c: getattr(events[2], c) for c in COLUMNS}) == (events[2].hash)
    report = await _report(session_factory, settings)
    assert report.intact, report.lines()
    assert report.events >= 4

    seal = await seal_audit_trail(
        session_factory, settings, SealAuditInput(seal_key="test-seal-1", sealed_at=T0)
    )
    assert seal.created
    assert (
        await seal_audit_trail(
            session_factory, settings, SealAuditInput(seal_key="test-seal-1", sealed_at=T0)
        )
    ).seal_id == seal.seal_id
    report = await _report(session_factory, settings)
    assert report.intact, report.lines()
    assert report.seal is not None and report.seal.root == seal.root
    assert await cmd_audit(settings, argparse.Namespace(audit_command="verify")) == 0
    assert "audit trail intact" in capsys.readouterr().out


async def test_every_kind_of_tampering_is_named(session_factory, settings, capsys):
    for subject_id in (1, 2, 3, 4, 5):
        await _trail(session_factory, "council_session", 9100 + subject_id, 4)
    await seal_audit_trail(
        session_factory, settings, SealAuditInput(seal_key="test-seal-2", sealed_at=T0)
    )
    edited = (await _events(session_factory, "council_session:9101"))[1]
    deleted = (await _events(session_factory, "council_session:9102"))[2]
    newest = (await _events(session_factory, "council_session:9103"))[3]
    first, second = (await _events(session_factory, "council_session:9104"))[1:3]
    vanished = await _events(session_factory, "council_session:9105")
    async with transaction(session_factory) as session:
        await session.execute(
            text("UPDATE audit_events SET reason = 'sửa lén' WHERE id = :id"), {"id": edited.id}
        )
        await session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": deleted.id})
        await session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": newest.id})
        # Swapping two numbers under the unique (chain_key, chain_seq): through a free one.
        for row_id, seq in (
            (first.id, 99),
            (second.id, first.chain_seq),
            (first.id, second.chain_seq),
        ):
            await session.execute(
                text("UPDATE audit_events SET chain_seq = :seq WHERE id = :id"),
                {"seq": seq, "id": row_id},
            )
        await session.execute(
            text("DELETE FROM audit_events WHERE chain_key = 'council_session:9105'")
        )

    report = await _report(session_factory, settings)
    assert not report.intact
    found = {p.chain_key: p for p in report.problems}
    assert set(found) == {f"council_session:{9100 + n}" for n in (1, 2, 3, 4, 5)}, report.lines()
    assert (found["council_session:9101"].kind, found["council_session:9101"].event_id) == (
        Tampering.EDITED,
        edited.id,
    )
    assert found["council_session:9102"].kind is Tampering.DELETED
    assert found["council_session:9102"].chain_seq == deleted.chain_seq + 1  # the one after
    assert found["council_session:9103"].kind is Tampering.DELETED  # the newest, by the seal
    assert found["council_session:9103"].chain_seq == newest.chain_seq
    assert found["council_session:9104"].kind is Tampering.REORDERED
    assert found["council_session:9104"].event_id == second.id
    assert found["council_session:9105"].kind is Tampering.DELETED
    assert found["council_session:9105"].chain_seq == vanished[0].chain_seq

    status = await cmd_audit(settings, argparse.Namespace(audit_command="verify"))
    out = capsys.readouterr().out
    assert status == 1
    assert f"edited: chain council_session:9101 seq 2: event {edited.id}" in out
    assert "deleted: chain council_session:9102 seq 4" in out
    assert "deleted: chain council_session:9103 seq 4" in out
    assert f"reordered: chain council_session:9104 seq 2: event {second.id}" in out
    assert "deleted: chain council_session:9105 seq 1" in out


async def test_an_inserted_event_and_an_edited_seal_are_named(session_factory, settings):
    await _trail(session_factory, "decision", 9201, 3)
    await seal_audit_trail(
        session_factory, settings, SealAuditInput(seal_key="test-seal-3", sealed_at=T0)
    )
    events = await _events(session_factory, "decision:9201")
    # A forger who knows the hash: a well-formed event slipped in after the first one.
    forged = {c: getattr(events[0], c) for c in COLUMNS if c != "id"}
    forged.update(event_key="forged", reason="giả mạo", prev_hash=events[0].hash, chain_seq=10)
    forged["hash"] = event_hash(forged)
    async with transaction(session_factory) as session:
        session.add(AuditEvent(**forged))
        await session.flush()
        for event, seq in ((events[2], 11), (events[1], 3), (events[2], 4)):
            await session.execute(
                text("UPDATE audit_events SET chain_seq = :seq WHERE id = :id"),
                {"seq": seq, "id": event.id},
            )
        await session.execute(
            text("UPDATE audit_events SET chain_seq = 2 WHERE event_key = 'forged'")
        )
        await session.execute(text("UPDATE audit_seals SET heads = '{}'"))
    report = await _report(session_factory, settings)
    assert [(p.kind, p.event_key) for p in report.problems] == [(Tampering.INSERTED, "forged")]
    assert [p.line() for p in report.seal_problems] == [
        "its heads do not give its root (the seal was edited)"
    ]


async def test_concurrent_writers_of_one_chain_each_take_the_next_place(session_factory, settings):
    """The year-end burst: many transactions append to one chain at once (and to others
    beside it); none takes a place twice, none breaks the links."""

    async def write(subject_id: int, n: int) -> None:
        async with transaction(session_factory) as session:
            await write_audit_event(
                session,
                event_key=f"burst-{subject_id}-{n}",
                subject_type="nomination",
                subject_id=subject_id,
                action="commented",
                occurred_at=T0 + timedelta(seconds=n),
                reason=f"#{n}",
            )

    await asyncio.gather(*(write(9400 + n % 2, n) for n in range(16)))
    for subject_id in (9400, 9401):
        events = await _events(session_factory, f"nomination:{subject_id}")
        assert [e.chain_seq for e in events] == list(range(1, 9))
    report = await _report(session_factory, settings)
    assert report.intact, report.lines()


async def test_a_seal_kept_outside_the_database_still_catches_deleted_seals(
    session_factory, settings, tmp_path, capsys
):
    """Someone who can write to the database deletes the newest events of a chain and
    every seal after them: against the database alone the trail looks whole; against the
    seal an auditor saved from the portal (``--seal``) the deletion is named."""
    from api.routes.audit_seal import audit_seal
    from thidua.cli import ConfigurationError

    await _trail(session_factory, "decision", 9301, 3)
    await _trail(session_factory, "decision", 9302, 2)
    await seal_audit_trail(
        session_factory, settings, SealAuditInput(seal_key="test-seal-archived", sealed_at=T0)
    )
    async with session_factory() as session:
        published = await audit_seal(session, heads=True)  # GET /api/v1/public/audit-seal
    archive = tmp_path / "seal.json"
    archive.write_text(published.model_dump_json())
    verify = argparse.Namespace(audit_command="verify", seal=str(archive))
    assert await cmd_audit(settings, verify) == 0
    assert f"archived seal #{published.id}" in capsys.readouterr().out

    newest = (await _events(session_factory, "decision:9301"))[-1]
    async with transaction(session_factory) as session:
        await session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": newest.id})
        await session.execute(text("DELETE FROM audit_seals"))
    # The database alone: no seal to hold the chain's length against.
    assert (await _report(session_factory, settings)).intact
    assert await cmd_audit(settings, argparse.Namespace(audit_command="verify")) == 0
    capsys.readouterr()

    assert await cmd_audit(settings, verify) == 1
    out = capsys.readouterr().out
    assert f"deleted: chain decision:9301 seq {newest.chain_seq}" in out
    assert f"seal: the database no longer holds seal #{published.id} as archived" in out
    assert "decision:9302" not in out

    # A file that is not a saved seal, or one saved without its heads: said so.
    archive.write_text("{}")
    with pytest.raises(ConfigurationError, match="--seal"):
        await cmd_audit(settings, verify)
    archive.write_text(published.model_copy(update={"heads": None}).model_dump_json())
    with pytest.raises(ConfigurationError, match="heads=true"):
        await cmd_audit(settings, verify)
    archive.write_text(
        published.model_copy(update={"heads": {"decision:9301": [3]}}).model_dump_json()
    )
    with pytest.raises(ConfigurationError, match="pairs"):
        await cmd_audit(settings, verify)  # the page's checks: no crash on a bad head
