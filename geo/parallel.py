"""Thread helpers for the large-array paths (numpy and PROJ release the GIL while they compute).

Small inputs run on the calling thread: below a few hundred thousand elements the
threads cost more than they save.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

__all__ = ["MIN_PARALLEL", "run_parallel", "thread_count"]

#: Fewer elements than this run on one thread.
MIN_PARALLEL = 200_000


def thread_count(n: int, threads: int | None = None) -> int:
    """How many threads to use for ``n`` elements.

    Parameters
    ----------
    n : int
        Elements to process.
    threads : int, optional
        Requested count; default: the machine's cores, at most 4.

    Returns
    -------
    int

    Examples
    --------
    >>> thread_count(10)
    1
    >>> thread_count(10**6, threads=2)
    2
    """
    if threads is None:
        threads = min(4, os.cpu_count() or 1)
    return 1 if n < MIN_PARALLEL else max(1, int(threads))


_pools: dict[int, ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()
_local = threading.local()


def _mark_worker():
    _local.worker = True


def run_parallel(fn, parts, threads: int) -> list:
    """``[fn(p) for p in parts]``, on ``threads`` threads when more than one.

    The threads are kept between calls (one pool per thread count), so that what
    a thread keeps for itself (a PROJ transformer, say) is made once.  A call from
    one of those threads runs on it, so nested calls cannot wait on each other.

    Examples
    --------
    >>> run_parallel(lambda p: p * 2, [1, 2, 3], threads=2)
    [2, 4, 6]
    """
    if threads <= 1 or len(parts) <= 1 or getattr(_local, "worker", False):
        return [fn(p) for p in parts]
    with _pools_lock:
        pool = _pools.get(threads)
        if pool is None:
            pool = _pools[threads] = ThreadPoolExecutor(threads, "geo", initializer=_mark_worker)
    return list(pool.map(fn, parts))
