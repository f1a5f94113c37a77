import json
from datetime import datetime, time, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from geo.waterbodies import site_rules
from monitoring import clock
from monitoring.compliance import unsampled_text
from monitoring.errors import InputError
from monitoring.samples import KINDS, PARAMETERS, QC_TYPES, TZ, SampleInput
from monitoring.samples import parse_value as read_value
from monitoring.store import CaseError
from ui import sample_import
from ui.auth import actor, can, denied, read_only_note
from ui.bodies import body_info, current_body
from ui.data import store, weekly, weekly_grid
from ui.i18n import labeller, lang, tr
from ui.widgets import error_text, keep, keyed, plain, unit_options

db = store()
LANG = lang()
st.title(tr("page.samples"))

me = actor()
operator = me.name if me else ""
read_only_note("sample.add", "case.update")
sites = db.register.list_sites()
site_names = dict(zip(sites.code, sites.name, strict=True))
BODY = current_body()
if BODY is not None:  # the sidebar's water body: its sites only
    sites = sites[sites.water_body == BODY]
    if sites.empty:
        body_info(BODY)
        st.info(tr("body.no_sites"))
        st.stop()
site_codes = sites.code.tolist()


def site_label(code):
    return f"{code} · {site_names.get(code, '')}"


def show_error(exc: InputError):
    st.error(plain(tr("refusal.not_saved", reason=exc.message(LANG))))


def fmt_value(row) -> str:
    return f"<{row.value_mg_l:g}" if row.censored else f"{row.value_mg_l:g}"


def history_table(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            tr("samples.date"): [t.strftime("%Y-%m-%d %H:%M") for t in df.sampled_at],
            tr("samples.parameter"): df.parameter,
            tr("samples.value"): [fmt_value(r) for r in df.itertuples()],
            tr("samples.qc"): [tr(f"qc_type.{q}") for q in df.qc_type],
            tr("samples.inspector"): df.inspector,
            tr("samples.notes"): df.notes,
            tr("samples.versions"): df.version,
        }
    )


tab_entry, tab_import, tab_weekly, tab_tracing, tab_history = st.tabs(
    [
        tr("samples.tab.entry"),
        tr("samples.tab.import"),
        tr("samples.tab.weekly"),
        tr("samples.tab.tracing"),
        tr("samples.tab.history"),
    ]
)

# --- entry: one column, large inputs, usable at phone width ----------------------------
with tab_entry:
    preselected = str(st.session_state.get("selected_pond") or "1")
    with st.form("sample_form", clear_on_submit=False):
        site = st.selectbox(
            tr("samples.site"),
            site_codes,
            index=site_codes.index(preselected) if preselected in site_codes else 0,
            format_func=site_label,
            help=tr("samples.site_help"),
            key="entry_site",
        )
        today = clock.today()
        day = st.date_input(tr("samples.date"), value=today, max_value=today, format="YYYY-MM-DD", key="entry_day")
        at_time = st.time_input(tr("samples.time"), value=time(9, 0), step=300, key="entry_time")
        parameter = st.selectbox(tr("samples.parameter"), list(PARAMETERS), key="entry_param")
        value_text = st.text_input(tr("samples.value"), help=tr("samples.value_help"), key="entry_value")
        unit = st.selectbox(tr("samples.unit"), ["mg/L", "µg/L"], key="entry_unit")
        dl_text = st.text_input(tr("samples.dl"), key="entry_dl")
        kind = st.selectbox(tr("samples.kind"), KINDS, format_func=labeller("sample_kind"), key=keyed("entry_kind"))
        qc = st.selectbox(tr("samples.qc"), QC_TYPES, format_func=labeller("qc_type"), key=keyed("entry_qc"))
        lab = st.text_input(tr("samples.lab"), key="entry_lab")
        inspector = st.text_input(tr("samples.inspector"), value=operator, key="entry_inspector")
        notes = st.text_area(tr("samples.notes"), key="entry_notes")
        submitted = st.form_submit_button(tr("samples.save"), type="primary", width="stretch")
    if submitted:
        if not can("sample.add"):
            st.error(denied("sample.add"))
        else:
            try:
                when = datetime.combine(day, at_time).replace(tzinfo=TZ)
                value = read_value(value_text, unit, dl_text or None)
                uid = db.samples.add(
                    SampleInput(
                        site=site,
                        sampled_at=when,
                        value=value,
                        parameter=parameter,
                        kind=kind,
                        qc_type=qc,
                        laboratory=lab,
                        inspector=inspector,
                        notes=notes,
                        unit_entered=unit,
                        value_entered=value_text.strip(),
                    ),
                    user=me,
                )
                st.success(
                    tr(
                        "samples.saved",
                        site=plain(site),
                        when=when.strftime("%Y-%m-%d %H:%M"),
                        value=plain(value_text.strip()),
                    )
                )
                if db.cases.for_sample(uid) is not None:
                    st.warning(tr("samples.case_opened"))
            except InputError as exc:
                show_error(exc)
    st.subheader(tr("samples.history_of", site=site_label(site)))
    hist = db.samples.find(site=site, parameter=None, limit=50)
    if hist.empty:
        st.caption(tr("samples.no_samples"))
    else:
        st.dataframe(history_table(hist), hide_index=True, width="stretch")

