# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The scene of the end-to-end layer: a CA of the tests' own, the simulator trusting it for its
webhook deliveries, and the real ansible-rulebook (from the eda venv) running
extensions/eda/rulebooks/deploy_on_green.yml with the ciops.circleci.webhook source on HTTPS with a
certificate of that CA, at -vvv, its output kept for the secrets check."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import edalib  # noqa: E402  pylint: disable=wrong-import-position

# Distinct enough to be searched for in ansible-rulebook's output, where it must never be.
SECRET = 'eda-e2e-signing-secret-9d41c7'
OTHER_SECRET = 'not-the-listeners-secret-2b7e'


def pytest_configure(config):
    try:
        edalib.eda_venv()
    except RuntimeError as exc:
        raise pytest.UsageError(str(exc))


class Scene(object):
    """What the tests of one run share."""

    def __init__(self, workdir, sim, rulebook, webhook_id, listener_url, app_dest, pki):
        self.workdir = workdir
        self.sim = sim
        self.rulebook = rulebook
        self.webhook_id = webhook_id
        self.listener_url = listener_url
        self.app_dest = app_dest
        self.pki = pki


@pytest.fixture(scope='session')
def scene(tmp_path_factory):
    workdir = tmp_path_factory.mktemp('eda')
    pki = edalib.make_pki(workdir)
    sim = edalib.simulator(pki['ca'])
    rulebook = None
    try:
        # Short pauses between the retries of a refused delivery (the simulator's default: 0.5, 1, 2 s).
        sim.control('POST', '/config', {'webhook_retry_seconds': [0.1, 0.2]})
        port = edalib.free_port()
        app_dest = str(workdir / 'app')
        inventory = str(workdir / 'inventory.ini')
        with open(inventory, 'w', encoding='utf-8') as handle:
            handle.write('[app_servers]\nlocalhost ansible_connection=local ansible_python_interpreter=%s\n'
                         % os.path.join(edalib.eda_venv(), 'bin', 'python'))
        rulebook = edalib.Rulebook(
            workdir, edalib.RULEBOOK, inventory=inventory, verbosity='-vvv',
            variables={'circleci_listener_host': '127.0.0.1', 'circleci_listener_port': port,
                       'circleci_listener_certfile': pki['cert'], 'circleci_listener_keyfile': pki['key'],
                       'circleci_webhook_secrets': [SECRET], 'deploy_app_dest': app_dest},
            env={'CIRCLECI_API_URL': sim.root, 'CIRCLECI_TOKEN': sim.token})
        assert rulebook.wait_listening() == 'https'
        listener_url = 'https://127.0.0.1:%d/circleci' % port
        webhook_id = edalib.register_webhook(workdir, sim, listener_url, SECRET)
        yield Scene(workdir, sim, rulebook, webhook_id, listener_url, app_dest, pki)
    finally:
        if rulebook is not None:
            rulebook.stop()
        sim.stop()
