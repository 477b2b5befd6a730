"""The campaign and exemplar workflows still replay their saved histories: a change to
their code that would break the campaigns already running fails here first (guard such a
change with ``workflow.patched``). Regenerate the fixtures with
``scripts/save_campaign_histories.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from thidua.settings import Settings
from thidua.temporal_client import data_converter
from thidua.worker import sandbox_runner
from workflows.campaign import CampaignWorkflow
from workflows.exemplar import ExemplarWorkflow

pytestmark = pytest.mark.fast

HISTORIES = Path(__file__).parent / "histories"
FIXTURES = sorted(HISTORIES.glob("campaign-*.json")) + sorted(HISTORIES.glob("exemplar-*.json"))


def test_every_year_and_both_exemplar_endings_are_saved():
    names = {path.stem for path in FIXTURES}
    # The first fixtures are named by the year of the 2026-2030 rehearsal; the rehearsal now
    # runs on years relative to the day it runs, and names them by run (one run per year).
    by_year = {f"campaign-{year}" for year in range(2026, 2031)}
    by_run = {f"campaign-run-{run}" for run in range(1, 6)}
    assert by_year <= names or by_run <= names, sorted(names)
    assert {"exemplar-replicated-nominated", "exemplar-dropped"} <= names


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda path: path.stem)
async def test_saved_history_replays(path: Path):
    history = load(path)
    replayer = Replayer(
        workflows=[CampaignWorkflow, ExemplarWorkflow],
        data_converter=data_converter(Settings(environment="test")),
        workflow_runner=sandbox_runner(),
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"


async def test_the_publish_notice_is_in_its_saved_history():
    """Negative control: the history saved under the ``exemplar-publish-notice`` patch does
    not replay once the notice to the public service centre is left out."""
    from tests.replay.broken_exemplar import SilentExemplarWorkflow

    replayer = Replayer(
        workflows=[SilentExemplarWorkflow],
        data_converter=data_converter(Settings(environment="test")),
        workflow_runner=sandbox_runner(),
    )
    result = await replayer.replay_workflow(
        load(HISTORIES / "exemplar-publish-notice.json"), raise_on_replay_failure=False
    )
    assert result.replay_failure is not None
    assert (
        "nondetermin" in f"{type(result.replay_failure).__name__} {result.replay_failure}".lower()
    )
