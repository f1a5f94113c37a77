"""Exports: the ledger (台账) as one XLSX workbook; the geometry as GeoJSON, GeoPackage or KML."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import geopandas as gpd

from .ledger_book import ledger_workbook

__all__ = ["GEO_FORMATS", "geo_export", "geo_layers", "ledger_workbook"]

GEO_FORMATS = ("geojson", "gpkg", "kml")


def geo_layers(ds, statuses: dict | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The layers to export, in EPSG:4490: ponds, lake, ban zone, no-fishing zones, sections.

    Parameters
    ----------
    ds : geo.dataset.Dataset
    statuses : dict, optional
        Retirement status per pond number.

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
    """
    cols = ["pond_id", "town", "village", "farm_name", "coord_text", "area_mu", "coord_status"]
    seed = ["seed_coord_text", "seed_area_mu", "verified_by", "verified_on"]
    ponds = ds.register[cols + [c for c in seed if c in ds.register.columns] + ["geometry"]]
    ponds = ponds.merge(ds.classification[["pond_id", "zone_class", "shore_distance_m"]], on="pond_id")
    ponds["zone_class"] = ponds["zone_class"].astype(str)
    ponds["suspect"] = ponds.pond_id.isin(ds.suspect_ids)
    ponds["status"] = [(statuses or {}).get(int(p), "") for p in ponds.pond_id]
    return {
        "ponds": gpd.GeoDataFrame(ponds, geometry="geometry", crs=ds.register.crs),
        "lake": ds.lake.gdf,
        "ban_zone": ds.ban_zone,
        "nofish_zones": ds.nofish_zones,
        "sections": ds.sections.gdf,
    }


def geo_export(ds, fmt: str, statuses: dict | None = None) -> bytes:
    """Write every layer to one file.

    GeoJSON holds one FeatureCollection with a ``layer`` property per feature;
    GeoPackage and KML hold one layer (KML: folder) per layer.

    Parameters
    ----------
    ds : geo.dataset.Dataset
    fmt : {'geojson', 'gpkg', 'kml'}
    statuses : dict, optional

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        For an unknown format.
    """
    if fmt not in GEO_FORMATS:
        raise ValueError(f"format must be one of {GEO_FORMATS}, got {fmt!r}")
    layers = geo_layers(ds, statuses)
    if fmt == "geojson":
        feats = []
        for name, gdf in layers.items():
            fc = json.loads(gdf.to_crs(4326).to_json(drop_id=True))
            for f in fc["features"]:
                f["properties"] = {"layer": name, **f["properties"]}
                feats.append(f)
        return json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False).encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"yehu.{fmt}"
        for name, gdf in layers.items():
            out = gdf.to_crs(4326) if fmt == "kml" else gdf
            out.to_file(path, layer=name, driver="GPKG" if fmt == "gpkg" else "LIBKML")
        return path.read_bytes()
