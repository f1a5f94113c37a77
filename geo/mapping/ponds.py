"""The pond layer: where each pond is drawn, its style, its tooltip and popup, and click lookup."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from i18n import describe_flag, t

from ..crs import GEOGRAPHIC, geometry_to_gcj02, to_metric
from .common import esc, geojson, shifted
from .palette import (
    HIGHLIGHT_COLOUR,
    POND_OUTLINE,
    SHARED_COLOUR,
    STATUS_COLOURS,
    SUSPECT_COLOUR,
    VERIFIED_COLOUR,
    ZONE_COLOURS,
)

__all__ = ["FAN_RADIUS_M", "add_ponds", "display_positions", "drawn_position", "pond_at", "pond_style", "pond_table"]

#: Ponds printed at one point are drawn on a ring of this radius around it.
FAN_RADIUS_M = 200.0

#: Tooltip and popup rows: the feature property and its label's catalogue key.
LABELS = {
    "title": "map.pond",
    "place": "field.location",
    "coord": "field.coord_text",
    "area": "field.area_mu",
    "uses": "field.uses",
    "stocked": "field.stocked_this_year",
    "zone": "field.zone_class",
    "shore": "field.shore_distance_m",
    "status": "field.status",
    "flags": "field.flags",
}
TOOLTIP_FIELDS = ["title", "place", "area", "zone", "status", "flags"]
POPUP_FIELDS = ["title", "place", "coord", "area", "uses", "stocked", "zone", "shore", "status", "flags"]


def display_positions(register: gpd.GeoDataFrame, radius_m: float = FAN_RADIUS_M) -> gpd.GeoDataFrame:
    """Where to draw each pond: its point, or fanned out when several share one point.

    Parameters
    ----------
    register : geopandas.GeoDataFrame
        Pond points with ``pond_id``.
    radius_m : float
        Radius of the ring the members of a shared point are drawn on.

    Returns
    -------
    geopandas.GeoDataFrame
        ``pond_id``, ``shared`` (bool), ``true_lon``, ``true_lat`` and the
        display point as geometry, in EPSG:4490.  Only the drawing moves; the
        register is untouched.

    Examples
    --------
    >>> from shapely import Point
    >>> reg = gpd.GeoDataFrame({"pond_id": [1, 2, 3]},
    ...     geometry=[Point(113.4, 29.6), Point(113.4, 29.6), Point(113.5, 29.6)], crs="EPSG:4490")
    >>> d = display_positions(reg)
    >>> d.shared.tolist(), bool(d.geometry.iloc[0].equals(d.geometry.iloc[1]))
    ([True, True, False], False)
    """
    reg = register.to_crs(GEOGRAPHIC).reset_index(drop=True)
    lon, lat = reg.geometry.x.to_numpy(), reg.geometry.y.to_numpy()
    key = pd.Series([f"{a:.7f},{b:.7f}" for a, b in zip(lon, lat, strict=True)])
    size = key.map(key.value_counts()).to_numpy()
    rank = key.groupby(key).cumcount().to_numpy()
    metric = to_metric(reg.geometry)
    angle = 2 * np.pi * rank / np.maximum(size, 1) + np.pi / 2
    shared = size > 1
    dx = np.where(shared, radius_m * np.cos(angle), 0.0)
    dy = np.where(shared, radius_m * np.sin(angle), 0.0)
    moved = gpd.GeoSeries(shapely.points(metric.x.to_numpy() + dx, metric.y.to_numpy() + dy), crs=metric.crs).to_crs(
        GEOGRAPHIC
    )
    return gpd.GeoDataFrame(
        {"pond_id": reg["pond_id"].to_numpy(), "shared": shared, "true_lon": lon, "true_lat": lat},
        geometry=moved.values,
        crs=GEOGRAPHIC,
    )


def zone_text(zone_class, basis, lang: str) -> str:
    """The zone's name; for a pond classified by its point only, said so (``仅为位置``)."""
    zone = t(f"zone.{zone_class}", lang)
    return zone if str(basis) == "outline" else t("zone.position_only", lang, zone=zone)


