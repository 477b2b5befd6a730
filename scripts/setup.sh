#!/usr/bin/env bash
# Sets up a fresh clone: the Debian packages the documents and browser tests need (when
# missing and when we may install them), a virtual environment with Python 3.11, and the
# project with its test extras. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "setup: $PYTHON is required (Python 3.11)" >&2
  exit 1
fi

# System packages: Pango for WeasyPrint (PDF), Liberation fonts with Vietnamese glyphs
# (fonts-liberation2; Times New Roman metrics), Chromium for the browser tests, SoftHSM2
# for the tests that sign on a PKCS#11 token.
missing=()
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b)
dpkg -s fonts-liberation2 >/dev/null 2>&1 || missing+=(fonts-liberation2)
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
  command -v softhsm2-util >/dev/null 2>&1 || missing+=(softhsm2)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]}"
    (apt-get update -qq || true) >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "setup: installing ${missing[*]}"
    (sudo apt-get update -qq || true) >/dev/null
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages: ${missing[*]}" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.thidua-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
  touch "$stamp"
fi
# Bytecode for the engine's own modules, even where PYTHONDONTWRITEBYTECODE is set: the
# workflow sandbox imports the workflow modules afresh for every workflow run, and without
# a .pyc each of those imports compiles the source again (~5% of a busy worker's CPU,
# bench/README.md). Up-to-date files are skipped, so this costs nothing on later runs.
.venv/bin/python -m compileall -q -j 0 activities api domain models thidua workflows >/dev/null
