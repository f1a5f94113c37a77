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

from .classify import _cell_candidates, _pair_d2, _segments
from .outline_layout import PONDS_PER_CELL, Outlines, grid, outline_edges

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


def _padded(first, count, width) -> np.ndarray:
    """Rows of indices ``first .. first + count - 1``, padded to ``width`` by repeating the last one."""
    return first[:, None] + np.minimum(np.arange(width)[None, :], count[:, None] - 1)


def _batches(a_count, b_count, limit: int = 1 << 16) -> list[np.ndarray]:
    """Rows grouped into padded blocks (rows × max a × max b) of about ``limit`` elements.

    Rows are binned by ``a_count`` and ``b_count`` (bins about 20 % wide), so that
    little of a block is padding; rows with ``b_count`` 0 are left out.
    """
    keep = np.flatnonzero(b_count > 0)
    a, b = a_count[keep], b_count[keep]
    bins = np.round(np.log(np.maximum(a, 1)) * 5.5).astype(np.int64) * 1024
    bins += np.round(np.log(b) * 5.5).astype(np.int64)
    order = np.argsort(bins, kind="stable")
    keep, a, b, bins = keep[order], a[order], b[order], bins[order]
    out = []
    runs = np.r_[0, np.flatnonzero(np.diff(bins)) + 1, len(keep)]
    for r0, r1 in zip(runs[:-1], runs[1:], strict=True):
        per_row = int(a[r0:r1].max()) * int(b[r0:r1].max())
        step = max(1, limit // per_row)
        out.extend(keep[i : min(i + step, r1)] for i in range(r0, r1, step))
    return out


def _candidate_edges(centre_x, centre_y, half, ix, iy, side, origin, edges):
    """The edges that can be nearest to some point of each cell (a disc of radius ``half`` around its centre).

    Cells (column ``ix``, row ``iy`` of a grid of ``side`` from ``origin``) are grouped
    2 × 2 into coarser cells, level after level, until a few dozen remain; those are
    tested against all edges, and each finer level against its parent's candidates
    only (:func:`geo.classify._cell_candidates` holds for any subset of the edges
    that contains the nearest ones; a parent's disc holds its children's).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, numpy.ndarray)
        Per cell the number of its edges and the position of the first in the flat
        list, and the list (ascending edge numbers within a cell).
    """
    ax, ay, dx, dy, inv_len2 = edges
    half = np.broadcast_to(np.asarray(half, dtype=float), centre_x.shape)
    pyramid, parents = [(centre_x, centre_y, half)], []
    while len(ix) > 64:
        ix, iy, side = ix // 2, iy // 2, side * 2
        rows = iy.max() + 1
        cells, parent = np.unique(ix * rows + iy, return_inverse=True)
        ix, iy = cells // rows, cells % rows
        cx, cy = origin[0] + (ix + 0.5) * side, origin[1] + (iy + 0.5) * side
        child_x, child_y, child_half = pyramid[-1]
        cell_half = np.zeros(len(cells))
        np.maximum.at(cell_half, parent, np.hypot(child_x - cx[parent], child_y - cy[parent]) + child_half)
        pyramid.append((cx, cy, cell_half * (1 + 1e-12)))
        parents.append(parent)
    cx, cy, cell_half = pyramid[-1]
    cand = _cell_candidates(cx, cy, ax, ay, dx, dy, inv_len2, cell_half)
    count, edge = cand.sum(axis=1), np.nonzero(cand)[1]
    first = np.r_[0, np.cumsum(count)[:-1]]
    for (cx, cy, cell_half), parent in zip(pyramid[-2::-1], parents[::-1], strict=True):
        parent_lists = (count[parent], first[parent], edge)
        parts = [
            _refine(cx, cy, cell_half, parent_lists, edges, group)
            for group in _batches(np.ones(len(cx), dtype=np.int64), count[parent], 1 << 16)
        ]
        count, first, edge = _flat_lists(len(cx), parts)
    return count, first, edge


def _refine(cx, cy, cell_half, parent_lists, edges, group):
    """Candidates of the cells ``group`` among their parents' (padded to one width); see :func:`_candidate_edges`."""
    ax, ay, dx, dy, inv_len2 = edges
    p_count, p_first, p_edge = parent_lists
    width = p_count[group].max()
    e = p_edge[_padded(p_first[group], p_count[group], width)]
    keep = _cell_candidates(cx[group], cy[group], ax[e], ay[e], dx[e], dy[e], inv_len2[e], cell_half[group])
    keep &= np.arange(width)[None, :] < p_count[group][:, None]
    return group, keep.sum(axis=1), e[keep]


def _flat_lists(n, parts):
    """Join per-group ``(rows, counts, items)`` into per-row counts, first positions and one item list."""
    count, first, offset = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64), 0
    for rows, counts, _ in parts:
        count[rows] = counts
        first[rows] = offset + np.r_[0, np.cumsum(counts)[:-1]]
        offset += counts.sum()
    return count, first, np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, dtype=np.int64)


