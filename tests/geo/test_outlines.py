"""Pond outlines: exact edge distances, classification by outline, area check, the layer file, the CLI."""

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely import Point, box

from geo.boundaries import BoundaryError, load_boundary
from geo.classify import classify_ponds
from geo.config import ZoneConfig
from geo.outlines import outline_edges, polygon_point_distance, polygon_shore_distance
from tests.geo.test_cli import run

X0, Y0 = 500_000.0, 3_280_000.0


def _lake(rng, holes=False):
    theta = np.linspace(0, 2 * np.pi, 300, endpoint=False)
    r = 2000 + 300 * np.sin(7 * theta) + rng.normal(0, 40, len(theta))
    shell = np.column_stack([X0 + r * np.cos(theta), Y0 + r * np.sin(theta)])
    inner = [shapely.Point(X0, Y0).buffer(400).exterior.coords] if holes else []
    lake = shapely.Polygon(shell, inner)
    assert lake.is_valid
    return lake


def _ponds(rng, n):
    cx, cy = rng.uniform(X0 - 5000, X0 + 5000, n), rng.uniform(Y0 - 5000, Y0 + 5000, n)
    k = 7
    ang = np.sort(rng.uniform(0, 2 * np.pi, (n, k)), axis=1)
    rad = rng.uniform(40, 250, (n, k))
    ring = np.stack([cx[:, None] + rad * np.cos(ang), cy[:, None] + rad * np.sin(ang)], axis=-1)
    polys = shapely.polygons(np.concatenate([ring, ring[:, :1]], axis=1))
    return polys[shapely.is_valid(polys)]


@pytest.mark.parametrize("holes", [False, True])
def test_edge_distance_equals_geos(holes):
    rng = np.random.default_rng(3)
    lake = _lake(rng, holes)
    polys = _ponds(rng, 4000)
    # Add a multipolygon, a pond with a hole, one inside the lake's hole, one overlapping the shore.
    extra = [
        shapely.MultiPolygon([box(X0 + 2600, Y0, X0 + 2700, Y0 + 80), box(X0 + 3500, Y0, X0 + 3600, Y0 + 80)]),
        box(X0 - 3200, Y0, X0 - 2900, Y0 + 300).difference(box(X0 - 3100, Y0 + 100, X0 - 3000, Y0 + 200)),
        box(X0 - 50, Y0 - 50, X0 + 50, Y0 + 50),
        box(X0 + 1900, Y0 - 100, X0 + 2600, Y0 + 100),
    ]
    polys = np.concatenate([polys, np.array(extra, dtype=object)])
    got = polygon_shore_distance(polys, lake)
    want = shapely.distance(polys, lake)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    assert (want == 0).sum() > 10 and (want > 3000).sum() > 100  # the sample covers both cases
    idx, d = polygon_point_distance(polys, np.array([X0, X0 + 3000]), np.array([Y0, Y0 - 3000]))
    targets = shapely.points([X0, X0 + 3000], [Y0, Y0 - 3000])
    both = shapely.distance(polys[:, None], targets[None, :])
    np.testing.assert_allclose(d, both.min(axis=1), rtol=0, atol=1e-6)
    assert (idx == both.argmin(axis=1)).all()


@pytest.mark.parametrize("targets", [10, 200])
def test_nearest_target_equals_geos_with_few_or_many_targets(targets):
    """Few targets: one pass per target; many (a county's sections): a GEOS tree. Both exact, ties to the lowest."""
    from geo import outlines

    rng = np.random.default_rng(5)
    polys = _ponds(rng, 2000)
    tx, ty = rng.uniform(X0 - 6000, X0 + 6000, targets), rng.uniform(Y0 - 6000, Y0 + 6000, targets)
    # A duplicate target: equally near, so the lower index must win; one inside a pond: distance 0.
    tx[-1], ty[-1] = tx[3], ty[3]
    inside = shapely.point_on_surface(polys[0])
    tx[5], ty[5] = inside.x, inside.y
    assert (targets > outlines.TREE_TARGETS) == (targets == 200)
    idx, d = polygon_point_distance(polys, tx, ty)
    both = shapely.distance(polys[:, None], shapely.points(tx, ty)[None, :])
    np.testing.assert_allclose(d, both.min(axis=1), rtol=0, atol=1e-6)
    assert (idx == both.argmin(axis=1)).all() and d[0] == 0
    assert 3 in idx and (targets - 1) not in idx  # the duplicate is nearest to some pond, under its lower index


