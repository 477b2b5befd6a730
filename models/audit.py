"""The audit trail's one writer, shared by the worker and the API.

The workflows' projections (``activities/projection.py``, ``activities/campaign.py``)
and the API's own audited writes (a campaign registration) append events through
``write_audit_event``, so every event has one shape and a retried write is a no-op (the
event key is unique). ``insert_ignoring_conflict`` is the append-once insert it is built
on; the projections use it for their other append-once rows too.

A transaction that appends to more than one chain (a registry merge, an account leaving
its councils, an import) takes every chain's lock first, in one order shared by all
writers: ``write_audit_events`` does, or ``lock_audit_chains`` before the first event.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from domain.audit_chain import HASHED_FIELDS, chain_key, event_hash
from domain.vocabulary import Level

from .audit_seals import AuditSeal
from .base import Base, utcnow
from .nominations import AuditEvent


async def insert_ignoring_conflict(
    session: AsyncSession,
    model: type[Base],
    values: dict[str, Any],
    conflict_columns: list[str],
) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on both databases; True when a row was added."""
    dialect = session.bind.dialect.name if session.bind else "postgresql"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict_columns)
    )
    # An INSERT's result is a cursor result: it knows how many rows it wrote.
    result = cast(CursorResult[Any], await session.execute(statement))
    return bool(result.rowcount)


def _lock_number(key_sql: str) -> str:
    """The number of a chain's transaction-scoped advisory lock on PostgreSQL, from the SQL
    of its key: the key's 64-bit hash (seed 18, this trail's own)."""
    return f"hashtextextended({key_sql}, 18)"


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind else "postgresql"


async def lock_audit_chains(session: AsyncSession, subjects: Iterable[tuple[str, int]]) -> None:
    """Take the locks of every chain a transaction will append to, before its first event.

    A transaction that appends to two chains one after the other holds the first chain's
    lock while it waits for the second's; another appending to the same two chains in the
    other order holds the second and waits for the first, and PostgreSQL aborts one of
    them (deadlock detected, SQLSTATE 40P01). Here every lock is taken in one statement, in
    ascending lock number: every writer takes its locks in that one order, so none ever
    waits for a lock while holding one that comes after it, and no two wait for each
    other. ``write_audit_event`` then takes its chain's lock again, which the transaction
    holding it gets at once. SQLite: nothing to do (writers hold the database's write
    lock). A transaction that appends to one chain only does not need this."""
    keys = sorted({chain_key(subject_type, subject_id) for subject_type, subject_id in subjects})
    if len(keys) < 2 or _dialect(session) != "postgresql":
        return
    # The subquery is sorted before the locks are taken (a subquery with ORDER BY is not
    # flattened into its query); the count only makes the function run once per row.
    await session.execute(
        text(
            "SELECT count(pg_advisory_xact_lock(lock)) FROM ("
            f"SELECT DISTINCT {_lock_number('key')} AS lock "
            "FROM unnest(CAST(:keys AS text[])) AS key ORDER BY lock) AS locks"
        ),
        {"keys": keys},
    )


async def write_audit_events(
    session: AsyncSession, events: Sequence[Mapping[str, Any]]
) -> list[bool]:
    """Append several events (each the keyword arguments of ``write_audit_event``), to one
    chain or several, in the caller's transaction: every chain's lock first
    (``lock_audit_chains``), then the events in the order given. One flag per event: False
    for a key already written."""
    await lock_audit_chains(session, ((e["subject_type"], e["subject_id"]) for e in events))
    return [await write_audit_event(session, **event) for event in events]


