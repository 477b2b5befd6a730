"""The cost of the tamper-evident audit trail per write (issue 18).

Each write is one transaction, as the engine writes an audit event with its projection.
Two ways, same rows, same database:

- ``plain``: the insert of an event as before issue 18 (no chain head read, no lock, no
  hash; the chain columns filled with constants that keep the unique constraint happy);
- ``chained``: ``models.audit.write_audit_event`` (on PostgreSQL a per-chain advisory lock,
  the head read, the SHA-256 of the canonical form, the insert).

``--chains 1`` is the worst case (every writer on the same subject); a year-end burst
writes to thousands of nominations' chains. ``--concurrency`` writers at once.

``--pairs``: writers of two chains per transaction (one event on a nomination's chain and
one on a decision's, of one of that many pairs, in a random order), ``--pair-n`` of them
each way:

- ``one by one``: two ``write_audit_event`` calls in that order (each takes its chain's
  lock when it comes to it: two transactions on one pair in opposite orders deadlock and
  PostgreSQL aborts one, SQLSTATE 40P01, counted and not retried);
- ``locks first``: ``models.audit.write_audit_events`` (both chains' locks first, in one
  order shared by every writer).

    .venv/bin/python -m bench run audit [--n 2000] [--chains 1 200] [--concurrency 8]
    .venv/bin/python -m bench run audit --db postgresql --chains --pairs 5 50 [--pair-n 400]

(``--chains`` with no value skips the single-chain section.)
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from models import AuditEvent
from models.audit import insert_ignoring_conflict, write_audit_event, write_audit_events
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
PAIR_MODES = ("one by one", "locks first")
DEADLOCK = "40P01"


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


def _pair_event(tag: str, n: int, subject: tuple[str, int]) -> dict[str, Any]:
    subject_type, subject_id = subject
    return dict(
        event_key=f"{tag}-{n}-{subject_type}",
        subject_type=subject_type,
        subject_id=subject_id,
        action="commented",
        reason=f"Ý kiến số {n}",
        changes={"score": [n, n + 1]},
        occurred_at=MOMENT,
    )


async def _measure_pairs(
    factory, mode: str, *, n: int, pairs: int, concurrency: int, tag: str
) -> dict:
    """``n`` transactions, each appending to a nomination's chain and a decision's (pair
    ``k`` of ``pairs``) in a random order (the same orders for both modes: seeded)."""
    latencies: list[float] = []
    aborted = 0
    draws = random.Random(7)
    plans = []
    for i in range(n):
        k = draws.randrange(pairs)
        subjects = [("nomination", 2_000_000 + k), ("decision", 3_000_000 + k)]
        draws.shuffle(subjects)
        plans.append([_pair_event(tag, i, subject) for subject in subjects])
    queue = list(reversed(plans))

    async def writer() -> None:
        nonlocal aborted
        while queue:
            events = queue.pop()
            started = time.perf_counter()
            try:
                async with transaction(factory) as session:
                    if mode == "locks first":
                        await write_audit_events(session, events)
                    else:
                        for event in events:
                            await write_audit_event(session, **event)
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) != DEADLOCK:
                    raise
                aborted += 1
                continue
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "transactions": n,
        "aborted": aborted,
        "committed": len(latencies),
        "seconds": elapsed,
        "committed_per_second": len(latencies) / elapsed,
        **summary(latencies),
    }


def _pairs_markdown(rows: list[dict[str, Any]], concurrency: int) -> str:
    table = [
        [
            row["db"],
            row["pairs"],
            concurrency,
            row["mode"],
            row["transactions"],
            row["aborted"],
            f"{row['committed_per_second']:.0f}",
            f"{row['p50'] * 1000:.1f} / {row['p95'] * 1000:.1f}" if row["committed"] else "–",
        ]
        for row in rows
    ]
    return (
        f"## Audit chain: writers of two chains ({concurrency} writers)\n\n"
        + markdown_table(
            [
                "database",
                "chain pairs",
                "writers",
                "mode",
                "transactions",
                f"aborted ({DEADLOCK})",
                "committed tx/s",
                "p50 / p95 ms",
            ],
            table,
            align_right_from=4,
        )
        + "\n\n"
    )


async def run(
    n: int = 2000,
    *,
    chains: list[int] | None = None,
    backends: list[str] | None = None,
    concurrency: int = 8,
    pairs: list[int] | None = None,
    pair_n: int = 400,
    quiet: bool = False,
    results_dir: Path | None = None,
) -> dict[str, Any]:
    chains = [1, 200] if chains is None else chains
    backends = backends or ["sqlite", "postgresql"]
    rows: list[dict[str, Any]] = []
    pair_rows: list[dict[str, Any]] = []
    for backend in backends:
        async with fresh_database(backend, work_dir("audit"), seed=False) as database:
            for pair_count in pairs or []:
                for mode in PAIR_MODES:
                    figures = await _measure_pairs(
                        database.factory,
                        mode,
                        n=pair_n,
                        pairs=pair_count,
                        concurrency=concurrency,
                        tag=f"pairs-{pair_count}-{mode.replace(' ', '-')}",
                    )
                    pair_rows.append({"db": backend, "pairs": pair_count, "mode": mode, **figures})
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
    markdown = ""
    if rows:
        markdown += (
            f"## Audit chain: cost per write ({n} writes each, {concurrency} writers)\n\n"
            + markdown_table(
                ["database", "chains", "mode", "writes/s", "p50 ms", "p95 ms", "Δ ms/write"],
                table,
                align_right_from=3,
            )
            + "\n\n"
        )
    if pair_rows:
        markdown += _pairs_markdown(pair_rows, concurrency)
    markdown += environment_line(env)
    payload = {
        "n": n,
        "concurrency": concurrency,
        "rows": rows,
        "pair_n": pair_n,
        "pair_rows": pair_rows,
        "environment": env,
    }
    json_path, md_path = write_results("audit", payload, markdown, results_dir)
    return {**payload, "markdown": markdown, "files": [str(json_path), str(md_path)]}
