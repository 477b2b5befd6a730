"""Migration 0008 chains an existing trail: a database upgraded from 0007 verifies, and
its events carry the very hashes the writer would have given them."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select

from api.services.audit_verify import verify_trail
from models import AuditEvent
from thidua.migrate import alembic_config, upgrade

from .test_verify import _trail

pytestmark = [pytest.mark.postgres]


def _downgrade_on(connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def _chained(factory) -> dict[str, tuple[str, int, str, str]]:
    async with factory() as session:
        rows = await session.execute(
            select(
                AuditEvent.event_key,
                AuditEvent.chain_key,
                AuditEvent.chain_seq,
                AuditEvent.prev_hash,
                AuditEvent.hash,
            )
        )
        return {key: (chain, seq, prev, digest) for key, chain, seq, prev, digest in rows}


async def test_an_upgraded_trail_is_chained_and_verifies(engine, session_factory, settings):
    await _trail(session_factory, "nomination", 9301, 3)
    await _trail(session_factory, "campaign", 9302, 2)
    before = await _chained(session_factory)
    assert len(before) >= 5
    async with engine.begin() as connection:
        await connection.run_sync(_downgrade_on, "0007")
    await upgrade(engine)
    assert await _chained(session_factory) == before
    async with session_factory() as session:
        report = await verify_trail(session, settings=settings)
    assert report.intact, report.lines()
    assert report.events == len(before)
