# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The execution environment side of the installed tarball: what `ansible-builder introspect` finds
(every third-party library the plugins import), and the build context `ansible-builder create` makes
from the shipped examples/execution-environment.yml (no container engine needed for either)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import os
import re
import shutil
import sys

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

import artlib

# Import names whose distribution is called otherwise.
DISTRIBUTIONS = {'yaml': 'pyyaml'}
# What the Python standard library, Ansible and the collection itself provide.
PROVIDED = frozenset(sys.stdlib_module_names) | frozenset(('ansible', 'ansible_collections', '__future__'))


def installed_root(installed):
    return os.path.join(installed, 'ansible_collections', 'ciops', 'circleci')


def plugin_imports(root):
    """{distribution: [files]} of every third-party module the plugins import."""
    found = {}
    for folder, dummy, names in os.walk(os.path.join(root, 'plugins')):
        for name in names:
            if not name.endswith('.py'):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding='utf-8') as handle:
                tree = ast.parse(handle.read(), path)
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    tops = [a.name.split('.')[0] for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    tops = [node.module.split('.')[0]]
                else:
                    continue
                for top in tops:
                    if top not in PROVIDED:
                        dist = DISTRIBUTIONS.get(top, top).lower()
                        found.setdefault(dist, set()).add(os.path.relpath(path, root))
    return found


def requirement_lines(path):
    """[Requirement] of a pip requirements file (comments dropped, as introspect drops them)."""
    reqs = []
    with open(path, encoding='utf-8') as handle:
        for line in handle:
            line = re.sub(r'(^|\s+)#.*$', '', line).strip()
            if line:
                reqs.append(Requirement(line))
    return reqs


def introspected(proc_stdout_file):
    """{name: Requirement} of the ciops.circleci lines of a --write-pip file."""
    found = {}
    with open(proc_stdout_file, encoding='utf-8') as handle:
        for line in handle:
            if not line.strip():
                continue
            assert line.rstrip().endswith('# from collection ciops.circleci'), line
            req = Requirement(line.split('#', 1)[0].strip())
            found[req.name.lower()] = req
    return found


def test_the_requirements_cover_every_import(installed):
    """requirements.txt (what meta/execution-environment.yml names) declares every third-party library
    a plugin imports, and nothing more."""
    root = installed_root(installed)
    with open(os.path.join(root, 'meta', 'execution-environment.yml'), encoding='utf-8') as handle:
        meta = yaml.safe_load(handle)
    declared = dict((r.name.lower(), r) for r in requirement_lines(os.path.join(root, meta['dependencies']['python'])))
    imported = plugin_imports(root)
    assert set(imported) == {'requests', 'cryptography'}, imported
    assert set(declared) == set(imported), 'imported %s, declared %s' % (imported, sorted(declared))
    assert 'system' not in meta['dependencies'], 'a bindep file without a system dependency'


def test_introspect_finds_requests_and_cryptography(installed, tmp_path):
    written = str(tmp_path / 'pip.txt')
    # The folder that holds ansible_collections: given .../ansible_collections itself, introspect
    # finds nothing and says nothing.
    proc = artlib.run([artlib.tool('ansible-builder'), 'introspect', installed, '--write-pip', written],
                      env=artlib.clean_env())
    assert proc.returncode == 0, artlib.explain(proc)
    artlib.REPORT.append('ansible-builder introspect of the installed tarball: %s' % ' | '.join(
        line.strip() for line in proc.stdout.splitlines() if line.strip().startswith(('- ', 'python', 'system'))))
    found = introspected(written)
    declared = dict((r.name.lower(), r) for r in requirement_lines(os.path.join(artlib.COLLECTION, 'requirements.txt')))
    assert set(found) == {'requests', 'cryptography'}, proc.stdout
    assert dict((k, str(v)) for k, v in found.items()) == dict((k, str(v)) for k, v in declared.items())
    assert 'system: []' in proc.stdout


def test_create_makes_a_build_context(installed, tmp_path):
    """`ansible-builder create` on the shipped definition: the Containerfile's stages and steps, the
    files of _build/, and the builder stage's own introspection of the installed collection."""
    definition_dir = tmp_path / 'definition'
    definition_dir.mkdir()
    definition = str(definition_dir / 'execution-environment.yml')
    shutil.copy(os.path.join(installed_root(installed), 'examples', 'execution-environment.yml'), definition)
    with open(definition, encoding='utf-8') as handle:
        spec = yaml.safe_load(handle)
    assert spec['version'] == 3
    context = str(tmp_path / 'context')
    proc = artlib.run([artlib.tool('ansible-builder'), 'create', '-f', definition, '--context', context,
                       '--output-filename', 'Containerfile'], env=artlib.clean_env(), cwd=str(definition_dir))
    assert proc.returncode == 0, artlib.explain(proc)
    with open(os.path.join(context, 'Containerfile'), encoding='utf-8') as handle:
        containerfile = handle.read()

    base = spec['images']['base_image']['name']
    core = spec['dependencies']['ansible_core']['package_pip']
    runner = spec['dependencies']['ansible_runner']['package_pip']
    assert 'ARG EE_BASE_IMAGE="%s"' % base in containerfile
    assert 'ARG ANSIBLE_INSTALL_REFS="%s %s"' % (core, runner) in containerfile
    assert 'ARG PYCMD="%s"' % spec['dependencies']['python_interpreter']['python_path'] in containerfile
    stages = re.findall(r'^FROM (\S+) AS (\S+)$', containerfile, re.M)
    assert stages == [('$EE_BASE_IMAGE', 'base'), ('base', 'galaxy'), ('base', 'builder'), ('base', 'final')], stages
    in_order = [
        'RUN $PYCMD -m pip install --no-cache-dir $ANSIBLE_INSTALL_REFS',
        'ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml '
        '--collections-path "/usr/share/ansible/collections"',
        'COPY --from=galaxy /usr/share/ansible /usr/share/ansible',
        'RUN $PYCMD /output/scripts/introspect.py introspect --write-bindep=/tmp/src/bindep.txt '
        '--write-pip=/tmp/src/requirements.txt',
        'RUN /output/scripts/assemble',
        'FROM base AS final',
        'RUN /output/scripts/install-from-bindep',
        'LABEL ansible-execution-environment=true',
    ]
    positions = [containerfile.find(step) for step in in_order]
    assert -1 not in positions and positions == sorted(positions), list(zip(in_order, positions))

    build = os.path.join(context, '_build')
    with open(os.path.join(build, 'requirements.yml'), encoding='utf-8') as handle:
        galaxy = yaml.safe_load(handle)
    assert [c['name'] for c in galaxy['collections']] == ['ciops.circleci'], galaxy
    scripts = sorted(os.listdir(os.path.join(build, 'scripts')))
    assert {'assemble', 'check_ansible', 'check_galaxy', 'entrypoint', 'install-from-bindep', 'introspect.py',
            'pip_install'} <= set(scripts), scripts

    # The builder stage runs _build/scripts/introspect.py over /usr/share/ansible/collections, where the
    # galaxy stage installed the collection: run it over the installed tarball here.
    written = str(tmp_path / 'builder-requirements.txt')
    proc = artlib.run([sys.executable, os.path.join(build, 'scripts', 'introspect.py'), 'introspect', installed,
                       '--write-pip', written, '--write-bindep', str(tmp_path / 'builder-bindep.txt')])
    assert proc.returncode == 0, artlib.explain(proc)
    assert set(introspected(written)) == {'requests', 'cryptography'}
    artlib.REPORT.append('ansible-builder create: Containerfile with stages %s; _build/: requirements.yml (%s), '
                         'scripts/ (%s)' % (', '.join(s for dummy, s in stages),
                                            ', '.join(c['name'] for c in galaxy['collections']), ', '.join(scripts)))


def test_the_definition_installs_a_supported_ansible_core(installed):
    """Every ansible-core the definition lets pip choose satisfies meta/runtime.yml's requires_ansible."""
    root = installed_root(installed)
    with open(os.path.join(root, 'examples', 'execution-environment.yml'), encoding='utf-8') as handle:
        spec = yaml.safe_load(handle)
    with open(os.path.join(root, 'meta', 'runtime.yml'), encoding='utf-8') as handle:
        requires = SpecifierSet(yaml.safe_load(handle)['requires_ansible'])
    wanted = Requirement(spec['dependencies']['ansible_core']['package_pip'])
    assert wanted.name == 'ansible-core'
    candidates = [Version('2.%d.%d' % (minor, patch)) for minor in range(15, 25) for patch in (0, 5)]
    allowed = [v for v in candidates if v in wanted.specifier]
    assert allowed and all(v in requires for v in allowed), (str(wanted.specifier), str(requires))


def test_create_makes_a_decision_environment_build_context(installed, tmp_path):
    """`ansible-builder create` on the shipped examples/decision-environment.yml: a build context on the
    ansible-rulebook base image with the collection from Galaxy and the source's aiohttp; the builder
    stage's introspection adds the collection's own requirements to it."""
    definition_dir = tmp_path / 'definition'
    definition_dir.mkdir()
    definition = str(definition_dir / 'decision-environment.yml')
    shutil.copy(os.path.join(installed_root(installed), 'examples', 'decision-environment.yml'), definition)
    with open(definition, encoding='utf-8') as handle:
        spec = yaml.safe_load(handle)
    assert spec['version'] == 3
    assert 'ansible-rulebook' in spec['images']['base_image']['name']
    context = str(tmp_path / 'context')
    proc = artlib.run([artlib.tool('ansible-builder'), 'create', '-f', definition, '--context', context,
                       '--output-filename', 'Containerfile'], env=artlib.clean_env(), cwd=str(definition_dir))
    assert proc.returncode == 0, artlib.explain(proc)
    with open(os.path.join(context, 'Containerfile'), encoding='utf-8') as handle:
        containerfile = handle.read()
    assert 'ARG EE_BASE_IMAGE="%s"' % spec['images']['base_image']['name'] in containerfile
    assert 'ARG PYCMD="%s"' % spec['dependencies']['python_interpreter']['python_path'] in containerfile
    assert 'ARG PKGMGR="%s"' % spec['options']['package_manager_path'] in containerfile
    stages = re.findall(r'^FROM (\S+) AS (\S+)$', containerfile, re.M)
    assert stages == [('$EE_BASE_IMAGE', 'base'), ('base', 'galaxy'), ('base', 'builder'), ('base', 'final')], stages
    in_order = [
        'ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml '
        '--collections-path "/usr/share/ansible/collections"',
        'COPY _build/requirements.txt requirements.txt',
        'RUN $PYCMD /output/scripts/introspect.py introspect --user-pip=requirements.txt',
        'RUN /output/scripts/check_ansible $PYCMD',
        'COPY --from=builder /output/ /output/',
        'RUN /output/scripts/install-from-bindep',
        'LABEL ansible-execution-environment=true',
    ]
    positions = [containerfile.find(step) for step in in_order]
    assert -1 not in positions and positions == sorted(positions), list(zip(in_order, positions))
    # The base image brings ansible-core and ansible-rulebook: the definition installs neither.
    assert 'ANSIBLE_INSTALL_REFS' not in containerfile

    build = os.path.join(context, '_build')
    with open(os.path.join(build, 'requirements.yml'), encoding='utf-8') as handle:
        galaxy = yaml.safe_load(handle)
    assert [c['name'] for c in galaxy['collections']] == ['ciops.circleci'], galaxy
    user_pip = os.path.join(build, 'requirements.txt')
    assert [r.name.lower() for r in requirement_lines(user_pip)] == ['aiohttp']
    # The source imports aiohttp and nothing else outside the standard library.
    source = os.path.join(installed_root(installed), 'extensions', 'eda', 'plugins', 'event_source', 'webhook.py')
    with open(source, encoding='utf-8') as handle:
        tree = ast.parse(handle.read(), source)
    tops = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            tops.update(a.name.split('.')[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops.add(node.module.split('.')[0])
    assert tops - PROVIDED == {'aiohttp'}, tops - PROVIDED

    # The builder stage: introspect the collection (as the galaxy stage installed it) with the
    # definition's own requirements: aiohttp, and the collection's requests and cryptography.
    written = str(tmp_path / 'de-requirements.txt')
    proc = artlib.run([sys.executable, os.path.join(build, 'scripts', 'introspect.py'), 'introspect', installed,
                       '--user-pip', user_pip, '--write-pip', written,
                       '--write-bindep', str(tmp_path / 'de-bindep.txt')])
    assert proc.returncode == 0, artlib.explain(proc)
    with open(written, encoding='utf-8') as handle:
        names = sorted(Requirement(line.split('#', 1)[0].strip()).name.lower() for line in handle if line.strip())
    assert names == ['aiohttp', 'cryptography', 'requests'], names
    artlib.REPORT.append('ansible-builder create (decision environment): base %s, stages %s, Python: %s'
                         % (spec['images']['base_image']['name'], ', '.join(s for dummy, s in stages), ', '.join(names)))
