"""Map controls: the metric scale bar, fixed-HTML controls (legend, banner) and the layer switcher."""

from __future__ import annotations

import folium
from branca.element import MacroElement
from jinja2 import Template

from i18n import t

from .common import esc
from .legend import legend_html

__all__ = ["FixedControl", "MetricScale", "add_controls"]


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres only."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


class FixedControl(MacroElement):
    """A Leaflet control holding fixed HTML (legend, provisional banner)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create('div', {{ this.css_class|tojson }});
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, position: str, css_class: str):
        super().__init__()
        self._name = "Control"
        self.html = html_text
        self.position = position
        self.css_class = css_class


def add_controls(m: folium.Map, ds, lang: str, statuses: bool, cases: bool) -> None:
    """Layer switcher, legend and (for provisional boundaries) the banner."""
    folium.LayerControl(collapsed=False).add_to(m)
    # Bottom left: the west of the default view is nearly empty, the ponds lie east and centre.
    m.add_child(FixedControl(legend_html(lang, statuses, ds.provisional, cases), "bottomleft", "yehu-legend"))
    if ds.provisional:
        m.add_child(FixedControl(esc(t("map.banner.short", lang)), "topleft", "yehu-banner"))
