#!/usr/bin/env bash
# Install the doccano server for the correction-loop tests (tests/test_doccano.py).
# doccano 1.8.4 gets its own venv (.venv-doccano/ or $DOCCANO_VENV): its pins
# clash with spaCy's. The versions are pinned once, in pipeline/doccano_server.py.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pipeline.doccano_server install