#: Ponds per block of the pair computations: their temporaries stay in a core's cache.
CHUNK = 2048


def _lake_vertex_lists(k_count, k_first, k_edge, convex, next_edge):
    """Per cell the convex lake vertices that end or start one of its candidate edges, each once.

    A lake vertex nearest to a pond is convex (see :func:`_convex_starts`) and ends a
    candidate edge or starts one; an edge's end is the next edge's start, so a vertex
    is listed once even when both its edges are candidates.  Vertices are numbered as
    the edge they start.  Returns per cell the count and first position, and the list.
    """
    by_position = np.argsort(k_first, kind="stable")
    rows = np.repeat(by_position, k_count[by_position])  # the cell of each listed edge
    after = next_edge[k_edge]
    listed = np.r_[(after[:-1] == k_edge[1:]) & (rows[:-1] == rows[1:]), False]
    q_rows = np.r_[rows[convex[k_edge]], rows[~listed & convex[after]]]
    q_vertex = np.r_[k_edge[convex[k_edge]], after[~listed & convex[after]]][np.argsort(q_rows, kind="stable")]
    q_count = np.bincount(q_rows, minlength=len(k_count))
    return q_count, np.r_[0, np.cumsum(q_count)[:-1]], q_vertex


def _rows(count, first, items):
    """Lists given as counts, first positions and one item list, as (list, item) pairs by list."""
    order = np.argsort(first, kind="stable")
    row = np.repeat(order, count[order])  # the list of each stored item
    by_row = np.argsort(row, kind="stable")
    return row[by_row], items[by_row]


def _kept(row, items, keep, n):
    """The lists of ``n`` rows holding the ``items`` (by row, as from :func:`_rows`) where ``keep``."""
    count = np.bincount(row[keep], minlength=n)
    return count, np.r_[0, np.cumsum(count)[:-1]], items[keep]


def _expand(count, first, items, rows):
    """The lists of ``rows`` (given as counts, first positions and one item list) one after the other.

    Returns each item's position in ``rows`` order (as a run start per row) and the items.
    """
    c = count[rows]
    end = np.cumsum(c)
    return end - c, items[np.repeat(first[rows] - (end - c), c) + np.arange(end[-1] if len(end) else 0)]


