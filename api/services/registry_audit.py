"""The audit events of the registry's administration: a unit, person, household or
collective created, changed or merged, and a person's record read, each naming who acted
and the old and new values (``changes={"field": [old, new]}``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.vocabulary import Role
from models.audit import write_audit_event

from ..principal import Principal


def audit_value(value: Any) -> Any:
    """A value as the audit trail stores it (JSON): enums by value, dates as ISO text."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{"field": [old, new]}`` of the fields whose value differs."""
    return {
        name: [audit_value(before.get(name)), audit_value(value)]
        for name, value in after.items()
        if audit_value(before.get(name)) != audit_value(value)
    }


async def audit_registry_event(
    session: AsyncSession,
    principal: Principal,
    *,
    subject_type: str,
    subject_id: int,
    action: str,
    now: datetime,
    changes: dict[str, Any] | None = None,
    actor_role: str = Role.ADMIN.value,
) -> None:
    """One event about a registry record (``subject_type``: unit, person, household or
    collective). Each call is its own event: a read audited twice was read twice."""
    await write_audit_event(
        session,
        event_key=f"{subject_type}:{subject_id}:{action}:{uuid.uuid4().hex}",
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        occurred_at=now,
        actor_user_id=principal.user_id,
        actor_name=principal.full_name,
        actor_role=actor_role,
        changes=changes,
    )
