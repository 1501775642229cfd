#!/usr/bin/env bash
# Runs every suite (native, native under ASan + UBSan, libFuzzer targets, Python, JS, browser) even if
# one fails, then prints one summary line.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mkdir -p build/test-logs
passed=0; failed=0; bad_suites=()

count() { # suite name, passed, failed
  passed=$((passed + $2)); failed=$((failed + $3))
  if [ "$3" != 0 ] || [ "$4" != 0 ]; then bad_suites+=("$1"); fi
}

echo "== native (doctest via ctest)"
ctest --test-dir build/native --output-on-failure 2>&1 | tee build/test-logs/native.log; rc=${PIPESTATUS[0]}
build/native/weft_native_tests --no-colors=true 2>/dev/null | grep -E '^\[doctest\] test cases' > build/test-logs/native.count || true
p=$(grep -oE '[0-9]+ passed' build/test-logs/native.count | grep -oE '[0-9]+' || echo 0)
f=$(grep -oE '[0-9]+ failed' build/test-logs/native.count | grep -oE '[0-9]+' || echo 0)
count native "${p:-0}" "${f:-0}" "$rc"

# The same doctest suite built with ASan + UBSan (clang-14) into build/asan, incremental; a report aborts it.
echo "== native-asan (doctest, ASan + UBSan)"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if { [ -f build/asan/build.ninja ] || cmake -S . -B build/asan -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 \
       -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-O1 $SAN"; } >build/test-logs/native-asan.build.log 2>&1 &&
   cmake --build build/asan --target weft_native_tests >>build/test-logs/native-asan.build.log 2>&1; then
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1}" \
  UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}" build/asan/weft_native_tests --no-colors=true 2>&1 |
    tee build/test-logs/native-asan.log; rc=${PIPESTATUS[0]}
else
  tail -n 40 build/test-logs/native-asan.build.log; rc=1; : >build/test-logs/native-asan.log
fi
p=$(grep -E '^\[doctest\] test cases' build/test-logs/native-asan.log | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0)
f=$(grep -E '^\[doctest\] test cases' build/test-logs/native-asan.log | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || echo 0)
if [ "$rc" != 0 ] && [ "${f:-0}" = 0 ]; then f=1; fi  # a build failure, or a sanitizer report (the run aborts)
count native-asan "${p:-0}" "${f:-0}" "$rc"

# libFuzzer targets (tests/fuzz/): kept crash inputs replayed, then each target fuzzed for a bounded time.
echo "== fuzz (libFuzzer, ASan + UBSan)"
bash scripts/fuzz.sh 2>&1 | tee build/test-logs/fuzz.log; rc=${PIPESTATUS[0]}
p=$(grep -acE '^fuzz_[a-z_]+: [0-9]+ runs, no crash$' build/test-logs/fuzz.log || true)
f=$(( $(compgen -G 'tests/fuzz/fuzz_*.cpp' | wc -l) - ${p:-0} ))
if [ "$rc" != 0 ] && [ "$f" -le 0 ]; then f=1; fi
count fuzz "${p:-0}" "$f" "$rc"

echo "== python (pytest)"
.venv/bin/python -m pytest tests/python -q -p no:cacheprovider 2>&1 | tee build/test-logs/python.log; rc=${PIPESTATUS[0]}
p=$(tail -n 3 build/test-logs/python.log | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0)
f=$(tail -n 3 build/test-logs/python.log | grep -oE '[0-9]+ (failed|errors?)' | awk '{s+=$1} END {print s+0}')
count python "${p:-0}" "${f:-0}" "$rc"

for suite in js browser; do
  echo "== $suite (node:test)"
  node --test --test-concurrency=1 "tests/$suite/" 2>&1 | tee "build/test-logs/$suite.log"; rc=${PIPESTATUS[0]}
  p=$(grep -E '^# pass ' "build/test-logs/$suite.log" | grep -oE '[0-9]+' || echo 0)
  f=$(grep -E '^# fail ' "build/test-logs/$suite.log" | grep -oE '[0-9]+' || echo 0)
  count "$suite" "${p:-0}" "${f:-0}" "$rc"
done

if ((${#bad_suites[@]})); then echo "failing suites: ${bad_suites[*]}"; fi
echo "all suites: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ ${#bad_suites[@]} = 0 ]
