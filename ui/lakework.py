"""The Retirement page's lake-level tab (湖体治理): plans, organism releases, tasks, the leading group.

The tab follows the sidebar's water body: that body's rows, or every body's with a per-body
breakdown (a 水体 column, and a 水体 choice in the forms).
"""

import pandas as pd
import streamlit as st

from geo.waterbodies import DEFAULT, current_waterbodies
from monitoring import clock
from monitoring.lakework import (
    AREA_UNITS,
    PLAN_STATUSES,
    QUANTITY_UNITS,
    LakeWorkError,
    load_plan_kinds,
    load_release_rule,
    plan_states,
    release_totals,
)
from monitoring.textguard import TextRefused
from ui.auth import actor, can, denied
from ui.bodies import current_body
from ui.bodytasks import breakdown, tasks_section
from ui.i18n import labeller, lang, tr
from ui.widgets import error_text, plain, unit_options


def _name(kind) -> str:
    return kind.name if lang() == "zh" else kind.name_en


def body_name(code: str) -> str:
    """A water body's name in the page's language (the code itself for one the file no longer lists)."""
    wb = current_waterbodies()
    return wb[code].label(lang()) if code in wb.codes else code


def _with_body(columns: dict, codes, body) -> dict:
    """Columns with a 水体 column first when the tab shows every body."""
    return columns if body is not None else {tr("body.selector"): [body_name(c) for c in codes], **columns}