def test_outline_edges_of_a_polygon_with_a_hole():
    p = box(0, 0, 10, 10).difference(box(4, 4, 6, 6))
    start, end, owner = outline_edges(np.array([box(20, 20, 21, 21), p]))
    assert len(start) == 4 + 8 and owner.tolist() == [0] * 4 + [1] * 8
    assert np.hypot(*(end - start).T).sum() == pytest.approx(4 + 40 + 8)


def _metric(geoms, **cols):
    return gpd.GeoDataFrame(cols, geometry=list(geoms), crs="EPSG:4547")


def test_centroid_beyond_1km_but_edge_within():
    lake = _metric([box(X0, Y0, X0 + 2000, Y0 + 2000)], provisional=[False])
    sec = _metric([Point(X0 + 1000, Y0 + 1000)], section_id=["S1"], provisional=[False])
    # The pond's point, at the outline's centroid, is 1150 m east of the shore; its west edge is 900 m.
    outline = box(X0 + 2900, Y0 + 900, X0 + 3400, Y0 + 1000)
    ponds = _metric(
        [outline.centroid, Point(X0 + 6000, Y0)],
        pond_id=[1, 2],
        area_mu=[75.0, 30.0],
        town=["江南镇", "聂市镇"],
        coord_status=["verified"] * 2,
    )
    by_point = classify_ponds(ponds, lake, sec)
    assert by_point.shore_distance_m[0] == pytest.approx(1150) and not by_point.in_ban_zone[0]
    assert list(by_point.basis) == ["position", "position"]
    c = classify_ponds(ponds, lake, sec, outlines=_metric([outline], pond_id=[1]))
    assert c.shore_distance_m[0] == pytest.approx(900) == c.edge_distance_m[0]
    assert c.in_ban_zone[0] and c.zone_class[0] == "ban" and c.basis[0] == "outline"
    assert c.outline_area_m2[0] == pytest.approx(50_000) and c.area_check[0] == "ok"  # 75 亩 = 50,000 m²
    assert c.basis[1] == "position" and np.isnan(c.edge_distance_m[1]) and c.area_check[1] == ""
    assert c.shore_distance_m[1] == by_point.shore_distance_m[1]
    # No-fishing: the circle (r = 564.19 m) reaches the outline, though not its centroid.
    near = box(X0 + 1000, Y0 + 1500, X0 + 1100, Y0 + 2800)  # 500 m from the section point
    ponds2 = ponds.assign(geometry=[near.centroid, Point(X0 + 6000, Y0)])
    c2 = classify_ponds(ponds2, lake, sec, outlines=_metric([near], pond_id=[1]))
    assert c2.section_distance_m[0] == pytest.approx(500) and c2.in_nofish_zone[0]
    assert not classify_ponds(ponds2, lake, sec).in_nofish_zone[0]
    square = ZoneConfig(nofish_shape="square")
    assert classify_ponds(ponds2, lake, sec, square, outlines=_metric([near], pond_id=[1])).in_nofish_zone[0]
    # Registered 120 亩 (80,000 m²) against a measured 50,000 m²: more than 20 % smaller.
    c3 = classify_ponds(ponds.assign(area_mu=[120.0, 30.0]), lake, sec, outlines=_metric([outline], pond_id=[1]))
    assert c3.area_check[0] == "smaller"


def _write(path, features, crs=None):
    fc = {"type": "FeatureCollection", "features": features}
    if crs:
        fc["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")


def _feature(geom, **props):
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}


def test_pond_layer_is_checked(tmp_path):
    sq = box(113.41, 29.66, 113.412, 29.662)
    f = tmp_path / "ponds.geojson"
    _write(f, [_feature(sq, name="x")])
    with pytest.raises(BoundaryError, match="pond_id"):
        load_boundary(f, "ponds")
    _write(f, [_feature(sq, pond_id=1), _feature(sq, pond_id=1)])
    with pytest.raises(BoundaryError, match="pond 1 has more than one outline"):
        load_boundary(f, "ponds")
    _write(f, [_feature(sq, pond_id="一")])
    with pytest.raises(BoundaryError, match="feature 1: pond_id '一'"):
        load_boundary(f, "ponds")
    _write(f, [_feature(Point(113.41, 29.66), pond_id=1)])
    with pytest.raises(BoundaryError, match="Point"):
        load_boundary(f, "ponds")
    _write(f, [_feature(sq, pond_id=1, source="GPS survey", date="2026-11-01", provisional=False)])
    b = load_boundary(f, "ponds")
    assert b.gdf.pond_id.tolist() == [1] and not b.provisional and b.gdf.crs.to_epsg() == 4490


