"""Fixed-window rate limits kept in the database, so every API replica counts the same
requests (login attempts, public objections)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import RateLimitHit


async def consume(
    session: AsyncSession,
    bucket: str,
    *,
    limit: int,
    window_seconds: int,
    now: datetime | None = None,
) -> int | None:
    """Count one request in ``bucket``; return the seconds to wait when over ``limit``
    in the current window, else None. Runs in the caller's transaction."""
    now = now or datetime.now(UTC)
    epoch = int(now.timestamp())
    window_start = datetime.fromtimestamp(epoch - epoch % window_seconds, UTC)
    result = await session.execute(
        update(RateLimitHit)
        .where(RateLimitHit.bucket == bucket, RateLimitHit.window_start == window_start)
        .values(hits=RateLimitHit.hits + 1)
        .returning(RateLimitHit.hits)
    )
    hits = result.scalar_one_or_none()
    if hits is None:
        try:
            async with session.begin_nested():
                session.add(RateLimitHit(bucket=bucket, window_start=window_start, hits=1))
            hits = 1
        except IntegrityError:  # another request created the row first
            hits = (
                await session.execute(
                    update(RateLimitHit)
                    .where(RateLimitHit.bucket == bucket, RateLimitHit.window_start == window_start)
                    .values(hits=RateLimitHit.hits + 1)
                    .returning(RateLimitHit.hits)
                )
            ).scalar_one()
    if hits > limit:
        window_end = window_start + timedelta(seconds=window_seconds)
        return max(int((window_end - now).total_seconds()), 1)
    return None


async def current_hits(session: AsyncSession, bucket: str, window_start: datetime) -> int:
    row = await session.execute(
        select(RateLimitHit.hits).where(
            RateLimitHit.bucket == bucket, RateLimitHit.window_start == window_start
        )
    )
    return row.scalar_one_or_none() or 0
