# Build and test toolchain of the ciops.circleci collection.
#
#   make test         every layer below, then a summary table (what .ci/run runs)
#   make venv         .venv (Python 3.12) with requirements-dev.txt, rebuilt when it changes
#   make unit         pytest tests/unit but tests/unit/plugins (simulator, docs, hack, event source, registry)
#   make sanity       ansible-test sanity --venv --python 3.12
#   make units        ansible-test units --venv --python 3.12 (tests/unit/plugins)
#   make integration  ansible-test integration --venv --python 3.12 against the simulator
#   make lint         ansible-lint (production profile) + antsibull-changelog lint
#   make eda-lint     ruff and pylint over extensions/eda/plugins (as partner certification runs them)
#   make venv-eda     .venv-eda (Python 3.12) with requirements-eda.txt (ansible-rulebook), rebuilt when it changes
#   make eda          end to end with the real ansible-rulebook (tests/eda): the simulator delivers signed
#                     webhooks over HTTPS to extensions/eda/rulebooks/deploy_on_green.yml, whose rule
#                     runs examples/deploy_from_event.yml; needs java (17+) on PATH
#   make docs         the guides' RST up to date with their Markdown (hack/md2rst.py --check),
#                     antsibull-docs lint-collection-docs --plugin-docs, then the HTML docsite
#                     (generated plugin reference + guides) into build/docs/html; fails on any
#                     Sphinx warning but the known offline ones (docs/sphinx/conf.py)
#   make docs-rst     regenerate docs/docsite/rst/*.rst from the guides listed in docs/docsite/extra-docs.yml
#   make docs-examples  every yaml example of README.md and docs/*.md under ansible-playbook --check
#                     against the simulator (tests/docs_examples); PYTEST_ARGS='-k keys.md' for one doc
#   make docs-html    only the HTML docsite (antsibull-docs + Sphinx) into build/docs/html
#   make artifact     ansible-galaxy collection build, install the tarball into a temporary path,
#                     run examples/demo.yml and examples/deploy.yml from the installed copy against
#                     the simulator, ansible-builder introspect + create (tests/artifact)
#   make molecule     molecule test (extensions/molecule/*) against the simulator
#   make py311        ansible-core 2.19 on Python 3.11: ansible-test units + integration, with
#                     api_url in the old /api/v1.1 form (integration uses the host root)
#   make reliability  tests/reliability: fault, bad-input, secrets, concurrency and contract matrices
#                     against a simulator of its own (figures in docs/reliability.md)
#   make mutants      sampled mutation run over plugins/module_utils and plugins/modules (on demand,
#                     not in make test): MUTANTS=200 SEED=12 by default; kill rate in build/mutants/;
#                     SURVIVORS_OF=build/mutants/report.json runs that report's survivors again
#   make demo         ansible-playbook examples/demo.yml against the simulator
#   make simulator    the simulator in the foreground on port SIM_PORT (8765), for trying things by hand
#   make bench        every bench/bench_*.py against a fresh simulator; writes docs/performance.md
#                     (BENCH=envvar,task runs some only and writes build/bench/performance.md)
#   make clean        remove build/ and tests/output/ (keeps the venvs)
#   make distclean    clean + remove the venvs
#
# Every layer runs from a copy of the collection at $(BUILD) (hack/sync-build.sh,
# BUILD_ROOT=build by default):
# ansible-test needs a real .../ansible_collections/ciops/circleci path and the
# unit tests import ansible_collections.ciops.circleci. ANSIBLE_COLLECTIONS_PATH
# points at its parent so playbooks, ansible-lint and molecule resolve ciops.circleci.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test
.DELETE_ON_ERROR:

ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
VENV311 := $(ROOT)/.venv311
# Where the collection copy lives; `make test` gives each parallel lane its own.
BUILD_ROOT ?= $(ROOT)/build
export BUILD_ROOT
COLLECTIONS := $(BUILD_ROOT)/collections
BUILD := $(COLLECTIONS)/ansible_collections/ciops/circleci

