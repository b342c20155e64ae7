# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""examples/demo.yml and examples/deploy.yml, run from the installed copy of the tarball against a
simulator, with Ansible seeing only that copy: a file the build leaves out fails them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import sys

import artlib

APP = 'gh/acme/app'


def examples(installed):
    return os.path.join(installed, 'ansible_collections', 'ciops', 'circleci', 'examples')


def playbook(installed, workdir, sim, *args):
    os.makedirs(os.path.join(workdir, 'tmp'), exist_ok=True)
    return artlib.run([artlib.tool('ansible-playbook')] + list(args), cwd=workdir,
                      env=artlib.playbook_env(installed, workdir, sim), timeout=240)


def assert_succeeded(proc):
    recap = artlib.recap(proc.stdout)
    assert proc.returncode == 0 and recap, artlib.explain(proc)
    assert all(h['failed'] == 0 and h['unreachable'] == 0 for h in recap.values()), artlib.explain(proc)
    assert 'Traceback' not in proc.stdout + proc.stderr, artlib.explain(proc)
    return recap


def calls(log):
    return ['%s %s %s' % (e['method'], e['path'], e['status']) for e in log]


def test_ansible_sees_only_the_installed_copy(installed, tmp_path):
    """The environment the playbooks run in resolves ciops.circleci to the install path, nowhere else."""
    proc = artlib.run([artlib.tool('ansible-doc'), '--json', '-t', 'module', 'ciops.circleci.circleci_envvar'],
                      cwd=str(tmp_path), env=artlib.playbook_env(installed, str(tmp_path)))
    assert proc.returncode == 0, artlib.explain(proc)
    filename = json.loads(proc.stdout)['ciops.circleci.circleci_envvar']['doc']['filename']
    assert filename.startswith(os.path.join(installed, 'ansible_collections', 'ciops', 'circleci') + os.sep), filename
    assert not filename.startswith(artlib.COLLECTION), filename


def test_demo_from_the_installed_copy(installed, sim, tmp_path):
    proc = playbook(installed, str(tmp_path), sim,
                    '-i', os.path.join(examples(installed), 'inventory.ini'),
                    os.path.join(examples(installed), 'demo.yml'))
    recap = assert_succeeded(proc)
    assert list(recap) == ['localhost'] and recap['localhost']['changed'] > 0, recap
    log = sim.requests()
    seen = calls(log)
    # Every demo step reached CircleCI: one request each that only that step sends.
    for step, expected in (
            ('envvar', r'^POST /api/v1\.1/project/github/acme/app/envvar 201$'),
            ('contexts', r'^POST /api/v2/context 200$'),
            ('contexts', r'^PUT /api/v2/context/[-0-9a-f]+/environment-variable/REGISTRY_TOKEN 200$'),
            ('keys', r'^POST /api/v1\.1/project/github/acme/newsvc/follow 200$'),
            ('keys', r'^POST /api/v1\.1/project/github/acme/newsvc/checkout-key 201$'),
            ('keys', r'^POST /api/v1\.1/project/github/acme/newsvc/checkout-key 403$'),
            ('keys', r'^POST /api/v1\.1/user/heroku-key 200$'),
            ('ssh_key', r'^POST /api/v1\.1/project/github/acme/app/ssh-key 200$'),
            ('ssh_key', r'^DELETE /api/v1\.1/project/github/acme/app/ssh-key 200$'),
            ('lookups', r'^GET /api/v1\.1/project/github/acme/app/\d+/artifacts 200$'),
            ('info', r'^GET /api/v1\.1/me 200$'),
            ('pipeline', r'^POST /api/v2/project/gh/acme/app/pipeline/run 201$'),
            ('pipeline', r'^POST /api/v2/project/circleci/[-0-9a-f]+/[-0-9a-f]+/pipeline/run 201$'),
            ('cache', r'^DELETE /api/v1\.1/project/github/acme/app/build-cache 200$')):
        assert any(re.match(expected, call) for call in seen), 'demo step %s sent no %s; it sent: %s' % (
            step, expected, seen)
    # Every API request carried the token in the Circle-Token header (the demo's own read of the
    # simulator's log is no API request).
    api = [e for e in log if e['path'].startswith('/api/')]
    assert api and all(e['token_header'] for e in api), [c for c, e in zip(seen, log) if not e['token_header']]


