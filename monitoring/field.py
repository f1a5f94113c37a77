"""Field work: the patrol log (日常监管巡查) and public tips (有奖举报).

Validation here; :class:`monitoring.store.Store` persists.  Tips are tested
against the zones with the geospatial core.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import shapely

from geo.classify import nearest_point, shore_distance
from geo.coords import CoordinateError, parse_coordinate
from geo.crs import GEOGRAPHIC, metric_xy, to_metric

from .errors import Choices, InputError

__all__ = ["FINDINGS", "TIP_STATUSES", "TIP_TRANSITIONS", "FieldError", "check_patrol", "tip_zones"]

#: The fixed list of patrol findings.
FINDINGS = ("feeding", "fertiliser_drugs", "fry_stocking", "dead_fish", "fishing_nofish", "other")
TIP_STATUSES = ("received", "verified", "unfounded", "resolved")
#: Allowed status changes of a tip.
TIP_TRANSITIONS = {
    "received": {"verified", "unfounded"},
    "verified": {"resolved"},
    "unfounded": set(),
    "resolved": set(),
}


#: The error of invalid patrol or tip data (the one input error of :mod:`monitoring.errors`).
FieldError = InputError


def check_patrol(patrol_date: date, inspectors: str, ponds, findings, disposal: str, pond_codes, today: date) -> None:
    """Validate a patrol record.

    Parameters
    ----------
    patrol_date : datetime.date
    inspectors : str
    ponds : list of str
        Pond codes visited.
    findings : list of str
        Keys of :data:`FINDINGS`.
    disposal : str
        How dead fish were disposed of (needed when ``dead_fish`` is found).
    pond_codes : set of str
        Known pond codes.
    today : datetime.date

    Raises
    ------
    monitoring.errors.InputError
    """
    if not isinstance(patrol_date, date) or patrol_date > today:
        raise InputError("input.date_missing_or_future", field="patrol_date", value=patrol_date)
    if patrol_date < date(2022, 1, 1):
        raise InputError("input.before", field="patrol_date", value=patrol_date, earliest="2022-01-01")
    if not (inspectors or "").strip():
        raise InputError("patrol.no_inspector", field="inspectors", value=inspectors)
    unknown = [p for p in ponds if p not in pond_codes]
    if unknown:
        raise InputError("patrol.unknown_ponds", field="ponds", value=", ".join(unknown))
    bad = [f for f in findings if f not in FINDINGS]
    if bad:
        raise InputError(
            "input.unknown_choice", field="findings", value=", ".join(bad), choices=Choices("patrol.finding", FINDINGS)
        )
    if "dead_fish" in findings and not (disposal or "").strip():
        raise InputError("patrol.disposal_missing", field="dead_fish_disposal", value=disposal)


def tip_zones(location: str, ds) -> dict:
    """Parse a tip's location and test it against the zones.

    Parameters
    ----------
    location : str
        Typed coordinates, any notation the coordinate parser reads.
    ds : geo.dataset.Dataset

    Returns
    -------
    dict
        ``lon``, ``lat``, ``shore_distance_m``, ``in_ban_zone``,
        ``in_nofish_zone``, ``nearest_pond``, ``nearest_pond_m``.

    Raises
    ------
    monitoring.errors.InputError
        When the location cannot be read (the parser's reason is kept).
    """
    try:
        p = parse_coordinate(location)
    except CoordinateError as exc:
        raise InputError(exc.code, field="location", value=location, **exc.params) from exc
    pt = gpd.GeoSeries([shapely.Point(p.lon, p.lat)], crs=GEOGRAPHIC)
    x, y = metric_xy(pt)
    lake = shapely.union_all(to_metric(ds.lake.gdf).geometry.values)
    dist = float(shore_distance(np.asarray(x), np.asarray(y), lake)[0])
    zones = to_metric(ds.nofish_zones).geometry.values
    in_nofish = bool(shapely.intersects_xy(shapely.union_all(zones), x[0], y[0])) if len(zones) else False
    ponds = ds.register.to_crs(GEOGRAPHIC)
    idx, d = nearest_point(np.asarray(x), np.asarray(y), to_metric(ponds).geometry.values)
    return {
        "lon": p.lon,
        "lat": p.lat,
        "shore_distance_m": dist,
        "in_ban_zone": dist <= ds.zones.ban_distance_m,
        "in_nofish_zone": in_nofish,
        "nearest_pond": str(int(ponds.pond_id.iloc[int(idx[0])])),
        "nearest_pond_m": float(d[0]),
    }
