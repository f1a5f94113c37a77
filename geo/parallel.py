"""Thread helpers for the large-array paths (numpy and PROJ release the GIL while they compute).

Small inputs run on the calling thread: below a few hundred thousand elements the
threads cost more than they save.
"""

from __future__ import annotations

import os
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


def run_parallel(fn, parts, threads: int) -> list:
    """``[fn(p) for p in parts]``, on ``threads`` threads when more than one."""
    if threads <= 1 or len(parts) <= 1:
        return [fn(p) for p in parts]
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(fn, parts))
