"""Map controls: the metric scale bar, fixed-HTML controls (legend, banner) and the layer switcher."""

from __future__ import annotations

import folium
from branca.element import MacroElement
from jinja2 import Template

from i18n import t

from .common import esc
from .legend import legend_html

__all__ = ["WIDE_PX", "CollapseWhenNarrow", "FixedControl", "MetricScale", "add_controls"]

#: From this map width on, the legend opens and the layer list shows; below it (a phone) both
#: stay buttons, so no control covers a pond.
WIDE_PX = 600


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
            {% if this.open_from_px %}
            // Open on a wide map; on a phone it stays a one-line button over the map's corner.
            var details = div.querySelector('details');
            if (details && {{ this._parent.get_name() }}.getSize().x >= {{ this.open_from_px }}) {
                details.open = true;
            }
            {% endif %}
            L.DomEvent.disableClickPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, position: str, css_class: str, open_from_px: int | None = None):
        super().__init__()
        self._name = "Control"
        self.html = html_text
        self.position = position
        self.css_class = css_class
        self.open_from_px = open_from_px


class CollapseWhenNarrow(MacroElement):
    """Collapse a layer control to its button on a map narrower than ``width_px`` (a phone)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if ({{ this._parent.get_name() }}.getSize().x < {{ this.width_px }}) {
            {{ this.control.get_name() }}.collapse();
        }
        {% endmacro %}
        """
    )

    def __init__(self, control, width_px: int):
        super().__init__()
        self._name = "CollapseWhenNarrow"
        self.control = control
        self.width_px = width_px


def add_controls(m: folium.Map, ds, lang: str, statuses: bool, cases: bool) -> None:
    """Layer switcher, legend and (for provisional boundaries) the banner."""
    layers = folium.LayerControl(collapsed=False).add_to(m)
    m.add_child(CollapseWhenNarrow(layers, WIDE_PX))
    # Bottom left: the west of the default view is nearly empty, the ponds lie east and centre.
    legend = legend_html(lang, statuses, ds.which_provisional, cases)
    m.add_child(FixedControl(legend, "bottomleft", "yehu-legend", open_from_px=WIDE_PX))
    if ds.which_provisional:
        m.add_child(FixedControl(esc(t(f"prov.short.{ds.which_provisional}", lang)), "topleft", "yehu-banner"))
