import pandas as pd
import streamlit as st

from geo.waterbodies import current_waterbodies
from monitoring import clock
from monitoring.field import FINDINGS, FieldError
from monitoring.ledger import LedgerError, live_events, load_units, overdue, unit_duties
from ui.auth import actor, can, denied, read_only_note
from ui.bodies import body_info, current_body
from ui.coords import datum_radio, entered
from ui.data import current_dataset, store
from ui.i18n import lang, tr
from ui.lakework import lake_tab
from ui.widgets import plain, unit_options

db = store()
ds = current_dataset()
LANG = lang()
today = clock.today()
st.title(tr("page.retirement"))
me = actor()
operator = me.name if me else ""
read_only_note("ledger.record", "lake.plan", "lake.release", "task.progress", "patrol.add", "tip.add")

reg = ds.register.set_index("pond_id")
BODY = current_body()
if BODY is not None:  # the sidebar's water body: its ponds only
    body = current_waterbodies()[BODY]
    reg = reg[[body.has_pond(p) for p in reg.index]]
    if reg.empty:  # no ponds: the body's lake-level work and rectification tasks only
        body_info(BODY)
        st.info(tr("cli.body.no_ponds", body=plain(body.label(LANG))))
        (only_lake,) = st.tabs([tr("lake.tab")])
        with only_lake:
            lake_tab(db)
        st.stop()
ledger = db.ledger.done_steps()
steps = db.steps


def step_name(s):
    return s.name if LANG == "zh" else s.name_en


def cell(state, days, done, s):
    if state == "done":
        return tr("retirement.done", date=done[s.key][0].isoformat())
    if state == "overdue":
        return tr("retirement.overdue", days=days)
    if state == "ongoing":
        return tr("retirement.ongoing")
    return tr("retirement.pending", date=s.deadline.isoformat())


tab_ledger, tab_lake, tab_patrol, tab_tips = st.tabs(
    [tr("retirement.tab.ledger"), tr("lake.tab"), tr("retirement.tab.patrols"), tr("retirement.tab.tips")]
)

