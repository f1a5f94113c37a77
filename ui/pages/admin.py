from datetime import timedelta

import pandas as pd
import streamlit as st

from geo.boundaries import EXTENSIONS, KINDS, MAX_UPLOAD_BYTES
from geo.cells import csv_bytes
from geo.filecheck import notes_text
from geo.provenance import UPLOAD_PROVENANCES, layer_provenance, section_problem_text
from i18n.errors import UserError
from monitoring import clock
from monitoring.auth import ROLES, AuthError, PermissionDenied
from monitoring.clock import TZ
from monitoring.store import RegisterEditError
from ui import placements, site_aliases
from ui.auth import actor, denied
from ui.coords import datum_radio, entered
from ui.data import current_dataset, store
from ui.drawing import source_label
from ui.i18n import labeller, lang, tr
from ui.widgets import error_text, keep, keyed, plain

db = store()
me = actor()
st.title(tr("page.admin"))
if me is None or me.role != "admin":  # the router hides this page; the Store refuses anyway
    st.error(denied("user.update"))
    st.stop()


def local(times: pd.Series) -> pd.Series:
    """Stored naive-UTC times as Asia/Shanghai text."""
    return pd.to_datetime(times).dt.tz_localize("UTC").dt.tz_convert(TZ).dt.strftime("%Y-%m-%d %H:%M:%S")


def done(where: str, message: str, warnings=()) -> None:
    """Show the message (and warnings) after a rerun, so that everything above the form shows the new state."""
    st.session_state["_flash"] = (where, message, tuple(warnings))
    st.rerun()


def flash(where: str) -> None:
    note = st.session_state.get("_flash")
    if note and note[0] == where:
        st.session_state.pop("_flash")
        st.success(note[1])
        for w in note[2]:
            st.warning(w)


tab_users, tab_audit, tab_register, tab_bounds, tab_demo = st.tabs(
    [
        tr("admin.tab.users"),
        tr("admin.tab.audit"),
        tr("admin.tab.register"),
        tr("admin.tab.boundaries"),
        tr("admin.tab.demo"),
    ]
)

# --- users ------------------------------------------------------------------------------
with tab_users:
    flash("users")
    accounts = db.accounts.list_users()
    locks = db.accounts.locks()
    lock_ends = local(pd.Series([locks.get(u.lower()) for u in accounts.username], dtype="datetime64[ns]"))
    st.dataframe(
        pd.DataFrame(
            {
                tr("auth.username"): accounts.username,
                tr("admin.display_name"): accounts.display_name,
                tr("admin.role"): [tr(f"role.{r}") for r in accounts.role],
                tr("admin.active"): accounts.active.astype(bool),
                tr("admin.locked"): [tr("admin.locked_until", time=e) if isinstance(e, str) else "" for e in lock_ends],
                tr("admin.updated"): local(accounts.updated_at),
                tr("admin.updated_by"): accounts.updated_by,
            }
        ),
        hide_index=True,
        width="stretch",
    )
    c1, c2 = st.columns(2)
    with c1.form("new_user", clear_on_submit=True):
        st.markdown(f"**{tr('admin.new_user')}**")
        n_name = st.text_input(tr("auth.username"), key="nu_name")
        n_display = st.text_input(tr("admin.display_name"), key="nu_display")
        n_role = st.selectbox(tr("admin.role"), ROLES, format_func=labeller("role"), key=keyed("nu_role"))
        n_pw = st.text_input(tr("auth.new_password"), type="password", key="nu_pw")
        n_pw2 = st.text_input(tr("auth.new_password2"), type="password", key="nu_pw2")
        add = st.form_submit_button(tr("admin.create"), type="primary")
    if add:
        keep("nu_role", n_role)
        if n_pw != n_pw2:
            c1.error(tr("auth.mismatch"))
        else:
            try:
                db.accounts.create(n_name, n_pw, n_role, user=me, display_name=n_display)
                done("users", tr("admin.created", name=plain(n_name.strip())))
            except (AuthError, PermissionDenied) as exc:
                c1.error(error_text(exc))
    if len(accounts):
        with c2.form("edit_user", clear_on_submit=True):
            st.markdown(f"**{tr('admin.edit_user')}**")
            e_name = st.selectbox(tr("auth.username"), accounts.username.tolist(), key="eu_name")
            role_label, unchanged = labeller("role"), tr("admin.state.keep")
            e_role = st.selectbox(
                tr("admin.role"),
                ["", *ROLES],
                format_func=lambda r: role_label(r) if r else unchanged,
                key=keyed("eu_role"),
            )
            e_state = st.radio(
                tr("admin.state"),
                ["keep", "enable", "disable"],
                format_func=labeller("admin.state"),
                horizontal=True,
                key=keyed("eu_state"),
            )
            e_pw = st.text_input(tr("admin.reset_password"), type="password", key="eu_pw")
            e_unlock = st.checkbox(tr("admin.unlock"), key="eu_unlock", help=tr("admin.unlock_help"))
            change = st.form_submit_button(tr("admin.apply"))
        if change:
            try:
                db.accounts.update(
                    e_name,
                    user=me,
                    role=e_role or None,
                    active=None if e_state == "keep" else e_state == "enable",
                    password=e_pw or None,
                )
                lines = [tr("admin.updated_ok", name=plain(e_name))]
                if e_unlock:
                    lifted = db.accounts.unlock(e_name, user=me)
                    lines.append(tr("admin.unlocked" if lifted else "admin.not_locked", name=plain(e_name)))
                done("users", "\n\n".join(lines))
            except (AuthError, PermissionDenied) as exc:
                c2.error(error_text(exc))

