"""Drawing on the map page: the panel's data for accounts that may draw, the save, the versions in use.

Drawing happens in the browser (``static/tools/yehu-draw.js``); the page hears of it once,
when the drawing is saved (the map component's ``saved`` trigger). The save runs as the
trigger's callback, before the page's script, so the run that follows already shows the
new version: saving reruns the page once.
"""

import pandas as pd
import streamlit as st

from geo.drawing import DrawingError, drawn_layer, edit_options
from geo.provenance import source_label as provenance_source_label
from i18n.errors import UserError
from monitoring import clock
from monitoring.auth import PermissionDenied
from ui.auth import actor, can
from ui.data import current_dataset, dataset, store
from ui.i18n import lang, tr
from ui.widgets import error_text, plain

#: The action a drawing is stored under (see monitoring/auth.py::ACTIONS).
ACTION = "boundary.upload"
MAP_KEY = "pond_map"
FLASH = "_draw_flash"


def may_draw() -> bool:
    """Whether the logged-in account gets the drawing tools."""
    return can(ACTION)


@st.cache_data(show_spinner=False, max_entries=16)
def _options(version: tuple, language: str, basemap: str) -> dict:
    return edit_options(dataset(version), language, basemap)


def panel_data(version: tuple, basemap: str) -> dict | None:
    """The drawing panel's data for this account (None: no drawing tools)."""
    return _options(version, lang(), basemap) if may_draw() else None


def save(basemap: str) -> None:
    """Store the drawing the map sent as a new version of its layer (the ``saved`` callback)."""
    state = st.session_state.get(MAP_KEY) or {}
    payload = state.get("saved") if isinstance(state, dict) else None
    if not payload:
        return
    me = actor()
    try:
        if me is None:
            raise PermissionDenied("permission.no_actor", action=ACTION)
        today = clock.today()
        d = drawn_layer(payload, current_dataset(), basemap, basemap == "gaode", today, me.name)
        vid = store().register.upload_boundary(
            d.kind,
            d.filename,
            d.content,
            user=me,
            note=d.note,
            provenance=d.provenance,
            prov_source=d.prov_source,
            prov_date=today,
            prov_by=me.name,
            drawing=True,
        )
    except (DrawingError, UserError) as exc:
        st.session_state[FLASH] = ("error", error_text(exc), exc.message(lang()))
        return
    layer = tr(f"draw.kind.{d.kind}") + (f" {d.pond}" if d.pond is not None else "")
    st.session_state[FLASH] = ("success", tr("draw.saved", layer=layer, id=vid), None)


def refused() -> str | None:
    """Why the drawing just saved was not stored (plain text, for the drawing panel), or None."""
    return st.session_state.get(FLASH, (None, None, None))[2]


def flash() -> None:
    """The outcome of the last save, once."""
    if FLASH in st.session_state:
        kind, text, _ = st.session_state.pop(FLASH)
        (st.success if kind == "success" else st.error)(text)


def source_label(prov_source) -> str:
    """A version's source as the reader reads it (a drawing names its basemap); plain text."""
    return provenance_source_label(prov_source, lang())


def source_text(prov_source: str) -> str:
    """:func:`source_label`, Markdown-escaped."""
    return plain(source_label(prov_source))


def current_versions(ds) -> None:
    """Which version of each layer is in use, with its provenance (shown to every reader)."""
    versions = store().register.current_versions()
    lines = []
    for kind, layer in (("lake", ds.lake), ("sections", ds.sections), ("ponds", ds.outlines)):
        name = tr(f"draw.kind.{kind}")
        v = versions.get(kind)
        if v is None:
            if layer is not None:
                lines.append(tr("draw.version_shipped", layer=name, file=plain(layer.path.name)))
            continue
        prov = v.get("provenance")
        parts = [
            tr(f"boundary.provenance.{prov}")
            if prov
            else tr("admin.provisional" if layer.provisional else "admin.not_provisional")
        ]
        if v.get("prov_source"):
            parts.append(source_text(v["prov_source"]))
        if v.get("note"):
            parts.append(plain(v["note"]))
        when = pd.Timestamp(v["recorded_at"]).tz_localize("UTC").tz_convert(clock.TZ).strftime("%Y-%m-%d %H:%M")
        lines.append(
            tr(
                "draw.version",
                layer=name,
                id=v["id"],
                provenance=tr("list.sep").join(parts),
                who=plain(v.get("prov_by") or v["recorded_by"]),
                when=when,
            )
        )
    with st.expander(tr("draw.current"), expanded=False):
        for line in lines:
            st.markdown("- " + line)
        if may_draw():
            st.caption(tr("draw.can_draw"))
