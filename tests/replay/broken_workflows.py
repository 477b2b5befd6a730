"""Deliberately incompatible versions of the engine's workflows (same names), to prove that
the replay test catches such a change: the nomination workflow with a new timer before
anything else; the decision workflow with the clerk's step unguarded by its patch."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.decision import DecisionWorkflow
    from workflows.decision_types import DecisionInput
    from workflows.nomination import NominationWorkflow
    from workflows.nomination_types import NominationInput


@workflow.defn(name="NominationWorkflow")
class ReorderedNominationWorkflow(NominationWorkflow):
    @workflow.run
    async def run(self, input: NominationInput):
        await workflow.sleep(timedelta(seconds=1))  # not in any saved history
        return await super().run(input)


@workflow.defn(name="DecisionWorkflow")
class UnguardedClerkDecisionWorkflow(DecisionWorkflow):
    """The clerk's step (Decree 30) as if it had been written without
    ``workflow.patched("clerk-issue")``: a decision signed before it would now ask for the
    signer's signature only (``sign_decision``) where its history issued it
    (``issue_decision``)."""

    @workflow.run
    async def run(self, input: DecisionInput):
        return await super().run(input)

    def _clerk_step(self) -> bool:
        return True
