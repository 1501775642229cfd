#!/usr/bin/env bash
# Builds what the npm package ships from the sources: the core compiled to WebAssembly
# (dist/weft-core.js + dist/weft-core.wasm, incremental in build/wasm). Run by `npm pack` and
# `npm publish` (the "prepack" script), so a clean clone packs a working package. Needs
# emscripten, cmake, ninja, eigen and nlohmann-json (`npm run setup` installs them).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
for tool in emcmake cmake ninja; do
  command -v "$tool" >/dev/null || { echo "weft: prepack needs $tool to build the core (npm run setup installs it)" >&2; exit 1; }
done
export NODE_PATH=/usr/share/nodejs   # Debian's emscripten optimizer needs Debian's acorn
mkdir -p build
# One build of build/wasm at a time, whoever starts it.
exec 9>build/wasm.lock
flock 9
[ -f build/wasm/build.ninja ] || emcmake cmake -S . -B build/wasm -G Ninja -DCMAKE_BUILD_TYPE=Release >&2
cmake --build build/wasm >&2
for f in dist/weft-core.js dist/weft-core.wasm; do
  [ -s "$f" ] || { echo "weft: prepack: $f was not built" >&2; exit 1; }
done
