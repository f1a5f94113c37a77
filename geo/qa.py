"""Coordinate QA: flag suspect pond coordinates, never move them.

Checks (thresholds in ``config/yehu.toml``, section ``[qa]``):

far
    The point lies more than ``far_from_lake_m`` (8 km) from the lake outline.
    The reason names the distance and, where the village has other ponds that
    are not far, how far those are.  Severity: suspect.
shared_point
    Several ponds are printed at exactly the same point.  Severity: suspect.
outside_china
    The point lies outside China.  Severity: suspect.
run_together
    E and N were printed with no space between them.  Severity: note — a sign
    of hurried typing, not an error on its own.

For each far pond, :func:`typo_hypotheses` lists single-character changes of
the printed string (one digit replaced, or two neighbouring digits swapped)
that would bring the point near the village's other ponds — suggestions for
staff to check on site.  Nothing is applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely

from .config import QAConfig
from .coords import CoordinateError, in_china, parse_coordinate
from .crs import GEOGRAPHIC, to_metric

__all__ = ["Flag", "Hypothesis", "PondQA", "check_register", "typo_hypotheses"]

SUSPECT, NOTE = "suspect", "note"


@dataclass(frozen=True)
class Flag:
    """One QA finding.

    Attributes
    ----------
    code : str
        ``far``, ``shared_point``, ``outside_china``, ``run_together``, and
        for edited points ``corrected``, ``verified`` or ``area_corrected``.
    severity : str
        ``suspect`` or ``note``.
    params : dict
        Values for the message (distances in metres, pond numbers, ...);
        :func:`i18n.describe_flag` renders it in Chinese or English.
    """

    code: str
    severity: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Hypothesis:
    """A single-character change of a printed coordinate, for checking on site.

    Attributes
    ----------
    text : str
        The changed coordinate string.
    lon, lat : float
        Where it points.
    position : int
        Index of the (first) changed character in the original string.
    old, new : str
        The characters before and after.
    kind : str
        ``substitute`` or ``swap``.
    distance_m : float
        Distance to the reference (the village's other ponds, or the lake).
    """

    text: str
    lon: float
    lat: float
    position: int
    old: str
    new: str
    kind: str
    distance_m: float


@dataclass
class PondQA:
    """QA result for one pond."""

    pond_id: int
    flags: list[Flag] = field(default_factory=list)
    hypotheses: list[Hypothesis] = field(default_factory=list)

    @property
    def suspect(self) -> bool:
        """Whether any flag is of severity ``suspect``."""
        return any(f.severity == SUSPECT for f in self.flags)


def _variants(text: str):
    """Yield (string, position, old, new, kind) for each single-character change."""
    digits = [i for i, c in enumerate(text) if c.isdigit()]
    for i in digits:
        for d in "0123456789":
            if d != text[i]:
                yield text[:i] + d + text[i + 1 :], i, text[i], d, "substitute"
    for i in digits:
        j = i + 1
        if j < len(text) and text[j].isdigit() and text[j] != text[i]:
            yield text[:i] + text[j] + text[i] + text[j + 1 :], i, text[i : j + 1], text[j] + text[i], "swap"


def typo_hypotheses(text: str, reference, lake=None, config: QAConfig | None = None) -> list[Hypothesis]:
    """Rank single-character changes of a printed coordinate by how near they land.

    Parameters
    ----------
    text : str
        The coordinate as printed.
    reference : shapely geometry
        What the point should be near, in EPSG:4547 (the village's other
        ponds as a MultiPoint, or the lake outline).
    lake : shapely geometry, optional
        Lake outline in EPSG:4547; a change that would still be far from it is
        dropped.
    config : QAConfig, optional
        ``hypothesis_radius_m`` and ``hypothesis_count``.

    Returns
    -------
    list of Hypothesis
        Nearest first; empty when no single change lands within the radius.

    Examples
    --------
    >>> ref = to_metric(gpd.GeoSeries([shapely.Point(113.4367, 29.6799)], crs=GEOGRAPHIC)).iloc[0]
    >>> [h.text for h in typo_hypotheses("E113.4143 N29.3699", ref)]
    ['E113.4143 N29.6699']
    """
    config = config or QAConfig()
    cands = []
    for variant, pos, old, new, kind in _variants(text):
        try:
            p = parse_coordinate(variant)
        except CoordinateError:
            continue
        cands.append((variant, p.lon, p.lat, pos, old, new, kind))
    if not cands:
        return []
    lon = np.array([c[1] for c in cands])
    lat = np.array([c[2] for c in cands])
    pts = to_metric(gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=GEOGRAPHIC)).values
    dist = shapely.distance(reference, pts)
    keep = dist <= config.hypothesis_radius_m
    if lake is not None:
        keep &= shapely.distance(lake, pts) <= config.far_from_lake_m
    order = [i for i in np.argsort(dist, kind="stable") if keep[i]][: config.hypothesis_count]
    return [Hypothesis(*cands[i][:1], cands[i][1], cands[i][2], *cands[i][3:], float(dist[i])) for i in order]


def check_register(register: gpd.GeoDataFrame, lake: gpd.GeoDataFrame | None = None, config: QAConfig | None = None):
    """Run every coordinate check over the register.

    Parameters
    ----------
    register : geopandas.GeoDataFrame
        From :func:`geo.register.load_register` (needs ``pond_id``,
        ``village``, ``coord_text``, ``run_together`` and point geometry).
    lake : geopandas.GeoDataFrame, optional
        Lake outline.  Without it, distances are measured from the median
        point of the register instead.
    config : QAConfig, optional
        Thresholds.

    Returns
    -------
    dict of int to PondQA
        Every pond, flagged or not, by pond number.

    Examples
    --------
    >>> from geo.register import load_register
    >>> from geo.boundaries import load_boundaries
    >>> qa = check_register(load_register(), load_boundaries()[0].gdf)
    >>> sorted(pid for pid, r in qa.items() if r.suspect)
    [2, 3, 4, 9, 10, 11, 15, 16, 17]
    """
    config = config or QAConfig()
    reg = register.reset_index(drop=True)
    ids = reg["pond_id"].to_numpy()
    result = {int(pid): PondQA(int(pid)) for pid in ids}
    geo_pts = reg.to_crs(GEOGRAPHIC).geometry
    lon, lat = geo_pts.x.to_numpy(), geo_pts.y.to_numpy()
    pts = to_metric(reg, "register").geometry.values

    if lake is not None and len(lake):
        ref = shapely.union_all(to_metric(lake, "lake").geometry.values)
        ref_name = "lake"
    else:
        ref = shapely.Point(np.median(shapely.get_x(pts)), np.median(shapely.get_y(pts)))
        ref_name = "median"
    dist = shapely.distance(ref, pts)
    far = dist > config.far_from_lake_m

    for i in np.flatnonzero(~in_china(lon, lat)):
        result[int(ids[i])].flags.append(Flag("outside_china", SUSPECT, {"lon": lon[i], "lat": lat[i]}))

    key = [f"{a:.7f},{b:.7f}" for a, b in zip(lon, lat, strict=True)]
    groups: dict[str, list[int]] = {}
    for i, k in enumerate(key):
        groups.setdefault(k, []).append(i)
    for members in groups.values():
        if len(members) > 1:
            others = [int(ids[j]) for j in members]
            for j in members:
                result[int(ids[j])].flags.append(Flag("shared_point", SUSPECT, {"ponds": others}))

    villages = reg["village"].to_numpy()
    for i in np.flatnonzero(far):
        mates = np.flatnonzero((villages == villages[i]) & ~far & (ids != ids[i]))
        params = {"distance_m": float(dist[i]), "threshold_m": config.far_from_lake_m, "reference": ref_name}
        if len(mates):
            target = shapely.multipoints(pts[mates])
            params |= {
                "village": villages[i],
                "mates": [int(ids[j]) for j in mates],
                "mates_distance_m": float(shapely.distance(target, pts[i])),
            }
        else:
            target = ref
        pond = result[int(ids[i])]
        pond.flags.append(Flag("far", SUSPECT, params))
        pond.hypotheses = typo_hypotheses(
            reg["coord_text"].iloc[i], target, ref if ref_name == "lake" else None, config
        )

    if "run_together" in reg.columns:
        for i in np.flatnonzero(reg["run_together"].to_numpy(dtype=bool)):
            if "seed_coord_text" in reg.columns and reg["coord_text"].iloc[i] != reg["seed_coord_text"].iloc[i]:
                continue  # the note is about the printed text, which is no longer in use
            result[int(ids[i])].flags.append(Flag("run_together", NOTE, {"text": reg["coord_text"].iloc[i]}))

    # Edited points (see geo.register.apply_edits): the seed value is always shown.
    if "seed_coord_text" in reg.columns:
        for i in range(len(reg)):
            pid, r = int(ids[i]), reg.iloc[i]
            if r.get("coord_status") == "verified":
                # A GPS reading taken on site is the pond's position, even if far or shared.
                result[pid] = PondQA(
                    pid,
                    [
                        Flag(
                            "verified",
                            NOTE,
                            {"by": r["verified_by"], "on": r["verified_on"], "seed": r["seed_coord_text"]},
                        )
                    ],
                )
            elif r["coord_text"] != r["seed_coord_text"]:
                result[pid].flags.append(Flag("corrected", NOTE, {"seed": r["seed_coord_text"]}))
            if r["uses"] != r["seed_uses"]:
                result[pid].flags.append(Flag("area_corrected", NOTE, {"seed": r["seed_uses"]}))
    return result