def admin_flags(ds, lang: str) -> dict:
    """Per pond, the sentence naming the stated county or town its point or outline lies outside."""
    if getattr(ds, "admin", None) is None:
        return {}
    from ..admin import admin_mismatches

    outlines = ds.outlines.gdf if ds.outlines is not None else None
    sep = "；" if lang == "zh" else "; "
    out: dict = {}
    for r in admin_mismatches(ds.register, ds.admin.gdf, outlines).itertuples():
        text = t(
            "map.admin_outside",
            lang,
            part=t(f"cli.part.{r.part}", lang),
            level=t(f"cli.level.{r.level}", lang),
            stated=r.stated,
            where=r.falls_in or t("cli.admin_none", lang),
        )
        out[r.pond_id] = sep.join(x for x in (out.get(r.pond_id), text) if x)
    return out


def pond_table(ds, lang: str = "zh", statuses: dict | None = None) -> pd.DataFrame:
    """One row per pond: register, classification and QA, for the map and the table.

    Parameters
    ----------
    ds : geo.dataset.Dataset
    lang : {'zh', 'en'}
    statuses : dict of int to str, optional
        Retirement status per pond (``not_started``, ``in_progress``, ``retired``).

    Returns
    -------
    pandas.DataFrame
        Raw (unescaped) values; ``qa_text`` holds the QA sentences joined by
        "；", ``suspect`` and ``noted`` are booleans.
    """
    reg = ds.register.drop(columns="geometry").set_index("pond_id")
    cls = ds.classification.set_index("pond_id")
    out = reg.join(cls.drop(columns=["town", "area_mu", "area_m2"]))
    sep = "；" if lang == "zh" else "; "
    out["qa_text"] = [sep.join(describe_flag(f, lang) for f in ds.qa[pid].flags) for pid in out.index]
    admin = admin_flags(ds, lang)
    out["qa_text"] = [
        sep.join(x for x in (q, admin.get(pid, "")) if x) for q, pid in zip(out.qa_text, out.index, strict=True)
    ]
    out["suspect"] = [ds.qa[pid].suspect for pid in out.index]
    out["noted"] = [bool(ds.qa[pid].flags) for pid in out.index]
    out["status"] = pd.Series([(statuses or {}).get(pid) for pid in out.index], index=out.index, dtype=object)
    return out.reset_index()


def pond_style(row) -> dict:
    """Leaflet style of one pond marker: status (or zone) fill; shared, suspect, verified outlines."""
    colour = STATUS_COLOURS.get(row["status"]) or ZONE_COLOURS[row["zone_class"]]
    style = {"radius": 8, "fillColor": colour, "color": POND_OUTLINE, "weight": 2, "fillOpacity": 0.9}
    if row["shared"]:
        style |= {"color": SHARED_COLOUR, "weight": 2}
    if row["suspect"] and not row["shared"]:
        style |= {"color": SUSPECT_COLOUR, "weight": 3, "dashArray": "4 3"}
    if row.get("verified"):
        style |= {"color": VERIFIED_COLOUR, "weight": 4}
    return style


def pond_styles(table: pd.DataFrame, pos: gpd.GeoDataFrame) -> dict[int, dict]:
    """Style per pond id (``table`` and ``pos`` indexed by pond id)."""
    cols = [
        table.index,
        table["status"],
        table["zone_class"].astype(str),
        table["suspect"],
        pos.loc[table.index, "shared"],
        table["coord_status"] == "verified",
    ]
    return {
        int(pid): pond_style(
            {"status": st, "zone_class": z, "suspect": bool(su), "shared": bool(sh), "verified": bool(ve)}
        )
        for pid, st, z, su, sh, ve in zip(*cols, strict=True)
    }


def pond_features(table: pd.DataFrame, pos: gpd.GeoDataFrame, lang: str, gcj: bool) -> dict:
    """Every pond with the escaped texts its tooltip and popup show."""
    yes, no = t("value.yes", lang), t("value.no", lang)
    unknown = t("value.unknown", lang)
    rows = []
    for pid, r in table.iterrows():
        rows.append(
            {
                "pond_id": int(pid),
                "title": esc(f"{pid} {r.farm_name}"),
                "place": esc(f"{r.town} {r.village} {r.location}"),
                "area": esc(t("format.area", lang, mu=r.area_mu, m2=r.area_m2)),
                "uses": esc(r.uses),
                "coord": esc(r.coord_text),
                "zone": esc(zone_text(r.zone_class, r.basis, lang)),
                "shore": esc(f"{r.shore_distance_m:,.0f} m"),
                "status": esc(t(f"status.{r.status}", lang) if r.status else unknown),
                "stocked": esc(unknown if r.stocked_this_year is None else (yes if r.stocked_this_year else no)),
                "flags": esc(r.qa_text or "—"),
                "geometry": pos.loc[pid].geometry,
            }
        )
    return geojson(gpd.GeoDataFrame(rows, geometry="geometry", crs=GEOGRAPHIC), gcj)


