"""Regenerate the screenshots of the main pages in docs/screenshots/.

Runs the browser tests (tests/browser: a whole nomination, and the campaign with one
exemplary model from proposal to replication, in headless Chromium from Debian's
packages, nothing downloaded) with THIDUA_SCREENSHOTS pointing at the folder; each test
saves a full-page PNG of each main page as it passes through it (01-09: the nomination
chain and the portal; 10-14: the campaign, registrations, an exemplary model, the report;
15-17: the statistics page, the chairman's overview and the statistics report's pages;
18-21: the signature's confirmation, the ballot sheet, a dossier's rows, an objector's
reply; 22-25: the common path's new nomination and home-page ballot, a returned dossier
and the inbox on a phone). A new screenshot takes the next free number.

    .venv/bin/python scripts/take_screenshots.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "screenshots"


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "THIDUA_SCREENSHOTS": str(TARGET)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/browser", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        check=False,
    )
    if result.returncode == 0:
        for path in sorted(TARGET.glob("*.png")):
            print(path.relative_to(ROOT))
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
