"""Each water body's water quality against its target, and its trend, for the Dashboard and the report.

A body's class is the worst latest class among its lake and section sites (each graded by its
body's GB 3838 table); its trend is the worst direction among their trends. A section whose
position is unknown still has results: it counts here, it only stays out of zone answers.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from geo.waterbodies import current_waterbodies
from i18n.errors import UserError

from .progress import lake_status

__all__ = ["bodies_in_use", "body_sites", "body_summary", "exportable", "stored_placements"]

#: Trend directions, worst first: a body's trend is the worst of its sites'.
TREND_ORDER = ("worsening", "stable", "improving", "insufficient")


def _worst(grades: list[str], classes: list[str]) -> str | None:
    order = [*classes, "劣V"]
    known = [g for g in grades if g in order]
    return max(known, key=order.index) if known else None


def bodies_in_use(store):
    """The water bodies file with the positions administrators gave sections it leaves 位置待定.

    Parameters
    ----------
    store : monitoring.store.Store

    Returns
    -------
    geo.waterbodies.WaterBodies
    """
    return current_waterbodies().with_placements(store.placements.current())


def stored_placements(url: str | None = None) -> dict:
    """The current placements in the database, read without migrating or creating anything.

    For ``python -m geo``, which reads the data folder: a database that does not exist yet,
    cannot be reached or has no placements table gives no placements.

    Parameters
    ----------
    url : str, optional
        Defaults to :func:`monitoring.db.database_url`.

    Returns
    -------
    dict of str to geo.placement.Placement

    Examples
    --------
    >>> stored_placements("sqlite:////nonexistent/folder/yehu.sqlite")
    {}
    """
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    from .db import existing_url, make_engine
    from .store.placements import read_current

    url = existing_url(url)
    if url is None:
        return {}
    try:
        engine = make_engine(url, create=False)
        try:
            with engine.connect() as conn:
                if not inspect(conn).has_table("section_placements"):
                    return {}
                return read_current(conn)
        finally:
            engine.dispose()
    except (SQLAlchemyError, OSError, UserError):
        return {}


def body_summary(store, day: date, trend: pd.DataFrame | None = None, end: datetime | None = None) -> list[dict]:
    """One row per water body: class against target, trend, sites, sections waiting for a position.

    Parameters
    ----------
    store : monitoring.store.Store
    day : datetime.date
        The day whose classes and targets apply.
    trend : pandas.DataFrame, optional
        :func:`monitoring.trend.site_trends` (every site); no trend without it.
    end : datetime.datetime, optional
        Only samples before it count (see :func:`monitoring.progress.lake_status`).

    Returns
    -------
    list of dict
        ``code``, ``name``, ``name_en``, ``kind``, ``target``, ``target_provisional``,
        ``grade`` (None without data), ``meets_target`` (None without data), ``latest_at``,
        ``trend`` (a :data:`TREND_ORDER` direction, None without trend data), ``sites``
        (lake and section sites), ``pending`` (their codes whose position is unknown).

    Examples
    --------
    >>> _worst(["II", "IV", None], ["I", "II", "III", "IV", "V"])
    'IV'
    """
    out = []
    pending = {s.code for s in bodies_in_use(store).pending_sections()}
    for b in current_waterbodies():
        rows = lake_status(store, day, end, body=b.code)
        graded = [r for r in rows if r["grade"]]
        rule = store.limits.class_rule("TP", day, b.standard)
        classes = [c for c, _ in rule["classes"]] if rule else []
        grade = _worst([r["grade"] for r in graded], classes)
        order = [*classes, "劣V"]
        meets = None if grade is None or b.target not in order else order.index(grade) <= order.index(b.target)
        codes = [r["site"] for r in rows]
        direction = None
        if trend is not None and len(trend):
            mine = trend[trend.site.isin(codes)]
            found = [d for d in TREND_ORDER if d in set(mine.direction)]
            direction = found[0] if found else None
        out.append(
            {
                "code": b.code,
                "name": b.name,
                "name_en": b.name_en,
                "kind": b.kind,
                "target": b.target,
                "target_provisional": b.target_provisional,
                "grade": grade,
                "meets_target": meets,
                "latest_at": max((r["latest_at"] for r in graded), default=None),
                "trend": direction,
                "sites": codes,
                "pending": [c for c in codes if c in pending],
            }
        )
    return out


def body_sites(store, body: str) -> set[str]:
    """The codes of a water body's sites (ponds, lake and section sites).

    Parameters
    ----------
    store : monitoring.store.Store
    body : str

    Returns
    -------
    set of str
    """
    sites = store.register.list_sites()
    return set(sites.code[sites.water_body == body])


def exportable(code: str | None, bodies=None) -> bool:
    """Whether the layer exports hold anything of a body: ponds, an outline or a section placed later.

    The 台账 always has something of every body (its sites, samples and tracing cases).

    Parameters
    ----------
    code : str or None
        None: every body.
    bodies : geo.waterbodies.WaterBodies, optional
        In use (:func:`bodies_in_use`); default the file's, without placements.

    Returns
    -------
    bool

    Examples
    --------
    >>> exportable(None), exportable("yehu"), exportable("tandu")
    (True, True, False)
    """
    if code is None:
        return True
    b = (bodies or current_waterbodies())[code]
    return b.ponds == "register" or bool(b.ponds) or b.geometry is not None or any(s.placement for s in b.sections)
