"""A drawing from the map made into a new layer version (geo/drawing.py): checked like an upload."""

import json
from datetime import date

import numpy as np
import pytest
import shapely

from geo.boundaries import load_boundary_bytes
from geo.crs import wgs84_to_gcj02
from geo.dataset import load_dataset
from geo.drawing import (
    DRAW_PROVENANCES,
    EDIT_KINDS,
    DrawingError,
    drawn_layer,
    edit_layers,
    edit_options,
    map_source,
    pm_texts,
)
from geo.provenance import PROVENANCES

TODAY = date(2026, 11, 30)
RING = [[113.410, 29.640], [113.430, 29.640], [113.430, 29.660], [113.410, 29.660], [113.410, 29.640]]
SMALL = [[113.400, 29.650], [113.402, 29.650], [113.402, 29.652], [113.400, 29.652], [113.400, 29.650]]


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def polygon(ring, props=None):
    return {"type": "Feature", "properties": props or {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def point(lon, lat, props=None):
    return {"type": "Feature", "properties": props or {}, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def drawing(kind, features, **extra):
    return {"kind": kind, "features": features, "provenance": "drawn", **extra}


def loaded(d):
    """The drawing's file read back as an upload would be."""
    return load_boundary_bytes(d.content, d.filename, d.kind)


def test_a_lake_drawing_is_a_whole_layer_with_its_provenance(ds):
    d = drawn_layer(
        drawing("lake", [polygon(RING)], note=" new  shore ", source="影像 2026"), ds, "none", False, TODAY, "ann"
    )
    b = loaded(d)
    assert (d.kind, d.provenance, d.prov_source, d.note) == ("lake", "drawn", "map:none; 影像 2026", "new shore")
    assert d.filename == "drawing-lake-20261130.geojson"
    row = b.gdf.iloc[0]
    assert (row["name"], row["source"], row["date"], row["notes"]) == (
        "冶湖",
        "map:none; 影像 2026",
        "2026-11-30",
        "new shore; ann",
    )
    assert not b.provisional and b.gdf.crs.to_epsg() == 4490 and b.warnings == []
    assert shapely.hausdorff_distance(row.geometry, shapely.Polygon(RING)) < 1e-7


def test_provisional_sketch_stays_provisional(ds):
    d = drawn_layer(drawing("lake", [polygon(RING)], provenance="provisional"), ds, "osm", False, TODAY)
    assert loaded(d).provisional


def test_gaode_drawings_are_converted_back_to_cgcs2000(ds):
    lon, lat = wgs84_to_gcj02(np.array([c[0] for c in RING]), np.array([c[1] for c in RING]))
    shifted = [[float(x), float(y)] for x, y in zip(lon, lat, strict=True)]
    d = drawn_layer(drawing("lake", [polygon(shifted)]), ds, "gaode", True, TODAY)
    assert shapely.hausdorff_distance(loaded(d).gdf.geometry.iloc[0], shapely.Polygon(RING)) < 2e-7  # about 2 cm
    assert abs(shifted[0][0] - RING[0][0]) > 0.004  # the shift was there (≈ 500 m)


def test_sections_keep_their_ids_and_names_and_new_points_get_new_ids(ds):
    s1 = ds.sections.gdf.iloc[0]
    feats = [
        point(113.42, 29.65, {"section_id": "S1", "name": "<b>renamed</b>"}),  # moved; the name is not taken
        point(113.421, 29.651),
        point(113.422, 29.652, {"section_id": "S1"}),  # a copy of S1 is a new point
    ]
    b = loaded(drawn_layer(drawing("sections", feats), ds, "none", False, TODAY))
    assert b.gdf.section_id.tolist() == ["S1", "S2", "S3"]
    assert b.gdf.name.tolist() == [s1["name"], "S2", "S3"]
    assert b.gdf.geometry.iloc[0].coords[0] == pytest.approx((113.42, 29.65))


def test_a_pond_outline_replaces_that_ponds_and_keeps_the_others(ds):
    first = drawn_layer(drawing("ponds", [polygon(SMALL)], pond=3), ds, "none", False, TODAY)
    with_three = load_dataset(outlines=loaded(first))
    d = drawn_layer(drawing("ponds", [polygon(RING), polygon(SMALL)], pond=1.0), with_three, "none", False, TODAY)
    b = loaded(d)
    assert d.pond == 1 and d.filename == "drawing-ponds-1-20261130.geojson"
    assert b.gdf.pond_id.tolist() == [1, 3]
    assert b.gdf.geometry.iloc[0].geom_type == "MultiPolygon"  # two parts drawn: one outline
    again = drawn_layer(drawing("ponds", [polygon(SMALL)], pond=3), load_dataset(outlines=b), "none", False, TODAY)
    assert loaded(again).gdf.pond_id.tolist() == [1, 3]


def test_the_classification_uses_a_drawn_outline(ds):
    lake = ds.lake.gdf.geometry.iloc[0]
    pond = int(ds.register.pond_id.iloc[0])
    centre = lake.centroid
    ring = [[centre.x + dx, centre.y + dy] for dx, dy in ((0, 0), (0.002, 0), (0.002, 0.002), (0, 0.002), (0, 0))]
    d = drawn_layer(drawing("ponds", [polygon(ring)], pond=pond), ds, "none", False, TODAY)
    cls = load_dataset(outlines=loaded(d)).classification.set_index("pond_id")
    before = ds.classification.set_index("pond_id").loc[pond]
    assert (before["basis"], before["zone_class"]) == ("position", "ban")
    assert (cls.loc[pond, "basis"], cls.loc[pond, "zone_class"]) == ("outline", "nofish")
    assert cls.loc[pond, "edge_distance_m"] == 0.0 and cls.loc[pond, "outline_area_m2"] > 40_000


@pytest.mark.parametrize(
    "payload, code",
    [
        ("lake", "draw.invalid"),
        ({"kind": "rivers", "features": [], "provenance": "drawn"}, "draw.invalid"),
        (drawing("lake", [polygon(RING)], provenance="guessed"), "draw.invalid"),
        (drawing("lake", []), "draw.empty"),
        (drawing("lake", "x"), "draw.invalid"),
        (drawing("lake", [point(113.4, 29.6)]), "draw.wrong_type"),
        (drawing("sections", [polygon(RING)]), "draw.wrong_type"),
        (drawing("lake", [{"geometry": {"type": "Polygon", "coordinates": [[[1, 2]]]}}]), "draw.invalid"),
        (drawing("lake", [{"geometry": {"type": "Polygon", "coordinates": "nan"}}]), "draw.invalid"),
        (drawing("lake", [polygon(RING)] * 201), "draw.too_many"),
        (drawing("ponds", [polygon(RING)], pond=999), "draw.unknown_pond"),
        (drawing("ponds", [polygon(RING)], pond=True), "draw.unknown_pond"),
        (drawing("ponds", [polygon(RING)], pond=1.5), "draw.unknown_pond"),
        (drawing("ponds", [polygon(RING)], pond="1"), "draw.unknown_pond"),
        (drawing("ponds", [polygon(RING)]), "draw.unknown_pond"),
        (drawing("lake", [polygon(RING)], note=["x"]), "draw.invalid"),
    ],
)
def test_bad_drawings_are_refused_in_both_languages(ds, payload, code):
    with pytest.raises(DrawingError) as err:
        drawn_layer(payload, ds, "none", False, TODAY)
    assert err.value.code == code
    assert err.value.message("zh") != err.value.message("en") and "没有保存" in err.value.message("zh")


def test_nan_coordinates_are_refused(ds):
    bad = polygon([[113.41, 29.64], [float("nan"), 29.64], [113.43, 29.66], [113.41, 29.64]])
    with pytest.raises(DrawingError):
        drawn_layer(drawing("lake", [bad]), ds, "none", False, TODAY)


def test_a_drawing_outside_the_county_is_refused_by_the_upload_checks(ds):
    from geo.boundaries import BoundaryError

    far = [[c[0] + 10, c[1]] for c in RING]
    d = drawn_layer(drawing("lake", [polygon(far)]), ds, "none", False, TODAY)
    with pytest.raises(BoundaryError) as err:
        loaded(d)
    assert err.value.code == "boundary.outside_area"


def test_edit_layers_and_options(ds):
    layers = edit_layers(ds, gcj=False)
    assert set(layers) == set(EDIT_KINDS)
    assert layers["sections"]["features"][0]["properties"] == {"section_id": "S1", "name": ds.sections.gdf.name.iloc[0]}
    shifted = edit_layers(ds, gcj=True)["sections"]["features"][0]["geometry"]["coordinates"]
    assert shifted != layers["sections"]["features"][0]["geometry"]["coordinates"]
    zh, en = edit_options(ds, "zh", "gaode"), edit_options(ds, "en", "gaode")
    assert zh["labels"]["drawn"] == "在底图上绘制（高德地图（GCJ-02））" or "高德" in zh["labels"]["drawn"]
    assert en["labels"]["save"] == "Save as a new version" and zh["labels"]["save"] == "保存为新版本"
    assert len(zh["ponds"]) == len(ds.register)
    # Geoman's texts: the same keys in both languages, none left in English in Chinese.
    pz, pe = pm_texts("zh"), pm_texts("en")
    assert {g: set(v) for g, v in pz.items()} == {g: set(v) for g, v in pe.items()}
    assert {"tooltips", "actions", "buttonTitles"} <= set(pz)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in v) for g in pz.values() for v in g.values())


def test_drawn_is_a_provenance_uploads_know():
    assert set(DRAW_PROVENANCES) <= set(PROVENANCES)
    assert map_source("map:tianditu_img") == ("tianditu_img", "")
    assert map_source("") is None


def test_the_file_is_plain_geojson_naming_cgcs2000(ds):
    d = drawn_layer(drawing("lake", [polygon(RING)]), ds, "none", False, TODAY)
    doc = json.loads(d.content)
    assert doc["crs"]["properties"]["name"].endswith("4490") and doc["type"] == "FeatureCollection"