# Interpreters by glob (newest patch release), never a fixed patch version;
# fall back to the name on PATH.
find_python = $(or $(shell ls -1 $(HOME)/.pyenv/versions/$(1).*/bin/python$(1) /root/.pyenv/versions/$(1).*/bin/python$(1) 2>/dev/null | sort -V | tail -n 1),$(shell command -v python$(1)))
PY312 := $(call find_python,3.12)
PY311 := $(call find_python,3.11)

VENV_STAMP := $(VENV)/.installed
# pytest-asyncio (the event source's tests) asks for its fixture loop scope to be set; a pytest.ini
# would ship in the tarball, so every pytest line of the dev venv says it.
PYTEST_ASYNCIO := -o asyncio_default_fixture_loop_scope=function
VENV311_STAMP := $(VENV311)/.installed
VENV_EDA := $(ROOT)/.venv-eda
VENV_EDA_STAMP := $(VENV_EDA)/.installed

# The dev venv first on PATH for every recipe (ansible-playbook for molecule,
# shellcheck for ansible-test sanity, ...).
export PATH := $(VENV)/bin:$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
# No stray .pyc/.pytest_cache in the copy for ansible-test to trip over.
export PYTHONDONTWRITEBYTECODE := 1
export ANSIBLE_NOCOLOR ?= $(if $(CI),1,)
export PY_COLORS ?= $(if $(CI),0,)

LAYERS := unit reliability docs-examples lint eda-lint eda docs units sanity integration molecule artifact py311
# Two lanes run side by side (hack/run-layers.py): the CPU-bound layers, and
# the integration layers, which mostly wait for the simulator. Measured on the
# 2-core machine: see the closing table of `make test` (and the README).
# A third lane starves the integration targets' timing-sensitive waits of
# CPU, so they stay together.
LANES := unit,reliability,docs-examples,lint,eda-lint,docs,units,sanity,molecule,artifact,eda integration,py311

.PHONY: test venv venv311 sync unit sanity units integration lint docs molecule py311 \
	docs-html artifact demo simulator bench lock clean distclean reliability mutants

test: $(VENV_STAMP)
	$(VENV)/bin/python hack/run-layers.py $(LANES)

# ---------------------------------------------------------------- venvs
venv: $(VENV_STAMP)

$(VENV_STAMP): requirements-dev.txt hack/constraints-py312.txt
	@test -n "$(PY312)" || { echo "no Python 3.12 found (pyenv 3.12.* or python3.12 on PATH)" >&2; exit 1; }
	test -x $(VENV)/bin/python || $(PY312) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv311: $(VENV311_STAMP)

$(VENV311_STAMP): requirements-py311.txt
	@test -n "$(PY311)" || { echo "no Python 3.11 found (pyenv 3.11.* or python3.11 on PATH)" >&2; exit 1; }
	test -x $(VENV311)/bin/python || $(PY311) -m venv $(VENV311)
	$(VENV311)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-py311.txt
	touch $@

# Regenerate the full pin list of the dev venv from requirements-dev.txt.
lock:
	rm -rf build/lock-venv
	$(PY312) -m venv build/lock-venv
	grep -v '^-c ' requirements-dev.txt > build/lock-requirements.txt
	build/lock-venv/bin/python -m pip install --quiet -r build/lock-requirements.txt
	{ echo "# Every package of the Python 3.12 dev venv, pinned. Generated by 'make lock' from"; \
	  echo "# requirements-dev.txt; do not edit by hand."; \
	  build/lock-venv/bin/python -m pip freeze --all | grep -v -E '^(pip|setuptools|wheel)=='; \
	} > hack/constraints-py312.txt
	rm -rf build/lock-venv build/lock-requirements.txt

sync:
	hack/sync-build.sh

