"""Build the pond map as a ``folium.Map`` (no Streamlit here).

Offline by construction: the map loads only Leaflet, from ``asset_prefix``
(the app serves ``static/vendor/leaflet`` at ``/app/static/vendor/leaflet``),
and uses only Leaflet-core features — GeoJson layers, circle markers,
tooltips, GeoJsonPopup, the layer control and the scale bar.  Basemap tiles
are optional; the default is none.

Every user-supplied string is HTML-escaped before it reaches a tooltip, a
popup or the legend: folium's GeoJsonTooltip/GeoJsonPopup insert property
values with ``innerHTML``.

Modules, by what they draw:

- ``build``: :func:`build_map` puts the parts together.
- ``layers``: basemaps, lake, ban zone, no-fishing zones and sections, open cases, the selection ring.
- ``ponds``: where ponds are drawn (shared points fanned out), their styles, tooltips and popups,
  the pond table and click lookup.
- ``large``: the slim path for maps of thousands of ponds.
- ``legend``: the legend and the stylesheet.
- ``controls``: scale bar, fixed-HTML controls, layer switcher.
- ``tools``: 全屏, 测量, 定位, cursor coordinates and PNG export (``static/tools/``).
- ``view``: default frame, all-pond bounds, centre and zoom for a viewport.
- ``embed``: a built map as parts to embed in a page without an iframe.
- ``palette``: every colour.
"""

from .build import ASSET_PREFIX, build_map
from .embed import map_parts
from .large import CANVAS_FROM
from .layers import BASEMAPS, placed_provenance, selection_layer
from .palette import (
    CASE_COLOUR,
    SHARED_COLOUR,
    STATUS_COLOURS,
    SUSPECT_COLOUR,
    VERIFIED_COLOUR,
    ZONE_COLOURS,
)
from .ponds import FAN_RADIUS_M, display_positions, drawn_position, pond_at, pond_table, zone_text
from .view import all_ponds_bounds, default_bounds, points_bounds, view_for

__all__ = [
    "ASSET_PREFIX",
    "BASEMAPS",
    "CANVAS_FROM",
    "CASE_COLOUR",
    "FAN_RADIUS_M",
    "SHARED_COLOUR",
    "STATUS_COLOURS",
    "SUSPECT_COLOUR",
    "VERIFIED_COLOUR",
    "ZONE_COLOURS",
    "all_ponds_bounds",
    "build_map",
    "default_bounds",
    "points_bounds",
    "display_positions",
    "drawn_position",
    "map_parts",
    "placed_provenance",
    "pond_at",
    "pond_table",
    "selection_layer",
    "view_for",
    "zone_text",
]
