# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's promises about its own metadata: action group, documented attributes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import os

import pytest
import yaml

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
MODULES_DIR = os.path.join(ROOT, 'plugins', 'modules')
MODULES = sorted(f[:-3] for f in os.listdir(MODULES_DIR) if f.endswith('.py') and not f.startswith('_'))


def _runtime():
    with open(os.path.join(ROOT, 'meta', 'runtime.yml')) as f:
        return yaml.safe_load(f)


def _module_source(name):
    with open(os.path.join(MODULES_DIR, name + '.py')) as f:
        return f.read()


def _documentation(name):
    tree = ast.parse(_module_source(name))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'DOCUMENTATION':
            return yaml.safe_load(node.value.value)
    raise AssertionError('%s has no DOCUMENTATION' % name)


def action_group_problem(name):
    """Why the module ``name`` is not in the action group, or None (tests/unit/test_registry.py uses it too)."""
    if name not in (_runtime().get('action_groups') or {}).get('circleci', []):
        return 'meta/runtime.yml: add %s to action_groups.circleci (module_defaults: group/ciops.circleci.circleci)' % name
    return None


def test_every_module_is_in_the_action_group_and_nothing_else():
    assert MODULES, 'no modules found'
    group = _runtime()['action_groups']['circleci']
    problems = [problem for problem in (action_group_problem(name) for name in MODULES) if problem]
    problems += ['meta/runtime.yml: action_groups.circleci lists %s, which is no module' % name
                 for name in sorted(set(group) - set(MODULES))]
    problems += ['meta/runtime.yml: action_groups.circleci lists %s twice' % name
                 for name in sorted(set(n for n in group if group.count(n) > 1))]
    assert sorted(group) == MODULES, '; '.join(problems)


def test_requires_ansible():
    # The oldest ansible-core that make test runs (py311 layer: 2.19); 2.17 and 2.18 are out of upstream support.
    assert _runtime()['requires_ansible'] == '>=2.19.0'


@pytest.mark.parametrize('name', MODULES)
def test_module_documents_the_action_group(name):
    fragments = _documentation(name).get('extends_documentation_fragment', [])
    assert 'ciops.circleci.attributes.actiongroup' in fragments
    assert 'ciops.circleci.connection' in fragments


@pytest.mark.parametrize('name', MODULES)
def test_documented_check_mode_matches_the_code(name):
    doc = _documentation(name)
    fragments = doc.get('extends_documentation_fragment', [])
    support = doc.get('attributes', {}).get('check_mode', {}).get('support')
    if 'ciops.circleci.attributes.info_module' in fragments:
        support = support or 'full'
    assert support in ('full', 'partial', 'none'), '%s documents no check_mode support' % name
    declares = 'supports_check_mode=True' in _module_source(name)
    assert declares == (support != 'none')


@pytest.mark.parametrize('name', MODULES)
def test_module_has_examples_and_return(name):
    source = _module_source(name)
    assert 'EXAMPLES = r' in source and 'RETURN = r' in source
    assert 'ciops.circleci.%s:' % name in source, 'EXAMPLES must use the FQCN'


@pytest.mark.parametrize('name', MODULES)
def test_module_follows_the_naming_scheme(name):
    # One naming scheme: main() builds the CircleCIModule and hands it to run(module); plans are plan_<thing>.
    tree = ast.parse(_module_source(name))
    functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert 'run' in functions and 'main' in functions
    assert 'module.run(run)' in _module_source(name)
    assert [f for f in functions if f == 'plan' or (f.startswith('plan') and not f.startswith('plan_'))] == []
