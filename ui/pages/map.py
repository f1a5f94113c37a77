import html

import pandas as pd
import streamlit as st

from geo.classify import ZONE_CLASSES
from geo.crs import gcj02_to_wgs84
from geo.mapping import (
    BASEMAPS,
    all_ponds_bounds,
    drawn_position,
    placed_provenance,
    points_bounds,
    pond_table,
    view_for,
    zone_text,
)
from geo.provenance import section_problem_text
from i18n import describe_flag, describe_hypothesis
from monitoring.bodies import bodies_in_use
from ui.bodies import body_info, current_body
from ui.data import data_version, dataset, open_case_sites, pond_map_parts, pond_statuses, store, tianditu_key
from ui.drawing import current_versions, flash, panel_data, refused, save
from ui.i18n import labeller, lang, tr
from ui.map_component import pond_map
from ui.widgets import keep, keyed, plain

version = data_version()  # once per run: it reads the file times and the database stamp
ds = dataset(version)
LANG = lang()
st.title(tr("page.map"))
BODY = current_body()
WB = bodies_in_use(store())
PLACED = ds.placed[ds.placed.water_body == BODY] if BODY is not None and ds.placed is not None else None
if BODY is not None and WB[BODY].geometry is None:  # no outline: only its placed sections can be drawn
    body_info(BODY)
    if PLACED is None or PLACED.empty:
        st.info(tr("map.body_not_drawn", body=plain(WB[BODY].label(LANG))))
        st.stop()
    st.info(tr("map.placed.body_only", body=plain(WB[BODY].label(LANG))))
PENDING = [s for s in WB.pending_sections() if BODY in (None, s.body)]
if PENDING:  # named sites whose positions are unknown: listed, never drawn
    names = [f"{s.code} {s.name}" if LANG == "zh" else f"{s.code} ({WB[s.body].label(LANG)})" for s in PENDING]
    st.caption(tr("map.pending", sites=tr("list.sep").join(plain(n) for n in names)))
ALL_PLACED = ds.placed.to_dict("records") if ds.placed is not None else []
SHOWN_PLACED = [r for r in ALL_PLACED if BODY in (None, r["water_body"])]
if SHOWN_PLACED:  # typed positions, drawn with their provenance
    lines = [
        f"{r['section_id']} {r['name'] if LANG == 'zh' else '(' + WB[r['water_body']].label(LANG) + ')'}: "
        f"{placed_provenance(r, LANG)}; {r['source']}"
        for r in SHOWN_PLACED
    ]
    st.caption(tr("map.placed.list", sites=tr("list.sep").join(plain(n) for n in lines)))

# --- sidebar: basemap --------------------------------------------------------
basemap = keep(
    "basemap",
    st.sidebar.selectbox(tr("map.basemap"), BASEMAPS, format_func=labeller("basemap"), key=keyed("basemap")),
)
key = tianditu_key()
if basemap.startswith("tianditu") and not key:
    st.sidebar.error(tr("map.tianditu_no_key"))
    basemap = "none"
if basemap != "none":
    st.sidebar.caption(tr("map.basemap_online"))
if basemap == "gaode":
    st.sidebar.caption(tr("map.gcj_note"))

table = pond_table(ds, LANG, dict(pond_statuses()))
ids = table.pond_id.tolist()
rows = table.set_index("pond_id")


def select(pid):
    """Select a pond. The choice box is updated at the top of the next run: a widget's
    state cannot be written once the widget exists in the current run."""
    st.session_state["selected_pond"] = pid
    st.session_state["_pick"] = pid


if "_pick" in st.session_state:
    st.session_state["pond_select"] = st.session_state.pop("_pick")


def move_view(view):
    """Show ``view`` ({"center", "zoom"}, or None for the default) on the next run, even if unchanged."""
    if view is None:
        st.session_state.pop("map_view", None)
    else:
        st.session_state["map_view"] = view
    st.session_state["map_view_seq"] = st.session_state.get("map_view_seq", 0) + 1


def jump(pid):
    r = rows.loc[pid]
    select(pid)
    move_view({"center": [float(r.lat), float(r.lon)], "zoom": 14})


def show_all():
    centre, zoom = view_for(all_ponds_bounds(ds), 600, 620)
    move_view({"center": list(centre), "zoom": zoom})


def reset_view():
    move_view(None)


