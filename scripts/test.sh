#!/usr/bin/env bash
# Interleave's whole check, the same here and in CI (.ci/run): setup, builds, unit tests natively, under
# ASan+UBSan and as wasm under node (both web builds), the layering check, native screenshots (Xvfb and
# offscreen EGL), browser end-to-end tests in Chromium, benchmarks when bench/ has any.
# Each stage counts once; the last line is "N passed, N failed". Exit status is non-zero on any failure.
# Usage: scripts/test.sh [--quick]     --quick: native debug build, unit tests, layering, screenshots only
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs
# Run emcc with Debian's python directly: a pyenv/venv shim on PATH costs ~0.1 s per emcc call (thousands).
[[ -x /usr/bin/python3 ]] && export EMSDK_PYTHON="${EMSDK_PYTHON:-/usr/bin/python3}"
JOBS="${JOBS:-$(nproc)}"
QUICK=0
for arg in "$@"; do
    case "$arg" in
        --quick) QUICK=1 ;;
        -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
        *) echo "test: unknown option $arg" >&2; exit 2 ;;
    esac
done

PASSED=0
FAILED=0
FAILED_NAMES=()
SHOTS="$ROOT/build/screenshots"
mkdir -p "$SHOTS" "$ROOT/build/logs"
START=$SECONDS

# stage NAME COMMAND...: runs one stage, prints its output, counts it.
# Its output also goes to build/logs/stage-<name>.log, whose end finish() prints again for a failed stage: CI
# keeps only the end of the output, and a failure's reason (a compiler error, node's "failing tests" summary)
# would otherwise scroll away under the stages after it.
stage() {
    local name=$1; shift
    local t0=$SECONDS
    local log
    log="build/logs/stage-$(stage_slug "$name").log"
    echo
    echo "==== $name"
    # Through a pipe, so the verdict waits for tee's last line. The stage runs in a subshell: a stage must not set
    # variables for later ones (none does; WEB_OK and the counters are set out here).
    "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    if [[ $rc -eq 0 ]]; then
        PASSED=$((PASSED + 1))
        echo "==== $name: passed ($((SECONDS - t0)) s)"
        return 0
    else
        FAILED=$((FAILED + 1))
        FAILED_NAMES+=("$name")
        echo "==== $name: FAILED ($((SECONDS - t0)) s)"
        return 1
    fi
}
# skipped NAME WHY: a stage that could not run because an earlier one failed counts as failed.
skipped() {
    FAILED=$((FAILED + 1))
    FAILED_NAMES+=("$1")
    echo
    echo "==== $1: FAILED (not run: $2)"
}
# A stage's name as a file name: lower case, runs of anything but letters and digits as one '-'.
stage_slug() { tr '[:upper:]' '[:lower:]' <<<"$1" | tr -cs 'a-z0-9' '-' | sed 's/^-*//; s/-*$//'; }
# The end of each failed stage's log (its reason), just above the summary.
failure_reasons() {
    local name log
    for name in "${FAILED_NAMES[@]}"; do
        log="build/logs/stage-$(stage_slug "$name").log"
        [[ -s "$log" ]] || continue
        echo
        echo "==== why \"$name\" failed (the end of $log)"
        # node's spec reporter ends with its "failing tests" section; elsewhere the last lines hold the error.
        if grep -q "failing tests:" "$log"; then
            sed -n '/failing tests:/,$p' "$log" | head -80
        else
            tail -40 "$log"
        fi
    done
}
finish() {
    if [[ $FAILED -gt 0 ]]; then failure_reasons; fi
    echo
    if [[ $FAILED -gt 0 ]]; then echo "failed stages: ${FAILED_NAMES[*]}"; fi
    echo "total time: $((SECONDS - START)) s"
    echo "$PASSED passed, $FAILED failed"
    [[ $FAILED -eq 0 ]]
    exit $?
}

