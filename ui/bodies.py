"""The water body selector in the sidebar (every page follows it) and what pages show of a body."""

import streamlit as st

from geo.waterbodies import ALL, LEVELS, current_waterbodies
from ui.i18n import lang, tr
from ui.widgets import keep, keyed, plain

__all__ = ["body_info", "body_selector", "current_body"]


def body_selector() -> str:
    """The sidebar's choice: ``all`` (default) or one body's code; kept across pages and languages."""
    wb = current_waterbodies()
    names = {b.code: b.label(lang()) for b in wb}
    options = [ALL, *wb.codes]
    label = {ALL: tr("body.all"), **names}
    key = keyed("water_body")
    if st.session_state.get(key) not in options:
        st.session_state.pop(key, None)
    choice = st.sidebar.selectbox(tr("body.selector"), options, format_func=label.get, key=key)
    return keep("water_body", choice)


def current_body() -> str | None:
    """The chosen body's code, or None for every body."""
    choice = st.session_state.get("_kept", {}).get("water_body", ALL)
    return None if choice == ALL or choice not in current_waterbodies().codes else choice


def body_info(code: str) -> None:
    """What is known of one body: kind, target, outline (or that none is known), zones, sections, ponds."""
    from monitoring.bodies import bodies_in_use
    from ui.data import store

    b = bodies_in_use(store())[code]
    target = tr("cli.body.target_provisional" if b.target_provisional else "cli.body.target", cls=b.target)
    st.markdown(f"**{plain(b.label(lang()))}** · {tr(f'body.kind.{b.kind}')} · {target}")
    notes = []
    if b.geometry is None:
        notes.append(tr("cli.body.no_geometry", note=b.text("geometry_note", lang())))
    for z in b.zones:
        state = tr("cli.body.placed" if z.placed else "cli.body.not_placed")
        levels = tr("list.sep").join(tr(f"body.level.{LEVELS[lv]}") for lv in z.levels)
        notes.append(tr("cli.body.zone", rule=tr(f"body.rule.{z.rule}"), levels=levels, state=state))
    for s in b.sections:
        if s.position == "placed":
            p = s.placement
            where = tr("cli.placed.where", lon=f"{p.lon:.6f}", lat=f"{p.lat:.6f}", source=p.source, by=p.by)
        else:
            where = tr("body.pending") if s.pending else tr("body.placed_section")
        level = tr(f"body.level.{LEVELS[s.level]}") if s.level else "—"
        notes.append(tr("cli.body.section", code=s.code, name=s.name, level=level, where=where))
    if b.ponds != "register":
        notes.append(
            tr("cli.body.ponds", n=len(b.ponds)) + (f" — {b.text('ponds_note', lang())}" if b.ponds_note else "")
        )
    st.markdown("\n".join(f"- {plain(n)}" for n in notes))
