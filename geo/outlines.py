"""Pond outlines: exact edge distances to the lake and the section points, zone overlap, area check.

A pond with an outline is classified by its outline: its distance to the lake
is the distance between the nearest edges (0 when they touch or overlap), and
it lies in a no-fishing zone when any part of it overlaps one.  Everything is
vectorised over the ponds; the distances are exact (float64), checked against
GEOS in ``bench/bench_classify.py``.
"""

from __future__ import annotations

import numpy as np
import shapely

from .classify import _cell_candidates, _min_d2, _segments
from .parallel import run_parallel, thread_count

__all__ = [
    "AREA_TOLERANCE",
    "Outlines",
    "area_check",
    "outline_edges",
    "polygon_point_distance",
    "polygon_shore_distance",
]

#: Above this many target points, :func:`polygon_point_distance` asks a GEOS tree (one pass per
#: target costs more than the tree's query there; measured with ``bench/bench_classify.py --county``).
TREE_TARGETS = 64

#: Relative difference between the measured and the registered area beyond which the area is flagged.
AREA_TOLERANCE = 0.20


def outline_edges(polys, project=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges of every polygon, grouped by polygon (holes and multipolygon parts included).

    Parameters
    ----------
    polys : numpy.ndarray of shapely.Polygon or shapely.MultiPolygon
    project : callable, optional
        Applied to the (n, 2) coordinate array first (a change of CRS).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        Start coordinates (n × 2), end coordinates (n × 2) and the index of
        the polygon each edge belongs to (non-decreasing).

    Examples
    --------
    >>> a, b, owner = outline_edges(np.array([shapely.box(0, 0, 1, 1), shapely.box(5, 5, 6, 7)]))
    >>> len(a), owner.tolist()
    (8, [0, 0, 0, 0, 1, 1, 1, 1])
    """
    polys = np.asarray(polys, dtype=object)
    if (shapely.get_type_id(polys) == 3).all() and not shapely.get_num_interior_rings(polys).any():
        # Simple polygons: one ring each, read without building ring objects.
        xy, owner = shapely.get_coordinates(polys, return_index=True)
        xy = project(xy) if project is not None else xy
        same = owner[:-1] == owner[1:]
        return xy[:-1][same], xy[1:][same], owner[:-1][same]
    parts, part_owner = shapely.get_parts(polys, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy, ring_idx = shapely.get_coordinates(rings, return_index=True)
    xy = project(xy) if project is not None else xy
    same = ring_idx[:-1] == ring_idx[1:]
    return xy[:-1][same], xy[1:][same], part_owner[ring_part[ring_idx[:-1][same]]]


class Outlines:
    """Polygons as edge arrays in a metric CRS, grouped by polygon.

    Built once from the stored (geographic) polygons by projecting their
    coordinate arrays: no projected geometry is built except for the few
    polygons an exact overlap test needs (:meth:`metric`).

    Parameters
    ----------
    polys : numpy.ndarray of shapely.Polygon or shapely.MultiPolygon
        None of them empty.
    project : callable, optional
        Maps an (n, 2) array of coordinates to the metric CRS; None when
        ``polys`` are metric already.

    Examples
    --------
    >>> o = Outlines(np.array([shapely.box(0, 0, 2, 3), shapely.box(5, 5, 6, 6)]))
    >>> o.n, o.area().tolist(), o.bounds()[1].tolist()
    (2, [6.0, 1.0], [5.0, 5.0, 6.0, 6.0])
    """

    def __init__(self, polys, project=None):
        self.polys = np.asarray(polys, dtype=object)
        self.n = len(self.polys)
        self._project = project
        self.start, self.end, self.owner = outline_edges(self.polys, project)
        self.first = np.r_[0, np.flatnonzero(np.diff(self.owner)) + 1]
        self.simple = bool(
            (shapely.get_type_id(self.polys) == 3).all() and not shapely.get_num_interior_rings(self.polys).any()
        )

    def bounds(self) -> np.ndarray:
        """Bounding boxes (minx, miny, maxx, maxy), one row per polygon."""
        out = np.empty((self.n, 4))
        out[:, 0] = np.minimum.reduceat(np.minimum(self.start[:, 0], self.end[:, 0]), self.first)
        out[:, 1] = np.minimum.reduceat(np.minimum(self.start[:, 1], self.end[:, 1]), self.first)
        out[:, 2] = np.maximum.reduceat(np.maximum(self.start[:, 0], self.end[:, 0]), self.first)
        out[:, 3] = np.maximum.reduceat(np.maximum(self.start[:, 1], self.end[:, 1]), self.first)
        return out

    def metric(self, idx) -> np.ndarray:
        """The polygons ``idx`` as geometries in the metric CRS."""
        sub = self.polys[np.asarray(idx, dtype=np.int64)]
        if self._project is None or not len(sub):
            return sub
        return shapely.set_coordinates(sub.copy(), self._project(shapely.get_coordinates(sub)))

    def area(self) -> np.ndarray:
        """Areas in square metres (shoelace over the edges, relative to each polygon's first vertex)."""
        if not self.simple:
            return shapely.area(self.metric(np.arange(self.n)))
        o = self.start[self.first][self.owner]
        s, e = self.start - o, self.end - o
        return np.abs(np.add.reduceat(s[:, 0] * e[:, 1] - e[:, 0] * s[:, 1], self.first)) / 2


def _convex_starts(polygon) -> tuple[np.ndarray, np.ndarray]:
    """For each edge of :func:`geo.classify._segments`: is its start vertex convex or straight, and the previous edge.

    Only such vertices of the lake can be the lake's point nearest to a pond:
    around a reflex vertex the lake fills more than a half-plane, so a pond
    edge cannot be closer to that vertex than to one of its two edges.
    """
    oriented = shapely.orient_polygons(polygon)  # exteriors counter-clockwise, holes clockwise
    flags, prev_edge, n = [], [], 0
    for ring, ring_o in zip(
        shapely.get_rings(shapely.get_parts(polygon)), shapely.get_rings(shapely.get_parts(oriented)), strict=True
    ):
        d = np.diff(shapely.get_coordinates(ring), axis=0)
        prev = np.roll(d, 1, axis=0)
        turn = prev[:, 0] * d[:, 1] - prev[:, 1] * d[:, 0]
        # Left turns are convex in the oriented ring; a ring stored the other way round turns the other way.
        flags.append(turn >= 0 if shapely.is_ccw(ring) == shapely.is_ccw(ring_o) else turn <= 0)
        prev_edge.append(n + np.roll(np.arange(len(d)), 1))
        n += len(d)
    return np.concatenate(flags), np.concatenate(prev_edge)


def _group_min(values, owner, n) -> np.ndarray:
    """Minimum of ``values`` per owner (owners non-decreasing); inf for owners with none."""
    out = np.full(n, np.inf)
    if len(values):
        starts = np.r_[0, np.flatnonzero(np.diff(owner)) + 1]
        out[owner[starts]] = np.minimum.reduceat(values, starts)
    return out


def polygon_shore_distance(polys, lake_polygon, ponds_per_cell: int = 96, threads: int | None = None) -> np.ndarray:
    """Exact distance in metres from each polygon to the lake; 0 when they touch or overlap.

    Between two disjoint polygons the distance is reached between a vertex of
    one and an edge of the other.  Polygons are bucketed by the centre of
    their bounding box; for each grid cell only the lake edges that can be
    nearest to some point of its polygons are used (see
    :func:`geo.classify._cell_candidates`, with the cell enlarged to hold the
    polygons whole), and both directions are computed: pond vertices to those
    lake edges, and those edges' end points to the pond edges.  Arithmetic is
    float64 relative to the lake's centre.

    Parameters
    ----------
    polys : Outlines or numpy.ndarray of shapely.Polygon or shapely.MultiPolygon
        In a metric CRS (or as :class:`Outlines`).
    lake_polygon : shapely.Polygon or shapely.MultiPolygon
        In the same CRS.
    ponds_per_cell : int
        Average bucket size; affects speed only.
    threads : int, optional
        See :func:`geo.parallel.thread_count` (counted in edges).

    Returns
    -------
    numpy.ndarray of float

    Examples
    --------
    >>> lake = shapely.box(0, 0, 10, 10)
    >>> polygon_shore_distance(np.array([shapely.box(12, 0, 14, 2), shapely.box(8, 8, 12, 12)]), lake).tolist()
    [2.0, 0.0]
    """
    outl = polys if isinstance(polys, Outlines) else Outlines(polys)
    n = outl.n
    dist = np.zeros(n)
    if not n:
        return dist
    lminx, lminy, lmaxx, lmaxy = shapely.bounds(lake_polygon)
    lx, ly = (lminx + lmaxx) / 2, (lminy + lmaxy) / 2
    (ax, ay), (bx, by) = (c.T for c in _segments(lake_polygon))
    ax, ay, bx, by = ax - lx, ay - ly, bx - lx, by - ly
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    inv_len2 = 1.0 / np.where(len2 == 0, 1.0, len2)
    convex, prev_edge = _convex_starts(lake_polygon)

    bounds = outl.bounds()
    bounds[:, [0, 2]] -= lx
    bounds[:, [1, 3]] -= ly
    cx, cy = (bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2
    x0, y0 = cx.min(), cy.min()
    w, h = max(cx.max() - x0, 1e-6), max(cy.max() - y0, 1e-6)
    side = max(np.sqrt(w * h / max(1, n // ponds_per_cell)), 1e-6)
    ny = int(h // side) + 1
    cell = np.minimum(((cx - x0) / side).astype(np.int64), int(w // side)) * ny
    cell += np.minimum(((cy - y0) / side).astype(np.int64), ny - 1)
    order = np.argsort(cell, kind="stable")
    sorted_cells = cell[order]

    # The edges regrouped polygon by polygon in cell order.
    counts = np.diff(np.r_[outl.first, len(outl.owner)])[order]
    pos = np.arange(counts.sum()) + np.repeat(outl.first[order] - np.r_[0, np.cumsum(counts)[:-1]], counts)
    start, end = outl.start[pos] - (lx, ly), outl.end[pos] - (lx, ly)
    owner = np.repeat(np.arange(n), counts)
    edge_cell = sorted_cells[owner]
    bnd = np.r_[0, np.flatnonzero(np.diff(edge_cell)) + 1, len(owner)]
    cells = edge_cell[bnd[:-1]]
    centre_x = x0 + (cells // ny + 0.5) * side
    centre_y = y0 + (cells % ny + 0.5) * side
    # Every point of a polygon lies within its farthest vertex from the cell centre.
    reach = np.hypot(start[:, 0] - centre_x.repeat(np.diff(bnd)), start[:, 1] - centre_y.repeat(np.diff(bnd)))
    half = np.maximum.reduceat(reach, bnd[:-1])

    px, py = start[:, 0], start[:, 1]
    edx, edy = end[:, 0] - px, end[:, 1] - py
    elen2 = edx * edx + edy * edy
    einv = 1.0 / np.where(elen2 == 0, 1.0, elen2)
    d2 = np.empty(len(px))
    chunk = max(1, min(64, 2_000_000 // max(len(ax), 1)))

    def work(span):
        c0, c1 = span
        cand = _cell_candidates(centre_x[c0:c1], centre_y[c0:c1], ax, ay, dx, dy, inv_len2, half[c0:c1])
        # A lake vertex nearest to a pond is convex and ends a candidate edge or starts one.
        cand_v = (cand | cand[:, prev_edge]) & convex
        for i in range(c0, c1):
            k = np.flatnonzero(cand[i - c0])
            a, b = bnd[i], bnd[i + 1]
            # Pond vertices to the candidate lake edges ...
            v = _min_d2(px[a:b], py[a:b], ax[k], ay[k], dx[k], dy[k], inv_len2[k])
            # ... and the candidate lake vertices to the pond edges.
            q = np.flatnonzero(cand_v[i - c0])
            if len(q):
                np.minimum(v, _min_d2(ax[q], ay[q], px[a:b], py[a:b], edx[a:b], edy[a:b], einv[a:b], axis=0), out=v)
            d2[a:b] = v

    spans = [(c, min(c + chunk, len(cells))) for c in range(0, len(cells), chunk)]
    run_parallel(work, spans, thread_count(len(px), threads))
    dist[order] = np.sqrt(_group_min(d2, owner, n))

    # Touching or overlapping: an edge crossing the shore has an end point within half its
    # length of it; a pond inside the lake or around it has its bounding box on the lake's.
    long_edge = np.zeros(n)
    long_edge[order] = np.maximum.reduceat(np.sqrt(elen2), np.r_[0, np.flatnonzero(np.diff(owner)) + 1])
    box_hit = (bounds[:, 0] <= lmaxx - lx) & (bounds[:, 2] >= lminx - lx)
    box_hit &= (bounds[:, 1] <= lmaxy - ly) & (bounds[:, 3] >= lminy - ly)
    maybe = np.flatnonzero(box_hit | (dist <= long_edge))
    shapely.prepare(lake_polygon)
    dist[maybe[shapely.intersects(lake_polygon, outl.metric(maybe))]] = 0.0
    return dist


def polygon_point_distance(polys, tx, ty) -> tuple[np.ndarray, np.ndarray]:
    """Index of and exact distance to the nearest target point for each polygon (0 inside).

    Each polygon lies within ``R`` (its farthest vertex) of the centre ``c`` of
    its bounding box, so target ``j`` is computed exactly only when
    ``|c - t_j| - R`` does not exceed the smallest ``|c - t_k| + R``.

    Parameters
    ----------
    polys : Outlines or numpy.ndarray of shapely.Polygon or shapely.MultiPolygon
        In a metric CRS.
    tx, ty : numpy.ndarray of float
        Target coordinates in the same CRS; at least one.

    Returns
    -------
    (numpy.ndarray of int, numpy.ndarray of float)
        The lowest index among equally near targets.

    Examples
    --------
    >>> idx, d = polygon_point_distance(np.array([shapely.box(0, 0, 2, 2)]), np.array([5.0, 1.0]), np.array([1.0, 1.0]))
    >>> idx.tolist(), d.tolist()
    ([1], [0.0])
    """
    outl = polys if isinstance(polys, Outlines) else Outlines(polys)
    n = outl.n
    tx, ty = np.asarray(tx, dtype=float), np.asarray(ty, dtype=float)
    if len(tx) > TREE_TARGETS and n:
        return _nearest_by_tree(outl, tx, ty)
    bounds = outl.bounds()
    cx, cy = (bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2
    reach = np.maximum.reduceat(
        np.hypot(outl.start[:, 0] - cx[outl.owner], outl.start[:, 1] - cy[outl.owner]), outl.first
    )
    centre_d = np.hypot(cx[:, None] - tx[None, :], cy[:, None] - ty[None, :])
    cand = centre_d - reach[:, None] <= (centre_d + reach[:, None]).min(axis=1)[:, None] + 1e-6
    d2 = np.full((n, len(tx)), np.inf)
    for j in range(len(tx)):
        ponds = np.flatnonzero(cand[:, j])
        edges = np.flatnonzero(cand[outl.owner, j])
        # Relative to the target, for precision.
        px, py = outl.start[edges, 0] - tx[j], outl.start[edges, 1] - ty[j]
        edx, edy = outl.end[edges, 0] - outl.start[edges, 0], outl.end[edges, 1] - outl.start[edges, 1]
        len2 = edx * edx + edy * edy
        t = -(px * edx + py * edy) / np.where(len2 == 0, 1.0, len2)
        np.clip(t, 0, 1, out=t)
        px += t * edx
        py += t * edy
        e2 = px * px + py * py
        first = np.r_[0, np.flatnonzero(np.diff(outl.owner[edges])) + 1]
        d2[ponds, j] = np.minimum.reduceat(e2, first) if len(edges) else np.inf
        b = bounds[ponds]
        around = ponds[(b[:, 0] <= tx[j]) & (b[:, 2] >= tx[j]) & (b[:, 1] <= ty[j]) & (b[:, 3] >= ty[j])]
        d2[around[shapely.intersects_xy(outl.metric(around), tx[j], ty[j])], j] = 0.0
    idx = d2.argmin(axis=1)
    return idx, np.sqrt(d2[np.arange(n), idx])


def _nearest_by_tree(outl, tx, ty) -> tuple[np.ndarray, np.ndarray]:
    """:func:`polygon_point_distance` through a GEOS tree of the targets (many targets)."""
    tree = shapely.STRtree(shapely.points(tx, ty))
    (poly, target), dist = tree.query_nearest(outl.metric(np.arange(outl.n)), return_distance=True, all_matches=True)
    pick = np.lexsort((target, poly))  # by polygon, then the lowest target among equally near ones
    poly, target, dist = poly[pick], target[pick], dist[pick]
    lead = np.r_[True, poly[1:] != poly[:-1]]
    idx, out = np.zeros(outl.n, dtype=np.int64), np.full(outl.n, np.inf)
    idx[poly[lead]], out[poly[lead]] = target[lead], dist[lead]
    return idx, out


def area_check(measured_m2, registered_m2, tolerance: float = AREA_TOLERANCE) -> np.ndarray:
    """Compare measured outline areas with the register: ``ok``, ``larger``, ``smaller`` or empty.

    Parameters
    ----------
    measured_m2, registered_m2 : array-like of float
        NaN where a pond has no outline (or no registered area).
    tolerance : float
        Relative difference allowed either way.

    Returns
    -------
    numpy.ndarray of str

    Examples
    --------
    >>> area_check([1300.0, 1000.0, 700.0, float("nan")], [1000.0] * 4).tolist()
    ['larger', 'ok', 'smaller', '']
    """
    m, r = np.asarray(measured_m2, dtype=float), np.asarray(registered_m2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = m / r
    return np.select(
        [np.isnan(ratio) | ~np.isfinite(ratio), ratio > 1 + tolerance, ratio < 1 - tolerance],
        ["", "larger", "smaller"],
        default="ok",
    )
