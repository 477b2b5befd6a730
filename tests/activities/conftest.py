"""The activities run as Temporal runs them (``temporalio.testing.ActivityEnvironment``),
on a fresh database migrated for the test. The modules here choose SQLite for the fast
tier; the same activities run on PostgreSQL in the end-to-end tests."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
from temporalio.testing import ActivityEnvironment

from tests.documents.factories import World, build_world
from thidua.db import SessionFactory, create_engine, create_session_factory, transaction


@pytest.fixture
async def db(empty_database_url) -> AsyncIterator[SessionFactory]:
    engine = create_engine(empty_database_url, pool_size=5)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def world(db: SessionFactory) -> World:
    """A ward with its authority, signers, standing body, council and a school."""
    async with transaction(db) as session:
        return await build_world(session)


def as_temporal_runs(
    activity_type: str, *, workflow_id: str = "", attempt: int = 1, local: bool = True
) -> ActivityEnvironment:
    """An activity environment whose ``activity.info()`` says what Temporal would: the
    activity's name, the workflow that asked, the attempt (2 and more: a retry)."""
    env = ActivityEnvironment()
    env.info = dataclasses.replace(
        env.info,
        activity_type=activity_type,
        workflow_id=workflow_id,
        attempt=attempt,
        is_local=local,
    )
    return env
