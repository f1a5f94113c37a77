"""Weekly TP compliance over 1M synthetic samples, on SQLite and PostgreSQL.

Loads N samples (default 1,000,000) for the 17 pond sites and the section
point, spread over 2022-2024, straight into the samples table (bulk insert;
validation is not what is measured), then times:

* one week (`store.samples.weekly`), median of 7 runs;
* a 52-week grid (`store.samples.weekly_grid`), median of 3 runs.

    python bench/bench_compliance.py [--n 1000000] [--pg postgresql+psycopg://...]

Without --pg it uses $YEHU_TEST_PG_URL when set (scripts/pg.sh starts a server),
creating and dropping a scratch database.  Target: one week under 100 ms on both.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from psycopg import sql  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402

from geo.boundaries import load_boundaries  # noqa: E402
from geo.register import load_register  # noqa: E402
from monitoring.auth import CONSOLE  # noqa: E402
from monitoring.samples import iso_week  # noqa: E402
from monitoring.schema import samples  # noqa: E402
from monitoring.store import Store  # noqa: E402


def fill(store, n, seed=1):
    rng = np.random.default_rng(seed)
    codes = store.register.list_sites().code.to_numpy()
    start = datetime(2022, 1, 3, tzinfo=UTC)
    span = (datetime(2024, 12, 30, tzinfo=UTC) - start).total_seconds()
    step = span / n  # strictly increasing times: no two samples collide on the unique index
    secs = (np.arange(n) * step + rng.uniform(0, 0.9 * step, n)).astype(np.int64)
    values = np.round(rng.lognormal(np.log(0.1), 0.6, n), 4)
    censored = rng.random(n) < 0.1
    site = rng.choice(codes, n)
    created = datetime(2025, 1, 1)
    t0 = time.perf_counter()
    chunk = 50_000
    with store.engine.begin() as conn:
        for a in range(0, n, chunk):
            rows = []
            for i in range(a, min(a + chunk, n)):
                when = start + timedelta(seconds=int(secs[i]))
                rows.append(
                    {
                        "sample_uid": uuid.uuid4().hex[:32],
                        "version": 1,
                        "is_current": True,
                        "retracted": False,
                        "site_code": site[i],
                        "kind": "tail_water",
                        "sampled_at_utc": when.replace(tzinfo=None),
                        "tz": "Asia/Shanghai",
                        "week": iso_week(when),
                        "parameter": "TP",
                        "value_mg_l": float(values[i]),
                        "censored": bool(censored[i]),
                        "detection_limit": 0.01 if censored[i] else None,
                        "method": "GB 11893-89",
                        "qc_type": "regular",
                        "created_by": "bench",
                        "created_at": created,
                        "synthetic": True,
                    }
                )
            conn.execute(insert(samples), rows)
    return time.perf_counter() - t0


def measure(label, url, n):
    store = Store(url)
    reg = load_register()
    store.register.load(reg, load_boundaries()[1].gdf, user=CONSOLE)
    load_s = fill(store, n)
    if url.startswith("postgresql"):
        with store.engine.begin() as conn:
            conn.execute(text("ANALYZE samples"))
    weeks = [f"2023-W{w:02d}" for w in range(1, 53)]
    store.samples.weekly("2023-W20")  # warm
    one = []
    for w in ("2023-W20", "2022-W30", "2024-W10", "2023-W05", "2022-W45", "2024-W40", "2023-W33"):
        t = time.perf_counter()
        res = store.samples.weekly(w)
        one.append(time.perf_counter() - t)
    grid = []
    for _ in range(3):
        t = time.perf_counter()
        g = store.samples.weekly_grid(weeks)
        grid.append(time.perf_counter() - t)
    per_week = n / (3 * 52)
    print(
        f"{label:<10} {n:>10,} samples (~{per_week:,.0f}/week), loaded in {load_s:6.1f} s | "
        f"one week {statistics.median(one) * 1000:6.1f} ms (min {min(one) * 1000:.1f}) | "
        f"52-week grid {statistics.median(grid):5.2f} s | sites {len(res)}, grid {g.shape}"
    )
    store.engine.dispose()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--pg", default=os.environ.get("YEHU_TEST_PG_URL"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure("SQLite", f"sqlite:///{tmp}/bench.sqlite", args.n)
    if not args.pg:
        print("PostgreSQL: skipped (no --pg and no YEHU_TEST_PG_URL)")
        return
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.connection.driver_connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        measure("PostgreSQL", args.pg.rsplit("/", 1)[0] + f"/{name}", args.n)
    finally:
        with admin.connect() as conn:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            conn.connection.driver_connection.execute(drop)
    print("target: one week under 100 ms on both")


if __name__ == "__main__":
    main()
