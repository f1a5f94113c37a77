"""Every colour and line style the map uses, in one place (layers and legend read them here)."""

from __future__ import annotations

__all__ = [
    "AREA_STYLES",
    "CASE_COLOUR",
    "CASE_STYLE",
    "HIGHLIGHT_COLOUR",
    "POND_OUTLINE",
    "PLACED_STYLE",
    "SECTION_STYLE",
    "SECTION_WARN_STYLE",
    "SHARED_COLOUR",
    "STATUS_COLOURS",
    "SUSPECT_COLOUR",
    "VERIFIED_COLOUR",
    "ZONE_COLOURS",
]

#: Pond fill by zone class (also the outline of the matching area layer).
ZONE_COLOURS = {"nofish": "#7b2cbf", "lake": "#1d4ed8", "ban": "#ea580c", "outside": "#15803d"}
#: Pond fill by retirement status (``monitoring.ledger.map_status``): overdue first, it is the one
#: to act on; retired ponds fade.
STATUS_COLOURS = {
    "overdue": "#dc2626",
    "not_started": "#f97316",
    "in_progress": "#0ea5e9",
    "retired": "#9ca3af",
}
#: A pond whose printed coordinate is suspect: a dashed dark-red outline on the pond itself.
SUSPECT_COLOUR = "#b91c1c"
SHARED_COLOUR = "#111827"
VERIFIED_COLOUR = "#15803d"
#: An open source-tracing case: a solid magenta ring around the monitoring site (not dashed, not red,
#: so it never reads as a suspect coordinate).
CASE_COLOUR = "#c026d3"
CASE_STYLE = {"radius": 14, "color": CASE_COLOUR, "weight": 3, "fill": False}
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
#: A section point off the lake outline or far inside it: a thick dashed suspect-red ring.
SECTION_WARN_STYLE = SECTION_STYLE | {"color": SUSPECT_COLOUR, "weight": 4, "dashArray": "4 3"}
#: A section placed by an administrator (typed position): the section's fill in a dashed ring.
PLACED_STYLE = SECTION_STYLE | {"weight": 3, "dashArray": "3 2"}
