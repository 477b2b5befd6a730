"""The benchmarks' smoke runs: each benchmark end to end with tiny N, its work folder and
results under the test's tmp_path, PostgreSQL from THIDUA_TEST_POSTGRES_URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import POSTGRES_ADMIN_URL


@pytest.fixture
def bench_dirs(tmp_path: Path, monkeypatch) -> Path:
    """Work folders (databases, Temporal's file, PKI) and results under tmp_path."""
    import bench.common

    monkeypatch.setattr(bench.common, "WORK_DIR", tmp_path / "work")
    if POSTGRES_ADMIN_URL:
        monkeypatch.setattr(bench.common, "POSTGRES_ADMIN_URL", POSTGRES_ADMIN_URL)
    results = tmp_path / "results"
    results.mkdir()
    return results


def needs_backend(backend: str) -> None:
    if backend == "postgresql" and not POSTGRES_ADMIN_URL:
        pytest.skip("THIDUA_TEST_POSTGRES_URL is empty: PostgreSQL cases not run")
