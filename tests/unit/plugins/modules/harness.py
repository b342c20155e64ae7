# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a module's main() in-process and get its raw result: shared by the unit tests and the reliability suite."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils import basic
try:
    from ansible.module_utils import _internal as ansible_internal
except ImportError:  # ansible-core < 2.19
    ansible_internal = None
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args


class ModuleExit(Exception):
    """Raised by the patched exit_json / fail_json with the module's result."""


def patch_ansible_module(monkeypatch):
    """exit_json / fail_json raise ModuleExit with the raw result (before Ansible's no_log masking)."""

    def exit_json(self, **kwargs):
        kwargs.setdefault('changed', False)
        kwargs['warnings'] = list(ansible_warnings.get_warning_messages())
        raise ModuleExit(kwargs)

    def fail_json(self, msg, **kwargs):
        kwargs['failed'] = True
        kwargs['msg'] = msg
        kwargs['warnings'] = list(ansible_warnings.get_warning_messages())
        raise ModuleExit(kwargs)

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    # Once a test has imported controller code (the lookups), module warnings would go
    # to the controller's Display instead of the result: run as a module does.
    if ansible_internal is not None and hasattr(ansible_internal, 'is_controller'):
        monkeypatch.setattr(ansible_internal, 'is_controller', False)


def run_main(module, args):
    """module.main() with the module arguments ``args``, under patch_ansible_module: its result dict
    (``failed=True`` on fail_json). Module warnings are process-wide in Ansible: each run starts with none."""
    ansible_warnings._global_warnings.clear()  # pylint: disable=protected-access
    with patch_module_args(args):
        try:
            module.main()
        except ModuleExit as exc:
            return exc.args[0]
    raise AssertionError('the module returned without exit_json or fail_json')
