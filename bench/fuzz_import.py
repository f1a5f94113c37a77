"""Fuzz the sample import: N generated files (hostile and careless), on SQLite and PostgreSQL.

Every file must end as a whole-file refusal (a UserError in both languages) or as
an import result; any other exception is counted as uncaught. After every refused
file the sample count must be unchanged, after every import it must have grown by
exactly what was written (no partial writes).

    python bench/fuzz_import.py [--n 2000] [--seed 1] [--pg postgresql+psycopg://...]

Without --pg it uses $YEHU_TEST_PG_URL when set (scripts/pg.sh starts a server),
creating and dropping a scratch database.
"""

import argparse
import collections
import os
import sys
import tempfile
import time
import traceback
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from psycopg import sql  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from geo.boundaries import load_boundaries  # noqa: E402
from geo.register import load_register  # noqa: E402
from i18n.errors import UserError  # noqa: E402
from monitoring.auth import CONSOLE  # noqa: E402
from monitoring.importer import import_file  # noqa: E402
from monitoring.store import Store  # noqa: E402
from tests.monitoring.fuzzfiles import files  # noqa: E402


def run(url: str, n: int, seed: int) -> dict:
    store = Store(url)
    store.register.load(load_register(), load_boundaries()[1].gdf, user=CONSOLE)
    stats = collections.Counter()
    uncaught = []
    t0 = time.perf_counter()
    for i, (data, name) in enumerate(files(n, seed)):
        before = store.samples.count()
        try:
            result = import_file(store, data, name, user=CONSOLE)
        except UserError as exc:
            stats["file refused: " + exc.code] += 1
            stats["partial writes"] += store.samples.count() != before
            continue
        except Exception as exc:  # noqa: BLE001 - counting exactly these
            stats["uncaught"] += 1
            uncaught.append((i, name, type(exc).__name__, traceback.format_exc(limit=3)))
            stats["partial writes"] += store.samples.count() != before
            continue
        after = store.samples.count()
        if result.errors or result.already_imported:
            stats["rows refused (file not written)"] += 1
            for e in result.errors:
                stats["row error: " + e.code] += 1
            stats["partial writes"] += after != before
        else:
            stats["imported"] += 1
            stats["partial writes"] += after != before + result.written
    stats["seconds"] = round(time.perf_counter() - t0, 1)
    store.engine.dispose()
    return stats, uncaught


def pg_scratch(admin_url: str):
    name = f"fuzz_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.connection.driver_connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return admin, name, admin_url.rsplit("/", 1)[0] + f"/{name}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pg", default=os.environ.get("YEHU_TEST_PG_URL"))
    args = ap.parse_args()
    targets = []
    tmp = tempfile.TemporaryDirectory()
    targets.append(("SQLite", f"sqlite:///{tmp.name}/fuzz.sqlite", None))
    if args.pg:
        admin, name, url = pg_scratch(args.pg)
        targets.append(("PostgreSQL", url, (admin, name)))
    worst = 0
    for label, url, cleanup in targets:
        stats, uncaught = run(url, args.n, args.seed)
        print(f"{label}: {args.n} files in {stats.pop('seconds')} s")
        print(f"  uncaught exceptions: {stats.pop('uncaught', 0)}; partial writes: {stats.pop('partial writes', 0)}")
        for k, v in sorted(stats.items(), key=lambda kv: -kv[1]):
            print(f"  {k}: {v}")
        for i, name, kind, tb in uncaught[:10]:
            print(f"  UNCAUGHT file {i} ({name}): {kind}\n{tb}")
        worst = max(worst, len(uncaught))
        if cleanup:
            admin, name = cleanup
            with admin.connect() as conn:
                drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                conn.connection.driver_connection.execute(drop)
    return 1 if worst else 0


if __name__ == "__main__":
    sys.exit(main())
