#!/usr/bin/env bash
# First Quick start command: set up, then run everything on this machine (embedded
# Temporal with its Web UI, migrations, demo data, worker and API). Ctrl-C stops it all.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec .venv/bin/thidua up "$@"
