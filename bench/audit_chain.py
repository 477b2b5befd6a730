"""The cost of the tamper-evident audit trail per write (issue 18).

Each write is one transaction, as the engine writes an audit event with its projection.
Two ways, same rows, same database:

- ``plain``: the insert of an event as before issue 18 (no chain head read, no lock, no
  hash; the chain columns filled with constants that keep the unique constraint happy);
- ``chained``: ``models.audit.write_audit_event`` (on PostgreSQL a per-chain advisory lock,
  the head read, the SHA-256 of the canonical form, the insert).

``--chains 1`` is the worst case (every writer on the same subject); a year-end burst
writes to thousands of nominations' chains. ``--concurrency`` writers at once.

    .venv/bin/python -m bench run audit [--n 2000] [--chains 1 200] [--concurrency 8]
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models import AuditEvent
from models.audit import insert_ignoring_conflict, write_audit_event
from thidua.db import transaction

from .common import (
    environment,
    environment_line,
    fresh_database,
    markdown_table,
    summary,
    work_dir,
    write_results,
)

MOMENT = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)


async def _plain(session, n: int, chain: int, tag: str) -> None:
    await insert_ignoring_conflict(
        session,
        AuditEvent,
        dict(
            event_key=f"{tag}-{n}",
            subject_type="nomination",
            subject_id=chain,
            action="commented",
            reason=f"Ý kiến số {n}",
            changes={"score": [n, n + 1]},
            occurred_at=MOMENT,
            recorded_at=MOMENT,
            chain_key=f"{tag}-{n}",
            chain_seq=1,
            prev_hash="",
            hash="",
        ),
        ["event_key"],
    )


async def _chained(session, n: int, chain: int, tag: str) -> None:
    await write_audit_event(
        session,
        event_key=f"{tag}-{n}",
        subject_type="nomination",
        subject_id=chain,
        action="commented",
        reason=f"Ý kiến số {n}",
        changes={"score": [n, n + 1]},
        occurred_at=MOMENT,
    )


async def _measure(factory, write, *, n: int, chains: int, concurrency: int, tag: str) -> dict:
    latencies: list[float] = []
    queue = list(range(n))

    async def writer() -> None:
        while queue:
            i = queue.pop()
            started = time.perf_counter()
            async with transaction(factory) as session:
                await write(session, i, 1_000_000 + i % chains, tag)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"writes": n, "seconds": elapsed, "per_second": n / elapsed, **summary(latencies)}


async def run(
    n: int = 2000,
    *,
    chains: list[int] | None = None,
    backends: list[str] | None = None,
    concurrency: int = 8,
    quiet: bool = False,
    results_dir: Path | None = None,
) -> dict[str, Any]:
    chains = chains or [1, 200]
    backends = backends or ["sqlite", "postgresql"]
    rows: list[dict[str, Any]] = []
    for backend in backends:
        async with fresh_database(backend, work_dir("audit"), seed=False) as database:
            for chain_count in chains:
                for mode, write in (("plain", _plain), ("chained", _chained)):
                    figures = await _measure(
                        database.factory,
                        write,
                        n=n,
                        chains=chain_count,
                        concurrency=concurrency,
                        tag=f"{mode}-{chain_count}",
                    )
                    rows.append({"db": backend, "chains": chain_count, "mode": mode, **figures})
    table = []
    for row in rows:
        base = next(
            r
            for r in rows
            if r["db"] == row["db"] and r["chains"] == row["chains"] and r["mode"] == "plain"
        )
        table.append(
            [
                row["db"],
                row["chains"],
                row["mode"],
                f"{row['per_second']:.0f}",
                f"{row['p50'] * 1000:.2f}",
                f"{row['p95'] * 1000:.2f}",
                f"{(row['seconds'] - base['seconds']) / row['writes'] * 1e6 / 1000:+.3f}",
            ]
        )
    env = environment()
    markdown = (
        f"## Audit chain: cost per write ({n} writes each, {concurrency} writers)\n\n"
        + markdown_table(
            ["database", "chains", "mode", "writes/s", "p50 ms", "p95 ms", "Δ ms/write"],
            table,
            align_right_from=3,
        )
        + "\n\n"
        + environment_line(env)
    )
    payload = {"n": n, "concurrency": concurrency, "rows": rows, "environment": env}
    json_path, md_path = write_results("audit", payload, markdown, results_dir)
    return {**payload, "markdown": markdown, "files": [str(json_path), str(md_path)]}
