# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Test results of a build (API v1.1) or a job (API v2): one rule for what passed, skipped or failed.

Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# CircleCI's test "result" is a free string (the v1 Swagger description types it with the build
# status enum, which it is not): these words pass or skip,
# anything else (failure, failed, error, timedout, unknown, missing) is failing.
PASSED_RESULTS = frozenset(('success', 'passed', 'pass', 'ok', 'fixed'))
SKIPPED_RESULTS = frozenset(('skipped', 'skip', 'not_run', 'ignored'))
NO_RESULT = 'none'
FAILING_KEYS = ('name', 'classname', 'file', 'result', 'message')


def result_kind(result):
    """'passed', 'skipped' or 'failing' for one test result string."""
    word = result.strip().lower() if isinstance(result, str) else ''
    if word in PASSED_RESULTS:
        return 'passed'
    if word in SKIPPED_RESULTS:
        return 'skipped'
    return 'failing'


def summarize_tests(tests):
    """total, counts (per result word), passed, skipped, failed and the failing tests of a list of tests.

    Anything in the list that is not a test object is left out.
    """
    counts = {}
    kinds = {'passed': 0, 'skipped': 0, 'failing': 0}
    failing = []
    for test in tests if isinstance(tests, list) else []:
        if not isinstance(test, dict):
            continue
        result = test.get('result')
        label = result if isinstance(result, str) and result else NO_RESULT
        counts[label] = counts.get(label, 0) + 1
        kind = result_kind(result)
        kinds[kind] += 1
        if kind == 'failing':
            failing.append(dict((key, test.get(key)) for key in FAILING_KEYS))
    return dict(total=sum(counts.values()), counts=counts, passed=kinds['passed'], skipped=kinds['skipped'],
                failed=kinds['failing'], failing=failing)


def job_test_counts(tests):
    """(counts, failing) of one job's tests: the counts total, passed, skipped and failed (as
    circleci_pipeline_info returns them per job and for the pipeline), and the failing tests."""
    summary = summarize_tests(tests)
    return dict((key, summary[key]) for key in ('total', 'passed', 'skipped', 'failed')), summary['failing']
