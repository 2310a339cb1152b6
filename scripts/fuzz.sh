#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer (clang-14), ASan + UBSan: builds the native-fuzz preset, replays every
# saved regression input (tests/fuzz/regressions/<target>/*), then runs each target for SECONDS on a copy of its
# seed corpus (tests/fuzz/corpus/<target>/ -> build/fuzz-corpus/<target>/) with its dictionary
# (tests/fuzz/<target>.dict) and any more libFuzzer flags in tests/fuzz/<target>.options. Prints per target:
# executions, exec/s, final coverage (cov/ft), findings.
# Crash, leak, timeout and OOM inputs go to build/fuzz-artifacts/<target>/; any of them fails the run.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   SECONDS defaults to 600; targets default to every tests/fuzz/fuzz_*.cpp
#        scripts/fuzz.sh --runs N [TARGET...]    run each target for N executions instead (a campaign: 10000000)
#        scripts/fuzz.sh --replay [TARGET...]    only replay the regression inputs (each must run without a finding)
# Environment: JOBS (build parallelism, default nproc); FUZZ_PARALLEL (targets fuzzed at once, default JOBS).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JOBS="${JOBS:-$(nproc)}"
BUILD="$ROOT/build/native-fuzz"

REPLAY_ONLY=0
SECONDS_PER_TARGET=600
RUNS_PER_TARGET=0
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then sed -n '2,10p' "$0"; exit 0; fi
if [[ "${1:-}" == "--replay" ]]; then REPLAY_ONLY=1; shift
elif [[ "${1:-}" == "--runs" ]]; then
    [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: --runs needs a positive number of executions" >&2; exit 2; }
    RUNS_PER_TARGET=$2; SECONDS_PER_TARGET=0; shift 2
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then SECONDS_PER_TARGET=$1; shift; fi

die() { echo "fuzz: $*" >&2; exit 1; }

# ---- what the build needs (scripts/setup.sh installs it) -------------------------------------------------
command -v clang++-14 >/dev/null || die "clang++-14 not found: install Debian's clang-14 (scripts/setup.sh)"
compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a" >/dev/null \
    || compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-$(uname -m).a" >/dev/null \
    || die "libFuzzer's runtime not found: install Debian's libclang-rt-14-dev (scripts/setup.sh)"
for symbolizer in /usr/lib/llvm-14/bin/llvm-symbolizer "$(command -v llvm-symbolizer-14 || true)"; do
    if [[ -n "$symbolizer" && -x "$symbolizer" ]]; then export ASAN_SYMBOLIZER_PATH="$symbolizer"; break; fi
done
[[ -n "${ASAN_SYMBOLIZER_PATH:-}" ]] || echo "fuzz: no llvm-symbolizer (Debian's llvm-14): stacks will lack function names"

# ---- build --------------------------------------------------------------------------------------------------
mkdir -p build/logs
t0=$SECONDS
cmake --preset native-fuzz >build/logs/configure-native-fuzz.log 2>&1 \
    || { tail -30 build/logs/configure-native-fuzz.log; die "configure failed (build/logs/configure-native-fuzz.log)"; }
cmake --build --preset native-fuzz -j"$JOBS" >build/logs/build-native-fuzz.log 2>&1 \
    || { grep -E "error|Error" build/logs/build-native-fuzz.log | head -30; die "build failed (build/logs/build-native-fuzz.log)"; }
echo "fuzz: built native-fuzz in $((SECONDS - t0)) s"

# ---- targets ------------------------------------------------------------------------------------------------
TARGETS=("$@")
if [[ ${#TARGETS[@]} -eq 0 ]]; then
    for source in tests/fuzz/fuzz_*.cpp; do
        name=$(basename "$source" .cpp)
        [[ -x "$BUILD/$name" ]] && TARGETS+=("${name#fuzz_}")
    done
fi
[[ ${#TARGETS[@]} -gt 0 ]] || die "no fuzz targets (tests/fuzz/fuzz_*.cpp)"
for target in "${TARGETS[@]}"; do
    [[ -x "$BUILD/fuzz_$target" ]] || die "no fuzz target '$target' (expected $BUILD/fuzz_$target from tests/fuzz/fuzz_$target.cpp)"
done

# The longest input worth trying: a bit above the largest seed of each format.
max_len() {
    case "$1" in
        profile) echo 2048 ;;
        trace) echo 32768 ;;
        *) echo 16384 ;;
    esac
}

export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
FAILED=()

# The first report line and the first frames of our code, from a libFuzzer log.
explain() {
    local log=$1
    grep -m1 -E "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|property violated|terminate called|Assertion .* failed" "$log" | sed 's/^/      /'
    grep -E "^ +#[0-9]+ 0x[0-9a-f]+ in " "$log" | grep -v -E "in (__|std::|fuzzer::|LLVMFuzzerTestOneInput|abort|raise|gsignal)" \
        | grep -v -E "/(libfuzzer|compiler-rt|sanitizer_common)/" | head -4 | sed -E 's/^ +#[0-9]+ 0x[0-9a-f]+ in /      at /' | cut -c1-220
}

# ---- replay the regression inputs -------------------------------------------------------------------------
for target in "${TARGETS[@]}"; do
    dir="tests/fuzz/regressions/$target"
    mapfile -t inputs < <(find "$dir" -type f ! -name '.*' ! -name '*.md' 2>/dev/null | sort)
    [[ ${#inputs[@]} -gt 0 ]] || continue
    log="build/logs/fuzz-replay-$target.log"
    if "$BUILD/fuzz_$target" -timeout=10 -rss_limit_mb=2048 "${inputs[@]}" >"$log" 2>&1; then
        echo "replay $target: ${#inputs[@]} regression inputs, no finding"
    else
        echo "replay $target: FAILED on one of ${#inputs[@]} inputs ($log):"
        grep "^Running: " "$log" | tail -1 | sed 's/^/      /'
        explain "$log"
        FAILED+=("replay $target")
    fi
done
if [[ $REPLAY_ONLY -eq 1 ]]; then
    [[ ${#FAILED[@]} -eq 0 ]] || { echo "fuzz: failed: ${FAILED[*]}"; exit 1; }
    exit 0
fi

# ---- fuzz -------------------------------------------------------------------------------------------------
# Targets run FUZZ_PARALLEL at a time (default: JOBS; each libFuzzer process is single-threaded), so a 2-core CI
# machine spends half the wall time for the same fuzzing per target. Each writes its summary to a file; the
# summaries are printed in target order once all have ended.
FUZZ_PARALLEL="${FUZZ_PARALLEL:-$JOBS}"
[[ "$FUZZ_PARALLEL" =~ ^[1-9][0-9]*$ ]] || die "FUZZ_PARALLEL must be a positive number (got '$FUZZ_PARALLEL')"
fuzz_one() {
    local target=$1 result=$2
    local corpus="build/fuzz-corpus/$target" artifacts="build/fuzz-artifacts/$target"
    mkdir -p "$corpus" "$artifacts"
    [[ -d "tests/fuzz/corpus/$target" ]] && cp -n "tests/fuzz/corpus/$target"/* "$corpus"/ 2>/dev/null
    local args=(-max_total_time="$SECONDS_PER_TARGET" -runs="$((RUNS_PER_TARGET > 0 ? RUNS_PER_TARGET : -1))" -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048
          -print_final_stats=1 -artifact_prefix="$artifacts/")
    [[ -f "tests/fuzz/$target.dict" ]] && args+=(-dict="tests/fuzz/$target.dict")
    # tests/fuzz/<target>.options: more libFuzzer flags for that target, one per line ('#' starts a comment).
    local options=() option
    if [[ -f "tests/fuzz/$target.options" ]]; then
        while read -r option; do
            option=${option%%#*}
            option=${option//[[:space:]]/}
            [[ -z "$option" ]] && continue
            [[ "$option" =~ ^-[a-z_]+=[A-Za-z0-9_.]+$ ]] || die "tests/fuzz/$target.options: '$option' is not -name=value"
            options+=("$option")
        done < "tests/fuzz/$target.options"
    fi
    args+=("${options[@]}")
    local dirs=("$corpus")
    [[ -d "tests/fuzz/regressions/$target" ]] && dirs+=("tests/fuzz/regressions/$target")  # read, never written
    local log="build/logs/fuzz-$target.log" marker="$artifacts/.started"
    touch "$marker"
    local started=$SECONDS
    "$BUILD/fuzz_$target" "${args[@]}" "${dirs[@]}" >"$log" 2>&1
    local rc=$?
    local runs speed last cov ft corp found
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    last=$(grep -E "^#[0-9]+.*cov: " "$log" | tail -1)
    cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p' <<<"$last")
    mapfile -t found < <(find "$artifacts" -maxdepth 1 -type f -newer "$marker" \
        \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
    local summary="fuzz $target${options[*]:+ (${options[*]})}: ${runs:-?} runs in $((SECONDS - started)) s, ${speed:-?} exec/s, cov ${cov:-?} ft ${ft:-?}, corpus ${corp:-?}"
    {
        if [[ $rc -eq 0 && ${#found[@]} -eq 0 ]]; then
            echo "$summary, findings: none"
        else
            echo "$summary, FINDINGS (exit $rc, log $log):"
            for f in "${found[@]}"; do echo "      $f"; done
            explain "$log"
            echo "FAILED"
        fi
    } >"$result"
}
RESULTS="build/logs/fuzz-results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
running=0
for target in "${TARGETS[@]}"; do
    if [[ $running -ge $FUZZ_PARALLEL ]]; then wait -n; running=$((running - 1)); fi
    fuzz_one "$target" "$RESULTS/$target" &
    running=$((running + 1))
done
wait
for target in "${TARGETS[@]}"; do
    if [[ ! -s "$RESULTS/$target" ]]; then echo "fuzz $target: no result (the run was killed)"; FAILED+=("$target"); continue; fi
    grep -v '^FAILED$' "$RESULTS/$target"
    grep -qx 'FAILED' "$RESULTS/$target" && FAILED+=("$target")
done

if [[ ${#FAILED[@]} -gt 0 ]]; then
    echo "fuzz: findings in: ${FAILED[*]} (save each input under tests/fuzz/regressions/<target>/ with a unit test once fixed)"
    exit 1
fi
echo "fuzz: no findings"
