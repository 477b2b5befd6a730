"""overhead: the engine's ward-level nomination against a bare Temporal workflow doing the
same number of human messages and activities, in the same run, on the same embedded
Temporal dev server (SQLite file, the flags of `thidua up`).

Engine: submit → accept → convene (agenda of one) → five ballot sheets → tally → draft
the decision → sign (numbered, rendered, signed PDF) → granted, through the JSON API over
ASGI with the engine's workflows, activities and database. Bare: `bench/bare.py`.
Batches of each alternate (engine, bare, engine, …) so that both see the same server."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from .bare import BARE_TASK_QUEUE, bare_nomination, bare_worker
from .common import (
    MemorySampler,
    Progress,
    cpu_seconds,
    engine_stack,
    environment,
    environment_line,
    fmt_seconds,
    fresh_database,
    markdown_table,
    say,
    summary,
    work_dir,
    write_results,
)
from .flows import Clock, one_nomination
from .histories import per_nomination, totals, workflow_cost
from .world import build_wards

TARGET_RATIO = 1.5


async def run(
    n: int = 20,
    *,
    concurrency: int = 1,
    db: str = "sqlite",
    warmup: int = 2,
    quiet: bool = False,
    results_dir: Path | None = None,
    analyse_histories: bool = True,
) -> dict[str, Any]:
    from thidua.pki import ensure_dev_identities

    folder = work_dir("overhead")
    env = environment()
    async with fresh_database(db, folder) as database:
        say(f"overhead: building the ward ({db})", quiet=quiet)
        ward = (await build_wards(database.factory, 1, n + warmup + concurrency))[0]
        async with engine_stack(database, folder) as engine:
            await ensure_dev_identities(database.factory, engine.settings)
            engine.run_worker(bare_worker(engine.client))
            people = list(ward.people)
            sampler = MemorySampler(engine.server_pid)
            sampler.start()

            async def engine_batch(size: int, record: dict | None) -> float:
                async def one() -> None:
                    person_id, unit_id = people.pop()
                    clock = Clock()
                    started = time.perf_counter()
                    nomination_id, granted = await one_nomination(
                        engine, ward, person_id, unit_id, clock
                    )
                    if record is not None:
                        record["granted"].append(granted)
                        record["done"].append(time.perf_counter() - started)
                        record["ids"].append(nomination_id)
                        for step, seconds in clock.marks.items():
                            record["steps"].setdefault(step, []).append(seconds)

                started = time.perf_counter()
                await asyncio.gather(*(one() for _ in range(size)))
                return time.perf_counter() - started

            counter = {"bare": 0}

            async def bare_batch(size: int, record: dict | None) -> float:
                async def one() -> None:
                    counter["bare"] += 1
                    workflow_id = f"bare-{counter['bare']}"
                    timings: dict[str, float] = {}
                    started = time.perf_counter()
                    await bare_nomination(
                        engine.client, workflow_id, task_queue=BARE_TASK_QUEUE, timings=timings
                    )
                    if record is not None:
                        record["done"].append(time.perf_counter() - started)
                        record["ids"].append(workflow_id)
                        for step, seconds in timings.items():
                            record["steps"].setdefault(step, []).append(seconds)

                started = time.perf_counter()
                await asyncio.gather(*(one() for _ in range(size)))
                return time.perf_counter() - started

            say(f"overhead: warm-up ({warmup} of each)", quiet=quiet)
            for _ in range(warmup):
                await engine_batch(1, None)
                await bare_batch(1, None)

            results: dict[str, dict] = {
                kind: {
                    "granted": [],
                    "done": [],
                    "ids": [],
                    "steps": {},
                    "wall": 0.0,
                    "worker_cpu": 0.0,
                    "server_cpu": 0.0,
                }
                for kind in ("engine", "bare")
            }
            progress = Progress("overhead", 2 * n, enabled=not quiet)
            remaining = n
            while remaining > 0:
                size = min(concurrency, remaining)
                for kind, batch in (("engine", engine_batch), ("bare", bare_batch)):
                    record = results[kind]
                    worker_before, server_before = cpu_seconds(), cpu_seconds(engine.server_pid)
                    record["wall"] += await batch(size, record)
                    record["worker_cpu"] += cpu_seconds() - worker_before
                    record["server_cpu"] += cpu_seconds(engine.server_pid) - server_before
                    progress.advance(size, note=kind)
                remaining -= size
            progress.close()
            await sampler.stop()

            costs: dict[str, Any] = {}
            if analyse_histories:
                say("overhead: reading the histories", quiet=quiet)
                engine_costs = []
                for nomination_id in results["engine"]["ids"]:
                    async with database.factory() as session:
                        from sqlalchemy import text

                        row = (
                            await session.execute(
                                text(
                                    "SELECT council_session_id, decision_id FROM nominations WHERE id = :id"
                                ),
                                {"id": nomination_id},
                            )
                        ).one()
                    for workflow_id in (
                        f"nomination-{nomination_id}",
                        f"council-session-{row[0]}",
                        f"decision-{row[1]}",
                    ):
                        engine_costs.append(await workflow_cost(engine.client, workflow_id))
                bare_costs = [await workflow_cost(engine.client, w) for w in results["bare"]["ids"]]
                costs = {"engine": totals(engine_costs), "bare": totals(bare_costs)}
                costs["engine"]["per_nomination"] = per_nomination(costs["engine"], n)
                costs["bare"]["per_nomination"] = per_nomination(costs["bare"], n)

    payload = _payload(env, db, n, concurrency, warmup, results, costs, sampler)
    payload["markdown"] = report(payload)
    payload["files"] = [
        str(p) for p in write_results("overhead", payload, payload["markdown"], results_dir)
    ]
    return payload


def _payload(env, db, n, concurrency, warmup, results, costs, sampler) -> dict[str, Any]:
    out: dict[str, Any] = {
        "benchmark": "overhead",
        "environment": env,
        "database": db,
        "nominations": n,
        "concurrency": concurrency,
        "warmup": warmup,
        "target_ratio": TARGET_RATIO,
        "peak_rss_engine_process_bytes": sampler.peak_self,
        "peak_rss_temporal_server_bytes": sampler.peak_server,
    }
    for kind, record in results.items():
        out[kind] = {
            "nominations_per_second": n / record["wall"] if record["wall"] else 0.0,
            "wall_seconds": record["wall"],
            "time_per_nomination": summary(record["done"]),
            "time_to_granted": summary(record["granted"]) if record["granted"] else None,
            "steps": {step: summary(values) for step, values in record["steps"].items()},
            "worker_process_cpu_per_nomination": record["worker_cpu"] / n,
            "temporal_server_cpu_per_nomination": record["server_cpu"] / n,
        }
    engine, bare = out["engine"], out["bare"]
    out["ratio_p50"] = engine["time_per_nomination"]["p50"] / bare["time_per_nomination"]["p50"]
    out["ratio_p95"] = engine["time_per_nomination"]["p95"] / bare["time_per_nomination"]["p95"]
    out["ratio_throughput"] = bare["nominations_per_second"] / engine["nominations_per_second"]
    out["histories"] = costs
    return out


def report(payload: dict[str, Any]) -> str:
    engine, bare = payload["engine"], payload["bare"]
    lines = [
        f"### Overhead: engine vs bare Temporal ({payload['nominations']} nominations each, "
        f"concurrency {payload['concurrency']}, {payload['database']})",
        "",
        environment_line(payload["environment"]),
        "",
        markdown_table(
            [
                "",
                "nominations/s",
                "p50 per nomination",
                "p95 per nomination",
                "worker-process CPU / nomination",
                "Temporal server CPU / nomination",
            ],
            [
                [
                    "engine (to all workflows closed)",
                    f"{engine['nominations_per_second']:.2f}",
                    fmt_seconds(engine["time_per_nomination"]["p50"]),
                    fmt_seconds(engine["time_per_nomination"]["p95"]),
                    fmt_seconds(engine["worker_process_cpu_per_nomination"]),
                    fmt_seconds(engine["temporal_server_cpu_per_nomination"]),
                ],
                [
                    "engine (to granted on the page)",
                    "",
                    fmt_seconds(engine["time_to_granted"]["p50"]),
                    fmt_seconds(engine["time_to_granted"]["p95"]),
                    "",
                    "",
                ],
                [
                    "bare workflow",
                    f"{bare['nominations_per_second']:.2f}",
                    fmt_seconds(bare["time_per_nomination"]["p50"]),
                    fmt_seconds(bare["time_per_nomination"]["p95"]),
                    fmt_seconds(bare["worker_process_cpu_per_nomination"]),
                    fmt_seconds(bare["temporal_server_cpu_per_nomination"]),
                ],
            ],
        ),
        "",
        f"Ratio engine/bare: p50 {payload['ratio_p50']:.2f}×, p95 {payload['ratio_p95']:.2f}×, "
        f"throughput {payload['ratio_throughput']:.2f}× (target ≤ {payload['target_ratio']}×: "
        + ("met" if payload["ratio_p50"] <= payload["target_ratio"] else "not met")
        + ").",
        "",
        "Steps (p50 / p95):",
        "",
        markdown_table(
            ["engine step", "p50", "p95"],
            [[s, fmt_seconds(v["p50"]), fmt_seconds(v["p95"])] for s, v in engine["steps"].items()],
        ),
        "",
        markdown_table(
            ["bare step", "p50", "p95"],
            [[s, fmt_seconds(v["p50"]), fmt_seconds(v["p95"])] for s, v in bare["steps"].items()],
        ),
    ]
    costs = payload.get("histories") or {}
    if costs:
        keys = [
            "events",
            "state_transitions",
            "workflow_tasks",
            "activities",
            "local_activities",
            "signals_received",
            "signals_sent",
            "updates",
            "timers",
            "history_bytes",
        ]
        lines += [
            "",
            "Temporal work per nomination (from the histories and `describe`):",
            "",
            markdown_table(
                ["", *keys],
                [
                    [kind, *[f"{costs[kind]['per_nomination'][k]:g}" for k in keys]]
                    for kind in ("engine", "bare")
                ],
            ),
        ]
        activity_rows = [
            [name, s["count"], fmt_seconds(s["p50"]), fmt_seconds(s["p95"])]
            for kind in ("engine", "bare")
            for name, s in costs[kind]["activity_seconds"].items()
        ]
        lines += [
            "",
            markdown_table(
                ["activity (started → completed)", "count", "p50", "p95"], activity_rows
            ),
        ]
    lines += [
        "",
        f"Peak RSS: engine process (API + worker + driver) "
        f"{payload['peak_rss_engine_process_bytes'] / 2**20:.0f} MiB, Temporal server "
        f"{payload['peak_rss_temporal_server_bytes'] / 2**20:.0f} MiB.",
    ]
    return "\n".join(lines)