# --- the ledger grid --------------------------------------------------------------------
with tab_ledger:
    st.subheader(tr("retirement.grid"))
    rows, states = [], []
    for pid, r in reg.iterrows():
        done = ledger.get(str(pid), {})
        row = {tr("field.pond_id"): pid, tr("field.farm_name"): r.farm_name, tr("field.town"): r.town}
        row[tr("field.area_mu")] = r.area_mu
        st_row = {}
        for s, state, days in overdue(done, steps, today):
            row[step_name(s)] = cell(state, days, done, s)
            st_row[step_name(s)] = state
        rows.append(row)
        states.append(st_row)
    grid = pd.DataFrame(rows)
    COLOURS = {"done": "#bbf7d0", "overdue": "#fecaca", "pending": "#fef9c3", "ongoing": "#e0e7ff"}
    styled = grid.style.apply(
        lambda col: [
            f"background-color: {COLOURS[states[i][col.name]]}" if col.name in states[i] else ""
            for i in range(len(col))
        ],
        axis=0,
    )
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        height=35 * (len(grid) + 1) + 3,
        column_config={tr("field.area_mu"): st.column_config.NumberColumn(format="%g", help=tr("map.area_help"))},
    )

    # --- one pond: record, history, cancel -----------------------------------------------------
    ids = list(reg.index)
    default = st.session_state.get("selected_pond") or ids[0]
    pond = st.selectbox(
        tr("retirement.pond"),
        ids,
        index=ids.index(default),
        format_func=lambda p: f"{p} · {reg.loc[p, 'farm_name']}",
        key="ledger_pond",
    )
    left, right = st.columns([1, 1], gap="large")
    with left:
        st.subheader(tr("retirement.record"))
        flash = st.session_state.pop("rec_saved", None)
        if flash:  # the confirmation of the step saved before the form was cleared
            st.success(flash)
        gen = st.session_state.setdefault("rec_form_gen", 0)  # a new form (empty fields) after each save
        with st.form(f"record_step_{gen}"):
            step_key = st.selectbox(
                tr("retirement.step"),
                [s.key for s in steps],
                format_func=lambda k: step_name(next(s for s in steps if s.key == k)),
                key="rec_step",
            )
            when = st.date_input(
                tr("retirement.date"), value=today, max_value=today, format="YYYY-MM-DD", key="rec_date"
            )
            unit = st.selectbox(tr("retirement.unit"), unit_options(), key=f"rec_unit_{gen}")
            note = st.text_area(tr("retirement.note"), key=f"rec_note_{gen}")
            doc = st.text_input(tr("retirement.doc"), key=f"rec_doc_{gen}")
            photo = st.file_uploader(tr("retirement.photo"), type=["jpg", "jpeg", "png"], key=f"rec_photo_{gen}")
            submitted = st.form_submit_button(tr("retirement.save"), type="primary")
        if submitted:
            if not can("ledger.record"):
                st.error(denied("ledger.record"))
            else:
                try:
                    event_id = db.ledger.record(
                        str(pond),
                        step_key,
                        when,
                        user=me,
                        responsible_unit=unit or None,
                        note=note,
                        document_no=doc,
                        photo=photo.getvalue() if photo else None,
                        photo_name=photo.name if photo else None,
                    )
                    saved = tr(
                        "retirement.saved_step",
                        id=event_id,
                        step=step_name(next(s for s in steps if s.key == step_key)),
                    )
                    if photo:
                        saved += " " + tr("retirement.saved_photo", name=photo.name, id=event_id)
                    st.session_state["rec_saved"] = saved
                    st.session_state["rec_form_gen"] = gen + 1
                    st.rerun()
                except LedgerError as exc:
                    st.error(plain(tr("retirement.refused", reason=exc.message(LANG))))
    with right:
        st.subheader(tr("retirement.events"))
        events = db.ledger.events(str(pond))
        if events.empty:
            st.caption(tr("retirement.no_events"))
        else:
            names = {s.key: step_name(s) for s in steps}
            view = pd.DataFrame(
                {
                    "#": events.id,
                    tr("retirement.step"): [
                        names.get(k, "") if isinstance(k, str) else f"→ #{int(v)}"
                        for k, v in zip(events.step, events.voids, strict=True)
                    ],
                    tr("field.status"): [tr(f"retirement.kind.{k}") for k in events.kind],
                    tr("retirement.date"): [
                        d.isoformat() if pd.notna(d) and hasattr(d, "isoformat") else "" for d in events.event_date
                    ],
                    tr("retirement.unit"): events.responsible_unit,
                    tr("retirement.note"): [(n or rs) for n, rs in zip(events.note, events.reason, strict=True)],
                    tr("retirement.doc"): events.document_no,
                    tr("samples.operator"): events.recorded_by,
                }
            )
            st.dataframe(view, hide_index=True, width="stretch")
            with_photo = events[events.has_photo.astype(bool)].id.tolist()
            if with_photo:
                pick = st.selectbox(
                    tr("retirement.show_photo"), with_photo, format_func=lambda i: f"#{i}", key="photo_pick"
                )
                data = db.ledger.photo(int(pick))
                if data:
                    st.image(data[0], caption=data[1], width=320)
            live = live_events(events.to_dict("records"))
            if live:
                with st.form("void_event"):
                    target = st.selectbox(tr("retirement.void_pick"), live, format_func=lambda i: f"#{i}")
                    reason = st.text_input(tr("retirement.reason"))
                    do_void = st.form_submit_button(tr("retirement.do_void"))
                if do_void:
                    if not can("ledger.void"):
                        st.error(denied("ledger.void"))
                    else:
                        try:
                            db.ledger.void(int(target), reason, user=me)
                            st.success(tr("retirement.voided"))
                            st.rerun()
                        except LedgerError as exc:
                            st.error(plain(tr("retirement.refused", reason=exc.message(LANG))))

    # --- responsibilities -----------------------------------------------------------------
    st.subheader(tr("retirement.duties"))
    cases = db.cases.find("open")
    towns = {str(pid): town for pid, town in reg.town.items()}
    duties = unit_duties(load_units(), steps, towns, ledger, today, cases.responsible_unit.dropna())
    duty_rows = [
        {
            tr("retirement.duty_unit"): d["unit"],
            tr("retirement.duty_text"): d["duties"],
            tr("retirement.duty_steps"): tr("list.sep").join(step_name(s) for s in d["steps"]),
            tr("retirement.duty_open"): d["open"],
            tr("retirement.duty_overdue"): d["overdue"],
            tr("retirement.duty_cases"): d["cases"],
        }
        for d in duties
    ]
    st.dataframe(pd.DataFrame(duty_rows), hide_index=True, width="stretch")

