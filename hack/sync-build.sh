#!/usr/bin/env bash
# Copy the collection into $BUILD_ROOT/collections/ansible_collections/ciops/circleci
# (BUILD_ROOT defaults to build/).
#
# ansible-test only works from a real .../ansible_collections/<ns>/<name>/ path
# (it resolves symlinks), and the unit tests import the collection as
# ansible_collections.ciops.circleci, so every layer runs from this copy.
# ANSIBLE_COLLECTIONS_PATH=build/collections makes ciops.circleci resolvable
# for ansible-playbook, ansible-lint and molecule as well.
#
# The copy holds exactly what git would show ansible-test in the work tree:
# tracked files plus untracked files that .gitignore does not exclude (so a
# new file someone has not committed yet is tested too). It is rebuilt from
# scratch every time: stale files never linger. Without git (an unpacked
# tarball) everything but the usual build/venv/output folders is copied.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_root="${BUILD_ROOT:-${root}/build}"
dest="${build_root}/collections/ansible_collections/ciops/circleci"

# ansible-test keeps its --venv delegation environments in tests/output/.tmp:
# carry tests/output over so that warm runs do not reinstall them.
keep="${build_root}/.tests-output-keep"
rm -rf "${keep}"
if [ -d "${dest}/tests/output" ]; then
    mv "${dest}/tests/output" "${keep}"
fi
rm -rf "${dest}"
mkdir -p "${dest}"
cd "${root}"

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    # -c: tracked, -o --exclude-standard: untracked but not ignored.
    # Files deleted in the work tree are still "tracked": skip them.
    git ls-files -z -c -o --exclude-standard \
        | while IFS= read -r -d '' f; do [ -e "${f}" ] && printf '%s\0' "${f}"; done \
        | tar --null -T - -cf - \
        | tar -xf - -C "${dest}"
else
    tar --exclude=./build --exclude='./.venv*' --exclude=./tests/output --exclude=./.git \
        --exclude='__pycache__' --exclude=./.ansible -cf - . | tar -xf - -C "${dest}"
fi
if [ -d "${keep}" ]; then
    mkdir -p "${dest}/tests"
    mv "${keep}" "${dest}/tests/output"
fi

# A repository of its own: ansible-test (and ansible-lint) list content with
# git, and from inside the checkout's tree (build/ is ignored there) they would see nothing.
# Nothing is committed: untracked-but-not-ignored is what they list.
git -C "${dest}" init -q
echo "synced collection copy: ${dest#"${root}"/}"
