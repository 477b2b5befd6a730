"""burst: the year-end rush. N nominations across W wards (generated straight into the
database: each ward with its authority, standing body, four proposing units with their
officers, a council of five and the people nominated), filed through the JSON API with a
bounded number of requests in flight (people working at the same time); each ward's
council then sits once with its whole agenda (one ballot sheet per member), and one batch
decision per ward is drafted and signed. Measured: throughput, total time, time per
nomination (submitted → granted on the page), the latency of each command people give,
the peak memory of the engine process and of the Temporal server, the database size."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from domain.vocabulary import Stage
from models import Nomination

from . import flows
from .common import (
    Engine,
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
    separate_workers,
    summary,
    work_dir,
    write_results,
)
from .histories import per_nomination, totals, workflow_cost
from .profiler import StackSampler, diff, thread_cpu
from .world import Ward, build_wards

TARGET_SECONDS_FOR_10000 = 15 * 60
WAIT_POLL_SECONDS = 0.5


def engine_worker(client, settings, factory, **tuning: Any):
    """The engine's worker (thidua.worker.create_worker); with ``tuning``, the same worker
    built with extra Worker options, to measure what they would change."""
    from thidua.worker import create_worker

    if not tuning:
        return create_worker(client, settings, factory)
    from temporalio.worker import Worker

    from thidua.worker import engine_activities, sandbox_runner, workflow_classes

    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=workflow_classes(),
        activities=engine_activities(settings, factory),
        workflow_runner=sandbox_runner(),
        max_concurrent_activities=50,
        max_concurrent_local_activities=50,
        max_cached_workflows=settings.worker_max_cached_workflows,
        **tuning,
    )


class Commands:
    """Latency of each command, and a bound on the requests in flight."""

    def __init__(self, concurrency: int) -> None:
        self.gate = asyncio.Semaphore(concurrency)
        self.latency: dict[str, list[float]] = {}

    async def __call__(self, name: str, call):
        async with self.gate:
            started = time.perf_counter()
            result = await call
            self.latency.setdefault(name, []).append(time.perf_counter() - started)
            return result


async def _wait_stage(engine: Engine, ids: list[int], stage: Stage, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while True:
        async with engine.database.watcher() as session:
            reached = (
                await session.execute(
                    select(func.count())
                    .select_from(Nomination)
                    .where(Nomination.id.in_(ids), Nomination.stage == stage)
                )
            ).scalar_one()
        if reached == len(ids):
            return
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{len(ids) - reached} of {len(ids)} nominations not {stage.value}")
        await asyncio.sleep(WAIT_POLL_SECONDS)


async def _wait_signable(engine: Engine, decision_id: int, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while True:
        async with engine.database.watcher() as session:
            status = (
                await session.execute(
                    text("SELECT status FROM decisions WHERE id = :id"), {"id": decision_id}
                )
            ).scalar_one()
        if status == "awaiting_signature":
            return
        if time.perf_counter() > deadline:
            raise TimeoutError(f"decision {decision_id} still {status}")
        await asyncio.sleep(WAIT_POLL_SECONDS)


async def ward_year_end(
    engine: Engine,
    ward: Ward,
    count: int,
    commands: Commands,
    submitted_at: dict[int, float],
    granted_at: dict[int, float],
    progress: Progress,
    phases: dict[str, float],
    timeout: float,
) -> dict:
    """One ward: file and receive ``count`` nominations, one council session, one decision."""
    ids: list[int] = []
    for person_id, unit_id in ward.people[:count]:
        started = time.perf_counter()
        nomination_id = await commands("submit", flows.submit(engine, ward, person_id, unit_id))
        submitted_at[nomination_id] = started
        await flows.wait_recorded(engine, [nomination_id], poll=0.1, timeout=timeout)
        await commands("accept", flows.accept(engine, ward, nomination_id))
        ids.append(nomination_id)
        progress.advance(note="filing")
    phases.setdefault("filed", time.perf_counter())
    phases["last_filed"] = time.perf_counter()
    await _wait_stage(engine, ids, Stage.AWAITING_COUNCIL, timeout)
    session_id = await commands("convene", flows.convene(engine, ward, ids))
    await asyncio.gather(
        *(
            commands("ballot", flows.ballot(engine, member, session_id, ids))
            for member in ward.member_user_ids
        )
    )
    await _wait_stage(engine, ids, Stage.AWAITING_DECISION, timeout)
    decision_id = await commands("draft", flows.draft(engine, ward, ids))
    await _wait_signable(engine, decision_id, timeout)
    await commands("sign", flows.sign(engine, ward, decision_id))
    await _wait_stage(engine, ids, Stage.GRANTED, timeout)
    now = time.perf_counter()
    for nomination_id in ids:
        granted_at[nomination_id] = now
    progress.advance(0, note=f"ward {ward.number} granted")
    return {"ward": ward.number, "session_id": session_id, "decision_id": decision_id, "ids": ids}


async def run(
    n: int = 10_000,
    *,
    wards: int = 100,
    concurrency: int = 16,
    db: str = "sqlite",
    max_cached_workflows: int | None = None,
    max_concurrent_workflow_tasks: int | None = None,
    sample_histories: int = 20,
    quiet: bool = False,
    results_dir: Path | None = None,
    profile: bool = False,
    worker_processes: int = 0,
    timeout: float = 3 * 3600,
) -> dict[str, Any]:
    from thidua.db import create_session_factory
    from thidua.pki import ensure_dev_identities

    wards = max(1, min(wards, n))
    per_ward = [n // wards + (1 if i < n % wards else 0) for i in range(wards)]
    tuning = (
        {"max_concurrent_workflow_tasks": max_concurrent_workflow_tasks}
        if max_concurrent_workflow_tasks is not None
        else {}
    )
    # The cache size is a setting (THIDUA_WORKER_MAX_CACHED_WORKFLOWS), so it reaches the
    # separate worker processes too.
    overrides = (
        {"worker_max_cached_workflows": max_cached_workflows}
        if max_cached_workflows is not None
        else {}
    )
    folder = work_dir("burst")
    env = environment()
    async with fresh_database(db, folder, pool_size=20) as database:
        say(f"burst: building {wards} wards, {n:,} people ({db})", quiet=quiet)
        built = time.perf_counter()
        world = await build_wards(database.factory, wards, max(per_ward))
        # The separate workers are entered after the engine so that they stop before it.
        async with (
            engine_stack(database, folder, worker=False, settings_overrides=overrides) as engine,
            contextlib.AsyncExitStack() as separate,
        ):
            await ensure_dev_identities(database.factory, engine.settings)
            setup_seconds = time.perf_counter() - built
            worker_pids: list[int] = []
            if worker_processes:
                if tuning:
                    raise ValueError("worker tuning applies to the in-process worker only")
                worker_pids = await separate.enter_async_context(
                    separate_workers(engine.settings, worker_processes)
                )
            else:
                engine.run_worker(
                    engine_worker(
                        engine.client,
                        engine.settings,
                        create_session_factory(database.engine),
                        **tuning,
                    )
                )
            commands = Commands(concurrency)
            submitted_at: dict[int, float] = {}
            granted_at: dict[int, float] = {}
            phases: dict[str, float] = {}
            sampler = MemorySampler(engine.server_pid, worker_pids=worker_pids)
            sampler.start()
            progress = Progress("burst", n, enabled=not quiet)
            worker_cpu, server_cpu = cpu_seconds(), cpu_seconds(engine.server_pid)
            separate_cpu = sum(cpu_seconds(pid) for pid in worker_pids)
            threads_before = thread_cpu()
            stacks = StackSampler() if profile else None
            if stacks:
                stacks.start()
            started = time.perf_counter()
            outcomes = await asyncio.gather(
                *(
                    ward_year_end(
                        engine,
                        ward,
                        count,
                        commands,
                        submitted_at,
                        granted_at,
                        progress,
                        phases,
                        timeout,
                    )
                    for ward, count in zip(world, per_ward, strict=True)
                )
            )
            total_seconds = time.perf_counter() - started
            worker_cpu, server_cpu = (
                cpu_seconds() - worker_cpu,
                cpu_seconds(engine.server_pid) - server_cpu,
            )
            separate_cpu = sum(cpu_seconds(pid) for pid in worker_pids) - separate_cpu
            threads = diff(thread_cpu(), threads_before)
            if stacks:
                stacks.stop()
            progress.close()
            say("burst: waiting for every workflow to close", quiet=quiet)
            closing = time.perf_counter()
            await _wait_all_closed(engine, outcomes)
            close_seconds = time.perf_counter() - closing
            await sampler.stop()
            database_bytes = await database.size_bytes()
            temporal_bytes = sum(p.stat().st_size for p in folder.glob("temporal.sqlite3*"))
            histories: dict[str, Any] = {}
            if sample_histories:
                say(f"burst: reading the histories of {sample_histories} nominations", quiet=quiet)
                histories = await _sample_costs(engine, outcomes, sample_histories, per_ward)
            async with database.factory() as session:
                granted = (
                    await session.execute(
                        select(func.count())
                        .select_from(Nomination)
                        .where(Nomination.stage == Stage.GRANTED)
                    )
                ).scalar_one()
                awards = (
                    await session.execute(
                        text("SELECT COUNT(*) FROM award_records WHERE decision_id IS NOT NULL")
                    )
                ).scalar_one()
                notices = (await session.execute(text("SELECT COUNT(*) FROM notices"))).scalar_one()

    per_nomination_seconds = [
        granted_at[i] - submitted_at[i] for i in submitted_at if i in granted_at
    ]
    filing_seconds = phases.get("last_filed", started) - started
    payload: dict[str, Any] = {
        "benchmark": "burst",
        "environment": env,
        "database": db,
        "nominations": n,
        "wards": wards,
        "concurrency": concurrency,
        "worker_tuning": {**tuning, **overrides},
        "worker_processes": worker_processes,
        "setup_seconds": setup_seconds,
        "total_seconds": total_seconds,
        "throughput_per_second": n / total_seconds,
        "filing_seconds": filing_seconds,
        "filing_per_second": n / filing_seconds if filing_seconds > 0 else None,
        "after_filing_seconds": total_seconds - filing_seconds,
        "close_seconds": close_seconds,
        "time_per_nomination": summary(per_nomination_seconds),
        "commands": {name: summary(values) for name, values in commands.latency.items()},
        "granted": granted,
        "award_records": awards,
        "notices": notices,
        "peak_rss_engine_process_bytes": sampler.peak_self,
        "peak_rss_temporal_server_bytes": sampler.peak_server,
        "peak_rss_worker_processes_bytes": sampler.peak_workers,
        "engine_process_cpu_seconds": worker_cpu,
        "worker_processes_cpu_seconds": separate_cpu,
        "temporal_server_cpu_seconds": server_cpu,
        "thread_cpu_seconds": threads,
        "main_thread_profile": stacks.report() if stacks else None,
        "database_bytes": database_bytes,
        "temporal_database_bytes": temporal_bytes,
        "extrapolated_seconds_for_10000": total_seconds * 10_000 / n,
        "target_seconds_for_10000": TARGET_SECONDS_FOR_10000,
        "histories": histories,
    }
    payload["markdown"] = report(payload)
    payload["files"] = [
        str(p) for p in write_results("burst", payload, payload["markdown"], results_dir)
    ]
    return payload


async def _wait_all_closed(engine: Engine, outcomes: list[dict]) -> None:
    ids = [f"nomination-{i}" for o in outcomes for i in o["ids"]]
    ids += [f"council-session-{o['session_id']}" for o in outcomes]
    ids += [f"decision-{o['decision_id']}" for o in outcomes]
    gate = asyncio.Semaphore(32)

    async def one(workflow_id: str) -> None:
        async with gate:
            await engine.client.get_workflow_handle(workflow_id).result()

    await asyncio.gather(*(one(w) for w in ids))


async def _sample_costs(
    engine: Engine, outcomes: list[dict], sample: int, per_ward: list[int]
) -> dict[str, Any]:
    """Temporal work per nomination: ``sample`` nominations, plus their share of the
    council sessions and decisions of the wards they belong to."""
    nominations, shared, covered = [], [], 0
    for outcome in outcomes:
        if covered >= sample:
            break
        take = outcome["ids"][: sample - covered]
        covered += len(take)
        nominations += [await workflow_cost(engine.client, f"nomination-{i}") for i in take]
        shared.append((len(outcome["ids"]), len(take), outcome))
    session_costs, decision_costs = [], []
    for ward_size, taken, outcome in shared:
        session = await workflow_cost(engine.client, f"council-session-{outcome['session_id']}")
        decision = await workflow_cost(engine.client, f"decision-{outcome['decision_id']}")
        session_costs.append((session, taken / ward_size))
        decision_costs.append((decision, taken / ward_size))
    result = totals(nominations)
    result["per_nomination_workflow"] = per_nomination(result, covered)
    shares = {}
    for name, costs in (("council-session", session_costs), ("decision", decision_costs)):
        part = totals([c for c, _ in costs])
        shares[name] = {
            k: round(sum(getattr(c, k) * share for c, share in costs) / covered, 2)
            for k in part["overall"]
        }
        result[f"{name}_activity_seconds"] = part["activity_seconds"]
    result["per_nomination_share_of_session"] = shares["council-session"]
    result["per_nomination_share_of_decision"] = shares["decision"]
    result["per_nomination_all"] = {
        k: round(
            result["per_nomination_workflow"][k]
            + shares["council-session"][k]
            + shares["decision"][k],
            2,
        )
        for k in result["per_nomination_workflow"]
    }
    result["sampled_nominations"] = covered
    return result


def _process_rows(payload: dict[str, Any]) -> list[list[str]]:
    """Memory and CPU of the processes: one engine process as under `thidua up`, or the API
    (with the driver) and separate worker processes as under docker-compose."""
    mib = 2**20
    server = (
        f"{payload['peak_rss_temporal_server_bytes'] / mib:.0f} MiB",
        fmt_seconds(payload["temporal_server_cpu_seconds"]),
    )
    if not payload.get("worker_processes"):
        return [
            [
                "peak RSS, engine process (API + worker + driver)",
                f"{payload['peak_rss_engine_process_bytes'] / mib:.0f} MiB",
            ],
            ["peak RSS, Temporal server", server[0]],
            [
                "CPU, engine process / Temporal server",
                f"{fmt_seconds(payload['engine_process_cpu_seconds'])} / {server[1]}",
            ],
        ]
    return [
        [
            "peak RSS, API process (API + driver) / worker processes",
            f"{payload['peak_rss_engine_process_bytes'] / mib:.0f} MiB / "
            f"{payload['peak_rss_worker_processes_bytes'] / mib:.0f} MiB",
        ],
        ["peak RSS, Temporal server", server[0]],
        [
            "CPU, API process / worker processes / Temporal server",
            f"{fmt_seconds(payload['engine_process_cpu_seconds'])} / "
            f"{fmt_seconds(payload['worker_processes_cpu_seconds'])} / {server[1]}",
        ],
    ]


def report(payload: dict[str, Any]) -> str:
    met = payload["extrapolated_seconds_for_10000"] <= payload["target_seconds_for_10000"]
    lines = [
        f"### Burst: {payload['nominations']:,} nominations across {payload['wards']} wards "
        f"({payload['database']}, {payload['concurrency']} requests in flight"
        + (f", worker tuning {payload['worker_tuning']}" if payload["worker_tuning"] else "")
        + (
            f", the worker in {payload['worker_processes']} process(es) of its own"
            if payload.get("worker_processes")
            else ""
        )
        + ")",
        "",
        environment_line(payload["environment"]),
        "",
        markdown_table(
            ["measure", "value"],
            [
                [
                    "total time (first submission → last nomination granted)",
                    fmt_seconds(payload["total_seconds"]),
                ],
                ["throughput", f"{payload['throughput_per_second']:.2f} nominations/s"],
                [
                    "filing phase (submit + accept of all)",
                    f"{fmt_seconds(payload['filing_seconds'])} "
                    f"({payload['filing_per_second'] or 0:.2f} nominations/s)",
                ],
                [
                    "after filing (councils, tallies, decisions, signatures, grants)",
                    fmt_seconds(payload["after_filing_seconds"]),
                ],
                [
                    "time per nomination, submitted → granted: p50 / p95",
                    f"{fmt_seconds(payload['time_per_nomination']['p50'])} / "
                    f"{fmt_seconds(payload['time_per_nomination']['p95'])}",
                ],
                [
                    "then until every workflow closed (notices drained)",
                    fmt_seconds(payload["close_seconds"]),
                ],
                [
                    "granted / award records / notices",
                    f"{payload['granted']:,} / {payload['award_records']:,} / {payload['notices']:,}",
                ],
                *_process_rows(payload),
                [
                    "database size (engine) / Temporal's SQLite file",
                    f"{payload['database_bytes'] / 2**20:.1f} MiB / "
                    f"{payload['temporal_database_bytes'] / 2**20:.1f} MiB",
                ],
                [
                    "extrapolated to 10,000 nominations",
                    f"{fmt_seconds(payload['extrapolated_seconds_for_10000'])} (target ≤ 15 min: "
                    + ("met" if met else "not met")
                    + ")",
                ],
            ],
        ),
        "",
        markdown_table(
            ["command", "count", "p50", "p95", "max"],
            [
                [
                    name,
                    s["count"],
                    fmt_seconds(s["p50"]),
                    fmt_seconds(s["p95"]),
                    fmt_seconds(s["max"]),
                ]
                for name, s in payload["commands"].items()
            ],
        ),
    ]
    threads = payload.get("thread_cpu_seconds") or {}
    if threads:
        lines += [
            "",
            "CPU of the engine process by thread (seconds, during the run):",
            "",
            markdown_table(
                ["thread", "CPU"],
                [[k, fmt_seconds(v)] for k, v in sorted(threads.items(), key=lambda kv: -kv[1])],
            ),
        ]
    profile = payload.get("main_thread_profile")
    if profile:
        lines += [
            "",
            f"Main thread, sampled every 5 ms ({profile['samples']:,} samples, "
            f"{profile['idle_share']:.0%} idle in epoll); share of the busy samples:",
            "",
            markdown_table(
                ["part / library at the top of the stack", "share"],
                [[k, f"{v:.1%}"] for k, v in profile["part_library"].items()],
            ),
        ]
    histories = payload.get("histories") or {}
    if histories:
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
        ]
        lines += [
            "",
            f"Temporal work per nomination ({histories['sampled_nominations']} sampled, "
            "with their share of their ward's session and decision):",
            "",
            markdown_table(
                ["", *keys],
                [
                    [label, *[f"{histories[key][k]:g}" for k in keys]]
                    for label, key in (
                        ("nomination workflow", "per_nomination_workflow"),
                        ("share of the council session", "per_nomination_share_of_session"),
                        ("share of the decision", "per_nomination_share_of_decision"),
                        ("all", "per_nomination_all"),
                    )
                ],
            ),
        ]
        rows = []
        for label, key in (
            ("nomination", "activity_seconds"),
            ("council session", "council-session_activity_seconds"),
            ("decision", "decision_activity_seconds"),
        ):
            for name, s in histories.get(key, {}).items():
                rows.append([label, name, s["count"], fmt_seconds(s["p50"]), fmt_seconds(s["p95"])])
        lines += [
            "",
            markdown_table(
                ["workflow", "activity (started → completed)", "count", "p50", "p95"], rows
            ),
        ]
    return "\n".join(lines)
