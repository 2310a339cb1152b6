#!/usr/bin/env bash
# The speed figures, each natively and as wasm under node (single-threaded build), in one run so their
# ratio means something: the simulator (Google Benchmark and the plain runner), and one whole frame of
# the playground with 10K..10M spans in view (interleave_uibench, headless ImGui, no GPU).
# Speed never fails this script; a crash or a build error does.
# Usage: scripts/bench.sh      (after scripts/setup.sh; builds native-release and web-single)
#        UIBENCH_MAX_SPANS=1000000 scripts/bench.sh   (skip the 10M-span frame, which needs ~0.6 GB)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs EMSDK_PYTHON=/usr/bin/python3
JOBS="${JOBS:-2}"
MAX_SPANS="${UIBENCH_MAX_SPANS:-10000000}"
mkdir -p build/logs
cmake --preset native-release >/dev/null
cmake --build --preset native-release -j"$JOBS" --target interleave_simbench interleave_uibench interleave_gpubench interleave_bench >/dev/null
cmake --preset web-single >/dev/null
cmake --build --preset web-single -j"$JOBS" --target interleave_simbench interleave_uibench >/dev/null
echo "== simulator, native (build/native-release)"
build/native-release/interleave_simbench
echo "== simulator, wasm under node (build/web-single)"
node --no-experimental-fetch build/web-single/interleave_simbench.js
echo "== one playground frame, 1920x1080, all spans in view, native (build/native-release)"
build/native-release/interleave_uibench "$MAX_SPANS" | tee "build/logs/uibench-native.txt"
echo "== one playground frame, wasm under node (build/web-single)"
node --no-experimental-fetch build/web-single/interleave_uibench.js "$MAX_SPANS" | tee "build/logs/uibench-wasm.txt"
echo "== frame time, wasm / native (median)"
paste <(awk '{print $2, $5}' build/logs/uibench-native.txt) <(awk '{print $5}' build/logs/uibench-wasm.txt) |
    awk '{ printf "%10s spans: native %6.2f ms  wasm %6.2f ms  ratio %.2fx\n", $1, $2, $3, ($2 > 0 ? $3 / $2 : 0) }'
echo "== the timeline alone, GPU renderer against CPU quads, native under Xvfb (Mesa llvmpipe)"
xvfb-run -a -s "-screen 0 1280x800x24" build/native-release/interleave_gpubench "$MAX_SPANS" | tee "build/logs/gpubench-native.txt"
echo "== Google Benchmark, native"
build/native-release/interleave_bench --benchmark_min_time=0.2
