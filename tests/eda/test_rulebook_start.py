# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The real ansible-rulebook with deploy_on_green.yml and no usable signing secret: it stops at start
with the source's one-line reason, before listening, rather than accepting unsigned deliveries."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import pytest

import edalib


@pytest.mark.parametrize('secrets, reason', [
    (None, "signing_secrets is empty: give the CircleCI webhook's signing secret, or set insecure_no_signature: true"),
    ([''], 'signing_secrets[0] is empty: give the webhook'),
    (['a-real-secret-3f9d', '  '], 'signing_secrets[1] is empty: give the webhook'),
])
def test_without_a_secret_the_rulebook_stops_at_start(tmp_path, secrets, reason):
    inventory = str(tmp_path / 'inventory.ini')
    with open(inventory, 'w', encoding='utf-8') as handle:
        handle.write('localhost ansible_connection=local\n')
    variables = {'circleci_listener_host': '127.0.0.1', 'circleci_listener_port': edalib.free_port()}
    if secrets is not None:
        variables['circleci_webhook_secrets'] = secrets
    rulebook = edalib.Rulebook(tmp_path, edalib.RULEBOOK, variables=variables, inventory=inventory)
    try:
        rulebook.proc.wait(90)
    finally:
        rulebook.stop()
    text = rulebook.text()
    assert rulebook.proc.returncode != 0, text
    assert re.search(r'ERROR - ValueError: ciops\.circleci\.webhook: %s' % re.escape(reason), text), text
    assert not edalib.LISTENING.search(text), text
    assert 'a-real-secret-3f9d' not in text
    assert os.path.getsize(rulebook.output) < 20000
