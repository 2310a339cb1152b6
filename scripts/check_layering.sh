#!/usr/bin/env bash
# Layering check: the simulation layers (core, trace, scenario, models) must not include Dear ImGui, SDL,
# OpenGL/GLES or Emscripten headers, nor use __EMSCRIPTEN__. Exits 1 and lists the offending lines.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DIRS=()
for d in src/core src/jsonio src/trace src/scenario src/plan src/models; do [[ -d $d ]] && DIRS+=("$d"); done
[[ ${#DIRS[@]} -gt 0 ]] || { echo "layering: no layer folders found"; exit 0; }
PATTERN='#[[:space:]]*include[[:space:]]*[<"]([^>"]*/)?(imgui[^>"]*|SDL[^>"]*|GL/[^>"]*|GLES[0-9]*/[^>"]*|EGL/[^>"]*|emscripten[^>"]*|epoxy/[^>"]*|glad/[^>"]*)[>"]|__EMSCRIPTEN__'
HITS=$(grep -rnE --include='*.h' --include='*.hpp' --include='*.cpp' --include='*.cc' --include='*.inl' "$PATTERN" "${DIRS[@]}" || true)
if [[ -n "$HITS" ]]; then
    echo "layering: these files in ${DIRS[*]} reach for UI/platform headers (only src/ui, src/platform, src/app may):"
    echo "$HITS"
    exit 1
fi
echo "layering: ok (${DIRS[*]} include no ImGui, SDL, GL, GLES, EGL or Emscripten headers)"
