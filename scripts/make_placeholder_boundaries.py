"""Write the provisional placeholder lake outline and section point.

No public outline of Yehu and no position of its provincial monitoring
section is known.  So that zones can be drawn and the pipeline exercised, the
shipped files are a schematic placeholder derived from the register alone:

* centre: the mean of the distinct points of the rows that lie together
  (1, 5-8, 12-15; the others are flagged by the coordinate QA);
* lake: a circle around that centre whose radius leaves the nearest of those
  ponds 300 m outside the water, rounded down to 50 m;
* section point: the centre of that circle ("assumed lake centre").

Both are marked provisional.  Replace them by dropping a real file into
``data/boundaries/`` (see README).  Run: ``python scripts/make_placeholder_boundaries.py``.
"""

import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geopandas as gpd  # noqa: E402
import shapely  # noqa: E402

from geo.crs import GEOGRAPHIC, METRIC  # noqa: E402
from geo.register import data_dir, load_register  # noqa: E402

CLUSTER_ROWS = [1, 5, 6, 7, 8, 12, 13, 14, 15]
MARGIN_M = 300
DATE = "2026-11-29"


def main():
    reg = load_register()
    pts = reg[reg.pond_id.isin(CLUSTER_ROWS)].to_crs(METRIC)
    centre = shapely.Point(pts.geometry.x.mean(), pts.geometry.y.mean())
    nearest = float(pts.distance(centre).min())
    radius = math.floor((nearest - MARGIN_M) / 50) * 50
    lake = gpd.GeoSeries([centre.buffer(radius, quad_segs=32)], crs=METRIC).to_crs(GEOGRAPHIC)
    sect = gpd.GeoSeries([centre], crs=METRIC).to_crs(GEOGRAPHIC)
    note_zh = "占位示意：冶湖实际岸线未知。"
    lake_props = {
        "name": "冶湖（暂定示意轮廓）",
        "source": f"placeholder: circle r={radius} m around the mean of register rows "
        f"{', '.join(map(str, CLUSTER_ROWS))} ({Path(__file__).name})",
        "date": DATE,
        "provisional": True,
        "notes": note_zh + " Not the real shoreline: no public outline of Yehu is known. "
        "Replace with a surveyed or digitised outline.",
    }
    sect_props = {
        "section_id": "S1",
        "name": "冶湖省控断面（位置未知，暂定湖心）",
        "source": f"placeholder: centre of the placeholder lake circle ({Path(__file__).name})",
        "date": DATE,
        "provisional": True,
        "notes": "占位示意：省控断面监测点位置未知。 Position unknown; assumed at the lake centre.",
    }
    out = data_dir() / "boundaries"
    for name, geoms, props in (("lake", lake, lake_props), ("sections", sect, sect_props)):
        fc = json.loads(gpd.GeoDataFrame([props], geometry=list(geoms), crs=GEOGRAPHIC).to_json(drop_id=True))
        fc.pop("crs", None)
        fc["features"][0]["geometry"] = shapely.geometry.mapping(shapely.set_precision(geoms.iloc[0], 1e-7))
        (out / f"{name}.geojson").write_text(json.dumps(fc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"radius {radius} m, centre {sect.iloc[0].x:.6f} {sect.iloc[0].y:.6f}")


if __name__ == "__main__":
    main()