async def write_audit_event(
    session: AsyncSession,
    *,
    event_key: str,
    subject_type: str,
    subject_id: int,
    action: str,
    occurred_at: datetime,
    nomination_id: int | None = None,
    actor_user_id: int | None = None,
    actor_name: str = "",
    actor_role: str = "",
    level: Level | None = None,
    from_stage: str | None = None,
    to_stage: str | None = None,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> bool:
    """Append one audit event to its subject's chain; False if that key was already
    written (then nothing is written, and the chain is untouched).

    The chain's head is read and the new event linked to it in the caller's transaction.
    Two writers of one chain cannot both take the next number: on PostgreSQL the first
    holds a transaction-scoped advisory lock on the chain until it commits (other chains
    are not held up); SQLite writers already hold the database's write lock (BEGIN
    IMMEDIATE). The unique (chain_key, chain_seq) is the backstop. A transaction that
    appends to more than one chain locks them all first (``lock_audit_chains``)."""
    key = chain_key(subject_type, subject_id)
    if _dialect(session) == "postgresql":
        await session.execute(
            text(f"SELECT pg_advisory_xact_lock({_lock_number(':key')})"), {"key": key}
        )
    head = (
        await session.execute(
            select(AuditEvent.chain_seq, AuditEvent.hash)
            .where(AuditEvent.chain_key == key)
            .order_by(AuditEvent.chain_seq.desc())
            .limit(1)
        )
    ).first()
    values: dict[str, Any] = dict(
        event_key=event_key,
        subject_type=subject_type,
        subject_id=subject_id,
        nomination_id=nomination_id,
        actor_user_id=actor_user_id if actor_user_id and actor_user_id > 0 else None,
        actor_name=actor_name,
        actor_role=actor_role,
        action=action,
        level=level,
        from_stage=from_stage,
        to_stage=to_stage,
        reason=reason,
        changes=changes or {},
        occurred_at=occurred_at,
        recorded_at=utcnow(),
        chain_key=key,
        chain_seq=head[0] + 1 if head else 1,
        prev_hash=head[1] if head else "",
    )
    values["hash"] = event_hash(values)
    return await insert_ignoring_conflict(session, AuditEvent, values, ["event_key"])


# ---------------------------------------------------------------------------------------
# Reading the chains back (the seal activity and ``thidua audit verify``)

CHAIN_COLUMNS = (
    AuditEvent.id,
    AuditEvent.chain_seq,
    AuditEvent.hash,
    *(getattr(AuditEvent, name) for name in HASHED_FIELDS),
)


async def chain_heads(session: AsyncSession) -> dict[str, tuple[int, str]]:
    """Every chain's newest event: ``{chain_key: (chain_seq, hash)}``."""
    newest = (
        select(AuditEvent.chain_key, func.max(AuditEvent.chain_seq).label("seq"))
        .group_by(AuditEvent.chain_key)
        .subquery()
    )
    rows = await session.execute(
        select(AuditEvent.chain_key, AuditEvent.chain_seq, AuditEvent.hash).join(
            newest,
            (newest.c.chain_key == AuditEvent.chain_key) & (newest.c.seq == AuditEvent.chain_seq),
        )
    )
    return {key: (seq, digest) for key, seq, digest in rows}


async def stream_chains(
    session: AsyncSession, *, batch: int = 5000
) -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """Every chain with its events in ``chain_seq`` order, one chain at a time, read in
    keyset pages of ``batch`` rows (a year's trail is not held in memory at once)."""
    after: tuple[str, int, int] | None = None
    current: str | None = None
    events: list[dict[str, Any]] = []
    while True:
        query = select(*CHAIN_COLUMNS).order_by(
            AuditEvent.chain_key, AuditEvent.chain_seq, AuditEvent.id
        )
        if after is not None:
            key, seq, row_id = after
            query = query.where(
                (AuditEvent.chain_key > key)
                | ((AuditEvent.chain_key == key) & (AuditEvent.chain_seq > seq))
                | (
                    (AuditEvent.chain_key == key)
                    & (AuditEvent.chain_seq == seq)
                    & (AuditEvent.id > row_id)
                )
            )
        rows = (await session.execute(query.limit(batch))).mappings().all()
        for row in rows:
            if row["chain_key"] != current:
                if current is not None:
                    yield current, events
                current, events = row["chain_key"], []
            events.append(dict(row))
        if len(rows) < batch:
            break
        last = rows[-1]
        after = (last["chain_key"], last["chain_seq"], last["id"])
    if current is not None:
        yield current, events


async def latest_seal(session: AsyncSession, *, with_heads: bool = False) -> AuditSeal | None:
    """The newest seal; its ``heads`` (one entry per chain: megabytes in a big year) only
    when asked for, so that the public portal does not read them on every view."""
    query = select(AuditSeal).order_by(AuditSeal.id.desc()).limit(1)
    if not with_heads:
        query = query.options(defer(AuditSeal.heads, raiseload=True))
    return await session.scalar(query)
