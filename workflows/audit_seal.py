"""Sealing the audit trail (issue 18): ``audit-seal-<scheduled time>``, run by the
Temporal Schedule ``audit-seal`` (daily by default, ``THIDUA_AUDIT_SEAL_INTERVAL_HOURS``).

One activity, ``seal_audit_trail``: it reads every chain's head, signs the root and
stores the seal, once per run (the workflow id is the seal's key, so a retried activity
or a replayed workflow writes one seal). No updates, signals or timers.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from .audit_seal_types import SealAuditInput, SealAuditResult

SEAL_TIMEOUT = timedelta(minutes=10)
SEAL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
    maximum_attempts=20,
)


@workflow.defn
class AuditSealWorkflow:
    @workflow.run
    async def run(self) -> SealAuditResult:
        return await workflow.execute_activity(
            "seal_audit_trail",
            SealAuditInput(seal_key=workflow.info().workflow_id, sealed_at=workflow.now()),
            result_type=SealAuditResult,
            start_to_close_timeout=SEAL_TIMEOUT,
            retry_policy=SEAL_RETRY,
        )
