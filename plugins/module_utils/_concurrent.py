# -*- coding: utf-8 -*-
# Copyright: (c) 2026, ciops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading many things at once: the one thread pool of the collection, over the client's one session.

The worker count a plugin takes as its option ``workers`` is checked by _checks.check_workers.
Internal to the collection: the interface may change without notice.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def map_concurrently(client, func, items, workers):
    """[func(item) for item in items], at most ``workers`` at a time over the client's one
    session (its connection pool grown to match); results in the order of items. On the
    first error the calls not yet started are dropped and the error is raised."""
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        return [func(item) for item in items]
    # Imported here, only for more than one item at a time: not on the start-up path of every module.
    from concurrent.futures import ThreadPoolExecutor  # pylint: disable=import-outside-toplevel

    size = min(workers, len(items))
    client.allow_parallel(size)
    executor = ThreadPoolExecutor(max_workers=size)
    futures = [executor.submit(func, item) for item in items]
    try:
        return [future.result() for future in futures]
    finally:
        for future in futures:
            future.cancel()
        executor.shutdown(wait=True)
