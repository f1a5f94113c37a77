import altair as alt
import pandas as pd
import streamlit as st

from geo.waterbodies import DEFAULT
from monitoring import clock
from monitoring.bodies import bodies_in_use, body_sites, body_summary, exportable
from monitoring.digest import group_overdue
from monitoring.export import geo_export, ledger_workbook
from monitoring.progress import progress
from monitoring.report import weekly_report
from monitoring.trend import load_trend_config, p_text, site_trends
from ui.bodies import body_info, current_body
from ui.bodytasks import task_counts
from ui.data import current_dataset, store
from ui.i18n import lang, tr
from ui.widgets import plain

db = store()
ds = current_dataset()
LANG = lang()
TREND = load_trend_config()
st.title(tr("page.dashboard"))


BODY = current_body()
fig = progress(db, ds.register, body=BODY)
p, a = fig["ponds"], fig["area_mu"]
trend = site_trends(db, config=TREND)
if BODY is not None:
    trend = trend[trend.site.isin(body_sites(db, BODY))]

# Large figures first: readable on a projector and on a phone (columns wrap).
c1, c2, c3 = st.columns(3)
c1.metric(tr("dashboard.retired"), f"{p['retired']} / {p['total']}")
c2.metric(tr("dashboard.area"), f"{a['retired']:g} / {a['total']:g}")
c3.metric(tr("dashboard.overdue"), len(fig["overdue"]))
c4, c5, c6 = st.columns(3)
w = fig["week"]
c4.metric(tr("dashboard.sampled"), f"{w['sampled']} / {w['due']}", help=w["week"])
c5.metric(tr("dashboard.exceed"), w["exceedances"])
c6.metric(tr("dashboard.cases"), fig["open_cases"])


# Each water body's class against its target and its trend (the chosen body only, or all).
st.subheader(tr("dashboard.bodies"))
summary = [r for r in body_summary(db, clock.today(), site_trends(db, config=TREND)) if BODY in (None, r["code"])]
yes_no = {True: tr("value.yes"), False: tr("value.no"), None: "—"}
st.dataframe(
    pd.DataFrame(
        {
            tr("body.selector"): [r["name"] if LANG == "zh" else r["name_en"] for r in summary],
            tr("dashboard.body_kind"): [tr(f"body.kind.{r['kind']}") for r in summary],
            tr("dashboard.body_target"): [
                r["target"] + (f" ({tr('dashboard.assumed')})" if r["target_provisional"] else "") for r in summary
            ],
            tr("dashboard.body_grade"): [r["grade"] or tr("cli.progress.no_data") for r in summary],
            tr("dashboard.body_meets"): [yes_no[r["meets_target"]] for r in summary],
            tr("dashboard.body_latest"): [(r["latest_at"] or "—")[:10] for r in summary],
            tr("dashboard.body_trend"): [tr(f"trend.{r['trend']}") if r["trend"] else "—" for r in summary],
            tr("dashboard.body_pending"): [", ".join(r["pending"]) or "—" for r in summary],
        }
    ),
    hide_index=True,
    width="stretch",
)
if BODY is not None and BODY != DEFAULT:
    body_info(BODY)
task_counts(db, clock.today(), BODY)


def open_pond(pid: int):
    st.session_state["selected_pond"] = pid


