"""The audit seal workflow (issue 18) replays its saved history (written by
tests/audit_chain/test_seal_workflow.py with ``--save-histories``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory

from workflows.audit_seal import AuditSealWorkflow

from .test_replay_engine import replayer

pytestmark = pytest.mark.fast

HISTORIES = sorted((Path(__file__).parent / "histories").glob("audit-seal-*.json"))


def test_there_is_a_history_of_the_seal():
    assert HISTORIES


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.name)
async def test_the_seal_history_replays(path):
    history = WorkflowHistory.from_json(path.name.split("--", 1)[0], path.read_text())
    result = await replayer(AuditSealWorkflow).replay_workflow(
        history, raise_on_replay_failure=False
    )
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"
