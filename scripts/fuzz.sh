#!/usr/bin/env bash
# Builds the libFuzzer targets tests/fuzz/fuzz_*.cpp (clang-14, ASan + UBSan, tests/fuzz/CMakeLists.txt)
# into build/fuzz (incremental), replays every kept regression input of each target, then fuzzes each
# target for FUZZ_SECONDS (default 10) from its seeds (tests/fuzz/seeds/<target without fuzz_>/, plus
# tests/fuzz/<target>.dict when present). A crash, leak, timeout or out-of-memory input is saved under
# tests/fuzz/regressions/<target>/ (commit it with the fix: it is replayed on every run) and fails the run.
#   scripts/fuzz.sh [target ...]              every target when none is named
#   FUZZ_SECONDS=120 scripts/fuzz.sh fuzz_wav  a longer hunt
# Prints one line per target: "<target>: N runs, no crash".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_EACH="${FUZZ_SECONDS:-10}"
OUT=build/fuzz
if (($#)); then targets=("$@"); else
  targets=(); for f in tests/fuzz/fuzz_*.cpp; do targets+=("$(basename "${f%.cpp}")"); done
fi
mkdir -p "$OUT"
if [ ! -f "$OUT/build.ninja" ]; then
  cmake -S tests/fuzz -B "$OUT" -G Ninja -DCMAKE_CXX_COMPILER="${CXX_FUZZ:-clang++-14}" >"$OUT/configure.log" 2>&1 ||
    { cat "$OUT/configure.log" >&2; rm -f "$OUT/build.ninja"; exit 1; }
fi
cmake --build "$OUT" --target "${targets[@]}" >"$OUT/build.log" 2>&1 || { tail -60 "$OUT/build.log" >&2; exit 1; }

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
for target in "${targets[@]}"; do
  reg="tests/fuzz/regressions/$target" seeds="tests/fuzz/seeds/${target#fuzz_}" corpus="$OUT/corpus/$target"
  rm -rf "$corpus"  # start from the seeds: a growing corpus would make each run longer
  mkdir -p "$reg" "$corpus"
  if compgen -G "$reg/*" >/dev/null; then
    "$OUT/$target" "$reg"/* >"$OUT/$target.replay.log" 2>&1 ||
      { tail -60 "$OUT/$target.replay.log" >&2; echo "$target: a kept regression input fails" >&2; exit 1; }
  fi
  opts=(-max_total_time="$SECONDS_EACH" -timeout=30 -rss_limit_mb=2048 -report_slow_units=1000000
        -artifact_prefix="$reg/" -print_final_stats=1)
  [ -f "tests/fuzz/$target.dict" ] && opts+=(-dict="tests/fuzz/$target.dict")
  dirs=("$corpus"); [ -d "$seeds" ] && dirs+=("$seeds")
  timeout $((SECONDS_EACH * 4 + 120)) "$OUT/$target" "${opts[@]}" "${dirs[@]}" >"$OUT/$target.log" 2>&1 ||
    { tail -60 "$OUT/$target.log" >&2; echo "$target: crash input kept under $reg/" >&2; exit 1; }
  echo "$target: $(grep -aoE 'stat::number_of_executed_units: *[0-9]+' "$OUT/$target.log" | grep -oE '[0-9]+$') runs, no crash"
done
