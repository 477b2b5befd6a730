"""Regenerate the replay fixtures of the campaign and exemplar workflows.

Runs the five-year rehearsal (tests/campaigns/test_rehearsal.py) on SQLite with
THIDUA_SAVE_HISTORIES=1: it writes tests/replay/histories/campaign-run-<n>.json (one per
yearly run; the first fixtures, campaign-<year>.json of 2026-2030, stay and still replay)
and exemplar-*.json, which tests/replay/test_replay_campaign.py replays.
Regenerate after a deliberate change to those workflows (and guard the change with
``workflow.patched`` first if campaigns are already running in production).

    .venv/bin/python scripts/save_campaign_histories.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    environment = {**os.environ, "THIDUA_SAVE_HISTORIES": "1"}
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/campaigns/test_rehearsal.py",
        "-k",
        "sqlite",
    ]
    status = subprocess.call(command, cwd=ROOT, env=environment)
    saved = sorted((ROOT / "tests" / "replay" / "histories").glob("*.json"))
    for path in saved:
        if path.name.startswith(("campaign-", "exemplar-")):
            print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
