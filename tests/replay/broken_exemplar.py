"""The exemplar workflow without the notice that asks the public service centre to
publish a summarized model: replaying a history made under the ``exemplar-publish-notice``
patch with it must fail, which proves the saved history holds that notice."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.campaign_types import ExemplarInput, ExemplarResult
    from workflows.exemplar import ExemplarWorkflow


@workflow.defn(name="ExemplarWorkflow")
class SilentExemplarWorkflow(ExemplarWorkflow):
    @workflow.run
    async def run(self, input: ExemplarInput) -> ExemplarResult:
        return await super().run(input)

    def _notify(self, key, kind, recipients, **context) -> None:
        if kind != "exemplar_publish_requested":
            super()._notify(key, kind, recipients, **context)
