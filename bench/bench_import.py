"""Sample import speed: a 50,000-row lab file (CSV, GBK), validation + write, on SQLite and PostgreSQL.

Times parsing and checking (the preview: header, sites, dates, values) and the
all-or-nothing write separately, and prints rows per second, the CPU time of this process
(the database server's is not in it) and the load average when it started.

    python bench/bench_import.py [--rows 50000] [--pg postgresql+psycopg://...]

Without --pg it uses $YEHU_TEST_PG_URL when set (scripts/pg.sh starts a server),
creating and dropping a scratch database. Target: at least 10,000 rows/s for
validation plus write on both.
"""

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from psycopg import sql  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402

from geo.boundaries import load_boundaries  # noqa: E402
from geo.register import load_register  # noqa: E402
from monitoring.auth import CONSOLE  # noqa: E402
from monitoring.importer import import_file, parse_file, resolver_for  # noqa: E402
from monitoring.store import Store  # noqa: E402


def lab_file(rows: int, seed: int = 1) -> bytes:
    """A GBK CSV as a lab sends it: title row, 填报单位 row, 序号, point names in several forms."""
    rng = random.Random(seed)
    lines = ["冶湖周边精养鱼池尾水监测结果（汇总）,,,,,", "填报单位：临湘市环境监测站,,,,,"]
    lines.append("序号,点位名称,采样时间,总磷(mg/L),检出限(mg/L),备注")
    start = datetime(2022, 1, 3, 8, 0)
    forms = ["{p}", "{p}号", "{p}号塘", "塘{p}", "{p}号塘尾水排口"]
    for i in range(rows):
        pond = i % 17 + 1
        when = start + timedelta(minutes=(i // 17) * 7)
        value = rng.choice(["0.05", "0.12", "0.01L", "０.１８", "0.35", "ND"])
        dl = "0.01" if value == "ND" else ""
        name = rng.choice(forms).format(p=pond)
        lines.append(f"{i + 1},{name},{when:%Y/%m/%d %H:%M},{value},{dl},")
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def run(url: str, data: bytes) -> tuple[float, float]:
    store = Store(url)
    store.register.load(load_register(), load_boundaries()[1].gdf, user=CONSOLE)
    t0, c0 = time.perf_counter(), time.process_time()
    parsed = parse_file(data, "results.csv", resolver_for(store))
    t1 = time.perf_counter()
    assert not parsed.errors(), parsed.errors()[:3]
    result = import_file(store, data, "results.csv", user=CONSOLE, parsed=parsed)
    t2, c2 = time.perf_counter(), time.process_time()
    assert not result.errors and result.written == len(parsed.samples), result.errors[:3]
    assert store.samples.count() == len(parsed.samples)
    store.engine.dispose()
    return t1 - t0, t2 - t1, c2 - c0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--pg", default=os.environ.get("YEHU_TEST_PG_URL"))
    args = ap.parse_args()
    data = lab_file(args.rows)
    print(f"{args.rows:,} rows, {len(data):,} bytes (GBK CSV)")
    tmp = tempfile.TemporaryDirectory()
    targets = [("SQLite", f"sqlite:///{tmp.name}/bench.sqlite")]
    admin = name = None
    if args.pg:
        name = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.connection.driver_connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        targets.append(("PostgreSQL", args.pg.rsplit("/", 1)[0] + f"/{name}"))
    for label, url in targets:
        load = os.getloadavg()[0]
        parse_s, write_s, cpu_s = run(url, data)
        total = parse_s + write_s
        print(
            f"{label}: read+check {parse_s:.1f} s, write {write_s:.1f} s, total {total:.1f} s"
            f" = {args.rows / total:,.0f} rows/s; this process's CPU time {cpu_s:.1f} s"
            f" ({args.rows / cpu_s:,.0f} rows/s); load average {load:.1f} on {os.cpu_count()} cores"
        )
    if admin is not None:
        with admin.connect() as conn:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            conn.connection.driver_connection.execute(drop)


if __name__ == "__main__":
    main()
