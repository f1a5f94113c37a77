"""Helpers every map part shares: escaping, GeoJSON output and the GCJ-02 shift."""

from __future__ import annotations

import html
import json
import math

import geopandas as gpd
import numpy as np
import shapely

from ..crs import GEOGRAPHIC, geometry_to_gcj02

__all__ = ["esc", "geojson", "shifted"]


def esc(value) -> str:
    """HTML-escape a value for a tooltip, popup or label ('' for None and NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def geojson(gdf: gpd.GeoDataFrame, gcj: bool, precision: int = 6) -> dict:
    """A FeatureCollection in EPSG:4490 (or shifted to GCJ-02), coordinates rounded to ``precision``."""
    g = gdf.to_crs(GEOGRAPHIC)
    geoms = g.geometry.values
    if gcj:
        geoms = geometry_to_gcj02(geoms)
    geoms = shapely.set_precision(np.asarray(geoms), 10**-precision)
    props = g.drop(columns="geometry").to_dict("records")
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": p, "geometry": json.loads(shapely.to_geojson(geom))}
            for p, geom in zip(props, geoms, strict=True)
        ],
    }


def shifted(lon: float, lat: float, gcj: bool) -> tuple[float, float]:
    """``(lon, lat)`` as drawn: unchanged, or shifted to GCJ-02 for the Gaode basemap."""
    if not gcj:
        return lon, lat
    return geometry_to_gcj02([shapely.Point(lon, lat)])[0].coords[0]
