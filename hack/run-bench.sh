#!/usr/bin/env bash
# `make bench`: run every bench/bench_*.py (and bench/run.sh if present), each
# against a fresh simulator, with the dev venv's python. The benchmark sees
# CIRCLECI_API_URL, CIRCLECI_SIM_ROOT, CIRCLECI_TOKEN (hack/with-simulator.sh)
# and ANSIBLE_COLLECTIONS_PATH (the build copy). Exits non-zero if any fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ANSIBLE_COLLECTIONS_PATH="${BUILD_ROOT:-${root}/build}/collections"
export PATH="${root}/.venv/bin:${PATH}"
cd "${root}"

shopt -s nullglob
benches=(bench/bench_*.py)
failed=0
ran=0
for bench in "${benches[@]}"; do
    echo "=== ${bench}"
    ran=$((ran + 1))
    hack/with-simulator.sh "${root}/.venv/bin/python" "${bench}" || { echo "FAILED: ${bench}"; failed=$((failed + 1)); }
done
if [ -x bench/run.sh ] || [ -f bench/run.sh ]; then
    echo "=== bench/run.sh"
    ran=$((ran + 1))
    hack/with-simulator.sh bash bench/run.sh || { echo "FAILED: bench/run.sh"; failed=$((failed + 1)); }
fi
echo "benchmarks: $((ran - failed)) passed, ${failed} failed"
[ "${failed}" -eq 0 ]
