#!/usr/bin/env bash
# Builds both web variants (web-threads, web-single) and assembles the deployable site in build/site/:
#   index.html, app.html, loader.js, embed.html, demo-post.html, docs/embedding.md, coi-serviceworker.js (from npm),
#   web-threads/, web-single/
# Usage: scripts/build-web.sh [--no-build]   (assumes scripts/setup.sh has run)
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
echo "build-web: site assembled in $SITE ($(du -sh "$SITE" | cut -f1))"
