import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import Point, Polygon, box

from geo.classify import classify_ponds, nearest_point, shore_distance
from geo.config import ZoneConfig
from geo.crs import CRSError

# A 2 km square lake in EPSG:4547 with one section point at its centre.
X0, Y0 = 500_000, 3_280_000
LAKE = gpd.GeoDataFrame({"provisional": [False]}, geometry=[box(X0, Y0, X0 + 2000, Y0 + 2000)], crs=4547)
SECTIONS = gpd.GeoDataFrame(
    {"section_id": ["A", "B"], "provisional": [False, False]},
    geometry=[Point(X0 + 1000, Y0 + 1000), Point(X0 + 5000, Y0 + 1000)],
    crs=4547,
)


def ponds(*xy, status="verified"):
    n = len(xy)
    return gpd.GeoDataFrame(
        {"pond_id": list(range(1, n + 1)), "area_mu": [15.0] * n, "town": ["江南镇"] * n, "coord_status": [status] * n},
        geometry=[Point(X0 + x, Y0 + y) for x, y in xy],
        crs=4547,
    )


def test_known_answers():
    p = ponds((1000, 1000), (1400, 1000), (2500, 1000), (3000, 1000), (5000, 1300), (-2000, -2000))
    c = classify_ponds(p, LAKE, SECTIONS).set_index("pond_id")
    assert c.shore_distance_m.tolist() == pytest.approx([0, 0, 500, 1000, 3000, 2000 * 2**0.5], abs=0.01)
    assert c.in_lake.tolist() == [True, True, False, False, False, False]
    assert c.in_ban_zone.tolist() == [True, True, True, True, False, False]
    assert c.in_nofish_zone.tolist() == [True, True, False, False, True, False]
    assert c.nearest_section.tolist() == ["A", "A", "A", "A", "B", "A"]
    assert c.section_distance_m.tolist() == pytest.approx([0, 400, 1500, 2000, 300, (3000**2 + 3000**2) ** 0.5])
    assert c.zone_class.tolist() == ["nofish", "nofish", "ban", "ban", "nofish", "outside"]
    assert c.area_m2.iloc[0] == pytest.approx(10_000)  # 15 亩 = 1 ha
    assert not c.geometry_provisional.any() and not c.coord_suspect.any()


def test_circle_edge_and_square_zone():
    # 564 m from A: inside the 1 km² circle (r 564.19); 560 m diagonally: outside the circle's
    # reach along x but inside the square (half-side 500) only when both offsets <= 500.
    p = ponds((1564, 1000), (1565, 1000), (1490, 1490))
    c = classify_ponds(p, LAKE, SECTIONS).set_index("pond_id")
    assert c.in_nofish_zone.tolist() == [True, False, False]
    sq = classify_ponds(p, LAKE, SECTIONS, ZoneConfig(nofish_shape="square")).set_index("pond_id")
    assert sq.in_nofish_zone.tolist() == [False, False, True]


def test_provisional_and_suspect_propagate():
    p = ponds((2500, 1000), (3000, 1000), status="provisional")
    c = classify_ponds(p, LAKE, SECTIONS, suspect_ids=[2])
    assert c.geometry_provisional.all()
    assert c.coord_suspect.tolist() == [False, True]
    lake = LAKE.assign(provisional=[True])
    c = classify_ponds(ponds((2500, 1000)), lake, SECTIONS)
    assert c.geometry_provisional.all()


def test_degrees_input_is_measured_in_metres():
    lake = LAKE.to_crs(4490)
    sections = SECTIONS.to_crs(4490)
    p = ponds((2500, 1000)).to_crs(4490)
    c = classify_ponds(p, lake, sections)
    assert c.shore_distance_m.iloc[0] == pytest.approx(500, abs=0.5)