# ---------------------------------------------------------------- layers
# pytest straight from the dev venv: everything under tests/unit but the plugins' own unit
# tests (the simulator, the docs, hack/, the event source, the registry), which `units` runs
# through ansible-test on Python 3.12 and `py311` on 3.11: each test once per Python and
# ansible-core pair. PYTHONPATH makes ansible_collections.ciops.circleci importable (a PEP 420
# namespace package rooted at build/collections).
unit: $(VENV_STAMP) sync
	cd $(BUILD) && PYTHONPATH=$(COLLECTIONS) $(VENV)/bin/python -m pytest -p no:cacheprovider -q tests/unit \
		--ignore=tests/unit/plugins $(PYTEST_ASYNCIO)

sanity: $(VENV_STAMP) sync
	$(VENV)/bin/python hack/ansible-test-pip-bootstrap.py
	cd $(BUILD) && $(VENV)/bin/ansible-test sanity --venv --python 3.12

# Only tests/unit/plugins: the simulator tests are not collection code, need
# Flask and a server process, and run in `make unit` already.
units: $(VENV_STAMP) sync
	$(VENV)/bin/python hack/ansible-test-pip-bootstrap.py
	cd $(BUILD) && $(VENV)/bin/ansible-test units --venv --python 3.12 tests/unit/plugins/

integration: $(VENV_STAMP) sync
	hack/with-simulator.sh hack/ansible-test-integration.sh $(VENV) 3.12

lint: $(VENV_STAMP) sync
	cd $(BUILD) && $(VENV)/bin/ansible-lint
	cd $(BUILD) && $(VENV)/bin/antsibull-changelog lint

# The HTML docsite goes to $(DOCS_DIR)/html: build/docs/html by default, a lane's own folder in `make test`.
DOCS_DIR = $(BUILD_ROOT)/docs

# The committed docs/docsite/rst/*.rst must match the Markdown guides they are generated from
# (hack/md2rst.py --check names the stale file and says to run `make docs-rst`).
docs: $(VENV_STAMP) sync
	cd $(BUILD) && $(VENV)/bin/python hack/md2rst.py --check
	cd $(BUILD) && $(VENV)/bin/antsibull-docs lint-collection-docs --plugin-docs .
	cd $(BUILD) && DOCS_BUILD_DIR=$(DOCS_DIR) docs/sphinx/build.sh

# Regenerate docs/docsite/rst/NAME.rst from docs/NAME.md for every guide of docs/docsite/extra-docs.yml,
# in the work tree (not the build copy): commit the result with the Markdown.
.PHONY: docs-rst
docs-rst: $(VENV_STAMP)
	$(VENV)/bin/python hack/md2rst.py

# The yaml examples of README.md and docs/*.md with ansible-playbook --check --diff, one test per
# example, against simulators of its own (tests/docs_examples/README.md).
.PHONY: docs-examples
docs-examples: $(VENV_STAMP) sync
	cd $(BUILD) && $(VENV)/bin/python -m pytest -p no:cacheprovider -q $(PYTEST_ASYNCIO) tests/docs_examples $(PYTEST_ARGS)

molecule: $(VENV_STAMP) sync
	hack/with-simulator.sh bash -c 'cd $(BUILD) && $(VENV)/bin/molecule test --all'

py311: $(VENV311_STAMP) $(VENV_STAMP) sync
	$(VENV311)/bin/python hack/ansible-test-pip-bootstrap.py
	cd $(BUILD) && PATH=$(VENV311)/bin:$$PATH $(VENV311)/bin/ansible-test units --venv --python 3.11 tests/unit/plugins/
	SIM_API_URL_FORM=v1.1 hack/with-simulator.sh hack/ansible-test-integration.sh $(VENV311) 3.11

# The reliability suite: the plugins against a simulator it starts itself, over real HTTP
# (in-process for the fault and bad-input matrices, ansible-playbook for -vvvv and -f 20).
reliability: $(VENV_STAMP) sync
	cd $(BUILD) && PYTHONPATH=$(COLLECTIONS) $(VENV)/bin/python -m pytest -p no:cacheprovider -q $(PYTEST_ASYNCIO) tests/reliability