def _day(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    return str(v)[:10]


def _local(at, n: int = 16) -> str:
    """A stored time (naive UTC) as Asia/Shanghai wall time, to ``n`` characters."""
    if at is None or (not isinstance(at, str) and pd.isna(at)):
        return ""
    return str(pd.Timestamp(at).tz_localize("UTC").tz_convert(clock.TZ).tz_localize(None))[:n]


def _saved(key: str, text: str) -> None:
    st.session_state[key] = text
    st.session_state[f"{key}_gen"] = st.session_state.get(f"{key}_gen", 0) + 1
    st.rerun()


def _flash(key: str) -> int:
    msg = st.session_state.pop(key, None)
    if msg:
        st.success(msg)
    return st.session_state.setdefault(f"{key}_gen", 0)


def _refused(exc) -> None:
    st.error(tr("refusal.not_saved", reason=error_text(exc)))


def group_section(db, body) -> None:
    """The leading group and its office (Yehu's when every body is shown); administrators may edit the list."""
    code = body or DEFAULT
    g = db.lakework.group(code)
    st.subheader(tr("lake.group") if body is None else tr("lake.group_of", body=body_name(code)))
    if g["name"]:
        st.markdown(f"**{plain(g['name'])}**")
    st.caption(tr("lake.group_office", place=g["office_location"] or "—", source=g["source"] or "—"))
    body_label = labeller("lake.body")
    st.dataframe(
        pd.DataFrame(
            {
                tr("lake.col.body"): [body_label(m["body"]) for m in g["members"]],
                tr("lake.col.role"): [m["role"] for m in g["members"]],
                tr("lake.col.name"): [m["name"] or "—" for m in g["members"]],
                tr("lake.col.post"): [m["post"] for m in g["members"]],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if g["version"]:
        st.caption(tr("lake.group_edited", by=g["edited_by"], at=_local(g["edited_at"]), version=g["version"]))
    elif g["members"]:
        st.caption(tr("lake.group_from_config"))
    else:
        st.caption(tr("lake.group_none"))
    if not can("lake.group"):
        return
    flash_gen = _flash("lake_group_saved")
    with st.expander(tr("lake.group_edit")):
        labels = {body_label(b): b for b in ("group", "office")}
        edited = st.data_editor(
            pd.DataFrame(
                {
                    "body": [body_label(m["body"]) for m in g["members"]],
                    "role": [m["role"] for m in g["members"]],
                    "name": [m["name"] for m in g["members"]],
                    "post": [m["post"] for m in g["members"]],
                },
                dtype=object,  # text columns even when the list is empty
            ),
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config={
                "body": st.column_config.SelectboxColumn(tr("lake.col.body"), options=list(labels), required=True),
                "role": st.column_config.TextColumn(tr("lake.col.role")),
                "name": st.column_config.TextColumn(tr("lake.col.name")),
                "post": st.column_config.TextColumn(tr("lake.col.post")),
            },
            key=f"lake_group_editor_{code}_{lang()}_{flash_gen}",
        )
        st.caption(tr("lake.group_edit_help"))
        if st.button(tr("lake.group_save"), key="lake_group_save", type="primary"):
            rows = [
                {
                    "body": labels.get(r.get("body"), r.get("body") or ""),
                    "role": r.get("role") or "",
                    "name": r.get("name") or "",
                    "post": r.get("post") or "",
                }
                for r in edited.to_dict("records")
            ]
            try:
                version = db.lakework.set_group(rows, user=actor(), water_body=code)
                _saved("lake_group_saved", tr("lake.group_saved", version=version))
            except (LakeWorkError, TextRefused) as exc:
                _refused(exc)


def plans_section(db, today, body) -> None:
    """The plans the documents ask of the body (or of every body): state, entries, files, the form and voids."""
    kinds = load_plan_kinds(water_body=body)
    plans = db.lakework.plans(body)
    st.subheader(tr("lake.plans"))
    if not kinds:
        st.caption(tr("lake.no_plan_asked"))
    states = plan_states(plans.to_dict("records"), kinds, today)
    rows, colours = [], []
    for s in states:
        k, e = s["kind"], s["entry"]
        rows.append(
            ({} if body is not None else {tr("body.selector"): body_name(k.water_body)})
            | {
                tr("lake.col.plan"): _name(k),
                tr("lake.col.unit"): k.responsible or "—",
                tr("lake.col.deadline"): k.deadline.isoformat() if k.deadline else tr("lake.no_deadline"),
                tr("lake.col.status"): tr(f"lake.status.{s['status']}"),
                tr("lake.col.date"): _day(e["plan_date"]) if e else "",
                tr("lake.col.document_no"): (e["document_no"] or "") if e else "",
                tr("lake.col.state"): tr("retirement.overdue", days=s["days"])
                if s["state"] == "overdue"
                else tr(f"lake.state.{s['state']}"),
                tr("lake.col.source"): k.source,
            }
        )
        colours.append(s["state"])
    fills = {"done": "#bbf7d0", "overdue": "#fecaca", "pending": "#fef9c3", "ongoing": "#e0e7ff"}
    grid = pd.DataFrame(rows)
    state_col = tr("lake.col.state")
    if rows:
        st.dataframe(
            grid.style.apply(lambda col: [f"background-color: {fills[c]}" for c in colours], subset=[state_col]),
            hide_index=True,
            width="stretch",
        )
    if can("lake.plan") and kinds:
        gen = _flash("lake_plan_saved")
        with st.form(f"lake_plan_form_{gen}"):
            st.markdown(f"**{tr('lake.plan_record')}**")
            # One body: the plan's key; every body: "body/key" (a key is unique within its body).
            keys = {(k.key if body is not None else f"{k.water_body}/{k.key}"): k for k in kinds}
            names = {key: _name(k) for key, k in keys.items()}  # bound now: AppTest formats later
            kind = st.selectbox(tr("lake.col.plan"), list(keys), format_func=names.get, key=f"lake_kind_{gen}")
            status = st.radio(
                tr("lake.col.status"),
                PLAN_STATUSES,
                format_func=labeller("lake.status"),
                horizontal=True,
                key=f"lake_status_{gen}",
            )
            when = st.date_input(
                tr("lake.plan_date"), value=today, max_value=today, format="YYYY-MM-DD", key=f"lake_plan_date_{gen}"
            )
            doc = st.text_input(tr("lake.col.document_no"), key=f"lake_doc_{gen}")
            upload = st.file_uploader(
                tr("lake.plan_file"), type=["pdf", "doc", "docx", "jpg", "jpeg", "png"], key=f"lake_file_{gen}"
            )
            note = st.text_area(tr("retirement.note"), key=f"lake_plan_note_{gen}")
            submitted = st.form_submit_button(tr("retirement.save"), type="primary")
        if submitted:
            try:
                pid = db.lakework.add_plan(
                    keys[kind].key,
                    status,
                    when,
                    user=actor(),
                    document_no=doc,
                    note=note,
                    file=upload.getvalue() if upload else None,
                    file_name=upload.name if upload else None,
                    water_body=keys[kind].water_body,
                    today=today,
                )
                _saved("lake_plan_saved", tr("lake.plan_saved", id=pid))
            except (LakeWorkError, TextRefused) as exc:
                _refused(exc)
    if plans.empty:
        st.caption(tr("lake.no_plans"))
        return
    names = {(k.water_body, k.key): _name(k) for k in load_plan_kinds(water_body=None)}
    st.dataframe(
        pd.DataFrame(
            _with_body(
                {
                    "#": plans.id,
                    tr("lake.col.plan"): [
                        names.get(wk, wk[1]) for wk in zip(plans.water_body, plans.kind, strict=True)
                    ],
                    tr("lake.col.status"): [tr(f"lake.status.{s}") for s in plans.status],
                    tr("lake.col.date"): [_day(d) for d in plans.plan_date],
                    tr("lake.col.document_no"): plans.document_no,
                    tr("lake.col.file"): [n if h else "" for n, h in zip(plans.file_name, plans.has_file, strict=True)],
                    tr("retirement.note"): plans.note,
                    tr("samples.operator"): plans.recorded_by,
                    tr("lake.col.void"): _void_texts(plans),
                },
                plans.water_body,
                body,
            )  # fmt: skip
        ),
        hide_index=True,
        width="stretch",
    )
    with_file = plans[plans.has_file.astype(bool)].id.astype(int).tolist()
    if with_file:
        pick = st.selectbox(tr("lake.file_pick"), with_file, format_func=lambda i: f"#{i}", key="lake_file_pick")
        data = db.lakework.plan_file(int(pick))
        if data:
            st.download_button(tr("lake.file_download", name=plain(data[1])), data[0], file_name=data[1], mime=data[2])
    _void_form(db, plans, "plan")


def _void_texts(df) -> list[str]:
    return [
        tr("lake.voided", by=by, at=_local(at, 10), reason=why) if isinstance(by, str) and by else ""
        for by, at, why in zip(df.voided_by, df.voided_at, df.void_reason, strict=True)
    ]


def _void_form(db, df, what: str) -> None:
    action = f"lake.{what}_void"
    live = df[df.voided_by.isna() | (df.voided_by == "")].id.astype(int).tolist() if len(df) else []
    if not live or not can(action):
        return
    with st.form(f"lake_{what}_void"):
        target = st.selectbox(tr("lake.void_pick"), live, format_func=lambda i: f"#{i}", key=f"lake_{what}_void_pick")
        reason = st.text_input(tr("retirement.reason"), key=f"lake_{what}_void_reason")
        go = st.form_submit_button(tr("lake.do_void"))
    if go:
        if not can(action):
            st.error(denied(action))
            return
        try:
            if what == "plan":
                db.lakework.void_plan(int(target), reason, user=actor())
            else:
                db.lakework.void_release(int(target), reason, user=actor())
            _saved(f"lake_{what}_saved", tr("lake.void_done", id=int(target)))
        except (LakeWorkError, TextRefused) as exc:
            _refused(exc)


def releases_section(db, today, body) -> None:
    """Releases into the body (or every body): the documents' rule, totals, the form, the list and voids."""
    codes = [body] if body is not None else current_waterbodies().codes
    rel = db.lakework.releases(body)
    st.subheader(tr("lake.releases"))
    unit_label = labeller("lake.qunit")
    sep = tr("list.sep")
    for code in codes:
        rule = load_release_rule(water_body=code)
        prefix = "" if body is not None else f"{body_name(code)} · "
        if rule["asked"]:
            deadline = rule["deadline"].isoformat() if rule["deadline"] else tr("lake.no_deadline")
            st.caption(
                prefix
                + tr("lake.release_rule", unit=rule["responsible"] or "—", deadline=deadline, source=rule["source"])
            )
        elif body is not None:
            st.caption(tr("lake.release_not_asked"))
        totals = release_totals(rel[rel.water_body == code].to_dict("records"), today) if len(rel) else []
        if totals:
            text = sep.join(f"{t['species']} {t['quantity']:g} {unit_label(t['quantity_unit'])}" for t in totals)
            st.markdown(plain(prefix) + tr("lake.release_totals", totals=plain(text)))
    rule = load_release_rule(water_body=body or DEFAULT)
    if can("lake.release"):
        gen = _flash("lake_release_saved")
        with st.form(f"lake_release_form_{gen}"):
            st.markdown(f"**{tr('lake.release_record')}**")
            where = body
            if body is None:
                names = {c: body_name(c) for c in codes}
                where = st.selectbox(tr("body.selector"), codes, format_func=names.get, key=f"lake_rel_body_{gen}")
            when = st.date_input(
                tr("lake.release_date"), value=today, max_value=today, format="YYYY-MM-DD", key=f"lake_rel_date_{gen}"
            )
            species = st.text_input(tr("lake.col.species"), help=tr("lake.species_help"), key=f"lake_species_{gen}")
            c1, c2 = st.columns(2)
            quantity = c1.number_input(
                tr("lake.col.quantity"), min_value=0.0, value=None, step=1.0, key=f"lake_qty_{gen}"
            )
            q_unit = c2.selectbox(
                tr("lake.col.quantity_unit"), QUANTITY_UNITS, format_func=unit_label, key=f"lake_qunit_{gen}"
            )
            c3, c4 = st.columns(2)
            area = c3.number_input(
                tr("lake.col.water_area"), min_value=0.0, value=None, step=1.0, key=f"lake_area_{gen}"
            )
            a_unit = c4.radio(
                tr("lake.col.area_unit"),
                AREA_UNITS,
                format_func=labeller("lake.aunit"),
                horizontal=True,
                key=f"lake_aunit_{gen}",
            )
            units = unit_options()
            default = units.index(rule["responsible"]) if rule["responsible"] in units else 0
            who = st.selectbox(tr("lake.col.releasing_unit"), units, index=default, key=f"lake_rel_unit_{gen}")
            note = st.text_area(tr("retirement.note"), key=f"lake_rel_note_{gen}")
            submitted = st.form_submit_button(tr("retirement.save"), type="primary")
        if submitted:
            try:
                rid = db.lakework.add_release(
                    when,
                    species,
                    quantity if quantity is not None else 0,
                    q_unit,
                    user=actor(),
                    water_area=area or None,
                    area_unit=a_unit,
                    releasing_unit=who,
                    note=note,
                    water_body=where,
                    today=today,
                )
                _saved("lake_release_saved", tr("lake.release_saved", id=rid))
            except (LakeWorkError, TextRefused) as exc:
                _refused(exc)
    if rel.empty:
        st.caption(tr("lake.no_releases"))
        return
    area_label = labeller("lake.aunit")
    st.dataframe(
        pd.DataFrame(
            _with_body(
                {
                    "#": rel.id,
                    tr("lake.release_date"): [_day(d) for d in rel.release_date],
                    tr("lake.col.species"): rel.species,
                    tr("lake.col.quantity"): [
                        f"{q:g} {unit_label(u)}" for q, u in zip(rel.quantity, rel.quantity_unit, strict=True)
                    ],
                    tr("lake.col.water_area"): [
                        "" if pd.isna(a) else f"{a:g} {area_label(u)}"
                        for a, u in zip(rel.water_area, rel.area_unit, strict=True)
                    ],
                    tr("lake.col.releasing_unit"): rel.releasing_unit,
                    tr("retirement.note"): rel.note,
                    tr("samples.operator"): rel.recorded_by,
                    tr("lake.col.void"): _void_texts(rel),
                },
                rel.water_body,
                body,
            )  # fmt: skip
        ),
        hide_index=True,
        width="stretch",
    )
    _void_form(db, rel, "release")


def lake_tab(db) -> None:
    """The whole tab, for the sidebar's water body (or every body, with a per-body breakdown)."""
    today = clock.today()
    body = current_body()
    st.caption(tr("lake.intro") if body == DEFAULT else tr("lake.intro_body"))
    if body is None:
        breakdown(db, today)
    plans_section(db, today, body)
    releases_section(db, today, body)
    tasks_section(db, today, body)
    group_section(db, body)
