# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Contract, property-based: hypothesis draws inputs from the copied Swagger file's parameters and
schemas (tests/simulator/spec/circleci-v1.swagger.yaml) and API-FACTS.md's rules, sends them to the
simulator over HTTP, and checks each answer against the spec's response schema (patched where
API-FACTS wins, as tests/unit/simulator/test_contract.py does it) and against API-FACTS's rules.

The example-based contract test checks every operation once; this one checks that the rules hold
for many inputs: paging and filters, masking, names, branches in paths, trigger bodies, keys.
Bounded and repeatable: a fixed number of examples per property, derandomized, no deadline.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import os
import re
import sys

from urllib.parse import quote

import pytest
import requests

from hypothesis import HealthCheck, given, settings, strategies as st

import rellib

UNIT_SIM = os.path.join(rellib.COLLECTION, 'tests', 'unit', 'simulator')
if UNIT_SIM not in sys.path:
    sys.path.insert(0, UNIT_SIM)
_spec = importlib.util.spec_from_file_location('unit_sim_contract', os.path.join(UNIT_SIM, 'test_contract.py'))
contract = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(contract)

PARAMS = contract.RAW_SPEC['parameters']
LIMIT_MAX = PARAMS['limit']['maximum']
FILTERS = PARAMS['filter']['enum']
ENVVAR_NAME_RE = r'[A-Za-z_][A-Za-z0-9_]{0,40}'
HEROKU_KEY_RE = re.compile(r'^[A-Za-z0-9-]{8,}$')  # what CircleCI accepts (simulator README)
FAILED_OUTCOMES = ('failed', 'timedout', 'infrastructure_fail')

