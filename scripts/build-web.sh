#!/usr/bin/env bash
# Builds both web variants (web-threads, web-single) and assembles the deployable site in build/site/:
#   index.html, app.html, loader.js, embed.html, demo-post.html, docs/embedding.md, coi-serviceworker.js (from npm),
#   web-threads/, web-single/, posters/ (a picture of each preset's timeline, see below)
# Usage: scripts/build-web.sh [--no-build]   (assumes scripts/setup.sh has run)
# Posters (docs/authoring.md): posters/<preset>.svg (dark) and <preset>.light.svg, 760x420 like an embed, and
# <preset>.narrow[.light].svg, 400x420 for a phone's column, drawn by the
# native `interleave sim PRESET --svg` (INTERLEAVE_POSTER_TOOL, else build/native-debug or native-release's interleave
# if it knows --svg; scripts/test.sh builds native-debug first). About 0.1 s a poster. Without such a binary the site
# has no posters and the embeds show their title and Load button alone, as before.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs
# Run emcc with Debian's python directly: a pyenv/venv shim on PATH costs ~0.1 s per emcc call (thousands).
[[ -x /usr/bin/python3 ]] && export EMSDK_PYTHON="${EMSDK_PYTHON:-/usr/bin/python3}"
if [[ "${1:-}" != "--no-build" ]]; then
    for preset in web-threads web-single; do
        echo "build-web: building $preset"
        cmake --preset "$preset" >/dev/null
        cmake --build --preset "$preset" -j"${JOBS:-2}"
    done
fi
SITE="$ROOT/build/site"
rm -rf "$SITE"; mkdir -p "$SITE"
cp index.html web/app.html web/loader.js web/embed.html web/demo-post.html "$SITE/"
mkdir -p "$SITE/docs" && cp docs/embedding.md "$SITE/docs/"
COI="$ROOT/node_modules/coi-serviceworker/coi-serviceworker.js"
[[ -f "$COI" ]] || { echo "build-web: $COI missing; run scripts/setup.sh (npm ci)" >&2; exit 1; }
cp "$COI" "$SITE/coi-serviceworker.js"
for preset in web-threads web-single; do
    mkdir -p "$SITE/$preset"
    for f in interleave.js interleave.wasm interleave.worker.js; do
        [[ -f "build/$preset/$f" ]] && cp "build/$preset/$f" "$SITE/$preset/"
    done
    [[ -f "$SITE/$preset/interleave.wasm" ]] || { echo "build-web: build/$preset/interleave.wasm missing" >&2; exit 1; }
done

# Posters: the picture an embed shows before it loads, and what readers without JavaScript, RSS readers and printed
# pages see. Every preset in both themes and two widths; the sample post's comparison also gets one picture per model
# on a shared time range, its cores only (posters/<preset>.<model>[.narrow][.light].svg, 760x210 or 400x210 each,
# stacked): how many cores each model keeps busy is the comparison's point, and all of a run's lanes do not fit.
POSTER_TOOL="${INTERLEAVE_POSTER_TOOL:-}"
if [[ -z "$POSTER_TOOL" ]]; then
    for candidate in build/native-debug/interleave build/native-release/interleave; do
        if [[ -x "$candidate" ]] && "$candidate" sim --help 2>&1 | grep -q -- "--svg"; then POSTER_TOOL="$candidate"; break; fi
    done
fi
if [[ -n "$POSTER_TOOL" ]]; then
    mkdir -p "$SITE/posters"
    # Posters leave the causality arrows out, as the Embed button's do (ui/picture_poster.h says why); a tool from
    # before --no-arrows drew none anyway.
    no_arrows=()
    if "$POSTER_TOOL" sim --help 2>&1 | grep -q -- "--no-arrows"; then no_arrows=(--no-arrows); fi
    count=0
    for preset in $("$POSTER_TOOL" presets); do
        [[ "$preset" =~ ^[a-z0-9_]+$ ]] || continue
        # A preset with a story opens on its first step: its poster shows that step's range and lanes.
        step=()
        if "$POSTER_TOOL" sim "$preset" --step 1 >/dev/null 2>&1; then step=(--step 1); fi
        for theme in dark light; do
            suffix=""; [[ $theme == light ]] && suffix=".light"
            "$POSTER_TOOL" sim "$preset" "${step[@]}" --svg "$SITE/posters/$preset$suffix.svg" --size 760x420 --theme "$theme" "${no_arrows[@]}" >/dev/null
            "$POSTER_TOOL" sim "$preset" "${step[@]}" --svg "$SITE/posters/$preset.narrow$suffix.svg" --size 400x420 --theme "$theme" "${no_arrows[@]}" >/dev/null
            count=$((count + 2))
        done
    done
    for pair in "blog_cpu_threads:threads,processes"; do
        preset="${pair%%:*}"; models="${pair#*:}"
        end=0
        for model in ${models//,/ }; do
            ns=$("$POSTER_TOOL" sim "$preset" --model "$model" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["metrics"]["makespan_ns"])')
            (( ns > end )) && end=$ns
        done
        end=$((end + end / 50))  # a margin after the longer run, as "zoom to fit" leaves
        for model in ${models//,/ }; do
            for theme in dark light; do
                suffix=""; [[ $theme == light ]] && suffix=".light"
                for size in 760x210 400x210; do
                    narrow=""; [[ $size == 400x* ]] && narrow=".narrow"
                    "$POSTER_TOOL" sim "$preset" --model "$model" --svg "$SITE/posters/$preset.$model$narrow$suffix.svg" \
                        --size "$size" --range "0ns..${end}ns" --lanes Core --theme "$theme" "${no_arrows[@]}" >/dev/null
                    count=$((count + 1))
                done
            done
        done
    done
    echo "build-web: $count posters by $POSTER_TOOL ($(du -sh "$SITE/posters" | cut -f1); largest $(ls -S "$SITE/posters" | head -1): $(du -k "$SITE/posters/$(ls -S "$SITE/posters" | head -1)" | cut -f1) KB)"
else
    echo "build-web: no native interleave with --svg (build native-debug or set INTERLEAVE_POSTER_TOOL): no posters" >&2
fi
echo "build-web: site assembled in $SITE ($(du -sh "$SITE" | cut -f1))"