selected = st.session_state.get("selected_pond")
col_map, col_info = st.columns([3, 2], gap="medium")

with col_map:
    map_key, parts, home = pond_map_parts(
        version,
        LANG,
        basemap,
        key if basemap.startswith("tianditu") else None,
        statuses=pond_statuses(),
        cases=open_case_sites(),
    )
    if PLACED is not None and not PLACED.empty and WB[BODY].geometry is None:  # frame the body's placed sections
        home = points_bounds(PLACED, gcj=basemap == "gaode")
    clicked = pond_map(
        map_key,
        parts,
        home,
        drawn_position(ds, selected, basemap) if selected else None,
        html.escape(tr("map.selected")),
        st.session_state.get("map_view"),
        st.session_state.get("map_view_seq", 0),
        edit=panel_data(version, basemap),
        on_save=lambda: save(basemap),
        refused=refused(),
        frame="gcj" if basemap == "gaode" else "wgs",
    )
    flash()
    if clicked:
        lat, lng = clicked["lat"], clicked["lng"]
        if basemap == "gaode":
            lng, lat = gcj02_to_wgs84(lng, lat)
        st.session_state["map_point"] = (float(lat), float(lng))
        pid = clicked.get("pond")
        if pid is not None and int(pid) in rows.index and int(pid) != selected:
            select(int(pid))
            st.rerun()

    # Below the map, so the map is drawn first (the map itself says 暂定 in its corner).
    if ds.which_provisional:
        st.warning(tr(f"prov.banner.{ds.which_provisional}"))
    for check in ds.section_problems:
        st.warning(plain(section_problem_text(check, lang())))
    far = [p for p, r in ds.qa.items() if any(f.code == "far" for f in r.flags)]
    if far:
        with st.expander(tr("map.far_list"), expanded=False):
            st.caption(tr("map.far_hint"))
            for pid in far:
                km = rows.loc[pid, "shore_distance_m"] / 1000
                st.button(
                    tr("map.jump", pid=pid, farm=rows.loc[pid, "farm_name"], km=km),
                    key=f"jump_{pid}",
                    on_click=jump,
                    args=(pid,),
                )
    b1, b2 = st.columns(2)
    b1.button(tr("map.show_all"), key="show_all", on_click=show_all, width="stretch")
    b2.button(tr("map.reset_view"), key="reset_view", on_click=reset_view, width="stretch")

