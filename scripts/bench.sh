#!/usr/bin/env bash
# The speed figures: the simulator natively (Google Benchmark and the plain runner) and as wasm under
# node (the plain runner, single-threaded build), in one run so their ratio means something.
# Usage: scripts/bench.sh      (after scripts/setup.sh; builds native-release and web-single)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs EMSDK_PYTHON=/usr/bin/python3
JOBS="${JOBS:-2}"
cmake --preset native-release >/dev/null
cmake --build --preset native-release -j"$JOBS" --target interleave_simbench interleave_bench >/dev/null
cmake --preset web-single >/dev/null
cmake --build --preset web-single -j"$JOBS" --target interleave_simbench >/dev/null
echo "== simulator, native (build/native-release)"
build/native-release/interleave_simbench
echo "== simulator, wasm under node (build/web-single)"
node --no-experimental-fetch build/web-single/interleave_simbench.js
echo "== Google Benchmark, native"
build/native-release/interleave_bench --benchmark_min_time=0.2
