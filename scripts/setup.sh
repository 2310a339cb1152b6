#!/usr/bin/env bash
# Prepares a fresh Debian bookworm machine for Interleave: Debian packages, npm packages, the sources of
# Dear ImGui and SDL2 (checked against pinned sha256 sums), and SDL2 built twice for wasm (threads and
# no threads). Every step skips when already done. The slow parts live in the cache, keyed by version:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/interleave/<name>-<version>/
# With --cpython (or INTERLEAVE_SETUP_CPYTHON=1) it also builds CPython from Debian's source packages, for the
# tests and real runs only (scripts/run.sh never asks for it): 3.14, 3.14 free-threaded and 3.15, installed as
#   ${INTERLEAVE_CPYTHON_DIR:-<cache>/cpython}/<tag>/bin/python3      tag: 3.13, 3.13t, 3.14, 3.14t, 3.15
# --cpython=3.13,3.13t (or INTERLEAVE_SETUP_CPYTHON=3.13,3.13t) builds those tags instead (docs/python-builds.md).
# Usage: scripts/setup.sh [--native-only] [--cpython[=TAG,...]]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/interleave"
say() { echo "setup: $*"; }
skip() { echo "skip: $* already present"; }
die() { echo "setup: $*" >&2; exit 1; }

NATIVE_ONLY=0
# The CPython builds to make (tags, below); none unless --cpython or INTERLEAVE_SETUP_CPYTHON asks.
CPYTHON_DEFAULT_TAGS="3.14 3.14t 3.15"
CPYTHON_TAGS=""
case "${INTERLEAVE_SETUP_CPYTHON:-0}" in
    0|"") ;;
    1) CPYTHON_TAGS=$CPYTHON_DEFAULT_TAGS ;;
    *) CPYTHON_TAGS=${INTERLEAVE_SETUP_CPYTHON//,/ } ;;
esac
for arg in "$@"; do
    case "$arg" in
        --native-only) NATIVE_ONLY=1 ;;
        --cpython) CPYTHON_TAGS=$CPYTHON_DEFAULT_TAGS ;;
        --cpython=*) CPYTHON_TAGS=${arg#--cpython=}; CPYTHON_TAGS=${CPYTHON_TAGS//,/ } ;;
        *) die "unknown option $arg (use --native-only, --cpython or --cpython=TAG,TAG...)" ;;
    esac
done
CPYTHON=0
[[ -n "${CPYTHON_TAGS// /}" ]] && CPYTHON=1
for tag in $CPYTHON_TAGS; do
    case "$tag" in
        3.13|3.13t|3.14|3.14t|3.15) ;;
        *) die "unknown CPython tag $tag (known: 3.13 3.13t 3.14 3.14t 3.15)" ;;
    esac
done

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
# SDL2 for wasm is built with what the playground calls (video, events, the GL context, the Emscripten backend) and
# without the rest: the software blitters and the software renderer (SDL_LEAN_AND_MEAN, src/SDL_internal.h), the 2D
# renderer, audio, joysticks and game controllers, haptics, sensors and power. The playground draws with GL only.
# Measured on the single-threaded page: its wasm 658.6 -> 615.3 KB gzipped. The flavour names the prefix
# (cmake/deps.cmake reads the same name), so a machine that cached a full SDL builds this one beside it.
SDL_WASM_FLAVOUR=video-gl
SDL_WASM_OPTIONS=(-DSDL_AUDIO=OFF -DSDL_RENDER=OFF -DSDL_JOYSTICK=OFF -DSDL_HAPTIC=OFF -DSDL_HIDAPI=OFF
                  -DSDL_POWER=OFF -DSDL_SENSOR=OFF)
