"""Rectification tasks (整改任务) in the 湖体治理 tab: state per task, progress form, entries, voids.

Also the per-body breakdown shown when the sidebar's choice is every water body.
"""

import pandas as pd
import streamlit as st

from geo.waterbodies import current_waterbodies
from monitoring.bodytasks import TASK_STATUSES, TaskError, current_tasks
from monitoring.lakework import LakeWorkError, load_plan_kinds, plan_states
from monitoring.task_outputs import body_label, deadline_text, state_text, task_digest
from monitoring.textguard import TextRefused
from ui.auth import actor, can, denied
from ui.i18n import labeller, lang, tr
from ui.widgets import error_text, plain

FILLS = {"closed": "#bbf7d0", "done": "#d9f99d", "overdue": "#fecaca", "pending": "#fef9c3", "ongoing": "#e0e7ff"}


def _day(v) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)[:10]


def _flash(key: str) -> int:
    msg = st.session_state.pop(key, None)
    if msg:
        st.success(msg)
    return st.session_state.setdefault(f"{key}_gen", 0)


def _saved(key: str, text: str) -> None:
    st.session_state[key] = text
    st.session_state[f"{key}_gen"] = st.session_state.get(f"{key}_gen", 0) + 1
    st.rerun()


def breakdown(db, today) -> None:
    """Every body in one table: plans approved of those asked, releases, tasks open / overdue / closed."""
    codes = current_waterbodies().codes
    plans = plan_states(db.lakework.plans(None).to_dict("records"), load_plan_kinds(water_body=None), today)
    rel = db.lakework.releases(None)
    live = rel[rel.voided_by.isna() | (rel.voided_by == "")] if len(rel) else rel
    counts = {c["body"]: c for c in task_digest(db, today)["counts"]}
    st.subheader(tr("task.breakdown"))
    st.dataframe(
        pd.DataFrame(
            {
                tr("body.selector"): [body_label(c, lang()) for c in codes],
                tr("task.col.plans"): [
                    f"{sum(p['status'] == 'approved' for p in plans if p['kind'].water_body == c)}"
                    f" / {sum(p['kind'].water_body == c for p in plans)}"
                    for c in codes
                ],
                tr("task.col.releases"): [int((live.water_body == c).sum()) if len(live) else 0 for c in codes],
                tr("task.col.total"): [counts[c]["total"] for c in codes],
                tr("task.col.open"): [counts[c]["open"] for c in codes],
                tr("task.col.overdue"): [counts[c]["overdue"] for c in codes],
                tr("task.col.closed"): [counts[c]["closed"] for c in codes],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def _form(db, today, tasks, body) -> None:
    gen = _flash("task_saved")
    with st.form(f"task_form_{gen}"):
        st.markdown(f"**{tr('task.record')}**")
        names = {
            t.key: (t.label(lang()) if body is not None else f"{body_label(t.body, lang())} · {t.label(lang())}")
            for t in tasks
        }  # bound now: AppTest formats later
        key = st.selectbox(tr("task.col.task"), list(names), format_func=names.get, key=f"task_key_{gen}")
        status = st.radio(
            tr("task.col.status"),
            TASK_STATUSES,
            index=1,
            format_func=labeller("task.status"),
            horizontal=True,
            key=f"task_status_{gen}",
        )
        when = st.date_input(
            tr("task.col.date"), value=today, max_value=today, format="YYYY-MM-DD", key=f"task_date_{gen}"
        )
        unit = st.text_input(tr("task.col.reporting_unit"), help=tr("task.unit_help"), key=f"task_unit_{gen}")
        note = st.text_area(tr("task.col.note"), help=tr("task.note_help"), key=f"task_note_{gen}")
        upload = st.file_uploader(
            tr("task.file"), type=["pdf", "doc", "docx", "jpg", "jpeg", "png"], key=f"task_file_{gen}"
        )
        submitted = st.form_submit_button(tr("retirement.save"), type="primary")
    if submitted:
        try:
            eid = db.tasks.add_progress(
                key,
                status,
                when,
                note,
                user=actor(),
                unit=unit,
                file=upload.getvalue() if upload else None,
                file_name=upload.name if upload else None,
                today=today,
            )
            _saved("task_saved", tr("task.saved", id=eid))
        except (TaskError, LakeWorkError, TextRefused) as exc:
            st.error(tr("refusal.not_saved", reason=error_text(exc)))


def _entries(db, rows, tasks_all, body) -> None:
    names = {t.key: t.label(lang()) for t in tasks_all}
    voided = [
        tr("lake.voided", by=by, at=_day(at), reason=why) if isinstance(by, str) and by else ""
        for by, at, why in zip(rows.voided_by, rows.voided_at, rows.void_reason, strict=True)
    ]
    columns = {
        "#": rows.id,
        tr("task.col.task"): [names.get(k, k) for k in rows.task_key],
        tr("task.col.status"): [tr(f"task.status.{s}") for s in rows.status],
        tr("task.col.date"): [_day(d) for d in rows.progress_date],
        tr("task.col.reporting_unit"): rows.unit,
        tr("task.col.note"): rows.note,
        tr("task.col.file"): [n if h else "" for n, h in zip(rows.file_name, rows.has_file, strict=True)],
        tr("samples.operator"): rows.recorded_by,
        tr("lake.col.void"): voided,
    }
    if body is None:
        columns = {tr("body.selector"): [body_label(c, lang()) for c in rows.water_body], **columns}
    st.dataframe(pd.DataFrame(columns), hide_index=True, width="stretch")
    with_file = rows[rows.has_file.astype(bool)].id.astype(int).tolist()
    if with_file:
        pick = st.selectbox(tr("task.file_pick"), with_file, format_func=lambda i: f"#{i}", key="task_file_pick")
        data = db.tasks.progress_file(int(pick))
        if data:
            st.download_button(tr("lake.file_download", name=plain(data[1])), data[0], file_name=data[1], mime=data[2])
    live = rows[rows.voided_by.isna() | (rows.voided_by == "")].id.astype(int).tolist()
    if not live or not can("task.progress_void"):
        return
    with st.form("task_void"):
        target = st.selectbox(tr("lake.void_pick"), live, format_func=lambda i: f"#{i}", key="task_void_pick")
        reason = st.text_input(tr("retirement.reason"), key="task_void_reason")
        go = st.form_submit_button(tr("lake.do_void"))
    if go:
        if not can("task.progress_void"):
            st.error(denied("task.progress_void"))
            return
        try:
            db.tasks.void_progress(int(target), reason, user=actor())
            _saved("task_saved", tr("lake.void_done", id=int(target)))
        except (TaskError, TextRefused) as exc:
            st.error(tr("refusal.not_saved", reason=error_text(exc)))


def tasks_section(db, today, body) -> None:
    """The rectification tasks of the body (or of every body): state, the progress form, entries and voids."""
    d = task_digest(db, today, body)
    st.subheader(tr("task.title"))
    st.caption(tr("task.intro"))
    states = d["states"]
    if not states:
        st.caption(tr("task.none_for_body"))
    else:
        rows = []
        for s in states:
            t, e = s["task"], s["entry"]
            row = {} if body is not None else {tr("body.selector"): body_label(t.body, lang())}
            rows.append(
                row
                | {
                    tr("task.col.task"): t.label(lang()),
                    tr("task.col.unit"): t.unit,
                    tr("task.col.deadline"): deadline_text(t, lang()),
                    tr("task.col.status"): tr(f"task.status.{s['status']}"),
                    tr("task.col.latest_date"): _day(e["progress_date"]) if e else "",
                    tr("task.col.latest_note"): e["note"] if e else "",
                    tr("task.col.state"): state_text(s, lang()),
                    tr("task.col.source"): t.source,
                }
            )
        colours = [s["state"] for s in states]
        st.dataframe(
            pd.DataFrame(rows).style.apply(
                lambda col: [f"background-color: {FILLS[c]}" for c in colours], subset=[tr("task.col.state")]
            ),
            hide_index=True,
            width="stretch",
        )
        if can("task.progress"):
            _form(db, today, [s["task"] for s in states], body)
    entries = db.tasks.progress(body)
    if entries.empty:
        st.caption(tr("task.no_entries"))
        return
    _entries(db, entries, current_tasks(), body)


def task_counts(db, today, body) -> None:
    """For leaders: each body's rectification tasks, open and overdue, with the overdue ones named."""
    d = task_digest(db, today, body)
    st.subheader(tr("dashboard.tasks"))
    counts = [c for c in d["counts"] if c["total"]]
    if not counts:
        st.caption(tr("dashboard.tasks_none"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                tr("body.selector"): [body_label(c["body"], lang()) for c in counts],
                tr("task.col.total"): [c["total"] for c in counts],
                tr("task.col.open"): [c["open"] for c in counts],
                tr("task.col.overdue"): [c["overdue"] for c in counts],
                tr("task.col.closed"): [c["closed"] for c in counts],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    for s in d["states"]:
        if s["state"] == "overdue":
            where = body_label(s["task"].body, lang())
            st.error(f"{plain(where)} · {plain(s['task'].label(lang()))} · {state_text(s, lang())}")
