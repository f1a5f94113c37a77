"""``build_map``: put the layers, the controls and the default view together."""

from __future__ import annotations

import folium

from i18n import t

from .common import esc
from .controls import MetricScale, add_controls
from .large import is_large
from .layers import BASEMAPS, add_ban_zone, add_basemap, add_cases, add_lake, add_nofish, add_placed
from .legend import CSS
from .ponds import add_ponds
from .tools import add_outlines, add_tools
from .view import default_bounds

__all__ = ["ASSET_PREFIX", "build_map"]

#: Where the app serves Leaflet (Streamlit static serving of ./static).
ASSET_PREFIX = "/app/static/vendor/leaflet"


def build_map(
    ds,
    lang: str = "zh",
    basemap: str = "none",
    statuses: dict | None = None,
    tianditu_key: str | None = None,
    asset_prefix: str = ASSET_PREFIX,
    open_cases: dict | None = None,
) -> folium.Map:
    """Build the pond map.

    Parameters
    ----------
    ds : geo.dataset.Dataset
        Register, boundaries, zones, QA and classification.
    lang : {'zh', 'en'}
        Language of every label.
    basemap : str
        One of :data:`BASEMAPS`.  ``gaode`` shifts every layer to GCJ-02 so the
        ponds sit where they are on its tiles.
    statuses : dict of int to str, optional
        Retirement status per pond; when given, ponds are coloured by status.
    tianditu_key : str, optional
        Needed for the Tianditu basemaps.
    asset_prefix : str
        URL folder holding ``leaflet.js`` and ``leaflet.css``.
    open_cases : dict, optional
        Open source-tracing cases per site: ``{site_code: (lon, lat, count)}``;
        drawn as red rings in their own layer.

    Returns
    -------
    folium.Map
        Layers: lake (labelled provisional when it is), 1 km ban zone,
        no-fishing zones and section points, ponds; legend, layer control and
        scale bar.  The view frames the lake and the ponds near it.

    Raises
    ------
    ValueError
        For an unknown basemap, or Tianditu without a key.
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap must be one of {BASEMAPS}, got {basemap!r}")
    gcj = basemap == "gaode"
    large = is_large(ds)
    m = folium.Map(tiles=None, control_scale=False, prefer_canvas=large, zoom_start=13)
    m.add_child(MetricScale())
    m.default_js = [("leaflet", f"{asset_prefix}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{asset_prefix}/leaflet.css")]
    m.get_root().header.add_child(folium.Element(CSS), name="yehu_css")
    add_basemap(m, basemap, lang, tianditu_key)

    def group(key):
        return folium.FeatureGroup(name=esc(t(key, lang)), show=True).add_to(m)

    add_lake(group("map.layer.lake"), ds, lang, gcj)
    add_ban_zone(group("map.layer.ban"), ds, lang, gcj)
    add_nofish(group("map.layer.nofish"), ds, lang, gcj)
    if ds.placed is not None and len(ds.placed):
        add_placed(group("map.layer.placed"), ds, lang, gcj)
    if ds.outlines is not None:
        add_outlines(group("map.layer.outlines"), ds, lang, gcj)
    add_ponds(group("map.layer.ponds"), ds, lang, statuses, gcj, large=large)
    if open_cases:
        add_cases(group("map.layer.cases"), open_cases, lang, gcj)
    add_controls(m, ds, lang, bool(statuses), bool(open_cases))
    add_tools(m, lang, gcj, asset_prefix.removesuffix("/vendor/leaflet"))
    m.fit_bounds(default_bounds(ds, gcj))
    return m
