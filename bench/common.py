"""What every benchmark shares: a fresh database, the engine assembled the way `thidua up`
runs it (embedded Temporal dev server with a SQLite file, the engine's worker, the JSON API
over ASGI in the same process), statistics, a progress line, memory sampling, and the
results written under ``bench/results/`` (JSON + a markdown table)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import resource
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402

from thidua.db import SessionFactory, create_engine, create_session_factory, normalise_url  # noqa: E402
from thidua.settings import Settings  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
WORK_DIR = ROOT / "data" / "bench"  # on the same disk as a real data folder (not tmpfs)
POSTGRES_ADMIN_URL = os.environ.get(
    "THIDUA_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


# ---- statistics --------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-fraction * len(ordered) // 1))))
    return ordered[rank - 1]


def summary(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {"count": 0}
    return {
        "count": len(values),
        "mean": sum(values) / len(values),
        "p50": percentile(values, 0.50),
        "p95": percentile(values, 0.95),
        "max": max(values),
    }


def fmt_seconds(value: float) -> str:
    if value != value:  # NaN
        return "–"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 120:
        return f"{value:.2f} s"
    return f"{int(value // 60)} min {value % 60:.0f} s"


# ---- progress ----------------------------------------------------------------------------


class Progress:
    """One line on stderr, rewritten at most twice a second: done/total, rate, ETA."""

    def __init__(self, label: str, total: int, *, enabled: bool = True) -> None:
        self.label = label
        self.total = max(total, 1)
        self.done = 0
        self.enabled = enabled
        self.started = time.perf_counter()
        self._shown = 0.0
        self.note = ""

    def advance(self, count: int = 1, note: str | None = None) -> None:
        self.done += count
        if note is not None:
            self.note = note
        now = time.perf_counter()
        if self.enabled and (now - self._shown >= 0.5 or self.done >= self.total):
            self._shown = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        remaining = (self.total - self.done) / rate if rate > 0 else float("nan")
        width = 28
        filled = int(width * min(self.done / self.total, 1.0))
        bar = "#" * filled + "." * (width - filled)
        eta = fmt_seconds(remaining) if self.done < self.total else "done"
        line = (
            f"\r{self.label} [{bar}] {self.done:,}/{self.total:,} {rate:.1f}/s "
            f"{fmt_seconds(elapsed)} elapsed, ETA {eta} {self.note}"
        )
        sys.stderr.write(line[:160].ljust(100))
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.perf_counter())
            sys.stderr.write("\n")
            sys.stderr.flush()


def say(message: str, *, quiet: bool = False) -> None:
    if not quiet:
        print(f"... {message}", file=sys.stderr, flush=True)


# ---- memory ------------------------------------------------------------------------------


def rss_bytes(pid: int | None = None) -> int:
    """The resident set of a process now (Linux /proc)."""
    path = Path(f"/proc/{pid or os.getpid()}/status")
    try:
        for line in path.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def peak_rss_self() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid or os.getpid()}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks
    except (OSError, IndexError, ValueError):
        return 0.0


class MemorySampler:
    """Samples the RSS of this process (API + worker, or the API alone when the worker runs
    in processes of its own), of the Temporal server and of separate worker processes."""

    def __init__(
        self, server_pid: int | None, interval: float = 0.5, worker_pids: Sequence[int] = ()
    ) -> None:
        self.server_pid = server_pid
        self.worker_pids = list(worker_pids)
        self.interval = interval
        self.peak_self = 0
        self.peak_server = 0
        self.peak_workers = 0
        self._task: asyncio.Task | None = None

    def sample(self) -> None:
        self.peak_self = max(self.peak_self, rss_bytes())
        if self.server_pid:
            self.peak_server = max(self.peak_server, rss_bytes(self.server_pid))
        if self.worker_pids:
            self.peak_workers = max(
                self.peak_workers, sum(rss_bytes(pid) for pid in self.worker_pids)
            )

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self.sample()
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


# ---- environment and results -------------------------------------------------------------


def git_commit() -> tuple[str, bool]:
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        or "unknown"
    )
    dirty = subprocess.run(
        [
            "git",
            "status",
            "--porcelain",
            "--",
            "api",
            "activities",
            "workflows",
            "thidua",
            "models",
            "domain",
            "templates",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return commit, bool(dirty)


def temporal_cli_version() -> str:
    from thidua.embedded import temporal_cli_path

    try:
        out = subprocess.run(
            [temporal_cli_path(), "--version"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        return out.splitlines()[0] if out else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def environment() -> dict[str, Any]:
    commit, dirty = git_commit()
    return {
        "commit": commit,
        "uncommitted_engine_changes": dirty,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "temporal_cli": temporal_cli_version(),
    }


def environment_line(env: dict[str, Any]) -> str:
    return (
        f"Commit `{env['commit']}`{' (with uncommitted engine changes)' if env['uncommitted_engine_changes'] else ''}, "
        f"{env['date']}, Python {env['python']}, {env['cpus']} CPUs, {env['memory_gib']} GiB, "
        f"{env['temporal_cli']}."
    )


def write_results(
    name: str, payload: dict[str, Any], markdown: str, directory: Path | None = None
) -> tuple[Path, Path]:
    """``<name>-<UTC timestamp>.json`` and ``.md`` under bench/results/ (or ``directory``)."""
    directory = directory or RESULTS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    json_path = directory / f"{name}-{stamp}.json"
    md_path = directory / f"{name}-{stamp}.md"
    json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
    md_path.write_text(markdown.rstrip() + "\n")
    return json_path, md_path


def markdown_table(
    header: Sequence[str], rows: Sequence[Sequence[Any]], align_right_from: int = 1
) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i < align_right_from else "---:" for i in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# ---- databases ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def work_dir(prefix: str) -> Path:
    folder = WORK_DIR / f"{prefix}-{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class Database:
    backend: str
    url: str
    engine: AsyncEngine
    folder: Path
    pg_name: str | None = None
    _watcher: AsyncEngine | None = None

    @property
    def factory(self) -> SessionFactory:
        return create_session_factory(self.engine)

    @property
    def watcher(self) -> SessionFactory:
        """Read-only sessions on a connection pool of their own, for the benchmark's
        driver to watch the projection (the page reload of a person waiting). Not the
        engine's pool, and no write lock: a writer session takes SQLite's write lock at
        BEGIN (BEGIN IMMEDIATE), so a driver polling through it would queue behind the
        engine's writers, hold the engine's pooled connections meanwhile and slow the very
        thing it measures."""
        if self._watcher is None:
            self._watcher = create_engine(self.url, pool_size=5)
        return create_session_factory(self._watcher, writer=False)

    async def dispose(self) -> None:
        if self._watcher is not None:
            await self._watcher.dispose()
        await self.engine.dispose()

    async def size_bytes(self) -> int:
        if self.backend == "sqlite":
            path = Path(self.url.split("///", 1)[1])
            return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())
        async with self.engine.connect() as connection:
            return (
                await connection.execute(text("SELECT pg_database_size(current_database())"))
            ).scalar_one()

    async def analyze(self) -> None:
        async with self.engine.connect() as connection:
            if self.backend == "postgresql":
                connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text("ANALYZE"))
            else:
                await connection.execute(text("ANALYZE"))
                await connection.commit()


async def _pg_admin(*statements: str) -> None:
    admin = create_engine(POSTGRES_ADMIN_URL, pool_size=1)
    try:
        async with admin.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await admin.dispose()


@contextlib.asynccontextmanager
async def fresh_database(
    backend: str, folder: Path, *, seed: bool = True, pool_size: int = 10, signers: bool = True
) -> AsyncIterator[Database]:
    """A new, migrated database (with the demo seed and the chairmen's development signing
    identities unless told otherwise), dropped (PostgreSQL) at the end."""
    from thidua.migrate import upgrade

    pg_name = None
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{folder / 'thidua.sqlite3'}"
    elif backend == "postgresql":
        pg_name = f"thidua_bench_{secrets.token_hex(4)}"
        await _pg_admin(f'CREATE DATABASE "{pg_name}"')
        url = normalise_url(POSTGRES_ADMIN_URL).rsplit("/", 1)[0] + f"/{pg_name}"
    else:
        raise ValueError(f"unknown database backend {backend!r} (sqlite or postgresql)")
    engine = create_engine(url, pool_size=pool_size)
    database = Database(backend, url, engine, folder, pg_name)
    try:
        await upgrade(engine)
        if seed:
            from thidua.pki import ensure_dev_identities
            from thidua.seed import seed_demo

            settings = bench_settings(database, folder)
            await seed_demo(database.factory, settings=settings)
            if signers:
                await ensure_dev_identities(database.factory, settings)
        yield database
    finally:
        await database.dispose()
        if pg_name:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def bench_settings(database: Database, folder: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = dict(
        environment="development",
        database_url=database.url,
        data_dir=folder,
        pki_path=folder / "pki",
        temporal_address="embedded",
        temporal_embedded_port=free_port(),
        temporal_ui_port=free_port(),
        task_queue="thidua",
        mail_enabled=False,  # notices go to the inbox table; no SMTP server in a benchmark
        log_level="WARNING",
        access_token_minutes=24 * 60,
    )
    values.update(overrides)
    return Settings(**values)


# ---- the engine --------------------------------------------------------------------------


@dataclass
class Engine:
    """The embedded Temporal server, the engine's worker and its JSON API (ASGI), as one
    process runs them under `thidua up`."""

    settings: Settings
    database: Database
    client: Any
    embedded: Any
    app: Any
    http: httpx.AsyncClient
    workers: list[Any] = field(default_factory=list)
    _runs: list[asyncio.Task] = field(default_factory=list)
    _tokens: dict[int, str] = field(default_factory=dict)

    def headers(self, user_id: int) -> dict[str, str]:
        from thidua.security import create_access_token

        if user_id not in self._tokens:
            self._tokens[user_id] = create_access_token(self.settings.secret_key, user_id, 24 * 60)[
                0
            ]
        return {"Authorization": f"Bearer {self._tokens[user_id]}"}

    async def post(self, user_id: int, path: str, body: Any = None) -> httpx.Response:
        return await self.http.post(path, json=body, headers=self.headers(user_id))

    async def get(self, user_id: int, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.get(path, headers=self.headers(user_id), **kwargs)

    def run_worker(self, worker: Any) -> None:
        self.workers.append(worker)
        self._runs.append(asyncio.create_task(worker.run()))

    @property
    def server_pid(self) -> int | None:
        return self.embedded.process.pid if self.embedded and self.embedded.process else None


@contextlib.asynccontextmanager
async def engine_stack(
    database: Database,
    folder: Path,
    *,
    worker: bool = True,
    worker_options: dict[str, Any] | None = None,
    settings_overrides: dict[str, Any] | None = None,
) -> AsyncIterator[Engine]:
    from api.app import create_app
    from api.state import AppState, make_templates
    from thidua.embedded import EmbeddedTemporal
    from thidua.temporal_client import connect
    from thidua.worker import create_worker

    settings = bench_settings(database, folder, **(settings_overrides or {}))
    embedded = EmbeddedTemporal(settings)
    await embedded.start()
    http = None
    stack = None
    # As under `thidua up`: the API has its own engine (api.state.build_state) and the
    # worker uses another, so each has its own connection pool (on SQLite: 5 + 10
    # overflow, each writer holding its connection while it waits for the write lock).
    api_engine = create_engine(database.url)
    try:
        client = await connect(settings, identity="thidua-bench")
        state = AppState(
            settings=settings,
            engine=api_engine,
            writer=create_session_factory(api_engine, writer=True),
            reader=create_session_factory(api_engine, writer=False),
            templates=make_templates(),
            temporal=client,
        )
        app = create_app(settings, state=state)
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=300
        )
        stack = Engine(settings, database, client, embedded, app, http)
        if worker:
            stack.run_worker(
                create_worker(
                    client,
                    settings,
                    create_session_factory(database.engine),
                    **(worker_options or {}),
                )
            )
        yield stack
    finally:
        if stack is not None:
            for running in stack.workers:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(running.shutdown(), 30)
            for task in stack._runs:
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(task, 5)
        if http is not None:
            await http.aclose()
        await api_engine.dispose()
        await embedded.stop()


def settings_environment(settings: Settings) -> dict[str, str]:
    """The settings as ``THIDUA_*`` variables, so that a `thidua` command started beside the
    benchmark runs against the same database, Temporal server and files."""
    env = {
        f"THIDUA_{name.upper()}": str(value)
        for name, value in settings.model_dump().items()
        if value is not None
    }
    env["THIDUA_TEMPORAL_ADDRESS"] = settings.resolved_temporal_address
    return env


@contextlib.asynccontextmanager
async def separate_workers(settings: Settings, count: int) -> AsyncIterator[list[int]]:
    """``count`` `thidua worker` processes, as docker-compose runs the worker in a container
    of its own: Python runs workflows and activities on one core per process while this
    process serves the API (and drives the benchmark) on another. Yields their pids; stops
    them as Ctrl-C would (SIGTERM), killing one that has not stopped in 30 s. Their output
    (the SDK's warnings about slow workflow tasks under load) goes to ``worker-<n>.log`` in
    the benchmark's folder, away from the figures on stdout."""
    environment = {**os.environ, **settings_environment(settings)}
    processes = []
    for number in range(1, count + 1):
        with (settings.data_dir / f"worker-{number}.log").open("ab") as log:  # noqa: ASYNC230 (opening a log file)
            processes.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-c",
                    "import sys; from thidua.cli import main; sys.exit(main(['worker']))",
                    cwd=ROOT,
                    env=environment,
                    stdout=log,
                    stderr=asyncio.subprocess.STDOUT,
                )
            )
    try:
        yield [process.pid for process in processes]
    finally:
        for process in processes:
            if process.returncode is None:
                process.terminate()
        for process in processes:
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()


def check(response: httpx.Response, expected: int, what: str) -> Any:
    if response.status_code != expected:
        raise RuntimeError(f"{what}: HTTP {response.status_code} {response.text[:400]}")
    return response.json()
