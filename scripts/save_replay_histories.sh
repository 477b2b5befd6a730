#!/usr/bin/env bash
# Saves the histories of the nomination, council session, decision and revocation
# workflows that the end-to-end tests drive, as fixtures for the replay test
# (tests/replay/test_replay_engine.py). Run it after a deliberate, patched change to those
# workflows, keeping the old files too: running nominations have the old histories (first
# rename those it would overwrite to <name>-before-<patch>.json).
set -euo pipefail
cd "$(dirname "$0")/.."
out=tests/replay/histories
.venv/bin/python -m pytest -q -p no:cacheprovider tests/workflows/test_nomination_chain.py \
  tests/workflows/test_nomination_flow.py -k "sqlite and not worker_stopped" --save-histories "$out"
# A session and a decision whose wait for a nomination's confirmation ran out (ACK_TIMEOUT).
.venv/bin/python -m pytest -q -p no:cacheprovider tests/workflows/test_acknowledgements.py \
  -k never_confirms --save-histories "$out"
# A draft the chairman sent back, corrected and submitted again, then signed.
.venv/bin/python -m pytest -q -p no:cacheprovider tests/workflows/test_decision_send_back.py \
  -k sends_a_draft_back --save-histories "$out"
# A draft the standing body edited (title, legal grounds, order, recipients), then signed.
.venv/bin/python -m pytest -q -p no:cacheprovider tests/workflows/test_decision_draft_edit.py \
  -k edits_a_draft --save-histories "$out"
# Signed on the chairman's own computer (the CA's signing agent), then issued; and a
# request to do so that lapsed ("external-signature").
.venv/bin/python -m pytest -q -p no:cacheprovider tests/workflows/test_external_signature.py \
  -k sqlite --save-histories "$out"
ls "$out" | wc -l
