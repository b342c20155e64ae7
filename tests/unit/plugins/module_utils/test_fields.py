# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.ciops.circleci.plugins.module_utils._fields import field, pick, spellings


def test_a_field_of_several_words_has_a_snake_and_a_kebab_spelling():
    assert spellings('created_at') == ('created_at', 'created-at')
    assert spellings('approval_request_id') == ('approval_request_id', 'approval-request-id')
    assert spellings('fingerprint') == ('fingerprint',)


@pytest.mark.parametrize('answer', [{'created_at': 'T'}, {'created-at': 'T'}, {'created_at': None, 'created-at': 'T'},
                                    {'created-at': None, 'created_at': 'T'}])
def test_field_reads_either_spelling(answer):
    assert field(answer, 'created_at') == 'T'


def test_field_defaults_when_the_field_is_missing_null_or_the_answer_no_object():
    assert field({'created_at': None}, 'created_at') is None
    assert field({}, 'created_at', 'none') == 'none'
    assert field(['created_at'], 'created_at') is None
    assert field(None, 'type', 'build') == 'build'
    # Falsy values that are not null are values.
    assert field({'preferred': False}, 'preferred', True) is False
    assert field({'job-number': 0}, 'job_number') == 0


def test_pick_names_every_field_in_snake_case():
    answer = {'public-key': 'ssh-ed25519 AAAA', 'created_at': 'T', 'type': 'deploy-key', 'extra': 1}
    assert pick(answer, ('public_key', 'created_at', 'type', 'preferred')) == {
        'public_key': 'ssh-ed25519 AAAA', 'created_at': 'T', 'type': 'deploy-key', 'preferred': None}
