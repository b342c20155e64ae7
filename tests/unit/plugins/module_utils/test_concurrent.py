# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from ansible_collections.ciops.circleci.plugins.module_utils._concurrent import map_concurrently


class PoolClient(object):
    def __init__(self):
        self.pools = []

    def allow_parallel(self, size):
        self.pools.append(size)


def test_map_concurrently_keeps_the_order_and_takes_any_iterable():
    client = PoolClient()
    threads = []

    def double(n):
        threads.append(threading.current_thread() is threading.main_thread())
        return 2 * n

    assert map_concurrently(client, double, (n for n in (1, 2)), 2) == [2, 4]
    # Two items are read at once, on a pool of two connections, off the main thread.
    assert client.pools == [2] and threads == [False, False]
    threads[:] = []
    assert map_concurrently(client, double, [3], 4) == [6] and threads == [True]
    assert map_concurrently(client, double, [1, 2], 1) == [2, 4] and client.pools == [2]
