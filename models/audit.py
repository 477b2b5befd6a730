"""The audit trail's one writer, shared by the worker and the API.

The workflows' projections (``activities/projection.py``, ``activities/campaign.py``)
and the API's own audited writes (a campaign registration) append events through
``write_audit_event``, so every event has one shape and a retried write is a no-op (the
event key is unique). ``insert_ignoring_conflict`` is the append-once insert it is built
on; the projections use it for their other append-once rows too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Level

from .base import Base
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
    """Append one audit event; False if that key was already written."""
    return await insert_ignoring_conflict(
        session,
        AuditEvent,
        dict(
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
        ),
        ["event_key"],
    )
