"""Classify synthetic ponds (points, then outlines) next to two baselines.

Baselines: what a geopandas user would write (``GeoSeries.distance`` to the
lake and ``sjoin_nearest`` to the section points, after ``to_crs``), and a
naive per-row shapely loop.  Each measurement runs in a fresh process so that
its peak RSS is its own.  Synthetic data: ponds scattered over 30 km x 30 km
around an irregular 720-vertex lake outline, and 10 section points, all in
EPSG:4490 as stored, so the timing includes projecting to EPSG:4547.  Pond
outlines are irregular quadrilaterals of the pond's registered area (10-300 亩).

    python bench/bench_classify.py [--sizes 1000 100000 1000000] [--outline-sizes 100000]
                                   [--naive-limit 100000] [--repeat 5]
    python bench/bench_classify.py --county [--county-ponds 2000 20000 100000] [--county-sections 500]
                                   [--county-bodies 50] [--pg-url URL]

--county classifies a synthetic county (100k pond outlines, 50 water bodies, 500 section
points; geo.synthetic.synthetic_county) in-process, in PostGIS (gis.pond_zones, the PostGIS
migration) and with the geopandas baseline, checks that PostGIS and in-process agree, and says
which path the app uses and why (bench/county.py). PostGIS needs a server where a scratch
database may be created: --pg-url, else YEHU_TEST_PG_URL, else a throw-away server is started
with scripts/pg.sh (Debian postgresql and postgresql-15-postgis-3, as scripts/test.sh installs).

The naive loop over a million rows takes minutes, so above --naive-limit it is
measured on the first --naive-limit rows and scaled linearly (said in the output).
For outlines, the results are then compared with the geopandas baseline's: the
edge and section distances must agree within 1e-6 m and the zone answers exactly
(an AssertionError otherwise).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

X0, Y0 = 500_000.0, 3_280_000.0


def make_data(n, seed=0):
    import geopandas as gpd
    import numpy as np
    import shapely

    rng = np.random.default_rng(seed)
    theta = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    r = 2500 + 400 * np.sin(5 * theta) + 150 * rng.standard_normal(720).cumsum() / 30
    lake = shapely.Polygon(np.column_stack([X0 + r * np.cos(theta), Y0 + r * np.sin(theta)]))
    sections = shapely.points(rng.uniform(X0 - 3000, X0 + 3000, 10), rng.uniform(Y0 - 3000, Y0 + 3000, 10))
    pts = shapely.points(rng.uniform(X0 - 15000, X0 + 15000, n), rng.uniform(Y0 - 15000, Y0 + 15000, n))
    ponds = gpd.GeoDataFrame(
        {"pond_id": np.arange(1, n + 1), "area_mu": rng.uniform(10, 300, n), "town": "江南镇"},
        geometry=pts,
        crs=4547,
    )
    lake_gdf = gpd.GeoDataFrame({"provisional": [True]}, geometry=[lake], crs=4547)
    sec_gdf = gpd.GeoDataFrame(
        {"section_id": [f"S{i}" for i in range(10)], "provisional": True}, geometry=sections, crs=4547
    )
    # Stored coordinates are geographic: the timing includes projecting them.
    return ponds.to_crs(4490), lake_gdf.to_crs(4490), sec_gdf.to_crs(4490)


def make_outlines(ponds, seed=1):
    """Irregular quadrilaterals of each pond's area around its point, in EPSG:4490."""
    import geopandas as gpd
    import numpy as np
    import shapely

    rng = np.random.default_rng(seed)
    p = ponds.to_crs(4547)
    n = len(p)
    x, y = p.geometry.x.to_numpy(), p.geometry.y.to_numpy()
    half = np.sqrt(p.area_mu.to_numpy() * 2000 / 3) / 2
    corner = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], dtype=float)
    xy = corner[None] * half[:, None, None] * rng.uniform(0.8, 1.2, (n, 4, 2))
    a = rng.uniform(0, np.pi, n)
    c, s = np.cos(a)[:, None], np.sin(a)[:, None]
    rx, ry = xy[..., 0] * c - xy[..., 1] * s + x[:, None], xy[..., 0] * s + xy[..., 1] * c + y[:, None]
    ring = np.stack([rx, ry], axis=-1)
    polys = shapely.polygons(np.concatenate([ring, ring[:, :1]], axis=1))
    return gpd.GeoDataFrame({"pond_id": p.pond_id.to_numpy()}, geometry=polys, crs=4547).to_crs(4490)


