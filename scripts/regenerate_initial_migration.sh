#!/usr/bin/env bash
# Until the first release, the schema lives in one initial migration, regenerated from the
# models. After a release, add new revisions instead (alembic revision --autogenerate).
set -euo pipefail
cd "$(dirname "$0")/.."
if ls migrations/versions/*_0002_*.py >/dev/null 2>&1; then
  echo "regenerate: later revisions exist; add a revision instead (alembic revision --autogenerate)" >&2
  exit 1
fi
rm -f migrations/versions/*_0001_initial_schema.py /tmp/thidua-gen.sqlite3
THIDUA_DATABASE_URL=sqlite+aiosqlite:////tmp/thidua-gen.sqlite3 .venv/bin/alembic revision \
  --autogenerate -m "initial schema" --rev-id 0001 >/dev/null
rm -f /tmp/thidua-gen.sqlite3
.venv/bin/python scripts/fix_deferred_foreign_keys.py migrations/versions/*_0001_initial_schema.py
ls migrations/versions/
