"""The ledger (台账) as one XLSX workbook in the form county offices exchange.

Every sheet has the merged title, 填报单位 and 填报日期, bordered cells, a
frozen and filtered header and A4 landscape print setup (see
:mod:`monitoring.xlsx`).  The first sheet is a slim print version of the pond
ledger; the others hold everything.  Codes are written in the reader's
language, dates are date cells, exceedances and overdue steps are coloured,
and the weekly sheet lists every week of the range (unsampled weeks marked
未采).
"""

from __future__ import annotations

import io
import tomllib
from datetime import date, datetime, timedelta

import pandas as pd
from openpyxl import Workbook

from geo.config import config_path
from i18n import t

from . import clock
from .compliance import unsampled_text
from .lake_outputs import lake_sheets
from .lakework import lake_bodies
from .ledger import overdue, pond_status
from .samples import iso_week, week_bounds
from .task_outputs import task_sheets
from .xlsx import Mark, form_sheet

__all__ = ["ledger_workbook", "reporting_unit", "week_range"]

DEFAULT_UNIT = "临湘市自然资源局"


def reporting_unit() -> str:
    """The 填报单位 printed on exports: ``[report] unit`` in the configuration.

    Returns
    -------
    str
    """
    try:
        raw = tomllib.loads(config_path().read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return DEFAULT_UNIT
    return str(raw.get("report", {}).get("unit") or DEFAULT_UNIT)


def week_range(first: str, last: str) -> list[str]:
    """Every ISO week from ``first`` to ``last``, both included.

    Examples
    --------
    >>> week_range("2022-W52", "2023-W02")
    ['2022-W52', '2023-W01', '2023-W02']
    """
    start, _ = week_bounds(first)
    end, _ = week_bounds(last)
    out = []
    while start <= end:
        out.append(iso_week(start))
        start += timedelta(weeks=1)
    return out


def _day(value):
    """A date from a date, a datetime or ISO text; None when empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)


def _yes(flag, lang) -> str:
    return "" if flag is None or pd.isna(flag) else t("value.yes" if bool(flag) else "value.no", lang)


def _code(prefix: str, value, lang: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return ""
    try:
        return t(f"{prefix}.{value}", lang)
    except KeyError:
        return str(value)


def _pond_rows(store, ds, today, lang):
    ledger = store.ledger.done_steps()
    reg = ds.register.set_index("pond_id")
    cls = ds.classification.set_index("pond_id")
    col = lambda k: t(f"export.col.{k}", lang)  # noqa: E731
    full, slim = [], []
    for pid, r in reg.iterrows():
        done = ledger.get(str(pid), {})
        status = t(f"status.{pond_status(done, store.steps)}", lang)
        zone = t(f"zone.{cls.loc[pid, 'zone_class']}", lang)
        suspect = t("value.yes" if pid in ds.suspect_ids else "value.no", lang)
        steps = {}
        for s, state, days in overdue(done, store.steps, today):
            name = s.name if lang == "zh" else s.name_en
            if state == "done":
                steps[name] = Mark(done[s.key][0], "good")
            elif state == "overdue":
                steps[name] = Mark(t("export.overdue", lang, days=days), "late")
            else:
                steps[name] = ""
        base = {col("pond_id"): int(pid), col("town"): r.town, col("village"): r.village, col("farm_name"): r.farm_name}
        slim.append(
            base
            | {col("area_mu"): r.area_mu, col("zone"): zone, col("suspect"): suspect, col("status"): status}
            | steps
        )
        full.append(
            base
            | {
                col("location"): r.location,
                col("coord_text"): r.coord_text,
                col("lon"): r.lon,
                col("lat"): r.lat,
                col("area_mu"): r.area_mu,
                col("uses"): r.uses,
                col("coord_status"): t("value.verified" if r.coord_status == "verified" else "value.provisional", lang),
                col("verified_by"): r.get("verified_by", "") or "",
                col("verified_on"): _day(r.get("verified_on")),
                col("seed_coord_text"): r.get("seed_coord_text", r.coord_text),
                col("seed_area_mu"): r.get("seed_area_mu", r.area_mu),
                col("seed_uses"): r.get("seed_uses", r.uses),
                col("shore_m"): round(float(cls.loc[pid, "shore_distance_m"]), 1),
                col("zone"): zone,
                col("in_ban"): _yes(cls.loc[pid, "in_ban_zone"], lang),
                col("in_nofish"): _yes(cls.loc[pid, "in_nofish_zone"], lang),
                col("suspect"): suspect,
                col("status"): status,
            }
            | steps
        )
    return pd.DataFrame(slim), pd.DataFrame(full)


def _weekly(store, smp, lang, today, weeks=None):
    """Sites x weeks over every week of the range (default: first to last sample); unsampled weeks say 未采.

    A week a lab recorded as not sampled says 未采 with the lab's reason.
    """
    if weeks is None:
        weeks = week_range(min(smp.week), max(smp.week)) if len(smp) else [clock.week_of(today)]
    grid = store.samples.weekly_grid(weeks)
    reasons = store.not_sampled.reasons(list(grid.columns))
    fills = {"exceeds": "bad", "missing": "missing", "indeterminate": "late", "compliant": "good"}

    out = pd.DataFrame(index=grid.index)
    for w in grid.columns:
        out[w] = [
            Mark(unsampled_text(reasons.get((site, w)), lang) if v == "missing" else _code("status", v, lang), fills[v])
            if v in fills
            else _code("status", v, lang)
            for site, v in zip(grid.index, grid[w], strict=True)
        ]
    return out.reset_index(names=t("export.col.site", lang))


def ledger_workbook(
    store, ds, today=None, lang: str = "zh", weeks: list[str] | None = None, body: str | None = None, bodies=None
) -> bytes:
    """The whole ledger as one XLSX workbook.

    Sheets: the pond ledger for printing, ponds (register, classification,
    status, steps), ledger events, samples, weekly compliance, tracing cases,
    patrols and tips, then the lake-level work (plans, plan entries, organism
    releases, the leading group; :func:`monitoring.lake_outputs.lake_sheets`) and the water
    bodies' rectification tasks (:func:`monitoring.task_outputs.task_sheets`).

    Parameters
    ----------
    store : monitoring.store.Store
    ds : geo.dataset.Dataset
    today : datetime.date, optional
        In Asia/Shanghai; the 填报日期 and the day overdue counts are taken at.
    lang : {'zh', 'en'}
        Language of headers, codes and sheet names.
    weeks : list of str, optional
        Weeks of the weekly sheet; default every week from the first sample to the last.
    body : str, optional
        One water body's rows only (:mod:`monitoring.body_outputs`); needs ``bodies``. The lake-level
        sheets are that body's when the documents ask it for plans (Yehu's for every body).
    bodies : geo.waterbodies.WaterBodies, optional
        The bodies in use. Given without ``body``: every row, and a last sheet with one line per body.

    Returns
    -------
    bytes
    """
    today = today or clock.today()
    col = lambda k: t(f"export.col.{k}", lang)  # noqa: E731
    yes = lambda s: s.map(lambda v: _yes(v, lang))  # noqa: E731
    unit_line = t("export.unit_line", lang, unit=reporting_unit())
    date_line = t("export.date_line", lang, day=t("export.day", lang, y=today.year, m=today.month, d=today.day))
    wb = Workbook()
    wb.remove(wb.active)

    def sheet(key, heading_key, df, **kw):
        form_sheet(wb, t(f"export.sheet.{key}", lang), t(heading_key, lang), unit_line, date_line, df, **kw)

    scope = None
    if bodies is not None and body is not None:
        from .body_outputs import body_scope

        scope = body_scope(store, bodies, body)
    slim, full = _pond_rows(store, ds, today, lang)
    if scope is not None:
        slim, full = scope.pond_rows(slim, col("pond_id")), scope.pond_rows(full, col("pond_id"))
    step_cols = [s.name if lang == "zh" else s.name_en for s in store.steps]
    sheet("print", "export.title", slim, date_cols=step_cols, max_width=24)
    sheet("ponds", "export.title", full, date_cols=[col("verified_on"), *step_cols])

    ev = store.ledger.events()
    ev = ev if scope is None else scope.pond_rows(ev, "pond_code")
    names = {s.key: (s.name if lang == "zh" else s.name_en) for s in store.steps}
    events = pd.DataFrame(
        {
            col("event_id"): ev.id,
            col("pond_id"): pd.to_numeric(ev.pond_code),
            col("kind"): ev.kind.map(lambda k: _code("retirement.kind", k, lang)),
            col("step"): ev.step.map(names),
            col("voids"): ev.voids,
            col("date"): ev.event_date.map(_day),
            col("unit"): ev.responsible_unit,
            col("note"): ev.note,
            col("reason"): ev.reason,
            col("document_no"): ev.document_no,
            col("photo"): yes(ev.has_photo),
            col("recorded_by"): ev.recorded_by,
            col("recorded_at"): ev.recorded_at,
        }
    )
    sheet("events", "export.heading.events", events, date_cols=[col("date")], datetime_cols=[col("recorded_at")])

    smp = store.samples.find(parameter=None)
    smp = smp if scope is None else scope.site_rows(smp, "site_code")
    samples = pd.DataFrame(
        {
            col("sample_uid"): smp.sample_uid,
            col("version"): smp.version,
            col("site"): smp.site_code,
            col("sample_kind"): smp.kind.map(lambda k: _code("sample_kind", k, lang)),
            col("sampled_at"): smp.sampled_at,
            col("week"): smp.week,
            col("parameter"): smp.parameter.map(lambda k: _code("export.param", k, lang)),
            col("value"): smp.value_mg_l,
            col("censored"): yes(smp.censored),
            col("dl"): smp.detection_limit,
            col("entered"): smp.value_entered,
            col("method"): smp.method,
            col("qc"): smp.qc_type.map(lambda k: _code("qc_type", k, lang)),
            col("lab"): smp.laboratory,
            col("inspector"): smp.inspector,
            col("notes"): smp.notes,
            col("created_by"): smp.created_by,
            col("synthetic"): yes(smp.synthetic),
        }
    )
    sheet("samples", "export.heading.samples", samples, datetime_cols=[col("sampled_at")])
    weekly = _weekly(store, smp, lang, today, weeks)
    weekly = weekly if scope is None else scope.site_rows(weekly, t("export.col.site", lang))
    sheet("weekly", "export.heading.weekly", weekly)

    cases = store.cases.find()
    cases = cases if scope is None else scope.site_rows(cases, "site_code")
    sheet(
        "cases",
        "export.heading.cases",
        pd.DataFrame(
            {
                col("case_id"): cases.id,
                col("site"): cases.site_code,
                col("parameter"): cases.parameter.map(lambda k: _code("export.param", k, lang)),
                col("value"): [Mark(v, "bad") for v in cases.value_mg_l],
                col("limit"): cases.limit_mg_l,
                col("case_status"): cases.status.map(lambda k: _code("export.case", k, lang)),
                col("opened_at"): cases.opened_at,
                col("findings"): cases.findings,
                col("action"): cases.action,
                col("unit"): cases.responsible_unit,
                col("deadline"): cases.deadline.map(_day),
                col("closed_at"): cases.closed_at,
            }
        ),
        date_cols=[col("deadline")],
        datetime_cols=[col("opened_at"), col("closed_at")],
    )
    pat = store.field.list_patrols()
    pat = pat if scope is None else scope.patrol_rows(pat)
    sep = t("list.sep", lang)
    sheet(
        "patrols",
        "export.heading.patrols",
        pd.DataFrame(
            {
                col("event_id"): pat.id,
                col("patrol_date"): pat.patrol_date.map(_day),
                col("inspectors"): pat.inspectors,
                col("ponds"): pat.ponds,
                col("area"): pat.area,
                col("problems"): [
                    sep.join(_code("patrol.finding", f, lang) for f in x.split(",") if f) for x in pat.findings
                ],
                col("disposal"): pat.dead_fish_disposal,
                col("notes"): pat.notes,
                col("case"): pat.case_status.map(lambda k: "" if k == "none" else _code("export.case", k, lang)),
                col("action"): pat.case_action,
                col("unit"): pat.case_unit,
                col("deadline"): pat.case_deadline.map(_day),
                col("recorded_by"): pat.recorded_by,
            }
        ),
        date_cols=[col("patrol_date"), col("deadline")],
    )
    tp = store.field.list_tips()
    tp = tp if scope is None else scope.tip_rows(tp)
    sheet(
        "tips",
        "export.heading.tips",
        pd.DataFrame(
            {
                col("event_id"): tp.id,
                col("received"): tp.received_date.map(_day),
                col("what"): tp.what,
                col("location_text"): tp.location_text,
                col("lon"): tp.lon,
                col("lat"): tp.lat,
                col("in_ban"): yes(tp.in_ban_zone),
                col("in_nofish"): yes(tp.in_nofish_zone),
                col("nearest"): tp.nearest_pond,
                col("nearest_m"): tp.nearest_pond_m.round(0),
                col("tip_status"): tp.status.map(lambda k: _code("tips.status", k, lang)),
                col("reward"): tp.reward_amount,
                col("contact"): tp.contact,
                col("recorded_by"): tp.recorded_by,
            }
        ),
        date_cols=[col("received")],
    )
    if scope is None or scope.default:  # every body: Yehu's lake-level work, as before
        lake_sheets(wb, store, lang, today, unit_line, date_line)
    elif body in lake_bodies():  # another body the documents ask lake-level plans of: its own
        lake_sheets(wb, store, lang, today, unit_line, date_line, water_body=body)
    task_sheets(wb, store, lang, today, unit_line, date_line, body=body if scope is not None else None)
    if bodies is not None and body is None:  # every body: one line each
        from .body_outputs import breakdown

        sheet("bodies", "export.heading.bodies", breakdown(store, bodies, lang, today))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