MUTATING = ('POST', 'PUT', 'PATCH', 'DELETE')


def test_demo_under_check_from_the_installed_copy(installed, sim, tmp_path):
    """A newcomer runs the demo with --check first: it passes, reads CircleCI and writes nothing."""
    proc = playbook(installed, str(tmp_path), sim, '--check',
                    '-i', os.path.join(examples(installed), 'inventory.ini'),
                    os.path.join(examples(installed), 'demo.yml'))
    recap = assert_succeeded(proc)
    assert list(recap) == ['localhost'], recap
    log = sim.requests()
    api = [e for e in log if e['path'].startswith('/api/')]
    seen = calls(api)
    # Each step read CircleCI, and nothing was written (the demo's own read of the log included).
    for step, expected in (
            ('envvar', r'^GET /api/v1\.1/project/github/acme/app/envvar 200$'),
            ('contexts', r'^GET /api/v2/context 200$'),
            ('keys', r'^GET /api/v1\.1/project/github/acme/newsvc/checkout-key 200$'),
            ('ssh_key', r'^GET /api/v1\.1/project/github/acme/app/settings 200$'),
            ('info', r'^GET /api/v1\.1/me 200$')):
        assert any(re.match(expected, call) for call in seen), 'demo step %s sent no %s; it sent: %s' % (
            step, expected, seen)
    assert [call for call, e in zip(calls(log), log) if e['method'] in MUTATING] == []
    # The demo's last tasks read the simulator's log under --check too and show it.
    assert 'Show the requests the demo made' in proc.stdout and '"GET /api/v1.1/me"' in proc.stdout, proc.stdout


def test_deploy_from_the_installed_copy(installed, sim, tmp_path):
    # The project configuration deploy.yml expects (as extensions/molecule/deploy/prepare.yml sets it).
    sim.control('POST', '/projects/%s/config' % APP, {
        'parameters': {'deploy_env': {'type': 'string', 'default': 'staging'},
                       'run_migrations': {'type': 'boolean', 'default': False}},
        'workflows': [
            {'name': 'build-and-deploy', 'jobs': [
                {'name': 'build', 'artifacts': ['home/circleci/project/dist/app.tar.gz']},
                {'name': 'test', 'requires': ['build']},
                {'name': 'hold-for-prod', 'type': 'approval', 'requires': ['test']},
                {'name': 'deploy', 'requires': ['hold-for-prod']}]},
            {'name': 'lint'}]})
    dest = str(tmp_path / 'app')
    proc = playbook(installed, str(tmp_path), sim,
                    '-i', 'localhost,', '-c', 'local',
                    '-e', 'deploy_hosts=localhost', '-e', 'ansible_python_interpreter=%s' % sys.executable,
                    '-e', 'app_dest=%s' % dest,
                    os.path.join(examples(installed), 'deploy.yml'))
    assert_succeeded(proc)
    log = sim.requests()
    posts = [e for e in log if e['method'] == 'POST']
    runs = [e for e in posts if e['path'] == '/api/v2/project/%s/pipeline/run' % APP]
    assert [e['status'] for e in runs] == [201], calls(log)
    assert runs[0]['body']['parameters'] == {'deploy_env': 'production', 'run_migrations': True}, runs[0]['body']
    assert [e['path'] for e in posts if '/envvar' in e['path']] == ['/api/v1.1/project/github/acme/app/envvar'] * 2
    approvals = [e for e in posts if re.match(r'^/api/v2/workflow/[-0-9a-f]+/approve/[-0-9a-f]+$', e['path'])]
    assert [e['status'] for e in approvals] == [202], calls(log)
    # The artifact of the build job: listed through v2, then downloaded with the token in the header.
    assert any(re.match(r'^GET /api/v2/project/(gh|github)/acme/app/\d+/artifacts 200$', c) for c in calls(log)), calls(log)
    downloads = [e for e in log if e['path'].startswith('/_sim/artifacts/')]
    assert [e['status'] for e in downloads] == [200] and downloads[0]['token_header'], calls(log)
    with open(os.path.join(dest, 'current', 'VERSION'), encoding='utf-8') as handle:
        assert handle.read().strip().startswith('1.0.'), 'the role installed no release into %s' % dest
