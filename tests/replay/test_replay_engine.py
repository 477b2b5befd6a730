"""Every change to a running workflow must replay the saved histories of running ones.

The histories under tests/replay/histories were produced by the end-to-end tests
(scripts/save_replay_histories.sh). A change that would break a nomination, council
session, decision or revocation already in flight fails here — unless it is guarded by
``workflow.patched(...)``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from thidua.settings import Settings
from thidua.temporal_client import data_converter
from thidua.worker import sandbox_runner
from workflows.council_session import CouncilSessionWorkflow
from workflows.decision import DecisionWorkflow
from workflows.nomination import NominationWorkflow
from workflows.revocation import RevocationWorkflow

pytestmark = pytest.mark.fast

HISTORIES = Path(__file__).parent / "histories"
ENGINE_PREFIXES = ("nomination-", "council-session-", "decision-")


def engine_histories() -> list[Path]:
    return sorted(p for p in HISTORIES.glob("*.json") if p.name.startswith(ENGINE_PREFIXES))


def load(path: Path) -> WorkflowHistory:
    workflow_id = path.name.split("--", 1)[0]
    return WorkflowHistory.from_json(workflow_id, path.read_text())


def replayer(*workflows) -> Replayer:
    return Replayer(
        workflows=list(workflows),
        data_converter=data_converter(Settings(environment="test")),
        workflow_runner=sandbox_runner(),
    )


def test_there_are_histories_of_every_engine_workflow():
    ids = [p.name.split("--")[0] for p in engine_histories()]
    assert any(i.startswith("nomination-") and not i.endswith("-revocation") for i in ids)
    assert any(i.endswith("-revocation") for i in ids)
    assert any(i.startswith("council-session-") for i in ids)
    assert any(i.startswith("decision-") for i in ids)


@pytest.mark.parametrize("path", engine_histories(), ids=lambda p: p.name[:70])
async def test_saved_history_replays(path):
    result = await replayer(
        NominationWorkflow, CouncilSessionWorkflow, DecisionWorkflow, RevocationWorkflow
    ).replay_workflow(load(path), raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"


async def test_an_incompatible_change_is_caught():
    from tests.replay.broken_workflows import ReorderedNominationWorkflow

    path = next(p for p in engine_histories() if p.name.startswith("nomination-1--test-giay-khen"))
    result = await replayer(ReorderedNominationWorkflow).replay_workflow(
        load(path), raise_on_replay_failure=False
    )
    assert result.replay_failure is not None
    assert (
        "Nondeterminism" in type(result.replay_failure).__name__
        or "nondetermin" in str(result.replay_failure).lower()
    )


async def test_the_clerk_step_unguarded_by_its_patch_is_caught():
    """Decisions signed before the clerk's step (Decree 30) replay only because the step is
    under ``workflow.patched("clerk-issue")``; without it their histories break."""
    from tests.replay.broken_workflows import UnguardedClerkDecisionWorkflow

    path = next(p for p in engine_histories() if p.name.startswith("decision-1--test-giay-khen"))
    assert '"sign_decision"' not in path.read_text()  # signed before the clerk's step
    result = await replayer(UnguardedClerkDecisionWorkflow).replay_workflow(
        load(path), raise_on_replay_failure=False
    )
    assert result.replay_failure is not None
    assert (
        "Nondeterminism" in type(result.replay_failure).__name__
        or "nondetermin" in str(result.replay_failure).lower()
    )


def test_there_are_histories_of_the_clerk_step():
    """At least one saved decision went through the clerk's step (signed, then issued by
    the clerk), so that later changes are checked against that path too."""
    texts = [p.read_text() for p in engine_histories() if p.name.startswith("decision-")]
    assert any('"issue_signed_decision"' in text for text in texts)


def test_there_are_histories_of_signing_on_the_signers_own_computer():
    """At least one saved decision was signed on the signer's own computer ("external-
    signature": prepared, answered, then issued by the clerk) and one whose request
    lapsed, so that later changes are checked against that path too."""
    texts = [p.read_text() for p in engine_histories() if p.name.startswith("decision-")]
    assert any(
        '"finish_decision_signature"' in text and '"issue_signed_decision"' in text
        for text in texts
    )
    # Prepared twice (the first request lapsed, the signer asked again), never answered.
    assert any(
        text.count('"prepare_decision_signature"') >= 2
        and '"finish_decision_signature"' not in text
        for text in texts
    )


def _patches(path: Path) -> set[str]:
    """The patches a saved history recorded (``workflow.patched`` markers)."""
    import base64
    import json

    found: set[str] = set()
    for event in json.loads(path.read_text())["events"]:
        marker = event.get("markerRecordedEventAttributes")
        if marker and marker["markerName"] == "core_patch":
            for details in marker["details"].values():
                for payload in details["payloads"]:
                    found.add(json.loads(base64.b64decode(payload["data"]))["id"])
    return found


async def _signing_inputs(path: Path) -> list:
    """What the decision workflow asks the signing activities for, replaying ``path``
    (an interceptor sees the activities it schedules, in replay as when it runs)."""
    from temporalio.worker import (
        Interceptor,
        StartActivityInput,
        UnsandboxedWorkflowRunner,
        WorkflowInboundInterceptor,
        WorkflowInterceptorClassInput,
        WorkflowOutboundInterceptor,
    )

    seen: list = []

    class Outbound(WorkflowOutboundInterceptor):
        def start_activity(self, input: StartActivityInput):
            if input.activity in ("sign_decision", "prepare_decision_signature"):
                seen.append(input.args[0])
            return super().start_activity(input)

    class Inbound(WorkflowInboundInterceptor):
        def init(self, outbound: WorkflowOutboundInterceptor) -> None:
            super().init(Outbound(outbound))

    class Recording(Interceptor):
        def workflow_interceptor_class(self, input: WorkflowInterceptorClassInput):
            return Inbound

    result = await Replayer(
        workflows=[DecisionWorkflow],
        data_converter=data_converter(Settings(environment="test")),
        workflow_runner=UnsandboxedWorkflowRunner(),
        interceptors=[Recording()],
    ).replay_workflow(load(path), raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"
    return seen


async def test_the_clerk_numbers_only_documents_signed_since_the_patch():
    """Since "clerk-numbers" the signer signs without a number and a date and the clerk
    gives both at issue. A decision signed before keeps the number its signature gave:
    replaying its history, the workflow still asks for a numbered signature; a history
    signed since asks for a blank one. Both kinds of history are saved."""
    decisions = [p for p in engine_histories() if p.name.startswith("decision-")]
    before = [
        p for p in decisions if "clerk-issue" in _patches(p) and "clerk-numbers" not in _patches(p)
    ]
    since = [p for p in decisions if "clerk-numbers" in _patches(p)]
    assert before and since
    for path in before:
        inputs = await _signing_inputs(path)
        assert inputs and not any(i.clerk_numbers for i in inputs), path.name
    for path in since:
        inputs = await _signing_inputs(path)
        assert inputs and all(i.clerk_numbers for i in inputs), path.name
