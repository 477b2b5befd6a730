"""The application database: one async engine and session factory per process.

SQLite is the embedded default; PostgreSQL is production. The same code runs on both,
so anything dialect-specific lives here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SessionFactory = async_sessionmaker[AsyncSession]


def normalise_url(url: str) -> str:
    """Accept the plain URLs people type and pick the async driver for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+asyncpg://" + url[len("postgresql://") :]
    if url.startswith("sqlite:///"):
        url = "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    return url


def is_sqlite(url: str) -> bool:
    return make_url(normalise_url(url)).get_backend_name() == "sqlite"


def create_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> AsyncEngine:
    url = normalise_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # The API and the worker share one SQLite file: WAL lets readers run beside the
        # single writer, and busy_timeout makes a writer wait instead of failing.
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _sqlite_begin(conn):  # pragma: no cover - trivial
            # A deferred transaction that reads and then writes fails at once with
            # SQLITE_BUSY when another writer got in between; writers therefore take the
            # write lock up front (BEGIN IMMEDIATE, see writer_factory), readers do not.
            mode = conn.get_execution_options().get("sqlite_begin", "")
            conn.exec_driver_sql(f"BEGIN {mode}".strip())

        # The driver must not issue its own BEGIN so that the "begin" hook above owns it.
        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_autocommit_driver(dbapi_connection, _record):  # pragma: no cover
            dbapi_connection.isolation_level = None

        return engine
    return create_async_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
    )


def create_session_factory(engine: AsyncEngine, *, writer: bool = True) -> SessionFactory:
    """Sessions for a unit of work. ``writer`` ones take SQLite's write lock at BEGIN so
    that read-then-write transactions serialise instead of failing; on PostgreSQL the
    flag changes nothing."""
    bind = engine.execution_options(sqlite_begin="IMMEDIATE") if writer else engine
    return async_sessionmaker(bind, expire_on_commit=False, autoflush=False)


@asynccontextmanager
async def transaction(factory: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit on success, roll back on any error."""
    async with factory() as session, session.begin():
        yield session
