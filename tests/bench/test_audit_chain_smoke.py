"""The audit chain's cost benchmark (issue 18) with tiny N: both ways write every row
and the figures are there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import needs_backend


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_audit_benchmark_measures_plain_and_chained_writes(bench_dirs, backend):
    from bench import audit_chain

    needs_backend(backend)
    result = await audit_chain.run(
        20, chains=[1, 3], backends=[backend], concurrency=4, quiet=True, results_dir=bench_dirs
    )
    assert [(r["chains"], r["mode"]) for r in result["rows"]] == [
        (1, "plain"),
        (1, "chained"),
        (3, "plain"),
        (3, "chained"),
    ]
    assert all(r["count"] == r["writes"] == 20 and r["per_second"] > 0 for r in result["rows"])
    written = json.loads(next(Path(f) for f in result["files"] if f.endswith(".json")).read_text())
    assert written["n"] == 20 and "Δ ms/write" in result["markdown"]