with col_info:
    # Which lake outline, section points and pond outlines are in use, with their provenance.
    current_versions(ds)
    st.subheader(tr("map.details"))
    if "pond_select" not in st.session_state:
        st.session_state["pond_select"] = selected
    pick = st.selectbox(
        tr("map.pick"),
        [None, *ids],
        format_func=lambda p: tr("map.none") if p is None else f"{p} {rows.loc[p, 'farm_name']}",
        key="pond_select",
        help=tr("map.pick_hint"),
        placeholder=tr("map.pick"),
    )
    if pick != selected:
        st.session_state["selected_pond"] = pick
        st.rerun()
    if pick is None:
        st.caption(tr("map.pick_hint"))
    else:
        r = rows.loc[pick]
        qa = ds.qa[pick]
        st.markdown(f"**{pick} · {plain(r.farm_name)}**")
        unknown = tr("value.unknown")
        register = [
            ("field.town", r.town),
            ("field.village", r.village),
            ("field.location", r.location),
            ("field.coord_text", r.coord_text),
            ("field.lon", f"{r.lon:.6f}"),
            ("field.lat", f"{r.lat:.6f}"),
            ("field.area_mu", tr("format.area", mu=r.area_mu, m2=r.area_m2)),
            ("field.uses", r.uses),
            (
                "field.stocked_this_year",
                unknown if r.stocked_this_year is None else tr("value.yes" if r.stocked_this_year else "value.no"),
            ),
            ("field.coord_datum", tr("value.unstated") if r.coord_datum == "unstated" else r.coord_datum),
            ("field.coord_status", tr(f"value.{r.coord_status}")),
            ("field.source_ref", r.source_ref),
        ]
        if r.coord_text != r.seed_coord_text:
            register.insert(4, ("field.seed_coord_text", r.seed_coord_text))
        if r.uses != r.seed_uses:
            register.append(("field.seed_uses", r.seed_uses))
        if r.coord_status == "verified":
            register.append(("field.verified", f"{r.verified_by}, {r.verified_on}"))
        st.caption(tr("map.register"))
        st.dataframe(
            pd.DataFrame(
                {tr("map.field"): [tr(k) for k, _ in register], tr("map.value"): [str(v) for _, v in register]}
            ),
            hide_index=True,
            width="stretch",
        )
        yes, no = tr("value.yes"), tr("value.no")
        classification = [
            ("field.zone_class", zone_text(r.zone_class, r.basis, LANG)),
            ("field.shore_distance_m", f"{r.shore_distance_m:,.0f}"),
            ("field.in_ban_zone", yes if r.in_ban_zone else no),
            ("field.in_nofish_zone", yes if r.in_nofish_zone else no),
            ("field.nearest_section", r.nearest_section),
            ("field.section_distance_m", f"{r.section_distance_m:,.0f}"),
            ("field.geometry_provisional", yes if r.geometry_provisional else no),
            ("field.coord_suspect", yes if r.coord_suspect else no),
        ]
        st.caption(tr("map.classification"))
        st.dataframe(
            pd.DataFrame(
                {tr("map.field"): [tr(k) for k, _ in classification], tr("map.value"): [v for _, v in classification]}
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(tr("map.qa"))
        if not qa.flags:
            st.success(tr("map.qa_none"))
        for f in qa.flags:
            (st.error if f.severity == "suspect" else st.info)(plain(describe_flag(f, LANG)))
        if any(f.code == "far" for f in qa.flags):
            st.caption(tr("map.hypotheses"))
            if qa.hypotheses:
                for h in qa.hypotheses:
                    st.write("· " + plain(describe_hypothesis(h, LANG)))
                st.caption(tr("qa.hint"))
            else:
                st.write(plain(tr("qa.no_hypothesis", km=ds.qa_config.hypothesis_radius_m / 1000)))

# --- the table ---------------------------------------------------------------
# Off the first paint: the list is drawn when asked for (its grid costs about a second to draw).
if st.toggle(tr("map.table.show"), key="show_table"):
    st.subheader(tr("map.table"))
    f1, f2, f3 = st.columns(3)
    towns = f1.multiselect(
        tr("map.filter.town"), sorted(table.town.unique()), key="filter_town", placeholder=tr("map.flag.all")
    )
    zones = keep(
        "filter_zone",
        f2.multiselect(
            tr("map.filter.zone"),
            ZONE_CLASSES,
            format_func=labeller("zone"),
            key=keyed("filter_zone"),
            placeholder=tr("map.flag.all"),
        ),
    )
    flag = keep(
        "filter_flag",
        f3.selectbox(
            tr("map.filter.flag"),
            ["all", "suspect", "noted", "clean"],
            format_func=labeller("map.flag"),
            key=keyed("filter_flag"),
        ),
    )
    shown = table
    if towns:
        shown = shown[shown.town.isin(towns)]
    if zones:
        shown = shown[shown.zone_class.astype(str).isin(zones)]
    if flag == "suspect":
        shown = shown[shown.suspect]
    elif flag == "noted":
        shown = shown[shown.noted]
    elif flag == "clean":
        shown = shown[~shown.noted]
    st.caption(tr("map.count", n=len(shown), total=len(table)) + " · " + tr("map.table_hint"))
    view = pd.DataFrame(
        {
            tr("field.pond_id"): shown.pond_id,
            tr("field.town"): shown.town,
            tr("field.village"): shown.village,
            tr("field.farm_name"): shown.farm_name,
            tr("field.area_mu"): shown.area_mu,
            tr("field.zone_class"): [zone_text(z, b, LANG) for z, b in zip(shown.zone_class, shown.basis, strict=True)],
            tr("field.shore_distance_m"): shown.shore_distance_m.round(0),
            tr("field.flags"): shown["qa_text"],
        }
    )
    event = st.dataframe(
        view,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="pond_table",
        column_config={tr("field.area_mu"): st.column_config.NumberColumn(help=tr("map.area_help"), format="%g")},
    )
    chosen = event.selection.rows if event is not None and hasattr(event, "selection") else []
    if chosen:
        pid = int(shown.pond_id.iloc[chosen[0]])
        if st.session_state.get("last_table_pick") != pid:
            st.session_state["last_table_pick"] = pid
            if pid != selected:
                select(pid)
                st.rerun()
