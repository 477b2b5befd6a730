"""The audit trail for the people who audit it: who may, and its export as CSV (UTF-8
with a byte-order mark, so that Excel shows Vietnamese; every row through
``domain.spreadsheet``, so that no text cell runs as a formula)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from domain.calendar import VIETNAM_TZ
from domain.spreadsheet import spreadsheet_row
from domain.vocabulary import Role
from models import AuditEvent
from thidua.db import SessionFactory

from ..i18n import translator
from ..principal import Principal
from ..queries import audit as queries
from ..queries.audit import AuditFilters
from .objectors import ObjectorScreen

CSV_COLUMNS = (
    "Mã sự kiện",
    "Thời điểm",
    "Mã đề nghị",
    "Đối tượng",
    "Danh hiệu",
    "Hành động",
    "Người thực hiện",
    "Vai trò",
    "Cấp",
    "Từ giai đoạn",
    "Đến giai đoạn",
    "Lý do",
    "Thay đổi",
)


def may_audit(principal: Principal) -> bool:
    return principal.is_admin or principal.has(Role.AUDITOR)


async def csv_lines(
    reader: SessionFactory,
    principal: Principal,
    filters: AuditFilters,
    *,
    award_names: dict[str, str],
) -> AsyncIterator[bytes]:
    """The filtered audit trail as CSV, oldest first, a line at a time (in Vietnamese).
    Opens its own session from ``reader``: a streamed response outlives the request's."""
    t = translator("vi")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    async with reader() as session:
        screen = ObjectorScreen(session, principal)
        async for event, nominee, award_code in queries.audit_stream(session, principal, filters):
            buffer.seek(0)
            buffer.truncate()
            values = await event_values(
                screen, event, nominee, award_code, award_names=award_names, t=t
            )
            moment = values[1]
            assert isinstance(moment, datetime)
            values[1] = moment.astimezone(VIETNAM_TZ).strftime("%d/%m/%Y %H:%M:%S")
            writer.writerow(spreadsheet_row(values))
            yield buffer.getvalue().encode("utf-8")


async def event_values(
    screen: ObjectorScreen,
    event: AuditEvent,
    nominee: str,
    award_code: str,
    *,
    award_names: dict[str, str],
    t: Callable[..., str],
) -> list[object]:
    """One event as the columns of ``CSV_COLUMNS`` (its moment as a datetime), in the
    language of ``t``; an objector's name withheld from whoever may not see it."""
    return [
        event.id,
        event.occurred_at,
        event.nomination_id,
        nominee,
        award_names.get(award_code, award_code),
        t(f"action_{event.action}"),
        t("objector_withheld")
        if await screen.hides_actor(event)
        else event.actor_name or t("system"),
        t(event.actor_role) if event.actor_role not in ("", "system") else "",
        t(f"level_{event.level.value}") if event.level else "",
        t(f"stage_{event.from_stage}") if event.from_stage else "",
        t(f"stage_{event.to_stage}") if event.to_stage else "",
        event.reason,
        "; ".join(
            f"{k}: {' → '.join(str(x) for x in v) if isinstance(v, list) else v}"
            for k, v in (event.changes or {}).items()
        ),
    ]
