"""KML for Google Earth, 奥维 (Ovi) maps and GDAL: named placemarks, Chinese descriptions, styles.

Each layer is a folder.  A pond's placemark is named like ``5号 白玉林水产养殖场``
and described in Chinese; its flags are 是/否 in ExtendedData; its style
follows its retirement status once recorded, its zone before.  The 1 km ban
zone is a ring around the lake (the lake cut out) drawn unfilled, so the lake
stays visible.  Coordinates are WGS84 with 7 decimals; outer rings run
counter-clockwise.

Text from files and users is XML-escaped by the writer and HTML-escaped inside
descriptions (Google Earth renders descriptions as HTML).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

from i18n import t

__all__ = ["STYLES", "kml_document"]

NS = "http://www.opengis.net/kml/2.2"

#: Style id -> (line colour, fill colour or None for unfilled, icon colour), KML aabbggrr.
STYLES = {
    "pond_not_started": (None, None, "ff3030e0"),
    "pond_in_progress": (None, None, "ff1c9cf4"),
    "pond_retired": (None, None, "ff3ca02c"),
    "pond_ban": (None, None, "ff2a2ad6"),
    "pond_nofish": (None, None, "ffb4409c"),
    "pond_lake": (None, None, "ffd08b1f"),
    "pond_outside": (None, None, "ff7f7f7f"),
    "lake": ("ffd08b1f", "66f0c88a", None),
    "ban_zone": ("ff2a2ad6", None, None),
    "nofish_zones": ("ffb4409c", "33b4409c", None),
    "sections": (None, None, "ffb4409c"),
}

#: ExtendedData names must be ASCII: GDAL's KML reader mangles others.
_ASCII = {"暂定": "provisional"}

_FOLDERS = {
    "ponds": "map.layer.ponds",
    "lake": "map.layer.lake",
    "ban_zone": "export.kml.ban",
    "nofish_zones": "export.kml.nofish_folder",
    "sections": "export.kml.sections",
    "placed_sections": "map.layer.placed",
}


def _sub(parent, tag, text=None, **attrs):
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = str(text)
    return el


def _coords(seq) -> str:
    return " ".join(f"{x:.7f},{y:.7f}" for x, y, *_ in seq)


def _polygon(parent, poly: Polygon) -> None:
    poly = shapely.geometry.polygon.orient(poly, 1.0)  # outer counter-clockwise, holes clockwise
    el = _sub(parent, "Polygon")
    _sub(_sub(_sub(el, "outerBoundaryIs"), "LinearRing"), "coordinates", _coords(poly.exterior.coords))
    for ring in poly.interiors:
        _sub(_sub(_sub(el, "innerBoundaryIs"), "LinearRing"), "coordinates", _coords(ring.coords))


def _geometry(parent, geom) -> None:
    if isinstance(geom, Point):
        _sub(_sub(parent, "Point"), "coordinates", _coords([(geom.x, geom.y)]))
    elif isinstance(geom, Polygon):
        _polygon(parent, geom)
    elif isinstance(geom, MultiPolygon):
        multi = _sub(parent, "MultiGeometry")
        for part in geom.geoms:
            _polygon(multi, part)
    else:  # lines or collections do not occur in these layers; keep the shape anyway
        multi = _sub(parent, "MultiGeometry")
        for part in getattr(geom, "geoms", [geom]):
            _geometry(multi, part)


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return t("value.yes" if value else "value.no", "zh")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _description(pairs) -> str:
    """``label：value`` lines as HTML, every value escaped."""
    return "<br/>".join(f"{html.escape(k)}：{html.escape(_text(v))}" for k, v in pairs if _text(v) != "")


def _style(doc, sid: str) -> None:
    line, fill, icon = STYLES[sid]
    st = _sub(doc, "Style", id=sid)
    if icon:
        ic = _sub(st, "IconStyle")
        _sub(ic, "color", icon)
        _sub(ic, "scale", "1.0")
        _sub(_sub(st, "LabelStyle"), "scale", "0.8")
    if line:
        ls = _sub(st, "LineStyle")
        _sub(ls, "color", line)
        _sub(ls, "width", "2.5")
    if line or fill:
        ps = _sub(st, "PolyStyle")
        _sub(ps, "color", fill or "00ffffff")
        _sub(ps, "fill", "1" if fill else "0")
        _sub(ps, "outline", "1")


def _placemark(folder, name: str, style: str, desc: str, data: dict, geom) -> None:
    pm = _sub(folder, "Placemark")
    _sub(pm, "name", name)
    _sub(pm, "description", desc)
    _sub(pm, "styleUrl", f"#{style}")
    ext = _sub(pm, "ExtendedData")
    for k, v in data.items():
        _sub(_sub(ext, "Data", name=k), "value", _text(v))
    _geometry(pm, geom)


def _pond_rows(gdf):
    for r in gdf.itertuples(index=False):
        style = f"pond_{r.status}" if r.status else f"pond_{r.zone_class}"
        pairs = [
            ("镇", r.town),
            ("村", r.village),
            ("水面面积（亩）", r.area_mu),
            ("分区", r.分区),
            ("距湖岸（m）", r.shore_distance_m),
            ("退养状态", r.退养状态 or "未记录"),
            ("坐标（原表）", getattr(r, "seed_coord_text", r.coord_text)),
            ("坐标状态", r.坐标状态),
            ("坐标存疑", r.坐标存疑),
        ]
        if getattr(r, "outline_provenance", ""):  # each outline's own provenance, not its layer's newest
            pairs.append(("鱼塘轮廓来源", f"{r.轮廓来源类型}（{r.outline_source}）"))
        data = {
            "pond_id": r.pond_id,
            "town": r.town,
            "area_mu": r.area_mu,
            "zone_class": r.zone_class,
            "zone_label": r.分区,
            "status": r.status,
            "status_label": r.退养状态,
            "suspect": r.坐标存疑,
            "in_ban_zone": t("value.yes" if r.zone_class == "ban" else "value.no", "zh"),
            "coord_text": r.coord_text,
        }
        yield r.名称, style, _description(pairs), data, r.geometry


def _other_rows(name: str, gdf, lake_union):
    for i, r in enumerate(gdf.itertuples(index=False)):
        row = r._asdict()
        geom = row.pop("geometry")
        if name == "ban_zone" and lake_union is not None:
            geom = geom.difference(lake_union)  # a ring around the lake
        label = row.get("名称") or row.get("name") or row.get("section_id") or f"{name} {i + 1}"
        if name in ("sections", "placed_sections") and row.get("section_id"):
            label = f"{row['section_id']} {row.get('name') or ''}".strip()
        pairs = [
            ("来源", row.get("source")),
            ("日期", row.get("date")),
            ("暂定", row.get("暂定")),
            ("缓冲距离（m）", row.get("distance_m")),
            ("面积（km²）", row.get("area_km2")),
            ("说明", row.get("notes")),
        ]
        data = {_ASCII.get(k, k): v for k, v in row.items() if k not in ("provisional", "名称")}
        yield label, "sections" if name == "placed_sections" else name, _description(pairs), data, geom


def kml_document(layers: dict[str, gpd.GeoDataFrame]) -> bytes:
    """The layers as one KML document (UTF-8).

    Parameters
    ----------
    layers : dict of str to geopandas.GeoDataFrame
        As :func:`monitoring.export.geo_layers` returns them.

    Returns
    -------
    bytes
    """
    root = ET.Element("kml", xmlns=NS)
    doc = _sub(root, "Document")
    _sub(doc, "name", t("export.kml.document"))
    _sub(doc, "description", t("export.kml.note"))
    for sid in STYLES:
        _style(doc, sid)
    wgs = {name: gdf.to_crs(4326) for name, gdf in layers.items()}
    lake_union = wgs["lake"].geometry.union_all() if "lake" in wgs and len(wgs["lake"]) else None
    for name, gdf in wgs.items():
        folder = _sub(doc, "Folder")
        _sub(folder, "name", t(_FOLDERS.get(name, name)) if name in _FOLDERS else name)
        rows = _pond_rows(gdf) if name == "ponds" else _other_rows(name, gdf, lake_union)
        for label, style, desc, data, geom in rows:
            _placemark(folder, label, style, desc, data, geom)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")