def geopandas_way(ponds, lake, sections, ban=1000.0, radius=564.19):
    """What a geopandas user would write: to_crs, GeoSeries.distance, sjoin_nearest."""
    import geopandas as gpd
    import pandas as pd

    ponds, lake, sections = ponds.to_crs(4547), lake.to_crs(4547), sections.to_crs(4547)
    shore = ponds.geometry.distance(lake.geometry.union_all())
    near = gpd.sjoin_nearest(ponds[["pond_id", "geometry"]], sections[["section_id", "geometry"]], distance_col="d")
    near = near[~near.index.duplicated()]
    return pd.DataFrame(
        {
            "pond_id": ponds.pond_id.to_numpy(),
            "shore_distance_m": shore.to_numpy(),
            "in_lake": (shore == 0).to_numpy(),
            "in_ban_zone": (shore <= ban).to_numpy(),
            "nearest_section": near.section_id.to_numpy(),
            "section_distance_m": near.d.to_numpy(),
            "in_nofish_zone": (near.d <= radius).to_numpy(),
        }
    )


def naive(ponds, lake, sections, ban=1000.0, radius=564.19):
    ponds, lake, sections = ponds.to_crs(4547), lake.to_crs(4547), sections.to_crs(4547)
    poly = lake.geometry.iloc[0]
    secs = list(zip(sections.section_id, sections.geometry, strict=True))
    out = []
    for pid, p in zip(ponds.pond_id, ponds.geometry, strict=True):
        d = poly.distance(p)
        best, bd = min(((sid, s.distance(p)) for sid, s in secs), key=lambda t: t[1])
        out.append((pid, d, d == 0, d <= ban, bd <= radius, best, bd))
    return out


def one(n, method, limit):
    import geo.outlines  # noqa: F401 - imported before the clock starts, as geopandas' modules are
    from geo.classify import classify_ponds

    ponds, lake, sections = make_data(n)
    outlines = make_outlines(ponds) if method.startswith("outline") else None
    rows = n
    if method == "naive" and n > limit:
        ponds, rows = ponds.iloc[:limit], limit
    c0 = time.process_time()
    t0 = time.perf_counter()
    if method == "vectorised":
        classify_ponds(ponds, lake, sections)
    elif method == "geopandas":
        geopandas_way(ponds, lake, sections)
    elif method == "outline-vectorised":
        classify_ponds(ponds, lake, sections, outlines=outlines)
    elif method == "outline-geopandas":
        geopandas_way(outlines, lake, sections)
    else:
        naive(ponds, lake, sections)
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0  # all threads: steadier than the wall clock on a shared machine
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds * n / rows, "cpu": cpu * n / rows, "rows_measured": rows, "peak_mb": peak_mb}))


def check_outlines(n):
    """Outline classification against the geopandas baseline: distances within 1e-6 m, same zones."""
    import numpy as np

    from geo.classify import classify_ponds

    ponds, lake, sections = make_data(n)
    outlines = make_outlines(ponds)
    ours = classify_ponds(ponds, lake, sections, outlines=outlines)
    ref = geopandas_way(outlines, lake, sections)
    assert (ours.basis == "outline").all()
    worst = 0.0
    for col in ("shore_distance_m", "section_distance_m"):
        diff = np.abs(ours[col].to_numpy() - ref[col].to_numpy())
        assert diff.max() <= 1e-6, f"{col}: off by {diff.max()} m"
        worst = max(worst, float(diff.max()))
    for col in ("in_lake", "in_ban_zone", "in_nofish_zone"):
        assert (ours[col].to_numpy() == ref[col].to_numpy()).all(), col
    assert (ours.nearest_section.astype(str).to_numpy() == ref.nearest_section.to_numpy()).all()
    return worst


