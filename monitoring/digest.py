"""What the weekly report (周报) and the Dashboard summarise, as plain data.

:func:`group_overdue` turns the flat overdue list (ponds x steps) into groups
by step and town with counts; :func:`weekly_digest` gathers everything the
report for one ISO week shows.
"""

from __future__ import annotations

from datetime import date, timedelta

from . import clock
from .bodies import body_sites, body_summary
from .lake_outputs import lake_digest
from .lakework import DEFAULT_WATER_BODY, lake_bodies
from .progress import lake_status, progress
from .samples import week_bounds
from .task_outputs import task_digest
from .trend import load_trend_config, site_trends

__all__ = ["group_overdue", "weekly_digest"]


def group_overdue(items: list[dict]) -> list[dict]:
    """Overdue items grouped by step, then town, with counts.

    Parameters
    ----------
    items : list of dict
        :func:`monitoring.progress.progress`'s ``overdue`` list.

    Returns
    -------
    list of dict
        One per step and town, in step order: ``step``, ``step_name``,
        ``step_name_en``, ``town``, ``count``, ``max_days``, ``deadline``,
        ``unit`` and ``ponds`` (each with ``pond_id``, ``farm_name``, ``days``).

    Examples
    --------
    >>> rows = [
    ...     {"step": "a", "step_name": "甲", "step_name_en": "A", "town": "江南镇", "pond_id": 2,
    ...      "farm_name": "x", "days": 3, "deadline": "2022-04-10", "unit": "江南镇"},
    ...     {"step": "a", "step_name": "甲", "step_name_en": "A", "town": "江南镇", "pond_id": 1,
    ...      "farm_name": "y", "days": 3, "deadline": "2022-04-10", "unit": "江南镇"},
    ... ]
    >>> g = group_overdue(rows)
    >>> (g[0]["count"], [p["pond_id"] for p in g[0]["ponds"]])
    (2, [1, 2])
    """
    order: dict[str, int] = {}
    groups: dict[tuple[str, str], dict] = {}
    for it in items:
        order.setdefault(it["step"], len(order))
        g = groups.setdefault(
            (it["step"], it["town"]),
            {
                "step": it["step"],
                "step_name": it["step_name"],
                "step_name_en": it["step_name_en"],
                "town": it["town"],
                "deadline": it["deadline"],
                "unit": it["unit"],
                "ponds": [],
            },
        )
        g["ponds"].append({"pond_id": it["pond_id"], "farm_name": it["farm_name"], "days": it["days"]})
    out = []
    for _key, g in sorted(groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
        g["ponds"].sort(key=lambda p: p["pond_id"])
        g["count"] = len(g["ponds"])
        g["max_days"] = max(p["days"] for p in g["ponds"])
        out.append(g)
    return out


def report_day(week: str, today: date | None = None) -> date:
    """The day a week's report is taken at: the week's Sunday, or today while the week runs."""
    _, end = week_bounds(week)
    sunday = (end - timedelta(days=1)).date()
    today = today or clock.today()
    return min(sunday, today)


def weekly_digest(store, ds, week: str, today: date | None = None, body: str | None = None) -> dict:
    """Everything the weekly report for ``week`` shows.

    Parameters
    ----------
    store : monitoring.store.Store
    ds : geo.dataset.Dataset
    week : str
        ``YYYY-Www``.
    today : datetime.date, optional
    body : str, optional
        One water body's ponds, sites, cases and trends (every body when omitted).

    Returns
    -------
    dict
        ``week``, ``start``, ``end`` (dates), ``day`` (the day figures are
        taken at), ``progress`` (see :func:`monitoring.progress.progress`, at
        that day), ``sampling`` (the week's per-site status), ``exceedances``,
        ``cases`` (open tracing cases), ``overdue_groups``, ``trend``,
        ``trend_weeks``, ``statuses`` (retirement status per pond), ``lake_work``
        (plans, the week's releases and the leading group as of that day, see
        :func:`monitoring.lake_outputs.lake_digest`; the body's, Yehu's for every body),
        ``lake_work_bodies`` (for every body: ``(code, lake_digest)`` of each body the
        documents ask lake-level plans of; empty for one body),
        ``task_work`` (the rectification tasks as of that day, see
        :func:`monitoring.task_outputs.task_digest`), ``body`` (the code or None) and
        ``bodies`` (each body's class against its target and trend, see
        :func:`monitoring.bodies.body_summary`).

    Raises
    ------
    ValueError
        For a malformed week.
    """
    start, end = week_bounds(week)
    day = report_day(week, today)
    fig = progress(store, ds.register, today=day, body=body)
    fig["lake"] = lake_status(store, day, end, body=body)
    sampling = store.samples.weekly(week, body=body)
    cfg = load_trend_config()
    trend = site_trends(store, week, config=cfg)
    bodies = body_summary(store, day, trend, end)
    cases = store.cases.find("open")
    if body is not None:
        mine = body_sites(store, body)
        trend, cases = trend[trend.site.isin(mine)], cases[cases.site_code.isin(mine)]
        bodies = [b for b in bodies if b["code"] == body]
    return {
        "body": body,
        "bodies": bodies,
        "week": week,
        "start": start.date(),
        "end": (end - timedelta(days=1)).date(),
        "day": day,
        "progress": fig,
        "sampling": sampling,
        "exceedances": sampling[sampling.status == "exceeds"],
        "cases": cases,
        "overdue_groups": group_overdue(fig["overdue"]),
        "trend": trend,
        "trend_weeks": cfg.weeks,
        "trend_alpha": cfg.alpha,
        "statuses": store.ledger.statuses(),
        "lake_work": lake_digest(store, day, start.date(), body or DEFAULT_WATER_BODY),
        "lake_work_bodies": []
        if body is not None
        else [(code, lake_digest(store, day, start.date(), code)) for code in lake_bodies()],
        "task_work": task_digest(store, day, body),
    }
