#!/usr/bin/env bash
# Runs every suite (native, Python, JS, browser) even if one fails, then prints one summary line.
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
