"""Geospatial core of Yehu Monitor: register, coordinates, boundaries, zones, QA, maps.

Pure functions over (Geo)DataFrames; never imports Streamlit.  Importing the
package locks GDAL down for the process (:mod:`geo.gdal`): five vector
drivers, no network, no VRT.
"""

from .gdal import lock_down as _lock_down

_lock_down()