def test_cli_reports_edge_distance_and_area_check(data_copy):
    from geo.boundaries import load_boundary as lb
    from geo.crs import to_metric

    lake = to_metric(lb(data_copy / "boundaries" / "lake.geojson", "lake").gdf).geometry.union_all()
    pond = to_metric(gpd.GeoSeries([Point(113.4136, 29.6635)], crs="EPSG:4490")).iloc[0]
    # A 500 m x 100 m outline along the ray from the lake's centre through pond 1, from 900 to 1400 m off shore.
    c = lake.centroid
    ux, uy = np.array([pond.x - c.x, pond.y - c.y]) / c.distance(pond)
    shore = shapely.shortest_line(lake.exterior, shapely.LineString([(c.x, c.y), (c.x + 5000 * ux, c.y + 5000 * uy)]))
    sx, sy = shapely.get_coordinates(shore)[0]
    near, far = np.array([sx + 900 * ux, sy + 900 * uy]), np.array([sx + 1400 * ux, sy + 1400 * uy])
    n = np.array([-uy, ux]) * 50
    outline = shapely.Polygon([near - n, far - n, far + n, near + n])
    assert lake.distance(outline.centroid) > 1000 and lake.distance(outline) == pytest.approx(900, abs=1)
    geo = gpd.GeoSeries([outline], crs="EPSG:4547").to_crs("EPSG:4490").iloc[0]
    _write(
        data_copy / "boundaries" / "ponds.geojson",
        [_feature(geo, pond_id=1, source="digitised", date="2026-11-30", provisional=True), _feature(geo, pond_id=99)],
    )
    out = run("--data", str(data_copy), "classify", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = {r["pond_id"]: r for r in json.loads(out.stdout)}
    one = rows[1]
    assert one["basis"] == "outline" and one["in_ban_zone"] and one["zone_class"] == "ban"
    assert one["edge_distance_m"] == pytest.approx(lake.distance(outline), abs=0.1)
    assert one["outline_area_m2"] == pytest.approx(50_000, rel=1e-3)
    assert one["area_check"] == "larger"  # 75 亩 measured against 50 亩 registered
    assert rows[2]["basis"] == "position" and rows[2]["edge_distance_m"] is None and rows[2]["area_check"] == ""
    check = run("--data", str(data_copy), "check")
    assert check.returncode == 0, check.stderr
    assert "有轮廓的鱼池：1 / 17" in check.stdout and "不在名录中，已忽略：99" in check.stdout
    assert "名录 50 亩，大 50%" in check.stdout
    table = run("--data", str(data_copy), "classify").stdout
    assert "按轮廓" in table and "仅为位置" in table and "NaN" not in table


def test_inside_around_and_crossing_a_lake_of_two_parts():
    """Ponds in the water, around a part of the lake, across its shore, in a hole: 0 only where they meet it."""
    rng = np.random.default_rng(11)
    main = _lake(rng, holes=True)
    islet = Point(X0 + 6000, Y0 + 6000).buffer(150)  # a second, small part of the lake
    lake = shapely.MultiPolygon([main, islet])
    polys = np.array(
        [
            box(X0 + 1000, Y0 - 100, X0 + 1100, Y0),  # in the water, far from the shore
            # Around a whole part: round ponds, whose short edges are all far from the part.
            Point(X0 + 6000, Y0 + 6000).buffer(500),
            Point(X0 + 6000, Y0 + 6000).buffer(500).difference(islet.buffer(20)),  # around it, with a hole
            Point(X0, Y0).buffer(3500),  # around the main part (and its hole)
            box(X0 - 80, Y0 - 80, X0 + 80, Y0 + 80),  # in the main part's hole
            box(X0 + 6100, Y0 + 5990, X0 + 6300, Y0 + 6010),  # across the small part's shore
            box(X0 + 7000, Y0 + 7000, X0 + 7100, Y0 + 7100),  # outside both
        ],
        dtype=object,
    )
    got = polygon_shore_distance(polys, lake)
    want = shapely.distance(polys, lake)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    assert (want == 0).tolist() == [True, True, False, True, False, True, False]