# A sampled mutation run (hack/mutants.py): each mutant of plugins/module_utils or plugins/modules
# against the unit tests that cover it. On demand only; it takes minutes. After adding tests,
# SURVIVORS_OF=build/mutants/report.json runs only that report's survivors again.
MUTANTS ?= 200
SEED ?= 12
SURVIVORS_OF ?=
mutants: $(VENV_STAMP) sync
	$(VENV)/bin/python hack/mutants.py --collection $(BUILD) --count $(MUTANTS) --seed $(SEED) \
		$(if $(SURVIVORS_OF),--survivors-of $(abspath $(SURVIVORS_OF))) \
		--report $(ROOT)/build/mutants/$(if $(SURVIVORS_OF),survivors,report).json

# Only the HTML docsite into build/docs/html (`make docs` builds it too, after the lint).
docs-html: $(VENV_STAMP) sync
	cd $(BUILD) && DOCS_BUILD_DIR=$(DOCS_DIR) docs/sphinx/build.sh

# The built artifact: tarball, install, the examples from the installed copy, execution environment.
artifact: $(VENV_STAMP) sync
	cd $(BUILD) && PYTHONPATH=$(COLLECTIONS) $(VENV)/bin/python -m pytest -p no:cacheprovider -q $(PYTEST_ASYNCIO) tests/artifact

# ---------------------------------------------------------------- demo, bench
demo: $(VENV_STAMP) sync
	hack/with-simulator.sh $(VENV)/bin/ansible-playbook -i examples/inventory.ini examples/demo.yml

# The simulator in the foreground, for trying things by hand (Ctrl-C stops it).
# Its first line is its v1.1 URL; the host root (api_url) is that URL without /api/v1.1.
SIM_PORT ?= 8765
simulator: $(VENV_STAMP)
	$(VENV)/bin/python tests/simulator/server.py --port $(SIM_PORT) --verbose

# bench_eda.py runs ansible-rulebook and the sources from the eda venv.
bench: $(VENV_STAMP) $(VENV_EDA_STAMP) sync
	EDA_VENV=$(VENV_EDA) hack/run-bench.sh

# ---------------------------------------------------------------- housekeeping
clean:
	rm -rf build tests/output

distclean: clean
	rm -rf $(VENV) $(VENV311) $(VENV_EDA)

# ---------------------------------------------------------------- Event-Driven Ansible
# ruff and pylint over the event source plugins, as Red Hat's partner certification runs them
# (extensions/eda/ruff.toml, extensions/eda/.pylintrc), from the build copy like every layer.
.PHONY: eda-lint venv-eda eda
eda-lint: $(VENV_STAMP) sync
	cd $(BUILD)/extensions/eda && $(VENV)/bin/ruff check --no-cache plugins
	cd $(BUILD)/extensions/eda && $(VENV)/bin/ruff format --no-cache --check plugins
	cd $(BUILD)/extensions/eda && $(VENV)/bin/pylint --rcfile=.pylintrc plugins

# ansible-rulebook in a venv of its own: it pins its own aiohttp, jsonschema, ansible-runner... and
# needs ansible-core beside it (requirements-eda.txt says why each is there).
venv-eda: $(VENV_EDA_STAMP)

$(VENV_EDA_STAMP): requirements-eda.txt
	@test -n "$(PY312)" || { echo "no Python 3.12 found (pyenv 3.12.* or python3.12 on PATH)" >&2; exit 1; }
	test -x $(VENV_EDA)/bin/python || $(PY312) -m venv $(VENV_EDA)
	$(VENV_EDA)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-eda.txt
	touch $@

# The end-to-end layer: pytest (dev venv) drives the simulator, ciops.circleci playbooks and the real
# ansible-rulebook of .venv-eda (EDA_VENV) from the build copy.
eda: $(VENV_STAMP) $(VENV_EDA_STAMP) sync
	@command -v java >/dev/null || { echo "make eda: ansible-rulebook needs a Java 17+ runtime: no java on PATH" >&2; exit 1; }
	cd $(BUILD) && EDA_VENV=$(VENV_EDA) PYTHONPATH=$(COLLECTIONS) $(VENV)/bin/python -m pytest -p no:cacheprovider -q \
		$(PYTEST_ASYNCIO) tests/eda
