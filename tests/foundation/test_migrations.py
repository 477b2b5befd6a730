"""The migrated schema equals the models: no drift, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import models
from thidua.db import create_engine


def _diff(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, models.Base.metadata)


async def test_migrated_schema_has_no_drift_from_the_models(empty_database_url):
    engine = create_engine(empty_database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_diff)
    finally:
        await engine.dispose()
    assert differences == [], f"models and migrations differ: {differences}"
