"""Lake-level work (湖体治理) in the outputs: the 台账 sheets and the weekly report's section.

:func:`lake_digest` gathers what a report shows as of one day; :func:`lake_sheets`
appends the plan, entry, release and leading-group sheets to the ledger workbook
in the same office form as the others (:func:`monitoring.xlsx.form_sheet`: user
text neutralised, dates as dates); :func:`lake_section` draws the report's section.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from i18n import t

from .lakework import DEFAULT_WATER_BODY, load_plan_kinds, load_release_rule, plan_states, release_totals
from .xlsx import Mark, form_sheet

__all__ = ["lake_digest", "lake_section", "lake_sheets"]


def as_date(v):
    """A date (or None) from a date, a Timestamp or ISO text (as a stored row gives it)."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, date):
        return v
    return date.fromisoformat(str(v)[:10])


def lake_digest(store, day: date, since: date | None = None, water_body: str = DEFAULT_WATER_BODY) -> dict:
    """The lake-level work as of ``day``.

    Parameters
    ----------
    store : monitoring.store.Store
    day : datetime.date
        Entries dated after it do not count yet.
    since : datetime.date, optional
        First day of the period whose releases are listed (the report's week).
    water_body : str

    Returns
    -------
    dict
        ``day``, ``plans`` (:func:`monitoring.lakework.plan_states`), ``releases``
        (entries not voided dated ``since``..``day``, as dicts), ``totals`` (per
        species and unit up to ``day``), ``release_rule`` and ``group``.
    """
    plans = store.lakework.plans(water_body).to_dict("records")
    for p in plans:
        p["plan_date"] = as_date(p["plan_date"])
    rel = store.lakework.releases(water_body).to_dict("records")
    for r in rel:
        r["release_date"] = as_date(r["release_date"])
    live = [r for r in rel if not isinstance(r["voided_by"], str) or not r["voided_by"]]
    week = [r for r in live if r["release_date"] <= day and (since is None or r["release_date"] >= since)]
    return {
        "day": day,
        "plans": plan_states(plans, load_plan_kinds(water_body=water_body), day),
        "releases": week,
        "totals": release_totals(live, day),
        "release_rule": load_release_rule(water_body=water_body),
        "group": store.lakework.group(water_body),
    }


def _void_text(row, lang) -> str:
    by = row.get("voided_by")
    if not isinstance(by, str) or not by:
        return ""
    return t("lake.voided", lang, by=by, at=str(row["voided_at"])[:10], reason=row.get("void_reason") or "")


def lake_sheets(
    wb, store, lang: str, today: date, unit_line: str, date_line: str, water_body: str = DEFAULT_WATER_BODY
) -> None:
    """Append one water body's lake-level sheets to the ledger workbook.

    Sheets: the plans' state (overdue coloured when a deadline is configured),
    every plan entry (voided ones kept and marked), the releases and the
    leading group with its office.

    Parameters
    ----------
    wb : openpyxl.Workbook
    store : monitoring.store.Store
    lang : {'zh', 'en'}
    today : datetime.date
    unit_line, date_line : str
        Row 2 of every sheet.
    water_body : str
    """
    col = lambda k: t(f"lake.col.{k}", lang)  # noqa: E731
    kinds = load_plan_kinds(water_body=water_body)
    names = {k.key: (k.name if lang == "zh" else k.name_en) for k in kinds}
    d = lake_digest(store, today, water_body=water_body)
    fills = {"done": "good", "overdue": "late"}

    def progress(s):
        text = (
            t("retirement.overdue", lang, days=s["days"])
            if s["state"] == "overdue"
            else t(f"lake.state.{s['state']}", lang)
        )
        return Mark(text, fills[s["state"]]) if s["state"] in fills else text

    def entry(s, status, field):
        e = s[status]
        return None if e is None else (e["plan_date"] if field == "plan_date" else e["document_no"])

    state = pd.DataFrame(
        {
            col("plan"): [names[s["kind"].key] for s in d["plans"]],
            col("unit"): [s["kind"].responsible for s in d["plans"]],
            col("deadline"): [s["kind"].deadline or t("lake.no_deadline", lang) for s in d["plans"]],
            col("status"): [t(f"lake.status.{s['status']}", lang) for s in d["plans"]],
            t("lake.xcol.drafted_on", lang): [entry(s, "drafted", "plan_date") for s in d["plans"]],
            t("lake.xcol.drafted_no", lang): [entry(s, "drafted", "document_no") for s in d["plans"]],
            t("lake.xcol.approved_on", lang): [entry(s, "approved", "plan_date") for s in d["plans"]],
            t("lake.xcol.approved_no", lang): [entry(s, "approved", "document_no") for s in d["plans"]],
            col("state"): [progress(s) for s in d["plans"]],
            col("source"): [s["kind"].source for s in d["plans"]],
        }
    )
    date_cols = [col("deadline"), t("lake.xcol.drafted_on", lang), t("lake.xcol.approved_on", lang)]
    sheet = lambda key, df, **kw: form_sheet(  # noqa: E731
        wb, t(f"lake.sheet.{key}", lang), t(f"lake.heading.{key}", lang), unit_line, date_line, df, **kw
    )
    sheet("plans", state, date_cols=date_cols)

    plans = store.lakework.plans(water_body)
    entries = pd.DataFrame(
        {
            "#": plans.id,
            col("plan"): plans.kind.map(lambda k: names.get(k, k)),
            col("status"): plans.status.map(lambda s: t(f"lake.status.{s}", lang)),
            col("date"): plans.plan_date.map(as_date),
            col("document_no"): plans.document_no,
            col("file"): [n if h else "" for n, h in zip(plans.file_name, plans.has_file, strict=True)],
            t("retirement.note", lang): plans.note,
            t("export.col.recorded_by", lang): plans.recorded_by,
            t("export.col.recorded_at", lang): plans.recorded_at,
            col("void"): [Mark(v, "missing") if v else "" for v in (_void_text(r, lang) for _, r in plans.iterrows())],
        }
    )
    sheet("entries", entries, date_cols=[col("date")], datetime_cols=[t("export.col.recorded_at", lang)])

    rel = store.lakework.releases(water_body)
    releases = pd.DataFrame(
        {
            "#": rel.id,
            t("lake.release_date", lang): rel.release_date.map(as_date),
            col("species"): rel.species,
            col("quantity"): rel.quantity,
            col("quantity_unit"): rel.quantity_unit.map(lambda u: t(f"lake.qunit.{u}", lang)),
            col("water_area"): rel.water_area,
            col("area_unit"): rel.area_unit.map(lambda u: t(f"lake.aunit.{u}", lang)),
            col("releasing_unit"): rel.releasing_unit,
            t("retirement.note", lang): rel.note,
            t("export.col.recorded_by", lang): rel.recorded_by,
            t("export.col.recorded_at", lang): rel.recorded_at,
            col("void"): [Mark(v, "missing") if v else "" for v in (_void_text(r, lang) for _, r in rel.iterrows())],
        }
    )
    sheet(
        "releases",
        releases,
        date_cols=[t("lake.release_date", lang)],
        datetime_cols=[t("export.col.recorded_at", lang)],
    )

    g = d["group"]
    members = pd.DataFrame(
        {
            col("body"): [t(f"lake.body.{m['body']}", lang) for m in g["members"]],
            col("role"): [m["role"] for m in g["members"]],
            col("name"): [m["name"] for m in g["members"]],
            col("post"): [m["post"] for m in g["members"]],
        }
    )
    sheet("group", members)


