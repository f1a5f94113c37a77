"""Boundary provenance given on upload, and where section points sit against the lake outline.

Pure geometry and data: the Store records provenance with each uploaded version; the map,
the banner and the classification notes read it from the layer (``provisional``,
``source``, ``date``, ``provenance``).
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely

from .crs import to_metric

__all__ = ["PROVENANCES", "SHORE_LIMIT_M", "SectionCheck", "apply_provenance", "check_sections"]

#: Kinds of provenance an upload can state; only ``provisional`` keeps the 暂定 marks.
PROVENANCES = ("surveyed", "digitised", "provisional")
#: A section point further inside the lake than this from its shore is flagged.
SHORE_LIMIT_M = 200.0


def apply_provenance(boundary, provenance: str, source: str = "", date: str = "", by: str = ""):
    """A boundary whose features carry the provenance stated on the upload form.

    Parameters
    ----------
    boundary : geo.boundaries.Boundary
    provenance : {'surveyed', 'digitised', 'provisional'}
    source : str
        E.g. the surveying office and its report number.
    date : str
        ISO date of the survey or digitisation.
    by : str
        Who stated it.

    Returns
    -------
    geo.boundaries.Boundary
        A copy; ``provisional`` is False unless the provenance is ``provisional``.

    Raises
    ------
    ValueError
        For another provenance.
    """
    from .boundaries import Boundary

    if provenance not in PROVENANCES:
        raise ValueError(f"provenance must be one of {PROVENANCES}, got {provenance!r}")
    gdf = boundary.gdf.copy()
    gdf["provisional"] = provenance == "provisional"
    gdf["provenance"] = provenance
    if source:
        gdf["source"] = source
    if date:
        gdf["date"] = str(date)
    if by:
        gdf["notes"] = [f"{n}; {by}".strip("; ") for n in gdf["notes"]]
    return Boundary(boundary.kind, boundary.path, gdf, list(boundary.warnings))


@dataclass(frozen=True)
class SectionCheck:
    """Where one section point sits.

    Attributes
    ----------
    section_id : str
    problem : str or None
        ``outside`` (not within the lake outline), ``far_inside`` (more than
        :data:`SHORE_LIMIT_M` inside from the shore) or None.
    distance_m : float
        Distance to the shore in metres (outside: to the outline; inside: to its edge).
    """

    section_id: str
    problem: str | None
    distance_m: float


def check_sections(lake_gdf, sections_gdf, limit_m: float = SHORE_LIMIT_M) -> list[SectionCheck]:
    """Check every section point against the lake outline (in EPSG:4547).

    Parameters
    ----------
    lake_gdf, sections_gdf : geopandas.GeoDataFrame
    limit_m : float

    Returns
    -------
    list of SectionCheck

    Examples
    --------
    >>> from geo.boundaries import load_boundaries
    >>> lake, sections = load_boundaries()
    >>> [(c.section_id, c.problem) for c in check_sections(lake.gdf, sections.gdf)][:1]
    [('S1', 'far_inside')]
    """
    lake = shapely.union_all(to_metric(lake_gdf, "lake").geometry.values)
    shore = lake.boundary
    out = []
    pts = to_metric(sections_gdf, "sections")
    for sid, pt in zip(pts["section_id"], pts.geometry.values, strict=True):
        d = float(shore.distance(pt))
        if not lake.covers(pt):
            out.append(SectionCheck(str(sid), "outside", d))
        elif d > limit_m:
            out.append(SectionCheck(str(sid), "far_inside", d))
        else:
            out.append(SectionCheck(str(sid), None, d))
    return out
