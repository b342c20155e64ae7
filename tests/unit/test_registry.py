# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every place that must list a plugin lists it, and lists nothing that is no plugin.

The plugins are found on disk: every file of plugins/modules and plugins/lookup, every role
under roles/ and every event source under extensions/eda/plugins/event_source. Each test
names the plugin and the place it is missing from; docs/development.md has the checklist these
places come from (its step numbers are in the messages).

The rule of the action group (meta/runtime.yml) lives in tests/unit/plugins/test_collection_meta.py,
which ansible-test units runs too; this test reuses it. The simulator's own table (every routes
file registered, every route reachable and documented) is checked by tests/unit/simulator/test_routing.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import importlib.util
import os
import re
import sys
from unittest import mock

import pytest

from ansible.module_utils import basic

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), '..', '..'))
COLLECTION = 'ansible_collections.ciops.circleci'
CHECKLIST = 'docs/development.md'


class Plugin(object):
    """One plugin: kind 'module', 'lookup', 'role' or 'event_source', and its name."""

    def __init__(self, kind, name):
        self.kind = kind
        self.name = name

    def __repr__(self):
        return '%s %s' % (self.kind.replace('_', ' '), self.name)


def _files(relative, suffix='.py'):
    folder = os.path.join(ROOT, relative)
    if not os.path.isdir(folder):
        return []
    return sorted(f[:-len(suffix)] for f in os.listdir(folder) if f.endswith(suffix) and not f.startswith('_'))


def _folders(relative):
    folder = os.path.join(ROOT, relative)
    if not os.path.isdir(folder):
        return []
    return sorted(f for f in os.listdir(folder) if os.path.isdir(os.path.join(folder, f)) and not f.startswith('.'))


def discover():
    return ([Plugin('module', name) for name in _files('plugins/modules')]
            + [Plugin('lookup', name) for name in _files('plugins/lookup')]
            + [Plugin('role', name) for name in _folders('roles')]
            + [Plugin('event_source', name) for name in _files('extensions/eda/plugins/event_source')])


PLUGINS = discover()
KNOWN_PLUGIN_DIRS = {'modules', 'lookup', 'module_utils', 'plugin_utils', 'doc_fragments'}


def _read(relative):
    with open(os.path.join(ROOT, relative), encoding='utf-8') as handle:
        return handle.read()


def _load(name, relative, extra_path=()):
    """A test-support file of another layer, imported by its path (its own imports on extra_path)."""
    added = [os.path.join(ROOT, p) for p in extra_path if os.path.join(ROOT, p) not in sys.path]
    sys.path[:0] = added
    try:
        spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, relative))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        for path in added:
            sys.path.remove(path)


RELIABILITY_PATH = ('tests/reliability', 'tests/unit/plugins/modules', 'tests/simulator')
TASKS = _load('registry_reliability_tasks', 'tests/reliability/tasks.py')
try:
    BAD_INPUT = _load('registry_reliability_bad_input', 'tests/reliability/test_bad_input.py', RELIABILITY_PATH)
    BAD_INPUT_ERROR = None
except KeyError as exc:
    # Its cells() reads OPTIONS[name] for every row of tasks.PLUGINS while it is imported.
    BAD_INPUT, BAD_INPUT_ERROR = None, exc.args[0]
SECRETS = _load('registry_reliability_secrets', 'tests/reliability/test_secrets.py', RELIABILITY_PATH)
# The action group's rule is test_collection_meta.py's (ansible-test units runs it as well).
COLLECTION_META = _load('registry_collection_meta', 'tests/unit/plugins/test_collection_meta.py')


# ---------------------------------------------------------------- what each plugin offers

class _Spec(Exception):
    """Raised by the patched AnsibleModule.__init__ with the argument_spec the module built."""


