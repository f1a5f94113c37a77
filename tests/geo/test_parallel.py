"""Thread helpers: results in order, threads kept between calls, nested calls run inline."""

import threading

from geo.parallel import run_parallel


def test_results_in_order_on_kept_threads():
    names = [run_parallel(lambda _: threading.current_thread().name, [0, 1, 2, 3], threads=2) for _ in range(3)]
    assert run_parallel(lambda p: p * p, list(range(10)), threads=2) == [p * p for p in range(10)]
    used = {n for call in names for n in call}
    assert len(used) <= 2 and all(n.startswith("geo") for n in used)  # the same two threads every time


def test_nested_calls_do_not_wait_on_each_other():
    def outer(p):
        return sum(run_parallel(lambda q: q + p, [1, 2, 3], threads=2))

    done = []
    t = threading.Thread(target=lambda: done.append(run_parallel(outer, [10, 20, 30, 40], threads=2)))
    t.start()
    t.join(timeout=30)
    assert done == [[36, 66, 96, 126]]