# --- lake-level work (plans, releases, leading group) -----------------------------------------
with tab_lake:
    lake_tab(db)

# --- patrols -----------------------------------------------------------------------------
with tab_patrol:
    st.subheader(tr("patrol.new"))
    picked = st.session_state.get("selected_pond")
    with st.form("patrol_form"):
        p_date = st.date_input(tr("patrol.date"), value=today, max_value=today, format="YYYY-MM-DD", key="p_date")
        p_insp = st.text_input(tr("patrol.inspectors"), value=operator, key="p_insp")
        p_ponds = st.multiselect(
            tr("patrol.ponds"),
            ids,
            default=[picked] if picked in ids else [],
            format_func=lambda p: f"{p} · {reg.loc[p, 'farm_name']}",
            key="p_ponds",
            help=tr("patrol.ponds_help"),
            placeholder=tr("map.flag.all"),
        )
        p_area = st.text_input(tr("patrol.area"), key="p_area")
        p_find = st.multiselect(
            tr("patrol.findings"),
            FINDINGS,
            format_func=lambda f: tr(f"patrol.finding.{f}"),
            key="p_find",
            placeholder="—",
        )
        p_disp = st.text_input(tr("patrol.disposal"), key="p_disp")
        p_notes = st.text_area(tr("samples.notes"), key="p_notes")
        p_photo = st.file_uploader(tr("retirement.photo"), type=["jpg", "jpeg", "png"], key="p_photo")
        p_case = st.checkbox(tr("patrol.open_case"), key="p_case")
        p_submit = st.form_submit_button(tr("retirement.save"), type="primary")
    if p_submit:
        if not can("patrol.add"):
            st.error(denied("patrol.add"))
        else:
            try:
                db.field.add_patrol(
                    p_date,
                    p_insp.strip() or operator,
                    user=me,
                    ponds=[str(p) for p in p_ponds],
                    area=p_area,
                    findings=p_find,
                    dead_fish_disposal=p_disp,
                    notes=p_notes,
                    photo=p_photo.getvalue() if p_photo else None,
                    photo_name=p_photo.name if p_photo else None,
                    open_case=p_case,
                )
                st.success(tr("retirement.saved"))
            except (FieldError, LedgerError) as exc:
                st.error(plain(tr("retirement.refused", reason=exc.message(LANG))))
    st.subheader(tr("patrol.list"))
    pat = db.field.list_patrols()
    if pat.empty:
        st.caption(tr("retirement.no_events"))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "#": pat.id,
                    tr("patrol.date"): [d.isoformat() for d in pat.patrol_date],
                    tr("patrol.inspectors"): pat.inspectors,
                    tr("patrol.ponds"): pat.ponds,
                    tr("patrol.findings"): [
                        tr("list.sep").join(tr(f"patrol.finding.{f}") for f in x.split(",") if f) for x in pat.findings
                    ],
                    tr("patrol.disposal"): pat.dead_fish_disposal,
                    tr("patrol.case"): [tr(f"patrol.case.{c}") for c in pat.case_status],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        open_ids = pat[pat.case_status == "open"].id.astype(int).tolist()
        if open_ids:
            with st.form("patrol_case"):
                pc = st.selectbox(tr("patrol.case_pick"), open_ids, format_func=lambda i: f"#{i}")
                pc_action = st.text_area(tr("samples.action"))
                pc_unit = st.selectbox(tr("samples.unit_resp"), unit_options())
                pc_deadline = st.date_input(tr("samples.deadline"), value=None, format="YYYY-MM-DD")
                pc_close = st.checkbox(tr("patrol.close"))
                pc_save = st.form_submit_button(tr("samples.case_save"))
            if pc_save:
                try:
                    if not can("patrol.case"):
                        st.error(denied("patrol.case"))
                    else:
                        db.field.update_patrol_case(
                            int(pc),
                            user=me,
                            action=pc_action or None,
                            unit=pc_unit or None,
                            deadline=pc_deadline,
                            close=pc_close,
                        )
                        st.success(tr("samples.case_saved"))
                except FieldError as exc:
                    st.error(plain(tr("retirement.refused", reason=exc.message(LANG))))