# --- audit trail --------------------------------------------------------------------------
with tab_audit:
    st.caption(tr("admin.audit_help"))
    f1, f2, f3, f4 = st.columns(4)
    who = f1.text_input(tr("admin.actor"), key="au_actor").strip() or None
    what = f2.text_input(tr("admin.action"), key="au_action", help=tr("admin.action_help")).strip() or None
    entity_id = f3.text_input(tr("admin.entity_id"), key="au_entity").strip() or None
    today = clock.today()
    span = f4.date_input(tr("admin.dates"), value=(today - timedelta(days=30), today), key="au_dates")
    start, end = (span[0], span[-1]) if isinstance(span, tuple | list) and span else (span, span)

    log = db.audit.log(
        actor=who,
        action=what,
        entity_id=entity_id,
        since=clock.day_start_utc(start) if start else None,
        until=clock.day_start_utc(end, 1) if end else None,
        limit=5000,
    )
    st.caption(tr("admin.audit_count", n=len(log)))
    if len(log):
        shown = pd.DataFrame(
            {
                tr("admin.when"): local(log["at"]),
                tr("admin.actor"): log.actor,
                tr("admin.action"): log.action,
                tr("admin.entity"): log.entity,
                tr("admin.entity_id"): log.entity_id,
                tr("admin.before"): log.before.fillna(""),
                tr("admin.after"): log.after.fillna(""),
            }
        )
        st.dataframe(shown, hide_index=True, width="stretch")
        st.download_button(
            tr("admin.audit_csv"),
            csv_bytes(shown),
            file_name="yehu-audit.csv",
            mime="text/csv",
        )

