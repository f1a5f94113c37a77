"""Run a Python module (``-m streamlit run app.py ...``) with cProfile on every thread; stats to a file.

The main thread (Tornado: sessions, message serialisation, sending) and each script run's thread
are profiled; their statistics are merged into one pstats file when the process ends.

    python bench/profile_server.py OUT.prof -m streamlit run app.py ...
"""

import atexit
import cProfile
import pstats
import runpy
import sys
import threading

out = sys.argv[1]
profiles = []
lock = threading.Lock()
_start = threading.Thread.run


def _profiled_run(self):
    prof = cProfile.Profile()
    with lock:
        profiles.append(prof)
    prof.enable()
    try:
        _start(self)
    finally:
        prof.disable()


threading.Thread.run = _profiled_run
main = cProfile.Profile()
profiles.append(main)


def _dump():
    main.disable()
    stats = None
    with lock:
        for prof in profiles:
            try:
                stats = pstats.Stats(prof) if stats is None else stats.add(prof)
            except TypeError:  # a thread that never ran anything
                continue
    if stats is not None:
        stats.dump_stats(out)


atexit.register(_dump)  # Streamlit stops cleanly on SIGTERM, then the interpreter exits
module = sys.argv[3]
sys.argv = [module, *sys.argv[4:]]
main.enable()
runpy.run_module(module, run_name="__main__", alter_sys=True)