def pond_details(lang: str) -> dict:
    """Tooltip and popup of the full pond layer."""
    return {
        "tooltip": folium.GeoJsonTooltip(TOOLTIP_FIELDS, aliases=[esc(t(LABELS[k], lang)) for k in TOOLTIP_FIELDS]),
        "popup": folium.GeoJsonPopup(
            POPUP_FIELDS, aliases=[esc(t(LABELS[k], lang)) for k in POPUP_FIELDS], max_width=320
        ),
    }


def add_shared_points(group, pos: gpd.GeoDataFrame, lang: str, gcj: bool) -> None:
    """A dot at each point several ponds share, with a line to where each member is drawn."""
    shared = pos[pos.shared]
    for _, grp in shared.groupby(["true_lon", "true_lat"]):
        lon, lat = shifted(grp.true_lon.iloc[0], grp.true_lat.iloc[0], gcj)
        members = t("list.sep", lang).join(str(i) for i in grp.index)
        tip = esc(t("map.shared_point", lang, ponds=members))
        for p in grp.geometry:
            end = geometry_to_gcj02([p])[0] if gcj else p
            folium.PolyLine([[lat, lon], [end.y, end.x]], color=SHARED_COLOUR, weight=1, opacity=0.7).add_to(group)
        folium.CircleMarker([lat, lon], radius=3, color=SHARED_COLOUR, fill=True, fill_opacity=1, tooltip=tip).add_to(
            group
        )


def add_ponds(group, ds, lang: str, statuses: dict | None, gcj: bool, large: bool = False) -> None:
    """The pond layer: shared-point fans and one GeoJson layer of pond markers.

    ``large`` takes the slim path of :mod:`geo.mapping.large` (pond number only, canvas markers).
    """
    from . import large as slim

    table = pond_table(ds, lang, statuses).set_index("pond_id")
    pos = display_positions(ds.register).set_index("pond_id")
    styles = pond_styles(table, pos)
    add_shared_points(group, pos, lang, gcj)
    if large:
        features, detail, radius = slim.pond_features(table, pos, gcj), slim.pond_details(lang), slim.RADIUS
    else:
        features, detail, radius = pond_features(table, pos, lang, gcj), pond_details(lang), 8
    folium.GeoJson(
        features,
        name="ponds",
        marker=folium.CircleMarker(radius=radius, fill=True),
        style_function=lambda f: styles[f["properties"]["pond_id"]],
        highlight_function=lambda f: {"weight": 4, "color": HIGHLIGHT_COLOUR},
        **detail,
    ).add_to(group)


def drawn_position(ds, pond_id: int, basemap: str = "none") -> tuple[float, float]:
    """``(lat, lon)`` where a pond is drawn: fanned out if it shares a point, GCJ-02 on Gaode.

    Parameters
    ----------
    ds : geo.dataset.Dataset
    pond_id : int
    basemap : str

    Returns
    -------
    (float, float)
    """
    p = display_positions(ds.register).set_index("pond_id").loc[pond_id].geometry
    if basemap == "gaode":
        p = geometry_to_gcj02([p])[0]
    return float(p.y), float(p.x)


def pond_at(ds, lat: float, lng: float, basemap: str = "none", tolerance_m: float = 40.0) -> int | None:
    """Find the pond drawn at a clicked map position, if any.

    Parameters
    ----------
    ds : geo.dataset.Dataset
    lat, lng : float
        Map position (GCJ-02 when the Gaode basemap is shown).
    basemap : str
        The basemap the map was drawn with.
    tolerance_m : float
        How far from a pond's drawn position a click still selects it.

    Returns
    -------
    int or None
    """
    pos = display_positions(ds.register)
    geoms = pos.geometry.values
    if basemap == "gaode":
        geoms = geometry_to_gcj02(geoms)
    drawn = to_metric(gpd.GeoSeries(geoms, crs=GEOGRAPHIC))
    click = to_metric(gpd.GeoSeries([shapely.Point(lng, lat)], crs=GEOGRAPHIC)).iloc[0]
    d = drawn.distance(click).to_numpy()
    i = int(np.argmin(d))
    return int(pos.pond_id.iloc[i]) if d[i] <= tolerance_m else None
