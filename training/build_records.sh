#!/usr/bin/env bash
# One-off: convert the authoring markup into the corpus records (the records are
# the source of truth afterwards; doccano pulls merge into them).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pipeline.authoring training/markup/seed_*.txt --clean-from seeds/000_ebe918235459f401.txt --out training/records/seed.jsonl
python -m pipeline.authoring training/markup/p[0-7]*.txt training/markup/p8[0-4]*.txt --out training/records/passages.jsonl
# passages p85 and later, written in later rounds (training only; p85-p92 and p101-p110 served first as fresh checks)
python -m pipeline.authoring training/markup/p8[5-9]*.txt training/markup/p9*.txt training/markup/p1[0-9][0-9]_*.txt --out training/records/passages_2.jsonl
