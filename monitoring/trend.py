"""Is the water getting better? Mann-Kendall with Sen's slope per site over the last N weeks.

The plan's aim is water quality 持续向好 (continuing improvement).  For each
site the weekly TP values of the last ``[trend] weeks`` ISO weeks are tested:

- weekly value: the mean of the week's regular samples (duplicates and blanks
  left out); weeks without one are gaps, not zeros;
- censored results ("<0.01", "0.01L") count as half their detection limit, so
  results below one limit tie with each other in the test and lie below every
  measured value above the limit;
- the Mann-Kendall test (pymannkendall ``original_test``, with tie correction)
  gives the p-value; Sen's slope is the median of the pairwise slopes over the
  actual week numbers (so a gap does not stretch the slope), in mg/L per week;
- 向好 (improving) when p < ``alpha`` and the slope is negative (TP falling),
  变差 (worsening) when p < ``alpha`` and it is positive, 持平 (stable)
  otherwise; fewer than ``min_points`` weeks with data: 数据不足.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd
import pymannkendall

from geo.config import config_path

from . import clock
from .samples import iso_week, week_bounds

__all__ = ["TrendConfig", "load_trend_config", "mann_kendall", "p_text", "sen_slope", "site_trends"]


@dataclass(frozen=True)
class TrendConfig:
    """``[trend]`` in the configuration."""

    weeks: int = 12
    alpha: float = 0.05
    min_points: int = 6


def load_trend_config(path=None) -> TrendConfig:
    """Read ``[trend]``; missing keys take the defaults."""
    try:
        raw = tomllib.loads((path or config_path()).read_text(encoding="utf-8")).get("trend", {})
    except (OSError, tomllib.TOMLDecodeError):
        raw = {}
    return TrendConfig(
        weeks=int(raw.get("weeks", 12)), alpha=float(raw.get("alpha", 0.05)), min_points=int(raw.get("min_points", 6))
    )


def p_text(p) -> str:
    """A p-value as shown: three decimals, ``< 0.001`` below that, ``—`` when there is none.

    Examples
    --------
    >>> p_text(0.04321), p_text(0.00002), p_text(None)
    ('0.043', '< 0.001', '—')
    """
    if p is None or p != p:
        return "—"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def sen_slope(t, x) -> float:
    """Median of the slopes between every pair of points (Theil-Sen).

    Examples
    --------
    >>> sen_slope([0, 1, 2, 4], [1.0, 0.9, 0.8, 0.6])
    -0.1
    """
    t = np.asarray(t, dtype=float)
    x = np.asarray(x, dtype=float)
    i, j = np.triu_indices(len(x), k=1)
    dt = t[j] - t[i]
    keep = dt != 0
    return float(np.round(np.median((x[j] - x[i])[keep] / dt[keep]), 12))


def mann_kendall(values, times=None, alpha: float = 0.05, min_points: int = 6) -> dict:
    """Test one series for a monotonic trend.

    Parameters
    ----------
    values : sequence of float
        In time order; NaN are gaps.
    times : sequence of float, optional
        Positions (e.g. week numbers); default 0, 1, 2, ...
    alpha : float
    min_points : int

    Returns
    -------
    dict
        ``n``, ``p``, ``slope`` (per unit of ``times``), ``direction``
        ('improving', 'stable', 'worsening' or 'insufficient': falling values
        are the improvement).

    Examples
    --------
    >>> r = mann_kendall([0.30, 0.28, 0.27, 0.25, 0.22, 0.21, 0.18, 0.17])
    >>> r["direction"], round(r["slope"], 3)
    ('improving', -0.02)
    """
    x = np.asarray(values, dtype=float)
    t = np.arange(len(x), dtype=float) if times is None else np.asarray(times, dtype=float)
    ok = ~np.isnan(x)
    x, t = x[ok], t[ok]
    n = len(x)
    if n < max(3, min_points):
        return {"n": n, "p": None, "slope": None, "direction": "insufficient"}
    res = pymannkendall.original_test(x, alpha=alpha)
    slope = sen_slope(t, x)
    p = float(res.p)
    if p < alpha and res.s < 0:
        direction = "improving"
    elif p < alpha and res.s > 0:
        direction = "worsening"
    else:
        direction = "stable"
    return {"n": n, "p": p, "slope": slope, "direction": direction}


def site_trends(store, week: str | None = None, parameter: str = "TP", config: TrendConfig | None = None):
    """The trend per site over the ``config.weeks`` weeks ending with ``week``.

    Parameters
    ----------
    store : monitoring.store.Store
    week : str, optional
        Last ISO week (default: the current one, Asia/Shanghai).
    parameter : str
    config : TrendConfig, optional

    Returns
    -------
    pandas.DataFrame
        One row per active site with data: ``site``, ``kind``, ``first_week``,
        ``last_week``, ``n``, ``slope`` (mg/L per week), ``p``, ``direction``,
        ``latest`` (mg/L).
    """
    cfg = config or load_trend_config()
    week = week or clock.this_week()
    _, end = week_bounds(week)
    start = end - timedelta(weeks=cfg.weeks)
    first_week = iso_week(start + timedelta(hours=12))
    origin = week_bounds(first_week)[0]
    smp = store.samples.find(parameter=parameter, since=start, exclude_blanks=True)
    if len(smp):
        smp = smp[(smp.qc_type == "regular") & (pd.to_datetime(smp.sampled_at, utc=True) < pd.Timestamp(end))]
    sites = store.register.list_sites()
    rows = []
    for code, kind in zip(sites.code, sites.kind, strict=True):
        s = smp[smp.site_code == code] if len(smp) else smp
        if not len(s):
            continue
        value = np.where(s.censored.astype(bool), s.detection_limit.astype(float) / 2, s.value_mg_l.astype(float))
        weekly = pd.Series(value, index=s.week.values).groupby(level=0).mean()
        pos = [round((week_bounds(w)[0] - origin).total_seconds() / 604800) for w in weekly.index]
        order = np.argsort(pos)
        r = mann_kendall(weekly.values[order], np.asarray(pos)[order], alpha=cfg.alpha, min_points=cfg.min_points)
        rows.append(
            {
                "site": str(code),
                "kind": kind,
                "first_week": first_week,
                "last_week": week,
                "n": r["n"],
                "slope": r["slope"],
                "p": r["p"],
                "direction": r["direction"],
                "latest": float(weekly.values[order][-1]),
            }
        )
    cols = ["site", "kind", "first_week", "last_week", "n", "slope", "p", "direction", "latest"]
    return pd.DataFrame(rows, columns=cols)
