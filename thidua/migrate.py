"""Applying Alembic migrations from code (``thidua migrate``, ``thidua up``, tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import AsyncEngine

from .settings import PROJECT_ROOT


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def _upgrade_on(connection, config: Config, revision: str) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database to ``revision`` over an existing async engine."""
    config = alembic_config()
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade_on, config, revision)


def _current_heads(connection) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    return set(MigrationContext.configure(connection).get_current_heads())


async def is_up_to_date(engine: AsyncEngine) -> bool:
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    async with engine.connect() as connection:
        current = await connection.run_sync(_current_heads)
    return current == heads