# CPython from Debian's development suite (sid), upstream's own tarball (the .orig), without Debian's patches.
PY313_DEB_VERSION=3.13.15-1
PY313_ORIG=python3.13_3.13.15.orig.tar.xz
PY313_ORIG_SHA256=1e66a7945a48390ee4c2a4268a0e4185884059a13c4aab6d148aa208deea4a76
PY314_DEB_VERSION=3.14.10-1
PY314_ORIG=python3.14_3.14.10.orig.tar.xz
PY314_ORIG_SHA256=de414a57119abef52784d8993e341d53aed635fc2b05c2607d9f98a2c5b72032
PY315_DEB_VERSION=3.15.2-1
PY315_ORIG=python3.15_3.15.2.orig.tar.xz
PY315_ORIG_SHA256=8b5536d280142ecf6cdfe15d12a21ba1c65e300bbf7b28a8d0cdb849575797de

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
          # python3-fonttools cuts them down to the code points the UI draws (src/ui/glyph_ranges.txt).
          fonts-inter fonts-jetbrains-mono python3-fonttools
          # glslangValidator: the unit tests compile shaders/ as GLSL ES 3.00 and GLSL 330 (GpuTimeline.*).
          glslang-tools
          # The reference suite's real programs (tests/reference/, scripts/accuracy.sh reference): requests and
          # aiohttp for Debian's python3.
          python3-requests python3-aiohttp)
if [[ $NATIVE_ONLY -eq 0 ]]; then
    PACKAGES+=(emscripten chromium chromium-driver)
fi
if [[ $CPYTHON -eq 1 ]]; then
    # What the CPython builds need beyond a compiler: ctypes (libffi), zlib (gzip, zipfile). Everything the
    # project uses (threading, multiprocessing, concurrent.futures and interpreters, asyncio, pickle, socket,
    # json, hashlib's HACL* hashes for multiprocessing's handshake) is in CPython's own tree.
    PACKAGES+=(libffi-dev zlib1g-dev)
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

# The development suite (sid) for CPython only, in a file of its own: the web and native setups never read its
# (large) index. Types: deb-src only, so no binary package can ever come from sid.
SID_SRC_LIST=/etc/apt/sources.list.d/interleave-src-sid.sources
ensure_deb_src_sid() {
    ensure_deb_src
    if [[ -f $SID_SRC_LIST ]]; then return; fi
    local uri keyring
    uri=$(awk '/^URIs:/{print $2; exit}' "$SRC_LIST")
    keyring=$(awk '/^Signed-By:/{print $2; exit}' "$SRC_LIST")
    say "adding a deb-src entry (sid) in $SID_SRC_LIST"
    $SUDO tee "$SID_SRC_LIST" >/dev/null <<SRC
Types: deb-src
URIs: $uri
Suites: sid
Components: main
Signed-By: $keyring
SRC
    APT_UPDATED=0
    apt_update
}

