"""What every row handler does once it knows its record: set the row's values and say
which changed (old and new, for the audit), record the audit event of the change keyed by
the import (written when the import is applied), and make sure no two rows of a file name
the same record."""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Mapping
from datetime import date
from enum import Enum
from typing import Any

from domain.vocabulary import Role

from .kinds import ImportContext, Row, SheetKind


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


def assign(record: object, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set ``values`` on ``record``; the changes, ``{field: [old, new]}``, of those that
    differed (None values are skipped: a blank optional cell keeps what is stored)."""
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        if new is None:
            continue
        old = getattr(record, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
            setattr(record, name, new)
    return changes


def created(values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """A new record's changes: every value from nothing."""
    return {name: [None, _plain(value)] for name, value in values.items() if value is not None}


def audit(
    context: ImportContext,
    *,
    subject_type: str,
    subject_id: int,
    action: str,
    changes: dict[str, Any],
) -> None:
    """One audit event of the import: its key starts with the file's hash, the actor is the
    importing administrator. Kept in ``context.events``: the import writes its events
    together when it is applied (a dry run writes none)."""
    key = f"{context.import_key}:{subject_type}:{subject_id}:{action}:{uuid.uuid4().hex}"
    context.events.append(
        dict(
            event_key=key,
            subject_type=subject_type,
            subject_id=subject_id,
            action=action,
            occurred_at=context.now,
            actor_user_id=context.principal.user_id,
            actor_name=context.principal.full_name,
            actor_role=Role.ADMIN.value,
            changes=changes,
        )
    )


def claim(context: ImportContext, kind: SheetKind, row: Row, key: Hashable, column: str) -> bool:
    """False (and a problem) when an earlier row of the sheet named the same record: the
    second row would undo the first, and importing the file again would change it back."""
    seen: dict[Hashable, int] = context.cache.setdefault(f"imports.claimed.{kind.kind}", {})
    if key in seen:
        context.problem(
            row,
            kind,
            column,
            f"Trùng với dòng {seen[key]}: hai dòng cùng chỉ một bản ghi",
            f"Same record as row {seen[key]}",
        )
        return False
    seen[key] = row.number
    return True