def _qty(v) -> str:
    return f"{float(v):g}"


def lake_section(pages, d: dict, lang: str, body: str | None = None) -> None:
    """The weekly report's section on lake-level work (``pages`` is the report's page flow).

    ``body``: the water body's name, in the heading, when the report covers several.
    """
    tr = lambda key, **kw: t(key, lang, **kw)  # noqa: E731
    if body is None:
        pages.heading(tr("lake.report.h", day=d["day"].isoformat()))
    else:
        pages.heading(tr("lake.report.h_body", body=body, day=d["day"].isoformat()))
    colours = {"done": "#cdebc8", "overdue": "#f9d29d"}
    states = [s["state"] for s in d["plans"]]
    pages.table(
        [
            tr("lake.col.plan"),
            tr("lake.col.status"),
            tr("lake.col.date"),
            tr("lake.col.document_no"),
            tr("lake.col.state"),
        ],  # fmt: skip
        [
            [
                s["kind"].name if lang == "zh" else s["kind"].name_en,
                tr(f"lake.status.{s['status']}"),
                s["entry"]["plan_date"].isoformat() if s["entry"] else "—",
                (s["entry"]["document_no"] or "—") if s["entry"] else "—",
                tr("retirement.overdue", days=s["days"])
                if s["state"] == "overdue"
                else (tr(f"lake.state.{s['state']}") + ("" if s["kind"].deadline else tr("lake.report.no_deadline"))),
            ]
            for s in d["plans"]
        ],
        [0.36, 0.1, 0.12, 0.2, 0.22],
        colours=lambda i, c: colours.get(states[i]) if c == 4 else None,
    )
    unit = lambda u: tr(f"lake.qunit.{u}")  # noqa: E731
    week = d["releases"]
    if week:
        pages.table(
            [
                tr("lake.release_date"),
                tr("lake.col.species"),
                tr("lake.col.quantity"),
                tr("lake.col.water_area"),
                tr("lake.col.releasing_unit"),
            ],  # fmt: skip
            [
                [
                    r["release_date"].isoformat(),
                    r["species"],
                    f"{_qty(r['quantity'])} {unit(r['quantity_unit'])}",
                    "—"
                    if r["water_area"] is None or r["water_area"] != r["water_area"]
                    else f"{_qty(r['water_area'])} {tr('lake.aunit.' + r['area_unit'])}",
                    r["releasing_unit"] or "—",
                ]
                for r in week
            ],
            [0.14, 0.26, 0.2, 0.16, 0.24],
        )
    else:
        pages.text(tr("lake.report.no_release_week"), size=9)
    totals = tr("list.sep").join(
        f"{x['species']} {_qty(x['quantity'])} {unit(x['quantity_unit'])}" for x in d["totals"]
    )
    pages.text(
        tr("lake.report.totals", totals=totals or tr("report.none"), unit=d["release_rule"]["responsible"] or "—"),
        size=9,
    )
    g = d["group"]
    if not g["members"]:
        return
    people = tr("list.sep").join(
        f"{m['role']} {m['name'] or m['post']}"
        + (tr("lake.report.post", post=m["post"]) if m["name"] and m["post"] else "")
        for m in g["members"]
    )
    pages.text(tr("lake.report.group", name=g["name"], members=people, place=g["office_location"] or "—"), size=8.5)
