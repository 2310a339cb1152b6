#!/usr/bin/env bash
# Prepares a fresh Debian bookworm machine for Interleave: Debian packages, npm packages, the sources of
# Dear ImGui and SDL2 (checked against pinned sha256 sums), and SDL2 built twice for wasm (threads and
# no threads). Every step skips when already done. The slow parts live in the cache, keyed by version:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/interleave/<name>-<version>/
# Usage: scripts/setup.sh [--native-only]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/interleave"
NATIVE_ONLY=0
[[ "${1:-}" == "--native-only" ]] && NATIVE_ONLY=1

# Emscripten 3.1.6 needs Debian's node modules (acorn); without this emcc fails with "Cannot find module".
export NODE_PATH=/usr/share/nodejs
# Run emcc with Debian's python directly: a pyenv/venv shim on PATH costs ~0.1 s per emcc call (thousands).
[[ -x /usr/bin/python3 ]] && export EMSDK_PYTHON="${EMSDK_PYTHON:-/usr/bin/python3}"

IMGUI_VERSION=1.90.1
IMGUI_DEB_VERSION=1.90.1+ds-1
IMGUI_ORIG=imgui_1.90.1+ds.orig.tar.xz
IMGUI_ORIG_SHA256=ecce377df0f90b292f15dcbd83d438bddc162b2388c881132bde18c787572a1c
SDL_VERSION=2.26.5
SDL_DEB_VERSION=2.26.5+dfsg-1
SDL_ORIG=libsdl2_2.26.5+dfsg.orig.tar.gz
SDL_ORIG_SHA256=b3f2c822151804125d08db94c65852f711c2e5df2145a59da120748dc32eb9c3

say() { echo "setup: $*"; }
skip() { echo "skip: $* already present"; }
die() { echo "setup: $*" >&2; exit 1; }

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "not root and no sudo: cannot install Debian packages"
    SUDO="sudo"
fi

# ---- Debian packages -------------------------------------------------------------------------------
PACKAGES=(cmake ninja-build g++ pkg-config dpkg-dev xz-utils python3 libsdl2-dev libgl-dev libegl-dev libgles-dev
          libgtest-dev libbenchmark-dev nlohmann-json3-dev xvfb xauth imagemagick nodejs npm
          clang-14 libclang-rt-14-dev llvm-14 protobuf-compiler
          # The UI's typefaces, embedded at build time (cmake/fonts.cmake, docs/fonts.md): Inter and JetBrains Mono.
          fonts-inter fonts-jetbrains-mono
          # glslangValidator: the unit tests compile shaders/ as GLSL ES 3.00 and GLSL 330 (GpuTimeline.*).
          glslang-tools)
if [[ $NATIVE_ONLY -eq 0 ]]; then
    PACKAGES+=(emscripten chromium chromium-driver)
fi
APT_UPDATED=0
apt_update() {
    if [[ $APT_UPDATED -eq 0 ]]; then
        $SUDO apt-get update -qq >/dev/null || die "apt-get update failed (is the mirror reachable?)"
        APT_UPDATED=1
    fi
}
MISSING=()
for p in "${PACKAGES[@]}"; do
    if dpkg -s "$p" >/dev/null 2>&1 && dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed'; then :; else MISSING+=("$p"); fi
done
# A non-Debian node on PATH (nodesource) satisfies node itself; don't fight it.
if command -v node >/dev/null && command -v npm >/dev/null; then
    MISSING=($(printf '%s\n' "${MISSING[@]}" | grep -vx -e nodejs -e npm || true))
