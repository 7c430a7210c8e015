#!/usr/bin/env bash
# One-off: convert the authoring markup into the corpus records (the records are
# the source of truth afterwards; doccano pulls merge into them).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pipeline.authoring training/markup/seed_*.txt --clean-from seeds/000_ebe918235459f401.txt --out training/records/seed.jsonl
python -m pipeline.authoring training/markup/p*.txt --out training/records/passages.jsonl
