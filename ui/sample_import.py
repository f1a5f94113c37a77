"""The Samples page's import tab: templates, preview, the not-sampled choice, confirmation, result."""

import pandas as pd
import streamlit as st

from monitoring.importer import ImportFileError, file_id, import_file, parse_file, resolver_for
from monitoring.templates import template_csv, template_xlsx
from ui.auth import can, denied
from ui.i18n import lang, tr
from ui.widgets import plain

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _value(row) -> str:
    if row.not_sampled is not None:
        return tr("preview.not_sampled", reason=row.not_sampled)
    if row.sample is None:
        return ""
    v = row.sample.value
    return f"<{v.value:g}" if v.censored else f"{v.value:g}"


def _counts(counts: dict) -> str:
    return ", ".join(f"{k}: {v}" for k, v in counts.items())


def preview_frame(parsed) -> pd.DataFrame:
    rows = parsed.rows
    return pd.DataFrame(
        {
            tr("samples.row"): [r.line for r in rows],
            tr("import.site_written"): [r.site_text for r in rows],
            tr("import.site_resolved"): [r.site or "" for r in rows],
            tr("import.sampled_at"): [r.sampled_at.strftime("%Y-%m-%d %H:%M") if r.sampled_at else "" for r in rows],
            tr("samples.value"): [_value(r) for r in rows],
            tr("import.censored"): [
                tr("import.below_dl") if r.sample is not None and r.sample.value.censored else "" for r in rows
            ],
            tr("import.status"): [tr("import.row_error") if r.errors else tr("import.row_ok") for r in rows],
        }
    )


def errors_frame(errors) -> pd.DataFrame:
    language = lang()
    return pd.DataFrame(
        {
            tr("samples.row"): [e.row if e.row is not None else "" for e in errors],
            tr("samples.column"): [getattr(e, "column", "") for e in errors],
            tr("samples.value"): [e.value if e.value is not None else "" for e in errors],
            tr("samples.reason"): [e.reason(language) for e in errors],
        }
    )


def _parsed(db, data: bytes, name: str):
    """Parse once per file (the preview stays while the user chooses and confirms)."""
    key = (file_id(data), name, lang())
    cached = st.session_state.get("import_preview")
    if cached and cached[0] == key:
        return cached[1]
    parsed = parse_file(data, name, resolver_for(db))
    st.session_state["import_preview"] = (key, parsed)
    return parsed


def render(db, me) -> None:
    st.caption(tr("samples.upload_help"))
    c1, c2 = st.columns(2)
    c1.download_button(
        tr("import.template_xlsx"), template_xlsx(), tr("import.template_name") + ".xlsx", XLSX_MIME, key="tpl_xlsx"
    )
    c2.download_button(
        tr("import.template_csv"), template_csv(), tr("import.template_name") + ".csv", "text/csv", key="tpl_csv"
    )
    done = st.session_state.pop("import_done", None)
    if done:
        st.success(done[0])
        st.caption(done[1])
    upload = st.file_uploader(tr("samples.upload"), type=["csv", "xlsx"], key="upload")
    if upload is None:
        return
    data = upload.getvalue()
    try:
        parsed = _parsed(db, data, upload.name)
    except ImportFileError as exc:
        st.error(plain(tr("samples.import_failed", error=exc.message(lang()))))
        return
    header = parsed.header
    st.caption(plain(tr("preview.header_at", name=upload.name, row=header.row + 1)))
    if header.ignored:
        st.caption(plain(tr("preview.ignored", columns="、".join(header.ignored))))
    st.dataframe(preview_frame(parsed), hide_index=True, width="stretch")
    errors = parsed.errors()
    if errors:
        st.error(tr("samples.import_rejected", n=len(errors)))
        st.dataframe(errors_frame(errors), hide_index=True, width="stretch")
        return
    choice = "skip"
    if parsed.not_sampled_rows:
        choice = st.radio(
            tr("import.not_sampled_choice", n=len(parsed.not_sampled_rows)),
            ["skip", "record"],
            format_func=lambda c: tr(f"import.not_sampled.{c}"),
            key="import_not_sampled",
        )
    counts = parsed.counts()
    st.info(
        plain(tr("preview.counts", n=sum(counts.values()), sites=", ".join(f"{k}: {v}" for k, v in counts.items())))
    )
    if not st.button(tr("import.confirm"), key="do_import", type="primary"):
        return
    if not can("sample.import"):
        st.error(denied("sample.import"))
        return
    bar = st.progress(0.0)
    result = import_file(db, data, upload.name, user=me, not_sampled=choice, progress=bar.progress, parsed=parsed)
    if result.already_imported:
        st.info(tr("samples.import_again"))
    elif result.errors:
        st.error(tr("samples.import_rejected", n=len(result.errors)))
        st.dataframe(errors_frame(result.errors), hide_index=True, width="stretch")
    else:
        st.session_state.pop("import_preview", None)
        ok = tr("samples.import_ok", n=result.written, cases=result.cases_opened)
        if result.not_sampled or result.skipped:
            ok += " " + tr("import.not_sampled_done", recorded=result.not_sampled, skipped=result.skipped)
        per_site = tr("preview.per_site", sites=_counts(result.counts))
        st.success(ok)
        st.caption(per_site)
