"""Geometry exports read back with real readers: GDAL (pyogrio, and Debian's ogrinfo and GeoPackage validator)."""

import io
import json
import re
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from shapely.geometry import LinearRing

from geo.dataset import load_dataset
from monitoring.export import LAYERS, geo_export, geo_layers
from tests.conftest import require

STATUSES = {1: "retired", 2: "in_progress", 5: "not_started"}
DEBIAN_PYTHON = "/usr/bin/python3"
VALIDATOR = "osgeo_utils.samples.validate_gpkg"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


@pytest.fixture(scope="module")
def layers(ds):
    return geo_layers(ds, STATUSES)


def _same_shapes(got: gpd.GeoDataFrame, want: gpd.GeoDataFrame):
    assert len(got) == len(want)
    for g, w in zip(got.to_crs(4490).geometry, want.to_crs(4490).geometry, strict=True):
        assert g.geom_type == w.geom_type and g.hausdorff_distance(w) < 2e-7  # within 7-decimal rounding


def test_gpkg_is_geopackage_1_2_with_dates_and_chinese_labels(tmp_path, ds, layers):
    path = tmp_path / "yehu.gpkg"
    path.write_bytes(geo_export(ds, "gpkg", STATUSES))
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # 'GPKG'
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 10200  # GeoPackage 1.2
    assert [name for name, _ in pyogrio.list_layers(path)] == list(LAYERS)
    for name in LAYERS:
        _same_shapes(gpd.read_file(path, layer=name), layers[name])
    info = pyogrio.read_info(path, layer="ponds")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["verified_on"].startswith("datetime64")  # a DATE column, not text
    assert pyogrio.read_info(path, layer="lake")["dtypes"][
        list(pyogrio.read_info(path, layer="lake")["fields"]).index("date")
    ].startswith("datetime64")
    ponds = gpd.read_file(path, layer="ponds").set_index("pond_id")
    assert ponds.loc[1, "status"] == "retired" and ponds.loc[1, "退养状态"] == "已退养销号"
    assert ponds.loc[1, "zone_class"] == "ban" and ponds.loc[1, "分区"] == "1公里禁投区内"
    assert ponds.loc[5, "名称"] == "5号 白玉林水产养殖场"
    assert bool(ponds.loc[2, "suspect"]) and ponds.loc[2, "坐标存疑"] == "是" and ponds.loc[1, "坐标存疑"] == "否"


