# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.ciops.circleci.plugins.module_utils._tests import job_test_counts


def test_job_test_counts():
    counts, failing = job_test_counts([
        {'name': 'a', 'result': 'success'}, {'name': 'b', 'result': 'failure', 'message': 'boom', 'file': 'f'},
        {'name': 'c', 'result': 'skipped'}, {'name': 'd', 'result': None}, 'junk'])
    assert counts == {'total': 4, 'passed': 1, 'skipped': 1, 'failed': 2}
    assert [t['name'] for t in failing] == ['b', 'd']
    assert failing[0] == {'name': 'b', 'classname': None, 'file': 'f', 'result': 'failure', 'message': 'boom'}
    assert job_test_counts([]) == ({'total': 0, 'passed': 0, 'skipped': 0, 'failed': 0}, [])