left, right = st.columns(2, gap="large")
with left:
    st.subheader(tr("dashboard.by_town"))
    st.dataframe(
        pd.DataFrame(
            {
                tr("field.town"): [t["town"] for t in fig["by_town"]],
                tr("dashboard.retired"): [f"{t['retired']} / {t['ponds']}" for t in fig["by_town"]],
                tr("dashboard.area"): [f"{t['retired_mu']:g} / {t['area_mu']:g}" for t in fig["by_town"]],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.subheader(tr("dashboard.by_step"))
    st.dataframe(
        pd.DataFrame(
            {
                tr("retirement.step"): [s["name"] if LANG == "zh" else s["name_en"] for s in fig["by_step"]],
                tr("dashboard.deadline"): [s["deadline"] or tr("retirement.ongoing") for s in fig["by_step"]],
                tr("dashboard.done_of"): [s["done"] / s["total"] if s["total"] else 0.0 for s in fig["by_step"]],
                tr("dashboard.overdue"): [s["overdue"] for s in fig["by_step"]],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            tr("dashboard.done_of"): st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1)
        },
    )
    st.subheader(tr("dashboard.lake"))
    for lk in fig["lake"]:
        if lk["grade"] is None:
            st.write(tr("dashboard.lake_none", site=plain(lk["site"])))
        else:
            text = tr(
                "dashboard.lake_line",
                site=plain(lk["site"]),
                grade=lk["grade"],
                target=lk["target"],
                when=lk["latest_at"][:10],
            )
            (st.success if lk["meets_target"] else st.error)(text)
    st.subheader(tr("trend.title", weeks=TREND.weeks))
    if trend.empty:
        st.caption(tr("trend.none", weeks=TREND.weeks))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    tr("trend.site"): trend.site,
                    tr("trend.direction"): [
                        tr("trend.line", direction=tr(f"trend.{d}"), p=p_text(p)) if p is not None else tr(f"trend.{d}")
                        for d, p in zip(trend.direction, trend.p, strict=True)
                    ],
                    tr("trend.slope"): trend.slope,
                    tr("trend.n"): trend.n,
                    tr("trend.latest"): trend.latest,
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={tr("trend.slope"): st.column_config.NumberColumn(format="%.4f")},
        )
        st.caption(tr("trend.help", alpha=TREND.alpha))
with right:
    st.subheader(tr("dashboard.overdue_list"))
    if not fig["overdue"]:
        st.success(tr("dashboard.none_overdue"))
    # Grouped by step and town with counts; each group opens to its ponds.
    for g in group_overdue(fig["overdue"]):
        step = g["step_name"] if LANG == "zh" else g["step_name_en"]
        with st.expander(tr("dashboard.overdue_group", step=step, town=g["town"], n=g["count"], days=g["max_days"])):
            for o in g["ponds"]:
                col_text, col_btn = st.columns([4, 1])
                col_text.write(
                    f"**{o['pond_id']}** {plain(o['farm_name'])} · {tr('retirement.overdue', days=o['days'])}"
                )
                key = f"open_{g['step']}_{o['pond_id']}"
                if col_btn.button(tr("dashboard.open"), key=key, on_click=open_pond, args=(o["pond_id"],)):
                    st.switch_page("ui/pages/retirement.py")
    st.subheader(tr("dashboard.cumulative"))
    cum = pd.DataFrame(fig["cumulative"])
    if cum.empty:
        st.caption(tr("retirement.no_events"))
    else:
        cum["date"] = pd.to_datetime(cum["date"])
        chart = (
            alt.Chart(cum)
            .mark_line(interpolate="step-after", point=True)
            .encode(
                x=alt.X("date:T", title=tr("retirement.date"), axis=alt.Axis(format="%Y-%m-%d")),
                y=alt.Y("retired:Q", title=tr("dashboard.retired"), scale=alt.Scale(domain=[0, p["total"]])),
            )
        )
        st.altair_chart(chart, width="stretch")
    if fig["open_cases"] and st.button(tr("dashboard.cases"), key="to_cases"):
        st.switch_page("ui/pages/samples.py")

st.subheader(tr("dashboard.exports"))
statuses = db.ledger.statuses()
e1, e2, e3, e4, e5 = st.columns(5)
stamp = clock.today().isoformat()
BODIES = bodies_in_use(db)
EXPORTABLE = exportable(BODY, BODIES)  # the layers hold nothing of a body without ponds, outline or placed section
if not EXPORTABLE:
    e2.caption(tr("export.body.no_layers", body=plain(BODIES[BODY].label(LANG))))
# Yehu's files keep their names; another body's say whose they are.
LEDGER_NAME = "冶湖退养台账" if BODY in (None, DEFAULT) else f"{BODIES[BODY].name}台账"
GEO_PREFIX = "yehu" if BODY in (None, DEFAULT) else BODY
e1.download_button(
    tr("dashboard.xlsx"),
    data=lambda: ledger_workbook(db, ds, lang=LANG, body=BODY, bodies=BODIES),
    file_name=f"{LEDGER_NAME}-{stamp}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
)
weeks = list(reversed(clock.weeks_ending(clock.this_week(), 27)))
week = e5.selectbox(tr("report.week"), weeks, index=1, key="report_week", help=tr("report.week_help"))
e5.download_button(
    tr("report.download"),
    data=lambda: weekly_report(db, ds, week, lang=LANG, body=BODY),
    file_name=f"冶湖周报-{week}.pdf",
    mime="application/pdf",
    on_click="ignore",
    key="report_pdf",
)
for col, fmt, mime, ext in (
    (e2, "geojson", "application/zip", "geojson.zip"),
    (e3, "gpkg", "application/geopackage+sqlite3", "gpkg"),
    (e4, "kml", "application/vnd.google-earth.kml+xml", "kml"),
):
    col.download_button(
        fmt.upper(),
        data=lambda fmt=fmt: geo_export(ds, fmt, statuses, body=BODY, bodies=BODIES),
        file_name=f"{GEO_PREFIX}-{stamp}.{ext}",
        mime=mime,
        on_click="ignore",
        disabled=not EXPORTABLE,
    )
