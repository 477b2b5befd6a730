"""Each benchmark with tiny N, so that they keep working. The figures are not judged
against the targets here (bench/README.md does that with full runs); only that they are
present, consistent and sensible."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from .conftest import needs_backend


def _written(result: dict, results: Path) -> dict:
    """The JSON and markdown files exist under the results folder; the JSON reads back."""
    files = [Path(f) for f in result["files"]]
    assert {f.suffix for f in files} == {".json", ".md"}
    assert all(f.parent == results and f.stat().st_size > 0 for f in files)
    return json.loads(next(f for f in files if f.suffix == ".json").read_text())


def _positive(value: float) -> bool:
    return isinstance(value, float | int) and not math.isnan(value) and value > 0


@pytest.mark.embedded
async def test_overhead_engine_and_bare_side_by_side(bench_dirs):
    from bench import overhead

    result = await overhead.run(2, warmup=0, quiet=True, results_dir=bench_dirs)

    for kind in ("engine", "bare"):
        figures = result[kind]
        assert figures["time_per_nomination"]["count"] == 2
        assert _positive(figures["nominations_per_second"])
        assert 0 < figures["time_per_nomination"]["p50"] <= figures["time_per_nomination"]["p95"]
    assert result["engine"]["time_to_granted"]["count"] == 2
    assert _positive(result["ratio_p50"]) and _positive(result["ratio_p95"])
    # Both did the same human messages and activities (counted from their histories).
    engine, bare = (result["histories"][k]["per_nomination"] for k in ("engine", "bare"))
    # Sign, then the clerk's issue (Decree 30): 8 updates, 17 records, 10 activities.
    assert engine["updates"] == bare["updates"] == 8
    assert engine["activities"] == bare["activities"] == 10
    assert engine["local_activities"] == bare["local_activities"] == 17
    assert "Ratio engine/bare" in result["markdown"]
    assert _written(result, bench_dirs)["nominations"] == 2


@pytest.mark.embedded
@pytest.mark.parametrize("worker_processes", [0, 1], ids=["worker-in-process", "worker-process"])
async def test_burst_grants_every_nomination_of_every_ward(bench_dirs, worker_processes):
    from bench import burst

    result = await burst.run(
        20,
        wards=2,
        concurrency=8,
        sample_histories=2,
        quiet=True,
        results_dir=bench_dirs,
        worker_processes=worker_processes,
    )

    assert result["nominations"] == 20 and result["wards"] == 2
    assert result["granted"] == 20 and result["award_records"] == 20
    assert result["time_per_nomination"]["count"] == 20
    assert _positive(result["total_seconds"]) and _positive(result["throughput_per_second"])
    assert 0 < result["time_per_nomination"]["p95"] <= result["total_seconds"]
    commands = result["commands"]
    assert commands["submit"]["count"] == commands["accept"]["count"] == 20
    assert (
        commands["convene"]["count"] == commands["draft"]["count"] == commands["sign"]["count"] == 2
    )
    assert commands["ballot"]["count"] == 2 * 5  # one sheet per member, whole agenda
    assert result["peak_rss_engine_process_bytes"] > 50 * 2**20
    if worker_processes:  # the workflows and activities ran in the `thidua worker` process
        assert result["peak_rss_worker_processes_bytes"] > 50 * 2**20
        assert result["worker_processes_cpu_seconds"] > 0
    assert result["database_bytes"] > 0 and result["temporal_database_bytes"] > 0
    assert result["histories"]["sampled_nominations"] == 2
    _written(result, bench_dirs)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)
async def test_reads_time_list_board_and_nomination_page(bench_dirs, backend):
    from bench import reads

    needs_backend(backend)
    result = await reads.run(
        [200], backends=[backend], repeat=3, quiet=True, results_dir=bench_dirs
    )

    (one,) = result["sets"]
    assert one["backend"] == backend and one["counts"]["nominations"] == 200
    kinds = {r["kind"] for r in one["reads"]}
    assert kinds == {"list", "board", "nomination"}
    for read in one["reads"]:
        assert read["status"] == 200
        assert 0 < read["p50"] <= read["p95"], read
        assert read["statements"] > 0
    # The standing officer's list counts the ward's nominations (the seed's few included).
    totals = [
        r["list_total"]
        for r in one["reads"]
        if r["label"] == "list, page 1" and r["surface"] == "api"
    ]
    assert totals and 150 <= totals[0] <= 260
    assert "Slowest p95" in result["markdown"]
    _written(result, bench_dirs)


async def test_documents_renders_signs_and_verifies(bench_dirs):
    from bench import documents

    result = await documents.run(5, repeat=1, quiet=True, results_dir=bench_dirs)

    (run,) = result["runs"]
    # The signer signed it without a number; the clerk numbered and issued it.
    assert (run["status_after_sign"], run["number_after_sign"]) == ("signed", "")
    assert run["number"] == "01/QĐ-UBND"
    assert run["award_records"] == 5
    assert run["pages"] >= 1 and run["pdf_bytes"] > 10_000
    assert run["verification_status"] == "authentic"
    assert [view["ok"] for view in run["verification_signatures"]] == [True, True]
    # Two signatures, the chairman's then the organisation's, each intact, valid, trusted
    # and covering its revision: after the first, the clerk's fill and signature (form
    # filling); after the second, only the validation data of PAdES B-LT.
    person, organisation = run["pyhanko"]
    for check in (person, organisation):
        assert check["intact"] and check["valid"] and check["trusted"], check
        assert check["coverage"] == "ENTIRE_REVISION"
    assert person["modification_level"] == "FORM_FILLING"
    assert organisation["modification_level"] == "LTA_UPDATES"
    assert result["all_signatures_valid"]
    # Each step's parts were timed inside it, and the two steps make the total.
    assert _positive(run["render_seconds"]) and _positive(run["signer_sign_seconds"])
    assert run["render_seconds"] + run["signer_sign_seconds"] < run["signer_seconds"]
    assert run["field_appearances"] == 4 and _positive(run["field_appearance_seconds"])
    assert run["field_appearance_seconds"] < run["fill_seconds"]
    assert _positive(run["organisation_sign_seconds"])
    assert run["fill_seconds"] + run["organisation_sign_seconds"] < run["clerk_seconds"]
    assert run["total_seconds"] == run["signer_seconds"] + run["clerk_seconds"]
    _written(result, bench_dirs)
