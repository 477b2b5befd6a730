"""Alembic environment: async engine, the models' metadata, compare_type on."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

import models
from thidua.db import create_engine, normalise_url
from thidua.settings import get_settings

config = context.config
target_metadata = models.Base.metadata


def _url() -> str:
    return normalise_url(
        config.attributes.get("database_url") or get_settings().resolved_database_url
    )


def _configure(connection: Connection | None = None, **kwargs) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=True,  # SQLite alters tables by copying them
        connection=connection,
        **kwargs,
    )


def run_migrations_offline() -> None:
    _configure(url=_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_engine(_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_sync(connection)
    else:
        asyncio.run(_run_async())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
