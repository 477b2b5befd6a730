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


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
async def test_audit_benchmark_measures_writers_of_two_chains(bench_dirs, backend):
    """``--chains --pairs 2``: only the two-chain section, both ways; the writers that lock
    first never abort, and every transaction either committed or was aborted (40P01)."""
    from bench import audit_chain

    needs_backend(backend)
    result = await audit_chain.run(
        20,
        chains=[],
        pairs=[2],
        pair_n=30,
        backends=[backend],
        concurrency=4,
        quiet=True,
        results_dir=bench_dirs,
    )
    assert result["rows"] == []
    assert [(r["pairs"], r["mode"]) for r in result["pair_rows"]] == [
        (2, "one by one"),
        (2, "locks first"),
    ]
    for row in result["pair_rows"]:
        assert row["committed"] + row["aborted"] == row["transactions"] == 30
    assert result["pair_rows"][1]["aborted"] == 0
    assert "committed tx/s" in result["markdown"] and "Δ ms/write" not in result["markdown"]
    written = json.loads(next(Path(f) for f in result["files"] if f.endswith(".json")).read_text())
    assert written["pair_n"] == 30 and len(written["pair_rows"]) == 2