def test_multipolygon_lake_and_holes():
    from shapely import MultiPolygon, Polygon

    ring = Polygon(
        [(X0, Y0), (X0 + 2000, Y0), (X0 + 2000, Y0 + 2000), (X0, Y0 + 2000)],
        [[(X0 + 500, Y0 + 500), (X0 + 1500, Y0 + 500), (X0 + 1500, Y0 + 1500), (X0 + 500, Y0 + 1500)]],
    )
    other = box(X0 + 10_000, Y0, X0 + 11_000, Y0 + 1000)
    lake = gpd.GeoDataFrame({"provisional": [False]}, geometry=[MultiPolygon([ring, other])], crs=4547)
    # Centre of the island: 500 m from the inner shore. Near the second polygon: 100 m.
    d = shore_distance(np.array([X0 + 1000, X0 + 9900.0]), np.array([Y0 + 1000, Y0 + 500.0]), lake.geometry.iloc[0])
    assert d.tolist() == pytest.approx([500, 100])


def test_inputs_checked_first():
    with pytest.raises(TypeError, match="ponds must be a GeoDataFrame"):
        classify_ponds(ponds((0, 0)).drop(columns="geometry"), LAKE, SECTIONS)
    with pytest.raises(ValueError, match="'area_mu'"):
        classify_ponds(ponds((0, 0)).drop(columns="area_mu"), LAKE, SECTIONS)
    with pytest.raises(CRSError):
        classify_ponds(ponds((0, 0)).set_crs(None, allow_override=True), LAKE, SECTIONS)
    with pytest.raises(ValueError, match="points"):
        classify_ponds(ponds((0, 0)).set_geometry([box(X0, Y0, X0 + 1, Y0 + 1)], crs=4547), LAKE, SECTIONS)


@given(st.integers(0, 2**32 - 1), st.integers(1, 3000), st.sampled_from([1, 7, 256]))
@settings(max_examples=40, deadline=None)
def test_shore_distance_equals_geos(seed, n, per_cell):
    rng = np.random.default_rng(seed)
    theta = np.sort(rng.uniform(0, 2 * np.pi, rng.integers(3, 200)))
    r = rng.uniform(500, 3000, len(theta))
    lake = Polygon(np.column_stack([X0 + r * np.cos(theta), Y0 + r * np.sin(theta)])).buffer(0)
    x, y = rng.uniform(X0 - 9000, X0 + 9000, n), rng.uniform(Y0 - 9000, Y0 + 9000, n)
    got = shore_distance(x, y, lake, points_per_cell=per_cell)
    np.testing.assert_allclose(got, shapely.distance(lake, shapely.points(x, y)), atol=0.01)


def test_nearest_point_matches_brute_force():
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 100, (500, 2))
    pts = shapely.points(xy)
    targets = shapely.points(rng.uniform(0, 100, (7, 2)))
    idx, d = nearest_point(xy[:, 0], xy[:, 1], targets)
    full = shapely.distance(pts[:, None], targets[None, :])
    np.testing.assert_array_equal(idx, full.argmin(axis=1))
    np.testing.assert_allclose(d, full.min(axis=1))


@given(st.integers(0, 2**32 - 1), st.sampled_from([50.0, 5_000.0, 60_000.0]))
@settings(max_examples=30, deadline=None)
def test_shore_distance_far_points_and_holes(seed, spread):
    """Points from the shore out to far away, a jagged outline with a hole: still GEOS's answer."""
    rng = np.random.default_rng(seed)
    theta = np.sort(rng.uniform(0, 2 * np.pi, rng.integers(20, 400)))
    r = 2000 + rng.uniform(-900, 900, len(theta))
    outer = Polygon(np.column_stack([X0 + r * np.cos(theta), Y0 + r * np.sin(theta)])).buffer(0)
    lake = outer.difference(box(X0 - 300, Y0 - 300, X0 + 300, Y0 + 300))
    n = 2000
    x, y = X0 + rng.normal(0, spread, n), Y0 + rng.normal(0, spread, n)
    got = shore_distance(x, y, lake, points_per_cell=int(rng.choice([4, 64, 512])))
    # float32: 1 cm near the lake, 3e-7 of the distance far away (see the docstring).
    np.testing.assert_allclose(got, shapely.distance(lake, shapely.points(x, y)), atol=0.01, rtol=3e-7)


