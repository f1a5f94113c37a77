"""Pond outlines as edge arrays: read once from the stored polygons, projected, grouped by edge count.

:class:`Outlines` holds each group's edges as one (5, edges, polygons) array, so
that :mod:`geo.outlines` computes along the polygons (long rows) rather than
along a polygon's few edges, and reads each polygon's bounds, centre, reach and
area from the same arrays.
"""

from __future__ import annotations

import numpy as np
import shapely

__all__ = ["PONDS_PER_CELL", "Outlines", "grid", "outline_edges"]

#: Ponds per grid cell (on average) when ponds are bucketed by position.
PONDS_PER_CELL = 16


def _simple(polys) -> bool:
    """Every geometry a polygon without holes."""
    return bool((shapely.get_type_id(polys) == 3).all() and not shapely.get_num_interior_rings(polys).any())


def outline_edges(polys, project=None, simple: bool | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges of every polygon, grouped by polygon (holes and multipolygon parts included).

    Parameters
    ----------
    polys : numpy.ndarray of shapely.Polygon or shapely.MultiPolygon
    project : callable, optional
        ``project(x, y) -> (x, y)`` on coordinate arrays, applied first (a change of CRS).
    simple : bool, optional
        Whether every geometry is a polygon without holes, when known already.

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

    def projected(xy):
        return xy if project is None else np.column_stack(project(xy[:, 0], xy[:, 1]))

    if _simple(polys) if simple is None else simple:
        # Simple polygons: one ring each, read without building ring objects.
        xy, owner = shapely.get_coordinates(polys, return_index=True)
        same = owner[:-1] == owner[1:]
        if project is not None:  # each ring's closing vertex repeats its first: projected once
            opening = np.r_[True, ~same]
            closing = np.r_[~same, True]
            out = np.empty_like(xy)
            out[~closing] = projected(xy[~closing])
            out[closing] = out[opening]
            xy = out
        return xy[:-1][same], xy[1:][same], owner[:-1][same]
    parts, part_owner = shapely.get_parts(polys, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    xy, ring_idx = shapely.get_coordinates(rings, return_index=True)
    xy = projected(xy)
    same = ring_idx[:-1] == ring_idx[1:]
    return xy[:-1][same], xy[1:][same], part_owner[ring_part[ring_idx[:-1][same]]]


def _padded_counts(counts) -> np.ndarray:
    """Edge counts rounded up to four sizes per doubling.

    Examples
    --------
    >>> _padded_counts(np.array([3, 4, 7, 9, 11, 17, 40])).tolist()
    [3, 4, 7, 10, 12, 20, 40]
    """
    counts = np.maximum(counts, 1)
    step = 2 ** np.maximum(np.floor(np.log2(counts)).astype(np.int64) - 2, 0)
    return -(-counts // step) * step


def _layouts(polys, project, simple):
    """The origin and the groups of :meth:`Outlines.groups`."""
    n = len(polys)
    if not n:
        return np.zeros(2), []
    sizes = shapely.get_num_coordinates(polys) if simple else None
    if simple and (sizes == sizes[0]).all() and sizes[0] >= 4:
        # All of one size (quadrilaterals, say): read as an (n, m + 1, 2) array, each ring's
        # closing vertex left out (it repeats the first), so it is projected once.
        m = int(sizes[0]) - 1
        xy = shapely.get_coordinates(polys).reshape(n, m + 1, 2)
        members = grid(xy[:, 0, 0], xy[:, 0, 1], PONDS_PER_CELL)[0]  # neighbours side by side
        xy = np.take(xy, members, axis=0)[:, :m].transpose(2, 1, 0).copy()  # (2, m, n)
        x, y = xy[0].ravel(), xy[1].ravel()
        if project is not None:
            x, y = project(x, y)
        x, y = np.asarray(x).reshape(m, n), np.asarray(y).reshape(m, n)
        origin = np.floor(np.array([x[0, 0], y[0, 0]]) / 1000) * 1000
        layout = np.empty((5, m, n))
        np.subtract(x, origin[0], out=layout[0])
        np.subtract(y, origin[1], out=layout[1])
        for k in (0, 1):
            np.subtract(layout[k, 1:], layout[k, :-1], out=layout[k + 2, :-1])
            np.subtract(layout[k, 0], layout[k, -1], out=layout[k + 2, -1])
        _inverse_len2(layout)
        return origin, [(members, layout)]
    start, end, owner = outline_edges(polys, project, simple)
    origin = np.floor(start[0] / 1000) * 1000 if len(start) else np.zeros(2)
    first = np.r_[0, np.flatnonzero(np.diff(owner)) + 1]
    counts = np.diff(np.r_[first, len(owner)])
    size = _padded_counts(counts)
    near_first = grid(start[first, 0], start[first, 1], PONDS_PER_CELL)[0]
    groups = []
    for m in np.unique(size):
        members = near_first[size[near_first] == m]
        j = np.arange(m)[:, None]
        pad = j >= counts[members]
        idx = first[members] + np.where(pad, 0, j)  # padding: a zero-length edge at the first vertex
        layout = np.empty((5, m, len(members)))
        layout[0], layout[1] = start[idx, 0] - origin[0], start[idx, 1] - origin[1]
        layout[2], layout[3] = end[idx, 0] - start[idx, 0], end[idx, 1] - start[idx, 1]
        layout[2:4, pad] = 0.0
        _inverse_len2(layout)
        groups.append((members, layout))
    return origin, groups


def _inverse_len2(layout):
    """Fill row 4 of an edge layout: 1 / squared length of each edge, 1 for a zero-length edge."""
    np.multiply(layout[2], layout[2], out=layout[4])
    layout[4] += layout[3] * layout[3]
    layout[4][layout[4] == 0] = 1.0
    np.divide(1.0, layout[4], out=layout[4])


class Outlines:
    """Polygons as edge arrays in a metric CRS, grouped by edge count.

    Built once from the stored (geographic) polygons by projecting their
    coordinate arrays: no projected geometry is built except for the few
    polygons an exact overlap test needs (:meth:`metric`).

    Parameters
    ----------
    polys : numpy.ndarray of shapely.Polygon or shapely.MultiPolygon
        None of them empty.
    project : callable, optional
        ``project(x, y) -> (x, y)`` on coordinate arrays, to the metric CRS; None
        when ``polys`` are metric already.

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
        self.simple = _simple(self.polys)
        #: A point near the polygons (the first vertex, to the kilometre): the layouts'
        #: coordinates are relative to it, so that they stay small and precise.
        self.origin, self._groups = _layouts(self.polys, project, self.simple)
        self._summary = None

    def groups(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The polygons grouped by edge count, each group's edges as one array.

        Edge counts are rounded up to four sizes per doubling; a polygon with fewer
        edges is padded with zero-length edges at its first vertex (which change no
        distance, bound or area).

        Returns
        -------
        list of (numpy.ndarray, numpy.ndarray)
            Per group the polygons' numbers (neighbours next to each other: by cells of
            :data:`PONDS_PER_CELL`) and a (5, m, polygons) array: per edge its start x
            and y (relative to :attr:`origin`), direction x and y and 1 / squared length
            (1 for a zero-length edge).  Long rows: the arithmetic over a group runs
            along the polygons, not along a polygon's few edges.
        """
        return self._groups

    def _per_polygon(self) -> dict:
        """Bounds, centres, reach, first vertex, longest edge and (simple polygons) area, from the layouts."""
        if self._summary is None:
            out = {k: np.empty(self.n) for k in ("minx", "miny", "maxx", "maxy", "reach", "fx", "fy", "longest")}
            out["area"] = np.empty(self.n) if self.simple else None
            for members, (x, y, dx, dy, _) in self._groups:
                lo_x, lo_y, hi_x, hi_y = x.min(axis=0), y.min(axis=0), x.max(axis=0), y.max(axis=0)
                cx, cy = (lo_x + hi_x) / 2, (lo_y + hi_y) / 2
                out["minx"][members], out["miny"][members] = lo_x, lo_y
                out["maxx"][members], out["maxy"][members] = hi_x, hi_y
                out["reach"][members] = np.sqrt(((x - cx) ** 2 + (y - cy) ** 2).max(axis=0))
                out["fx"][members], out["fy"][members] = x[0], y[0]
                out["longest"][members] = np.sqrt((dx * dx + dy * dy).max(axis=0))
                if self.simple:  # shoelace, relative to the first vertex
                    out["area"][members] = np.abs(((x - x[0]) * dy - dx * (y - y[0])).sum(axis=0)) / 2
            out["cx"], out["cy"] = (out["minx"] + out["maxx"]) / 2, (out["miny"] + out["maxy"]) / 2
            self._summary = out
        return self._summary

    def bounds(self) -> np.ndarray:
        """Bounding boxes (minx, miny, maxx, maxy), one row per polygon (a new array on each call)."""
        s = self._per_polygon()
        ox, oy = self.origin
        return np.column_stack([s["minx"] + ox, s["miny"] + oy, s["maxx"] + ox, s["maxy"] + oy])

    def centres(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Centre of each bounding box (relative to :attr:`origin`) and the distance to its farthest vertex.

        Every point of a polygon lies within that distance of its centre.
        """
        s = self._per_polygon()
        return s["cx"], s["cy"], s["reach"]

    def first_vertices(self) -> np.ndarray:
        """The first vertex of each polygon (n × 2)."""
        s = self._per_polygon()
        return np.column_stack([s["fx"] + self.origin[0], s["fy"] + self.origin[1]])

    def longest_edges(self) -> np.ndarray:
        """The length of each polygon's longest edge."""
        return self._per_polygon()["longest"]

    def metric(self, idx) -> np.ndarray:
        """The polygons ``idx`` as geometries in the metric CRS."""
        sub = self.polys[np.asarray(idx, dtype=np.int64)]
        if self._project is None or not len(sub):
            return sub
        xy = shapely.get_coordinates(sub)
        return shapely.set_coordinates(sub.copy(), np.column_stack(self._project(xy[:, 0], xy[:, 1])))

    def area(self) -> np.ndarray:
        """Areas in square metres (shoelace over the edges, relative to each polygon's first vertex)."""
        if not self.simple:
            return shapely.area(self.metric(np.arange(self.n)))
        return self._per_polygon()["area"].copy()


def grid(x, y, per_cell: int):
    """Bucket points into square cells of about ``per_cell`` points.

    Returns the sort order, the cell bounds in that order, each (non-empty) cell's
    column and row, the cell side, the origin and the number of rows.

    Examples
    --------
    >>> order, bnd, ix, iy, side, origin, rows = grid(np.array([0.0, 10, 0.5, 9]), np.array([0.0, 10, 0.5, 9.5]), 2)
    >>> order.tolist(), bnd.tolist(), ix.tolist(), iy.tolist()
    ([0, 2, 1, 3], [0, 2, 4], [0, 1], [0, 1])
    """
    x0, y0 = x.min(), y.min()
    w, h = max(x.max() - x0, 1e-6), max(y.max() - y0, 1e-6)
    side = max(np.sqrt(w * h / max(1, len(x) // per_cell)), 1e-6)
    nx, ny = int(w // side) + 1, int(h // side) + 1
    cell = np.minimum(((x - x0) / side).astype(np.int64), nx - 1) * ny
    cell += np.minimum(((y - y0) / side).astype(np.int64), ny - 1)
    # A radix sort on small integers: cells become contiguous slices.
    order = np.argsort(cell.astype(np.uint16 if nx * ny < 2**16 else np.int64), kind="stable")
    sorted_cells = cell[order]
    bnd = np.r_[0, np.flatnonzero(np.diff(sorted_cells)) + 1, len(x)]
    cells = sorted_cells[bnd[:-1]]
    return order, bnd, cells // ny, cells % ny, side, (x0, y0), ny
