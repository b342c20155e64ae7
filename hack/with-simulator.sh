#!/usr/bin/env bash
# Run a command against a fresh CircleCI simulator:
#
#     hack/with-simulator.sh CMD [ARGS...]
#
# Starts `tests/simulator/server.py --port 0` with the dev venv's python,
# reads the base URL from its first stdout line, exports
#
#     CIRCLECI_API_URL     http://127.0.0.1:PORT          (the host root, as api_url is given now)
#     CIRCLECI_SIM_ROOT    http://127.0.0.1:PORT          (control API at /_sim/...)
#     CIRCLECI_SIM_V1_URL  http://127.0.0.1:PORT/api/v1.1 (for raw ansible.builtin.uri calls)
#     CIRCLECI_TOKEN       sim-token
#
# SIM_DATE=YYYY-MM-DD starts the simulator on that day (default 2026-12-01, before
# the v1.1 sunset). SIM_API_URL_FORM=v1.1 exports CIRCLECI_API_URL in the old form that ends in
# /api/v1.1 instead (still accepted by the collection): the py311 layer runs every
# integration target with it, the integration layer with the host root.
# SIM_REQUEST_LOG=PATH makes the simulator write every request of the run (across resets) to PATH
# as JSON lines when it stops (server.py --request-log), e.g. to compare two integration runs.
#
# runs CMD, stops the simulator (also on failure or Ctrl-C) and exits with
# CMD's status. The one place that knows how to start and stop the simulator:
# integration, molecule, demo and bench all go through it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${SIM_PYTHON:-${root}/.venv/bin/python}"
token="${CIRCLECI_SIM_TOKEN:-sim-token}"
start_timeout="${SIM_START_TIMEOUT:-30}"

if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

logdir="${root}/build/simulator"
mkdir -p "${logdir}"
out="$(mktemp "${logdir}/stdout.XXXXXX")"
err="${out/stdout/stderr}"

# A fixed date before the v1.1 sunset (2027-02-01), so that every run sees the same
# CircleCI whatever the day: targets that need the sunset set it through /_sim/config.
sim_date="${SIM_DATE:-2026-12-01}"
sim_args=(--port 0 --token "${token}" --date "${sim_date}")
if [ -n "${SIM_REQUEST_LOG:-}" ]; then
    sim_args+=(--request-log "${SIM_REQUEST_LOG}")
fi
"${python}" "${root}/tests/simulator/server.py" "${sim_args[@]}" >"${out}" 2>"${err}" &
sim_pid=$!

# shellcheck disable=SC2329  # invoked by the EXIT trap
stop_simulator() {
    if kill -0 "${sim_pid}" 2>/dev/null; then
        kill "${sim_pid}" 2>/dev/null || true
        wait "${sim_pid}" 2>/dev/null || true
    fi
    rm -f "${out}" "${err}"
}
trap stop_simulator EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

base_url=""
deadline=$((SECONDS + start_timeout))
while [ -z "${base_url}" ]; do
    if ! kill -0 "${sim_pid}" 2>/dev/null; then
        echo "simulator exited before printing its URL; its stderr:" >&2
        cat "${err}" >&2
        exit 1
    fi
    if [ "${SECONDS}" -ge "${deadline}" ]; then
        echo "simulator printed no URL within ${start_timeout}s" >&2
        cat "${err}" >&2
        exit 1
    fi
    # read fails until a whole line (with its newline) is there.
    if IFS= read -r line <"${out}"; then
        base_url="${line}"
    else
        sleep 0.1
    fi
done

export CIRCLECI_SIM_ROOT="${base_url%%/api/*}"
export CIRCLECI_SIM_V1_URL="${CIRCLECI_SIM_ROOT}/api/v1.1"
case "${SIM_API_URL_FORM:-root}" in
    root) export CIRCLECI_API_URL="${CIRCLECI_SIM_ROOT}" ;;
    v1.1) export CIRCLECI_API_URL="${CIRCLECI_SIM_V1_URL}" ;;
    *) echo "SIM_API_URL_FORM must be root or v1.1" >&2; exit 2 ;;
esac
export CIRCLECI_TOKEN="${token}"
echo "simulator (pid ${sim_pid}) at ${CIRCLECI_API_URL}"

status=0
"$@" || status=$?
exit "${status}"
