"""Map views: the default frame, all ponds' bounds, and centre/zoom for a viewport."""

from __future__ import annotations

import math

import numpy as np
import shapely

from ..crs import GEOGRAPHIC, geometry_to_gcj02

__all__ = ["all_ponds_bounds", "default_bounds", "points_bounds", "view_for"]


def default_bounds(ds, gcj: bool = False) -> list[list[float]]:
    """``[[south, west], [north, east]]`` framing the lake, its zones and the ponds near it (far ones left out)."""
    far = {p for p, r in ds.qa.items() if any(f.code == "far" for f in r.flags)}
    near = ds.register[~ds.register.pond_id.isin(far)]
    parts = [ds.ban_zone.geometry.values, ds.nofish_zones.geometry.values, near.to_crs(GEOGRAPHIC).geometry.values]
    minx, miny, maxx, maxy = shapely.total_bounds(np.concatenate(parts))
    if gcj:
        sw, ne = geometry_to_gcj02([shapely.Point(minx, miny), shapely.Point(maxx, maxy)])
        return [[sw.y, sw.x], [ne.y, ne.x]]
    return [[miny, minx], [maxy, maxx]]


def view_for(bounds, width_px: int = 600, height_px: int = 600) -> tuple[tuple[float, float], int]:
    """Centre and Web Mercator zoom that fit ``[[south, west], [north, east]]`` in a viewport.

    Parameters
    ----------
    bounds : sequence
        ``[[south, west], [north, east]]`` in degrees.
    width_px, height_px : int
        Viewport size.

    Returns
    -------
    ((float, float), int)
        ``(lat, lon)`` and a zoom level from 1 to 18.

    Examples
    --------
    >>> view_for([[29.2, 113.2], [29.7, 113.5]])
    ((29.45, 113.35), 10)
    """
    (s, w), (n, e) = bounds

    def merc_y(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_frac = max(e - w, 1e-9) / 360
    lat_frac = max(merc_y(n) - merc_y(s), 1e-9) / (2 * math.pi)
    zoom = min(math.log2(width_px / 256 / lon_frac), math.log2(height_px / 256 / lat_frac))
    return ((s + n) / 2, (w + e) / 2), max(1, min(18, int(math.floor(zoom))))


def all_ponds_bounds(ds) -> list[list[float]]:
    """Bounds ``[[south, west], [north, east]]`` of every pond as printed, far ones included.

    Parameters
    ----------
    ds : geo.dataset.Dataset

    Returns
    -------
    list of list of float
    """
    minx, miny, maxx, maxy = ds.register.to_crs(GEOGRAPHIC).total_bounds
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def points_bounds(gdf, gcj: bool = False, pad_deg: float = 0.02) -> list[list[float]]:
    """``[[south, west], [north, east]]`` around some points (a body's placed sections), padded.

    Examples
    --------
    >>> import geopandas as gpd
    >>> pts = gpd.GeoDataFrame(geometry=[shapely.Point(113.5, 29.5)], crs=GEOGRAPHIC)
    >>> points_bounds(pts, pad_deg=0.01)
    [[29.49, 113.49], [29.51, 113.51]]
    """
    minx, miny, maxx, maxy = gdf.to_crs(GEOGRAPHIC).total_bounds
    minx, miny, maxx, maxy = minx - pad_deg, miny - pad_deg, maxx + pad_deg, maxy + pad_deg
    if gcj:
        sw, ne = geometry_to_gcj02([shapely.Point(minx, miny), shapely.Point(maxx, maxy)])
        return [[sw.y, sw.x], [ne.y, ne.x]]
    return [[round(float(miny), 9), round(float(minx), 9)], [round(float(maxy), 9), round(float(maxx), 9)]]
