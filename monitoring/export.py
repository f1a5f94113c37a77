"""Exports: the ledger (台账) as one XLSX workbook; the geometry as GeoJSON, GeoPackage or KML.

- GeoJSON: written by GDAL (pyogrio) with ``RFC7946=YES`` (WGS84, outer rings
  counter-clockwise, holes clockwise) and 7 decimals (about 1 cm); one file
  per layer, or a zip of them all.
- GeoPackage: GeoPackage 1.2 (``VERSION=1.2``, read by older QGIS), one layer
  per layer, dates as DATE columns, a Chinese label column beside each code.
- KML: see :mod:`monitoring.kml` (named placemarks, styles, the ban zone as a
  ring).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyogrio

from geo.provenance import outline_provenance
from i18n import t
from i18n.errors import UserError

from .kml import kml_document
from .ledger_book import ledger_workbook

__all__ = [
    "BODY_LAYERS",
    "GEO_FORMATS",
    "LAYERS",
    "body_layers",
    "geo_export",
    "geo_layers",
    "geojson_layer",
    "ledger_workbook",
    "pond_name",
]

GEO_FORMATS = ("geojson", "gpkg", "kml")
#: Layer names, in export order.
LAYERS = ("ponds", "lake", "ban_zone", "nofish_zones", "sections")
#: With the sections placed later, exported by water body (:func:`body_layers`) when there are any.
BODY_LAYERS = (*LAYERS, "placed_sections")
#: Decimal places of degrees in GeoJSON (1e-7 degree is about 1 cm).
PRECISION = 7


def pond_name(pond_id: int, farm_name: str) -> str:
    """The name a pond goes by in exports.

    Examples
    --------
    >>> pond_name(5, "白玉林水产养殖场")
    '5号 白玉林水产养殖场'
    """
    return f"{int(pond_id)}号 {farm_name}"


def _day(value):
    if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _dates(values) -> pd.Series:
    """Dates typed as dates even when every one is missing (Arrow date32: a DATE column in GDAL)."""
    return pd.Series([_day(v) for v in values], dtype=pd.ArrowDtype(pa.date32()))


def _yes(values) -> list[str]:
    return [t("value.yes" if bool(v) else "value.no", "zh") for v in values]


def _provenance(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gdf.copy()
    if "date" in out.columns:
        out["date"] = _dates(out["date"]).values
    if "provisional" in out.columns:
        out["provisional"] = out["provisional"].astype(bool)
        out["暂定"] = _yes(out["provisional"])
    if "provenance" in out.columns:  # stated on upload: 实测, 影像勾绘, 暂定
        out["来源类型"] = [t(f"boundary.provenance.{p}") if isinstance(p, str) and p else "" for p in out["provenance"]]
    return out


def geo_layers(ds, statuses: dict | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The layers to export, in EPSG:4490: ponds, lake, ban zone, no-fishing zones, sections.

    Each code column has a Chinese label column beside it (``zone_class`` and
    ``分区``, ``suspect`` and ``坐标存疑``, ``status`` and ``退养状态``, ...);
    dates are :class:`datetime.date`.

    Parameters
    ----------
    ds : geo.dataset.Dataset
    statuses : dict, optional
        Retirement status per pond number.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
    """
    reg = ds.register.merge(ds.classification[["pond_id", "zone_class", "shore_distance_m"]], on="pond_id")
    statuses = statuses or {}
    ponds = pd.DataFrame(
        {
            "pond_id": reg.pond_id.astype(int),
            "名称": [pond_name(p, f) for p, f in zip(reg.pond_id, reg.farm_name, strict=True)],
            "town": reg.town,
            "village": reg.village,
            "farm_name": reg.farm_name,
            "coord_text": reg.coord_text,
            "area_mu": reg.area_mu.astype(float),
            "coord_status": reg.coord_status,
            "坐标状态": [t("value.verified" if s == "verified" else "value.provisional") for s in reg.coord_status],
            "zone_class": reg.zone_class.astype(str),
            "分区": [t(f"zone.{z}") for z in reg.zone_class.astype(str)],
            "shore_distance_m": reg.shore_distance_m.astype(float).round(1),
            "suspect": reg.pond_id.isin(ds.suspect_ids),
            "坐标存疑": _yes(reg.pond_id.isin(ds.suspect_ids)),
            "status": [statuses.get(int(p), "") for p in reg.pond_id],
            "退养状态": [t(f"status.{statuses[int(p)]}") if int(p) in statuses else "" for p in reg.pond_id],
        }
    )
    for col in ("seed_coord_text", "seed_area_mu", "verified_by"):
        if col in reg.columns:
            ponds[col] = reg[col].values
    if "verified_on" in reg.columns:
        ponds["verified_on"] = _dates(reg.verified_on).values
    if ds.outlines is not None:  # where each pond's outline came from (its own version, not the layer's newest)
        outline = outline_provenance(ds.outlines.gdf, ponds.pond_id.tolist())
        ponds["outline_provenance"] = outline["outline_provenance"]
        ponds["轮廓来源类型"] = [t(f"boundary.provenance.{p}") if p else "" for p in outline["outline_provenance"]]
        ponds["outline_source"] = outline["outline_source"]
        ponds["outline_date"] = _dates(outline["outline_date"]).values
        ponds["outline_by"] = outline["outline_by"]
    ban = _provenance(ds.ban_zone)
    ban.insert(0, "名称", t("export.kml.ban"))
    nofish = _provenance(ds.nofish_zones)
    nofish.insert(0, "名称", [t("export.kml.nofish", section=s) for s in nofish.section_id])
    return {
        "ponds": gpd.GeoDataFrame(ponds, geometry=reg.geometry.values, crs=ds.register.crs),
        "lake": _provenance(ds.lake.gdf),
        "ban_zone": ban,
        "nofish_zones": nofish,
        "sections": _provenance(ds.sections.gdf),
    }


