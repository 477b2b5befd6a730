"""Fixtures of the document tests: a fresh migrated database per test (both backends)
with a ward, its signers and council (``world``), settings whose data folder is the
test's own, and a development CA made once per run and copied into each test."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from thidua.db import SessionFactory, create_engine, create_session_factory, transaction
from thidua.pki import DEV_CA_FOLDER, ensure_dev_ca, ensure_dev_tsa
from thidua.settings import Settings

from ..conftest import make_settings
from .factories import World, build_world


@pytest.fixture(scope="session")
def dev_ca_template(tmp_root: Path) -> Path:
    """The development CA of the test run (the shared PKI folder), made once."""
    settings = make_settings("sqlite+aiosqlite:///unused", tmp_root / "dev-ca-template")
    ensure_dev_ca(settings)
    ensure_dev_tsa(settings)  # the timestamp authority of the B-LT signatures (issue 18)
    return settings.pki_dir / DEV_CA_FOLDER


@pytest.fixture
def doc_settings(empty_database_url: str, tmp_path: Path, dev_ca_template: Path) -> Settings:
    """Settings of one test: its database, its data folder and its own PKI folder (a
    copy of the run's development CA, so a test may add trusted roots in isolation)."""
    settings = make_settings(
        empty_database_url,
        tmp_path / "data",
        pki_path=tmp_path / "pki",
        public_base_url="https://thidua.thachkhoi.example.vn",
    )
    shutil.copytree(dev_ca_template, settings.pki_dir / DEV_CA_FOLDER)
    return settings


@pytest.fixture
async def doc_engine(empty_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(empty_database_url, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture
def doc_factory(doc_engine: AsyncEngine) -> SessionFactory:
    return create_session_factory(doc_engine)


@pytest.fixture
async def world(doc_factory: SessionFactory) -> World:
    async with transaction(doc_factory) as session:
        return await build_world(session)