def measure(n, method, limit):
    cmd = [sys.executable, __file__, "--one", str(n), method, "--naive-limit", str(limit)]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def measure_median(n, methods, limit, repeat):
    """Each method ``repeat`` times, each run in a fresh process, the methods taking turns; per method the
    run of median wall-clock time, with the range of the runs (``low``, ``high``)."""
    runs = {m: [] for m in methods}
    for _ in range(repeat):
        for m in methods:
            runs[m].append(measure(n, m, limit))
    out = []
    for m in methods:
        by_time = sorted(runs[m], key=lambda r: r["seconds"])
        mid = dict(by_time[len(by_time) // 2])
        mid["low"], mid["high"] = by_time[0]["seconds"], by_time[-1]["seconds"]
        out.append(mid)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 100_000, 1_000_000])
    ap.add_argument("--outline-sizes", type=int, nargs="*", default=[100_000])
    ap.add_argument("--naive-limit", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5, help="runs of each side for outlines (the median is shown)")
    ap.add_argument("--one", nargs=2, metavar=("N", "METHOD"))
    ap.add_argument("--county", action="store_true")
    ap.add_argument("--county-ponds", type=int, nargs="+", default=[100_000])
    ap.add_argument("--county-sections", type=int, default=500)
    ap.add_argument("--county-bodies", type=int, default=50)
    ap.add_argument("--pg-url", default=os.environ.get("YEHU_TEST_PG_URL"))
    args = ap.parse_args()
    if args.county:
        if not args.pg_url:  # a throw-away PostgreSQL server for this run, as the tests have
            root = Path(__file__).resolve().parent.parent
            script = '. scripts/pg.sh && start_postgres && .venv/bin/python bench/bench_classify.py "$@"'
            sys.exit(subprocess.run(["bash", "-c", script, "bench", *sys.argv[1:]], cwd=root).returncode)
        from county import run

        for n in args.county_ponds:
            run(n, args.county_bodies, args.county_sections, args.pg_url, geopandas_way)
        return
    if args.one:
        one(int(args.one[0]), args.one[1], args.naive_limit)
        return
    if args.sizes:
        print("pond points")
        print(
            f"{'ponds':>9} {'ours s':>8} {'peak MB':>8} {'geopandas s':>12} {'peak MB':>8} {'ratio':>6}"
            f" {'naive s':>9} {'peak MB':>8} {'ratio':>6}"
        )
    for n in args.sizes:
        v, g, nv = (measure(n, m, args.naive_limit) for m in ("vectorised", "geopandas", "naive"))
        scaled = "" if nv["rows_measured"] == n else f"  (naive measured on {nv['rows_measured']:,} rows, scaled)"
        print(
            f"{n:>9,} {v['seconds']:>8.3f} {v['peak_mb']:>8.0f} {g['seconds']:>12.3f} {g['peak_mb']:>8.0f}"
            f" {g['seconds'] / v['seconds']:>5.1f}x {nv['seconds']:>9.2f} {nv['peak_mb']:>8.0f}"
            f" {nv['seconds'] / v['seconds']:>5.0f}x{scaled}"
        )
    if args.outline_sizes:
        print()
        print(f"pond outlines (nearest edge, overlap): median of {args.repeat} runs each, the sides taking turns")
        print(
            f"{'ponds':>9} {'ours s':>8} {'cpu s':>6} {'peak MB':>8} {'geopandas s':>12} {'cpu s':>6} {'peak MB':>8}"
            f" {'ratio':>6} {'cpu ratio':>9} {'max |diff| m':>13}"
        )
    for n in args.outline_sizes:
        v, g = measure_median(n, ("outline-vectorised", "outline-geopandas"), args.naive_limit, args.repeat)
        worst = check_outlines(n)
        print(
            f"{n:>9,} {v['seconds']:>8.3f} {v['cpu']:>6.2f} {v['peak_mb']:>8.0f} {g['seconds']:>12.3f} {g['cpu']:>6.2f}"
            f" {g['peak_mb']:>8.0f} {g['seconds'] / v['seconds']:>5.1f}x {g['cpu'] / v['cpu']:>8.1f}x {worst:>13.1e}"
        )
        print(
            f"{'':>9} runs: ours {v['low']:.3f}-{v['high']:.3f} s, geopandas {g['low']:.3f}-{g['high']:.3f} s"
            f" (ratio of the slowest of ours to the fastest of geopandas: {g['low'] / v['high']:.1f}x)"
        )
    print("targets (2-core machine): 1M points under 2 s, at least 30x the naive loop and ahead of geopandas;")
    print("100k outlines at least 10x geopandas, distances within 1e-6 m of it")
    load1, _, _ = os.getloadavg()
    print(f"load average {load1:.1f} on {os.cpu_count()} cores (above 2, wall-clock ratios mostly measure the sharing)")


if __name__ == "__main__":
    main()
