"""Is the database reachable, is Temporal reachable: each asked with a time limit, both
at once, with a short reason for what does not answer."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from ..queries import health as queries
from ..state import AppState

CHECK_TIMEOUT_SECONDS = 3.0


async def _check_database(state: AppState) -> str:
    async with state.reader() as session:
        await queries.ping(session)
    return "ok"


async def _check_temporal(state: AppState) -> str:
    client = await state.temporal_client()
    await client.service_client.check_health()
    return "ok"


async def _run(check: Callable[[AppState], Awaitable[str]], state: AppState) -> tuple[bool, str]:
    try:
        return True, await asyncio.wait_for(check(state), CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        return False, f"no answer within {CHECK_TIMEOUT_SECONDS:.0f} s"
    except Exception as exc:
        return False, (str(exc) or exc.__class__.__name__).splitlines()[0][:300]


async def health(state: AppState) -> tuple[bool, dict[str, str]]:
    """(all well, the report: status, database, temporal, task queue)."""
    (db_ok, db_detail), (t_ok, t_detail) = await asyncio.gather(
        _run(_check_database, state), _run(_check_temporal, state)
    )
    return db_ok and t_ok, {
        "status": "ok" if db_ok and t_ok else "unavailable",
        "database": db_detail if db_ok else f"unreachable: {db_detail}",
        "temporal": t_detail if t_ok else f"unreachable: {t_detail}",
        "task_queue": state.settings.task_queue,
    }
