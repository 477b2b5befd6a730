"""The nomination, council session and decision workflows signal each other by names
declared beside the receiver's types (``SignalName`` constants), never by string literals
and without importing each other's modules: each name must be a real ``@workflow.signal``
of the receiving workflow, taking the declared payload."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from temporalio import workflow

from thidua.worker import workflow_classes
from workflows import council_types, decision_types, nomination_types
from workflows.contracts import SignalName

pytestmark = pytest.mark.fast

TYPES_MODULES = (nomination_types, council_types, decision_types)
DECLARED = [
    (f"{module.__name__}.{attribute}", value)
    for module in TYPES_MODULES
    for attribute, value in vars(module).items()
    if isinstance(value, SignalName)
]
WORKFLOWS_DIR = Path(__file__).resolve().parents[2] / "workflows"
ENGINE_MODULES = {"nomination", "council_session", "decision"}


def definitions() -> dict[str, workflow._Definition]:
    """The SDK's definition of every workflow the worker runs, by workflow type name."""
    found = [workflow._Definition.must_from_class(cls) for cls in workflow_classes()]
    return {definition.name: definition for definition in found}


@pytest.mark.parametrize(("where", "signal"), DECLARED, ids=[where for where, _ in DECLARED])
def test_the_name_is_a_signal_of_the_receiving_workflow(where: str, signal: SignalName):
    receiver = definitions().get(signal.receiver)
    assert receiver is not None, f"{where}: no workflow named {signal.receiver!r}"
    handler = receiver.signals.get(signal.name)
    assert handler is not None, f"{where}: {signal.receiver} has no signal {signal.name!r}"
    assert handler.arg_types == [signal.payload], (where, handler.arg_types)


def test_every_signal_of_the_engine_workflows_is_declared():
    """A signal handler nobody can name is dead code or a sender with a string literal."""
    declared = {(s.receiver, s.name) for _, s in DECLARED}
    receivers = {s.receiver for _, s in DECLARED}
    assert receivers == {"NominationWorkflow", "CouncilSessionWorkflow", "DecisionWorkflow"}
    handlers = {
        (name, signal)
        for name, definition in definitions().items()
        if name in receivers
        for signal in definition.signals
    }
    assert handlers == declared


@pytest.mark.parametrize("module", sorted(ENGINE_MODULES))
def test_no_string_named_signal_and_no_other_workflow_module(module: str):
    source = (WORKFLOWS_DIR / f"{module}.py").read_text(encoding="utf-8")
    assert not re.search(r"\.signal\(\s*['\"]", source), "a signal sent by a string literal"
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        if node.level == 1:
            imported.add(node.module)
        elif node.module.startswith("workflows."):
            imported.add(node.module.removeprefix("workflows."))
    assert not imported & (ENGINE_MODULES - {module}), imported
