"""Per-pond classification against the lake and the section points.

Vectorised over all ponds (shapely 2 array functions and numpy); there is no
Python loop per pond.  See ``bench/bench_classify.py`` for figures.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .config import ZoneConfig
from .crs import CRSError, metric_xy, project_xy, to_metric
from .parallel import run_parallel, thread_count
from .register import MU_M2

__all__ = ["BASES", "CLASS_COLUMNS", "ZONE_CLASSES", "classify_ponds", "nearest_point", "shore_distance", "zone_class"]

#: Zone classes, from least to most restricted.
ZONE_CLASSES = ["outside", "ban", "lake", "nofish"]

CLASS_COLUMNS = [
    "pond_id",
    "town",
    "area_mu",
    "area_m2",
    "shore_distance_m",
    "in_lake",
    "in_ban_zone",
    "in_nofish_zone",
    "nearest_section",
    "section_distance_m",
    "zone_class",
    "geometry_provisional",
    "coord_suspect",
    "basis",
    "edge_distance_m",
    "outline_area_m2",
    "area_check",
]
#: What a pond's classification rests on: its outline, or its position only.
BASES = ("outline", "position")


def _segments(polygon) -> tuple[np.ndarray, np.ndarray]:
    """Start and end coordinates of every edge of a (multi)polygon, holes included."""
    starts, ends = [], []
    for ring in shapely.get_rings(shapely.get_parts(polygon)):
        xy = shapely.get_coordinates(ring)
        starts.append(xy[:-1])
        ends.append(xy[1:])
    return np.concatenate(starts), np.concatenate(ends)


def _pair_d2(px, py, ax, ay, dx, dy, inv_len2) -> np.ndarray:
    """Squared distances between points and segments, broadcast against each other (few temporaries)."""
    apx = px - ax
    apy = py - ay
    t = apx * dx
    t += apy * dy
    t *= inv_len2
    np.clip(t, 0, 1, out=t)
    apx -= t * dx
    apy -= t * dy
    apx *= apx
    apy *= apy
    apx += apy
    return apx


def _min_d2(px, py, ax, ay, dx, dy, inv_len2, axis: int = 1) -> np.ndarray:
    """Squared distance from each point to the nearest of the segments.

    With ``axis=0``: from each segment to the nearest of the points.
    """
    return _pair_d2(px[:, None], py[:, None], ax, ay, dx, dy, inv_len2).min(axis=axis)


def _cell_candidates(cx, cy, ax, ay, dx, dy, inv_len2, half) -> np.ndarray:
    """Which edges can be the nearest shore edge for some point of each cell.

    For a cell with centre ``c`` and half-diagonal ``h``, let ``q_e`` be the
    point of edge ``e`` nearest to ``c``, ``d_e = |c - q_e|`` and ``u_e`` the
    unit vector from ``q_e`` to ``c``; ``e0`` is the edge nearest to ``c``.  For
    any point ``p = c + δ`` of the cell (``|δ| ≤ h``):

    - ``d(p, e) ≥ d_e + δ·u_e`` (the segment lies behind the plane through
      ``q_e`` normal to ``u_e``, because ``q_e`` is its nearest point to ``c``);
    - ``d(p, e0) ≤ d_e0 + δ·u_e0 + |δ|²/(2 d_e0)``.

    So ``e`` can be nearest only if ``d_e - d_e0 ≤ h |u_e - u_e0| + h²/(2 d_e0)``.
    Seen from afar, the edges near the nearest point all face ``c`` the same
    way, and this keeps a handful of edges where the cruder ``d_e - d_e0 ≤ 2h``
    keeps a hundred.  Both bounds hold, so the smaller is used (the second one
    alone near the shore, where ``d_e0`` is small).

    ``half`` may be one value per cell.

    Returns
    -------
    numpy.ndarray of bool
        Cells × edges.
    """
    half = np.broadcast_to(np.asarray(half, dtype=float), np.shape(cx))[:, None]
    vx, vy = cx[:, None] - ax, cy[:, None] - ay
    t = vx * dx
    t += vy * dy
    t *= inv_len2
    np.clip(t, 0, 1, out=t)
    vx -= t * dx
    vy -= t * dy
    d = vx * vx
    d += vy * vy
    np.sqrt(d, out=d)
    rows = np.arange(len(cx))
    j0 = d.argmin(axis=1)
    d0 = d[rows, j0]
    # |u_e - u_e0| = sqrt(2 - 2 u_e·u_e0) for unit vectors; u = 0 where d = 0 (then d0 = 0 and
    # the slack is 2h whatever the direction term).
    inv_d = np.maximum(d, 1e-300)
    np.divide(1.0, inv_d, out=inv_d)
    u0x = (vx[rows, j0] * inv_d[rows, j0])[:, None]
    u0y = (vy[rows, j0] * inv_d[rows, j0])[:, None]
    vx *= u0x
    vy *= u0y
    vx += vy
    vx *= inv_d
    slack = np.subtract(1.0, vx, out=vx)
    slack *= 2
    np.maximum(slack, 0, out=slack)
    np.sqrt(slack, out=slack)
    slack *= half
    with np.errstate(divide="ignore", invalid="ignore"):
        slack += half * half / (2 * d0[:, None])
    np.fmin(slack, 2 * half, out=slack)  # fmin: 2h where the curvature term is undefined (h = d0 = 0)
    slack += 1e-3 + 1e-9 * d  # rounding margin: never drop an edge that could be nearest
    d -= d0[:, None]
    return d <= slack


def shore_distance(x, y, lake_polygon, points_per_cell: int = 512, threads: int | None = None) -> np.ndarray:
    """Distance in metres from each point to the shore; 0 inside the water.

    Exact point-to-edge distances, bucketed: points are grouped into grid
    cells, and each pair of neighbouring cells is tested only against the
    edges that can be nearest to one of its points (see
    :func:`_cell_candidates`), typically a few dozen of the outline's edges.
    Arithmetic is float32 relative to the lake's centre: within 1 cm of the
    exact distance up to about 30 km from the lake, and within 3e-7 of the
    distance beyond.  Large inputs use several threads.

    Parameters
    ----------
    x, y : numpy.ndarray of float
        Point coordinates in a metric CRS.
    lake_polygon : shapely.Polygon or shapely.MultiPolygon
        In the same CRS.
    points_per_cell : int
        Average bucket size; affects speed only.
    threads : int, optional
        Default: up to 4, for inputs of more than
        :data:`geo.parallel.MIN_PARALLEL` points.

    Returns
    -------
    numpy.ndarray of float

    Examples
    --------
    >>> from shapely import box
    >>> shore_distance(np.array([5.0, 13.0]), np.array([5.0, 14.0]), box(0, 0, 10, 10)).tolist()
    [0.0, 5.0]
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = len(x)
    dist = np.zeros(n)
    if not n:
        return dist
    # In the water: only points inside the outline's bounding box need the polygon test.
    shapely.prepare(lake_polygon)
    minx, miny, maxx, maxy = shapely.bounds(lake_polygon)
    box_idx = np.flatnonzero((x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))
    inside = box_idx[shapely.intersects_xy(lake_polygon, x[box_idx], y[box_idx])]
    if len(inside) == n:
        return dist

    (ax, ay), (bx, by) = (c.T for c in _segments(lake_polygon))
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    inv_len2 = 1.0 / np.where(len2 == 0, 1.0, len2)

    x0, y0 = x.min(), y.min()
    w, h = max(x.max() - x0, 1e-6), max(y.max() - y0, 1e-6)
    side = max(np.sqrt(w * h / max(1, n // points_per_cell)), 1e-6)
    nx, ny = int(w // side) + 1, int(h // side) + 1
    cell = np.minimum(((x - x0) * (1 / side)).astype(np.int64), nx - 1)
    cell *= ny
    cell += np.minimum(((y - y0) * (1 / side)).astype(np.int64), ny - 1)
    # A radix sort on small integers: cells become contiguous slices.
    key = cell.astype(np.uint16 if nx * ny < 2**16 else np.uint32 if nx * ny < 2**32 else np.int64)
    order = np.argsort(key, kind="stable")
    sorted_cells = cell[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_cells)) + 1, n]
    n_cells = len(starts) - 1
    centre_x = x0 + (sorted_cells[starts[:-1]] // ny + 0.5) * side
    centre_y = y0 + (sorted_cells[starts[:-1]] % ny + 0.5) * side
    half = side * np.sqrt(0.5)

    # float32 relative to the lake's centre: near the shore, where metres matter, values are
    # small and exact to well under a centimetre; far away the error stays below 3e-7 of the
    # distance (1.5 cm at 50 km).
    f32 = np.float32
    lx, ly = (minx + maxx) / 2, (miny + maxy) / 2
    px, py = (x - lx).astype(f32)[order], (y - ly).astype(f32)[order]
    sx, sy = (ax - lx).astype(f32), (ay - ly).astype(f32)
    sdx, sdy, sinv = dx.astype(f32), dy.astype(f32), inv_len2.astype(f32)
    result = np.empty(n, dtype=f32)  # squared, in cell order

    pair = 2  # cells per numpy call: neighbours share most candidates, and calls get larger
    # Cells per candidate pass, bounded so its temporaries stay near 16 MB whatever the outline.
    chunk = max(pair, min(256, 2_000_000 // max(len(ax), 1)) // pair * pair)

    def work(span):
        c0, c1 = span
        cand = _cell_candidates(centre_x[c0:c1], centre_y[c0:c1], ax, ay, dx, dy, inv_len2, half)
        for b0 in range(c0, c1, pair):
            b1 = min(b0 + pair, c1)
            k = np.flatnonzero(cand[b0 - c0 : b1 - c0].any(axis=0))
            a, b = starts[b0], starts[b1]
            result[a:b] = _min_d2(px[a:b], py[a:b], sx[k], sy[k], sdx[k], sdy[k], sinv[k])

    spans = [(c, min(c + chunk, n_cells)) for c in range(0, n_cells, chunk)]
    run_parallel(work, spans, thread_count(n, threads))
    dist[order] = np.sqrt(result, dtype=float)
    dist[inside] = 0.0
    return dist


def nearest_point(x, y, targets, threads: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Index of and distance to the nearest target for each point.

    One pass per target, vectorised over the points (there are few targets).

    Parameters
    ----------
    x, y : numpy.ndarray of float
        Point coordinates in a metric CRS.
    targets : numpy.ndarray of shapely.Point
        In the same CRS; at least one.
    threads : int, optional
        See :func:`geo.parallel.thread_count`.

    Returns
    -------
    (numpy.ndarray of int, numpy.ndarray of float)

    Examples
    --------
    >>> from shapely import Point
    >>> idx, d = nearest_point(np.array([0.0, 9.0]), np.array([0.0, 0.0]), np.array([Point(1, 0), Point(10, 0)]))
    >>> idx.tolist(), d.tolist()
    ([0, 1], [1.0, 1.0])
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    tx, ty = shapely.get_x(targets), shapely.get_y(targets)
    idx = np.zeros(len(x), dtype=np.int64)
    best = np.full(len(x), np.inf)

    def work(span):
        a, b = span
        d2, tmp = np.empty(b - a), np.empty(b - a)
        for j in range(len(tx)):
            np.subtract(x[a:b], tx[j], out=d2)
            d2 *= d2
            np.subtract(y[a:b], ty[j], out=tmp)
            tmp *= tmp
            d2 += tmp
            closer = d2 < best[a:b]
            idx[a:b][closer] = j
            np.minimum(best[a:b], d2, out=best[a:b])

    step = 1 << 16
    run_parallel(work, [(a, min(a + step, len(x))) for a in range(0, len(x), step)], thread_count(len(x), threads))
    return idx, np.sqrt(best)


def zone_class(in_lake, in_ban_zone, in_nofish_zone) -> np.ndarray:
    """Reduce the zone tests to one class per pond, for colouring and filtering.

    ``nofish`` (inside a no-fishing zone) wins over ``lake`` (in the water),
    then ``ban`` (within the 1 km ban zone), then ``outside``.

    Parameters
    ----------
    in_lake, in_ban_zone, in_nofish_zone : array-like of bool

    Returns
    -------
    pandas.Categorical
        Categories ``outside``, ``ban``, ``lake``, ``nofish``.

    Examples
    --------
    >>> list(zone_class([True, False], [True, True], [False, False]))
    ['lake', 'ban']
    """
    codes = np.select([np.asarray(in_nofish_zone), np.asarray(in_lake), np.asarray(in_ban_zone)], [3, 2, 1], default=0)
    return pd.Categorical.from_codes(codes, categories=ZONE_CLASSES)


def classify_ponds(
    ponds: gpd.GeoDataFrame,
    lake: gpd.GeoDataFrame,
    sections: gpd.GeoDataFrame,
    config: ZoneConfig | None = None,
    suspect_ids=(),
    outlines: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Classify every pond against the plan's zones.

    Parameters
    ----------
    ponds : geopandas.GeoDataFrame
        Pond points with ``pond_id``, ``area_mu`` and ``town``; optional
        ``coord_status`` (anything but ``verified`` counts as provisional).
    lake : geopandas.GeoDataFrame
        Lake outline polygons with ``provisional``.
    sections : geopandas.GeoDataFrame
        Section points with ``section_id`` and ``provisional``.
    config : ZoneConfig, optional
        Zone sizes and shapes.
    suspect_ids : iterable of int
        Ponds whose coordinate the QA flagged as suspect.
    outlines : geopandas.GeoDataFrame, optional
        Pond outlines (polygons) with ``pond_id``; outlines of ponds not in
        the register are ignored.  A pond with an outline is classified by
        it: the distance between the nearest edges of the outline and the
        lake, and any overlap with a no-fishing zone.

    Returns
    -------
    pandas.DataFrame
        One row per pond, columns :data:`CLASS_COLUMNS`.  Distances in
        metres; ``geometry_provisional`` is True when the answer rests on a
        provisional lake, section or pond coordinate.  ``basis`` is
        ``outline`` or ``position``; ``edge_distance_m`` and
        ``outline_area_m2`` are NaN without an outline; ``area_check``
        compares the outline's area with the register's (``ok``, ``larger``
        or ``smaller`` beyond ±20 %, empty without an outline).

    Raises
    ------
    TypeError
        If an input is not a GeoDataFrame.
    geo.crs.CRSError
        If an input has no CRS.
    ValueError
        If a required column is missing, or ponds are not points.

    Examples
    --------
    >>> from shapely import Point, box
    >>> lake = gpd.GeoDataFrame({"provisional": [False]},
    ...     geometry=[box(500000, 3280000, 502000, 3282000)], crs="EPSG:4547")
    >>> sec = gpd.GeoDataFrame({"section_id": ["S1"], "provisional": [False]},
    ...     geometry=[Point(501000, 3281000)], crs="EPSG:4547")
    >>> ponds = gpd.GeoDataFrame({"pond_id": [1, 2], "area_mu": [15.0, 30.0],
    ...     "town": ["江南镇", "聂市镇"], "coord_status": ["verified"] * 2},
    ...     geometry=[Point(502500, 3281000), Point(506000, 3281000)], crs="EPSG:4547")
    >>> c = classify_ponds(ponds, lake, sec)
    >>> c[["pond_id", "shore_distance_m", "in_ban_zone", "zone_class"]].values.tolist()
    [[1, 500.0, True, 'ban'], [2, 4000.0, False, 'outside']]
    """
    for name, gdf in (("ponds", ponds), ("lake", lake), ("sections", sections)):
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise TypeError(f"{name} must be a GeoDataFrame, got {type(gdf).__name__}")
    for col in ("pond_id", "area_mu", "town"):
        if col not in ponds.columns:
            raise ValueError(f"ponds lack the column {col!r}")
    if "section_id" not in sections.columns:
        raise ValueError("sections lack the column 'section_id'")
    config = config or ZoneConfig()

    from .outlines import area_check, polygon_point_distance, polygon_shore_distance

    n = len(ponds)
    pos, polys = _outline_positions(ponds, outlines)
    has_outline = np.zeros(n, dtype=bool)
    has_outline[pos] = True
    lake_m = shapely.union_all(to_metric(lake, "lake").geometry.values)
    sec_m = to_metric(sections, "sections")
    if not len(sec_m):
        raise ValueError("sections hold no point")
    section_ids = sec_m["section_id"].astype(str)
    if section_ids.duplicated().any():
        raise ValueError("section_id values must be unique")

    sec_x, sec_y = shapely.get_x(sec_m.geometry.values), shapely.get_y(sec_m.geometry.values)
    dist, sec_dist = np.zeros(n), np.zeros(n)
    nearest = np.zeros(n, dtype=np.int64)
    in_nofish = np.zeros(n, dtype=bool)
    half = config.nofish_half_side_m
    point = np.flatnonzero(~has_outline)
    if len(point):
        x, y = metric_xy(ponds.iloc[point] if len(point) < n else ponds, "ponds")
        dist[point] = shore_distance(x, y, lake_m)
        nearest[point], sec_dist[point] = nearest_point(x, y, sec_m.geometry.values)
        if config.nofish_shape == "circle":
            in_nofish[point] = sec_dist[point] <= config.nofish_radius_m
        else:
            for sx, sy in zip(sec_x, sec_y, strict=True):
                in_nofish[point] |= (np.abs(x - sx) <= half) & (np.abs(y - sy) <= half)
    edge = np.full(n, np.nan)
    outline_area = np.full(n, np.nan)
    if len(pos):
        dist[pos] = edge[pos] = polygon_shore_distance(polys, lake_m)
        nearest[pos], sec_dist[pos] = polygon_point_distance(polys, sec_x, sec_y)
        if config.nofish_shape == "circle":
            in_nofish[pos] = sec_dist[pos] <= config.nofish_radius_m
        else:  # any overlap with a square
            b = polys.bounds()
            for sx, sy in zip(sec_x, sec_y, strict=True):
                near = np.flatnonzero(
                    (b[:, 0] <= sx + half) & (b[:, 2] >= sx - half) & (b[:, 1] <= sy + half) & (b[:, 3] >= sy - half)
                )
                square = shapely.box(sx - half, sy - half, sx + half, sy + half)
                in_nofish[pos[near[shapely.intersects(square, polys.metric(near))]]] = True
        outline_area[pos] = polys.area()
    in_lake = dist == 0
    in_ban = dist <= config.ban_distance_m

    geometry_prov = bool(lake.get("provisional", pd.Series([True])).any()) or bool(
        sections.get("provisional", pd.Series([True])).any()
    )
    verified = ponds["coord_status"].to_numpy() == "verified" if "coord_status" in ponds.columns else False
    area_mu = ponds["area_mu"].to_numpy(dtype=float)
    return pd.DataFrame(
        {
            "pond_id": ponds["pond_id"].to_numpy(),
            "town": ponds["town"].reset_index(drop=True),
            "area_mu": area_mu,
            "area_m2": area_mu * MU_M2,
            "shore_distance_m": dist,
            "in_lake": in_lake,
            "in_ban_zone": in_ban,
            "in_nofish_zone": in_nofish,
            "nearest_section": pd.Categorical.from_codes(nearest, categories=section_ids.to_numpy()),
            "section_distance_m": sec_dist,
            "zone_class": zone_class(in_lake, in_ban, in_nofish),
            "geometry_provisional": geometry_prov | ~np.asarray(verified, dtype=bool),
            "coord_suspect": np.isin(ponds["pond_id"].to_numpy(), list(suspect_ids)),
            "basis": pd.Categorical.from_codes(np.where(has_outline, 0, 1), categories=BASES),
            "edge_distance_m": edge,
            "outline_area_m2": outline_area,
            "area_check": area_check(outline_area, area_mu * MU_M2),
        }
    )


def _outline_positions(ponds, outlines):
    """Row positions of the ponds that have an outline, and their outlines in EPSG:4547 (or None)."""
    from .outlines import Outlines

    if outlines is None or not len(outlines):
        return np.zeros(0, dtype=np.int64), None
    if not isinstance(outlines, gpd.GeoDataFrame):
        raise TypeError(f"outlines must be a GeoDataFrame, got {type(outlines).__name__}")
    if "pond_id" not in outlines.columns:
        raise ValueError("outlines lack the column 'pond_id'")
    types = shapely.get_type_id(outlines.geometry.values)
    if not np.isin(types, [3, 6]).all():
        raise ValueError("outlines must be polygons")
    if outlines.crs is None:
        raise CRSError("crs.missing")
    geoms = np.asarray(outlines.geometry.values)
    at = pd.Index(ponds["pond_id"].to_numpy()).get_indexer(outlines["pond_id"].to_numpy())
    keep = (at >= 0) & ~shapely.is_empty(geoms)
    if not keep.any():
        return np.zeros(0, dtype=np.int64), None
    crs = outlines.crs
    project = None if crs.to_epsg() == 4547 else (lambda x, y: project_xy(x, y, crs))
    return at[keep], Outlines(geoms[keep], project)
