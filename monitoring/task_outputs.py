"""Rectification tasks (整改任务) in the outputs: the digest, the 台账 sheets and the weekly report's table.

:func:`task_digest` gathers each task's state as of one day and the counts per water body
(what the Dashboard shows leaders); :func:`task_sheets` appends the task and progress sheets
to the ledger workbook in the office form of the others (user text neutralised against
formulas by :func:`monitoring.xlsx.form_sheet`); :func:`task_section` draws the weekly
report's table in its lake-level section.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from geo.waterbodies import current_waterbodies
from i18n import t

from .bodytasks import body_counts, current_tasks, task_states
from .lake_outputs import as_date
from .xlsx import Mark, form_sheet

__all__ = ["task_digest", "task_section", "task_sheets"]


def task_digest(store, day: date, body: str | None = None) -> dict:
    """The tasks of one water body (or of every body) as of ``day``.

    Parameters
    ----------
    store : monitoring.store.Store
    day : datetime.date
        Entries dated after it do not count yet.
    body : str, optional

    Returns
    -------
    dict
        ``day``, ``body``, ``states`` (:func:`monitoring.bodytasks.task_states`, by body in
        the water bodies file's order, then in the list's order) and ``counts``
        (:func:`monitoring.bodytasks.body_counts`, one per body shown, in the file's order).
    """
    entries = store.tasks.progress(body).to_dict("records")
    for e in entries:
        e["progress_date"] = as_date(e["progress_date"])
    codes = [body] if body is not None else current_waterbodies().codes
    order = {c: i for i, c in enumerate(codes)}  # every body's tasks together, in the water bodies' order
    states = task_states(sorted(current_tasks(body), key=lambda x: order.get(x.body, len(order))), entries, day)
    return {"day": day, "body": body, "states": states, "counts": body_counts(states, codes)}


def body_label(code: str, lang: str) -> str:
    """A water body's name in ``lang`` (the code for one the file no longer lists)."""
    wb = current_waterbodies()
    return wb[code].label(lang) if code in wb.codes else code


def state_text(s: dict, lang: str) -> str:
    """A task's state as a reader sees it (overdue with its days)."""
    if s["state"] == "overdue":
        return t("retirement.overdue", lang, days=s["days"])
    return t(f"task.state.{s['state']}", lang)


def deadline_text(task, lang: str) -> str:
    """The deadline, or what the document says of the time limit."""
    if task.deadline is not None:
        return task.deadline.isoformat()
    return (task.deadline_note if lang == "zh" else task.deadline_note_en) or t("lake.no_deadline", lang)


def _void_text(row, lang) -> str:
    by = row.get("voided_by")
    if not isinstance(by, str) or not by:
        return ""
    return t("lake.voided", lang, by=by, at=str(row["voided_at"])[:10], reason=row.get("void_reason") or "")


def task_sheets(wb, store, lang: str, today: date, unit_line: str, date_line: str, body: str | None = None) -> None:
    """Append the rectification task sheets (state per task; every progress entry) to the ledger workbook.

    Parameters
    ----------
    wb : openpyxl.Workbook
    store : monitoring.store.Store
    lang : {'zh', 'en'}
    today : datetime.date
    unit_line, date_line : str
        Row 2 of every sheet.
    body : str, optional
        One water body's tasks (every body's when omitted).
    """
    col = lambda k: t(f"task.col.{k}", lang)  # noqa: E731
    d = task_digest(store, today, body)
    fills = {"closed": "good", "done": "good", "overdue": "late"}
    st = d["states"]
    state = pd.DataFrame(
        {
            col("body"): [body_label(s["task"].body, lang) for s in st],
            col("task"): [s["task"].label(lang) for s in st],
            col("unit"): [s["task"].unit for s in st],
            col("related"): [s["task"].related for s in st],
            col("leader"): [s["task"].leader for s in st],
            col("deadline"): [s["task"].deadline or deadline_text(s["task"], lang) for s in st],
            col("status"): [t(f"task.status.{s['status']}", lang) for s in st],
            col("latest_date"): [s["entry"]["progress_date"] if s["entry"] else None for s in st],
            col("latest_note"): [s["entry"]["note"] if s["entry"] else "" for s in st],
            col("state"): [
                Mark(state_text(s, lang), fills[s["state"]]) if s["state"] in fills else state_text(s, lang) for s in st
            ],
            col("source"): [s["task"].source for s in st],
        }
    )
    sheet = lambda key, df, **kw: form_sheet(  # noqa: E731
        wb, t(f"task.sheet.{key}", lang), t(f"task.heading.{key}", lang), unit_line, date_line, df, **kw
    )
    sheet("tasks", state, date_cols=[col("deadline"), col("latest_date")])
    rows = store.tasks.progress(body)
    names = {x.key: x.label(lang) for x in current_tasks()}
    entries = pd.DataFrame(
        {
            "#": rows.id,
            col("body"): rows.water_body.map(lambda c: body_label(c, lang)),
            col("task"): rows.task_key.map(lambda k: names.get(k, k)),
            col("status"): rows.status.map(lambda s: t(f"task.status.{s}", lang)),
            col("date"): rows.progress_date.map(as_date),
            col("reporting_unit"): rows.unit,
            col("note"): rows.note,
            col("file"): [n if h else "" for n, h in zip(rows.file_name, rows.has_file, strict=True)],
            t("export.col.recorded_by", lang): rows.recorded_by,
            t("export.col.recorded_at", lang): rows.recorded_at,
            t("lake.col.void", lang): [
                Mark(v, "missing") if v else "" for v in (_void_text(r, lang) for _, r in rows.iterrows())
            ],
        }
    )
    sheet("progress", entries, date_cols=[col("date")], datetime_cols=[t("export.col.recorded_at", lang)])


def task_section(pages, d: dict, lang: str) -> None:
    """The weekly report's table of rectification tasks (``pages`` is the report's page flow)."""
    tr = lambda key, **kw: t(key, lang, **kw)  # noqa: E731
    pages.text(tr("task.report.h"), size=10, bold=True)
    if not d["states"]:
        pages.text(tr("task.none_for_body"), size=9)
        return
    colours = {"closed": "#cdebc8", "done": "#cdebc8", "overdue": "#f9d29d"}
    states = [s["state"] for s in d["states"]]
    pages.table(
        [
            tr("task.col.body"),
            tr("task.col.task"),
            tr("task.col.unit"),
            tr("task.col.deadline"),
            tr("task.col.status"),
            tr("task.col.state"),
        ],  # fmt: skip
        [
            [
                body_label(s["task"].body, lang),
                s["task"].label(lang),
                s["task"].unit,
                s["task"].deadline.isoformat() if s["task"].deadline else "—",
                tr(f"task.status.{s['status']}")
                + (f" {s['entry']['progress_date'].isoformat()}" if s["entry"] else ""),
                state_text(s, lang),
            ]
            for s in d["states"]
        ],
        [0.1, 0.38, 0.12, 0.11, 0.17, 0.12],
        colours=lambda i, c: colours.get(states[i]) if c == 5 else None,
    )
    counts = tr("list.sep").join(
        tr("task.report.count", body=body_label(c["body"], lang), open=c["open"], overdue=c["overdue"], n=c["total"])
        for c in d["counts"]
        if c["total"]
    )
    pages.text(tr("task.report.counts", counts=counts), size=9)
