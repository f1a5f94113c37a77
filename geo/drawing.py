"""Geometry drawn on the map: the layers offered for editing, and a drawing made into a new layer version.

A drawing comes back from the browser once, when it is saved, and is checked like any
upload: ``{"kind", "pond", "features", "provenance", "source", "note"}`` whose features
are GeoJSON in map coordinates (GCJ-02 on the Gaode basemap). :func:`drawn_layer`
checks it, converts it back to CGCS2000, carries over what the current layer holds
(section ids and names; the outlines of every other pond) and returns the whole new
layer as a GeoJSON file, which the Store keeps as a boundary version like an upload
(so it is listed, downloadable and validated by :func:`geo.boundaries.load_boundary_bytes`).
The printed data (``data/ponds.csv``, ``data/boundaries/``) is never changed.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
import shapely

from i18n import MESSAGES, t
from i18n.errors import UserError, describe_value

from .crs import GEOGRAPHIC, gcj02_to_wgs84
from .mapping.common import geojson
from .provenance import MAP_SOURCE, map_source

__all__ = [
    "DRAW_PROVENANCES",
    "EDIT_KINDS",
    "MAP_SOURCE",
    "Drawing",
    "DrawingError",
    "drawn_layer",
    "edit_layers",
    "edit_options",
    "map_source",
    "pm_texts",
]

#: Layers that can be drawn or edited on the map.
EDIT_KINDS = ("lake", "sections", "ponds")
#: What a drawing can state about itself: drawn on the map over the basemap, a GPS field
#: survey, or a sketch to be checked (provisional).
DRAW_PROVENANCES = ("drawn", "surveyed", "provisional")
#: The most features one drawing may hold, and the most vertices in all.
MAX_FEATURES = 200
MAX_VERTICES = 50_000
#: Longest source detail and note kept.
TEXT_MAX = 300
_GEOMETRY = {"lake": ("Polygon", "MultiPolygon"), "ponds": ("Polygon", "MultiPolygon"), "sections": ("Point",)}
#: The name a drawn lake outline carries.
LAKE_NAME = "冶湖"


class DrawingError(UserError):
    """A drawing that cannot be stored (codes ``draw.*``)."""

    default_code = "draw.invalid"


@dataclass(frozen=True)
class Drawing:
    """A new version of one layer, ready for ``store.register.upload_boundary``.

    Attributes
    ----------
    kind : str
        One of :data:`EDIT_KINDS`.
    filename : str
    content : bytes
        The whole layer as GeoJSON (EPSG:4490).
    provenance : str
        One of :data:`DRAW_PROVENANCES`.
    prov_source : str
        ``map:<basemap>``, then the source detail the user gave, if any.
    note : str
    pond : int or None
        The pond whose outline was drawn.
    """

    kind: str
    filename: str
    content: bytes
    provenance: str
    prov_source: str
    note: str
    pond: int | None = None


def edit_layers(ds, gcj: bool) -> dict:
    """The current lake outline, section points and pond outlines as the map draws them.

    Parameters
    ----------
    ds : geo.dataset.Dataset
    gcj : bool
        Shift to GCJ-02 (the Gaode basemap).

    Returns
    -------
    dict
        ``{"lake", "sections", "ponds"}``: FeatureCollections carrying only what editing
        needs (``name``; ``section_id``; ``pond_id``).

    Examples
    --------
    >>> from geo.dataset import load_dataset
    >>> layers = edit_layers(load_dataset(), gcj=False)
    >>> [len(layers[k]["features"]) > 0 for k in EDIT_KINDS]
    [True, True, False]
    """
    out = {
        "lake": geojson(ds.lake.gdf[["name", "geometry"]], gcj),
        "sections": geojson(ds.sections.gdf[["section_id", "name", "geometry"]], gcj),
        "ponds": {"type": "FeatureCollection", "features": []},
    }
    if ds.outlines is not None:
        out["ponds"] = geojson(ds.outlines.gdf[["pond_id", "geometry"]], gcj)
    return out


def pm_texts(lang: str) -> dict:
    """Leaflet-Geoman's own texts in ``lang`` (``draw.pm.<group>.<name>`` in the catalogue), for its ``setLang``.

    >>> pm_texts("zh")["actions"]["finish"], pm_texts("en")["buttonTitles"]["drawPolyButton"]
    ('完成', 'Draw a polygon')
    """
    out: dict = {}
    for key in MESSAGES:
        if key.startswith("draw.pm."):
            group, name = key.removeprefix("draw.pm.").split(".", 1)
            out.setdefault(group, {})[name] = t(key, lang)
    return out


def edit_options(ds, lang: str, basemap: str, prefix: str = "/app/static") -> dict:
    """What the map's drawing panel needs: its files, texts, the current layers and the ponds.

    Parameters
    ----------
    ds : geo.dataset.Dataset
    lang : {'zh', 'en'}
    basemap : str
        The basemap shown (named in the panel; Gaode means GCJ-02 coordinates).
    prefix : str
        Where the app serves ``static/``.

    Returns
    -------
    dict
        ``assets`` (``js``, ``css``), ``lang``, ``pm`` (:func:`pm_texts`), ``labels``,
        ``layers`` (:func:`edit_layers`), ``ponds`` (``[pond_id, label]``).

    Examples
    --------
    >>> from geo.dataset import load_dataset
    >>> opts = edit_options(load_dataset(), "zh", "none")
    >>> opts["assets"]["js"][0], opts["labels"]["draw"], opts["ponds"][0][0]
    ('/app/static/vendor/leaflet-geoman/leaflet-geoman.min.js', '绘制与编辑', 1)
    """
    base = t(f"basemap.{basemap}", lang)
    labels = {
        "draw": t("draw.panel", lang),
        "target": t("draw.target", lang),
        "pond": t("draw.pond", lang),
        "start": t("draw.start", lang),
        "provenance": t("draw.provenance", lang),
        "drawn": t("draw.prov.drawn", lang, basemap=base),
        "source": t("draw.source", lang),
        "note": t("draw.note", lang),
        "save": t("draw.save", lang),
        "cancel": t("draw.cancel", lang),
        "nothing": t("draw.nothing", lang),
        "saving": t("draw.saving", lang),
        **{k: t(f"draw.kind.{k}", lang) for k in EDIT_KINDS},
        **{f"hint_{k}": t(f"draw.hint.{k}", lang) for k in EDIT_KINDS},
        **{p: t(f"draw.prov.{p}", lang) for p in ("surveyed", "provisional")},
    }
    reg = ds.register.sort_values("pond_id")
    return {
        "assets": {
            "js": [f"{prefix}/vendor/leaflet-geoman/leaflet-geoman.min.js", f"{prefix}/tools/yehu-draw.js"],
            "css": [f"{prefix}/vendor/leaflet-geoman/leaflet-geoman.css", f"{prefix}/tools/yehu-draw.css"],
        },
        "lang": lang,
        "pm": pm_texts(lang),
        "labels": labels,
        "layers": edit_layers(ds, basemap == "gaode"),
        "ponds": [[int(p), f"{int(p)} {n}"] for p, n in zip(reg.pond_id, reg.farm_name, strict=True)],
    }


def _text(value, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DrawingError("draw.invalid", field=field, value=describe_value(value))
    return " ".join(value.split())[:TEXT_MAX]


def _geometries(features, kind: str) -> list:
    if not isinstance(features, list):
        raise DrawingError("draw.invalid", field="drawing", value=describe_value(features))
    if not features:
        raise DrawingError("draw.empty")
    if len(features) > MAX_FEATURES:
        raise DrawingError("draw.too_many", n=len(features), limit=MAX_FEATURES)
    geoms = []
    for i, f in enumerate(features, start=1):
        g = f.get("geometry") if isinstance(f, dict) else None
        gtype = g.get("type") if isinstance(g, dict) else None
        if gtype not in _GEOMETRY[kind]:
            raise DrawingError(
                "draw.wrong_type", feature=i, found=describe_value(gtype), allowed=" / ".join(_GEOMETRY[kind])
            )
        try:
            geom = shapely.from_geojson(json.dumps(g, allow_nan=False))
        except (ValueError, TypeError, shapely.errors.GEOSException):
            raise DrawingError("draw.invalid", field="drawing", value=f"#{i}") from None
        if geom.is_empty or not np.isfinite(shapely.get_coordinates(geom)).all():
            raise DrawingError("draw.invalid", field="drawing", value=f"#{i}")
        if kind != "sections" and not shapely.is_valid(geom):  # never repaired silently: redrawn by the user
            raise DrawingError("draw.invalid_polygon", feature=i)
        geoms.append(geom)
    if sum(shapely.get_num_coordinates(geoms)) > MAX_VERTICES:
        raise DrawingError("draw.too_many", n=int(sum(shapely.get_num_coordinates(geoms))), limit=MAX_VERTICES)
    return geoms


def _unshift(geoms: list, gcj: bool) -> list:
    if not gcj:
        return geoms

    def back(coords):
        lon, lat = gcj02_to_wgs84(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return list(shapely.transform(np.asarray(geoms, dtype=object), back))


def _props(features, i: int) -> dict:
    p = features[i].get("properties") if isinstance(features[i], dict) else None
    return p if isinstance(p, dict) else {}


def drawn_layer(payload, ds, basemap: str, gcj: bool, today: date, by: str = "") -> Drawing:
    """Check a drawing and make the new version of its layer.

    Parameters
    ----------
    payload : dict
        As the map sends it on save (untrusted).
    ds : geo.dataset.Dataset
        The data the drawing was made on (its current layers).
    basemap : str
        The basemap drawn over (recorded as the source).
    gcj : bool
        The drawing is in GCJ-02 (Gaode basemap): converted back first.
    today : datetime.date
        The date the features carry.
    by : str
        Who drew it (in the features' notes).

    Returns
    -------
    Drawing

    Raises
    ------
    DrawingError
        Not a drawing, nothing drawn, a wrong geometry type, a polygon whose edges cross,
        too many features, an unknown pond or provenance.

    Examples
    --------
    >>> from geo.dataset import load_dataset
    >>> ds = load_dataset()
    >>> ring = [[113.41, 29.64], [113.43, 29.64], [113.43, 29.66], [113.41, 29.64]]
    >>> d = drawn_layer({"kind": "lake", "features": [{"type": "Feature", "geometry":
    ...     {"type": "Polygon", "coordinates": [ring]}}], "provenance": "drawn"},
    ...     ds, "none", False, date(2026, 11, 30), "admin")
    >>> d.kind, d.prov_source, json.loads(d.content)["features"][0]["properties"]["provisional"]
    ('lake', 'map:none', False)
    """
    if not isinstance(payload, dict):
        raise DrawingError("draw.invalid", field="drawing", value=describe_value(payload))
    kind = payload.get("kind")
    if kind not in EDIT_KINDS:
        raise DrawingError("draw.invalid", field="draw_layer", value=describe_value(kind))
    provenance = payload.get("provenance")
    if provenance not in DRAW_PROVENANCES:
        raise DrawingError("draw.invalid", field="draw_provenance", value=describe_value(provenance))
    detail = _text(payload.get("source"), "draw_source")
    note = _text(payload.get("note"), "draw_note")
    features = payload.get("features")
    geoms = _unshift(_geometries(features, kind), gcj)
    pond = None
    if kind == "ponds":
        pond = payload.get("pond")
        known = set(int(p) for p in ds.register.pond_id)
        if isinstance(pond, bool) or not isinstance(pond, int | float) or not math.isfinite(pond):
            raise DrawingError("draw.unknown_pond", value=describe_value(pond))
        if int(pond) != pond or int(pond) not in known:
            raise DrawingError("draw.unknown_pond", value=describe_value(pond))
        pond = int(pond)

    source = f"{MAP_SOURCE}{basemap}" + (f"; {detail}" if detail else "")
    stated = {
        "source": source,
        "date": today.isoformat(),
        "provisional": provenance == "provisional",
        "notes": "; ".join(x for x in (note, by) if x),
        "provenance": provenance,
        "prov_by": by,
    }
    if kind == "lake":
        rows = [{"name": LAKE_NAME, **stated} for _ in geoms]
    elif kind == "sections":
        current = ds.sections.gdf.set_index("section_id")
        taken = set(current.index)
        rows, n = [], 1
        for i in range(len(geoms)):
            sid = _props(features, i).get("section_id")
            if isinstance(sid, str) and sid in current.index and sid in taken:
                taken.discard(sid)  # each existing point once; a copy becomes a new point
                rows.append({"section_id": sid, "name": str(current.loc[sid, "name"]), **stated})
                continue
            while f"S{n}" in current.index or any(r["section_id"] == f"S{n}" for r in rows):
                n += 1
            rows.append({"section_id": f"S{n}", "name": f"S{n}", **stated})
    else:
        geoms = [shapely.union_all(geoms)]
        rows = [{"pond_id": pond, "name": f"{pond}", **stated}]
    new = gpd.GeoDataFrame(rows, geometry=geoms, crs=GEOGRAPHIC)
    if kind == "ponds" and ds.outlines is not None:
        # Every other pond's outline is carried over with the provenance of the version it came from.
        keep = ds.outlines.gdf[ds.outlines.gdf.pond_id != pond].copy()
        for col in ("provenance", "prov_by"):
            if col not in keep.columns:
                keep[col] = None
        cols = ["pond_id", "name", "source", "date", "provisional", "notes", "provenance", "prov_by", "geometry"]
        new = gpd.GeoDataFrame(
            [*keep[cols].to_dict("records"), *new[cols].to_dict("records")], geometry="geometry", crs=GEOGRAPHIC
        ).sort_values("pond_id", kind="stable")
    content = _to_geojson(new)
    name = f"drawing-{kind}" + (f"-{pond}" if pond is not None else "") + f"-{today:%Y%m%d}.geojson"
    return Drawing(kind, name, content, provenance, source, note, pond)


def _to_geojson(gdf: gpd.GeoDataFrame) -> bytes:
    """A FeatureCollection naming EPSG:4490, coordinates to 7 decimals (about 1 cm)."""
    geoms = shapely.set_precision(np.asarray(gdf.geometry.values, dtype=object), 1e-7)
    props = gdf.drop(columns="geometry").to_dict("records")
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}},
        "features": [
            {"type": "Feature", "properties": _plain(p), "geometry": json.loads(shapely.to_geojson(g))}
            for p, g in zip(props, geoms, strict=True)
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def _plain(props: dict) -> dict:
    out = {}
    for k, v in props.items():
        if isinstance(v, np.generic):
            v = v.item()
        out[k] = v
    return out