def polygon_shore_distance(polys, lake_polygon, ponds_per_cell: int = PONDS_PER_CELL) -> np.ndarray:
    """Exact distance in metres from each polygon to the lake; 0 when they touch or overlap.

    The lake point nearest to a pond is either inside a lake edge (then a pond
    vertex reaches it, within the edge's span seen along the edge) or a convex lake
    vertex (then the pond point it is nearest to lies in the vertex's normal cone).
    Ponds are bucketed by the centres of their bounding boxes, and for each cell the
    lake edges that can be nearest to some point of it are listed
    (:func:`_candidate_edges`).  Then:

    - each pond's vertices to the listed edges whose span the pond reaches;
    - the convex lake vertices that end or start a listed edge to the pond's edges,
      only where the pond reaches the vertex's normal cone and lies within the
      distance the first step found.

    Both tests run first per cell (its disc) and then per pond (its centre and
    reach); they leave about a sixth of the edges and a third of the vertices.

    Ponds are computed in blocks of :data:`CHUNK`, each pond's edges along the
    short axis (:meth:`Outlines.groups`).  Arithmetic is float64 relative to
    :attr:`Outlines.origin`.  Ponds that touch, cross, lie in or surround the lake
    are then found with GEOS.

    Parameters
    ----------
    polys : Outlines or numpy.ndarray of shapely.Polygon or shapely.MultiPolygon
        In a metric CRS (or as :class:`Outlines`).
    lake_polygon : shapely.Polygon or shapely.MultiPolygon
        In the same CRS.
    ponds_per_cell : int
        Average bucket size; affects speed only.

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
    ox, oy = outl.origin
    (ax, ay), (bx, by) = (c.T for c in _segments(lake_polygon))
    ax, ay, bx, by = ax - ox, ay - oy, bx - ox, by - oy
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    inv_len2 = 1.0 / np.where(len2 == 0, 1.0, len2)
    lake_edges = (ax, ay, dx, dy, inv_len2)
    lake_rows = np.stack(lake_edges)
    convex, prev_edge = _convex_starts(lake_polygon)
    next_edge = np.empty_like(prev_edge)
    next_edge[prev_edge] = np.arange(len(prev_edge))
    length = np.sqrt(len2)
    ux, uy = dx / np.where(length == 0, 1.0, length), dy / np.where(length == 0, 1.0, length)
    # Per lake vertex: its position and the unit directions of the edges before and after it.
    vertex_rows = np.stack([ax, ay, ux[prev_edge], uy[prev_edge], ux, uy])
    a_along = ax * ux + ay * uy  # each edge's start, along the edge

    cx, cy, reach = outl.centres()
    order, bnd, ix, iy, side, origin, _ = grid(cx, cy, ponds_per_cell)
    centre_x, centre_y = origin[0] + (ix + 0.5) * side, origin[1] + (iy + 0.5) * side
    cell_of = np.empty(n, dtype=np.int64)
    cell_of[order] = np.repeat(np.arange(len(ix)), np.diff(bnd))
    # Every point of a pond lies within its reach of its centre, so within this of its cell's.
    half = np.zeros(len(ix))
    np.maximum.at(half, cell_of, np.hypot(cx - centre_x[cell_of], cy - centre_y[cell_of]) + reach)
    half *= 1 + 1e-9
    edges_of = _candidate_edges(centre_x, centre_y, half, ix, iy, side, origin, lake_edges)
    vertices_of = _lake_vertex_lists(*edges_of, convex, next_edge)
    # The same tests as for each pond below, first for each cell (its disc): shorter lists.
    row, edge = _rows(*edges_of)
    along = centre_x[row] * ux[edge] + centre_y[row] * uy[edge] - a_along[edge]
    h = half[row] + 1e-6
    edges_of = _kept(row, edge, (along >= -h) & (along <= length[edge] + h), len(ix))
    row, vertex = _rows(*vertices_of)
    wx, wy = centre_x[row] - ax[vertex], centre_y[row] - ay[vertex]
    h = half[row] + 1e-6
    keep = (wx * ux[prev_edge[vertex]] + wy * uy[prev_edge[vertex]] >= -h) & (wx * ux[vertex] + wy * uy[vertex] <= h)
    vertices_of = _kept(row, vertex, keep, len(ix))
    tolerance = reach * (1 + 1e-9) + 1e-6  # rounding margin: never drop a vertex that could be nearest
    d2 = np.empty(n)

    def block(layout, at, here):
        """Squared distances to the lake's boundary of the ponds in columns ``at`` of ``layout``.

        ``here``: per column of the group its cell, centre x and y, and reach with the rounding margin.
        """
        cell, px, py, reach_tol = (a[at] for a in here)
        best = np.full(len(at), np.inf)
        # Pond vertices to the cell's candidate edges, for the edges whose span (seen along
        # the edge) the pond reaches: the others' nearest points to it are their ends.
        lead, edge = _expand(*edges_of, cell)
        row = np.repeat(np.arange(len(at)), np.diff(np.r_[lead, len(edge)]))
        along = px[row] * ux[edge]
        along += py[row] * uy[edge]
        along -= a_along[edge]
        r = reach_tol[row]
        keep = along >= -r
        r += length[edge]
        keep &= along <= r
        row, edge = row[keep], edge[keep]
        e = np.take(lake_rows, edge, axis=1)
        cols = at[row]
        vx, vy = np.take(layout[0], cols, axis=1), np.take(layout[1], cols, axis=1)
        np.minimum.at(best, row, _pair_d2(vx, vy, e[0], e[1], e[2], e[3], e[4]).min(axis=0))
        # Lake vertices to the pond edges, for the vertices whose normal cone the pond reaches
        # and that are nearer its centre than its vertex distance plus its reach.
        lead, vertex = _expand(*vertices_of, cell)
        row = np.repeat(np.arange(len(at)), np.diff(np.r_[lead, len(vertex)]))
        v = np.take(vertex_rows, vertex, axis=1)
        wx, wy = px[row] - v[0], py[row] - v[1]
        r = reach_tol[row]
        keep = wx * v[2] + wy * v[3] >= -r
        keep &= wx * v[4] + wy * v[5] <= r
        r += np.sqrt(best[row])  # inf where no edge was computed: the vertex is kept
        keep &= wx * wx + wy * wy <= r * r
        row, vertex = row[keep], vertex[keep]
        g = np.take(layout, at[row], axis=2)
        np.minimum.at(best, row, _pair_d2(ax[vertex], ay[vertex], g[0], g[1], g[2], g[3], g[4]).min(axis=0))
        return best

    for members, layout in outl.groups():
        here = (cell_of[members], cx[members], cy[members], tolerance[members])
        for s in range(0, len(members), CHUNK):
            at = np.arange(s, min(s + CHUNK, len(members)))
            d2[members[at]] = block(layout, at, here)
    dist = np.sqrt(d2)

    # Touching or overlapping. An edge crossing the shore has an end point within half its
    # length of it: those ponds are tested whole.
    shapely.prepare(lake_polygon)
    near = dist <= outl.longest_edges()
    hit = np.flatnonzero(near)
    hit = hit[shapely.intersects(lake_polygon, outl.metric(hit))]
    # Other ponds have no point on the shore: one inside the lake has its first vertex in it
    # (a pond of several parts, any part: tested whole) ...
    bounds = outl.bounds()
    lminx, lminy, lmaxx, lmaxy = shapely.bounds(lake_polygon)
    box = ~near & (bounds[:, 0] <= lmaxx) & (bounds[:, 2] >= lminx) & (bounds[:, 1] <= lmaxy) & (bounds[:, 3] >= lminy)
    inside = np.flatnonzero(box)
    parts = inside[shapely.get_type_id(outl.polys[inside]) == 6]
    parts = parts[shapely.intersects(lake_polygon, outl.metric(parts))]
    inside = np.setdiff1d(inside, parts)
    first = outl.first_vertices()[inside]
    inside = np.r_[inside[shapely.intersects_xy(lake_polygon, first[:, 0], first[:, 1])], parts]
    # ... and one around a part of the lake holds that part's bounding box.
    around = np.zeros(n, dtype=bool)
    for pminx, pminy, pmaxx, pmaxy in shapely.bounds(shapely.get_parts(lake_polygon)):
        holds = (bounds[:, 0] <= pminx) & (bounds[:, 2] >= pmaxx)
        around |= holds & (bounds[:, 1] <= pminy) & (bounds[:, 3] >= pmaxy)
    around = np.flatnonzero(around & box)
    around = around[shapely.intersects(lake_polygon, outl.metric(around))]
    dist[np.r_[hit, inside, around]] = 0.0
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
    nearest, out = np.zeros(n, dtype=np.int64), np.zeros(n)
    cx, cy, reach = outl.centres()
    box = outl._per_polygon()
    rx, ry = tx - outl.origin[0], ty - outl.origin[1]
    for group, layout in outl.groups():
        for s in range(0, len(group), CHUNK * 4):
            members = group[s : s + CHUNK * 4]
            # Targets by rows, polygons along them.
            ddx, ddy = rx[:, None] - cx[members], ry[:, None] - cy[members]
            ddx *= ddx
            ddy *= ddy
            ddx += ddy
            centre_d = np.sqrt(ddx, out=ddx)
            r = reach[members]
            cand = centre_d - r <= (centre_d + r).min(axis=0) + 1e-6
            col, target = np.nonzero(cand.T)  # by polygon, then target
            g = np.take(layout, col + s, axis=2)
            pair_d2 = _pair_d2(rx[target], ry[target], g[0], g[1], g[2], g[3], g[4]).min(axis=0)
            # A target inside (or on) a polygon: distance 0.
            poly, x, y = members[col], rx[target], ry[target]
            inside = (box["minx"][poly] <= x) & (box["maxx"][poly] >= x)
            inside = np.flatnonzero(inside & (box["miny"][poly] <= y) & (box["maxy"][poly] >= y))
            if len(inside):
                hit = shapely.intersects_xy(outl.metric(poly[inside]), tx[target[inside]], ty[target[inside]])
                pair_d2[inside[hit]] = 0.0
            # The nearest target of each polygon, the lowest index among equally near ones.
            first = np.r_[0, np.flatnonzero(np.diff(col)) + 1]
            best = np.minimum.reduceat(pair_d2, first)
            lowest = np.where(pair_d2 == np.repeat(best, np.diff(np.r_[first, len(col)])), target, len(tx))
            nearest[members] = np.minimum.reduceat(lowest, first)
            out[members] = np.sqrt(best)
    return nearest, out


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
