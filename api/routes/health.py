"""GET /health: is the database reachable, is Temporal reachable."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from ..deps import StateDep

router = APIRouter(tags=["health"])

CHECK_TIMEOUT_SECONDS = 3.0


async def _check_database(state) -> str:
    async with state.reader() as session:
        await session.execute(text("SELECT 1"))
    return "ok"


async def _check_temporal(state) -> str:
    client = await state.temporal_client()
    await client.service_client.check_health()
    return "ok"


async def _run(check, state) -> tuple[bool, str]:
    try:
        return True, await asyncio.wait_for(check(state), CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        return False, f"no answer within {CHECK_TIMEOUT_SECONDS:.0f} s"
    except Exception as exc:
        return False, (str(exc) or exc.__class__.__name__).splitlines()[0][:300]


@router.get("/health", responses={503: {"description": "database or Temporal unreachable"}})
async def health(state: StateDep) -> JSONResponse:
    """200 when the database and Temporal both answer; 503 naming what is down."""
    (db_ok, db_detail), (t_ok, t_detail) = await asyncio.gather(
        _run(_check_database, state), _run(_check_temporal, state)
    )
    body = {
        "status": "ok" if db_ok and t_ok else "unavailable",
        "database": db_detail if db_ok else f"unreachable: {db_detail}",
        "temporal": t_detail if t_ok else f"unreachable: {t_detail}",
        "task_queue": state.settings.task_queue,
    }
    return JSONResponse(body, status_code=200 if db_ok and t_ok else 503)