EXAMPLES = settings(max_examples=25, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
PROJECTS = st.sampled_from([('github', 'acme', 'app'), ('bitbucket', 'acme', 'lib')])


@pytest.fixture(scope='module')
def api(simulator):
    session = requests.Session()
    session.headers.update({'Circle-Token': rellib.TOKEN, 'Accept': 'application/json'})

    def call(method, path, **kwargs):
        return session.request(method, simulator.v1_url + path, timeout=10, **kwargs)
    call.sim = simulator
    yield call
    session.close()


def check(path, method, resp):
    """The answer validates against the spec's schema for this operation (API-FACTS patches applied)."""
    schema = contract.success_schema(path, method, str(resp.status_code))
    assert schema is not None, (path, method, resp.status_code)
    contract.check(resp.json(), schema)


@EXAMPLES
@given(project=PROJECTS, limit=st.integers(1, LIMIT_MAX), offset=st.integers(0, 8),
       build_filter=st.sampled_from(FILTERS + [None]), shallow=st.booleans())
def test_build_lists_page_and_filter_as_documented(api, project, limit, offset, build_filter, shallow):
    api.sim.reset()  # the seeded builds only: all finished, so two reads see the same list
    path = '/project/%s/%s/%s' % project
    params = dict(limit=limit, offset=offset, shallow='true' if shallow else 'false')
    if build_filter:
        params['filter'] = build_filter
    resp = api('GET', path, params=params)
    assert resp.status_code == 200
    builds = resp.json()
    if not shallow:
        check('/project/{username}/{project}', 'get', resp)
    assert len(builds) <= limit
    numbers = [b['build_num'] for b in builds]
    assert numbers == sorted(numbers, reverse=True)  # newest first
    everything = api('GET', path, params=dict(params, limit=LIMIT_MAX, offset=0)).json()
    assert numbers == [b['build_num'] for b in everything][offset:offset + limit]  # offset paging
    for build in builds:
        assert build['username'] == project[1] and build['reponame'] == project[2]
        if build_filter == 'completed':
            assert build['lifecycle'] == 'finished'
        elif build_filter == 'successful':
            assert build['outcome'] == 'success'
        elif build_filter == 'failed':
            assert build['outcome'] in FAILED_OUTCOMES


@EXAMPLES
@given(limit=st.integers(LIMIT_MAX + 1, 10 ** 6))
def test_a_limit_outside_the_documented_range_is_refused(api, limit):
    resp = api('GET', '/recent-builds', params={'limit': limit})
    assert resp.status_code == 400
    assert resp.json()['message']


@EXAMPLES
@given(project=PROJECTS, build_num=st.integers(1, 12))
def test_build_detail_artifacts_and_tests(api, project, build_num):
    base = '/project/%s/%s/%s/%d' % (project + (build_num,))
    resp = api('GET', base)
    if resp.status_code == 404:
        assert resp.json() == {'message': 'Build not found'}
        return
    assert resp.status_code == 200
    check('/project/{username}/{project}/{build_num}', 'get', resp)
    assert resp.json()['build_num'] == build_num
    artifacts = api('GET', base + '/artifacts')
    check('/project/{username}/{project}/{build_num}/artifacts', 'get', artifacts)
    tests = api('GET', base + '/tests')
    check('/project/{username}/{project}/{build_num}/tests', 'get', tests)


@EXAMPLES
@given(name=st.from_regex(ENVVAR_NAME_RE, fullmatch=True), value=st.text(min_size=0, max_size=40))
def test_variables_are_masked_and_read_back_as_documented(api, name, value):
    path = '/project/github/acme/app/envvar'
    created = api('POST', path, json={'name': name, 'value': value})
    assert created.status_code == 201  # API-FACTS: 201 (the spec says 200)
    masked = created.json()['value']
    assert created.json() == {'name': name, 'value': masked}
    # xxxx and a suffix of at most four characters: the last four from 8 characters on, the last
    # two of a 4-character value (recorded: test -> xxxxst); other short lengths were never recorded.
    assert masked.startswith('xxxx') and value.endswith(masked[4:]) and len(masked) - 4 <= min(4, len(value))
    if len(value) >= 8:
        assert masked == 'xxxx' + value[-4:]
    if len(value) == 4:
        assert masked == 'xxxx' + value[-2:]
    check('/project/{username}/{project}/envvar', 'get', api('GET', path))
    assert {'name': name, 'value': masked} in api('GET', path).json()
    one = api('GET', '%s/%s' % (path, name))
    assert one.status_code == 200 and one.json() == {'name': name, 'value': masked}
    assert api('DELETE', '%s/%s' % (path, name)).json() == {'message': 'ok'}
    gone = api('GET', '%s/%s' % (path, name))
    assert gone.status_code == 404 and gone.json() == {'message': 'env var not found'}


@EXAMPLES
@given(name=st.text(min_size=1, max_size=20).filter(lambda n: not re.match(r'^[A-Za-z_][A-Za-z0-9_]*$', n)))
def test_a_variable_name_outside_the_rule_is_refused(api, name):
    resp = api('POST', '/project/github/acme/app/envvar', json={'name': name, 'value': 'v'})
    assert resp.status_code == 400
    assert name not in [v['name'] for v in api('GET', '/project/github/acme/app/envvar').json()]


@EXAMPLES
@given(branch=st.text(st.characters(blacklist_categories=('Cs', 'Cc')), min_size=1, max_size=30)
       .filter(lambda b: b not in ('.', '..')))
def test_a_branch_of_any_characters_travels_encoded_in_the_path(api, branch):
    resp = api('POST', '/project/github/acme/app/tree/%s' % quote(branch, safe=''), json={})
    assert resp.status_code == 201
    check('/project/{username}/{project}/tree/{branch}', 'post', resp)
    assert resp.json()['branch'] == branch
    listed = api('GET', '/project/github/acme/app/tree/%s' % quote(branch, safe=''), params={'limit': 1}).json()
    assert listed[0]['build_num'] == resp.json()['build_num']


@EXAMPLES
@given(revision=st.one_of(st.none(), st.from_regex(r'[0-9a-f]{7,40}', fullmatch=True)),
       tag=st.one_of(st.none(), st.from_regex(r'v[0-9]\.[0-9]{1,2}', fullmatch=True)),
       parallel=st.one_of(st.none(), st.integers(1, 4), st.integers(1, 4).map(str)),
       parameters=st.dictionaries(st.from_regex(r'[A-Z_]{1,8}', fullmatch=True), st.text(max_size=10), max_size=3))
def test_triggers_follow_the_rules_of_the_body(api, revision, tag, parallel, parameters):
    body = dict((k, v) for k, v in (('revision', revision), ('tag', tag), ('parallel', parallel),
                                    ('build_parameters', parameters)) if v is not None)
    resp = api('POST', '/project/github/acme/app', json=body)
    if revision and tag:
        assert resp.status_code == 400 and resp.json() == {'message': 'Cannot specify both revision and tag'}
        return
    assert resp.status_code == 201
    check('/project/{username}/{project}', 'post', resp)
    build = resp.json()
    assert build['why'] == 'api' and build['outcome'] is None and build['lifecycle'] in ('queued', 'not_running')
    if revision:
        assert build['vcs_revision'] == revision
    if tag:
        assert build['vcs_tag'] == tag


@EXAMPLES
@given(apikey=st.one_of(st.from_regex(r'[A-Za-z0-9-]{8,30}', fullmatch=True), st.text(max_size=12)))
def test_heroku_keys_are_accepted_or_refused_as_documented(api, apikey):
    resp = api('POST', '/user/heroku-key', json={'apikey': apikey})
    if HEROKU_KEY_RE.match(apikey):
        assert resp.status_code == 200 and resp.content == b''
        shown = api('GET', '/me').json()['heroku_api_key']
        assert shown == 'xxxx' + apikey[-4:]
    else:
        assert resp.status_code == 403 and resp.json() == {'message': 'Invalid Heroku API key'}


@EXAMPLES
@given(key_type=st.sampled_from(['deploy-key', 'github-user-key']),
       other=st.from_regex(r'([0-9a-f]{2}:){15}[0-9a-f]{2}', fullmatch=True))
def test_checkout_keys_round_trip_and_unknown_fingerprints_are_404(api, key_type, other):
    path = '/project/github/acme/app/checkout-key'
    created = api('POST', path, json={'type': key_type})
    assert created.status_code == 201  # API-FACTS: 201 (the spec says 200)
    key = created.json()
    assert key['type'] == key_type and re.match(contract.FP_RE.pattern, key['fingerprint'])
    check('/project/{username}/{project}/checkout-key/{fingerprint}', 'get',
          api('GET', '%s/%s' % (path, key['fingerprint'])))
    if other not in [k['fingerprint'] for k in api('GET', path).json()]:
        missing = api('GET', '%s/%s' % (path, other))
        assert missing.status_code == 404 and missing.json() == {'message': 'checkout key not found'}
    assert api('DELETE', '%s/%s' % (path, key['fingerprint'])).json() == {'message': 'OK'}
    assert api('GET', '%s/%s' % (path, key['fingerprint'])).status_code == 404
