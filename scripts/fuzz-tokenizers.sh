#!/usr/bin/env bash
# Builds the tokenizer libFuzzer targets (clang-14, ASan + UBSan) into build/fuzz, replays every
# kept regression input, then fuzzes each target for FUZZ_SECONDS (default 10). A crash is saved
# under tests/fuzz/regressions/<target>/ (commit it: it is replayed on every run) and fails the run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_EACH="${FUZZ_SECONDS:-10}"
OUT=build/fuzz
mkdir -p "$OUT/obj"
CXX="${CXX_FUZZ:-clang++-14}"
FLAGS=(-std=c++17 -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
       -Iinclude -Isrc -DWEFT_SOURCE_DIR="\"$ROOT\"")
objs=()
for src in src/tokenizer/*.cpp; do  # incremental: recompile a source only when it (or a header) changed
  obj="$OUT/obj/$(basename "${src%.cpp}").o"
  if [ ! -f "$obj" ] || [ -n "$(find "$src" src/tokenizer/*.h src/tokenizer/*.inc include/weft/tokenizer.h -newer "$obj" 2>/dev/null)" ]; then
    "$CXX" "${FLAGS[@]}" -c "$src" -o "$obj"
  fi
  objs+=("$obj")
done
for target in fuzz_tokenizer_json fuzz_spm_model fuzz_encode; do
  bin="$OUT/$target"
  if [ ! -x "$bin" ] || [ -n "$(find tests/fuzz/$target.cpp "${objs[@]}" -newer "$bin")" ]; then
    "$CXX" "${FLAGS[@]}" -fsanitize=fuzzer "tests/fuzz/$target.cpp" "${objs[@]}" -o "$bin"
  fi
done
declare -A SEEDS=([fuzz_tokenizer_json]=json [fuzz_spm_model]=spm [fuzz_encode]=encode)
for target in fuzz_tokenizer_json fuzz_spm_model fuzz_encode; do
  reg="tests/fuzz/regressions/$target"
  rm -rf "$OUT/corpus/$target"  # start from the seeds: a growing corpus would make each run longer
  mkdir -p "$reg" "$OUT/corpus/$target"
  if compgen -G "$reg/*" >/dev/null; then
    "$OUT/$target" -runs=0 "$reg"/* 2>"$OUT/$target.replay.log" || { cat "$OUT/$target.replay.log" >&2; exit 1; }
  fi
  timeout $((SECONDS_EACH * 4 + 60)) "$OUT/$target" -max_total_time="$SECONDS_EACH" -max_len=4096 -artifact_prefix="$reg/" -print_final_stats=1 \
    "$OUT/corpus/$target" "tests/fuzz/seeds/${SEEDS[$target]}" 2>"$OUT/$target.log" || { tail -40 "$OUT/$target.log" >&2; exit 1; }
  echo "$target: $(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$OUT/$target.log" | grep -oE '[0-9]+$') runs, no crash"
done
