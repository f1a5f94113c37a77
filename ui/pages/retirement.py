from datetime import datetime

import pandas as pd
import streamlit as st

from geo.config import load_config
from monitoring.ledger import LedgerError, overdue
from monitoring.samples import TZ
from ui.data import current_dataset, store
from ui.i18n import lang, tr
from ui.widgets import plain

db = store()
ds = current_dataset()
LANG = lang()
today = datetime.now(TZ).date()
st.title(tr("page.retirement"))
operator = st.sidebar.text_input(tr("s.operator"), key="operator", help=tr("s.operator_help")).strip()

reg = ds.register.set_index("pond_id")
ledger = db.ledger()
steps = db.steps


def step_name(s):
    return s.name if LANG == "zh" else s.name_en


def cell(state, days, done, s):
    if state == "done":
        return tr("r.done", date=done[s.key][0].isoformat())
    if state == "overdue":
        return tr("r.overdue", days=days)
    if state == "ongoing":
        return tr("r.ongoing")
    return tr("r.pending", date=s.deadline.isoformat())


# --- the ledger grid --------------------------------------------------------------------
st.subheader(tr("r.grid"))
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
        f"background-color: {COLOURS[states[i][col.name]]}" if col.name in states[i] else "" for i in range(len(col))
    ],
    axis=0,
)
st.dataframe(styled, hide_index=True, width="stretch", height=38 * (len(grid) + 1))

# --- one pond: record, history, cancel -----------------------------------------------------
ids = list(reg.index)
default = st.session_state.get("selected_pond") or ids[0]
pond = st.selectbox(
    tr("r.pond"),
    ids,
    index=ids.index(default),
    format_func=lambda p: f"{p} · {reg.loc[p, 'farm_name']}",
    key="ledger_pond",
)
left, right = st.columns([1, 1], gap="large")
with left:
    st.subheader(tr("r.record"))
    with st.form("record_step"):
        step_key = st.selectbox(
            tr("r.step"),
            [s.key for s in steps],
            format_func=lambda k: step_name(next(s for s in steps if s.key == k)),
            key="rec_step",
        )
        when = st.date_input(tr("r.date"), value=today, max_value=today, format="YYYY-MM-DD", key="rec_date")
        unit = st.selectbox(tr("r.unit"), ["", "市自然资源局", "市农业农村局", "江南镇", "聂市镇"], key="rec_unit")
        note = st.text_area(tr("r.note"), key="rec_note")
        doc = st.text_input(tr("r.doc"), key="rec_doc")
        photo = st.file_uploader(tr("r.photo"), type=["jpg", "jpeg", "png"], key="rec_photo")
        submitted = st.form_submit_button(tr("r.save"), type="primary")
    if submitted:
        if not operator:
            st.error(tr("s.need_operator"))
        else:
            try:
                db.record_step(
                    str(pond),
                    step_key,
                    when,
                    operator,
                    responsible_unit=unit or None,
                    note=note,
                    document_no=doc,
                    photo=photo.getvalue() if photo else None,
                    photo_name=photo.name if photo else None,
                )
                st.success(tr("r.saved"))
                st.rerun()
            except LedgerError as exc:
                st.error(plain(tr("r.refused", reason=exc)))
with right:
    st.subheader(tr("r.events"))
    events = db.ledger_events(str(pond))
    if events.empty:
        st.caption(tr("r.no_events"))
    else:
        names = {s.key: step_name(s) for s in steps}
        view = pd.DataFrame(
            {
                "#": events.id,
                tr("r.step"): [
                    names.get(k, "") if isinstance(k, str) else f"→ #{int(v)}"
                    for k, v in zip(events.step, events.voids, strict=True)
                ],
                tr("field.status"): [tr(f"r.kind.{k}") for k in events.kind],
                tr("r.date"): [
                    d.isoformat() if pd.notna(d) and hasattr(d, "isoformat") else "" for d in events.event_date
                ],
                tr("r.unit"): events.responsible_unit,
                tr("r.note"): [(n or rs) for n, rs in zip(events.note, events.reason, strict=True)],
                tr("r.doc"): events.document_no,
                tr("s.operator"): events.recorded_by,
            }
        )
        st.dataframe(view, hide_index=True, width="stretch")
        with_photo = events[events.has_photo.astype(bool)].id.tolist()
        if with_photo:
            pick = st.selectbox(tr("r.show_photo"), with_photo, format_func=lambda i: f"#{i}", key="photo_pick")
            data = db.event_photo(int(pick))
            if data:
                st.image(data[0], caption=data[1], width=320)
        live = [int(i) for i in events[(events.kind == "done")].id if not (events.voids == i).any()]
        if live:
            with st.form("void_event"):
                target = st.selectbox(tr("r.void_pick"), live, format_func=lambda i: f"#{i}")
                reason = st.text_input(tr("r.reason"))
                do_void = st.form_submit_button(tr("r.do_void"))
            if do_void:
                if not operator:
                    st.error(tr("s.need_operator"))
                else:
                    try:
                        db.void_event(int(target), reason, operator)
                        st.success(tr("r.voided"))
                        st.rerun()
                    except LedgerError as exc:
                        st.error(plain(tr("r.refused", reason=exc)))

# --- responsibilities -----------------------------------------------------------------
st.subheader(tr("r.duties"))
cases = db.cases("open")
duty_rows = []
for unit_cfg in load_config().get("units", []):
    name = unit_cfg["name"]
    owned = [s for s in steps if s.responsible == name or (s.responsible == "town" and name in set(reg.town))]
    open_items = overdue_items = 0
    for pid, r in reg.iterrows():
        for s, state, _ in overdue(ledger.get(str(pid), {}), steps, today):
            if s.unit_for(r.town) == name and state != "done":
                open_items += 1
                overdue_items += state == "overdue"
    duty_rows.append(
        {
            tr("r.duty_unit"): name,
            tr("r.duty_text"): unit_cfg.get("duties", ""),
            tr("r.duty_steps"): "、".join(step_name(s) for s in owned),
            tr("r.duty_open"): open_items,
            tr("r.duty_overdue"): overdue_items,
            tr("r.duty_cases"): int((cases.responsible_unit == name).sum()) if len(cases) else 0,
        }
    )
st.dataframe(pd.DataFrame(duty_rows), hide_index=True, width="stretch")
st.caption(tr("page.not_built", what=tr("page.patrols.todo")))
