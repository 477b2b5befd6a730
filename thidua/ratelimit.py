"""Counters and pauses kept in the database (``rate_limit_hits``), so that every API
replica counts the same requests: the public objection form and the verification upload
count requests in fixed windows (``consume``); the sign-in policy counts failures at the
moment they happen (``record``, ``hits_since``) and pauses an account (``pause``,
``paused_since``).

Every moment is the caller's: the application clock's ``now`` (``state.clock``), never
the machine's. Rows older than ``LONGEST_WINDOW`` are deleted as new ones are written
(at most once a minute, by whichever write comes first in it): no timer, no scheduler.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import RateLimitHit
from models.audit import insert_ignoring_conflict

# No window or pause lasts longer: a row older than this counts for nothing.
LONGEST_WINDOW = timedelta(hours=1)
# One row per minute in which old rows were deleted (the first write of the minute does it).
_SWEPT = "ratelimit:swept"


def _check_window(window: timedelta) -> None:
    if window > LONGEST_WINDOW:
        raise ValueError(f"a window of {window} outlives the rows kept ({LONGEST_WINDOW})")


async def _add_hit(session: AsyncSession, bucket: str, at: datetime, now: datetime) -> int:
    """One more hit in the row (``bucket``, ``at``); its count afterwards."""
    increment = (
        update(RateLimitHit)
        .where(RateLimitHit.bucket == bucket, RateLimitHit.window_start == at)
        .values(hits=RateLimitHit.hits + 1)
        .returning(RateLimitHit.hits)
    )
    hits = (await session.execute(increment)).scalar_one_or_none()
    if hits is not None:
        return hits
    try:
        async with session.begin_nested():
            session.add(RateLimitHit(bucket=bucket, window_start=at, hits=1))
    except IntegrityError:  # another request created the row first
        return (await session.execute(increment)).scalar_one()
    await _sweep(session, now)
    return 1


async def _sweep(session: AsyncSession, now: datetime) -> None:
    """Delete the rows no window reaches any more, once a minute at most."""
    minute = now.replace(second=0, microsecond=0)
    first = await insert_ignoring_conflict(
        session,
        RateLimitHit,
        {"bucket": _SWEPT, "window_start": minute, "hits": 1},
        ["bucket", "window_start"],
    )
    if first:
        await session.execute(
            delete(RateLimitHit).where(RateLimitHit.window_start < now - LONGEST_WINDOW)
        )


async def consume(
    session: AsyncSession,
    bucket: str,
    *,
    limit: int,
    window_seconds: int,
    now: datetime,
) -> int | None:
    """Count one request in ``bucket``; return the seconds to wait when over ``limit``
    in the current fixed window, else None. Runs in the caller's transaction."""
    _check_window(timedelta(seconds=window_seconds))
    epoch = int(now.timestamp())
    window_start = datetime.fromtimestamp(epoch - epoch % window_seconds, UTC)
    hits = await _add_hit(session, bucket, window_start, now)
    if hits > limit:
        window_end = window_start + timedelta(seconds=window_seconds)
        return max(int((window_end - now).total_seconds()), 1)
    return None


async def record(session: AsyncSession, bucket: str, *, now: datetime) -> None:
    """Count one event in ``bucket`` at the moment ``now`` (for sliding windows)."""
    await _add_hit(session, bucket, now, now)


async def hits_since(session: AsyncSession, bucket: str, *, since: datetime) -> int:
    """The events counted in ``bucket`` after ``since``."""
    total = await session.execute(
        select(func.coalesce(func.sum(RateLimitHit.hits), 0)).where(
            RateLimitHit.bucket == bucket, RateLimitHit.window_start > since
        )
    )
    return int(total.scalar_one())


async def pause(session: AsyncSession, bucket: str, *, now: datetime) -> None:
    """Start a pause named ``bucket`` at ``now``: ``paused_since`` finds it."""
    await _add_hit(session, bucket, now, now)


async def paused_since(session: AsyncSession, bucket: str, *, since: datetime) -> datetime | None:
    """When the latest pause named ``bucket`` that began after ``since`` began; None if
    there is none."""
    latest = await session.execute(
        select(func.max(RateLimitHit.window_start)).where(
            RateLimitHit.bucket == bucket, RateLimitHit.window_start > since
        )
    )
    return latest.scalar_one_or_none()


async def forget(session: AsyncSession, *buckets: str) -> int:
    """Delete every count and pause of ``buckets``; how many rows went."""
    statement = delete(RateLimitHit).where(RateLimitHit.bucket.in_(buckets))
    return cast(CursorResult[Any], await session.execute(statement)).rowcount


async def forget_starting_with(session: AsyncSession, prefix: str) -> int:
    """Delete every count and pause whose bucket starts with ``prefix``."""
    statement = delete(RateLimitHit).where(RateLimitHit.bucket.startswith(prefix, autoescape=True))
    return cast(CursorResult[Any], await session.execute(statement)).rowcount