# --- public tips ---------------------------------------------------------------------------
with tab_tips:
    st.subheader(tr("tips.new"))
    point = st.session_state.get("map_point")
    if point:
        st.caption(tr("tips.map_point", lon=point[1], lat=point[0]))
    with st.form("tip_form"):
        t_date = st.date_input(tr("tips.date"), value=today, max_value=today, format="YYYY-MM-DD", key="t_date")
        t_what = st.text_area(tr("tips.what"), key="t_what")
        t_prefill = f"{point[1]:.6f}, {point[0]:.6f}" if point else ""
        t_loc = st.text_input(tr("tips.location"), value=t_prefill, help=tr("tips.location_help"), key="t_loc")
        t_datum = datum_radio("t_datum")
        t_contact = st.text_input(tr("tips.contact"), key="t_contact")
        t_submit = st.form_submit_button(tr("retirement.save"), type="primary")
    if t_submit:
        if not can("tip.add"):
            st.error(denied("tip.add"))
        else:
            try:
                if point and t_loc.strip() == t_prefill and t_datum is None:
                    t_datum = "wgs84"  # picked on the map, already converted from the basemap's datum
                t_loc, t_record = entered(t_loc, t_datum, "")
                t_what = f"{t_what.strip()}\n（{t_record}）" if t_record else t_what
                tid = db.field.add_tip(t_date, t_what, t_loc or "", ds, user=me, contact=t_contact)
                tip = db.field.list_tips().set_index("id").loc[tid]
                st.success(
                    tr(
                        "tips.saved",
                        ban=tr("value.yes" if tip.in_ban_zone else "value.no"),
                        nofish=tr("value.yes" if tip.in_nofish_zone else "value.no"),
                        pond=tip.nearest_pond,
                        m=tip.nearest_pond_m,
                    )
                )
            except FieldError as exc:
                st.error(plain(tr("refusal.not_saved", reason=exc.message(LANG))))
    st.subheader(tr("tips.list"))
    tp = db.field.list_tips()
    if tp.empty:
        st.caption(tr("retirement.no_events"))
    else:
        yes, no = tr("value.yes"), tr("value.no")
        st.dataframe(
            pd.DataFrame(
                {
                    "#": tp.id,
                    tr("tips.date"): [d.isoformat() for d in tp.received_date],
                    tr("tips.what"): tp.what,
                    tr("tips.location"): tp.location_text,
                    tr("field.in_ban_zone"): [yes if v else no for v in tp.in_ban_zone],
                    tr("field.in_nofish_zone"): [yes if v else no for v in tp.in_nofish_zone],
                    tr("tips.nearest"): [
                        f"{p} ({m:,.0f} m)" for p, m in zip(tp.nearest_pond, tp.nearest_pond_m, strict=True)
                    ],
                    tr("field.status"): [tr(f"tips.status.{s}") for s in tp.status],
                    tr("tips.reward"): [
                        f"{a:g}" if g else "" for g, a in zip(tp.reward_granted, tp.reward_amount, strict=True)
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        with st.form("tip_update"):
            tid = st.selectbox(tr("tips.pick"), tp.id.astype(int).tolist(), format_func=lambda i: f"#{i}")
            current = tp.set_index("id").loc[tid, "status"]
            nxt = st.selectbox(
                tr("field.status"),
                ["", "verified", "unfounded", "resolved"],
                format_func=lambda s: tr(f"tips.status.{s}") if s else "—",
            )
            reward = st.checkbox(tr("tips.reward_grant"))
            amount = st.number_input(tr("tips.amount"), min_value=0.0, step=50.0)
            t_save = st.form_submit_button(tr("samples.case_save"))
        if t_save:
            try:
                if not can("tip.update"):
                    st.error(denied("tip.update"))
                else:
                    db.field.update_tip(
                        int(tid),
                        user=me,
                        status=nxt or None,
                        reward_granted=reward or None,
                        reward_amount=amount if reward else None,
                    )
                    st.success(tr("samples.case_saved"))
            except FieldError as exc:
                st.error(plain(tr("refusal.not_saved", reason=exc.message(LANG))))
