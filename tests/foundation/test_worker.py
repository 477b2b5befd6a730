"""The worker registers every workflow of ``workflows/`` and every activity of
``activities/``, each named in thidua/worker.py: none can be left out by an optional import
or found (or missed) through the SDK's internals at start-up."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest
from temporalio import activity, workflow

import activities
import workflows
from thidua.db import create_engine, create_session_factory
from thidua.settings import Settings
from thidua.worker import engine_activities, workflow_classes

pytestmark = pytest.mark.fast


def _modules(package: ModuleType) -> list[ModuleType]:
    """Every module of ``package``, those of its subpackages (activities/documents/) too."""
    return [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
    ]


def _classes(module: ModuleType) -> list[type]:
    return [
        c for _, c in inspect.getmembers(module, inspect.isclass) if c.__module__ == module.__name__
    ]


def test_every_workflow_is_registered():
    defined = {
        definition.name
        for module in _modules(workflows)
        for cls in _classes(module)
        if (definition := workflow._Definition.from_class(cls)) is not None
    }
    registered = [workflow._Definition.must_from_class(cls).name for cls in workflow_classes()]
    assert len(registered) == len(set(registered))
    assert set(registered) == defined


async def test_every_activity_is_registered(tmp_path):
    defined = {
        definition.name
        for module in _modules(activities)
        for cls in _classes(module)
        for _, function in inspect.getmembers(cls, inspect.isfunction)
        if (definition := activity._Definition.from_callable(function)) is not None
    }
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'unused.sqlite3'}")
    try:
        settings = Settings(environment="test", data_dir=tmp_path)
        methods = engine_activities(settings, create_session_factory(engine))
    finally:
        await engine.dispose()
    registered = [activity._Definition.must_from_callable(m).name for m in methods]
    assert len(registered) == len(set(registered))
    assert set(registered) == defined