def argument_spec(name):
    """The whole argument_spec of a module (shared options included), read by running its main()
    until it builds its AnsibleModule: the spec as Ansible gets it, not as its docs say."""
    def capture(self, argument_spec=None, **kwargs):  # pylint: disable=unused-argument
        raise _Spec(argument_spec)
    module = importlib.import_module('%s.plugins.modules.%s' % (COLLECTION, name))
    with mock.patch.object(basic.AnsibleModule, '__init__', capture):
        try:
            module.main()
        except _Spec as spec:
            return spec.args[0]
    raise AssertionError('%s: main() built no AnsibleModule' % name)


def lookup_options(name):
    """The option names of a lookup, its doc fragments included (what get_option knows)."""
    from ansible.plugins.loader import fragment_loader  # pylint: disable=import-outside-toplevel
    from ansible.utils.plugin_docs import get_docstring  # pylint: disable=import-outside-toplevel
    path = os.path.join(ROOT, 'plugins', 'lookup', name + '.py')
    doc = get_docstring(path, fragment_loader, collection_name='ciops.circleci', is_module=False)[0]
    return sorted(doc['options'])


def no_log_options(spec, prefix=''):
    """The options (dotted paths for sub-options) marked no_log=True, at any depth."""
    found = []
    for option, rules in sorted(spec.items()):
        if rules.get('no_log'):
            found.append(prefix + option)
        if rules.get('options'):
            found.extend(no_log_options(rules['options'], prefix + option + '.'))
    return found


def options_of(plugin):
    if plugin.kind == 'module':
        return sorted(argument_spec(plugin.name))
    return lookup_options(plugin.name)


# ---------------------------------------------------------------- the secret keys

HEADER = 'the Circle-Token header'
# Where the value of each no_log option travels, so that the scrubber (SECRET_BODY_KEYS of
# plugins/module_utils/_errors.py) masks it in every message, and the simulator
# (SECRET_KEYS of tests/simulator/app.py) keeps it out of its request log.
# (module or '*', option) -> request body key, or HEADER.
SECRET_OPTIONS = {
    # Every module: CircleCIClient sends the token in its header and scrubs it from every message itself.
    ('*', 'api_token'): HEADER,
    # v1.1 POST {project}/envvar and v2 POST {slug}/envvar: {"name", "value"}.
    ('circleci_envvar', 'value'): 'value',
    ('circleci_envvar', 'variables.value'): 'value',
    # v2 PUT /context/{id}/environment-variable/{name}: {"value"}.
    ('circleci_context_envvar', 'value'): 'value',
    ('circleci_context_envvar', 'variables.value'): 'value',
    # v1.1 POST {project}/ssh-key: {"hostname", "private_key"}.
    ('circleci_ssh_key', 'private_key'): 'private_key',
    # v1.1 POST /user/heroku-key: {"apikey"}.
    ('circleci_heroku_key', 'apikey'): 'apikey',
    # v2 POST /webhook and PUT /webhook/{id}: {"signing_secret", "signing-secret", ...} (both spellings are sent).
    ('circleci_webhook', 'signing_secret'): 'signing_secret',
}


def secret_key_problems(module, spec, scrubbed, redacted):
    """What is wrong with the secret keys of one module's no_log options (empty when nothing)."""
    problems = []
    for option in no_log_options(spec):
        where = SECRET_OPTIONS.get((module, option), SECRET_OPTIONS.get(('*', option)))
        if where is None:
            problems.append('option %s is no_log, but SECRET_OPTIONS in tests/unit/test_registry.py does not say '
                            'which request body key carries it' % option)
        elif where != HEADER:
            if where not in scrubbed:
                problems.append('option %s travels as the body key %r, which SECRET_BODY_KEYS of '
                                'plugins/module_utils/_errors.py lacks: CircleCI echoing it would leak it' % (option, where))
            if where not in redacted:
                problems.append('option %s travels as the body key %r, which SECRET_KEYS of tests/simulator/app.py '
                                'lacks: the request log would hold it' % (option, where))
    return problems


def _scrubbed_keys():
    from ansible_collections.ciops.circleci.plugins.module_utils import _errors  # pylint: disable=import-outside-toplevel
    return set(_errors.SECRET_BODY_KEYS)


