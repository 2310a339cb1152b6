#!/usr/bin/env bash
# How fast the single-threaded page opens against an older revision's, side by side in one run on this machine: both
# revisions' web-single builds are served from two sites and loaded cold and warm in alternating rounds, each round
# in a freshly launched Chromium, as tests/e2e/share_embed.test.mjs measures one page (tools/firstframe/compare.mjs).
# Prints each side's first-frame median and runs, its start-up steps, its gzipped bytes, and new/old. A first frame
# measured alone moves by a factor of two with the machine and the browser's version (the same page took 0.23 s in
# its CI run on 2026-12-03 and 0.67 s here on 2026-12-06); the ratio of two pages measured together does not.
# Usage: scripts/first-frame-compare.sh REV [ROUNDS]   (after scripts/setup.sh; default 6 rounds)
# REV's tree is built in build/compare/<sha> (a git worktree, web-single), once, against the SDL that
# scripts/setup.sh builds today (video, events and GL only), so an old revision that linked all of SDL is measured a
# little lighter than it shipped. This tree's web-single is built as scripts/build-web.sh builds it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[[ $# -ge 1 && "$1" != "-h" && "$1" != "--help" ]] || { sed -n '2,11p' "$0"; exit 2; }
REV=$1
ROUNDS=${2:-6}
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "first-frame-compare: ROUNDS is a positive number" >&2; exit 2; }
SHA=$(git rev-parse --verify --quiet "$REV^{commit}") || { echo "first-frame-compare: no commit '$REV'" >&2; exit 2; }
JOBS="${JOBS:-2}"
OUT="$ROOT/build/compare"
OLD_TREE="$OUT/$SHA"
CACHE="${INTERLEAVE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/interleave}"
export NODE_PATH=/usr/share/nodejs
[[ -x /usr/bin/python3 ]] && export EMSDK_PYTHON="${EMSDK_PYTHON:-/usr/bin/python3}"
mkdir -p "$OUT"

# REV's page. Revisions before the lean SDL looked for SDL under another name (INTERLEAVE_SDL2_WASM_DIR); a newer
# tree ignores that variable.
[[ -d "$OLD_TREE" ]] || git worktree add --detach "$OLD_TREE" "$SHA" >/dev/null
(cd "$OLD_TREE" && cmake --preset web-single -Wno-dev \
        -DINTERLEAVE_SDL2_WASM_DIR="$CACHE/sdl2-wasm-single-2.26.5-video-gl" >"$OUT/configure-web-$SHA.log" 2>&1 &&
    cmake --build --preset web-single -j"$JOBS" --target interleave >"$OUT/build-web-$SHA.log" 2>&1) ||
    { tail -20 "$OUT/build-web-$SHA.log" 2>/dev/null; echo "first-frame-compare: building $SHA failed ($OUT/*-web-$SHA.log)" >&2; exit 1; }
cmake --preset web-single >/dev/null
cmake --build --preset web-single -j"$JOBS" --target interleave >/dev/null

# Each side's site: the landing page (serve.py wants one), the page, its loader, the service worker script and the single-threaded build.
site() {  # site TREE DIR
    rm -rf "$2"
    mkdir -p "$2/web-single"
    cp "$1/index.html" "$1/web/app.html" "$1/web/loader.js" "$2/"
    cp "$ROOT/node_modules/coi-serviceworker/coi-serviceworker.js" "$2/"
    cp "$1/build/web-single/interleave.js" "$1/build/web-single/interleave.wasm" "$2/web-single/"
}
site "$OLD_TREE" "$OUT/site-old"
site "$ROOT" "$OUT/site-new"
echo "== first frame: this tree (new) against $REV = ${SHA:0:12} (old), $ROUNDS alternating rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
node tools/firstframe/compare.mjs "$ROUNDS" old="$OUT/site-old" new="$OUT/site-new"