def test_gpkg_passes_gdals_geopackage_validator(tmp_path, ds):
    has = (
        Path(DEBIAN_PYTHON).exists()
        and subprocess.run([DEBIAN_PYTHON, "-c", f"import {VALIDATOR}"], capture_output=True).returncode == 0
    )
    require(has, "GDAL's GeoPackage validator is missing (Debian python3-gdal ships it)")
    path = tmp_path / "yehu.gpkg"
    path.write_bytes(geo_export(ds, "gpkg", STATUSES))
    out = subprocess.run([DEBIAN_PYTHON, "-m", VALIDATOR, str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "" and out.stderr.strip() == "", out.stdout + out.stderr


def _rings(geometry: dict):
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry.get("coordinates", [])
    if geometry["type"] == "Polygon" or geometry["type"] == "MultiPolygon":
        for poly in polys:
            yield poly[0], poly[1:]


def test_geojson_zip_one_rfc7946_file_per_layer(ds, layers):
    zf = zipfile.ZipFile(io.BytesIO(geo_export(ds, "geojson", STATUSES)))
    assert zf.namelist() == [f"yehu-{name}.geojson" for name in LAYERS]
    polygons = 0
    for name in LAYERS:
        raw = zf.read(f"yehu-{name}.geojson")
        fc = json.loads(raw)
        assert fc["name"] == name and "crs" not in fc  # RFC 7946: WGS84, no crs member
        numbers = re.findall(r"-?\d+\.\d+", json.dumps([f["geometry"] for f in fc["features"]]))
        assert numbers and max(len(n.split(".")[1]) for n in numbers) <= 7
        for f in fc["features"]:
            for outer, holes in _rings(f["geometry"]):
                polygons += 1
                assert LinearRing(outer).is_ccw  # counter-clockwise outer rings
                assert all(not LinearRing(h).is_ccw for h in holes)
        got = pyogrio.read_dataframe(io.BytesIO(raw))
        _same_shapes(got, layers[name])
    assert polygons >= 3
    ponds = json.loads(zf.read("yehu-ponds.geojson"))["features"]
    one = next(f["properties"] for f in ponds if f["properties"]["pond_id"] == 1)
    assert one["退养状态"] == "已退养销号" and one["分区"] == "1公里禁投区内" and one["坐标存疑"] == "否"


def test_geojson_single_layer_and_refusals(ds):
    fc = json.loads(geo_export(ds, "geojson", layer="sections"))
    assert fc["name"] == "sections" and len(fc["features"]) == 1
    with pytest.raises(ValueError, match="format"):
        geo_export(ds, "shp")
    with pytest.raises(ValueError, match="layer"):
        geo_export(ds, "geojson", layer="roads")


def test_kml_placemarks_named_described_styled_and_flagged(tmp_path, ds, layers):
    path = tmp_path / "yehu.kml"
    path.write_bytes(geo_export(ds, "kml", STATUSES))
    names = [name for name, _ in pyogrio.list_layers(path)]
    assert names == ["精养鱼池", "冶湖轮廓", "冶湖周边1公里禁投区", "断面周边1平方公里禁捕区", "省控断面监测点"]
    ponds = pyogrio.read_dataframe(path, layer="精养鱼池")
    assert len(ponds) == 17
    five = ponds[ponds.Name == "5号 白玉林水产养殖场"].iloc[0]
    assert "镇：江南镇" in five.description and "坐标存疑：否" in five.description
    suspect = {int(p): s for p, s in zip(ponds.pond_id, ponds.suspect, strict=True)}
    assert suspect == {p: ("是" if p in ds.suspect_ids else "否") for p in range(1, 18)}  # flags survive as 是/否
    _same_shapes(ponds.set_crs(4326, allow_override=True), layers["ponds"])
    ban = pyogrio.read_dataframe(path, layer="冶湖周边1公里禁投区").geometry.iloc[0]
    lake = layers["lake"].to_crs(4326).geometry.iloc[0]
    assert len(ban.interiors) == 1 and not ban.contains(lake.representative_point())  # a ring: the lake shows through
    assert shapely.geometry.polygon.orient(ban, 1.0).equals_exact(ban, 1e-9) or LinearRing(ban.exterior).is_ccw
    # Styles: every placemark points at a defined style; ponds by status; the ban zone unfilled.
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = ET.parse(path).getroot()
    styles = {s.get("id"): s for s in root.iter("{http://www.opengis.net/kml/2.2}Style")}
    urls = [u.text for u in root.iter("{http://www.opengis.net/kml/2.2}styleUrl")]
    assert len(urls) == 17 + 1 + 1 + 1 + 1 and all(u[1:] in styles for u in urls)
    assert styles["ban_zone"].find("k:PolyStyle/k:fill", ns).text == "0"
    if shutil.which("ogrinfo"):  # Debian's GDAL reads the style of each feature
        out = subprocess.run(["ogrinfo", "-ro", "-al", str(path)], capture_output=True, text=True, timeout=120).stdout
        feats = out.split("OGRFeature(精养鱼池):")[1:]
        by_name = {
            re.search(r"Name \(String\) = (.*)", f).group(1): re.search(r"Style = (\S+)", f).group(1) for f in feats
        }
        assert (
            by_name["1号 黄炳成水产养殖场"] == "@pond_retired"
            and by_name["2号 刘修其水产养殖场"] == "@pond_in_progress"
        )
        p = layers["ponds"]
        for r in p[~p.pond_id.isin(STATUSES)].itertuples():
            assert by_name[r.名称] == f"@pond_{r.zone_class}"  # no status yet: styled by zone
        assert {"@pond_ban", "@pond_outside"} <= set(by_name.values())


def test_kml_escapes_text_from_files(ds):
    hostile = ds.register.copy()
    hostile.loc[hostile.pond_id == 3, "farm_name"] = '<script>alert(1)</script>&"'
    from dataclasses import replace

    bad = replace(ds, register=hostile)
    data = geo_export(bad, "kml")
    root = ET.fromstring(data)  # still well-formed XML
    desc = [d.text for d in root.iter("{http://www.opengis.net/kml/2.2}name")]
    assert '3号 <script>alert(1)</script>&"' in desc  # the name is text
    assert b"<script>" not in data
    html = " ".join(d.text or "" for d in root.iter("{http://www.opengis.net/kml/2.2}description"))
    assert "<script>" not in html
