#!/usr/bin/env bash
# Build the HTML docsite of ciops.circleci from the plugins' own documentation
# (antsibull-docs) into build/docs/html; `make docs-html` runs it from the dev
# venv (Sphinx and the theme come from requirements-dev.txt) and the collection on
# ANSIBLE_COLLECTIONS_PATH. Based on `antsibull-docs sphinx-init`, changed to
# work offline: no intersphinx; the references intersphinx would resolve on
# docs.ansible.com become plain links there (conf.py), so -W fails the build on
# every other warning (--keep-going: all of them are listed first).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${DOCS_BUILD_DIR:-${here}/../../build/docs}"
mkdir -p "${out}/rst"
chmod og-w "${out}/rst"  # antsibull-docs wants that directory only writable by itself

antsibull-docs \
    --config-file "${here}/antsibull-docs.cfg" \
    collection \
    --cleanup everything \
    --use-current \
    --dest-dir "${out}/rst" \
    ciops.circleci

# antsibull-docs --cleanup removes everything it did not write: add the root page after it.
cp "${here}/index.rst" "${out}/rst/index.rst"

sphinx-build -M html "${out}/rst" "${out}" -c "${here}" -W --keep-going -q
pages="$(find "${out}/html" -name '*.html' | wc -l)"
echo "docs: ${pages} HTML pages, no Sphinx warning: ${out}/html/index.html"
