#!/usr/bin/env bash
# `make bench`: run every bench/bench_*.py (and bench/run.sh if present), each
# against a fresh simulator, with the dev venv's python. The benchmark sees
# CIRCLECI_API_URL, CIRCLECI_SIM_ROOT, CIRCLECI_TOKEN (hack/with-simulator.sh),
# ANSIBLE_COLLECTIONS_PATH (the build copy) and BENCH_RESULTS, a file of JSON
# lines it appends its figures to. Exits non-zero if any fails.
#
# At the end bench/report.py turns the figures into docs/performance.md, when
# every benchmark ran and passed. BENCH=envvar,task (names after bench_) runs
# only those; such a partial run, or a failed one, writes its page to
# $BUILD_ROOT/bench/performance.md instead, so that the committed page always
# comes from one whole run.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_root="${BUILD_ROOT:-${root}/build}"
export ANSIBLE_COLLECTIONS_PATH="${build_root}/collections"
export PATH="${root}/.venv/bin:${PATH}"
cd "${root}"

out_dir="${build_root}/bench"
mkdir -p "${out_dir}"
export BENCH_RESULTS="${out_dir}/results.jsonl"
: >"${BENCH_RESULTS}"
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
load="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
start_seconds=${SECONDS}

shopt -s nullglob
benches=()
if [ -n "${BENCH:-}" ]; then
    IFS=',' read -r -a names <<<"${BENCH}"
    for name in "${names[@]}"; do
        if [ ! -f "bench/bench_${name}.py" ]; then
            echo "BENCH=${BENCH}: no bench/bench_${name}.py; the benchmarks are:" >&2
            ls bench/bench_*.py >&2
            exit 2
        fi
        benches+=("bench/bench_${name}.py")
    done
else
    benches=(bench/bench_*.py)
fi
failed=0
ran=0
for bench in "${benches[@]}"; do
    echo "=== ${bench}"
    ran=$((ran + 1))
    hack/with-simulator.sh "${root}/.venv/bin/python" "${bench}" || { echo "FAILED: ${bench}"; failed=$((failed + 1)); }
done
if [ -z "${BENCH:-}" ] && { [ -x bench/run.sh ] || [ -f bench/run.sh ]; }; then
    echo "=== bench/run.sh"
    ran=$((ran + 1))
    hack/with-simulator.sh bash bench/run.sh || { echo "FAILED: bench/run.sh"; failed=$((failed + 1)); }
fi

page="${out_dir}/performance.md"
if [ -z "${BENCH:-}" ] && [ "${failed}" -eq 0 ]; then
    page="${root}/docs/performance.md"
fi
if [ -s "${BENCH_RESULTS}" ]; then
    "${root}/.venv/bin/python" bench/report.py --results "${BENCH_RESULTS}" --out "${page}" --started "${started}" \
        --seconds $((SECONDS - start_seconds)) --load "${load}" ${BENCH:+--benches "${BENCH}"}
fi
echo "benchmarks: $((ran - failed)) passed, ${failed} failed"
[ "${failed}" -eq 0 ]
