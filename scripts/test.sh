#!/usr/bin/env bash
# Second Quick start command: set up, check formatting, lint and types, then run the whole
# test suite on SQLite and on the PostgreSQL server at THIDUA_TEST_POSTGRES_URL (default:
# the local one, trust auth), in two worker processes. Arguments go to pytest
# (`./scripts/test.sh -m fast`).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --test

# The static checks: every one runs, so one run names every kind of failure, and pytest
# does not start if any failed. Each keeps a cache (.ruff_cache, .mypy_cache): a run after
# a small change takes a second or two. mypy checks the files listed in pyproject.toml.
failed=()
.venv/bin/ruff format --check . || failed+=("ruff format (fix: .venv/bin/ruff format .)")
.venv/bin/ruff check . || failed+=("ruff check (many fix with: .venv/bin/ruff check --fix .)")
.venv/bin/python -m mypy || failed+=("mypy (files and settings: [tool.mypy] in pyproject.toml)")
if [ ${#failed[@]} -gt 0 ]; then
  echo "test: static checks failed, tests not run:" >&2
  printf '  - %s\n' "${failed[@]}" >&2
  exit 1
fi

# Two worker processes (pytest-xdist), one per CPU of a small machine: the engine tests
# wait on workflows as much as they compute, and the suite takes ~13 minutes instead of
# ~24. THIDUA_TEST_WORKERS=0 runs everything in this one process (to debug one test).
workers="${THIDUA_TEST_WORKERS:-2}"
if [ "$workers" = "0" ]; then
  exec .venv/bin/python -m pytest "$@"
fi
exec .venv/bin/python -m pytest -n "$workers" "$@"
