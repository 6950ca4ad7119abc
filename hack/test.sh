#!/usr/bin/env bash
# The whole test suite: build, type-check, unit, integration (real etcd), e2e (real etcd,
# containerd, iptables, kubectl; needs root). Prints a closing "N passed, N failed" line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash hack/install-deps.sh
npm run build
npx tsc -p tsconfig.test.json

pass=0; fail=0
run() {
  local name=$1; shift
  echo "=== $name"
  local out; out=$(mktemp)
  "$@" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  local p f
  p=$(grep -E '^# pass [0-9]+' "$out" | tail -1 | awk '{print $3}')
  f=$(grep -E '^# fail [0-9]+' "$out" | tail -1 | awk '{print $3}')
  pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
  if [[ $rc -ne 0 && ${f:-0} -eq 0 ]]; then fail=$((fail + 1)); fi
  rm -f "$out"
}
shopt -s globstar nullglob
unit=(src/**/*.test.ts)
integ=(test/integration/**/*.test.ts)
e2e=(test/e2e/**/*.test.ts)
((${#unit[@]})) && run unit node --import tsx --test --test-concurrency=2 "${unit[@]}"
((${#integ[@]})) && run integration node --import tsx --test --test-concurrency=1 "${integ[@]}"
((${#e2e[@]})) && run e2e node --import tsx --test --test-concurrency=1 "${e2e[@]}"
echo "$pass passed, $fail failed"
[[ $fail -eq 0 && $pass -gt 0 ]]
