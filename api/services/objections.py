"""Objections lodged by the public against a nomination posted for comment: limited per
client address and per contact, then handed to the nomination's workflow, which blocks
the nomination until the standing body resolves them.

The limits let a neighbourhood behind one carrier-NAT address be heard while stopping a
flood: ``OBJECTIONS_PER_ADDRESS`` an hour from one address (every notice), and
``OBJECTIONS_PER_CONTACT`` on one notice from one contact (the same phone number or
address, however it is spaced or accented), for as long as the notice runs (counted from
the objections lodged; one more is a 409, not a 429: waiting does not renew it)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from domain.text import fold
from domain.vocabulary import Stage
from models.schemas.nominations import CommandRead, ObjectionCreate
from thidua.ratelimit import consume
from workflows.nomination import NominationWorkflow
from workflows.nomination_types import ObjectionCommand

from ..errors import Conflict, NotFound, TooManyRequests, WrongStage
from ..queries import public as queries
from ..temporal_calls import execute_update

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
