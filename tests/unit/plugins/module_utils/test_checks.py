# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ciops.circleci.plugins.module_utils._checks import (
    MAX_WORKERS,
    check_positive_int,
    check_uuid,
    check_workers,
)
from ansible_collections.ciops.circleci.plugins.module_utils._errors import CircleCIError


def test_uuid_and_number_checks():
    assert check_uuid('pipeline_id', ' 5034460F-C7C4-4C43-9457-DE07E2029E7B ') == '5034460f-c7c4-4c43-9457-de07e2029e7b'
    for bad in ('12', '', None, '5034460f-c7c4-4c43-9457-de07e2029e7b/../x'):
        with pytest.raises(CircleCIError, match='pipeline_id must be a UUID'):
            check_uuid('pipeline_id', bad)
    assert check_positive_int('pipeline_number', 3) == 3
    for bad in (0, -1, True, '3'):
        with pytest.raises(CircleCIError, match='pipeline_number must be a positive integer'):
            check_positive_int('pipeline_number', bad)


def test_a_uuid_message_names_the_option_the_value_and_an_example():
    with pytest.raises(CircleCIError) as exc:
        check_uuid('workflow_id', 'w-1')
    assert str(exc.value) == "workflow_id must be a UUID such as 5034460f-c7c4-4c43-9457-de07e2029e7b, got 'w-1'"
    with pytest.raises(CircleCIError) as exc:
        check_uuid('owner_id', 42, example='5d7f0c3e-8a21-4b6e-9f10-2c3d4e5f6a7b')
    assert str(exc.value) == 'owner_id must be a UUID such as 5d7f0c3e-8a21-4b6e-9f10-2c3d4e5f6a7b, got 42'


def test_a_positive_integer_message_names_the_option_and_the_value():
    assert check_positive_int('limit', 1) == 1
    with pytest.raises(CircleCIError) as exc:
        check_positive_int('scan_limit', 0)
    assert str(exc.value) == 'scan_limit must be a positive integer, got 0'
    with pytest.raises(CircleCIError) as exc:
        check_positive_int('build_num', False)
    assert str(exc.value) == 'build_num must be a positive integer, got False'


@pytest.mark.parametrize('workers', [1, 8, MAX_WORKERS])
def test_workers_from_one_to_the_limit_pass(workers):
    assert check_workers(workers) == workers


@pytest.mark.parametrize('workers', [0, -1, MAX_WORKERS + 1, True, None, '8', 2.0])
def test_other_workers_are_refused_before_any_request(workers):
    with pytest.raises(CircleCIError) as exc:
        check_workers(workers)
    assert str(exc.value) == 'workers must be an integer from 1 to 32, got %r' % (workers,)
