#!/usr/bin/env bash
# Second Quick start command: set up, then run the whole test suite on SQLite and on the
# PostgreSQL server at THIDUA_TEST_POSTGRES_URL (default: the local one, trust auth).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --test
exec .venv/bin/python -m pytest "$@"
