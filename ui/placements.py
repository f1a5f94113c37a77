"""The Admin page's sections placed later: place a 位置待定 section (typed or picked on the map), check, confirm."""

import pandas as pd
import streamlit as st

from geo.mapping import placed_provenance
from i18n.errors import UserError
from monitoring.auth import PermissionDenied
from monitoring.bodies import bodies_in_use
from ui.coords import datum_radio
from ui.i18n import lang, tr
from ui.widgets import error_text, keep, keyed, plain

__all__ = ["render"]

#: The check waiting for confirmation (section, typed values, datum, source, note).
PENDING = "pl_pending"


def _use_map_point(point) -> None:
    """Fill the form with the point last clicked on the map (the map gives WGS84/CGCS2000)."""
    lat, lon = point
    st.session_state["pl_lon"] = f"{lon:.6f}"
    st.session_state["pl_lat"] = f"{lat:.6f}"
    st.session_state[f"pl_datum.{lang()}"] = "wgs84"
    st.session_state.pop(PENDING, None)


def _cancel() -> None:
    st.session_state.pop(PENDING, None)


def _label(wb, s) -> str:
    body = wb[s.body].label(lang())
    if s.pending:
        state = tr("body.pending")
    else:
        state = tr("admin.place.version", version=s.placement.version)
    return f"{s.code} {s.name}（{body}）— {state}" if lang() == "zh" else f"{s.code} ({body}) — {state}"


def render(db, me, done) -> None:
    """The form and the versions so far; ``done(message)`` reruns with the message shown."""
    st.markdown(f"**{tr('admin.place.title')}**")
    st.caption(tr("admin.place.help"))
    wb = bodies_in_use(db)
    sections = [s for s in wb.sections() if s.position != "layer"]
    if not sections:
        st.caption(tr("admin.place.none"))
        return
    by_code = {s.code: s for s in sections}
    labels = {c: _label(wb, s) for c, s in by_code.items()}  # bound now: the labels are in this run's language
    # A new key after each placement: the browser shows the new labels (and keeps the section chosen).
    key = f"{keyed('pl_section')}.{db.placements.stamp() or 0}"
    kept = st.session_state.get("_kept", {}).get("pl_section")
    if key not in st.session_state and kept in by_code:
        st.session_state[key] = kept
    code = keep(
        "pl_section",
        st.selectbox(tr("admin.place.section"), list(by_code), format_func=labels.get, key=key),
    )
    current = by_code[code].placement
    if current is not None:
        st.caption(
            tr("admin.place.current", lon=f"{current.lon:.6f}", lat=f"{current.lat:.6f}")
            + " · "
            + plain(placed_provenance(_row(current), lang()))
        )
    point = st.session_state.get("map_point")
    if point is not None:
        st.button(
            tr("admin.place.use_map", lon=f"{point[1]:.6f}", lat=f"{point[0]:.6f}"),
            key="pl_use_map",
            on_click=_use_map_point,
            args=(point,),
        )
    else:
        st.caption(tr("admin.place.map_hint"))
    with st.form("place_section"):
        c1, c2 = st.columns(2)
        lon = c1.text_input(tr("field.lon"), key="pl_lon", placeholder="113.4229")
        lat = c2.text_input(tr("field.lat"), key="pl_lat", placeholder="29.6532")
        datum = datum_radio("pl_datum")
        source = st.text_input(tr("field.source"), key="pl_source", help=tr("admin.place.source_help"), max_chars=500)
        note = st.text_input(tr("field.note"), key="pl_note", max_chars=1000)
        check = st.form_submit_button(tr("admin.place.check"))
    if check:
        st.session_state.pop(PENDING, None)
        try:
            if not source.strip():
                raise UserError("placement.source_missing", field="source")
            checked = db.placements.check(code, lon, lat, datum)
            st.session_state[PENDING] = dict(code=code, lon=lon, lat=lat, datum=datum, source=source, note=note)
            st.session_state["pl_checked"] = checked
        except UserError as exc:
            st.error(error_text(exc))
    pending = st.session_state.get(PENDING)
    if pending is not None and pending["code"] == code:
        checked = st.session_state["pl_checked"]
        st.info(tr("admin.place.preview", code=code, lon=f"{checked.lon:.6f}", lat=f"{checked.lat:.6f}"))
        if not checked.has_outline:
            st.caption(tr("placement.no_outline"))
        for w in checked.warnings:
            st.warning(plain(w.text(lang())))
        b1, b2 = st.columns(2)
        confirm = b1.button(
            tr("admin.place.confirm_warnings" if checked.warnings else "admin.place.confirm"),
            key="pl_confirm",
            type="primary",
        )
        b2.button(tr("admin.place.cancel"), key="pl_cancel", on_click=_cancel)
        if confirm:
            try:
                p = db.placements.place(
                    pending["code"],
                    pending["lon"],
                    pending["lat"],
                    user=me,
                    datum=pending["datum"],
                    source=pending["source"],
                    note=pending["note"],
                    confirm=True,
                )
                st.session_state.pop(PENDING, None)
                done(tr("admin.place.saved", code=p.code, version=p.version))
            except (UserError, PermissionDenied) as exc:
                st.error(error_text(exc))
    history = db.placements.history(code)
    st.markdown(f"**{tr('admin.place.history')}**")
    if history.empty:
        st.caption(tr("admin.place.no_history"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                tr("admin.place.version_col"): history.version,
                tr("field.lon"): history.lon.round(6),
                tr("field.lat"): history.lat.round(6),
                tr("field.coord_datum"): [tr(f"map.placed.datum.{d}") for d in history.datum],
                tr("admin.place.entered"): history.entered,
                tr("field.source"): history.source,
                tr("field.note"): history.note,
                tr("admin.actor"): history.placed_by,
                tr("admin.when"): pd.to_datetime(history.placed_at).dt.strftime("%Y-%m-%d %H:%M UTC"),
            }
        ),
        hide_index=True,
        width="stretch",
    )


def _row(p) -> dict:
    return {
        "placed_by": p.by,
        "placed_at": p.at.isoformat() if p.at else "",
        "version": p.version,
        "datum": p.datum,
        "entered": p.entered,
    }