fi
if [[ ${#MISSING[@]} -eq 0 ]]; then
    skip "Debian packages (${#PACKAGES[@]})"
else
    apt_update
    for p in "${MISSING[@]}"; do
        say "installing $p"
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$p" >/dev/null \
            || die "could not install $p from Debian's packages (is the mirror reachable?)"
    done
fi

# ---- npm packages (playwright-core, coi-serviceworker; pinned in package-lock.json) ---------------------
if [[ $NATIVE_ONLY -eq 0 ]]; then
    if [[ -f "$ROOT/node_modules/.package-lock.json" && "$ROOT/node_modules/.package-lock.json" -nt "$ROOT/package-lock.json" ]] \
        && [[ -d "$ROOT/node_modules/playwright-core" && -d "$ROOT/node_modules/coi-serviceworker" ]]; then
        skip "npm packages"
    else
        say "installing npm packages (npm ci)"
        (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
            || die "could not install the npm packages (is registry.npmjs.org reachable?)"
    fi
fi

# ---- Source packages: ImGui (trixie) and SDL2 (bookworm) ------------------------------------------------
mkdir -p "$CACHE/downloads"
SRC_LIST=/etc/apt/sources.list.d/interleave-src.sources
ensure_deb_src() {
    if [[ -f $SRC_LIST ]]; then return; fi
    local uri keyring
    uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    keyring=$(awk '/^Signed-By:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    uri=${uri:-http://deb.debian.org/debian}
    keyring=${keyring:-/usr/share/keyrings/debian-archive-keyring.gpg}
    say "adding deb-src entries (bookworm, trixie) in $SRC_LIST"
    # Types: deb-src only, so no binary package can ever come from trixie.
    $SUDO tee "$SRC_LIST" >/dev/null <<SRC
Types: deb-src
URIs: $uri
Suites: bookworm
Components: main
Signed-By: $keyring

Types: deb-src
URIs: $uri
Suites: trixie
Components: main
Signed-By: $keyring
SRC
    APT_UPDATED=0
    apt_update
}

# fetch_source NAME DEB_VERSION ORIG_TARBALL SHA256 DEST
fetch_source() {
    local name=$1 debver=$2 orig=$3 sha=$4 dest=$5
    if [[ -f "$dest/.interleave-ok" ]]; then skip "$name $debver source in $dest"; return; fi
    if [[ ! -f "$CACHE/downloads/$orig" ]]; then
        ensure_deb_src
        say "downloading the $name $debver source package"
        (cd "$CACHE/downloads" && apt-get source --download-only -qq "$name=$debver" >/dev/null 2>&1) \
            || { APT_UPDATED=0; apt_update; (cd "$CACHE/downloads" && apt-get source --download-only -qq "$name=$debver" >/dev/null) ; } \
            || die "could not download the $name $debver source from Debian (deb-src in $SRC_LIST; is the mirror reachable?)"
    fi
    local got
    got=$(sha256sum "$CACHE/downloads/$orig" | cut -d' ' -f1)
    [[ "$got" == "$sha" ]] || die "$orig has sha256 $got, expected $sha (corrupt download? delete $CACHE/downloads)"
    local dsc
    dsc=$(ls "$CACHE/downloads/${name}_"*.dsc | head -1)
    grep -q "$sha" "$dsc" || die "$orig: sha256 not listed in $(basename "$dsc")"
    say "unpacking $orig into $dest"
    rm -rf "$dest" "$dest.tmp"; mkdir -p "$dest.tmp"
    tar -xf "$CACHE/downloads/$orig" -C "$dest.tmp" --strip-components=1
    mv "$dest.tmp" "$dest"
    touch "$dest/.interleave-ok"
}

IMGUI_DIR="$CACHE/imgui-$IMGUI_VERSION"
SDL_SRC="$CACHE/sdl2-src-$SDL_VERSION"
fetch_source imgui "$IMGUI_DEB_VERSION" "$IMGUI_ORIG" "$IMGUI_ORIG_SHA256" "$IMGUI_DIR"
[[ -f "$IMGUI_DIR/imgui.cpp" && -f "$IMGUI_DIR/backends/imgui_impl_sdl2.cpp" ]] || die "imgui source in $IMGUI_DIR lacks imgui.cpp or backends/"

# ---- SDL2 for wasm, twice ------------------------------------------------------------------------------
build_sdl_wasm() {
    local variant=$1 prefix="$CACHE/sdl2-wasm-$1-$SDL_VERSION"
    if [[ -f "$prefix/.interleave-ok" ]]; then skip "SDL2 $SDL_VERSION wasm ($variant) in $prefix"; return; fi
    local threads=OFF cflags=""
    if [[ $variant == threads ]]; then threads=ON; cflags="-pthread"; fi
    local bdir="$CACHE/build/sdl2-wasm-$variant-$SDL_VERSION"
    say "building SDL2 $SDL_VERSION for wasm ($variant) into $prefix (about 3 minutes)"
    rm -rf "$bdir" "$prefix"; mkdir -p "$(dirname "$bdir")"
    emcmake cmake -S "$SDL_SRC" -B "$bdir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX="$prefix" -DSDL_STATIC=ON -DSDL_SHARED=OFF -DSDL_TEST=OFF \
        -DSDL_PTHREADS=$threads -DSDL_THREADS=$threads -DCMAKE_C_FLAGS="$cflags" >"$bdir.log" 2>&1 \
        || die "SDL2 wasm ($variant) configure failed, see $bdir.log"
    cmake --build "$bdir" -j"$(nproc)" >>"$bdir.log" 2>&1 || die "SDL2 wasm ($variant) build failed, see $bdir.log"
    cmake --install "$bdir" >>"$bdir.log" 2>&1 || die "SDL2 wasm ($variant) install failed, see $bdir.log"
    touch "$prefix/.interleave-ok"
}
if [[ $NATIVE_ONLY -eq 0 ]]; then
    fetch_source libsdl2 "$SDL_DEB_VERSION" "$SDL_ORIG" "$SDL_ORIG_SHA256" "$SDL_SRC"
    if [[ "${INTERLEAVE_SETUP_PARALLEL:-1}" == 1 ]]; then
        # The two configures are serial link-bound checks: running them side by side halves the wait.
        build_sdl_wasm threads & p1=$!
        build_sdl_wasm single & p2=$!
        wait $p1 || exit 1
        wait $p2 || exit 1
    else
        build_sdl_wasm threads
        build_sdl_wasm single
    fi
fi
say "ready (cache: $CACHE)"
