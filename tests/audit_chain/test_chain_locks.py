"""Two transactions that append to the same two audit chains in opposite orders (a
nomination's and a decision's, say) never deadlock on the chains' locks: a writer of
several chains takes every chain's lock first, in one order (``lock_audit_chains``).

The negative control shows what that prevents on PostgreSQL: each writer holds the lock
of the chain it appended to first and waits for the other's; PostgreSQL aborts one of
them (SQLSTATE 40P01). It is a PostgreSQL case only: on SQLite the second writer cannot
even begin (BEGIN IMMEDIATE) before the first commits, so there is no such interleaving."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from domain.audit_chain import chain_key, check_chain
from models import AuditEvent
from models.audit import lock_audit_chains, write_audit_event, write_audit_events
from thidua.db import SessionFactory, transaction

from .test_verify import COLUMNS

pytestmark = [pytest.mark.postgres]

T0 = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
NOMINATION = ("nomination", 9301)
DECISION = ("decision", 9302)
# Long enough for a writer that is not blocked to get on with its statements.
SETTLE = 0.5


def _event(writer: str, subject: tuple[str, int], n: int) -> dict[str, Any]:
    subject_type, subject_id = subject
    return dict(
        event_key=f"test-locks-{writer}-{subject_type}-{subject_id}",
        subject_type=subject_type,
        subject_id=subject_id,
        action="commented",
        occurred_at=T0 + timedelta(minutes=n),
        actor_name="Trần Thị Bình",
        reason=f"{writer}: ý kiến",
    )


async def _chain(factory: SessionFactory, subject: tuple[str, int]) -> list[dict[str, Any]]:
    async with factory() as session:
        rows = await session.execute(
            select(AuditEvent)
            .where(AuditEvent.chain_key == chain_key(*subject))
            .order_by(AuditEvent.chain_seq)
        )
        return [{c: getattr(event, c) for c in COLUMNS} for event in rows.scalars()]


def _deadlocked(error: BaseException) -> bool:
    return isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", None) == "40P01"


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_appending_to_two_chains_one_by_one_in_opposite_orders_deadlocks(
    session_factory, backend
):
    """The negative control: without the locks taken first, PostgreSQL ends one writer."""
    both_appended_once = asyncio.Barrier(2)

    async def writer(name: str, first: tuple[str, int], then: tuple[str, int]) -> None:
        async with transaction(session_factory) as session:
            assert await write_audit_event(session, **_event(name, first, 1))
            await both_appended_once.wait()
            assert await write_audit_event(session, **_event(name, then, 2))

    outcomes = await asyncio.wait_for(
        asyncio.gather(
            writer("one", NOMINATION, DECISION),
            writer("two", DECISION, NOMINATION),
            return_exceptions=True,
        ),
        timeout=30,
    )
    failed = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(failed) == 1 and _deadlocked(failed[0]), outcomes
    # The survivor committed both its events; the aborted writer left nothing.
    for subject in (NOMINATION, DECISION):
        assert len(await _chain(session_factory, subject)) == 1


async def test_writers_of_two_chains_in_opposite_orders_both_commit(session_factory, backend):
    """The same two writers, each taking its chains' locks first: the second waits for the
    first to commit, then appends after it; both chains stay linked."""
    one_appended_once = asyncio.Event()
    carry_on = asyncio.Event()

    async def one() -> None:
        async with transaction(session_factory) as session:
            await lock_audit_chains(session, [NOMINATION, DECISION])
            assert await write_audit_event(session, **_event("one", NOMINATION, 1))
            one_appended_once.set()
            await carry_on.wait()
            assert await write_audit_event(session, **_event("one", DECISION, 2))

    async def two() -> None:
        async with transaction(session_factory) as session:
            added = await write_audit_events(
                session, [_event("two", DECISION, 3), _event("two", NOMINATION, 4)]
            )
            assert added == [True, True]

    first = asyncio.create_task(one())
    await one_appended_once.wait()
    second = asyncio.create_task(two())
    await asyncio.sleep(SETTLE)
    # The second writer holds neither chain: it waits for the first one's locks (on SQLite
    # for the database's write lock) instead of taking the decision's chain and then
    # waiting for the nomination's, which the first holds.
    assert not second.done()
    carry_on.set()
    await asyncio.wait_for(asyncio.gather(first, second), timeout=30)

    for subject in (NOMINATION, DECISION):
        events = await _chain(session_factory, subject)
        assert [e["event_key"].split("-")[2] for e in events] == ["one", "two"]
        assert check_chain(chain_key(*subject), events) is None


async def test_a_retried_multi_chain_write_writes_nothing(session_factory, backend):
    """``write_audit_events`` keeps each event's idempotency: a retried activity or request
    adds no event and leaves both chains as they were."""
    events = [_event("once", NOMINATION, 1), _event("once", DECISION, 2)]
    for expected in ([True, True], [False, False]):
        async with transaction(session_factory) as session:
            assert await write_audit_events(session, events) == expected
    for subject in (NOMINATION, DECISION):
        assert [e["chain_seq"] for e in await _chain(session_factory, subject)] == [1]
