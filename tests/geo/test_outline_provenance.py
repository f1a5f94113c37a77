"""Each pond outline's own provenance, from a layer whose outlines came from different versions.

A drawing's file (and its download) carries every other pond's outline with the provenance of
the version it came from. The map's tooltip, ``python -m geo classify`` and ``geo check`` name
each outline's own, never the first feature's or the newest version's for all.
"""

import json

import folium
import shapely

from geo.dataset import load_dataset
from geo.mapping import build_map
from tests.geo.test_cli import run

SURVEY = "县测绘院 测字2026-07号"


def _feature(geom, **props):
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}


def mixed_layer(data):
    """Pond 1 surveyed (an older upload), pond 2 drawn on the map, pond 3 a file's provisional outline."""
    reg = load_dataset(data).register.set_index("pond_id").geometry
    sq = {p: shapely.box(reg[p].x - 0.0008, reg[p].y - 0.0008, reg[p].x + 0.0008, reg[p].y + 0.0008) for p in (1, 2, 3)}
    features = [
        _feature(sq[1], pond_id=1, source=SURVEY, date="2026-10-15", provisional=False, notes="",
                 provenance="surveyed", prov_by="王工"),
        _feature(sq[2], pond_id=2, source="map:gaode", date="2026-11-30", provisional=False, notes="admin",
                 provenance="drawn", prov_by="admin"),
        _feature(sq[3], pond_id=3, source="旧图", date="", provisional=True, notes="", provenance=None, prov_by=None),
    ]  # fmt: skip
    (data / "boundaries" / "ponds.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8"
    )


def outline_tooltips(m):
    def walk(el):
        if isinstance(el, folium.GeoJson) and el.layer_name == "outlines":
            yield el
        for child in getattr(el, "_children", {}).values():
            yield from walk(child)

    (layer,) = list(walk(m))
    return {int(f["properties"]["label"]): f["properties"] for f in layer.data["features"]}


def test_the_map_tooltip_names_each_outline_s_own_provenance(data_copy):
    mixed_layer(data_copy)
    ds = load_dataset(data_copy)
    assert ds.outlines.gdf.set_index("pond_id").provenance.to_dict() == {1: "surveyed", 2: "drawn", 3: None}
    tips = outline_tooltips(build_map(ds))
    assert tips[1]["prov"] == "实测（2026-10-15，填报：王工）" and tips[1]["src"] == SURVEY
    assert tips[2]["prov"] == "地图绘制（2026-11-30，填报：admin）"
    assert tips[2]["src"] == "在地图上绘制，底图：高德地图（GCJ-02）"  # the basemap named, not the stored map:gaode
    assert tips[3]["prov"] == "暂定" and tips[3]["src"] == "旧图"
    en = outline_tooltips(build_map(ds, lang="en"))
    assert en[1]["prov"].startswith("surveyed") and en[2]["prov"].startswith("drawn on the map")
    assert en[2]["src"] == "drawn on the map over the basemap Gaode (GCJ-02)" and en[1]["src"] == SURVEY


def test_classify_and_check_name_each_outline_s_own_provenance(data_copy):
    mixed_layer(data_copy)
    out = run("--data", str(data_copy), "classify", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = {r["pond_id"]: r for r in json.loads(out.stdout)}
    got = {p: (rows[p]["outline_provenance"], rows[p]["outline_source"], rows[p]["outline_by"]) for p in (1, 2, 3, 4)}
    assert got == {
        1: ("surveyed", SURVEY, "王工"),
        2: ("drawn", "map:gaode", "admin"),
        3: ("provisional", "旧图", ""),
        4: ("", "", ""),
    }
    assert rows[1]["outline_date"] == "2026-10-15" and rows[1]["basis"] == "outline"
    table = run("--data", str(data_copy), "classify").stdout
    assert "轮廓来源类型" in table and "实测" in table and "地图绘制" in table
    check = run("--data", str(data_copy), "check")
    assert check.returncode == 0, check.stderr
    line = next(x for x in check.stdout.splitlines() if "ponds.geojson" in x)
    assert "实测" in line and "地图绘制" in line and "暂定" in line
