#!/usr/bin/env bash
# The simulator's speed against an older revision's, side by side on this machine in one run: the same driver
# (tools/simbench/main.cpp and bench/sim_workloads.h of this tree) is compiled against this tree's simulator and
# against REV's, and the two binaries run in alternating rounds, pinned to one core where taskset exists. Prints per
# workload both sides' events and spans, the median over the rounds of each side's best time, and new/old for events
# per second and for wall time. Speed never fails this script; a build error does.
# Usage: scripts/bench-compare.sh REV [ROUNDS] [REPEATS]   (after scripts/setup.sh; defaults: 8 rounds of 40 repeats)
#        scripts/bench-compare.sh --instructions REV       instructions per simulation instead of time (valgrind's
#            callgrind, one simulation per workload and side, less a run that simulates nothing): the same figure on a
#            busy machine as on a quiet one, where timings on a shared machine move by several percent.
# REV's own tree is built in build/compare/<sha> (a git worktree, native-release), once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[[ $# -ge 1 && "$1" != "-h" && "$1" != "--help" ]] || { sed -n '2,11p' "$0"; exit 2; }
INSTRUCTIONS=0
if [[ "$1" == "--instructions" ]]; then
    INSTRUCTIONS=1
    shift
    command -v valgrind >/dev/null || { echo "bench-compare: --instructions needs valgrind (apt-get install valgrind)" >&2; exit 2; }
fi
[[ $# -ge 1 ]] || { echo "bench-compare: which revision? (scripts/bench-compare.sh --help)" >&2; exit 2; }
REV=$1
ROUNDS=${2:-8}
REPEATS=${3:-40}
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ && "$REPEATS" =~ ^[1-9][0-9]*$ ]] || { echo "bench-compare: ROUNDS and REPEATS are positive numbers" >&2; exit 2; }
SHA=$(git rev-parse --verify --quiet "$REV^{commit}") || { echo "bench-compare: no commit '$REV'" >&2; exit 2; }
JOBS="${JOBS:-2}"
OUT="$ROOT/build/compare"
OLD_TREE="$OUT/$SHA"
mkdir -p "$OUT" build/logs

# Both simulators as native-release libraries.
[[ -d "$OLD_TREE" ]] || git worktree add --detach "$OLD_TREE" "$SHA" >/dev/null
(cd "$OLD_TREE" && cmake --preset native-release >"$OUT/configure-$SHA.log" 2>&1 &&
    cmake --build --preset native-release -j"$JOBS" --target interleave_simbench >"$OUT/build-$SHA.log" 2>&1) ||
    { tail -20 "$OUT/build-$SHA.log" 2>/dev/null; echo "bench-compare: building $SHA failed ($OUT/*-$SHA.log)" >&2; exit 1; }
cmake --preset native-release >/dev/null
cmake --build --preset native-release -j"$JOBS" --target interleave_simbench >/dev/null

# One driver, linked against each side's libraries (every static library of the simulator and its memory policy).
driver() {  # driver TREE BINARY
    local build="$1/build/native-release"
    local memory
    memory=$(find "$build/CMakeFiles" -path '*interleave_memory.dir*' -name 'memory.cpp.o' | head -1)
    [[ -n "$memory" ]] || { echo "bench-compare: no memory.cpp.o in $build" >&2; exit 1; }
    # shellcheck disable=SC2046  # one word per library
    g++ -std=c++20 -O3 -DNDEBUG -I"$1/src" -I"$ROOT/bench" "$ROOT/tools/simbench/main.cpp" "$memory" \
        -Wl,--start-group $(find "$build/src" -name 'libinterleave_*.a' | sort) -Wl,--end-group -lpthread -o "$2"
}
driver "$OLD_TREE" "$OUT/simbench-old"
driver "$ROOT" "$OUT/simbench-new"

if [[ $INSTRUCTIONS == 1 ]]; then
    instructions() {  # instructions BINARY WORKLOAD: what callgrind collected for one simulation of WORKLOAD
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" 1 "$2" 2>&1 >/dev/null |
            sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
    }
    echo "== simulator instructions: this tree (new) against $REV = ${SHA:0:12} (old), one simulation per workload"
    printf '%-34s %16s %16s %12s\n' workload "old (M instr)" "new (M instr)" "old/new"
    base_old=$(instructions "$OUT/simbench-old" "no workload")
    base_new=$(instructions "$OUT/simbench-new" "no workload")
    for workload in "1000 threads x 1000 steps" "10k tasks, sequential" "10k tasks, threads" "10k tasks, processes" \
        "10k tasks, asyncio" "10k tasks, process_asyncio"; do
        old=$(( $(instructions "$OUT/simbench-old" "$workload") - base_old ))
        new=$(( $(instructions "$OUT/simbench-new" "$workload") - base_new ))
        python3 -c "import sys; o, n = int(sys.argv[2]), int(sys.argv[3]); print(f'{sys.argv[1]:34} {o / 1e6:16.2f} {n / 1e6:16.2f} {o / n:12.3f}')" \
            "$workload" "$old" "$new"
    done
    exit 0
fi

PIN=()
if command -v taskset >/dev/null; then PIN=(taskset -c "$(( $(nproc) - 1 ))"); fi
: >"$OUT/rounds.txt"
for ((round = 1; round <= ROUNDS; ++round)); do
    for side in old new; do
        "${PIN[@]}" "$OUT/simbench-$side" "$REPEATS" | sed -n "s/^/$side /p" | grep "events=" >>"$OUT/rounds.txt"
    done
done
echo "== simulator: this tree (new) against $REV = ${SHA:0:12} (old), $ROUNDS alternating rounds of $REPEATS," \
    "${PIN[*]:-unpinned}, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$OUT/rounds.txt" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    m = re.match(r"(old|new) (.+?)\s+events=(\d+)\s+spans=(\d+)\s+first=\s*[\d.]+ ms best=\s*([\d.]+) ms", line)
    if m:
        side, name, events, spans, best = m.groups()
        runs.setdefault(name, {}).setdefault(side, []).append((int(events), int(spans), float(best)))
print(f"{'workload':34} {'events old/new':>21} {'spans old/new':>19} {'best ms old/new':>19} {'events/s new/old':>16} {'time old/new':>12}")
for name, sides in runs.items():
    if "old" not in sides or "new" not in sides:
        continue
    (eo, so, _), (en, sn, _) = sides["old"][0], sides["new"][0]
    to = statistics.median(b for _, _, b in sides["old"])
    tn = statistics.median(b for _, _, b in sides["new"])
    print(f"{name:34} {eo:>10}/{en:<10} {so:>9}/{sn:<9} {to:>9.3f}/{tn:<9.3f} {(en / tn) / (eo / to):>16.3f} {to / tn:>12.3f}")
PY
