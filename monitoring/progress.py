"""The leaders' figures: retirement progress, overdue steps, this week's sampling, the lake's class.

One function, used by the Dashboard page and ``python -m monitoring progress``.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from . import clock
from .compliance import grade
from .ledger import overdue, pond_status

__all__ = ["lake_status", "progress"]


def progress(store, register: pd.DataFrame, today: date | None = None, body: str | None = None) -> dict:
    """Compute every dashboard figure.

    Parameters
    ----------
    store : monitoring.store.Store
    register : pandas.DataFrame
        The pond register (``pond_id``, ``town``, ``farm_name``, ``area_mu``).
    today : datetime.date, optional
        In Asia/Shanghai; defaults to now.
    body : str, optional
        Only this water body's ponds and sites (every body when omitted).

    Returns
    -------
    dict
        ``ponds`` (counts by status), ``area_mu`` (total, retired),
        ``by_town``, ``by_step``, ``overdue`` (list, most days first),
        ``cumulative`` (date, ponds retired), ``week`` (this ISO week's
        sampling), ``open_cases``, ``lake`` (latest class per lake/section
        site against the target).
    """
    today = today or clock.today()
    steps = store.steps
    ledger = store.ledger.done_steps()
    if body is not None:
        from geo.waterbodies import current_waterbodies

        register = register[[current_waterbodies()[body].has_pond(p) for p in register.pond_id]]
    reg = register.set_index("pond_id")
    rows = []
    late = []
    for pid, r in reg.iterrows():
        done = ledger.get(str(pid), {})
        status = pond_status(done, steps)
        rows.append({"pond_id": int(pid), "town": r.town, "area_mu": float(r.area_mu), "status": status})
        for s, state, days in overdue(done, steps, today):
            if state == "overdue":
                late.append(
                    {
                        "pond_id": int(pid),
                        "farm_name": r.farm_name,
                        "town": r.town,
                        "step": s.key,
                        "step_name": s.name,
                        "step_name_en": s.name_en,
                        "deadline": s.deadline.isoformat(),
                        "days": days,
                        "unit": s.unit_for(r.town),
                    }
                )
    ponds = pd.DataFrame(rows, columns=["pond_id", "town", "area_mu", "status"])
    retired = ponds.status == "retired"
    by_town = [
        {
            "town": town,
            "ponds": len(g),
            "retired": int((g.status == "retired").sum()),
            "area_mu": float(g.area_mu.sum()),
            "retired_mu": float(g.area_mu[g.status == "retired"].sum()),
        }
        for town, g in ponds.groupby("town", sort=True)
    ]
    by_step = []
    for s in steps:
        n_done = sum(1 for pid in reg.index if s.key in ledger.get(str(pid), {}))
        n_late = sum(1 for x in late if x["step"] == s.key)
        by_step.append(
            {
                "step": s.key,
                "name": s.name,
                "name_en": s.name_en,
                "done": n_done,
                "total": len(reg),
                "overdue": n_late,
                "deadline": s.deadline.isoformat() if s.deadline else None,
            }
        )
    last = steps[-1].key
    closed = sorted(d for pid in reg.index for k, (d, _) in ledger.get(str(pid), {}).items() if k == last)
    cumulative = [{"date": d.isoformat(), "retired": i + 1} for i, d in enumerate(closed)]

    week = clock.week_of(today)
    w = store.samples.weekly(week, body=body)
    counts = w.status.value_counts()
    cases = store.cases.find("open")
    if body is not None:
        cases = cases[cases.site_code.isin(set(w.site_code) | _codes(store, body))]
    lake = lake_status(store, today, body=body)
    return {
        "today": today.isoformat(),
        "ponds": {
            "total": len(ponds),
            "retired": int(retired.sum()),
            "in_progress": int((ponds.status == "in_progress").sum()),
            "not_started": int((ponds.status == "not_started").sum()),
        },
        "area_mu": {"total": float(ponds.area_mu.sum()), "retired": float(ponds.area_mu[retired].sum())},
        "by_town": by_town,
        "by_step": by_step,
        "overdue": sorted(late, key=lambda x: (-x["days"], x["pond_id"])),
        "cumulative": cumulative,
        "week": {
            "week": week,
            "due": len(w),
            "sampled": int((w.n > 0).sum()),
            "exceedances": int(counts.get("exceeds", 0)),
            "indeterminate": int(counts.get("indeterminate", 0)),
        },
        "open_cases": len(cases),
        "lake": lake,
    }


def _codes(store, body: str) -> set:
    sites = store.register.list_sites()
    return set(sites.code[sites.water_body == body])


def lake_status(store, day: date, end: datetime | None = None, body: str | None = None) -> list[dict]:
    """The latest TP class of each lake and section site, against its water body's target on ``day``.

    A lake's sites are graded by GB 3838's lake table, a river's by the river table.

    Parameters
    ----------
    store : monitoring.store.Store
    day : datetime.date
        The day whose limits and target apply.
    end : datetime.datetime, optional
        Only samples taken before it count (a report for a past week shows what was known
        then, not later samples); all samples when omitted.
    body : str, optional
        Only this water body's sites.

    Returns
    -------
    list of dict
        ``site``, ``latest_at``, ``value_mg_l``, ``censored``, ``grade``, ``target`` and
        ``meets_target`` per site (``latest_at`` None when the site has no sample).
    """
    from geo.waterbodies import site_rules

    out = []
    sites = store.register.list_sites()
    sites = site_rules(sites[sites.kind != "pond"])
    if body is not None:
        sites = sites[sites.water_body == body]
    for code, standard, target in zip(sites.code, sites.standard, sites.target, strict=True):
        rule = store.limits.class_rule("TP", day, standard)
        if rule is not None and target:
            rule = {**rule, "target": target}
        if end is None:
            s = store.samples.find(site=code, parameter="TP", limit=1, exclude_blanks=True)
        else:
            s = store.samples.find(site=code, parameter="TP", exclude_blanks=True)
            if len(s):
                s = s[pd.to_datetime(s.sampled_at, utc=True) < pd.Timestamp(end)]
        if s.empty or rule is None:
            out.append(
                {"site": code, "latest_at": None, "value_mg_l": None, "grade": None, "target": rule and rule["target"]}
            )
            continue
        latest = s.iloc[0]
        label = grade(float(latest.value_mg_l), rule["classes"])
        order = [c for c, _ in rule["classes"]] + ["劣V"]
        out.append(
            {
                "site": code,
                "latest_at": pd.Timestamp(latest.sampled_at).isoformat(),
                "value_mg_l": float(latest.value_mg_l),
                "censored": bool(latest.censored),
                "grade": label,
                "target": rule["target"],
                "meets_target": order.index(label) <= order.index(rule["target"]),
            }
        )
    return out
