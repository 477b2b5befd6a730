"""The Temporal worker: every workflow and activity of the engine, with their dependencies
built once (session factory, mailer, rule-set catalogue)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from thidua.db import SessionFactory
from thidua.settings import Settings


def workflow_classes() -> list[type]:
    from workflows.council_session import CouncilSessionWorkflow
    from workflows.decision import DecisionWorkflow
    from workflows.nomination import NominationWorkflow
    from workflows.revocation import RevocationWorkflow

    classes: list[type] = [
        NominationWorkflow,
        CouncilSessionWorkflow,
        DecisionWorkflow,
        RevocationWorkflow,
    ]
    try:  # the campaign workflows (issue 6)
        from workflows.campaign import CampaignWorkflow
        from workflows.exemplar import ExemplarWorkflow

        classes += [CampaignWorkflow, ExemplarWorkflow]
    except ImportError:
        pass
    return classes


def _activity_methods(instance: object) -> list[Callable[..., Any]]:
    """The @activity.defn methods of an activities object."""
    return [
        member
        for _, member in inspect.getmembers(instance, inspect.ismethod)
        if hasattr(member, "__temporal_activity_definition")
    ]


def activity_objects(settings: Settings, factory: SessionFactory) -> list[object]:
    from activities.documents import DocumentActivities
    from activities.notices import NoticeActivities
    from activities.projection import ProjectionActivities
    from thidua.catalogue_store import get_catalogue
    from thidua.mailer import Mailer

    catalogue = get_catalogue(str(settings.catalogue_dir), settings.city_override or "")
    objects: list[object] = [
        ProjectionActivities(factory),
        DocumentActivities(factory, settings, catalogue.get),
        NoticeActivities(factory, settings, Mailer(settings)),
    ]
    try:  # the campaign activities (issue 6)
        from activities.campaign import CampaignActivities

        objects.append(CampaignActivities(factory, settings))
    except ImportError:
        pass
    return objects


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
) -> Worker:
    activities: list[Callable[..., Any]] = []
    for instance in activity_objects(settings, factory):
        activities.extend(_activity_methods(instance))
    activities.extend(extra_activities)
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
