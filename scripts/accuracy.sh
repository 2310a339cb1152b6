#!/usr/bin/env bash
# Accuracy of the simulator against real runs (docs/real-runs.md): builds interleave-real (native-release),
# calibrates this machine, then for every preset in scenarios/ runs the simulation, the C++ runtime and
# CPython on the same (scaled) scenario and prints one table. Bounded: well under 5 minutes on 2 cores.
#   BUILD_DIR=...   use another build directory (default build/native-release, configured by the preset;
#                   falls back to a GUI-less configure of /tmp/interleave-accuracy if the preset fails)
#   SCALE=0.25      time scale for every preset (per-preset overrides below)
#   PROFILE=FILE    skip calibration and use this profile
#   PYTHON=3.13t    run CPython and the simulation on that release (scripts/setup.sh --cpython=TAG builds it;
#                   default: each preset's own release, 3.11 for the presets written before releases)
#
# scripts/accuracy.sh reference [--fresh-parts [--write-scenarios]] [--repeats N] [--only ID,...] [--profile FILE]
#   (or SUITE=reference):
#   the reference suite instead (tests/reference/, docs/real-runs.md "Reference suite"): real programs written the
#   way people write them (requests, aiohttp, Pool, ThreadPoolExecutor, asyncio), each run 5 times (3 for the
#   100 MiB / 10 MiB payloads), against scenarios written from measurements of their parts. Builds nothing: it
#   takes the newest of build/native-release/interleave and build/native-debug/interleave (or INTERLEAVE=...).
#   PYTHON: the interpreter (default: the first of python3 and /usr/bin/python3 that imports requests and
#   aiohttp). Prints python --version, nproc, the load average and the effective cores with a markdown table,
#   and writes tests/reference/results/<date>-<python>.json. Bounded: about 4-5 minutes of programs on 2 cores
#   (with --fresh-parts, which measures the parts first), then about 3 minutes simulating each case (release build)
#   deterministically and under seeds 1..8 (--seeds); no case starts after BUDGET_S (default 540 s) and the
#   whole run is killed at 900 s, so it stays under 15 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MODE=${SUITE:-presets}
if [[ "${1:-}" == reference ]]; then MODE=reference; shift; fi
if [[ $MODE == reference ]]; then
    echo "reference suite: nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
    exec timeout 900 python3 tests/reference/run_suite.py --budget-s "${BUDGET_S:-540}" "$@"
fi
SCALE=${SCALE:-0.25}
BUILD_DIR=${BUILD_DIR:-build/native-release}

if [[ "$BUILD_DIR" == build/native-release ]] && cmake --preset native-release >/tmp/interleave-accuracy-cfg.log 2>&1; then
    cmake --build --preset native-release -j2 --target interleave-real >/tmp/interleave-accuracy-build.log 2>&1
else
    [[ "$BUILD_DIR" == build/native-release ]] && BUILD_DIR=/tmp/interleave-accuracy
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DINTERLEAVE_BUILD_APP=OFF >/tmp/interleave-accuracy-cfg.log 2>&1
    cmake --build "$BUILD_DIR" -j2 --target interleave-real >/tmp/interleave-accuracy-build.log 2>&1
fi
BIN=$ROOT/$BUILD_DIR/interleave-real
[[ -x $BIN ]] || BIN=$BUILD_DIR/interleave-real

PROFILE=${PROFILE:-}
if [[ -z "$PROFILE" ]]; then
    PROFILE=$(mktemp /tmp/interleave-profile-XXXXXX.json)
    "$BIN" calibrate --out "$PROFILE" ${PYTHON:+--python-bin "$PYTHON"}
fi
echo "profile: $PROFILE"
sed -n '1,40p' "$PROFILE"

echo
echo "| preset | effective cores | simulated ms | C++ runtime ms | CPython ms | sim vs CPython | C++ vs CPython | median GIL slice sim/CPython ms | note |"
echo "|---|---|---|---|---|---|---|---|---|"
start=$(date +%s)
for file in scenarios/*.json; do
    id=$(basename "$file" .json)
    args=(--scale "$SCALE" --max-tasks 100 --timeout 60)
    case $id in
        decision_io_high_concurrency) args=(--scale "$SCALE" --max-tasks 200 --timeout 60) ;;  # 1000 tasks cut to 200
        pickling_large_payload) args=(--scale "$SCALE" --max-bytes 4MB --timeout 60) ;;       # 200 MB payloads cut to 4 MB
    esac
    [[ -n "${PYTHON:-}" ]] && args+=(--python-bin "$PYTHON")
    # A preset this release cannot run (interpreters before 3.14) or whose release is not built here gets a row
    # saying why, and the table goes on.
    if row=$("$BIN" check "$file" --profile "$PROFILE" --row "${args[@]}" 2>/tmp/interleave-accuracy-row.err); then
        sed "s#| scenarios/$id.json |#| $id |#" <<<"$row"
    else
        why=$(grep -v '^$' /tmp/interleave-accuracy-row.err | head -1 | sed 's/^interleave check: //; s/|/\//g')
        echo "| $id | - | - | - | - | - | - | - | not run: ${why:-check failed} |"
    fi
done
echo
echo "scale $SCALE; real runs on this machine's $(nproc) cores; the simulation gets the effective cores measured before each row"
echo "(one busy process per core for 0.3 s: cores x CPU / wall, rounded); $(( $(date +%s) - start )) s for the table"
