"""`thidua worker`, exactly as production runs it, for the fault tests that kill it.

One knob, read from the environment before any workflow module is imported:
``THIDUA_FAULT_DOCUMENT_TIMEOUT_SECONDS`` shortens the start-to-close timeout of the
document activities (``workflows.common.DOCUMENT_TIMEOUT``, 2 minutes in production).

Why a knob: the document activities do not heartbeat, so after a worker is SIGKILLed in
the middle of ``issue_decision`` Temporal only notices when that timeout expires, and
only then retries on the replacement worker. With the production value the test would
wait two minutes for a retry it can prove in ten seconds. The value travels in the
activity's schedule command; both worker processes use the same one, so the histories
they write and replay agree.

    python tests/faults/worker_main.py     # with THIDUA_* in the environment
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path


def main() -> int:
    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root))
    seconds = os.environ.get("THIDUA_FAULT_DOCUMENT_TIMEOUT_SECONDS")
    if seconds:
        import workflows.common

        workflows.common.DOCUMENT_TIMEOUT = timedelta(seconds=float(seconds))
    from thidua.cli import main as thidua

    return thidua(["worker"])


if __name__ == "__main__":
    sys.exit(main())
