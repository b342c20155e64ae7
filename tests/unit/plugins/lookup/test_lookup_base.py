# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every lookup shares: unknown keywords refused, the error's cause kept, the v1-only rule."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import responses

from ansible.errors import AnsibleLookupError

from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError

from .conftest import API


def test_a_misspelt_keyword_is_an_error_not_silently_dropped(api, run_lookup):
    with pytest.raises(AnsibleLookupError) as info:
        run_lookup('circleci_builds', ['acme/app'], limt=5)
    assert str(info.value).startswith('lookup ciops.circleci.circleci_builds: unknown option limt; the options are: ')
    assert 'limit' in str(info.value)
    assert len(api.calls) == 0


def test_the_cause_is_chained_with_its_status(api, run_lookup):
    api.add(responses.GET, API + '/project/github/acme/nope', status=404, json={'message': 'Project not found'})
    with pytest.raises(AnsibleLookupError) as info:
        run_lookup('circleci_builds', ['acme/nope'])
    cause = info.value.orig_exc
    assert isinstance(cause, CircleCIError) and cause.status == 404


def test_circleci_slugs_are_refused_by_the_v1_lookups_before_any_request(api, run_lookup):
    slug = 'circleci/5d7f0c1e-1111-4a2b-8c3d-0123456789ab/9a3c0c1e-2222-4a2b-8c3d-0123456789ab'
    with pytest.raises(AnsibleLookupError, match='circleci_builds needs CircleCI API v1.1'):
        run_lookup('circleci_builds', [slug])
    assert len(api.calls) == 0


def test_host_root_and_empty_api_url(api, run_lookup):
    api.add(responses.GET, 'https://circleci.example/api/v1.1/recent-builds', json=[])
    assert run_lookup('circleci_builds', ['recent'], api_url='https://circleci.example') == []
    with pytest.raises(AnsibleLookupError, match='^api_url is empty'):
        run_lookup('circleci_builds', ['recent'], api_url='   ')


@pytest.mark.parametrize('value', ['ture', 'maybe', {'a': 1}, 2])
def test_a_boolean_option_refuses_a_word_that_is_no_boolean(api, run_lookup, value):
    # Ansible's own conversion would read 'ture' as false and turn certificate checks off.
    with pytest.raises(AnsibleLookupError, match='validate_certs must be true or false, got'):
        run_lookup('circleci_builds', ['recent'], validate_certs=value)
    assert len(api.calls) == 0


def test_a_boolean_variable_is_checked_too(api, run_lookup):
    with pytest.raises(AnsibleLookupError, match='circleci_validate_certs must be true or false'):
        run_lookup('circleci_builds', ['recent'], variables={'circleci_validate_certs': 'ture'})


@pytest.mark.parametrize('value', ['yes', 'false', 'no', 0, True])
def test_real_booleans_pass(api, run_lookup, value):
    api.add(responses.GET, API + '/recent-builds', json=[])
    assert run_lookup('circleci_builds', ['recent'], validate_certs=value) == []


@pytest.mark.parametrize('name', ['circleci_builds', 'circleci_artifacts'])
def test_an_empty_branch_is_refused_not_read_as_every_branch(api, run_lookup, name):
    extra = {'latest': True} if name == 'circleci_artifacts' else {}
    with pytest.raises(AnsibleLookupError, match='^branch must not be empty: leave it out instead$'):
        run_lookup(name, ['acme/app'], branch='', **extra)
    assert len(api.calls) == 0


def test_the_error_is_raised_from_its_cause(api, run_lookup):
    api.add(responses.GET, API + '/recent-builds', status=401, json={'message': 'You must log in first.'})
    with pytest.raises(AnsibleLookupError) as info:
        run_lookup('circleci_builds', ['recent'])
    assert info.value.__cause__ is info.value.orig_exc


@pytest.mark.parametrize('lookup, terms', [('circleci_builds', ['recent']), ('circleci_pipelines', ['gh/acme/app']),
                                           ('circleci_artifacts', ['gh/acme/app'])])
def test_a_malformed_api_url_names_the_option_in_every_lookup(api, run_lookup, lookup, terms):
    with pytest.raises(AnsibleLookupError) as info:
        run_lookup(lookup, terms, api_url='http://[::1')
    assert str(info.value) == ("api_url must be an http(s) URL of the CircleCI host such as https://circleci.com, "
                               "got 'http://[::1' (Invalid IPv6 URL)")
    assert len(api.calls) == 0
