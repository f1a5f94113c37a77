"""Ponds outside their stated county or town, against a synthetic admin layer."""

import json
import re

import pandas as pd
import pytest
import shapely
from shapely import box

from geo.admin import admin_mismatches
from geo.boundaries import BoundaryError, load_boundary
from geo.register import load_register
from tests.geo.test_cli import run

COUNTY = box(113.30, 29.45, 113.50, 29.75)
TOWNS = {"江南镇": box(113.30, 29.45, 113.43, 29.75), "聂市镇": box(113.43, 29.45, 113.50, 29.75)}


def _feature(geom, **props):
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}


def _write_admin(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), "utf-8")


def _expected(reg):
    """Plain coordinate comparisons against the boxes: which ponds are outside what."""
    out = set()
    for r in reg.itertuples():
        x, y = r.geometry.x, r.geometry.y
        if not (113.30 <= x <= 113.50 and 29.45 <= y <= 29.75):
            out.add((r.pond_id, "county"))
        b = TOWNS[r.town].bounds
        if not (b[0] <= x <= b[2] and b[1] <= y <= b[3]):
            out.add((r.pond_id, "town"))
    return out


def test_check_names_ponds_outside_their_area(data_copy):
    _write_admin(
        data_copy / "boundaries" / "admin.geojson",
        [_feature(COUNTY, name="临湘市", level="county")]
        + [_feature(g, name=n, level="镇", source="synthetic") for n, g in TOWNS.items()],
    )
    reg = load_register(data_copy / "ponds.csv")
    expected = _expected(reg)
    assert {p for p, _ in expected} >= {2, 3, 4, 6, 7}  # the layer is drawn so that both cases occur
    out = run("--data", str(data_copy), "check")
    assert out.returncode == 0, out.stderr
    part = out.stdout.split("不在所填县（市）或乡镇内的鱼池")[1]
    listed = {int(p) for p in re.findall(r"^  (\d+)号", part, re.M)}
    assert listed == {p for p, _ in expected}
    # Pond 6 is stated in 江南镇 and lies in 聂市镇; pond 3 lies outside every area of the layer.
    block6 = part.split("  6号")[1].split("号 ")[0]
    assert "不在所填乡镇“江南镇”内，落在：聂市镇" in block6
    block3 = part.split("  3号")[1].split("  4号")[0]
    assert "不在所填县（市、区）“临湘市”内，落在：图层中任何区域之外" in block3
    en = run("--lang", "en", "--data", str(data_copy), "check").stdout
    assert 'the point is not in the stated town "江南镇"; it lies in: 聂市镇' in en


def test_outline_across_a_border():
    import geopandas as gpd

    admin = gpd.GeoDataFrame(
        {"name": list(TOWNS), "level": ["town", "town"]}, geometry=list(TOWNS.values()), crs="EPSG:4490"
    )
    reg = gpd.GeoDataFrame(
        {"pond_id": [1, 2], "town": ["江南镇", "江南镇"]},
        geometry=shapely.points([113.42, 113.40], [29.6, 29.6]),
        crs="EPSG:4490",
    )
    outlines = gpd.GeoDataFrame({"pond_id": [1]}, geometry=[box(113.425, 29.59, 113.435, 29.61)], crs="EPSG:4490")
    got = admin_mismatches(reg, admin, outlines)
    assert got.values.tolist() == [[1, "town", "江南镇", "outline", "江南镇、聂市镇"]]
    assert admin_mismatches(reg, admin).empty
    assert isinstance(got, pd.DataFrame)


def test_admin_layer_needs_name_and_level(tmp_path):
    f = tmp_path / "admin.geojson"
    _write_admin(f, [_feature(COUNTY, name="临湘市")])
    with pytest.raises(BoundaryError, match="level"):
        load_boundary(f, "admin")
    _write_admin(f, [_feature(COUNTY, name="临湘市", level="省")])
    with pytest.raises(BoundaryError, match="feature 1: level '省'"):
        load_boundary(f, "admin")
    _write_admin(f, [_feature(COUNTY, level="county")])
    with pytest.raises(BoundaryError, match="name"):
        load_boundary(f, "admin")


def test_map_flags_admin_areas_and_says_position_only(data_copy):
    from geo.dataset import load_dataset
    from geo.mapping import build_map, pond_table, zone_text

    _write_admin(
        data_copy / "boundaries" / "admin.geojson",
        [_feature(g, name=n, level="town") for n, g in TOWNS.items()],
    )
    sq = box(113.4130, 29.6630, 113.4142, 29.6640)
    (data_copy / "boundaries" / "ponds.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [_feature(sq, pond_id=1, source="digitised")]}), "utf-8"
    )
    ds = load_dataset(data_copy)
    table = pond_table(ds).set_index("pond_id")
    assert "点不在所填乡镇“江南镇”内，落在：聂市镇" in table.loc[6, "qa_text"]
    assert "江南镇" not in table.loc[8, "qa_text"]  # pond 8 lies in its town
    assert zone_text(table.loc[1, "zone_class"], table.loc[1, "basis"], "zh") == "1公里禁投区内"
    assert zone_text(table.loc[8, "zone_class"], table.loc[8, "basis"], "zh").endswith("（仅为位置）")
    assert zone_text("ban", "position", "en") == "in the 1 km ban zone (position only)"
    html = build_map(ds).get_root().render()
    assert json.dumps("鱼池轮廓") in html and json.dumps("（仅为位置）")[1:-1] in html
