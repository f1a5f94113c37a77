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
from .crs import metric_xy, to_metric
from .register import MU_M2

__all__ = ["CLASS_COLUMNS", "ZONE_CLASSES", "classify_ponds", "nearest_point", "shore_distance", "zone_class"]

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
]


def _segments(polygon) -> tuple[np.ndarray, np.ndarray]:
    """Start and end coordinates of every edge of a (multi)polygon, holes included."""
    starts, ends = [], []
    for ring in shapely.get_rings(shapely.get_parts(polygon)):
        xy = shapely.get_coordinates(ring)
        starts.append(xy[:-1])
        ends.append(xy[1:])
    return np.concatenate(starts), np.concatenate(ends)


def _min_d2(px, py, ax, ay, dx, dy, inv_len2) -> np.ndarray:
    """Squared distance from each point to the nearest of the segments (few temporaries)."""
    apx = px[:, None] - ax
    apy = py[:, None] - ay
    t = apx * dx
    t += apy * dy
    t *= inv_len2
    np.clip(t, 0, 1, out=t)
    apx -= t * dx
    apy -= t * dy
    apx *= apx
    apy *= apy
    apx += apy
    return apx.min(axis=1)


def shore_distance(x, y, lake_polygon, points_per_cell: int = 256) -> np.ndarray:
    """Distance in metres from each point to the shore; 0 inside the water.

    Point-to-edge distances, bucketed: points are grouped into grid cells, and
    for each cell only the edges that can be nearest to some point of the cell
    are tested — those within ``d(centre) + 2 * half-diagonal`` of the cell
    centre.  The cost grows with points x nearby edges, not points x all edges.
    Arithmetic is float32 relative to the grid origin: within 1 cm of the
    exact distance.

    Parameters
    ----------
    x, y : numpy.ndarray of float
        Point coordinates in a metric CRS.
    lake_polygon : shapely.Polygon or shapely.MultiPolygon
        In the same CRS.
    points_per_cell : int
        Average bucket size; affects speed only.

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
    dist = np.zeros(len(x))
    if not len(x):
        return dist
    shapely.prepare(lake_polygon)
    outside = np.flatnonzero(~shapely.intersects_xy(lake_polygon, x, y))
    if not len(outside):
        return dist
    (ax, ay), (bx, by) = (c.T for c in _segments(lake_polygon))
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    inv_len2 = 1.0 / np.where(len2 == 0, 1.0, len2)
    ox, oy = x[outside], y[outside]
    x0, y0 = ox.min(), oy.min()
    w, h = max(ox.max() - x0, 1e-6), max(oy.max() - y0, 1e-6)
    side = max(np.sqrt(w * h / max(1, len(ox) // points_per_cell)), 1e-6)
    nx, ny = int(w // side) + 1, int(h // side) + 1
    cell = np.minimum((ox - x0) // side, nx - 1).astype(np.int64) * ny
    cell += np.minimum((oy - y0) // side, ny - 1).astype(np.int64)
    order = np.argsort(cell, kind="stable")
    sorted_cells = cell[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_cells)) + 1]
    ends = np.r_[starts[1:], len(order)]
    centre_x = x0 + (sorted_cells[starts] // ny + 0.5) * side
    centre_y = y0 + (sorted_cells[starts] % ny + 0.5) * side
    band = 2 * side * np.sqrt(0.5)
    # float32 relative to the grid origin: within a few millimetres over 100 km.
    f32 = np.float32
    # Sorted by cell once, so each cell is a contiguous slice.
    px, py = (ox[order] - x0).astype(f32), (oy[order] - y0).astype(f32)
    sx, sy = (ax - x0).astype(f32), (ay - y0).astype(f32)
    sdx, sdy, sinv = dx.astype(f32), dy.astype(f32), inv_len2.astype(f32)
    result = np.empty(len(ox))  # in cell order

    # One thread: two were tried, and the per-cell arrays are too small for numpy to
    # release the GIL long enough to gain.
    n_cells = len(starts)
    for c0 in range(0, n_cells, 512):
        c1 = min(c0 + 512, n_cells)
        cx, cy = centre_x[c0:c1], centre_y[c0:c1]
        # Distance from each cell centre to every edge, for the candidate test.
        apx, apy = cx[:, None] - ax, cy[:, None] - ay
        t = np.clip((apx * dx + apy * dy) * inv_len2, 0, 1)
        d_centre = np.hypot(apx - t * dx, apy - t * dy)
        candidates = d_centre <= (d_centre.min(axis=1) + band)[:, None]
        for i in range(c1 - c0):
            k = np.flatnonzero(candidates[i])
            a, b = starts[c0 + i], ends[c0 + i]
            result[a:b] = _min_d2(px[a:b], py[a:b], sx[k], sy[k], sdx[k], sdy[k], sinv[k])
    dist[outside[order]] = np.sqrt(result)
    return dist


def nearest_point(x, y, targets) -> tuple[np.ndarray, np.ndarray]:
    """Index of and distance to the nearest target for each point.

    One pass per target, vectorised over the points (there are few targets).

    Parameters
    ----------
    x, y : numpy.ndarray of float
        Point coordinates in a metric CRS.
    targets : numpy.ndarray of shapely.Point
        In the same CRS; at least one.

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
    tx, ty = shapely.get_x(targets), shapely.get_y(targets)
    idx = np.empty(len(x), dtype=np.int64)
    best = np.empty(len(x))
    for a in range(0, len(x), 1 << 18):
        b = a + (1 << 18)
        d2 = (x[a:b, None] - tx) ** 2 + (y[a:b, None] - ty) ** 2
        idx[a:b] = d2.argmin(axis=1)
        best[a:b] = np.take_along_axis(d2, idx[a:b, None], axis=1)[:, 0]
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

    Returns
    -------
    pandas.DataFrame
        One row per pond, columns :data:`CLASS_COLUMNS`.  Distances in
        metres; ``geometry_provisional`` is True when the answer rests on a
        provisional lake, section or pond coordinate.

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

    x, y = metric_xy(ponds, "ponds")
    lake_m = shapely.union_all(to_metric(lake, "lake").geometry.values)
    sec_m = to_metric(sections, "sections")
    if not len(sec_m):
        raise ValueError("sections hold no point")
    section_ids = sec_m["section_id"].astype(str)
    if section_ids.duplicated().any():
        raise ValueError("section_id values must be unique")

    dist = shore_distance(x, y, lake_m)
    in_lake = dist == 0
    in_ban = dist <= config.ban_distance_m

    nearest, sec_dist = nearest_point(x, y, sec_m.geometry.values)
    if config.nofish_shape == "circle":
        in_nofish = sec_dist <= config.nofish_radius_m
    else:
        half = config.nofish_half_side_m
        in_nofish = np.zeros(len(x), dtype=bool)
        for sx, sy in zip(shapely.get_x(sec_m.geometry.values), shapely.get_y(sec_m.geometry.values), strict=True):
            in_nofish |= (np.abs(x - sx) <= half) & (np.abs(y - sy) <= half)

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
        }
    )
