#!/usr/bin/env bash
# Builds and runs Interleave.
#   scripts/run.sh            setup, both web builds, assemble build/site, serve it with COOP/COEP headers
#                             on http://127.0.0.1:8000/ (PORT=... to change; --no-isolation for the fallback)
#   scripts/run.sh --native   setup (native part), build native-release and open the desktop app
#                             (extra arguments go to the app, e.g. --size 1600x900)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs
# Run emcc with Debian's python directly: a pyenv/venv shim on PATH costs ~0.1 s per emcc call (thousands).
[[ -x /usr/bin/python3 ]] && export EMSDK_PYTHON="${EMSDK_PYTHON:-/usr/bin/python3}"

if [[ "${1:-}" == "--native" ]]; then
    shift
    bash scripts/setup.sh --native-only
    cmake --preset native-release >/dev/null
    cmake --build --preset native-release -j"${JOBS:-$(nproc)}"
    exec build/native-release/interleave "$@"
fi

SERVE_ARGS=()
for arg in "$@"; do
    case "$arg" in
        --no-isolation) SERVE_ARGS+=(--no-isolation) ;;
        *) echo "run: unknown option $arg (use --native or --no-isolation)" >&2; exit 2 ;;
    esac
done
bash scripts/setup.sh
bash scripts/build-web.sh
exec python3 scripts/serve.py --host 127.0.0.1 --port "${PORT:-8000}" "${SERVE_ARGS[@]}"
