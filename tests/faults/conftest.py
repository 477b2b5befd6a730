"""Fault tests: the engine assembled from its real parts, then one part made to fail.

- ``assembled(...)``: the seeded database, the API (in this process) and a Temporal
  server, with or without the in-process worker.
- ``WorkerProcess``: `thidua worker` as a separate process (through worker_main.py), so a
  test can SIGKILL it mid-activity and start another.
- ``outcome_of(...)``: what a user would count after the fault — audit events, notices,
  documents, award records, decision numbers — read from the database.

Every test is bounded: waits have deadlines, processes are killed in ``finally``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from models import AuditEvent, AwardRecord, Decision, Document, Notice
from thidua.clock import SYSTEM_CLOCK
from thidua.db import create_engine
from thidua.seed import SEED_ACTOR
from thidua.settings import Settings

from ..harness import Harness

WORKER_MAIN = Path(__file__).with_name("worker_main.py")
MEMBERS = ("chutich", "phochutich", "uyvien.vhxh", "uyvien.mttq", "uyvien.xdd")


@dataclass
class ServerOnly:
    """What Harness needs of a Temporal environment when the server is not a
    WorkflowEnvironment (the embedded server): its client, and real-time sleeping."""

    client: Client

    async def sleep(self, duration) -> None:
        await asyncio.sleep(duration.total_seconds())


@contextlib.asynccontextmanager
async def assembled(settings: Settings, env, *, worker: bool = True) -> AsyncIterator[Harness]:
    """The API on ``settings.database_url`` and ``env.client``; the in-process worker on
    ``settings.task_queue`` unless ``worker=False`` (a WorkerProcess then does the work)."""
    engine = create_engine(settings.database_url, pool_size=10)
    # A real server keeps the machine's time, and so must the application beside it: these
    # tests cut and restart parts mid-flow, and no outcome of theirs depends on the date.
    clock = SYSTEM_CLOCK if isinstance(env, ServerOnly) else None
    harness = Harness(settings, engine, env, settings.task_queue, clock=clock)
    if clock is None:
        await harness.clock.sync()
    await harness.load_ids()
    if worker:
        await harness.start_worker()
    try:
        yield harness
    finally:
        await harness.aclose()
        await engine.dispose()


def new_task_queue() -> str:
    return f"tq-{uuid.uuid4().hex[:12]}"


class WorkerProcess:
    """`thidua worker` in its own process, configured through THIDUA_* like production."""

    def __init__(
        self,
        settings: Settings,
        temporal_address: str,
        log_dir: Path,
        *,
        document_timeout_seconds: float | None = None,
    ) -> None:
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("THIDUA_")},
            "THIDUA_ENVIRONMENT": settings.environment,
            "THIDUA_DATABASE_URL": settings.database_url,
            "THIDUA_DATA_DIR": str(settings.data_dir),
            "THIDUA_PKI_PATH": str(settings.pki_dir),
            "THIDUA_TEMPORAL_ADDRESS": temporal_address,
            "THIDUA_TASK_QUEUE": settings.task_queue,
            "THIDUA_MAIL_ENABLED": "true" if settings.mail_enabled else "false",
            "THIDUA_SMTP_HOST": settings.smtp_host,
            "THIDUA_SMTP_PORT": str(settings.smtp_port),
            "THIDUA_SECRET_KEY": settings.secret_key,
            "THIDUA_PAYLOAD_ENCRYPTION_KEY": settings.payload_encryption_key,
            "THIDUA_SIGNING_KEY_PASSPHRASE": settings.signing_key_passphrase,
            "THIDUA_LOG_LEVEL": "WARNING",
        }
        if document_timeout_seconds is not None:
            self.env["THIDUA_FAULT_DOCUMENT_TIMEOUT_SECONDS"] = str(document_timeout_seconds)
        self.log_dir = log_dir
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0

    def start(self) -> int:
        self.started += 1
        log = open(self.log_dir / f"worker-{self.started}.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER_MAIN)],
            env=self.env,
            cwd=self.log_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        return self.process.pid

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup — a power cut for this process."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def output(self) -> str:
        return (self.log_dir / f"worker-{self.started}.log").read_text(errors="replace")[-3000:]

    async def wait_polling(self, client: Client, timeout: float = 60.0) -> None:
        """Until this process polls the workflow task queue (its identity names its pid)."""
        identity = f"thidua-{self.pid}"
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            assert self.process is not None and self.process.poll() is None, self.output()
            described = await client.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(
                    namespace=client.namespace,
                    task_queue=TaskQueue(name=self.env["THIDUA_TASK_QUEUE"]),
                    task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
                )
            )
            if any(p.identity == identity for p in described.pollers):
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"worker {identity} never polled: {self.output()}")


# ---------------------------------------------------------------------------------------
# What the user counts afterwards


@dataclass
class Outcome:
    audit_actions: list[str]  # of the nomination(s), in order
    duplicate_audit_events: list[tuple]
    notice_keys: list[str]
    documents_of_decision: int
    award_records: int
    decision_numbers: list[int]  # numbers of issued decisions of the authority, sorted


async def outcome_of(
    harness: Harness, nomination_ids: list[int], decision_ids: list[int]
) -> Outcome:
    async with harness.factory() as session:
        events = (
            (
                await session.execute(
                    select(AuditEvent).order_by(AuditEvent.occurred_at, AuditEvent.id)
                )
            )
            .scalars()
            .all()
        )
        keys = list((await session.execute(select(Notice.notice_key))).scalars())
        documents = (
            await session.execute(
                select(func.count())
                .select_from(Document)
                .where(Document.decision_id.in_(decision_ids))
            )
        ).scalar_one()
        records = (
            await session.execute(
                select(func.count())
                .select_from(AwardRecord)
                .where(AwardRecord.nomination_id.in_(nomination_ids))
            )
        ).scalar_one()
        numbers = sorted(
            n
            for n in (
                await session.execute(select(Decision.number).where(Decision.number.is_not(None)))
            ).scalars()
        )
    # In these flows every step happens once per subject and person (five members each
    # cast one ballot): the same step twice is a write that was done again. The demo data's
    # own events (its import: a role granted per role of an account) are not the flow's.
    steps = Counter(
        (e.subject_type, e.subject_id, e.action, e.actor_user_id)
        for e in events
        if e.actor_name != SEED_ACTOR
    )
    return Outcome(
        audit_actions=[e.action for e in events if e.nomination_id in nomination_ids],
        duplicate_audit_events=[k for k, n in steps.items() if n > 1],
        notice_keys=keys,
        documents_of_decision=documents,
        award_records=records,
        decision_numbers=numbers,
    )


def assert_nothing_lost_or_doubled(outcome: Outcome, *, nominations: int, decisions: int) -> None:
    assert not outcome.duplicate_audit_events, outcome.duplicate_audit_events
    assert len(outcome.notice_keys) == len(set(outcome.notice_keys)), Counter(
        outcome.notice_keys
    ).most_common(3)
    assert outcome.documents_of_decision == decisions
    assert outcome.award_records == nominations
    assert outcome.decision_numbers == list(range(1, len(outcome.decision_numbers) + 1)), (
        f"decision numbers with a gap or a repeat: {outcome.decision_numbers}"
    )


async def accepted_nomination(harness: Harness, person: str = "Nguyễn Thị Hoa") -> int:
    nomination_id = (await harness.nominate(person=person))["id"]
    await harness.ok("thuongtruc", f"/api/v1/nominations/{nomination_id}/accept", {})
    return nomination_id


async def through_council(harness: Harness, nomination_ids: list[int]) -> dict:
    session = await harness.convene(nomination_ids)
    for member in MEMBERS:
        await harness.vote(session["id"], member, {n: "agree" for n in nomination_ids})
    return session
