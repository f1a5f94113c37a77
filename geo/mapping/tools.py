"""Map tools (全屏, 测量, 定位, cursor coordinates, PNG export) and the pond outline layer.

The tools are a small script of the project's own (``static/tools/yehu-tools.js``)
and the vendored ``html-to-image`` for the PNG; both are served by the app, so
the map still makes no outside request.  On the Gaode basemap the map's
coordinates are GCJ-02: the cursor shows the CGCS2000/WGS84 position and the
GCJ-02 reading, and areas are measured after converting back.
"""

from __future__ import annotations

import folium
from branca.element import MacroElement
from jinja2 import Template

from i18n import t

from ..provenance import describe_provenance, source_label
from .common import esc, geojson

__all__ = ["TOOL_KEYS", "TOOLS_PREFIX", "MapTools", "add_outlines", "add_tools"]

#: Where the app serves the tools (Streamlit static serving of ./static).
TOOLS_PREFIX = "/app/static"
#: Catalogue keys of the tools' texts, by the name the script uses.
TOOL_KEYS = {
    "fullscreen": "tools.fullscreen",
    "measure": "tools.measure",
    "locate": "tools.locate",
    "export": "tools.export",
    "cursor_hint": "tools.cursor_hint",
    "cgcs": "tools.cgcs",
    "gcj": "tools.gcj",
    "measure_hint": "tools.measure_hint",
    "length": "tools.length",
    "area": "tools.area",
    "mu": "tools.mu",
    "located": "tools.located",
    "locate_insecure": "tools.locate_insecure",
    "locate_failed": "tools.locate_failed",
    "exported": "tools.exported",
    "export_failed": "tools.export_failed",
}


class MapTools(MacroElement):
    """Adds the tool bar and the coordinate/measure read-out to the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (window.YehuTools) {
            window.YehuTools.add({{ this._parent.get_name() }}, {{ this.options|tojson }});
        }
        {% endmacro %}
        """
    )

    def __init__(self, lang: str, gcj: bool):
        super().__init__()
        self._name = "MapTools"
        self.options = {"gcj": gcj, "labels": {k: t(v, lang) for k, v in TOOL_KEYS.items()}}


def add_outlines(group, ds, lang: str, gcj: bool) -> None:
    """Pond outlines (when there is a layer), with the pond number and the area check in the tooltip."""
    cls = ds.classification.set_index("pond_id")
    gdf = ds.outlines.gdf
    known = gdf[gdf.pond_id.isin(cls.index)]
    checks = cls.loc[known.pond_id]
    layer = known.assign(
        label=[esc(f"{p}") for p in known.pond_id],
        check=[esc(t(f"area_check.{a}", lang)) if a else "" for a in checks.area_check],
        prov=[esc(p) for p in describe_provenance(known, lang)],  # each outline's own, not its layer's newest
        src=[esc(source_label(s, lang)) for s in known.source],
    )[["label", "check", "prov", "src", "geometry"]]
    folium.GeoJson(
        geojson(layer, gcj),
        name="outlines",
        style_function=lambda f: {"color": "#1d4ed8", "weight": 2, "fillOpacity": 0.05},
        tooltip=folium.GeoJsonTooltip(
            ["label", "check", "prov", "src"],
            aliases=[
                esc(t(k, lang)) for k in ("field.pond_id", "field.area_check", "prov.map.provenance", "map.source")
            ],
        ),
    ).add_to(group)


def add_tools(m: folium.Map, lang: str, gcj: bool, prefix: str = TOOLS_PREFIX) -> None:
    """Load the tools' files and add them to ``m``."""
    m.default_js = [
        *m.default_js,
        ("html_to_image", f"{prefix}/vendor/html-to-image/html-to-image.js"),
        ("yehu_tools", f"{prefix}/tools/yehu-tools.js"),
    ]
    m.default_css = [*m.default_css, ("yehu_tools_css", f"{prefix}/tools/yehu-tools.css")]
    m.add_child(MapTools(lang, gcj))
