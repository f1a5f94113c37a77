"""Outlines as edge layouts: groups by edge count, padding, per-polygon figures, projection; exact against GEOS."""

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import box

from geo.outline_layout import Outlines
from geo.outlines import polygon_point_distance, polygon_shore_distance

X0, Y0 = 500_000.0, 3_280_000.0


def _star(rng, cx, cy, k, r0, r1):
    """A simple polygon of ``k`` vertices around (cx, cy), radii between r0 and r1."""
    ang = np.sort(rng.uniform(0, 2 * np.pi, k))
    rad = rng.uniform(r0, r1, k)
    ring = np.column_stack([cx + rad * np.cos(ang), cy + rad * np.sin(ang)])
    return shapely.Polygon(ring)


def _mixed(rng, n, sizes=(3, 4, 5, 9, 17, 40)):
    out = []
    while len(out) < n:
        p = _star(rng, *rng.uniform([X0 - 6000, Y0 - 6000], [X0 + 6000, Y0 + 6000]), rng.choice(sizes), 30, 250)
        if p.is_valid:
            out.append(p)
    return np.array(out, dtype=object)


def test_groups_hold_every_polygon_once_padded_with_zero_length_edges():
    polys = _mixed(np.random.default_rng(1), 300)
    o = Outlines(polys)
    seen = np.concatenate([members for members, _ in o.groups()])
    assert sorted(seen.tolist()) == list(range(len(polys)))
    assert len(o.groups()) >= 5  # 3, 4, 5, 10 (9 padded), 20 (17), 40
    for members, layout in o.groups():
        m = layout.shape[1]
        counts = shapely.get_num_coordinates(polys[members]) - 1
        assert (counts <= m).all() and (counts > m * 0.7).all()  # few padded edges
        for col, k in enumerate(counts):
            if k < m:  # padding: zero-length edges at the first vertex, inverse length 1
                assert (layout[2:4, k:, col] == 0).all() and (layout[4, k:, col] == 1).all()
                assert (layout[0, k:, col] == layout[0, 0, col]).all()


def test_per_polygon_figures_equal_shapely():
    rng = np.random.default_rng(2)
    polys = _mixed(rng, 200)
    o = Outlines(polys)
    np.testing.assert_allclose(o.bounds(), shapely.bounds(polys), rtol=0, atol=1e-9)
    np.testing.assert_allclose(o.area(), shapely.area(polys), rtol=1e-12)
    first = shapely.get_coordinates(polys, return_index=True)
    at = np.r_[0, np.flatnonzero(np.diff(first[1])) + 1]
    np.testing.assert_allclose(o.first_vertices(), first[0][at], rtol=0, atol=1e-9)
    segs = [np.hypot(*np.diff(shapely.get_coordinates(p), axis=0).T).max() for p in polys]
    np.testing.assert_allclose(o.longest_edges(), segs, rtol=1e-12)
    cx, cy, reach = o.centres()
    for i, p in enumerate(polys):  # every vertex within reach of the centre, one at it
        d = np.hypot(*(shapely.get_coordinates(p) - o.origin - [cx[i], cy[i]]).T)
        assert d.max() == pytest.approx(reach[i], abs=1e-9)


@pytest.mark.parametrize("kind", ["quadrilaterals", "mixed", "with a hole"])
def test_projected_layouts_are_exact(kind):
    """Outlines stored in EPSG:4490 and projected on reading give GEOS's distances on to_crs geometries."""
    rng = np.random.default_rng(3)
    if kind == "quadrilaterals":  # one group, read as one (n, 5, 2) array
        polys = np.array([box(x, y, x + 150, y + 90) for x, y in rng.uniform(X0 - 5000, X0 + 5000, (500, 2))])
    else:
        polys = _mixed(rng, 500)
    if kind == "with a hole":
        polys[0] = box(X0 - 4000, Y0, X0 - 3000, Y0 + 1000).difference(box(X0 - 3800, Y0 + 200, X0 - 3200, Y0 + 800))
    metric = gpd.GeoSeries(polys, crs=4547)
    stored = metric.to_crs(4490)
    lake = _star(rng, X0, Y0, 200, 1500, 2500)
    from geo.crs import project_xy

    o = Outlines(np.asarray(stored.values), lambda x, y: project_xy(x, y, stored.crs))
    back = np.asarray(stored.to_crs(4547).values)  # what a geopandas user would compare against
    np.testing.assert_allclose(polygon_shore_distance(o, lake), shapely.distance(back, lake), rtol=0, atol=1e-6)
    np.testing.assert_allclose(o.area(), shapely.area(back), rtol=1e-9)


