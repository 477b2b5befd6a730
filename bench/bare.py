"""The baseline of the overhead benchmark: one bare Temporal workflow that performs, for one
nomination, the same number of human messages and activities as the engine does for a
ward-level nomination decided by its own council session and its own decision, with
trivial bodies (no database, no document, no validation, no timers).

What the engine runs for one such nomination (counted from its workflows, and checked
against its histories by the benchmark):

- human messages (updates): accept (1), ballot sheets (5), sign (1), the clerk's issue
  (1, Decree 30) = 8;
- local activities (projection writes): nomination 6 (submitted, accepted,
  placed_on_agenda, council_passed, included_in_document, granted), session 7 (opened,
  5 ballots, closed), decision 4 (drafted, signature_requested, signed, issued) = 17;
- activities: notices 7 (dossier_submitted, dossier_received, ballot_open,
  session_closed, signature_requested, issue_requested, granted), documents 3 (minutes,
  the signer's signature, the organisation's) = 10.

The bare workflow does the same 8 updates, 17 local activities and 10 activities (the
notices started without waiting and drained at the end, the documents awaited, as the
engine does) in one workflow. The engine needs three workflows (a council session and a
decision serve many nominations) and signals between them; that structure is part of what
the comparison measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio import activity, workflow

BARE_TASK_QUEUE = "bare"
MEMBERS = 5
_TIMEOUT = timedelta(seconds=30)


@dataclass
class BareStep:
    key: str


@dataclass
class BareResult:
    steps: int


@activity.defn(name="bare_record")
async def bare_record(step: BareStep) -> bool:
    return True


@activity.defn(name="bare_notice")
async def bare_notice(step: BareStep) -> bool:
    return True


@activity.defn(name="bare_document")
async def bare_document(step: BareStep) -> str:
    return step.key


BARE_ACTIVITIES = [bare_record, bare_notice, bare_document]


@workflow.defn(name="BareNomination")
class BareNominationWorkflow:
    def __init__(self) -> None:
        self._accepted = False
        self._ballots = 0
        self._awaiting_signature = False
        self._signed = False
        self._issued = False
        self._records = 0
        self._notices: list[workflow.ActivityHandle] = []

    async def _record(self, what: str) -> None:
        self._records += 1
        await workflow.execute_local_activity(
            bare_record, BareStep(what), start_to_close_timeout=_TIMEOUT
        )

    def _notify(self, what: str) -> None:
        self._notices.append(
            workflow.start_activity(bare_notice, BareStep(what), start_to_close_timeout=_TIMEOUT)
        )

    async def _document(self, what: str) -> None:
        await workflow.execute_activity(
            bare_document, BareStep(what), start_to_close_timeout=_TIMEOUT
        )

    @workflow.run
    async def run(self, nomination: str) -> BareResult:
        await self._record("submitted")
        self._notify("dossier_submitted")
        await workflow.wait_condition(lambda: self._accepted)
        await self._record("session_opened")
        await self._record("placed_on_agenda")
        self._notify("ballot_open")
        await workflow.wait_condition(lambda: self._ballots == MEMBERS)
        await self._record("session_closed")
        await self._document("minutes")
        await self._record("council_passed")
        self._notify("session_closed")
        await self._record("drafted")
        await self._record("included_in_document")
        await self._record("signature_requested")
        self._notify("signature_requested")
        self._awaiting_signature = True
        await workflow.wait_condition(lambda: self._issued)
        await self._record("granted")
        self._notify("granted")
        await workflow.wait_condition(workflow.all_handlers_finished)
        for handle in self._notices:
            await handle
        return BareResult(steps=self._records)

    @workflow.update
    async def accept(self, note: str) -> str:
        await self._record("accepted")
        self._notify("dossier_received")
        self._accepted = True
        return "accepted"

    @workflow.update
    async def ballot(self, member: int) -> int:
        await self._record("ballot_cast")
        self._ballots += 1
        return self._ballots

    @workflow.update
    async def sign(self, signer: str) -> str:
        await workflow.wait_condition(lambda: self._awaiting_signature)
        await self._document("decision")
        await self._record("signed")
        self._notify("issue_requested")
        self._signed = True
        return "signed"

    @workflow.update
    async def issue(self, clerk: str) -> str:
        await workflow.wait_condition(lambda: self._signed)
        await self._document("sealed")
        await self._record("issued")
        self._issued = True
        return "issued"


def bare_worker(client, *, task_queue: str = BARE_TASK_QUEUE, **options):
    """A worker for the bare workflow, with the engine worker's sandbox and limits."""
    from temporalio.worker import Worker

    from thidua.worker import sandbox_runner

    return Worker(
        client,
        task_queue=task_queue,
        workflows=[BareNominationWorkflow],
        activities=BARE_ACTIVITIES,
        workflow_runner=sandbox_runner(),
        max_concurrent_activities=50,
        max_concurrent_local_activities=50,
        **options,
    )


async def bare_nomination(
    client,
    workflow_id: str,
    *,
    task_queue: str = BARE_TASK_QUEUE,
    timings: dict[str, float] | None = None,
) -> BareResult:
    """Drive one bare nomination as people would: start, accept, five ballots, sign,
    issue."""
    import time

    clock = time.perf_counter
    marks: dict[str, float] = {}
    start = clock()
    handle = await client.start_workflow(
        BareNominationWorkflow.run, workflow_id, id=workflow_id, task_queue=task_queue
    )
    marks["submit"] = clock() - start
    step = clock()
    await handle.execute_update(BareNominationWorkflow.accept, "Đủ hồ sơ")
    marks["accept"] = clock() - step
    step = clock()
    for member in range(MEMBERS):
        await handle.execute_update(BareNominationWorkflow.ballot, member)
    marks["ballots"] = clock() - step
    step = clock()
    await handle.execute_update(BareNominationWorkflow.sign, "chairman")
    await handle.execute_update(BareNominationWorkflow.issue, "clerk")
    marks["sign"] = clock() - step
    step = clock()
    result = await handle.result()
    marks["close"] = clock() - step
    if timings is not None:
        timings.update(marks)
    return result
