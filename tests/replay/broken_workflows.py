"""A deliberately incompatible version of the nomination workflow (same name, a new timer
before anything else), to prove that the replay test catches such a change."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.nomination import NominationWorkflow
    from workflows.nomination_types import NominationInput


@workflow.defn(name="NominationWorkflow")
class ReorderedNominationWorkflow(NominationWorkflow):
    @workflow.run
    async def run(self, input: NominationInput):
        await workflow.sleep(timedelta(seconds=1))  # not in any saved history
        return await super().run(input)
