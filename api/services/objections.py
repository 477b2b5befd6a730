"""Objections lodged by the public against a nomination posted for comment: limited per
client address and per contact, then handed to the nomination's workflow, which blocks
the nomination until the standing body resolves them; the standing body then records how
it answered the objector (``record_reply``).

The limits let a neighbourhood behind one carrier-NAT address be heard while stopping a
flood: ``OBJECTIONS_PER_ADDRESS`` an hour from one address (every notice), and
``OBJECTIONS_PER_CONTACT`` on one notice from one contact (the same phone number or
address, however it is spaced or accented), for as long as the notice runs (counted from
the objections lodged; one more is a 409, not a 429: waiting does not renew it)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from domain.text import fold
from domain.vocabulary import Role, Stage
from models.audit import write_audit_event
from models.schemas.nominations import (
    CommandRead,
    ObjectionCreate,
    ObjectionRead,
    ObjectionReplyCreate,
)
from thidua.ratelimit import consume
from workflows.nomination import NominationWorkflow
from workflows.nomination_types import ObjectionCommand

from ..errors import Conflict, Forbidden, InvalidInput, NotFound, TooManyRequests, WrongStage
from ..principal import Principal
from ..queries import nominations as nomination_queries
from ..queries import public as queries
from ..temporal_calls import execute_update
from .nominations import visible_nomination
from .objectors import ObjectorScreen, records_reply

OBJECTIONS_PER_ADDRESS = 10
ADDRESS_WINDOW_SECONDS = 3600
OBJECTIONS_PER_CONTACT = 3


def contact_key(contact: str) -> str:
    """One contact however it is written: "0912 345 678" and "0912.345.678" are one."""
    return re.sub(r"[\W_]+", "", fold(contact))


async def lodge(
    session: AsyncSession,
    temporal: Client,
    *,
    client_address: str,
    nomination_id: int,
    body: ObjectionCreate,
    now: datetime,
) -> CommandRead:
    """Lodge ``body`` against a nomination in public notice. Commits twice (see below):
    the caller must not hold writes of its own in ``session``."""
    wait = await consume(
        session,
        f"objection:ip:{client_address[:64]}",
        limit=OBJECTIONS_PER_ADDRESS,
        window_seconds=ADDRESS_WINDOW_SECONDS,
        now=now,
    )
    await session.commit()  # the attempt counts even when refused below
    if wait is not None:
        raise TooManyRequests(wait)
    nomination = await queries.nomination_by_id(session, nomination_id=nomination_id)
    contacts = (
        await queries.objection_contacts(
            session, nomination_id=nomination.id, level=nomination.level
        )
        if nomination is not None
        else []
    )
    # Never wait on a workflow while holding a database transaction: its projection write
    # would wait for our lock (SQLite) while we wait for it. (Commit, not rollback: a
    # rollback would expire the object we just read.)
    await session.commit()
    if nomination is None or nomination.stage != Stage.PUBLIC_NOTICE:
        if nomination is None:
            raise NotFound("Không có thông báo công khai này", "no such public notice")
        raise WrongStage(
            nomination.stage.value, "Hết thời gian công khai", "not publicly posted now"
        )
    mine = contact_key(body.objector_contact)
    if sum(contact_key(c) == mine for c in contacts) >= OBJECTIONS_PER_CONTACT:
        # A share of the notice, not a pace: waiting does not renew it.
        raise Conflict(
            f"Mỗi người gửi tối đa {OBJECTIONS_PER_CONTACT} ý kiến phản ánh cho một thông báo "
            "công khai; các ý kiến bạn đã gửi đều được ghi nhận và sẽ được xem xét",
            f"At most {OBJECTIONS_PER_CONTACT} objections per person on one public notice; "
            "those you sent are recorded and will be considered",
        )
    result = await execute_update(
        temporal.get_workflow_handle(nomination.workflow_id),
        NominationWorkflow.lodge_objection,
        ObjectionCommand(
            objector_name=body.objector_name,
            objector_contact=body.objector_contact,
            reason=body.reason,
        ),
        current_stage=nomination.stage.value,
    )
    return CommandRead(
        nomination_id=nomination.id,
        stage=result.stage,
        level=result.level,
        stage_due_at=result.stage_due_at,
        objection_key=result.objection_key,
    )


# ---- the reply the portal promises ----------------------------------------------------------

REPLY_GRACE = timedelta(minutes=5)  # a reply "now" from a clock a little ahead


async def record_reply(
    session: AsyncSession,
    *,
    principal: Principal,
    nomination_id: int,
    objection_key: str,
    body: ObjectionReplyCreate,
    now: datetime,
) -> ObjectionRead:
    """Record how the standing body answered an objector (channel, note, when, by whom),
    pending or resolved; recording again replaces the record, each time audited.

    Only the standing body handling the objection (``objectors.records_reply``) and only
    where it may know the objector: 403 for anyone else who sees the nomination, 404 for an
    objection the nomination does not have. The audit event names who recorded it and the
    channel, never the objector nor the note (the timeline is read by the proposing unit)."""
    nomination = await visible_nomination(session, principal=principal, nomination_id=nomination_id)
    objection = await nomination_queries.objection_by_key(
        session, nomination_id=nomination.id, objection_key=objection_key
    )
    if objection is None:
        raise NotFound("Không có ý kiến phản ánh này", "no such objection")
    screen = ObjectorScreen(session, principal)
    if not (await screen.access(nomination)).sees(objection.level) or not records_reply(
        principal, nomination, objection.level
    ):
        raise Forbidden()
    replied_at = body.replied_at or now
    if replied_at.tzinfo is None:
        raise InvalidInput(
            "replied_at", "Ghi rõ múi giờ của thời điểm trả lời", "give the time zone"
        )
    if replied_at > now + REPLY_GRACE:
        raise InvalidInput(
            "replied_at",
            "Thời điểm trả lời không được sau thời điểm hiện tại",
            "the reply cannot be later than now",
        )
    if replied_at < objection.lodged_at.replace(tzinfo=objection.lodged_at.tzinfo or UTC):
        raise InvalidInput(
            "replied_at",
            "Thời điểm trả lời phải sau khi có ý kiến phản ánh",
            "the reply must come after the objection was lodged",
        )
    objection.reply_channel = body.channel.value
    objection.reply_note = body.note
    objection.replied_at = replied_at
    objection.replied_by_user_id = principal.user_id
    await write_audit_event(
        session,
        event_key=f"objection:{objection.id}:reply:{uuid.uuid4().hex}",
        subject_type="nomination",
        subject_id=nomination.id,
        nomination_id=nomination.id,
        action="objection_reply_recorded",
        occurred_at=now,
        actor_user_id=principal.user_id,
        actor_name=principal.full_name,
        actor_role=Role.STANDING_OFFICER.value,
        level=objection.level,
        changes={"objection_key": objection.objection_key, "reply_channel": body.channel.value},
    )
    await session.flush()
    return await screen.objection_read(objection, nomination)