# fetch_source NAME DEB_VERSION ORIG_TARBALL SHA256 DEST [ENSURE_DEB_SRC]
fetch_source() {
    local name=$1 debver=$2 orig=$3 sha=$4 dest=$5 ensure=${6:-ensure_deb_src}
    if [[ -f "$dest/.interleave-ok" ]]; then skip "$name $debver source in $dest"; return; fi
    if [[ ! -f "$CACHE/downloads/$orig" ]]; then
        $ensure
        say "downloading the $name $debver source package"
        (cd "$CACHE/downloads" && apt-get source --download-only -qq "$name=$debver" >/dev/null 2>&1) \
            || { APT_UPDATED=0; apt_update; (cd "$CACHE/downloads" && apt-get source --download-only -qq "$name=$debver" >/dev/null) ; } \
            || die "could not download the $name $debver source from Debian (is the mirror reachable, and does it still carry $name $debver? deb-src lists: /etc/apt/sources.list.d/interleave-src*.sources)"
    fi
    local got
    got=$(sha256sum "$CACHE/downloads/$orig" | cut -d' ' -f1)
    [[ "$got" == "$sha" ]] || die "$orig has sha256 $got, expected $sha (corrupt download? delete $CACHE/downloads)"
    local dsc="$CACHE/downloads/${name}_${debver#*:}.dsc"
    [[ -f "$dsc" ]] || dsc=$(ls "$CACHE/downloads/${name}_"*.dsc 2>/dev/null | head -1)
    [[ -n "$dsc" && -f "$dsc" ]] || die "$orig: no ${name}_${debver}.dsc beside it in $CACHE/downloads to check it against"
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
    local variant=$1 prefix="$CACHE/sdl2-wasm-$1-$SDL_VERSION-$SDL_WASM_FLAVOUR"
    if [[ -f "$prefix/.interleave-ok" ]]; then skip "SDL2 $SDL_VERSION wasm ($variant) in $prefix"; return; fi
    local threads=OFF cflags="-DSDL_LEAN_AND_MEAN=1"
    if [[ $variant == threads ]]; then threads=ON; cflags="$cflags -pthread"; fi
    local bdir="$CACHE/build/sdl2-wasm-$variant-$SDL_VERSION-$SDL_WASM_FLAVOUR"
    say "building SDL2 $SDL_VERSION for wasm ($variant) into $prefix (about 3 minutes)"
    rm -rf "$bdir" "$prefix"; mkdir -p "$(dirname "$bdir")"
    emcmake cmake -S "$SDL_SRC" -B "$bdir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX="$prefix" -DSDL_STATIC=ON -DSDL_SHARED=OFF -DSDL_TEST=OFF \
        -DSDL_PTHREADS=$threads -DSDL_THREADS=$threads "${SDL_WASM_OPTIONS[@]}" -DCMAKE_C_FLAGS="$cflags" \
        >"$bdir.log" 2>&1 \
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

# ---- CPython 3.14, 3.14t (free-threaded) and 3.15, for tests and real runs only (--cpython) ---------------
# Plain ./configure (no PGO, no LTO), no test modules, no ensurepip, no -g (debug info only slows the
# compiler down): the interpreters' speed is configure's default -O3. Extension modules the project never
# imports are not built (CPYTHON_SKIP_MODULES), whatever -dev packages the machine has, so every machine builds
# the same set in the same time. One build directory per tag, out of the shared source tree; the prefix holds
# a stamp with the Debian version, so a new pin rebuilds.
CPYTHON_DIR="${INTERLEAVE_CPYTHON_DIR:-$CACHE/cpython}"
JOBS="${JOBS:-$(nproc)}"
# GUI, terminal, database, TLS, XML, CJK codecs, compression beyond zlib, decimal's C version: unused here
# (hashlib keeps its built-in HACL* hashes, decimal falls back to _pydecimal).
CPYTHON_SKIP_MODULES=(_tkinter _curses _curses_panel readline _sqlite3 _ssl _hashlib _dbm _gdbm _decimal _uuid
                      _bz2 _lzma _elementtree pyexpat _multibytecodec _codecs_cn _codecs_hk _codecs_iso2022
                      _codecs_jp _codecs_kr _codecs_tw)
# Checks a build does what the project needs: the GIL as configured, multiprocessing with forkserver,
# InterpreterPoolExecutor (3.14+). Prints sys.version, Py_GIL_DISABLED and sys._is_gil_enabled().
CPYTHON_CHECK='
import sys, sysconfig, multiprocessing as mp, concurrent.futures as cf
want_ft = sys.argv[1] == "1"
ft = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
assert ft == want_ft, f"Py_GIL_DISABLED={ft}, expected {want_ft}"
assert sys._is_gil_enabled() == (not ft), "the GIL is not as the build says"
if __name__ == "__main__":
    with cf.ProcessPoolExecutor(2, mp_context=mp.get_context("forkserver")) as ex:
        assert list(ex.map(abs, [-1, -2, 3])) == [1, 2, 3], "forkserver pool"
    if sys.version_info >= (3, 14):
        with cf.InterpreterPoolExecutor(2) as ex:
            assert ex.submit(pow, 3, 4).result() == 81, "InterpreterPoolExecutor"
    import ctypes, json, pickle, socket, asyncio, zlib
    print(sys.version.replace("\n", " "), sysconfig.get_config_var("Py_GIL_DISABLED"), sys._is_gil_enabled())
'
# build_cpython TAG SOURCE_DIR DEB_VERSION [CONFIGURE_ARGS...]
build_cpython() {
    local tag=$1 src=$2 debver=$3; shift 3
    local prefix="$CPYTHON_DIR/$tag" bdir="$CACHE/build/cpython-$tag" ft=0 t0=$SECONDS
    [[ $tag == *t ]] && ft=1
    if [[ -x "$prefix/bin/python3" && "$(cat "$prefix/.interleave-ok" 2>/dev/null)" == "$debver" ]]; then
        skip "CPython $tag ($debver) in $prefix"; return
    fi
    say "building CPython $tag ($debver) into $prefix (log: $bdir.log)"
    rm -rf "$bdir" "$prefix"; mkdir -p "$bdir"
    local skips=() m t1 t2
    for m in "${CPYTHON_SKIP_MODULES[@]}"; do skips+=("py_cv_module_$m=n/a"); done
    (cd "$bdir" && "$src/configure" --prefix="$prefix" --with-ensurepip=no --disable-test-modules "$@" \
        OPT="-DNDEBUG -O3 -Wall" "${skips[@]}") >"$bdir.log" 2>&1 || die "CPython $tag configure failed, see $bdir.log"
    t1=$SECONDS
    make -C "$bdir" -j"$JOBS" >>"$bdir.log" 2>&1 || die "CPython $tag build failed, see $bdir.log"
    t2=$SECONDS
    # The standard library's bytecode (three optimisation levels) compiled on every core.
    make -C "$bdir" install COMPILEALL_OPTS=-j0 >>"$bdir.log" 2>&1 || die "CPython $tag install failed, see $bdir.log"
    # The free-threaded build installs python3.14t (and python3t); the contract is bin/python3.
    if [[ ! -e "$prefix/bin/python3" ]]; then
        local exe
        exe=$(cd "$prefix/bin" && ls python3.[0-9]*t 2>/dev/null | grep -v -- -config | head -1)
        [[ -n "$exe" ]] || die "CPython $tag: no python3 in $prefix/bin after install"
        ln -s "$exe" "$prefix/bin/python3"
    fi
    local line
    line=$(cd /tmp && "$prefix/bin/python3" -c "$CPYTHON_CHECK" "$ft" 2>&1) \
        || die "CPython $tag in $prefix fails its check: $(echo "$line" | tail -1)"
    rm -rf "$bdir"
    echo "$debver" >"$prefix/.interleave-ok"
    say "CPython $tag: $line (built in $((SECONDS - t0)) s: configure $((t1 - t0)), make $((t2 - t1)), install $((SECONDS - t2)))"
}
for tag in $CPYTHON_TAGS; do
    minor=${tag%t}; minor=${minor#3.}
    debver_var=PY3${minor}_DEB_VERSION orig_var=PY3${minor}_ORIG sha_var=PY3${minor}_ORIG_SHA256
    src="$CACHE/cpython-src-${!debver_var%-*}"
    fetch_source "python${tag%t}" "${!debver_var}" "${!orig_var}" "${!sha_var}" "$src" ensure_deb_src_sid
    [[ -x "$src/configure" && -f "$src/Python/ceval.c" ]] || die "CPython source in $src lacks configure or Python/ceval.c"
    if [[ $tag == *t ]]; then
        build_cpython "$tag" "$src" "${!debver_var}" --disable-gil
    else
        build_cpython "$tag" "$src" "${!debver_var}"
    fi
done
say "ready (cache: $CACHE)"