def test_large_inputs_on_several_threads_give_the_same_answers():
    from geo.parallel import MIN_PARALLEL

    rng = np.random.default_rng(5)
    n = MIN_PARALLEL + 50_000
    theta = np.linspace(0, 2 * np.pi, 720, endpoint=False)
    r = 2500 + 300 * np.sin(7 * theta) + rng.uniform(-50, 50, 720)
    lake = Polygon(np.column_stack([X0 + r * np.cos(theta), Y0 + r * np.sin(theta)]))
    x, y = rng.uniform(X0 - 15000, X0 + 15000, n), rng.uniform(Y0 - 15000, Y0 + 15000, n)
    one, two = shore_distance(x, y, lake, threads=1), shore_distance(x, y, lake, threads=2)
    np.testing.assert_array_equal(one, two)
    sample = rng.choice(n, 20_000, replace=False)
    geos = shapely.distance(lake, shapely.points(x[sample], y[sample]))
    np.testing.assert_allclose(two[sample], geos, atol=0.01)
    targets = shapely.points(rng.uniform(X0 - 3000, X0 + 3000, (10, 2)))
    i1, d1 = nearest_point(x, y, targets, threads=1)
    i2, d2 = nearest_point(x, y, targets, threads=2)
    np.testing.assert_array_equal(i1, i2)
    np.testing.assert_array_equal(d1, d2)


def test_metric_xy_threads_match_one_transform():
    import geopandas as gpd
    from pyproj import Transformer

    from geo.crs import metric_xy
    from geo.parallel import MIN_PARALLEL

    rng = np.random.default_rng(2)
    lon, lat = rng.uniform(113.2, 113.6, MIN_PARALLEL + 10), rng.uniform(29.4, 29.8, MIN_PARALLEL + 10)
    x, y = metric_xy(gpd.GeoSeries(shapely.points(lon, lat), crs=4490))
    ex, ey = Transformer.from_crs(4490, 4547, always_xy=True).transform(lon, lat)
    np.testing.assert_array_equal(x, ex)
    np.testing.assert_array_equal(y, ey)


@given(st.integers(0, 2**32 - 1), st.sampled_from([1.0, 30.0, 400.0, 3000.0]))
@settings(max_examples=60, deadline=None)
def test_cell_candidates_never_drop_the_nearest_edge(seed, half):
    """The pruning bound, checked in float64 against every edge for points anywhere in each cell."""
    from geo.classify import _cell_candidates, _segments

    rng = np.random.default_rng(seed)
    theta = np.sort(rng.uniform(0, 2 * np.pi, rng.integers(3, 300)))
    r = rng.uniform(200, 3000, len(theta))
    lake = Polygon(np.column_stack([r * np.cos(theta), r * np.sin(theta)])).buffer(0)
    (ax, ay), (bx, by) = (c.T for c in _segments(lake))
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    inv = 1.0 / np.where(len2 == 0, 1.0, len2)
    cx, cy = rng.uniform(-20000, 20000, 40), rng.uniform(-20000, 20000, 40)
    cand = _cell_candidates(cx, cy, ax, ay, dx, dy, inv, half)
    # Points in each cell's square (half-diagonal `half`), corners included.
    s = half / np.sqrt(2)
    offs = np.vstack([rng.uniform(-s, s, (30, 2)), [[-s, -s], [-s, s], [s, -s], [s, s]]])
    for i in range(len(cx)):
        p = np.column_stack([cx[i] + offs[:, 0], cy[i] + offs[:, 1]])
        apx, apy = p[:, :1] - ax, p[:, 1:] - ay
        t = np.clip((apx * dx + apy * dy) * inv, 0, 1)
        d = np.hypot(apx - t * dx, apy - t * dy)
        best = d.min(axis=1)
        best_kept = np.where(cand[i], d, np.inf).min(axis=1)
        np.testing.assert_allclose(best_kept, best, rtol=0, atol=1e-6)
