"""Where the engine process spends its time, without installing anything: a sampling
thread looks at the main thread's stack every few milliseconds (sys._current_frames) and
files each sample under the part of the engine it belongs to (API request, workflow code in
the sandbox, projection writes, notices, documents, the benchmark's own driver...) and the
library at the top of the stack (SQLAlchemy, pydantic, Jinja2, the Temporal SDK...).
Samples where the event loop waits in epoll count as idle. Per-thread CPU times from /proc
say how much ran outside the main thread (SQLite in aiosqlite threads, Temporal's Rust
core, documents rendered in worker threads)."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

# The first rule that matches any frame of the stack (outermost first) names the part.
PARTS = [
    ("workflow code (sandbox)", ("workflow_sandbox", "/workflows/", "temporalio/worker/_workflow")),
    ("projection writes", ("/activities/projection.py",)),
    ("notices", ("/activities/notices.py", "/thidua/mailer.py")),
    ("documents", ("/activities/documents/", "/activities/signing.py")),
    ("API requests", ("/api/", "/fastapi/", "/starlette/")),
    ("benchmark driver", ("/bench/",)),
    ("Temporal SDK plumbing", ("/temporalio/",)),
]
LIBRARIES = [
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "pydantic",
    "jinja2",
    "weasyprint",
    "pyhanko",
    "temporalio",
    "google/protobuf",
    "fastapi",
    "starlette",
    "httpx",
    "json",
    "typing",
    "dataclasses",
    "asyncio",
]
IDLE = ("selectors.py", "select")


def _library(filename: str) -> str:
    for name in LIBRARIES:
        if f"/{name}/" in filename or filename.endswith(f"/{name}.py"):
            return name.replace("google/protobuf", "protobuf")
    if "/work/main/" in filename and "site-packages" not in filename:
        return "engine code"
    return "other"


class StackSampler:
    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.parts: Counter = Counter()
        self.detail: Counter = Counter()
        self.functions: Counter = Counter()
        self.samples = 0
        self.idle = 0
        self._stop = threading.Event()
        self._main = threading.main_thread().ident
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            frame = sys._current_frames().get(self._main)
            if frame is None:
                continue
            self.samples += 1
            if frame.f_code.co_filename.endswith(IDLE[0]) and frame.f_code.co_name == IDLE[1]:
                self.idle += 1
                continue
            stack = []
            while frame is not None:
                stack.append(frame)
                frame = frame.f_back
            stack.reverse()  # outermost first
            # Only what runs inside the event loop's current callback counts: the frames
            # below it (asyncio.run called by the benchmark) are the same in every sample.
            for index in range(len(stack) - 1, -1, -1):
                code = stack[index].f_code
                if code.co_name == "_run" and code.co_filename.endswith("asyncio/events.py"):
                    stack = stack[index + 1 :]
                    break
            if not stack:
                self.idle += 1
                continue
            part = "other (event loop, asyncio)"
            for name, markers in PARTS:
                if any(m in f.f_code.co_filename for f in stack for m in markers):
                    part = name
                    break
            inner = stack[-1]
            self.parts[part] += 1
            self.detail[(part, _library(inner.f_code.co_filename))] += 1
            self.functions[f"{Path(inner.f_code.co_filename).name}:{inner.f_code.co_name}"] += 1

    def report(self, top: int = 12) -> dict:
        busy = max(self.samples - self.idle, 1)
        return {
            "samples": self.samples,
            "idle_share": self.idle / max(self.samples, 1),
            "parts": {k: round(v / busy, 3) for k, v in self.parts.most_common()},
            "part_library": {
                f"{p} / {lib}": round(v / busy, 3)
                for (p, lib), v in self.detail.most_common(top * 2)
            },
            "innermost_functions": {
                k: round(v / busy, 3) for k, v in self.functions.most_common(top)
            },
        }


def thread_cpu() -> dict[str, float]:
    """CPU seconds of this process's threads so far, grouped by thread name."""
    ticks = os.sysconf("SC_CLK_TCK")
    groups: Counter = Counter()
    main = str(os.getpid())
    python_names = {t.native_id: (t.name, type(t).__module__) for t in threading.enumerate()}
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        try:
            stat = (task / "stat").read_text()
            name = (task / "comm").read_text().strip()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / ticks
        python_name, module = python_names.get(int(task.name), ("", ""))
        if task.name == main:
            label = "main thread (event loop: API, activities, driver)"
        elif module.startswith("aiosqlite"):
            label = "aiosqlite threads (SQLite)"
        elif python_name.startswith("asyncio"):
            label = "asyncio.to_thread workers (PDF rendering, signing, files)"
        elif python_name.startswith("temporal_workflow") or name.startswith("workflow-proces"):
            label = "workflow activation threads (sandbox)"
        elif python_name:
            label = f"other Python threads ({python_name.split('-')[0].split('_')[0]})"
        elif name.startswith("tokio") or name.startswith("temporal"):
            label = "Temporal SDK core (Rust)"
        else:
            label = f"other native threads ({name})"
        groups[label] += seconds
    return dict(groups)


def diff(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {
        k: round(v - before.get(k, 0.0), 2)
        for k, v in after.items()
        if v - before.get(k, 0.0) > 0.005
    }


def now() -> float:
    return time.perf_counter()
