# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""docs/troubleshooting.md cannot drift from the messages the plugins print.

Each message heading of the page (``### `message with <placeholders>` ``) is cut at its
placeholders; every piece of fixed text left must occur in a string literal of the plugins
(plugins/**/*.py, and Ansible's own missing_required_lib), where a literal's %-format specifiers
count as cuts too. A piece the code joins from two or three literals ('Timed out after %ds waiting
for %s' with 'pipeline %s of %s') may match as two word-aligned parts of 7 characters or more. The other way round,
weaker: the messages in KEY_MESSAGES, which the code must still contain, each have a heading.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import glob
import os
import re
import sys

import pytest

from ansible.module_utils import basic

COLLECTION = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PAGE = os.path.join(COLLECTION, 'docs', 'troubleshooting.md')
HEADING = re.compile(r'^### `(?P<message>[^`]+)`\s*$')
PLACEHOLDER = re.compile(r'<[^<>\s]+>|\.\.\.')
FORMAT_SPEC = re.compile(r'%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdrfi]')
# Where the code joins pieces of a message, and the status codes it formats in.
JOINTS = re.compile(r'[:;,]\s+|\s*\b\d{3}\b\s*')
STRIP = ' \t.,:;()?'
SHORT = 3   # pieces this short ('of', 'to') say nothing
PART = 7    # the shortest part of a piece the code joins from two literals ('success', 'pipeline')
MIN_HEADINGS = 40

# The messages that matter most: each must still be in the code, and have a heading on the page.
KEY_MESSAGES = (
    'api_token is required',
    'api_token contains a line break or another control character inside it',
    'api_url is empty',
    'check api_token',
    'the token may not do this (project tokens cannot, a personal API token can)',
    'check the project (project_slug, or vcs_type, username and project), and that the token can see it',
    'no such API endpoint: check api_url (the CircleCI host, e.g. https://circleci.com)',
    'check build_num: the project has no such build',
    'check pipeline_id: CircleCI has no such pipeline, or the token cannot see it',
    'CircleCI no longer accepts API v1.1 build',
    'CircleCI no longer serves this endpoint',
    'CircleCI is rate limiting this token; try again later or raise retries',
    '(Retry-After), longer than this call may take',
    'no answer within the deadline of',
    'certificate verify failed',
    'Could not reach CircleCI for',
    'CircleCI may have acted on',
    'check in CircleCI before running it again',
    'a CircleCI server error; try again later',
    'with an empty body for',
    'with a body that is not JSON',
    'Invalid project slug',
    'needs CircleCI API v1.1, which cannot reach',
    'errored, so no workflow ran',
    'no workflow ran for this pipeline within',
    'workflows did not succeed (expected',
    'Timed out after',
    'has no pipeline/run endpoint',
    'CircleCI created no pipeline of',
    'has no approval job named',
    'CircleCI allows up to',
    'per context: remove some, or use purge',
    'does not exist: create it first with ciops.circleci.circleci_context',
)


def _literals(path):
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read(), path)
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def _sources():
    files = sorted(glob.glob(os.path.join(COLLECTION, 'plugins', '**', '*.py'), recursive=True))
    assert len(files) > 20, 'found only %d plugin files under %s' % (len(files), COLLECTION)
    literals = []
    for path in files:
        literals.extend(_literals(path))
    # missing_required_lib's words are Ansible's, printed by every module when requests is missing.
    literals.extend(_literals(basic.__file__))
    return literals


LITERALS = _sources()
# Every literal cut at its format specifiers, joined by a character no message holds.
CORPUS = '\x00'.join(piece for literal in LITERALS for piece in FORMAT_SPEC.split(literal))
CODE = '\x00'.join(LITERALS)


def headings(text):
    return [m.group('message') for m in (HEADING.match(line) for line in text.splitlines()) if m]


def _found(piece, split=True):
    """piece is in one literal, or in two word-aligned parts of at least PART characters, each in a literal."""
    piece = piece.strip(STRIP)
    if len(piece) <= SHORT or piece in CORPUS:
        return True
    if not split:
        return False
    words = piece.split(' ')
    for cut in range(1, len(words)):
        left, right = ' '.join(words[:cut]).strip(STRIP), ' '.join(words[cut:]).strip(STRIP)
        if min(len(left), len(right)) >= PART and _found(left, False) and _found(right, False):
            return True
    return False


def missing_pieces(message):
    """The fixed pieces of a heading's message that the plugins' literals do not hold."""
    missing = []
    for chunk in PLACEHOLDER.split(message):
        if _found(chunk):
            continue
        for piece in JOINTS.split(chunk):
            if not _found(piece):
                missing.append(piece.strip(STRIP))
    return missing


with open(PAGE, encoding='utf-8') as _handle:
    PAGE_TEXT = _handle.read()
MESSAGES = headings(PAGE_TEXT)


def test_the_page_has_message_headings():
    assert len(MESSAGES) >= MIN_HEADINGS, 'only %d message headings in %s' % (len(MESSAGES), PAGE)
    assert len(set(MESSAGES)) == len(MESSAGES), 'a message heading appears twice'


@pytest.mark.parametrize('message', MESSAGES, ids=lambda m: m[:60])
def test_heading_text_occurs_in_the_plugins(message):
    missing = missing_pieces(message)
    assert not missing, 'docs/troubleshooting.md: %r: not in any plugin source: %s' % (message, missing)


@pytest.mark.parametrize('key', KEY_MESSAGES)
def test_key_message_is_in_the_code_and_on_the_page(key):
    assert key in CODE, 'KEY_MESSAGES is stale: %r is in no plugin source any more' % key
    assert any(key in message for message in MESSAGES), 'docs/troubleshooting.md has no heading for %r' % key


@pytest.mark.parametrize('message, missing', [
    # A word the code does not say.
    ('CircleCI answered 401 <message> for <request>: check your api_token', ['check your api_token']),
    ('Could not reach CircleCI for <request> at <api_url>: certificate expired', ['certificate expired']),
    ('Pipeline <n> of <slug>: no workflow started for this pipeline within <n>s', [
        'no workflow started for this pipeline within']),
    # The real messages pass, also where the code joins literals.
    ('Timed out after <n>s waiting for pipeline <n> of <slug> (state <state>)', []),
    ('CircleCI answered 404 <message> (an HTML page, not the API) for <request>: no such API endpoint: '
     'check api_url (the CircleCI host, e.g. https://circleci.com)', []),
])
def test_the_check_can_fail(message, missing):
    assert missing_pieces(message) == missing


def test_a_renamed_hint_is_noticed(monkeypatch):
    """A hint reworded in the code leaves its heading without a source."""
    heading = 'CircleCI answered 403 <message> for <request>: the token may not do this (project tokens cannot, ' \
              'a personal API token can)'
    assert heading in MESSAGES and not missing_pieces(heading)
    reworded = CORPUS.replace('the token may not do this', 'this token lacks the permission')
    monkeypatch.setattr(sys.modules[__name__], 'CORPUS', reworded)
    assert missing_pieces(heading)
