"""Coordinate reference systems, datum policy and the GCJ-02 offset.

Policy
------
* Geographic coordinates are CGCS2000 (EPSG:4490).  WGS84 (EPSG:4326) is
  treated as the same datum: the two differ by well under one metre, far less
  than the uncertainty of any coordinate in the register.
* Every metric operation — buffers, distances, areas — runs in CGCS2000 /
  3-degree Gauss-Kruger CM 114E (EPSG:4547), never in degrees.
* GCJ-02 is the obfuscated datum of Gaode/AMap and Tencent maps.  Points read
  off those maps are converted with :func:`gcj02_to_wgs84`; layers drawn on
  their tiles are converted with :func:`wgs84_to_gcj02`.  At Yehu the offset is
  about 640 m.
"""

from __future__ import annotations

import threading

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from pyproj import Transformer

from i18n.errors import UserError

from .parallel import run_parallel, thread_count

__all__ = [
    "GEOGRAPHIC",
    "METRIC",
    "CRSError",
    "gcj02_to_wgs84",
    "project_xy",
    "metric_xy",
    "geometry_to_gcj02",
    "to_geographic",
    "to_metric",
    "wgs84_to_gcj02",
]

#: CGCS2000 geographic; the CRS of every stored coordinate.
GEOGRAPHIC = "EPSG:4490"
#: CGCS2000 / 3-degree Gauss-Kruger CM 114E; the CRS of every metric operation.
METRIC = "EPSG:4547"

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323


class CRSError(UserError):
    """A GeoDataFrame without a CRS, or in a CRS that cannot be used.

    A :class:`~i18n.errors.UserError` with a code below ``crs.``.
    """

    default_code = "crs.missing"


def _require_crs(gdf: gpd.GeoDataFrame, name: str) -> None:
    if not isinstance(gdf, gpd.GeoDataFrame | gpd.GeoSeries):
        raise TypeError(f"{name} must be a GeoDataFrame or GeoSeries, got {type(gdf).__name__}")
    if gdf.crs is None:
        raise CRSError("crs.missing")


def to_metric(gdf, name: str = "layer"):
    """Project a layer to EPSG:4547 for metric work.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame or geopandas.GeoSeries
        Any layer with a CRS.
    name : str
        Used in error messages.

    Returns
    -------
    geopandas.GeoDataFrame or geopandas.GeoSeries

    Raises
    ------
    CRSError
        If the layer has no CRS.

    Examples
    --------
    >>> from shapely import Point
    >>> s = gpd.GeoSeries([Point(114.0, 29.6)], crs=GEOGRAPHIC)
    >>> round(to_metric(s).x.iloc[0])
    500000
    """
    _require_crs(gdf, name)
    return gdf.to_crs(METRIC)


_local = threading.local()


def _transformer(src: str) -> Transformer:
    # One Transformer per thread: the app serves sessions on several threads.
    cache = _local.__dict__.setdefault("transformers", {})
    if src not in cache:
        cache[src] = Transformer.from_crs(src, METRIC, always_xy=True)
    return cache[src]


def metric_xy(gdf, name: str = "layer") -> tuple[np.ndarray, np.ndarray]:
    """EPSG:4547 coordinates of a point layer, as two arrays.

    Projects coordinate arrays directly, without building new geometries:
    much cheaper than ``to_crs`` for a million points.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame or geopandas.GeoSeries
        Points with a CRS.
    name : str
        Used in error messages.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Easting and northing in metres.

    Raises
    ------
    CRSError
        If the layer has no CRS.
    ValueError
        If a geometry is not a point.

    Examples
    --------
    >>> from shapely import Point
    >>> x, y = metric_xy(gpd.GeoSeries([Point(114.0, 29.6)], crs=GEOGRAPHIC))
    >>> round(float(x[0]))
    500000
    """
    _require_crs(gdf, name)
    geoms = np.asarray(gdf.geometry.values if isinstance(gdf, gpd.GeoDataFrame) else gdf.values)
    if len(geoms) and not (shapely.get_type_id(geoms) == 0).all():
        raise ValueError(f"{name} must be points")
    return project_xy(shapely.get_x(geoms), shapely.get_y(geoms), gdf.crs)


