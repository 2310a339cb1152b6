#!/usr/bin/env bash
# Runs gil_probe.py over the cases the GIL model is judged on, three times each, one JSON line per run.
#   [REPS=3] bash tests/reference/programs/gil_batch.sh [python3] > results/gil-probe-DATE.jsonl
set -euo pipefail
PY=${1:-python3}
HERE=$(dirname "$0")
for rep in $(seq 1 "${REPS:-3}"); do
    for c in 2 3 4; do "$PY" "$HERE/gil_probe.py" --cpu $c --seconds 2; done
    for c in 1 2 4; do "$PY" "$HERE/gil_probe.py" --cpu $c --io --seconds 2; done
    for i in 1 50; do "$PY" "$HERE/gil_probe.py" --cpu 2 --io --interval $i --seconds 2; done
    "$PY" "$HERE/gil_probe.py" --cpu 1 --io --busy 2 --seconds 2
    "$PY" "$HERE/gil_probe.py" --cpu 2 --io --busy 2 --seconds 2
done
