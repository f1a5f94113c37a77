"""Map tools: 全屏 fullscreen, 测量 distance and area, 定位 my position, cursor coordinates, PNG export.

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

__all__ = ["TOOL_KEYS", "TOOLS_PREFIX", "MapTools", "add_tools"]

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


def add_tools(m: folium.Map, lang: str, gcj: bool, prefix: str = TOOLS_PREFIX) -> None:
    """Load the tools' files and add them to ``m``."""
    m.default_js = [
        *m.default_js,
        ("html_to_image", f"{prefix}/vendor/html-to-image/html-to-image.js"),
        ("yehu_tools", f"{prefix}/tools/yehu-tools.js"),
    ]
    m.default_css = [*m.default_css, ("yehu_tools_css", f"{prefix}/tools/yehu-tools.css")]
    m.add_child(MapTools(lang, gcj))