def _simulator():
    if os.path.join(ROOT, 'tests', 'simulator') not in sys.path:
        sys.path.insert(0, os.path.join(ROOT, 'tests', 'simulator'))
    return importlib.import_module('app')


# ---------------------------------------------------------------- the places

def _feature_table_names():
    """The first cells of README.md's feature table: `name` for modules, lookup `name` for lookups."""
    names = {}
    for line in _read('README.md').split('\n## ', 1)[0].splitlines():
        match = re.match(r'^\| (lookup |role |event source )?`([\w.]+)` \|', line)
        if match:
            names[match.group(2)] = (match.group(1) or 'module ').strip().replace(' ', '_')
    return names


def _endpoint_tables():
    """The plugin column of docs/README.md's endpoint tables ("Every endpoint, and what reaches it")."""
    text = _read('docs/README.md').split('## Every endpoint, and what reaches it', 1)
    assert len(text) == 2, 'docs/README.md has no section "Every endpoint, and what reaches it"'
    names = set()
    for line in text[1].splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if line.startswith('| `') and len(cells) >= 2:
            names.update(re.findall(r'`([\w.]+)`', cells[-1]))
    return names


def _target_of(plugin):
    return ('lookup_' if plugin.kind == 'lookup' else '') + plugin.name


def check_action_group(plugin):
    return COLLECTION_META.action_group_problem(plugin.name)


def check_readme(plugin):
    if plugin.kind in ('module', 'lookup'):
        if _feature_table_names().get(plugin.name) != plugin.kind:
            prefix = 'lookup ' if plugin.kind == 'lookup' else ''
            return 'README.md feature table: add a row | %s`%s` | what it does | why it beats uri tasks |' % (
                prefix, plugin.name)
    elif 'ciops.circleci.%s' % plugin.name not in _read('README.md'):
        return 'README.md: name ciops.circleci.%s and say what it does' % plugin.name
    return None


def check_docs_index(plugin):
    if plugin.kind in ('module', 'lookup'):
        if plugin.name not in _endpoint_tables():
            return ('docs/README.md, "Every endpoint, and what reaches it": name `%s` beside each endpoint '
                    'it sends requests to' % plugin.name)
    elif 'ciops.circleci.%s' % plugin.name not in _read('docs/README.md'):
        return 'docs/README.md: name ciops.circleci.%s and link its guide' % plugin.name
    return None


def check_docsite_index(plugin):
    kind = {'module': 'module', 'lookup': 'lookup', 'event_source': 'event_source', 'role': 'role'}[plugin.kind]
    if ':ansplugin:`ciops.circleci.%s#%s`' % (plugin.name, kind) not in _read('docs/sphinx/index.rst'):
        return 'docs/sphinx/index.rst, "The reference pages": add :ansplugin:`ciops.circleci.%s#%s`' % (plugin.name, kind)
    return None


def check_integration_target(plugin):
    target = os.path.join('tests', 'integration', 'targets', _target_of(plugin))
    missing = [f for f in ('aliases', os.path.join('tasks', 'main.yml')) if not os.path.isfile(os.path.join(ROOT, target, f))]
    if missing:
        return '%s: an integration target (%s) against the simulator, using setup_simulator' % (target, ', '.join(missing))
    return None


def check_unit_tests(plugin):
    folder = {'module': 'modules', 'lookup': 'lookup'}.get(plugin.kind)
    if folder:
        path = os.path.join('tests', 'unit', 'plugins', folder, 'test_%s.py' % plugin.name)
        if not os.path.isfile(os.path.join(ROOT, path)):
            return '%s: its unit tests' % path
        return None
    for dummy, dummy2, files in os.walk(os.path.join(ROOT, 'tests', 'unit')):
        if any(f.startswith('test_') and plugin.name in f for f in files):
            return None
    return 'tests/unit: a test_*%s*.py with its unit tests' % plugin.name


