"""Ponds against administrative areas: is each pond in the county and town the register states.

The register states each pond's town (``town``) and, when it has a ``county``
column, its county; without one the county is :data:`DEFAULT_COUNTY`, the
county the plan was issued for.  An admin layer (``data/boundaries/admin.*``,
see :mod:`geo.boundaries`) holds county and town polygons with ``name`` and
``level``.  A level the layer has no polygon for is not checked.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .crs import to_geographic

__all__ = ["ADMIN_COLUMNS", "DEFAULT_COUNTY", "admin_mismatches"]

#: The county of the plan (临政办发〔2022〕9号).
DEFAULT_COUNTY = "临湘市"
#: Columns of :func:`admin_mismatches`.
ADMIN_COLUMNS = ["pond_id", "level", "stated", "part", "falls_in"]


def admin_mismatches(register: gpd.GeoDataFrame, admin: gpd.GeoDataFrame, outlines=None) -> pd.DataFrame:
    """Ponds whose point or outline lies outside their stated town or county.

    Parameters
    ----------
    register : geopandas.GeoDataFrame
        Pond points with ``pond_id`` and ``town`` (optional ``county``).
    admin : geopandas.GeoDataFrame
        Polygons with ``name`` and ``level`` (``county`` or ``town``).
    outlines : geopandas.GeoDataFrame, optional
        Pond outlines with ``pond_id``; an outline counts as outside when
        any part of it is outside the stated area.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ADMIN_COLUMNS`, one row per pond, level and part
        (``point`` or ``outline``) that is outside.  ``falls_in`` names the
        areas of that level the point or outline lies in (several for an
        outline across a border), empty when none of the layer's areas.

    Examples
    --------
    >>> from shapely import Point, box
    >>> admin = gpd.GeoDataFrame({"name": ["江南镇", "聂市镇"], "level": ["town", "town"]},
    ...     geometry=[box(113.3, 29.6, 113.4, 29.7), box(113.4, 29.6, 113.5, 29.7)], crs="EPSG:4490")
    >>> reg = gpd.GeoDataFrame({"pond_id": [1, 2], "town": ["江南镇", "江南镇"]},
    ...     geometry=[Point(113.35, 29.65), Point(113.45, 29.65)], crs="EPSG:4490")
    >>> admin_mismatches(reg, admin).values.tolist()
    [[2, 'town', '江南镇', 'point', '聂市镇']]
    """
    for col in ("name", "level"):
        if col not in admin.columns:
            raise ValueError(f"admin areas lack the column {col!r}")
    admin = to_geographic(admin, "admin")
    reg = to_geographic(register, "register")
    stated = {
        "town": reg["town"].astype(str).str.strip().to_numpy(),
        "county": (
            reg["county"].fillna(DEFAULT_COUNTY).astype(str).str.strip().to_numpy()
            if "county" in reg.columns
            else np.full(len(reg), DEFAULT_COUNTY, dtype=object)
        ),
    }
    parts = [("point", reg["pond_id"].to_numpy(), reg.geometry.values, np.arange(len(reg)))]
    if outlines is not None and len(outlines):
        out = to_geographic(outlines, "outlines")
        at = pd.Index(reg["pond_id"].to_numpy()).get_indexer(out["pond_id"].to_numpy())
        keep = at >= 0
        parts.append(("outline", out["pond_id"].to_numpy()[keep], out.geometry.values[keep], at[keep]))
    rows = []
    for level in ("county", "town"):
        areas = admin[admin["level"] == level]
        if not len(areas):
            continue
        # An area drawn as several features counts as one.
        areas = areas.assign(name=areas["name"].astype(str).str.strip()).dissolve(by="name")
        names = areas.index.to_numpy()
        geoms = np.asarray(areas.geometry.values)
        shapely.prepare(geoms)
        for part, ids, shapes, reg_pos in parts:
            # Which areas each point or outline touches, and whether the stated one covers it.
            hit_shape, hit_area = shapely.STRtree(geoms).query(shapes, predicate="intersects")
            for i, (pid, shape, want) in enumerate(zip(ids, shapes, stated[level][reg_pos], strict=True)):
                mine = hit_area[hit_shape == i]
                if any(names[j] == want and shapely.covers(geoms[j], shape) for j in mine):
                    continue
                inside = sorted({names[j] for j in mine})
                rows.append((int(pid), level, want, part, "、".join(inside)))
    return pd.DataFrame(rows, columns=ADMIN_COLUMNS).sort_values(["pond_id", "level", "part"], ignore_index=True)
