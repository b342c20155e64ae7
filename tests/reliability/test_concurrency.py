# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""-f 20 over 20 projects of 10 variables each: one real ansible-playbook run with 20 forks, each
host (connection local) managing its own project's variables with circleci_envvar, then the
same run again. Every variable ends as declared (read back from /_sim/state), and the second
run changes nothing and sends no POST or DELETE."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest

import rellib

PROJECTS = 20
VARIABLES = 10

PLAYBOOK = r'''
- name: Every host its own project's variables
  hosts: services
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: variables of {{ inventory_hostname }}
      ciops.circleci.circleci_envvar:
        api_url: "{{ sim_root }}"
        api_token: sim-token
        retries: 2
        project_slug: "gh/acme/{{ inventory_hostname }}"
        variables: "{{ declared }}"
'''


def inventory():
    hosts = '\n'.join('svc%02d ansible_connection=local' % i for i in range(1, PROJECTS + 1))
    return '[services]\n%s\n' % hosts


def value(project, index):
    # Values differ by project and variable, with characters that need quoting.
    return 'v-%s-%d "q" \u00e4' % (project, index)


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    sim = rellib.Simulator()
    workdir = tmp_path_factory.mktemp('concurrency')
    try:
        created = sim.control('POST', '/seed/projects', {'count': PROJECTS, 'prefix': 'svc'})['projects']
        (workdir / 'inventory.ini').write_text(inventory(), encoding='utf-8')
        host_vars = workdir / 'host_vars'
        host_vars.mkdir()
        for slug in created:
            name = slug.rsplit('/', 1)[1]
            lines = ['declared:'] + ['  - name: VAR_%d\n    value: "%s"' % (i, value(name, i).replace('"', '\\"'))
                                     for i in range(VARIABLES)]
            (host_vars / ('%s.yml' % name)).write_text('\n'.join(lines) + '\n', encoding='utf-8')
        playbook = PLAYBOOK
        args = ['-i', str(workdir / 'inventory.ini'), '-f', str(PROJECTS), '-e', 'sim_root=%s' % sim.root]
        first = rellib.ansible_playbook(str(workdir), playbook, args)
        first_log = sim.requests()
        state = sim.state()
        sim.clear_requests()
        second = rellib.ansible_playbook(str(workdir), playbook, args)
        second_log = sim.requests()
    finally:
        sim.stop()
    return dict(first=first, second=second, first_log=first_log, second_log=second_log, state=state)


def recap(out):
    """host -> {ok, changed, failed, ...} from the PLAY RECAP."""
    result = {}
    for host, counts in re.findall(r'^(svc\d+)\s*:\s*(.+)$', out, flags=re.M):
        result[host] = dict((k, int(v)) for k, v in re.findall(r'(\w+)=(\d+)', counts))
    return result


def test_the_first_run_creates_every_variable_of_every_project(runs):
    rc, out, err, seconds = runs['first']
    assert rc == 0, out[-3000:] + err[-3000:]
    counts = recap(out)
    assert sorted(counts) == ['svc%02d' % i for i in range(1, PROJECTS + 1)]
    assert all(c['changed'] == 1 and c['failed'] == 0 for c in counts.values()), counts
    posts = [r for r in runs['first_log'] if r['method'] == 'POST']
    assert len(posts) == PROJECTS * VARIABLES


def test_every_variable_ends_as_declared(runs):
    projects = dict(('%s/%s' % (p['username'], p['reponame']), p) for p in runs['state']['projects'])
    for i in range(1, PROJECTS + 1):
        name = 'svc%02d' % i
        envvars = projects['acme/%s' % name]['envvars']
        assert envvars == dict(('VAR_%d' % n, value(name, n)) for n in range(VARIABLES)), name


def test_the_second_run_changes_nothing(runs):
    rc, out, err, seconds = runs['second']
    assert rc == 0, out[-3000:] + err[-3000:]
    assert all(c['changed'] == 0 and c['failed'] == 0 for c in recap(out).values()), recap(out)
    writes = [(r['method'], r['path']) for r in runs['second_log'] if r['method'] not in ('GET', 'HEAD')]
    assert writes == []
    assert len(runs['second_log']) == PROJECTS  # one GET of the variable list per project
