"""Classify 1k, 100k and 1M synthetic ponds; compare with a naive per-row shapely loop.

Each measurement runs in a fresh process so that its peak RSS is its own.
Synthetic data: ponds scattered over 30 km x 30 km around an irregular
720-vertex lake outline, and 10 section points, all in EPSG:4490 as stored, so
the timing includes projecting to EPSG:4547.

    python bench/bench_classify.py [--sizes 1000 100000 1000000] [--naive-limit 100000]

The naive loop over a million rows takes minutes, so above --naive-limit it is
measured on the first --naive-limit rows and scaled linearly (said in the output).
"""

import argparse
import json
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
    ponds, lake, sections = make_data(n)
    rows = n
    if method == "naive" and n > limit:
        ponds, rows = ponds.iloc[:limit], limit
    t0 = time.perf_counter()
    if method == "vectorised":
        from geo.classify import classify_ponds

        classify_ponds(ponds, lake, sections)
    else:
        naive(ponds, lake, sections)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds * n / rows, "rows_measured": rows, "peak_mb": peak_mb}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000, 1_000_000])
    ap.add_argument("--naive-limit", type=int, default=100_000)
    ap.add_argument("--one", nargs=2, metavar=("N", "METHOD"))
    args = ap.parse_args()
    if args.one:
        one(int(args.one[0]), args.one[1], args.naive_limit)
        return
    print(f"{'ponds':>9} {'vectorised s':>13} {'peak MB':>8} {'naive s':>10} {'peak MB':>8} {'ratio':>7}")
    for n in args.sizes:
        res = {}
        for method in ("vectorised", "naive"):
            cmd = [sys.executable, __file__, "--one", str(n), method, "--naive-limit", str(args.naive_limit)]
            res[method] = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        v, nv = res["vectorised"], res["naive"]
        scaled = "" if nv["rows_measured"] == n else f"  (naive measured on {nv['rows_measured']:,} rows, scaled)"
        print(
            f"{n:>9,} {v['seconds']:>13.3f} {v['peak_mb']:>8.0f} {nv['seconds']:>10.2f} "
            f"{nv['peak_mb']:>8.0f} {nv['seconds'] / v['seconds']:>6.0f}x{scaled}"
        )
    print("target: 1M ponds under 2 s and at least 30x the naive loop (2-core machine)")


if __name__ == "__main__":
    main()
