"""Objections lodged by the public against a nomination posted for comment: rate-limited
per client address, then handed to the nomination's workflow, which blocks the
nomination until the standing body resolves them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from domain.vocabulary import Stage
from models.schemas.nominations import CommandRead, ObjectionCreate
from thidua.ratelimit import consume
from workflows.nomination import NominationWorkflow
from workflows.nomination_types import ObjectionCommand

from ..errors import NotFound, TooManyRequests, WrongStage
from ..queries import public as queries
from ..temporal_calls import execute_update

OBJECTIONS_PER_HOUR = 5


async def lodge(
    session: AsyncSession,
    temporal: Client,
    *,
    client_address: str,
    nomination_id: int,
    body: ObjectionCreate,
) -> CommandRead:
    """Lodge ``body`` against a nomination in public notice. Commits twice (see below):
    the caller must not hold writes of its own in ``session``."""
    wait = await consume(
        session,
        f"objection:ip:{client_address}",
        limit=OBJECTIONS_PER_HOUR,
        window_seconds=3600,
    )
    await session.commit()  # the attempt counts even when refused below
    if wait is not None:
        raise TooManyRequests(wait)
    nomination = await queries.nomination_by_id(session, nomination_id=nomination_id)
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