def project_xy(x, y, crs) -> tuple[np.ndarray, np.ndarray]:
    """Coordinate arrays from ``crs`` (anything pyproj reads) to EPSG:4547, on several threads for large inputs.

    Examples
    --------
    >>> x, y = project_xy(np.array([114.0]), np.array([29.6]), GEOGRAPHIC)
    >>> round(float(x[0]))
    500000
    """
    crs = pyproj.CRS.from_user_input(crs)
    if crs.to_epsg() == 4547:
        return x, y
    src = crs.to_wkt()
    threads = thread_count(len(x))
    if threads == 1:
        return _transformer(src).transform(x, y)
    out_x, out_y = np.empty_like(x), np.empty_like(y)

    def work(span):  # PROJ releases the GIL: halves project in parallel
        a, b = span
        out_x[a:b], out_y[a:b] = _transformer(src).transform(x[a:b], y[a:b])

    bounds = np.linspace(0, len(x), threads + 1).astype(int)
    run_parallel(work, list(zip(bounds[:-1], bounds[1:], strict=True)), threads)
    return out_x, out_y


def to_geographic(gdf, name: str = "layer"):
    """Project a layer to CGCS2000 geographic (EPSG:4490).

    WGS84 input is relabelled, not shifted: the datums are treated as equal.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame or geopandas.GeoSeries
        Any layer with a CRS.
    name : str
        Used in error messages.

    Returns
    -------
    geopandas.GeoDataFrame or geopandas.GeoSeries

    Raises
    ------
    CRSError
        If the layer has no CRS.
    """
    _require_crs(gdf, name)
    if gdf.crs.to_epsg() == 4326:
        return gdf.set_crs(GEOGRAPHIC, allow_override=True)
    return gdf.to_crs(GEOGRAPHIC)


def _out_of_china(lon, lat):
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon, lat):
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat += common + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon += common + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon, lat):
    """Shift WGS84/CGCS2000 coordinates to GCJ-02.

    Points outside China are returned unchanged, as GCJ-02 defines them.

    Parameters
    ----------
    lon, lat : float or array-like
        Decimal degrees.

    Returns
    -------
    tuple of (float or numpy.ndarray)
        GCJ-02 longitude and latitude.

    Examples
    --------
    >>> lon, lat = wgs84_to_gcj02(121.5272106, 31.1774276)
    >>> round(lon, 6), round(lat, 6)
    (121.531542, 31.175304)
    """
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lon_a, lat_a)
    outside = _out_of_china(lon_a, lat_a)
    out_lon = np.where(outside, lon_a, lon_a + dlon)
    out_lat = np.where(outside, lat_a, lat_a + dlat)
    if out_lon.ndim == 0:
        return float(out_lon), float(out_lat)
    return out_lon, out_lat


def gcj02_to_wgs84(lon, lat, tol: float = 1e-9, max_iter: int = 30):
    """Invert :func:`wgs84_to_gcj02` by fixed-point iteration.

    The forward shift is smooth, so each iteration refines the estimate; the
    result round-trips to well under a millimetre (``tol`` is in degrees).

    Parameters
    ----------
    lon, lat : float or array-like
        GCJ-02 decimal degrees.
    tol : float
        Stop when every point moved less than this many degrees.
    max_iter : int
        Upper bound on iterations.

    Returns
    -------
    tuple of (float or numpy.ndarray)
        WGS84/CGCS2000 longitude and latitude.

    Examples
    --------
    >>> lon, lat = gcj02_to_wgs84(121.531541859215, 31.17530398364597)
    >>> round(lon, 7), round(lat, 7)
    (121.5272106, 31.1774276)
    """
    g_lon, g_lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(max_iter):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        e_lon, e_lat = np.asarray(f_lon) - g_lon, np.asarray(f_lat) - g_lat
        w_lon, w_lat = w_lon - e_lon, w_lat - e_lat
        if max(np.max(np.abs(e_lon), initial=0), np.max(np.abs(e_lat), initial=0)) < tol:
            break
    if w_lon.ndim == 0:
        return float(w_lon), float(w_lat)
    return w_lon, w_lat


def geometry_to_gcj02(geoms):
    """Shift geometries from WGS84/CGCS2000 degrees to GCJ-02 degrees.

    Parameters
    ----------
    geoms : geopandas.GeoSeries or array of shapely geometries
        In EPSG:4490 or EPSG:4326.

    Returns
    -------
    numpy.ndarray of shapely geometries
    """
    arr = np.asarray(geoms.values if hasattr(geoms, "values") else geoms, dtype=object)

    def shift(coords):
        lon, lat = wgs84_to_gcj02(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(arr, shift)
