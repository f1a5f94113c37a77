"""Zone geometry from the plan: the 1 km ban zone and the no-fishing zones.

All geometry is built in EPSG:4547 (metres) and returned in EPSG:4490.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from .config import ZoneConfig
from .crs import GEOGRAPHIC, to_metric

__all__ = ["ban_zone", "nofish_zones"]

# Segments per quarter circle: the area of a 256-gon is within 0.01 % of the circle's.
QUAD_SEGS = 64


def ban_zone(lake: gpd.GeoDataFrame, config: ZoneConfig | None = None) -> gpd.GeoDataFrame:
    """Build the feed, fertiliser and drug ban zone: the lake buffered by 1 km.

    The zone includes the water itself.

    Parameters
    ----------
    lake : geopandas.GeoDataFrame
        Lake outline polygons, any CRS.
    config : ZoneConfig, optional
        ``ban_distance_m`` sets the width.

    Returns
    -------
    geopandas.GeoDataFrame
        One feature in EPSG:4490 with ``distance_m`` and ``provisional``
        (True when any lake feature is).

    Examples
    --------
    >>> from shapely import box
    >>> lake = gpd.GeoDataFrame({"provisional": [False]},
    ...     geometry=[box(500000, 3280000, 501000, 3281000)], crs="EPSG:4547")
    >>> zone = ban_zone(lake)
    >>> round(float(to_metric(zone).area.iloc[0]) / 1e6, 2)  # 1 + 4 + pi km²
    8.14
    """
    config = config or ZoneConfig()
    metric = to_metric(lake, "lake")
    shape = shapely.buffer(shapely.union_all(metric.geometry.values), config.ban_distance_m, quad_segs=QUAD_SEGS)
    provisional = bool(lake["provisional"].any()) if "provisional" in lake.columns else True
    out = gpd.GeoDataFrame(
        {"distance_m": [config.ban_distance_m], "provisional": [provisional]}, geometry=[shape], crs=metric.crs
    )
    return out.to_crs(GEOGRAPHIC)


def nofish_zones(sections: gpd.GeoDataFrame, config: ZoneConfig | None = None) -> gpd.GeoDataFrame:
    """Build the no-fishing zone around each provincial monitoring section point.

    Parameters
    ----------
    sections : geopandas.GeoDataFrame
        Section points, any CRS, with ``section_id``.
    config : ZoneConfig, optional
        ``nofish_shape`` and ``nofish_area_km2`` set the shape and size.

    Returns
    -------
    geopandas.GeoDataFrame
        One polygon per section in EPSG:4490 with ``section_id``, ``shape``,
        ``area_km2`` and ``provisional``.

    Examples
    --------
    >>> from shapely import Point
    >>> pts = gpd.GeoDataFrame({"section_id": ["S1"]},
    ...     geometry=[Point(113.42, 29.65)], crs="EPSG:4490")
    >>> round(float(to_metric(nofish_zones(pts)).area.iloc[0]) / 1e6, 3)
    1.0
    """
    config = config or ZoneConfig()
    metric = to_metric(sections, "sections")
    pts = metric.geometry.values
    if config.nofish_shape == "circle":
        shapes = shapely.buffer(pts, config.nofish_radius_m, quad_segs=QUAD_SEGS)
    else:
        h = config.nofish_half_side_m
        x, y = shapely.get_x(pts), shapely.get_y(pts)
        shapes = shapely.box(x - h, y - h, x + h, y + h)
    provisional = sections["provisional"].astype(bool).to_numpy() if "provisional" in sections.columns else True
    out = gpd.GeoDataFrame(
        {
            "section_id": sections["section_id"].to_numpy(),
            "shape": config.nofish_shape,
            "area_km2": config.nofish_area_km2,
            "provisional": provisional,
        },
        geometry=shapes,
        crs=metric.crs,
    )
    return out.to_crs(GEOGRAPHIC)
