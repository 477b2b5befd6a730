"""A stand-in for a nomination that never answers: it takes every signal the council
session and decision workflows send a nomination, under the names they send them, and
confirms nothing (as a nomination whose workflow tasks keep failing would)."""

from __future__ import annotations

from temporalio import workflow

from workflows.nomination_types import (
    COUNCIL_RESULT,
    DOCUMENT_ISSUED,
    DOCUMENT_WITHDRAWN,
    INCLUDED_IN_DOCUMENT,
    PLACED_ON_AGENDA,
    AgendaPlacement,
    CouncilResult,
    DocumentIssued,
    DocumentPlacement,
    DocumentWithdrawn,
)


@workflow.defn
class SilentNomination:
    def __init__(self) -> None:
        self._heard: list[str] = []

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: False)

    @workflow.signal(name=PLACED_ON_AGENDA.name)
    def placed_on_agenda(self, placement: AgendaPlacement) -> None:
        self._heard.append(PLACED_ON_AGENDA.name)

    @workflow.signal(name=COUNCIL_RESULT.name)
    def council_result(self, result: CouncilResult) -> None:
        self._heard.append(f"{COUNCIL_RESULT.name}: {result.removed_reason}")

    @workflow.signal(name=INCLUDED_IN_DOCUMENT.name)
    def included_in_document(self, placement: DocumentPlacement) -> None:
        self._heard.append(INCLUDED_IN_DOCUMENT.name)

    @workflow.signal(name=DOCUMENT_ISSUED.name)
    def document_issued(self, issued: DocumentIssued) -> None:
        self._heard.append(DOCUMENT_ISSUED.name)

    @workflow.signal(name=DOCUMENT_WITHDRAWN.name)
    def document_withdrawn(self, withdrawn: DocumentWithdrawn) -> None:
        self._heard.append(f"{DOCUMENT_WITHDRAWN.name}: {withdrawn.reason}")

    @workflow.query
    def heard(self) -> list[str]:
        return list(self._heard)