def test_mixed_sizes_equal_geos():
    rng = np.random.default_rng(4)
    lake = _star(rng, X0, Y0, 400, 1200, 2600)
    polys = _mixed(rng, 3000)
    got = polygon_shore_distance(polys, lake)
    want = shapely.distance(polys, lake)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    assert (want == 0).sum() > 20 and (want > 2000).sum() > 100
    tx, ty = rng.uniform(X0 - 3000, X0 + 3000, 12), rng.uniform(Y0 - 3000, Y0 + 3000, 12)
    idx, d = polygon_point_distance(polys, tx, ty)
    both = shapely.distance(polys[:, None], shapely.points(tx, ty)[None, :])
    np.testing.assert_allclose(d, both.min(axis=1), rtol=0, atol=1e-6)
    assert (idx == both.argmin(axis=1)).all()


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    lake_vertices=st.integers(3, 60),
    wobble=st.floats(0.0, 0.9),
    spread=st.sampled_from([300.0, 3000.0, 30000.0]),
    hole=st.booleans(),
)
def test_any_lake_and_ponds_equal_geos(seed, lake_vertices, wobble, spread, hole):
    """Random lakes (convex to very ragged, with or without an island) and ponds near and far: exact."""
    rng = np.random.default_rng(seed)
    lake = _star(rng, X0, Y0, lake_vertices, 1000 * (1 - wobble), 1000)
    if not lake.is_valid or lake.area == 0:
        return
    if hole and lake.contains(box(X0 - 60, Y0 - 60, X0 + 60, Y0 + 60)):
        lake = lake.difference(box(X0 - 50, Y0 - 50, X0 + 50, Y0 + 50))
    polys = []
    while len(polys) < 200:
        c = rng.uniform([X0 - spread, Y0 - spread], [X0 + spread, Y0 + spread])
        p = _star(rng, *c, rng.choice([3, 4, 6, 11]), 5, rng.choice([40.0, 400.0]))
        if p.is_valid and p.area > 0:
            polys.append(p)
    polys = np.array(polys, dtype=object)
    np.testing.assert_allclose(polygon_shore_distance(polys, lake), shapely.distance(polys, lake), rtol=0, atol=1e-6)


def test_touching_parallel_and_nearly_touching_ponds():
    """Ties and contact: a shared corner, a shared edge, parallel edges, a gap of a micrometre."""
    lake = box(X0, Y0, X0 + 1000, Y0 + 1000)
    polys = np.array(
        [
            box(X0 + 1000, Y0 + 1000, X0 + 1100, Y0 + 1100),  # corner to corner
            box(X0 + 1000, Y0 + 200, X0 + 1100, Y0 + 300),  # sharing part of an edge
            box(X0 + 1000.000001, Y0 + 400, X0 + 1100, Y0 + 500),  # a micrometre away
            box(X0 - 300, Y0 - 50, X0 + 1300, Y0 - 20),  # parallel, longer than the lake
            shapely.Polygon([(X0 + 1500, Y0 + 500), (X0 + 1200, Y0 + 1200), (X0 + 1800, Y0 + 1200)]),  # triangle
            box(X0 + 400, Y0 + 400, X0 + 600, Y0 + 600),  # in the water
        ],
        dtype=object,
    )
    got = polygon_shore_distance(polys, lake)
    want = shapely.distance(polys, lake)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
    assert (got == 0).tolist() == [True, True, False, False, False, True]


def test_no_outlines():
    none = np.array([], dtype=object)
    assert polygon_shore_distance(none, box(0, 0, 1, 1)).shape == (0,)
    idx, d = polygon_point_distance(none, np.array([0.0]), np.array([0.0]))
    assert idx.shape == d.shape == (0,)
    assert Outlines(none).bounds().shape == (0, 4) and Outlines(none).area().shape == (0,)


def test_a_pond_of_two_parts_one_in_the_water():
    """The first part on land, the second in the water away from the shore: it lies in the lake (0)."""
    lake = box(X0, Y0, X0 + 1000, Y0 + 1000)
    on_land = box(X0 + 2000, Y0, X0 + 2100, Y0 + 100)
    in_water, also_on_land = box(X0 + 400, Y0 + 400, X0 + 500, Y0 + 500), box(X0 + 1500, Y0, X0 + 1600, Y0 + 100)
    ponds = np.array(
        [shapely.MultiPolygon([on_land, in_water]), shapely.MultiPolygon([on_land, also_on_land])], dtype=object
    )
    got = polygon_shore_distance(ponds, lake)
    np.testing.assert_allclose(got, shapely.distance(ponds, lake), rtol=0, atol=1e-9)
    assert got.tolist() == [0.0, 500.0]
