"""GDAL locked down for the whole process: five vector drivers, no network, no VRT.

GDAL picks a reader by a file's content, not its name, and some readers follow
references inside a file: an OGR VRT document names other files or URLs to
read, a GeoJSON ``crs`` link is fetched.  An uploaded file must never make the
server read its own files or call out.  So, when :mod:`geo` is imported:

- every GDAL driver except :data:`ALLOWED_DRIVERS` is deregistered (no VRT,
  HTTP, WFS, OAPIF, CSV, SQLite...), through the GDAL library pyogrio loaded;
- network access is switched off by configuration (:data:`CONFIG`): no
  ``/vsicurl/`` file is allowed, HTTP goes to a closed local port, no
  ``/vsistdin/``, no remote resource may point at a local file, no PROJ grid
  downloads.

:func:`ensure_locked` is called before every read of a boundary file and
refuses to go on when another driver has been registered again.

Examples
--------
>>> import pyogrio
>>> lock_down()
>>> sorted(pyogrio.list_drivers()) == sorted(ALLOWED_DRIVERS)
True
>>> pyogrio.get_gdal_config_option("CPL_ALLOW_VSISTDIN")
'NO'
"""

from __future__ import annotations

import ctypes
import os
import threading

import pyogrio

__all__ = ["ALLOWED_DRIVERS", "CONFIG", "GdalLockError", "ensure_locked", "lock_down"]

#: The only GDAL drivers left registered: the formats boundary files may come in.
ALLOWED_DRIVERS = ("GeoJSON", "GPKG", "ESRI Shapefile", "KML", "LIBKML")

#: GDAL configuration options set for the process.
CONFIG = {
    # /vsicurl/ and friends: only a file name that cannot exist is allowed.
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/nonexistent/network-disabled",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".network-disabled",
    # Any other HTTP request goes through a proxy on a closed local port, and gives up at once.
    "GDAL_HTTP_PROXY": "127.0.0.1:9",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "CPL_ALLOW_VSISTDIN": "NO",
    "GDAL_ALLOW_REMOTE_RESOURCE_TO_ACCESS_LOCAL_FILE": "NO",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
    "GDAL_VRT_ENABLE_RAWRASTERBAND": "NO",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    "PROJ_NETWORK": "OFF",
}

_lock = threading.Lock()


class GdalLockError(RuntimeError):
    """GDAL could not be locked down; no boundary file is read."""


def _libgdal() -> ctypes.CDLL:
    # The GDAL that pyogrio loaded (a bundled copy in wheels, else the system one).
    with open("/proc/self/maps", encoding="utf-8", errors="replace") as fh:
        paths = {line.split()[-1] for line in fh if "libgdal" in line and "/" in line}
    if len(paths) != 1:
        raise GdalLockError(f"expected one loaded libgdal, found {sorted(paths)}")
    lib = ctypes.CDLL(paths.pop())
    lib.GDALGetDriverCount.restype = ctypes.c_int
    lib.GDALGetDriver.restype = ctypes.c_void_p
    lib.GDALGetDriver.argtypes = [ctypes.c_int]
    lib.GDALGetDriverShortName.restype = ctypes.c_char_p
    lib.GDALGetDriverShortName.argtypes = [ctypes.c_void_p]
    lib.GDALDeregisterDriver.restype = None
    lib.GDALDeregisterDriver.argtypes = [ctypes.c_void_p]
    return lib


def lock_down() -> None:
    """Deregister every driver but :data:`ALLOWED_DRIVERS` and set :data:`CONFIG` (idempotent).

    Raises
    ------
    GdalLockError
        When the GDAL library cannot be found in the process.
    """
    with _lock:
        for key in ("PROJ_NETWORK",):
            os.environ[key] = CONFIG[key]
        pyogrio.set_gdal_config_options(CONFIG)
        lib = _libgdal()
        handles = [lib.GDALGetDriver(i) for i in range(lib.GDALGetDriverCount())]
        for h in handles:
            if lib.GDALGetDriverShortName(h).decode() not in ALLOWED_DRIVERS:
                lib.GDALDeregisterDriver(h)
    try:
        import pyproj.network

        pyproj.network.set_network_enabled(False)
    except ImportError:  # pragma: no cover - pyproj comes with geopandas
        pass


def ensure_locked() -> None:
    """Check the lock-down still holds (lock down again if not) before GDAL reads a file.

    Raises
    ------
    GdalLockError
        When a driver outside :data:`ALLOWED_DRIVERS` stays registered.
    """
    if set(pyogrio.list_drivers()) <= set(ALLOWED_DRIVERS):
        return
    lock_down()
    extra = set(pyogrio.list_drivers()) - set(ALLOWED_DRIVERS)
    if extra:
        raise GdalLockError(f"GDAL drivers still registered: {sorted(extra)}")