def check_reliability_tasks(plugin):
    row = TASKS.BY_NAME.get(plugin.name)
    if row is None or row.kind != plugin.kind:
        return ('tests/reliability/tasks.py PLUGINS: add Plugin(%r, %r, args, targets): one task against the seeded '
                'simulator and the requests the fault matrix aims at' % (plugin.name, plugin.kind))
    return None


# Options the bad-input matrix does not cover yet. Each entry fails this test once the matrix
# covers it, so that the list only shrinks; a new plugin's options belong in the matrix.
BAD_INPUT_GAPS = {
    ('circleci_ssh_key', 'private_key_path'),
    ('circleci_context', 'vcs_type'),
    ('circleci_context_envvar', 'vcs_type'),
    ('circleci_context_info', 'vcs_type'),
    ('circleci_heroku_key', 'vcs_type'),
    ('circleci_artifacts', 'vcs_type'),
    ('circleci_builds', 'vcs_type'),
    ('circleci_pipelines', 'vcs_type'),
}


def check_bad_input(plugin):
    if BAD_INPUT is None:
        return ('tests/reliability/test_bad_input.py, which does not import: OPTIONS has no entry %r (tasks.py has a '
                'row for it)' % BAD_INPUT_ERROR)
    listed = BAD_INPUT.OPTIONS.get(plugin.name)
    if listed is None:
        return ('tests/reliability/test_bad_input.py OPTIONS: add %r: [(option, kind, base arguments), ...] for every '
                'option' % plugin.name)
    covered = set(option for option, dummy, dummy2 in listed)
    options = set(options_of(plugin))
    gaps = set(option for name, option in BAD_INPUT_GAPS if name == plugin.name)
    missing = sorted(options - covered - gaps)
    if missing:
        return 'tests/reliability/test_bad_input.py OPTIONS[%r]: add the options %s' % (plugin.name, ', '.join(missing))
    closed = sorted(gaps & covered)
    if closed:
        return 'tests/unit/test_registry.py BAD_INPUT_GAPS: the matrix covers %s now: remove them' % ', '.join(closed)
    return None


def check_secrets_playbook(plugin):
    used = ('      ciops.circleci.%s:' % plugin.name if plugin.kind == 'module'
            else "query('ciops.circleci.%s'" % plugin.name)
    if used not in SECRETS.TASKS:
        return ('tests/reliability/test_secrets.py TASKS: add a task that runs %s at -vvvv against the healthy, '
                'the 400-echo and the HTML-500 simulators' % plugin.name)
    return None


def check_simulator_routes(plugin):
    row = TASKS.BY_NAME.get(plugin.name)
    if row is None:
        return 'tests/reliability/tasks.py PLUGINS: the requests %s sends (checked against the simulator\'s routes)' % plugin.name
    sim = _simulator()
    flask_app = sim.create_app()
    client_router = flask_app.config['SIM_ROUTERS'][0]
    state = flask_app.config['SIM_STATE']
    unrouted = []
    for target in row.targets:
        found = client_router.match(target.method, target.path, state)
        # A '*' route is the "unknown route of a project" fallback (HTML 404), not a route.
        if found is None or found[0].method == '*':
            unrouted.append('%s %s' % (target.method, target.path))
    if unrouted:
        return ('tests/simulator, which routes none of %s: add a Route to a routes_*.py file, or a new routes file '
                'registered in app.py' % ', '.join(unrouted))
    return None


def check_secret_keys(plugin):
    problems = secret_key_problems(plugin.name, argument_spec(plugin.name), _scrubbed_keys(), _simulator().SECRET_KEYS)
    return ("the secret keys: " + '; '.join(problems)) if problems else None


