"""Fuzz the boundary upload: N generated files (hostile and careless) through Store.upload_boundary on SQLite.

Every file must end as a refusal (a UserError whose message, in both languages, names no server
path) or as a stored version; any other exception is counted as uncaught. After every refused file
the boundary versions and the audit trail must be unchanged, after every accepted one each must
have grown by exactly one row (no partial writes). A canary file named by the VRT documents
among the files must never be read.

    python bench/fuzz_boundaries.py [--n 300] [--seed 1]
"""

import argparse
import collections
import logging
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from i18n.errors import UserError  # noqa: E402
from monitoring.auth import CONSOLE  # noqa: E402
from monitoring.store import Store  # noqa: E402
from tests.conftest import CHEAP_HASHER, actor  # noqa: E402
from tests.geo.fuzzboundaries import files  # noqa: E402


def run(n: int, seed: int, folder: Path) -> dict:
    canary = folder / "canary.csv"
    canary.write_text('wkt,name\n"POLYGON ((113.41 29.64, 113.43 29.64, 113.43 29.66, 113.41 29.64))",CANARY\n')
    past = time.time() - 3 * 86400
    os.utime(canary, (past, past))
    store = Store(f"sqlite:///{folder / 'fuzz.sqlite'}", hasher=CHEAP_HASHER)
    store.accounts.create("fuzzer", "fuzz-password-1", "admin", user=CONSOLE)
    stats: collections.Counter = collections.Counter()
    uncaught = []
    t0 = time.perf_counter()

    def counts():
        return len(store.register.list_boundaries()), len(store.audit.log(limit=None))

    for i, (data, name, kind) in enumerate(files(n, seed, canary=str(canary))):
        before = counts()
        try:
            store.register.upload_boundary(kind, name, data, user=actor("fuzzer"))
        except UserError as exc:
            stats["refused: " + exc.code] += 1
            stats["partial writes"] += counts() != before
            texts = exc.message("zh") + exc.message("en")
            leaked = "yehu-upload" in texts or (str(folder) in texts and str(folder).encode() not in data)
            stats["messages naming a server path"] += leaked
            stats["messages showing the canary"] += "CANARY" in texts
            continue
        except Exception as exc:  # noqa: BLE001 - counting exactly these
            stats["uncaught"] += 1
            uncaught.append((i, name, type(exc).__name__, traceback.format_exc(limit=4)))
            stats["partial writes"] += counts() != before
            continue
        after = counts()
        stats["accepted"] += 1
        # One new version; its audit row (and, for sections, one per new site) in the same transaction.
        stats["partial writes"] += after[0] != before[0] + 1 or after[1] < before[1] + 1
    stats["canary read"] = int(os.stat(canary).st_atime != past)
    stats["seconds"] = round(time.perf_counter() - t0, 1)
    store.engine.dispose()
    return {"stats": stats, "uncaught": uncaught}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the reasons GDAL gave are logged at WARNING: not printed here
    with tempfile.TemporaryDirectory() as tmp:
        out = run(args.n, args.seed, Path(tmp))
    stats = out["stats"]
    print(f"SQLite: {args.n} boundary files in {stats.pop('seconds')} s")
    print(f"  uncaught exceptions: {stats.pop('uncaught', 0)}; partial writes: {stats.pop('partial writes', 0)}")
    paths = stats.pop("messages naming a server path", 0)
    shown = stats.pop("messages showing the canary", 0)
    canary = stats.pop("canary read")
    print(f"  canary read: {canary}; messages naming a server path: {paths}; showing the canary: {shown}")
    for k, v in sorted(stats.items()):
        print(f"  {k}: {v}")
    for i, name, kind, tb in out["uncaught"][:10]:
        print(f"  UNCAUGHT file {i} ({name}): {kind}\n{tb}")


if __name__ == "__main__":
    main()