# --- register corrections and field verification -----------------------------------------
with tab_register:
    flash("register")
    ds = current_dataset()
    reg = ds.register.set_index("pond_id")
    st.caption(tr("admin.register_help"))
    pid = st.selectbox(
        tr("admin.pond"), reg.index.tolist(), format_func=lambda p: f"{p} · {reg.loc[p, 'farm_name']}", key="rg_pond"
    )
    row = reg.loc[pid]
    st.dataframe(
        pd.DataFrame(
            {
                tr("admin.field"): [tr("admin.coord"), tr("admin.uses"), tr("admin.area"), tr("admin.coord_status")],
                tr("admin.seed"): [row.seed_coord_text, row.seed_uses, f"{row.seed_area_mu:g}", ""],
                tr("admin.current"): [
                    row.coord_text,
                    row.uses,
                    f"{row.area_mu:g}",
                    tr("admin.verified_by", by=row.verified_by, on=row.verified_on)
                    if row.coord_status == "verified"
                    else tr("admin.provisional"),
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    r1, r2 = st.columns(2)
    with r1.form("correct_pond", clear_on_submit=True):
        st.markdown(f"**{tr('admin.correct')}**")
        c_coord = st.text_input(tr("admin.coord"), help=tr("admin.coord_help"), key="rg_coord")
        c_datum = datum_radio("rg_datum")
        c_uses = st.text_input(tr("admin.uses"), help=tr("admin.uses_help"), key="rg_uses")
        c_reason = st.text_input(tr("admin.reason"), key="rg_reason")
        do_correct = st.form_submit_button(tr("admin.save_correction"))
    if do_correct:
        try:
            coord, reason = entered(c_coord, c_datum, c_reason)
            reason = reason if c_reason.strip() else ""  # the datum record is no reason: the store refuses
            db.register.correct_pond(pid, user=me, reason=reason, coord_text=coord, uses=c_uses.strip() or None)
            done("register", tr("admin.saved"))
        except (RegisterEditError, PermissionDenied) as exc:
            r1.error(error_text(exc))
    with r2.form("verify_pond", clear_on_submit=True):
        st.markdown(f"**{tr('admin.verify')}**")
        v_coord = st.text_input(tr("admin.gps"), help=tr("admin.coord_help"), key="rg_gps")
        v_datum = datum_radio("rg_gps_datum")
        v_by = st.text_input(tr("admin.gps_by"), key="rg_by")
        v_on = st.date_input(tr("admin.gps_on"), value=today, max_value=today, key="rg_on")
        v_note = st.text_input(tr("admin.note"), key="rg_note")
        do_verify = st.form_submit_button(tr("admin.save_verification"))
    if do_verify:
        try:
            coord, v_note = entered(v_coord, v_datum, v_note)
            db.register.verify_pond(pid, coord or "", user=me, verified_by=v_by, verified_on=v_on, note=v_note)
            done("register", tr("admin.saved"))
        except (RegisterEditError, PermissionDenied) as exc:
            r2.error(error_text(exc))
    edits = db.register.edits(pid)
    st.markdown(f"**{tr('admin.edit_history')}**")
    if edits.empty:
        st.caption(tr("admin.no_edits"))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    tr("admin.when"): local(edits.recorded_at),
                    tr("admin.actor"): edits.recorded_by,
                    tr("admin.kind"): [tr(f"admin.kind.{k}") for k in edits.kind],
                    tr("admin.changes"): [", ".join(f"{k}={v}" for k, v in c.items()) for c in edits.changes],
                    tr("admin.reason"): edits.reason,
                    tr("admin.gps_by"): edits.verified_by,
                    tr("admin.gps_on"): edits.verified_on,
                }
            ),
            hide_index=True,
            width="stretch",
        )

    site_aliases.render(db, me, lambda message: done("register", message))

# --- boundaries -----------------------------------------------------------------------------
with tab_bounds:
    flash("boundaries")
    ds = current_dataset()
    st.caption(tr("admin.bounds_help", exts=", ".join(EXTENSIONS), mb=MAX_UPLOAD_BYTES // 2**20))
    for layer in (ds.lake, ds.sections, *(x for x in (ds.outlines, ds.admin) if x is not None)):
        st.markdown(
            tr(
                "admin.layer_in_use",
                kind=tr(f"admin.layer.{layer.kind}"),
                file=plain(layer.path.name),
                n=len(layer.gdf),
                state=plain(layer_provenance(layer.gdf, lang()) or tr("admin.not_provisional")),
            )
        )
    with st.form("upload_boundary", clear_on_submit=True):
        b_kind = st.radio(
            tr("admin.layer"),
            list(KINDS),
            format_func=labeller("admin.layer"),
            horizontal=True,
            key=keyed("bd_kind"),
        )
        b_file = st.file_uploader(tr("admin.file"), type=[e.lstrip(".") for e in EXTENSIONS], key="bd_file")
        b_prov = st.radio(
            tr("field.provenance"),
            UPLOAD_PROVENANCES,
            index=None,
            format_func=labeller("boundary.provenance"),
            horizontal=True,
            key=keyed("bd_prov"),
        )
        p1, p2, p3 = st.columns([3, 1, 1])
        b_source = p1.text_input(tr("field.prov_source"), key="bd_source", help=tr("prov.form.source_help"))
        b_date = p2.date_input(tr("field.prov_date"), value=None, max_value=clock.today(), key="bd_date")
        b_by = p3.text_input(tr("field.prov_by"), value=me.name, key="bd_by")
        b_layer = st.text_input(tr("field.layer"), key="bd_layer", help=tr("prov.form.layer_help"))
        b_note = st.text_input(tr("admin.note"), key="bd_note")
        do_upload = st.form_submit_button(tr("admin.upload"), type="primary")
    if do_upload:
        keep("bd_kind", b_kind)
        if b_file is None:
            st.error(tr("admin.no_file"))
        elif b_prov is None:
            st.error(tr("prov.form.choose"))
        else:
            try:
                vid = db.register.upload_boundary(
                    b_kind,
                    b_file.name,
                    b_file.getvalue(),
                    user=me,
                    note=b_note,
                    provenance=b_prov,
                    prov_source=b_source,
                    prov_date=b_date,
                    prov_by=b_by,
                    layer=b_layer,
                )
                stored = db.register.list_boundaries(b_kind).iloc[0]
                lines = [tr("admin.uploaded", id=vid), tr("prov.form.stated", kind=tr(f"boundary.provenance.{b_prov}"))]
                if stored.layer:
                    lines.append(tr("prov.form.layer_taken", layer=plain(stored.layer)))
                checks = current_dataset().section_problems if b_kind in ("lake", "sections") else []
                notes = [plain(n) for n in notes_text(stored.warnings, lang()).splitlines()]  # repairs, assumptions
                done("boundaries", " ".join(lines), notes + [plain(section_problem_text(c, lang())) for c in checks])
            except UserError as exc:
                st.error(error_text(exc))
    versions = db.register.list_boundaries()
    if versions.empty:
        st.caption(tr("admin.no_versions"))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "#": versions.id,
                    tr("admin.layer"): [tr(f"admin.layer.{k}") for k in versions.kind],
                    tr("admin.file"): versions.filename,
                    tr("admin.features"): versions.features,
                    tr("admin.provisional"): versions.provisional.astype(bool),
                    tr("field.provenance"): [
                        tr(f"boundary.provenance.{p}") if isinstance(p, str) else "" for p in versions.provenance
                    ],
                    tr("field.prov_source"): [source_label(s) for s in versions.prov_source],
                    tr("field.prov_date"): versions.prov_date,
                    tr("field.prov_by"): versions.prov_by,
                    tr("field.layer"): versions.layer,
                    tr("admin.note"): versions.note,
                    tr("admin.warnings"): [notes_text(w, lang()) for w in versions.warnings],
                    tr("admin.actor"): versions.recorded_by,
                    tr("admin.when"): local(versions.recorded_at),
                }
            ),
            hide_index=True,
            width="stretch",
        )
        pick = st.selectbox(tr("admin.download_version"), versions.id.tolist(), key="bd_pick")
        content, name = db.register.boundary_file(int(pick))
        st.download_button(tr("admin.download"), content, file_name=name, key="bd_download")
    st.divider()
    placements.render(db, me, lambda message: done("boundaries", message))

# --- demo data ---------------------------------------------------------------------------------
with tab_demo:
    from monitoring.demo import load_demo

    st.caption(tr("admin.demo_help"))
    d1, d2 = st.columns(2)
    if d1.button(tr("admin.demo_load"), key="demo_load"):
        n = load_demo(db, user=me)
        d1.success(tr("admin.demo_loaded", n=n))
        st.cache_data.clear()
    if d2.button(tr("admin.demo_remove"), key="demo_remove"):
        n = db.demo.remove(user=me)
        d2.success(tr("admin.demo_removed", n=n))
        st.cache_data.clear()
