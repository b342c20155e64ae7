#!/usr/bin/env bash
# ansible-test integration in the build copy, against the simulator that
# hack/with-simulator.sh started (it exports CIRCLECI_API_URL and friends):
#
#     hack/with-simulator.sh hack/ansible-test-integration.sh VENV PYTHON_VERSION [ansible-test args...]
#
# Writes tests/integration/integration_config.yml in the copy, so that every
# target sees circleci_sim_url (the api_url modules get: the host root, or the
# old /api/v1.1 form with SIM_API_URL_FORM=v1.1), circleci_sim_v1 (the v1.1 root
# for raw uri calls), circleci_sim_root and circleci_sim_token as variables, then runs `ansible-test integration --venv --python VERSION`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$1"
python_version="$2"
shift 2
copy="${BUILD_ROOT:-${root}/build}/collections/ansible_collections/ciops/circleci"

: "${CIRCLECI_API_URL:?run me through hack/with-simulator.sh}"

cat >"${copy}/tests/integration/integration_config.yml" <<CONFIG
---
circleci_sim_url: ${CIRCLECI_API_URL}
circleci_sim_v1: ${CIRCLECI_SIM_V1_URL}
circleci_sim_root: ${CIRCLECI_SIM_ROOT}
circleci_sim_token: ${CIRCLECI_TOKEN}
CONFIG

"${venv}/bin/python" "${root}/hack/ansible-test-pip-bootstrap.py"
cd "${copy}"
PATH="${venv}/bin:${PATH}" "${venv}/bin/ansible-test" integration --venv --python "${python_version}" --continue-on-error "$@"