def _placed(ds) -> gpd.GeoDataFrame:
    """The sections placed later, with their provenance, as an export layer."""
    placed = ds.placed.copy()
    placed.insert(0, "名称", [f"{c} {n}" for c, n in zip(placed.section_id, placed.name, strict=True)])
    placed["nofish"] = placed["nofish"].astype(bool)
    placed["暂定"] = _yes(placed["provisional"].astype(bool))
    placed["datum"] = placed["datum"].astype(str)
    placed["录入坐标系"] = [t(f"map.placed.datum.{d}") for d in placed["datum"]]
    placed["version"] = placed["version"].astype(int)
    return placed


def body_layers(ds, bodies, statuses: dict | None = None, body: str | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The layers of one water body, or of every body with the body of each feature (``water_body``, ``水体``).

    A pond belongs to the body that lists it; the lake outline, its ban zone and the section layer are
    the outline of the default body (``yehu``), a section point and its no-fishing zone the body that
    lists the section; sections placed later (``placed_sections``) their own body. A layer with no
    feature of the body is left out (:data:`LAYERS` order kept).

    Parameters
    ----------
    ds : geo.dataset.Dataset
    bodies : geo.waterbodies.WaterBodies
        In use (with the placements, :func:`monitoring.bodies.bodies_in_use`).
    statuses : dict, optional
    body : str, optional
        One body's code; None: every body, each feature labelled with its body.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
        For Yehu alone, the same layers as :func:`geo_layers` (no column added).
    """
    from geo.waterbodies import DEFAULT

    layers = geo_layers(ds, statuses)
    if ds.placed is not None and len(ds.placed):
        layers["placed_sections"] = _placed(ds)

    def section_body(code):
        b = bodies.body_of_section(str(code))
        return b.code if b is not None else DEFAULT

    owners = {
        "ponds": lambda g: [bodies.pond_body(p) for p in g.pond_id],
        "lake": lambda g: [DEFAULT] * len(g),
        "ban_zone": lambda g: [DEFAULT] * len(g),
        "nofish_zones": lambda g: [section_body(c) for c in g.section_id],
        "sections": lambda g: [section_body(c) for c in g.section_id],
        "placed_sections": lambda g: list(g.water_body),
    }
    names = {b.code: b.name for b in bodies}
    out = {}
    for name, gdf in layers.items():
        owner = owners[name](gdf)
        if body is not None:
            gdf = gdf[[o == body for o in owner]]
            if len(gdf):
                out[name] = gdf
            continue
        gdf = gdf.copy()
        gdf["water_body"] = owner
        gdf["水体"] = [names.get(o, o) for o in owner]
        out[name] = gdf
    return out


def _write(gdf: gpd.GeoDataFrame, path: Path, layer: str, driver: str, **opts) -> None:
    """Through GDAL, with Arrow so that dates stay dates."""
    pyogrio.write_dataframe(gdf, path, layer=layer, driver=driver, use_arrow=True, **opts)


def geojson_layer(gdf: gpd.GeoDataFrame, name: str) -> bytes:
    """One layer as RFC 7946 GeoJSON (WGS84, counter-clockwise outer rings, 7 decimals).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
    name : str
        Layer name (the collection's ``name``).

    Returns
    -------
    bytes
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}.geojson"
        opts = {"RFC7946": "YES", "COORDINATE_PRECISION": str(PRECISION), "WRITE_NAME": "YES"}
        _write(gdf.to_crs(4326), path, name, "GeoJSON", layer_options=opts)
        return path.read_bytes()


def geo_export(
    ds, fmt: str, statuses: dict | None = None, layer: str | None = None, body: str | None = None, bodies=None
) -> bytes:
    """Write the layers in one format.

    Parameters
    ----------
    ds : geo.dataset.Dataset
    fmt : {'geojson', 'gpkg', 'kml'}
        GeoJSON: a zip of one ``<body>-<layer>.geojson`` per layer (``yehu-`` for every body), or the one
        layer named by ``layer``.  GeoPackage: one file, one table per layer.
        KML: one document, one folder per layer.
    statuses : dict, optional
        Retirement status per pond number.
    layer : str, optional
        GeoJSON only: just this layer, as a plain ``.geojson``.
    body : str, optional
        One water body's layers (:func:`body_layers`); needs ``bodies``.
    bodies : geo.waterbodies.WaterBodies, optional
        The bodies in use. Given: the layers by body (:func:`body_layers`: one body's, or every
        body's with the body of each feature); not given: every feature as it is.

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        For an unknown format or layer.
    i18n.errors.UserError
        ``export.layer_empty``: the layer asked for holds nothing (of the body); ``export.nothing``:
        no layer holds anything of the body (see :func:`monitoring.bodies.exportable`).
    """
    if fmt not in GEO_FORMATS:
        raise ValueError(f"format must be one of {GEO_FORMATS}, got {fmt!r}")
    if layer is not None and (fmt != "geojson" or layer not in BODY_LAYERS):
        raise ValueError(f"layer must be one of {LAYERS} (GeoJSON only), got {layer!r}")
    layers = geo_layers(ds, statuses) if bodies is None else body_layers(ds, bodies, statuses, body)
    if not layers:
        raise UserError("export.nothing", field="water_body", value=body)
    if layer is not None and layer not in layers:
        raise UserError("export.layer_empty", field="layer", value=layer)
    if fmt == "kml":
        return kml_document(layers)
    if fmt == "geojson":
        if layer is not None:
            return geojson_layer(layers[layer], layer)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, gdf in layers.items():
                zf.writestr(f"{body or 'yehu'}-{name}.geojson", geojson_layer(gdf, name))
        return buf.getvalue()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "yehu.gpkg"
        for i, (name, gdf) in enumerate(layers.items()):
            opts = {"dataset_options": {"VERSION": "1.2"}} if i == 0 else {"append": False}
            _write(gdf, path, name, "GPKG", **opts)
        return path.read_bytes()