# place -> (where it is, the kinds that must be listed there, the check, the checklist step)
PLACES = {
    'action-group': ('meta/runtime.yml', ('module',), check_action_group, 9),
    'readme': ('README.md', ('module', 'lookup', 'role', 'event_source'), check_readme, 10),
    'docs-index': ('docs/README.md', ('module', 'lookup', 'role', 'event_source'), check_docs_index, 10),
    'docsite-index': ('docs/sphinx/index.rst', ('module', 'lookup'), check_docsite_index, 10),
    'integration': ('tests/integration/targets', ('module', 'lookup', 'role'), check_integration_target, 6),
    'unit-tests': ('tests/unit', ('module', 'lookup', 'role', 'event_source'), check_unit_tests, 5),
    'reliability-tasks': ('tests/reliability/tasks.py', ('module', 'lookup'), check_reliability_tasks, 7),
    'bad-input': ('tests/reliability/test_bad_input.py', ('module', 'lookup'), check_bad_input, 7),
    'secrets': ('tests/reliability/test_secrets.py', ('module', 'lookup'), check_secrets_playbook, 7),
    'simulator': ("the simulator's routes", ('module', 'lookup'), check_simulator_routes, 3),
    'secret-keys': ("the scrubber's secret keys", ('module',), check_secret_keys, 8),
}


def cells():
    return [pytest.param(plugin, place, id='%s-%s' % (plugin.name, place))
            for plugin in PLUGINS for place, spec in PLACES.items() if plugin.kind in spec[1]]


@pytest.mark.parametrize('plugin, place', cells())
def test_the_plugin_is_listed(plugin, place):
    dummy, dummy2, check, step = PLACES[place]
    missing = check(plugin)
    assert missing is None, '%s is missing from %s (%s, step %d)' % (plugin, missing, CHECKLIST, step)


def test_plugins_are_found():
    kinds = set(p.kind for p in PLUGINS)
    assert {'module', 'lookup'} <= kinds
    assert len([p for p in PLUGINS if p.kind == 'module']) >= 14


def test_no_kind_of_plugin_goes_unchecked():
    """A plugin type this test does not know (a filter, a callback...) has places to be listed in too."""
    unknown = sorted(set(_folders('plugins')) - KNOWN_PLUGIN_DIRS)
    assert unknown == [], ('plugins/%s: tests/unit/test_registry.py does not know this kind of plugin: add it to '
                           'discover() and say in PLACES where it must be listed' % ', plugins/'.join(unknown))


GHOST = 'circleci_not_a_plugin'


# secret-keys reads a module's argument_spec, which a plugin that does not exist has not:
# test_secret_keys_report_a_no_log_option_nobody_mapped gives it one.
@pytest.mark.parametrize('place', sorted(set(PLACES) - {'secret-keys'}))
def test_each_place_reports_a_plugin_it_does_not_list(place):
    """Every check finds a plugin that nothing lists, of every kind it applies to: each place can fail."""
    where, kinds, check, dummy = PLACES[place]
    for kind in kinds:
        assert check(Plugin(kind, GHOST)) is not None, '%s does not notice a %s it does not list' % (where, kind)


def test_bad_input_reports_an_option_left_out(monkeypatch):
    monkeypatch.setitem(BAD_INPUT.OPTIONS, GHOST, [('api_url', 'api_url', {})])
    monkeypatch.setattr(sys.modules[__name__], 'options_of', lambda plugin: ['api_url', 'events'])
    assert check_bad_input(Plugin('module', GHOST)).endswith('add the options events')


@pytest.mark.parametrize('path', ['/api/v2/no-such-route', '/api/v1.1/project/github/acme/app/no-such-route'])
def test_simulator_reports_a_request_it_does_not_route(monkeypatch, path):
    monkeypatch.setitem(TASKS.BY_NAME, GHOST, TASKS.Plugin(GHOST, 'module', {}, [('GET', path, 'page')]))
    assert check_simulator_routes(Plugin('module', GHOST)).startswith('tests/simulator, which routes none of GET %s' % path)


def test_secret_keys_report_a_no_log_option_nobody_mapped(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], 'argument_spec',
                        lambda name: dict(api_token=dict(no_log=True), signing_secret=dict(no_log=True)))
    assert check_secret_keys(Plugin('module', GHOST)).startswith('the secret keys: option signing_secret is no_log, but SECRET_OPTIONS')


