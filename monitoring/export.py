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

from i18n import t

from .kml import kml_document
from .ledger_book import ledger_workbook

__all__ = ["GEO_FORMATS", "LAYERS", "geo_export", "geo_layers", "geojson_layer", "ledger_workbook", "pond_name"]

GEO_FORMATS = ("geojson", "gpkg", "kml")
#: Layer names, in export order.
LAYERS = ("ponds", "lake", "ban_zone", "nofish_zones", "sections")
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


def geo_export(ds, fmt: str, statuses: dict | None = None, layer: str | None = None) -> bytes:
    """Write the layers in one format.

    Parameters
    ----------
    ds : geo.dataset.Dataset
    fmt : {'geojson', 'gpkg', 'kml'}
        GeoJSON: a zip of one ``yehu-<layer>.geojson`` per layer, or the one
        layer named by ``layer``.  GeoPackage: one file, one table per layer.
        KML: one document, one folder per layer.
    statuses : dict, optional
        Retirement status per pond number.
    layer : str, optional
        GeoJSON only: just this layer, as a plain ``.geojson``.

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        For an unknown format or layer.
    """
    if fmt not in GEO_FORMATS:
        raise ValueError(f"format must be one of {GEO_FORMATS}, got {fmt!r}")
    if layer is not None and (fmt != "geojson" or layer not in LAYERS):
        raise ValueError(f"layer must be one of {LAYERS} (GeoJSON only), got {layer!r}")
    layers = geo_layers(ds, statuses)
    if fmt == "kml":
        return kml_document(layers)
    if fmt == "geojson":
        if layer is not None:
            return geojson_layer(layers[layer], layer)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, gdf in layers.items():
                zf.writestr(f"yehu-{name}.geojson", geojson_layer(gdf, name))
        return buf.getvalue()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "yehu.gpkg"
        for i, (name, gdf) in enumerate(layers.items()):
            opts = {"dataset_options": {"VERSION": "1.2"}} if i == 0 else {"append": False}
            _write(gdf, path, name, "GPKG", **opts)
        return path.read_bytes()
