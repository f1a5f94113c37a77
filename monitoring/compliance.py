"""Weekly compliance: limits with effective dates, lake classes, site-week status.

Pure functions over DataFrames; the Store feeds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from geo.config import load_config

from .errors import MonitoringError

__all__ = ["Limits", "LimitsError", "evaluate_week", "grade", "load_limits", "sample_status", "unsampled_text"]

WORST = "劣V"


class LimitsError(MonitoringError):
    """A limit in the configuration that cannot be used; ``where`` names the entry (e.g. ``[[limits]] #2``)."""

    default_code = "limits.invalid"


@dataclass(frozen=True)
class Limits:
    """Pond limits, lake and river classes, each with an effective date.

    Attributes
    ----------
    pond : list of dict
        ``parameter``, ``max_mg_l``, ``effective_from`` (date), ``source``.
    lake : list of dict
        ``parameter``, ``classes`` [(label, upper bound)], ``target``,
        ``effective_from``, ``source``: GB 3838's lake/reservoir table.
    tracing_radius_m : float
    river : list of dict
        As ``lake``, GB 3838's river table (for sections of a river).
    """

    pond: list
    lake: list
    tracing_radius_m: float = 2000.0
    river: list = field(default_factory=list)

    def _pick(self, entries, parameter: str, day: date):
        valid = [e for e in entries if e["parameter"] == parameter and e["effective_from"] <= day]
        return max(valid, key=lambda e: e["effective_from"]) if valid else None

    def pond_limit(self, parameter: str, day: date) -> float | None:
        """The pond tail-water limit in force on ``day`` (None when there is none).

        Parameters
        ----------
        parameter : str
        day : datetime.date

        Returns
        -------
        float or None
        """
        e = self._pick(self.pond, parameter, day)
        return e["max_mg_l"] if e else None

    def lake_rule(self, parameter: str, day: date) -> dict | None:
        """The lake class table in force on ``day``.

        Parameters
        ----------
        parameter : str
        day : datetime.date

        Returns
        -------
        dict or None
        """
        return self._pick(self.lake, parameter, day)

    def class_rule(self, parameter: str, day: date, standard: str = "lake") -> dict | None:
        """The class table of GB 3838 in force on ``day`` for a lake or a river.

        Parameters
        ----------
        parameter : str
        day : datetime.date
        standard : {'lake', 'river'}
            The table: a lake's sections use the lake/reservoir table, a river's the river table.

        Returns
        -------
        dict or None
        """
        if standard not in ("lake", "river"):
            raise ValueError(f"unknown standard {standard!r}")
        return self._pick(self.river if standard == "river" else self.lake, parameter, day)

    def limit_for(
        self, site_kind: str, parameter: str, day: date, standard: str = "lake", target: str | None = None
    ) -> float | None:
        """The value above which a result at this kind of site is an exceedance.

        Parameters
        ----------
        site_kind : {'pond', 'lake', 'section'}
        parameter : str
        day : datetime.date
        standard : {'lake', 'river'}
            The table of GB 3838 a lake or section site is judged by (its water body's kind).
        target : str, optional
            The water body's target class; the table's own target when omitted.

        Returns
        -------
        float or None

        Examples
        --------
        >>> lim = load_limits()
        >>> lim.limit_for("section", "TP", date(2022, 4, 1), "river"), lim.limit_for("section", "TP", date(2022, 4, 1))
        (0.2, 0.05)
        """
        if site_kind == "pond":
            return self.pond_limit(parameter, day)
        rule = self.class_rule(parameter, day, standard)
        if not rule:
            return None
        return dict(rule["classes"])[target or rule["target"]]


def _date(value, where):
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise LimitsError("limits.date", where=where, text=str(value)) from None


def load_limits(config: dict | None = None) -> Limits:
    """Read ``[[limits]]``, ``[[lake_classes]]``, ``[[river_classes]]`` and ``[tracing]`` from the configuration.

    Parameters
    ----------
    config : dict, optional
        As returned by :func:`geo.config.load_config`.

    Returns
    -------
    Limits

    Raises
    ------
    LimitsError
        For a missing or unusable value.

    Examples
    --------
    >>> lim = load_limits()
    >>> lim.pond_limit("TP", date(2022, 4, 1)), lim.pond_limit("TP", date(2022, 2, 1))
    (0.2, None)
    >>> lim.limit_for("lake", "TP", date(2022, 4, 1)), lim.limit_for("section", "TP", date(2022, 4, 1), "river")
    (0.05, 0.2)
    """
    config = config if config is not None else load_config()
    pond = []
    for i, e in enumerate(config.get("limits", [])):
        where = f"[[limits]] #{i + 1}"
        if e.get("site_kind", "pond") != "pond":
            raise LimitsError("limits.site_kind", where=where)
        try:
            limit = float(e["max_mg_l"])
            pond.append(
                {
                    "parameter": e["parameter"],
                    "max_mg_l": limit,
                    "effective_from": _date(e["effective_from"], where),
                    "source": e.get("source", ""),
                }
            )
        except KeyError as exc:
            raise LimitsError("limits.missing", where=where, key=str(exc.args[0])) from None
        if limit <= 0:
            raise LimitsError("limits.not_positive", where=where)
    lake, river = _class_tables(config, "lake_classes"), _class_tables(config, "river_classes")
    radius = float(config.get("tracing", {}).get("radius_m", 2000))
    return Limits(pond, lake, radius, river)


def _class_tables(config: dict, name: str) -> list[dict]:
    """``[[lake_classes]]`` or ``[[river_classes]]`` entries, checked."""
    out = []
    for i, e in enumerate(config.get(name, [])):
        where = f"[[{name}]] #{i + 1}"
        classes = [(str(label), float(bound)) for label, bound in e["classes"]]
        if [b for _, b in classes] != sorted(b for _, b in classes):
            raise LimitsError("limits.bounds", where=where)
        if e["target"] not in dict(classes):
            raise LimitsError("limits.target", where=where, target=str(e["target"]))
        out.append(
            {
                "parameter": e["parameter"],
                "classes": classes,
                "target": e["target"],
                "effective_from": _date(e["effective_from"], where),
                "source": e.get("source", ""),
            }
        )
    return out


def grade(value: float, classes) -> str:
    """Water-quality class of a value (``劣V`` above the last bound).

    Parameters
    ----------
    value : float
        mg/L; for a censored result, its detection limit (an upper bound).
    classes : list of (str, float)

    Returns
    -------
    str

    Examples
    --------
    >>> c = [("I", 0.01), ("II", 0.025), ("III", 0.05), ("IV", 0.1), ("V", 0.2)]
    >>> grade(0.05, c), grade(0.051, c), grade(0.3, c)
    ('III', 'IV', '劣V')
    """
    for label, bound in classes:
        if value <= bound + 1e-12:
            return label
    return WORST


def sample_status(value: float, censored: bool, limit: float | None) -> str:
    """Status of one result against a limit.

    ``exceeds`` when a measured value is above it; ``indeterminate`` when a
    censored result's detection limit is above it (the truth may lie either
    side); ``compliant`` otherwise (including a censored result whose limit is
    at or below the threshold).  ``no_limit`` without a limit.

    Parameters
    ----------
    value : float
    censored : bool
    limit : float or None

    Returns
    -------
    str

    Examples
    --------
    >>> sample_status(0.21, False, 0.2), sample_status(0.01, True, 0.2), sample_status(0.5, True, 0.2)
    ('exceeds', 'compliant', 'indeterminate')
    """
    if limit is None:
        return "no_limit"
    if value <= limit + 1e-12:
        return "compliant"
    return "indeterminate" if censored else "exceeds"


def unsampled_text(reason, lang: str = "zh") -> str:
    """How a week without a result reads: 未采, or 未采 with the reason a lab recorded.

    Parameters
    ----------
    reason : str or None
        As the lab's file gave it (``未采（停产）``, ``—（塘干）``, ``空``).
    lang : {'zh', 'en'}

    Returns
    -------
    str

    Examples
    --------
    >>> unsampled_text(None), unsampled_text("未采（停产）"), unsampled_text("—（塘干）")
    ('未采', '未采（停产）', '未采（—（塘干））')
    >>> unsampled_text("未采（停产）", "en")
    'not sampled (未采（停产）)'
    """
    from i18n import t

    if not isinstance(reason, str) or not reason.strip():
        return t("export.unsampled", lang)
    if lang == "zh" and reason.startswith("未"):  # 未采, 未采样, 未监测 ... already say it
        return reason
    return t("export.unsampled_because", lang, reason=reason)


def evaluate_week(
    samples: pd.DataFrame, sites: pd.DataFrame, limits: Limits, day: date, parameter: str = "TP", not_sampled=None
):
    """Per-site status for one week.

    Parameters
    ----------
    samples : pandas.DataFrame
        Current, non-retracted samples of the week with ``site_code``,
        ``value_mg_l``, ``censored``, ``qc_type``, ``sample_uid``.  Blanks are
        ignored.
    sites : pandas.DataFrame
        Active sites with ``code`` and ``kind``; with ``active_from`` / ``active_to``
        a site without a sample that week counts (as missing) only when it was monitored
        then, so adding a site never changes an old week. Optional columns (see
        :func:`geo.waterbodies.site_rules`): ``standard`` (``lake``/``river``: the GB 3838
        table of a lake or section site), ``target`` (its water body's class) and ``weekly``
        (False: the site is not due every week and counts only in a week it was sampled).
    limits : Limits
    day : datetime.date
        A day of the week (limits in force then).
    parameter : str
    not_sampled : dict, optional
        Site code -> reason, for the sites a lab recorded as not sampled that week.

    Returns
    -------
    pandas.DataFrame
        One row per site: ``site_code``, ``kind``, ``n``, ``max_mg_l``,
        ``max_censored``, ``limit_mg_l``, ``grade`` (lake sites), ``status``
        (``compliant``, ``exceeds``, ``indeterminate``, ``missing``,
        ``no_limit``) and ``not_sampled`` (for a missing site: the reason a lab
        recorded, else None).
    """
    from .sitenames import active_in

    monday = day - timedelta(days=day.weekday())
    # A site with a sample that week always counts (its result is data); one without counts as
    # missing only when it was monitored that week.
    due = active_in(sites, monday, monday + timedelta(days=7))
    if "weekly" in due.columns:
        due = due[due["weekly"].astype(bool)]
    sampled = set(samples["site_code"]) if len(samples) else set()
    sites = sites[sites["code"].isin(set(due["code"]) | sampled)]
    s = samples[samples["qc_type"] != "blank"]
    rows = []
    by_site = dict(tuple(s.groupby("site_code"))) if len(s) else {}
    standards = sites["standard"] if "standard" in sites.columns else pd.Series("lake", index=sites.index)
    targets = sites["target"] if "target" in sites.columns else pd.Series(None, index=sites.index, dtype=object)
    for code, kind, standard, target in zip(sites["code"], sites["kind"], standards, targets, strict=True):
        target = target if isinstance(target, str) and target else None
        limit = limits.limit_for(kind, parameter, day, standard, target)
        rule = limits.class_rule(parameter, day, standard)
        g = by_site.get(code)
        if g is None or g.empty:
            rows.append((code, kind, 0, np.nan, False, limit, None, "missing", (not_sampled or {}).get(code)))
            continue
        statuses = [sample_status(v, c, limit) for v, c in zip(g["value_mg_l"], g["censored"], strict=True)]
        i = int(np.argmax(g["value_mg_l"].to_numpy()))
        top, top_censored = float(g["value_mg_l"].iloc[i]), bool(g["censored"].iloc[i])
        measured = g.loc[~g["censored"].astype(bool), "value_mg_l"]
        if len(measured) and measured.max() >= top:
            top, top_censored = float(measured.max()), False
        status = next((x for x in ("exceeds", "indeterminate", "no_limit") if x in statuses), "compliant")
        label = grade(top, rule["classes"]) if (kind != "pond" and rule) else None
        rows.append((code, kind, len(g), top, top_censored, limit, label, status, None))
    columns = ["site_code", "kind", "n", "max_mg_l", "max_censored", "limit_mg_l", "grade", "status", "not_sampled"]
    return pd.DataFrame(rows, columns=columns)
