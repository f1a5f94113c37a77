"""The pond map as a Streamlit components-v2 element: in the page (no iframe), Leaflet loaded once.

``pond_map`` mounts the map (its payload unchanged between runs, so Streamlit's message cache
sends only a reference) and a small ``view`` element carrying the selection ring and the view.
A click on the map comes back as ``{"pond": id or None, "lat": .., "lng": ..}`` (map
coordinates: GCJ-02 on the Gaode basemap). For accounts that may draw, ``edit`` adds the
drawing panel (``static/tools/yehu-draw.js``); a drawing comes back once, on save, as the
``saved`` trigger, whose callback stores it before the page runs again.
"""

from pathlib import Path

import streamlit as st

from geo.mapping.palette import HIGHLIGHT_COLOUR

_JS = (Path(__file__).with_name("map_component.js")).read_text(encoding="utf-8")
_CSS = """
.yehu-map { height: 620px; }
.yehu-map-holder { height: 100%; }
@media (max-width: 640px) {
  .yehu-map { height: calc(100dvh - 210px); min-height: 320px; }
}
.st-key-pond_map_view { display: none; }
"""
_map = st.components.v2.component("yehu.pond_map", js=_JS, css=_CSS, isolate_styles=False)
_view = st.components.v2.component("yehu.pond_map_view", js=_JS, isolate_styles=False)

RING = {"radius": 16, "color": HIGHLIGHT_COLOUR, "weight": 4, "fill": False}


def pond_map(
    key: str,
    parts: dict,
    home: list,
    selected: tuple | None,
    tip: str,
    view: dict | None,
    seq: int,
    edit: dict | None = None,
    on_save=None,
    refused: str | None = None,
    frame: str = "wgs",
):
    """Mount the map and its view; returns the click of this run (or None).

    Parameters
    ----------
    key : str
        Identifies the map's content (data version, language, basemap, statuses, cases).
    parts : dict
        ``geo.mapping.embed.map_parts`` of the built map.
    home : list
        The default view's bounds ``[[south, west], [north, east]]``.
    selected : (lat, lng) or None
        Where the selected pond is drawn.
    tip : str
        The ring's tooltip (escaped).
    view : dict or None
        ``{"center": [lat, lng], "zoom": z}``, or None for the default view.
    seq : int
        Changes whenever the view should be applied again.
    edit : dict, optional
        ``geo.drawing.edit_options`` for an account that may draw; None: no drawing tools.
    on_save : callable, optional
        Called (before the next run) when a drawing was saved; it reads the drawing from
        ``st.session_state["pond_map"]["saved"]``.
    refused : str, optional
        Why the last drawing was not stored (shown in the drawing panel, as plain text).
    frame : {'wgs', 'gcj'}
        The map's coordinates (``gcj``: the Gaode basemap). A map built again in the same
        frame keeps the user's centre and zoom (a save, a new status); in another, the view
        the page asks for, else the default.
    """
    leaflet = {"js": parts["js"], "css": parts["css_links"]}
    data = {"key": key, "parts": parts, "home": home, "leaflet": leaflet, "frame": frame}
    if edit is not None:
        data["edit"] = edit
    result = _map(
        key="pond_map",
        data=data,
        on_clicked_change=lambda: None,
        on_saved_change=on_save or (lambda: None),
    )
    ring = {"lat": selected[0], "lng": selected[1], "style": RING, "tip": tip} if selected else None
    _view(key="pond_map_view", data={"key": key, "selected": ring, "view": view, "seq": seq, "refused": refused})
    return result.clicked if result is not None else None
