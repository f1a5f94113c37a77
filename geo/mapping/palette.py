"""Every colour and line style the map uses, in one place (layers and legend read them here)."""

from __future__ import annotations

__all__ = [
    "AREA_STYLES",
    "CASE_COLOUR",
    "HIGHLIGHT_COLOUR",
    "POND_OUTLINE",
    "SECTION_STYLE",
    "SHARED_COLOUR",
    "STATUS_COLOURS",
    "SUSPECT_COLOUR",
    "VERIFIED_COLOUR",
    "ZONE_COLOURS",
]

#: Pond fill by zone class (also the outline of the matching area layer).
ZONE_COLOURS = {"nofish": "#7b2cbf", "lake": "#1d4ed8", "ban": "#ea580c", "outside": "#15803d"}
#: Pond fill by retirement status, used when statuses are known (see monitoring).
STATUS_COLOURS = {
    "not_started": "#dc2626",
    "in_progress": "#f59e0b",
    "retired": "#6b7280",
}
SUSPECT_COLOUR = "#b91c1c"
SHARED_COLOUR = "#111827"
VERIFIED_COLOUR = "#15803d"
CASE_COLOUR = "#dc2626"
#: The selected pond's ring and a hovered pond's outline.
HIGHLIGHT_COLOUR = "#facc15"
POND_OUTLINE = "#ffffff"

#: Area layers: the lake, the 1 km ban zone and the no-fishing zones.
AREA_STYLES = {
    "lake": {"color": ZONE_COLOURS["lake"], "weight": 2, "fillColor": "#60a5fa", "fillOpacity": 0.35},
    "ban": {
        "color": ZONE_COLOURS["ban"],
        "weight": 2,
        "dashArray": "6 4",
        "fillColor": "#fdba74",
        "fillOpacity": 0.15,
    },
    "nofish": {"color": ZONE_COLOURS["nofish"], "weight": 2, "fillColor": "#c084fc", "fillOpacity": 0.3},
}
#: Section points (the monitoring sections at the lake's inlets and outlet).
SECTION_STYLE = {"color": POND_OUTLINE, "weight": 2, "fillColor": ZONE_COLOURS["nofish"], "fillOpacity": 1}
