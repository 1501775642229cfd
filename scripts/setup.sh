#!/usr/bin/env bash
# Installs whatever is missing and (re)builds what is stale; silent when everything is current.
# Used by `npm start`, `npm test`, `npm run parity` and `npm run bench`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { echo "[weft setup] $*" >&2; }
LOG="$ROOT/build/setup.log"
mkdir -p build
quietly() { # run a command, show its output only when it fails
  if ! "$@" >"$LOG" 2>&1; then cat "$LOG" >&2; log "failed: $*"; exit 1; fi
}
stamp_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

# 1. Debian packages
APT_PACKAGES=(emscripten chromium libeigen3-dev doctest-dev nlohmann-json3-dev espeak-ng sox
              cmake ninja-build g++ python3-venv unicode-data clang-14 libclang-rt-14-dev)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  log "installing Debian packages: ${missing[*]}"
  quietly $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive quietly $SUDO apt-get install -y -qq "${missing[@]}"
fi

# 2. Python virtualenv with pinned packages, the toolkit and the test-fixture package (editable)
PY_STAMP="$(stamp_of models/requirements.txt models/requirements-nodeps.txt models/pyproject.toml tests/fixtures_py/pyproject.toml)"
if [ "$(cat .venv/.weft-stamp 2>/dev/null)" != "$PY_STAMP" ]; then
  log "setting up the Python virtualenv (.venv)"
  [ -x .venv/bin/python ] || quietly python3 -m venv .venv
  quietly .venv/bin/pip install -q --disable-pip-version-check -r models/requirements.txt
  quietly .venv/bin/pip install -q --disable-pip-version-check --no-deps -r models/requirements-nodeps.txt
  quietly .venv/bin/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e models
  quietly .venv/bin/pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e tests/fixtures_py
  echo "$PY_STAMP" > .venv/.weft-stamp
fi
# Reference-only packages outside site-packages (why: models/requirements-reference.txt)
REF_STAMP="$(stamp_of models/requirements-reference.txt)"
if [ "$(cat .venv/reference/.weft-stamp 2>/dev/null)" != "$REF_STAMP" ]; then
  log "installing reference packages (.venv/reference)"
  rm -rf .venv/reference
  quietly .venv/bin/pip install -q --disable-pip-version-check --no-deps --target .venv/reference \
    -r models/requirements-reference.txt
  echo "$REF_STAMP" > .venv/reference/.weft-stamp
fi
# audiocraft, the MusicGen generation reference, likewise (why: models/requirements-audiocraft.txt)
AC_STAMP="$(stamp_of models/requirements-audiocraft.txt)"
if [ "$(cat .venv/audiocraft/.weft-stamp 2>/dev/null)" != "$AC_STAMP" ]; then
  log "installing audiocraft (.venv/audiocraft)"
  rm -rf .venv/audiocraft
  quietly .venv/bin/pip install -q --disable-pip-version-check --no-deps --no-build-isolation \
    --target .venv/audiocraft -r models/requirements-audiocraft.txt
  echo "$AC_STAMP" > .venv/audiocraft/.weft-stamp
fi

# 3. npm packages (onnxruntime-node's installer would download extra GPU binaries: skip it)
NPM_STAMP="$(stamp_of package.json package-lock.json)"
if [ "$(cat node_modules/.weft-stamp 2>/dev/null)" != "$NPM_STAMP" ]; then
  log "installing npm packages"
  ONNXRUNTIME_NODE_INSTALL=skip quietly npm ci --no-audit --no-fund --loglevel=error
  echo "$NPM_STAMP" > node_modules/.weft-stamp
fi

# 4. Native and WebAssembly builds of the core (incremental)
[ -f build/native/build.ninja ] || quietly cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release
quietly cmake --build build/native
export NODE_PATH=/usr/share/nodejs   # Debian's emscripten optimizer needs Debian's acorn
[ -f build/wasm/build.ninja ] || quietly emcmake cmake -S . -B build/wasm -G Ninja -DCMAKE_BUILD_TYPE=Release
quietly cmake --build build/wasm

# 5. Model packages and fixtures (each rebuilt only when its sources change)
quietly .venv/bin/python -m weft_fixtures --out build/models
