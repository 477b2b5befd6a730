"""Where Temporal's work goes: per workflow, from its history and `describe`, the events by
kind, workflow tasks, activities and local activities, signals, updates, timers, the
server's state transitions, and how long each kind of activity ran."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from temporalio.api.enums.v1 import EventType

from .common import summary


@dataclass
class WorkflowCost:
    workflow_id: str
    kind: str
    events: int = 0
    state_transitions: int = 0
    workflow_tasks: int = 0
    activities: int = 0
    local_activities: int = 0
    signals_received: int = 0
    signals_sent: int = 0
    updates: int = 0
    timers: int = 0
    history_bytes: int = 0
    by_type: Counter = field(default_factory=Counter)
    activity_seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    schedule_to_start: list[float] = field(default_factory=list)
    workflow_task_latency: list[float] = field(default_factory=list)  # scheduled → completed


def _kind(workflow_id: str) -> str:
    for prefix in ("council-session", "decision", "nomination"):
        if workflow_id.startswith(prefix):
            return prefix
    return workflow_id.split("-")[0]


def _seconds(event) -> float:
    return event.event_time.seconds + event.event_time.nanos / 1e9


async def workflow_cost(client, workflow_id: str) -> WorkflowCost:
    handle = client.get_workflow_handle(workflow_id)
    history = await handle.fetch_history()
    description = await handle.describe()
    cost = WorkflowCost(workflow_id, _kind(workflow_id))
    cost.state_transitions = (
        description.raw_description.workflow_execution_info.state_transition_count
    )
    cost.history_bytes = description.raw_description.workflow_execution_info.history_size_bytes
    scheduled: dict[int, tuple[str, float]] = {}
    started: dict[int, float] = {}
    task_scheduled: float | None = None
    for event in history.events:
        cost.events += 1
        name = EventType.Name(event.event_type).removeprefix("EVENT_TYPE_")
        cost.by_type[name] += 1
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
            task_scheduled = _seconds(event)
        elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            cost.workflow_tasks += 1
            if task_scheduled is not None:
                cost.workflow_task_latency.append(_seconds(event) - task_scheduled)
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            cost.activities += 1
            attributes = event.activity_task_scheduled_event_attributes
            scheduled[event.event_id] = (attributes.activity_type.name, _seconds(event))
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            attributes = event.activity_task_started_event_attributes
            started[attributes.scheduled_event_id] = _seconds(event)
            if attributes.scheduled_event_id in scheduled:
                cost.schedule_to_start.append(
                    _seconds(event) - scheduled[attributes.scheduled_event_id][1]
                )
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            attributes = event.activity_task_completed_event_attributes
            name_and_time = scheduled.get(attributes.scheduled_event_id)
            begin = started.get(attributes.scheduled_event_id)
            if name_and_time and begin is not None:
                cost.activity_seconds[name_and_time[0]].append(_seconds(event) - begin)
        elif kind == EventType.EVENT_TYPE_MARKER_RECORDED:
            # Local activities and patches (workflow.patched) both leave a marker.
            if event.marker_recorded_event_attributes.marker_name == "core_local_activity":
                cost.local_activities += 1
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            cost.signals_received += 1
        elif kind == EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
            cost.signals_sent += 1
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            cost.updates += 1
        elif kind == EventType.EVENT_TYPE_TIMER_STARTED:
            cost.timers += 1
    return cost


COUNTED = (
    "events",
    "state_transitions",
    "workflow_tasks",
    "activities",
    "local_activities",
    "signals_received",
    "signals_sent",
    "updates",
    "timers",
    "history_bytes",
)


def totals(costs: list[WorkflowCost]) -> dict[str, Any]:
    """Sums per kind of workflow and overall, plus activity durations by activity type."""
    per_kind: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTED, 0))
    per_kind_count: Counter = Counter()
    durations: dict[str, list[float]] = defaultdict(list)
    latencies: list[float] = []
    queue_waits: list[float] = []
    event_types: Counter = Counter()
    for cost in costs:
        per_kind_count[cost.kind] += 1
        for name in COUNTED:
            per_kind[cost.kind][name] += getattr(cost, name)
        for activity_type, values in cost.activity_seconds.items():
            durations[activity_type] += values
        latencies += cost.workflow_task_latency
        queue_waits += cost.schedule_to_start
        event_types.update(cost.by_type)
    overall = {name: sum(k[name] for k in per_kind.values()) for name in COUNTED}
    return {
        "workflows": dict(per_kind_count),
        "per_kind": {k: dict(v) for k, v in per_kind.items()},
        "overall": overall,
        "event_types": dict(event_types.most_common()),
        "activity_seconds": {k: summary(v) for k, v in sorted(durations.items())},
        "workflow_task_seconds": summary(latencies),
        "activity_schedule_to_start_seconds": summary(queue_waits),
    }


def per_nomination(total: dict[str, Any], nominations: int) -> dict[str, float]:
    return {name: round(value / max(nominations, 1), 2) for name, value in total["overall"].items()}
