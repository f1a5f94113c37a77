"""Boundary provenance given on upload, and where section points sit against the lake outline.

Pure geometry and data: the Store records provenance with each uploaded version; the map,
the banner and the classification notes read it from the layer (``provisional``,
``source``, ``date``, ``provenance``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import shapely

from .crs import to_metric
from .filecheck import BoundaryNote

__all__ = [
    "MAP_SOURCE",
    "NEEDS_SOURCE",
    "PROVENANCES",
    "PROVISIONAL",
    "SHORE_LIMIT_M",
    "UPLOAD_PROVENANCES",
    "SectionCheck",
    "apply_provenance",
    "check_sections",
    "describe_provenance",
    "is_drawn_source",
    "is_provisional",
    "layer_provenance",
    "outline_provenance",
    "provenance_of",
    "section_problem_text",
    "stated_provenance",
    "which_provisional",
]

#: Kinds of provenance an upload can state (``boundary.provenance.<value>`` in the catalogue
#: names each); only those in :data:`PROVISIONAL` keep the 暂定 marks. ``drawn``: drawn on the
#: map (:mod:`geo.drawing`), its source ``map:<basemap>``.
PROVENANCES = ("surveyed", "digitised", "drawn", "provisional")
#: What an uploaded file can state: a file cannot have been drawn on the map.
UPLOAD_PROVENANCES = ("surveyed", "digitised", "provisional")
#: ``prov_source`` of a version drawn on the map starts with this, followed by the basemap's name
#: (reserved: an upload's source may not start with it).
MAP_SOURCE = "map:"
#: Provenances that leave a layer provisional (暂定).
PROVISIONAL = ("provisional",)
#: Provenances an upload must name a source for (who surveyed, which imagery).
NEEDS_SOURCE = ("surveyed", "digitised", "drawn")
#: A section point further inside the lake than this from its shore is flagged.
SHORE_LIMIT_M = 200.0


def is_drawn_source(source) -> bool:
    """Whether a version's ``prov_source`` says it was drawn on the map (:data:`MAP_SOURCE`).

    >>> is_drawn_source("map:gaode; GPS team 2"), is_drawn_source("县测绘院 2026-12"), is_drawn_source(None)
    (True, False, False)
    """
    return isinstance(source, str) and source.startswith(MAP_SOURCE)


def map_source(prov_source) -> tuple[str, str] | None:
    """``(basemap, detail)`` of a version drawn on the map, or None for any other source.

    >>> map_source("map:gaode; GPS team 2"), map_source("县测绘院 2026-12")
    (('gaode', 'GPS team 2'), None)
    """
    if not is_drawn_source(prov_source):
        return None
    basemap, _, detail = prov_source[len(MAP_SOURCE) :].partition(";")
    return basemap.strip(), detail.strip()


def source_label(source, lang: str = "zh") -> str:
    """A version's or feature's source as a reader reads it: a drawing names its basemap (plain text).

    >>> source_label("map:gaode; GPS team 2"), source_label("县测绘院 2026-12")
    ('在地图上绘制，底图：高德地图（GCJ-02）; GPS team 2', '县测绘院 2026-12')
    >>> source_label("map:none", "en")
    'drawn on the map over the basemap No basemap (offline)'
    """
    from i18n import MESSAGES, t

    if not isinstance(source, str):
        return ""
    drawn = map_source(source)
    if drawn is None:
        return source
    basemap, detail = drawn
    name = t(f"basemap.{basemap}", lang) if f"basemap.{basemap}" in MESSAGES else basemap or "-"
    return t("draw.source_map", lang, basemap=name) + (f"; {detail}" if detail else "")


def apply_provenance(boundary, provenance: str, source: str = "", date: str = "", by: str = ""):
    """A boundary whose features carry the provenance stated for its version.

    An uploaded file is stated as a whole: every feature gets it. A layer drawn on the map
    (``source`` starts with :data:`MAP_SOURCE`) holds, beside what was drawn, the features
    carried over from the version before (every other pond's outline), each stating in the
    file the provenance of the version it came from: those keep theirs. Only features that
    state none and whose source is this version's are stamped (a drawing's own features);
    any other feature is left as its file says (never given this version's provenance).

    Parameters
    ----------
    boundary : geo.boundaries.Boundary
    provenance : {'surveyed', 'digitised', 'drawn', 'provisional'}
    source : str
        E.g. the surveying office and its report number; ``map:<basemap>`` for a drawing.
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

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from geo.boundaries import Boundary
    >>> gdf = gpd.GeoDataFrame({"pond_id": [1, 2], "source": ["测绘院", "map:none"], "provisional": [False, False],
    ...     "provenance": ["surveyed", None]}, geometry=[shapely.box(0, 0, 1, 1)] * 2)
    >>> drawn = apply_provenance(Boundary("ponds", "x", gdf), "drawn", "map:none", "2026-11-30", "ann")
    >>> drawn.gdf[["provenance", "source", "prov_by"]].values.tolist()
    [['surveyed', '测绘院', ''], ['drawn', 'map:none', 'ann']]
    >>> apply_provenance(Boundary("ponds", "x", gdf), "digitised", "影像").gdf.provenance.tolist()
    ['digitised', 'digitised']
    """
    from .boundaries import Boundary

    if provenance not in PROVENANCES:
        raise ValueError(f"provenance must be one of {PROVENANCES}, got {provenance!r}")
    gdf = boundary.gdf.copy()
    n = len(gdf)
    if is_drawn_source(source):
        stated = gdf["provenance"] if "provenance" in gdf.columns else [None] * n
        own = gdf["source"] if "source" in gdf.columns else [source] * n
        mine = [not _stated(p) and s == source for p, s in zip(stated, own, strict=True)]
    else:
        mine = [True] * n
    mine = pd.Series(mine, index=gdf.index, dtype=bool)
    for col in ("provenance", "prov_by"):
        if col not in gdf.columns:
            gdf[col] = None
        gdf[col] = gdf[col].astype(object)
    gdf.loc[mine, "provisional"] = is_provisional(provenance)
    gdf.loc[mine, "provenance"] = provenance
    if source:
        gdf.loc[mine, "source"] = source
    if date:
        gdf.loc[mine, "date"] = str(date)
    gdf.loc[mine, "prov_by"] = by or ""
    gdf["prov_by"] = [b if isinstance(b, str) else "" for b in gdf["prov_by"]]
    gdf["provisional"] = gdf["provisional"].astype(bool)
    notes = list(boundary.warnings)
    if mine.all():  # what was stated with the upload replaces what the file lacked
        stated = {"provisional"} | ({"source"} if source else set()) | ({"date"} if date else set())
        notes = _still_missing(notes, stated)
    return Boundary(boundary.kind, boundary.path, gdf, notes, boundary.layer)


def _still_missing(notes: list, stated: set) -> list:
    """The load notes without the missing columns now stated (a note with none left is dropped)."""
    out = []
    for note in notes:
        if note.code != "missing_columns":
            out.append(note)
        elif cols := [c for c in note.params["columns"] if c not in stated]:
            out.append(BoundaryNote("missing_columns", {"columns": cols}))
    return out


def _stated(value) -> bool:
    return isinstance(value, str) and value in PROVENANCES


def stated_provenance(out, values, warnings: list):
    """A layer's features with the provenance their file states (``provisional`` follows it).

    Used by :func:`geo.boundaries.load_boundary` for a file with a ``provenance`` column (the
    project's own exports and drawings): kept when every feature names one of
    :data:`PROVENANCES` or none (a feature stating none keeps its own ``provisional``);
    any other value and the column is ignored with a warning.

    >>> import pandas as pd
    >>> w = []
    >>> stated_provenance(pd.DataFrame({"provisional": [True]}), ["surveyed"], w).to_dict("records"), w
    ([{'provisional': False, 'provenance': 'surveyed'}], [])
    >>> stated_provenance(pd.DataFrame({"provisional": [True, False]}), [None, "drawn"], w).values.tolist()
    [[True, None], [False, 'drawn']]
    """
    values = [v.strip() if isinstance(v, str) and v.strip() else None for v in values]
    if not all(v is None or v in PROVENANCES for v in values):
        warnings.append(BoundaryNote("provenance_unknown", {"allowed": list(PROVENANCES)}))
        return out
    if all(v is None for v in values):
        return out
    out = out.copy()
    out["provisional"] = [
        p if v is None else is_provisional(v) for v, p in zip(values, out["provisional"], strict=True)
    ]
    out["provenance"] = pd.Series(values, index=out.index, dtype=object)
    return out


def is_provisional(provenance: str | None) -> bool:
    """Whether a layer of this provenance is still provisional (暂定).

    >>> is_provisional("surveyed"), is_provisional("provisional")
    (False, True)
    """
    return provenance in PROVISIONAL


def provenance_of(boundary) -> str | None:
    """The provenance stated for a layer, else ``provisional`` when it is, else None (as the file says).

    Parameters
    ----------
    boundary : geo.boundaries.Boundary

    Returns
    -------
    str or None

    Examples
    --------
    >>> from geo.boundaries import load_boundaries
    >>> lake, _ = load_boundaries()
    >>> provenance_of(lake), provenance_of(apply_provenance(lake, "surveyed"))
    ('provisional', 'surveyed')
    """
    gdf = boundary.gdf
    if "provenance" in gdf.columns and len(gdf) and isinstance(gdf["provenance"].iloc[0], str):
        return str(gdf["provenance"].iloc[0])
    return "provisional" if boundary.provisional else None


def which_provisional(lake_provisional: bool, sections_provisional: bool) -> str | None:
    """Which of the lake outline and the section layer is provisional: ``both``, ``lake``, ``sections`` or None.

    The banner, legend and notes pick their text by it (``prov.<place>.<which>``).

    >>> which_provisional(False, True), which_provisional(True, True), which_provisional(False, False)
    ('sections', 'both', None)
    """
    if lake_provisional and sections_provisional:
        return "both"
    if lake_provisional:
        return "lake"
    return "sections" if sections_provisional else None


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


def describe_provenance(gdf, lang: str = "zh") -> list[str]:
    """Each feature's provenance as a reader sees it: kind (date, who), e.g. 实测（2026-11-20，填报：admin）.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        A boundary layer's features (``provisional``; ``provenance``, ``date``, ``prov_by`` when stated).
    lang : {'zh', 'en'}

    Returns
    -------
    list of str
        Plain text (escape it before it reaches HTML); empty for a non-provisional feature
        whose file states no provenance.

    Examples
    --------
    >>> from geo.boundaries import load_boundaries
    >>> lake, _ = load_boundaries()
    >>> describe_provenance(apply_provenance(lake, "surveyed", date="2026-11-20", by="admin").gdf)
    ['实测（2026-11-20，填报：admin）']
    >>> describe_provenance(lake.gdf, "en")[0].startswith("provisional")
    True
    """
    from i18n import t

    n = len(gdf)
    stated = gdf["provenance"] if "provenance" in gdf.columns else [None] * n
    dates = gdf["date"] if "date" in gdf.columns else [""] * n
    bys = gdf["prov_by"] if "prov_by" in gdf.columns else [""] * n
    out = []
    for p, prov, when, by in zip(stated, gdf["provisional"], dates, bys, strict=True):
        kind = p if isinstance(p, str) and p else ("provisional" if prov else None)
        if kind is None:
            out.append("")
            continue
        details = [str(when)] if isinstance(when, str) and when.strip() else []
        details += [t("prov.stated_by", lang, by=by)] if isinstance(by, str) and by.strip() else []
        name = t(f"boundary.provenance.{kind}", lang)
        sep = "，" if lang == "zh" else ", "
        out.append(t("prov.stated", lang, kind=name, details=sep.join(details)) if details else name)
    return out


def section_problem_text(check: SectionCheck, lang: str = "zh", limit_m: float = SHORE_LIMIT_M) -> str:
    """A section point's problem in words (empty when it has none).

    >>> section_problem_text(SectionCheck("S1", "outside", 712.4), "en")
    'Section S1 lies outside the lake outline, 712 m from the shore: check the section position or the outline.'
    """
    from i18n import t

    if not check.problem:
        return ""
    return t(
        f"prov.section.{check.problem}", lang, sid=check.section_id, m=f"{check.distance_m:.0f}", limit=f"{limit_m:.0f}"
    )


def outline_provenance(outlines, pond_ids) -> dict:
    """Per pond, where its outline came from: each outline's own provenance (empty without one).

    Parameters
    ----------
    outlines : geopandas.GeoDataFrame or None
        Pond outlines (``pond_id``, ``source``, ``date``, ``provisional``; ``provenance`` and
        ``prov_by`` when stated).
    pond_ids : sequence of int

    Returns
    -------
    dict of str to list of str
        ``outline_provenance`` (one of :data:`PROVENANCES`, ``provisional`` for an outline marked
        so without a statement, else empty), ``outline_source``, ``outline_date``, ``outline_by``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> gdf = gpd.GeoDataFrame({"pond_id": [1, 2], "source": ["测绘院", "map:none"], "date": ["", "2026-11-30"],
    ...     "provisional": [False, False], "provenance": ["surveyed", "drawn"]}, geometry=[shapely.box(0, 0, 1, 1)] * 2)
    >>> outline_provenance(gdf, [2, 3, 1])["outline_provenance"]
    ['drawn', '', 'surveyed']
    """
    cols = ("outline_provenance", "outline_source", "outline_date", "outline_by")
    out = {c: [""] * len(pond_ids) for c in cols}
    if outlines is None or not len(outlines):
        return out
    rows = outlines.drop_duplicates("pond_id").set_index("pond_id")

    def text(r, col):
        v = r.get(col)
        return v.strip() if isinstance(v, str) else ""

    for i, p in enumerate(pond_ids):
        if p not in rows.index:
            continue
        r = rows.loc[p]
        out["outline_provenance"][i] = text(r, "provenance") or ("provisional" if bool(r["provisional"]) else "")
        out["outline_source"][i] = text(r, "source")
        out["outline_date"][i] = text(r, "date")
        out["outline_by"][i] = text(r, "prov_by")
    return out


def layer_provenance(gdf, lang: str = "zh") -> str:
    """A layer's provenance as a reader sees it: each distinct feature's (:func:`describe_provenance`), joined.

    A layer whose features came from several versions (pond outlines drawn one at a time beside
    a surveyed upload) names each, never its first feature's alone. Plain text (escape it).

    >>> import geopandas as gpd, shapely
    >>> gdf = gpd.GeoDataFrame({"provisional": [False, False, False], "provenance": ["surveyed", "drawn", "surveyed"]},
    ...     geometry=[shapely.box(0, 0, 1, 1)] * 3)
    >>> layer_provenance(gdf, "en")
    'surveyed; drawn on the map'
    """
    seen = dict.fromkeys(d for d in describe_provenance(gdf, lang) if d)
    return ("；" if lang == "zh" else "; ").join(seen)