# --- import: preview, then confirm ------------------------------------------------------
with tab_import:
    sample_import.render(db, me)

# --- weekly compliance ----------------------------------------------------------------
STATUS_COLOURS = {
    "compliant": "#bbf7d0",
    "exceeds": "#fecaca",
    "indeterminate": "#fde68a",
    "missing": "#e5e7eb",
    "no_limit": "#f3f4f6",
    "not_due": "#ffffff",
}
with tab_weekly:
    this_week = clock.this_week()  # the same week as the dashboard's
    latest = db.samples.latest_time("TP")
    weeks_back = st.slider(tr("samples.weeks_shown"), 4, 52, 12, key="weeks_shown")
    options = clock.week_choices(104, also=latest)
    week = st.selectbox(tr("samples.week"), options, index=options.index(this_week), key="week")
    stamp = db.samples.stamp()
    res = weekly(stamp, week, BODY)
    counts = res.status.value_counts()
    st.info(
        tr(
            "samples.summary",
            due=len(res),
            sampled=int((res.n > 0).sum()),
            exceeds=int(counts.get("exceeds", 0)),
            ind=int(counts.get("indeterminate", 0)),
        )
    )
    c1, c2 = st.columns(2)
    with c1:
        st.subheader(tr("samples.exceedances"))
        ex = res[res.status.isin(["exceeds", "indeterminate"])]
        if ex.empty:
            st.caption(tr("samples.none"))
        else:
            st.dataframe(
                pd.DataFrame(
                    {
                        tr("samples.site"): [site_label(c) for c in ex.site_code],
                        tr("samples.max"): ex.max_mg_l,
                        tr("samples.limit"): ex.limit_mg_l,
                        tr("samples.grade"): ex.grade.fillna(""),
                        tr("samples.status"): [tr(f"status.{s}") for s in ex.status],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
    with c2:
        st.subheader(tr("samples.missing"))
        miss = res[res.status == "missing"]
        why = [
            tr("samples.not_sampled_because", reason=unsampled_text(w, LANG)) if isinstance(w, str) else ""
            for w in miss.not_sampled
        ]
        shown = [plain(site_label(c) + w) for c, w in zip(miss.site_code, why, strict=True)]
        st.write(tr("list.sep").join(shown) if shown else tr("samples.none"))
    st.subheader(tr("samples.grid"))
    grid_weeks = clock.weeks_ending(week, weeks_back)
    grid = weekly_grid(stamp, tuple(grid_weeks)).copy()
    grid = grid[grid.index.isin(site_codes)]
    grid.index = [site_label(c) for c in grid.index]
    labels = grid.map(lambda s: tr(f"status.{s}").split("（")[0].split(" (")[0])
    reasons = db.not_sampled.reasons(grid_weeks)
    for (site, w), why in reasons.items():
        if w in labels.columns and site_label(site) in labels.index and grid.at[site_label(site), w] == "missing":
            labels.at[site_label(site), w] = unsampled_text(why, LANG)
    styled = labels.style.apply(lambda col: [f"background-color: {STATUS_COLOURS[s]}" for s in grid[col.name]], axis=0)
    st.dataframe(styled, width="stretch", height=min(38 * (len(grid) + 1), 800))

# --- source tracing -----------------------------------------------------------------------
with tab_tracing:
    open_cases = db.cases.find("open")
    st.subheader(tr("samples.cases_open"))
    if open_cases.empty:
        st.caption(tr("samples.no_cases"))
    else:
        case_ids = open_cases.id.astype(int).tolist()
        rows = open_cases.set_index("id")

        def case_label(cid):
            r = rows.loc[cid]
            return f"#{cid} · {site_label(r.site_code)} · {r.parameter} {r.value_mg_l:g} > {r.limit_mg_l:g} mg/L"

        cid = st.selectbox(tr("samples.case_pick"), case_ids, format_func=case_label, key="case_pick")
        case = rows.loc[cid]
        cands = pd.DataFrame(json.loads(case.candidates))
        st.caption(tr("samples.candidates", km=db.limits.tracing_radius_m / 1000))
        if cands.empty:
            st.caption(tr("samples.none"))
        else:
            st.dataframe(
                pd.DataFrame(
                    {
                        tr("samples.site"): [site_label(c) for c in cands.site],
                        tr("samples.distance"): cands.distance_m,
                        tr("field.status"): [
                            tr(f"status.{s}") if s else tr("value.unknown") for s in cands.retirement_status
                        ],
                        tr("samples.value"): [
                            "" if v is None or pd.isna(v) else (f"<{v:g}" if c else f"{v:g}")
                            for v, c in zip(cands.latest_mg_l, cands.latest_censored, strict=True)
                        ],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
        with st.form(f"case_form_{cid}"):
            findings = st.text_area(tr("samples.findings"), value=case.findings)
            action = st.text_area(tr("samples.action"), value=case.action)
            units = unit_options()
            unit_resp = st.selectbox(
                tr("samples.unit_resp"),
                units,
                index=units.index(case.responsible_unit) if case.responsible_unit in units else 0,
            )
            deadline = st.date_input(
                tr("samples.deadline"), value=case.deadline if pd.notna(case.deadline) else None, format="YYYY-MM-DD"
            )
            save = st.form_submit_button(tr("samples.case_save"))
        if save:
            if not can("case.update"):
                st.error(denied("case.update"))
            else:
                db.cases.update(
                    cid, user=me, findings=findings, action=action, responsible_unit=unit_resp, deadline=deadline
                )
                st.success(tr("samples.case_saved"))
        if st.button(tr("samples.case_close"), key=f"close_{cid}"):
            try:
                if not can("case.close"):
                    st.error(denied("case.close"))
                else:
                    db.cases.close(cid, user=me)
                    st.success(tr("samples.case_closed"))
            except CaseError as exc:
                st.error(error_text(exc))
    closed = db.cases.find("closed")
    if len(closed):
        with st.expander(f"{tr('samples.cases_closed')} ({len(closed)})"):
            st.dataframe(
                closed[["id", "site_code", "parameter", "value_mg_l", "findings", "action", "responsible_unit"]],
                hide_index=True,
                width="stretch",
            )

# --- history, corrections and charts -----------------------------------------------------
with tab_history:
    chart_site = keep(
        "chart_site",
        st.selectbox(tr("samples.chart_site"), site_codes, format_func=site_label, key="chart_site_pick"),
    )
    # The year up to the site's latest sample: a chart of every sample ever would be slow and unreadable.
    last = db.samples.latest_time("TP", site=chart_site)
    data = db.samples.find(site=chart_site, parameter="TP", since=last - timedelta(days=365) if last else None)
    if data.empty:
        st.caption(tr("samples.no_samples"))
    else:
        rule = site_rules(sites[sites.code == chart_site]).iloc[0]  # its body's table and target
        limit = db.limits.limit_for(rule.kind, "TP", data.sampled_at.max().date(), rule.standard, rule.target)
        plot = data.assign(
            when=data.sampled_at.dt.tz_localize(None), censored_label=data.censored.map({True: "<DL", False: ""})
        )
        enc = {
            "x": alt.X("when:T", title=tr("samples.date"), axis=alt.Axis(format="%Y-%m-%d")),
            "y": alt.Y("value_mg_l:Q", title="TP (mg/L)"),
            "tooltip": [
                alt.Tooltip("when:T", format="%Y-%m-%d %H:%M"),
                alt.Tooltip("value_entered:N", title=tr("samples.value")),
            ],
        }
        measured = alt.Chart(plot[~plot.censored]).mark_point(size=70, filled=True).encode(**enc)
        censored = alt.Chart(plot[plot.censored]).mark_point(size=70, filled=False, strokeWidth=2).encode(**enc)
        layers = [alt.Chart(plot).mark_line(opacity=0.4).encode(x="when:T", y="value_mg_l:Q"), measured, censored]
        if limit is not None:
            layers.append(
                alt.Chart(pd.DataFrame({"limit": [limit]}))
                .mark_rule(color="#dc2626", strokeDash=[6, 3])
                .encode(y="limit:Q")
            )
        st.altair_chart(alt.layer(*layers), width="stretch")
        st.caption(tr("samples.censored_note"))
        st.subheader(tr("samples.correct"))
        uids = data.sample_uid.tolist()
        labels_by_uid = {r.sample_uid: f"{r.sampled_at:%Y-%m-%d %H:%M} · {fmt_value(r)}" for r in data.itertuples()}
        uid = st.selectbox(tr("samples.sample_pick"), uids, format_func=labels_by_uid.get, key="correct_pick")
        st.dataframe(history_table(db.samples.history(uid)), hide_index=True, width="stretch")
        with st.form("correct_form"):
            new_value = st.text_input(tr("samples.new_value"))
            reason = st.text_input(tr("samples.change_reason"))
            c1, c2 = st.columns(2)
            do_correct = c1.form_submit_button(tr("samples.do_correct"))
            do_retract = c2.form_submit_button(tr("samples.do_retract"))
        if do_correct or do_retract:
            try:
                if not can("sample.correct"):
                    st.error(denied("sample.correct"))
                elif do_retract:
                    v = db.samples.retract(uid, reason, user=me)
                    st.success(tr("samples.corrected", v=v))
                else:
                    v = db.samples.correct(
                        uid, {"value": read_value(new_value), "value_entered": new_value.strip()}, reason, user=me
                    )
                    st.success(tr("samples.corrected", v=v))
            except InputError as exc:
                show_error(exc)