build() {
    local preset=$1
    cmake --preset "$preset" >"build/logs/configure-$preset.log" 2>&1 || { tail -30 "build/logs/configure-$preset.log"; return 1; }
    cmake --build --preset "$preset" -j"$JOBS"
}
build_bench() {
    cmake --preset native-release >"build/logs/configure-native-release.log" 2>&1 || { tail -30 "build/logs/configure-native-release.log"; return 1; }
    cmake --build --preset native-release -j"$JOBS" --target interleave_bench
}
unit() { ctest --preset "$1" -j"$JOBS"; }
# The real-GIL runner and the asyncio runtime (std::threads sharing real locks) under ThreadSanitizer.
build_tsan_native() {
    cmake --preset native-tsan >"build/logs/configure-native-tsan.log" 2>&1 || { tail -30 "build/logs/configure-native-tsan.log"; return 1; }
    cmake --build --preset native-tsan -j"$JOBS" --target interleave_native_tests
}
tsan_native() { TSAN_OPTIONS=halt_on_error=1 build/native-tsan/interleave_native_tests --gtest_filter='GilRuntime.*:AsyncioRuntime.*:DelayServer.*'; }

# A PNG that exists and is not a flat colour (a black canvas is a bug).
not_blank() {
    local file=$1
    [[ -s "$file" ]] || { echo "missing $file"; return 1; }
    local std
    std=$(convert "$file" -colorspace Gray -format '%[fx:standard_deviation]' info:) || return 1
    echo "$(basename "$file"): $(identify -format '%wx%h' "$file"), grey std $std"
    awk -v s="$std" 'BEGIN { exit !(s > 0.01) }' || { echo "$file looks blank"; return 1; }
}
# Every view (timeline with its explanation, compare, scaling, the help overlay, the embed view) at 800x600 and
# 1920x1080, a phone's 390x844 at 3x (1170x2532 pixels) and 800x600 at 2x (1600x1200), dark and light:
# native-<view>-<size>[@<scale>x]-<theme>.png. Runs under one X server (large enough for the phone's pixels).
shot_views() {
    local view spec size scale theme out rc=0
    for view in timeline compare scaling help embed; do
        for spec in 800x600@1 1920x1080@1 1170x2532@3 1600x1200@2; do
            size=${spec%@*}
            scale=${spec#*@}
            for theme in dark light; do
                out="$SHOTS/native-$view-$size$([[ $scale == 1 ]] || echo "@${scale}x")-$theme.png"
                rm -f "$out"
                timeout 120 build/native-debug/interleave --frames 5 --size "$size" --scale "$scale" --view "$view" \
                    --theme "$theme" --screenshot "$out" >/dev/null || { echo "no screenshot: $out"; rc=1; continue; }
                not_blank "$out" || rc=1
            done
        done
    done
    return $rc
}
shot_xvfb() {
    rm -f "$SHOTS/native-xvfb.png"
    timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" \
        build/native-debug/interleave --frames 10 --size 1280x800 --screenshot "$SHOTS/native-xvfb.png" || return 1
    not_blank "$SHOTS/native-xvfb.png" || return 1
    # A scenario file opened in the window (an io step that waits for its reply: the editor's split row), and one
    # that is refused: the reason is printed, the window still draws.
    local said
    timeout 120 xvfb-run -a -s "-screen 0 1600x1000x24" build/native-debug/interleave --frames 8 --size 1600x1000 \
        --scenario tests/fuzz/corpus/scenario/echo_replies.json --screenshot "$SHOTS/native-scenario-file.png" || return 1
    not_blank "$SHOTS/native-scenario-file.png" || return 1
    printf '{"tasks": [{"name": 5, "steps": [{"cpu": "1ms"}]}]}' >"$SHOTS/name-not-a-string.json"
    said=$(timeout 120 xvfb-run -a -s "-screen 0 1280x800x24" build/native-debug/interleave --frames 3 \
        --scenario "$SHOTS/name-not-a-string.json" --screenshot "$SHOTS/native-scenario-refused.png" 2>&1) || return 1
    grep -q "name-not-a-string.json: scenario: tasks\[0\].name" <<<"$said" || { echo "no reason printed: $said"; return 1; }
    not_blank "$SHOTS/native-scenario-refused.png" || return 1
    # An empty file name is refused where the option is read, naming the option.
    said=$(timeout 60 build/native-debug/interleave --scenario "" 2>&1) && { echo "--scenario '' was taken"; return 1; }
    grep -q -- "--scenario needs a file, got an empty name" <<<"$said" || { echo "no reason printed: $said"; return 1; }
    # One X server for all of them; the functions travel in the command (xvfb-run is /bin/sh, which
    # drops exported bash functions).
    timeout 900 xvfb-run -a -s "-screen 0 2560x2560x24" \
        bash -c "$(declare -f shot_views not_blank); SHOTS=$(printf %q "$SHOTS"); shot_views"
}
shot_offscreen() {
    rm -f "$SHOTS/native-offscreen.png"
    env -u DISPLAY -u WAYLAND_DISPLAY SDL_VIDEODRIVER=offscreen timeout 120 \
        build/native-debug/interleave --frames 10 --size 1280x800 --screenshot "$SHOTS/native-offscreen.png" || return 1
    not_blank "$SHOTS/native-offscreen.png"
}
# One node process per file, as node --test runs them on two cores anyway. A file that fails runs once more:
# a failure that holds fails the stage; one that does not is reported as FLAKY (with the first run's failure
# above it) and left for a person to chase, since the browser tests run software GL on a shared machine.
e2e() {
    local file failed=() still=()
    for file in tests/e2e/*.test.mjs; do
        node --test --test-reporter=spec "$file" || failed+=("$file")
    done
    for file in "${failed[@]}"; do
        echo "==== $file failed; running it once more"
        if node --test --test-reporter=spec "$file"; then
            echo "==== FLAKY: $file failed, then passed when run again (the first run's failure is above)"
        else
            still+=("$file")
        fi
    done
    [[ ${#still[@]} -eq 0 ]]
}
bench() {
    # Speed never fails the run; a crash does.
    build/native-release/interleave_bench --benchmark_min_time=0.05 || return 1
}

SETUP_ARGS=()
[[ $QUICK -eq 1 ]] && SETUP_ARGS=(--native-only)
stage "setup" bash scripts/setup.sh "${SETUP_ARGS[@]}" || finish

stage "layering check" bash scripts/check_layering.sh

if stage "build native-debug" build native-debug; then
    stage "unit tests (native-debug)" unit native-debug
    stage "screenshot under Xvfb" shot_xvfb
    stage "screenshot offscreen (EGL, no X)" shot_offscreen
else
    for s in "unit tests (native-debug)" "screenshot under Xvfb" "screenshot offscreen (EGL, no X)"; do skipped "$s" "build failed"; done
fi
[[ $QUICK -eq 1 ]] && finish

if stage "build native-asan" build native-asan; then
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 stage "unit tests (ASan+UBSan)" unit native-asan
else
    skipped "unit tests (ASan+UBSan)" "build failed"
fi

# Coverage-guided fuzzing (scripts/fuzz.sh; clang-14's libFuzzer): builds native-fuzz, replays
# tests/fuzz/regressions/, runs every tests/fuzz/fuzz_*.cpp for 60 s; any crash, leak, timeout or OOM fails.
fuzz() { JOBS="$JOBS" bash scripts/fuzz.sh 60; }
stage "fuzz (60 s per target, ASan+UBSan)" fuzz

if stage "build native-tsan (real runs)" build_tsan_native; then
    stage "real-GIL runner under TSan" tsan_native
else
    skipped "real-GIL runner under TSan" "build failed"
fi

WEB_OK=1
for preset in web-threads web-single; do
    if stage "build $preset" build "$preset"; then
        stage "unit tests as wasm under node ($preset)" unit "$preset"
    else
        WEB_OK=0
        skipped "unit tests as wasm under node ($preset)" "build failed"
    fi
done

if [[ $WEB_OK -eq 1 ]] && stage "assemble build/site" bash scripts/build-web.sh --no-build; then
    stage "browser end-to-end (Chromium)" e2e
else
    skipped "browser end-to-end (Chromium)" "web build or site missing"
fi

if compgen -G "bench/*.cpp" >/dev/null; then
    if stage "build native-release (bench)" build_bench; then
        stage "benchmarks" bench
    else
        skipped "benchmarks" "build failed"
    fi
fi

finish
