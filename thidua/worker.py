"""The Temporal worker: every workflow and activity of the engine, with their dependencies
built once (session factory, mailer, rule-set catalogue)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from thidua.clock import SYSTEM_CLOCK, Clock
from thidua.db import SessionFactory
from thidua.settings import Settings


def workflow_classes() -> list[type]:
    """Every workflow of the engine (tests/foundation/test_worker.py: none is left out)."""
    from workflows.audit_seal import AuditSealWorkflow
    from workflows.campaign import CampaignWorkflow
    from workflows.council_session import CouncilSessionWorkflow
    from workflows.decision import DecisionWorkflow
    from workflows.exemplar import ExemplarWorkflow
    from workflows.nomination import NominationWorkflow
    from workflows.revocation import RevocationWorkflow

    return [
        NominationWorkflow,
        CouncilSessionWorkflow,
        DecisionWorkflow,
        RevocationWorkflow,
        CampaignWorkflow,
        ExemplarWorkflow,
        AuditSealWorkflow,
    ]


def engine_activities(
    settings: Settings, factory: SessionFactory, clock: Clock = SYSTEM_CLOCK
) -> list[Callable[..., Any]]:
    """Every activity of the engine, each named, on objects built once with their
    dependencies (tests/foundation/test_worker.py: none is left out)."""
    from activities.audit_seal import AuditSealActivities
    from activities.campaign import CampaignActivities
    from activities.documents.activities import DocumentActivities
    from activities.notices import NoticeActivities
    from activities.projection import ProjectionActivities
    from thidua.catalogue_store import get_catalogue
    from thidua.mailer import Mailer

    catalogue = get_catalogue(str(settings.catalogue_dir), settings.city_override or "")
    projection = ProjectionActivities(factory)
    documents = DocumentActivities(factory, settings, catalogue.get, clock=clock)
    notices = NoticeActivities(factory, settings, Mailer(settings), clock=clock)
    campaign = CampaignActivities(factory, settings, clock=clock)
    audit_seal = AuditSealActivities(factory, settings)
    return [
        projection.record_nomination_change,
        projection.record_session_change,
        projection.record_decision_change,
        projection.revoke_award,
        documents.issue_decision,  # decisions signed before the clerk's step
        documents.sign_decision,
        documents.issue_signed_decision,
        documents.prepare_decision_signature,  # signing on the official's own computer
        documents.finish_decision_signature,
        documents.issue_minutes,
        documents.issue_public_notice,
        notices.send_notices,
        notices.mark_notices_failed,
        campaign.record_campaign_change,
        campaign.record_exemplar_change,
        campaign.ward_units,
        campaign.unregistered_units,
        campaign.active_exemplars,
        campaign.milestone_report,
        campaign.draft_nomination_from_exemplar,
        audit_seal.seal_audit_trail,
    ]


def signing_activities(
    settings: Settings, factory: SessionFactory, clock: Clock = SYSTEM_CLOCK
) -> list[Callable[..., Any]]:
    """The activities that use a signing key (the signer's, the organisation's): what a
    worker on the signing hosts' task queue runs (``create_signing_worker``)."""
    from activities.documents.activities import DocumentActivities
    from thidua.catalogue_store import get_catalogue

    catalogue = get_catalogue(str(settings.catalogue_dir), settings.city_override or "")
    documents = DocumentActivities(factory, settings, catalogue.get, clock=clock)
    return [documents.issue_decision, documents.sign_decision, documents.issue_signed_decision]


def create_signing_worker(
    client: Client,
    settings: Settings,
    factory: SessionFactory,
    *,
    task_queue: str | None = None,
    clock: Clock = SYSTEM_CLOCK,
    identity: str | None = None,
) -> Worker:
    """The worker of the host that holds the signing keys (a USB token, an HSM): the
    signing activities only, on ``THIDUA_SIGNING_TASK_QUEUE``; no workflows."""
    queue = task_queue or settings.signing_task_queue
    if not queue:
        raise ValueError("THIDUA_SIGNING_TASK_QUEUE is not set")
    return Worker(
        client,
        task_queue=queue,
        activities=signing_activities(settings, factory, clock),
        # A token signs one document at a time anyway; a few at once for an HSM.
        max_concurrent_activities=4,
        identity=identity,
    )


# Pure, deterministic modules imported once outside the sandbox instead of for every
# workflow run. The types modules must be among them: inside the sandbox ``datetime`` is a
# proxy class, and dataclass fields typed ``datetime`` would not convert.
PASSTHROUGH_MODULES = (
    "domain",
    "workflows.contracts",
    "workflows.common",
    "workflows.nomination_types",
    "workflows.council_types",
    "workflows.decision_types",
    "workflows.campaign_types",
    "workflows.audit_seal_types",
)


def sandbox_runner() -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH_MODULES)
    )


def create_worker(
    client: Client,
    settings: Settings,
    factory: SessionFactory,
    *,
    task_queue: str | None = None,
    extra_activities: Sequence[Callable[..., Any]] = (),
    max_concurrent_activities: int = 50,
    clock: Clock = SYSTEM_CLOCK,
) -> Worker:
    """The worker; ``clock`` is the activities' "now" (tests give the test server's)."""
    activities = [*engine_activities(settings, factory, clock), *extra_activities]
    return Worker(
        client,
        task_queue=task_queue or settings.task_queue,
        workflows=workflow_classes(),
        activities=activities,
        workflow_runner=sandbox_runner(),
        max_concurrent_activities=max_concurrent_activities,
        max_concurrent_local_activities=max_concurrent_activities,
        max_cached_workflows=settings.worker_max_cached_workflows,
    )