def test_secret_keys_are_checked_against_both_lists():
    spec = dict(api_token=dict(no_log=True), variables=dict(type='list', options=dict(value=dict(no_log=True))))
    assert secret_key_problems('circleci_envvar', spec, {'value'}, {'value'}) == []
    assert 'SECRET_BODY_KEYS' in secret_key_problems('circleci_envvar', spec, set(), {'value'})[0]
    assert 'tests/simulator/app.py' in secret_key_problems('circleci_envvar', spec, {'value'}, set())[0]
    assert 'SECRET_OPTIONS' in secret_key_problems('circleci_new', spec, {'value'}, {'value'})[0]


def test_secret_options_name_only_no_log_options():
    """A SECRET_OPTIONS entry for an option that is not no_log (or no longer exists) is stale."""
    real = set()
    for plugin in PLUGINS:
        if plugin.kind == 'module':
            real.update((plugin.name, option) for option in no_log_options(argument_spec(plugin.name)))
    stale = sorted(key for key in SECRET_OPTIONS if key[0] != '*' and key not in real)
    assert stale == [], 'SECRET_OPTIONS names options that are not no_log: %s' % stale


def test_nothing_is_listed_that_is_no_plugin():
    names = dict((p.name, p.kind) for p in PLUGINS)
    stale = []
    stale += ['tests/reliability/tasks.py PLUGINS: %s' % p.name for p in TASKS.PLUGINS if names.get(p.name) != p.kind]
    stale += ['tests/reliability/test_bad_input.py OPTIONS: %s' % n for n in getattr(BAD_INPUT, 'OPTIONS', {})
              if n not in names]
    stale += ['README.md feature table: %s' % n for n, kind in _feature_table_names().items() if names.get(n) != kind]
    stale += ['docs/README.md endpoint tables: %s' % n for n in _endpoint_tables()
              if n.startswith('circleci_') and n not in names]
    stale += ['docs/sphinx/index.rst: %s' % n for n in re.findall(r':ansplugin:`ciops\.circleci\.(\w+)#', _read('docs/sphinx/index.rst'))
              if n not in names]
    stale += ['tests/unit/test_registry.py BAD_INPUT_GAPS: %s' % n for n, dummy in BAD_INPUT_GAPS if n not in names]
    # Targets named after a plugin (circleci_*, lookup_*); others (client_input, setup_simulator) test or serve several.
    for target in _folders('tests/integration/targets'):
        named = target[len('lookup_'):] if target.startswith('lookup_') else target
        if target.startswith(('circleci_', 'lookup_')) and names.get(named) != ('lookup' if target != named else 'module'):
            stale.append('tests/integration/targets: %s' % target)
    assert stale == [], 'listed, but no such plugin: %s' % '; '.join(stale)


def test_the_bad_input_decisions_name_real_cells():
    """OVERRIDES, DEFECTS and COMBINATIONS of test_bad_input.py name plugins, options and labels that exist."""
    assert BAD_INPUT is not None, BAD_INPUT_ERROR
    labels = dict((kind, set(label for label, dummy, dummy2 in values)) for kind, values in BAD_INPUT.KINDS.items())
    kinds = dict(((name, option), kind) for name, rows in BAD_INPUT.OPTIONS.items() for option, kind, dummy in rows)
    stale = ['OVERRIDES/DEFECTS %r' % (key,) for key in list(BAD_INPUT.OVERRIDES) + list(BAD_INPUT.DEFECTS)
             if key[:2] not in kinds or key[2] not in labels[kinds[key[:2]]]]
    stale += ['COMBINATIONS %r' % name for name, dummy, dummy2 in BAD_INPUT.COMBINATIONS if name not in BAD_INPUT.OPTIONS]
    assert stale == [], 'tests/reliability/test_bad_input.py decides cells that do not exist: %s' % '; '.join(stale)


def test_the_secret_playbook_tasks_are_plugins():
    used = set(re.findall(r'^      ciops\.circleci\.(\w+):', SECRETS.TASKS, flags=re.M))
    used.update(re.findall(r"query\('ciops\.circleci\.(\w+)'", SECRETS.TASKS))
    assert used - set(p.name for p in PLUGINS) == set()
