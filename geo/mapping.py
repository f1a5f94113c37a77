"""Build the pond map as a ``folium.Map`` (no Streamlit here).

Offline by construction: the map loads only Leaflet, from ``asset_prefix``
(the app serves ``static/vendor/leaflet`` at ``/app/static/vendor/leaflet``),
and uses only Leaflet-core features — GeoJson layers, circle markers,
tooltips, GeoJsonPopup, the layer control and the scale bar.  Basemap tiles
are optional; the default is none.

Every user-supplied string is HTML-escaped before it reaches a tooltip, a
popup or the legend: folium's GeoJsonTooltip/GeoJsonPopup insert property
values with ``innerHTML``.
"""

from __future__ import annotations

import html
import json
import math

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from i18n import describe_flag, t

from .crs import GEOGRAPHIC, geometry_to_gcj02, to_metric

__all__ = [
    "ASSET_PREFIX",
    "BASEMAPS",
    "STATUS_COLOURS",
    "ZONE_COLOURS",
    "all_ponds_bounds",
    "build_map",
    "display_positions",
    "pond_at",
    "pond_table",
    "selection_layer",
    "view_for",
]

#: Where the app serves Leaflet (Streamlit static serving of ./static).
ASSET_PREFIX = "/app/static/vendor/leaflet"
#: Basemap choices; "none" draws vector layers on a plain background.
BASEMAPS = ("none", "tianditu_vec", "tianditu_img", "gaode", "osm")
ZONE_COLOURS = {"nofish": "#7b2cbf", "lake": "#1d4ed8", "ban": "#ea580c", "outside": "#15803d"}
#: Retirement status colours, used when statuses are known (see monitoring).
STATUS_COLOURS = {
    "not_started": "#dc2626",
    "in_progress": "#f59e0b",
    "retired": "#6b7280",
}
SUSPECT_COLOUR = "#b91c1c"
SHARED_COLOUR = "#111827"
VERIFIED_COLOUR = "#15803d"
CASE_COLOUR = "#dc2626"
# Ponds printed at one point are drawn on a ring of this radius around it.
FAN_RADIUS_M = 200.0
CANVAS_FROM = 2000


def _esc(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


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
    out["suspect"] = [ds.qa[pid].suspect for pid in out.index]
    out["noted"] = [bool(ds.qa[pid].flags) for pid in out.index]
    out["status"] = pd.Series([(statuses or {}).get(pid) for pid in out.index], index=out.index, dtype=object)
    return out.reset_index()


def _geojson(gdf: gpd.GeoDataFrame, gcj: bool, precision: int = 6) -> dict:
    g = gdf.to_crs(GEOGRAPHIC)
    geoms = g.geometry.values
    if gcj:
        geoms = geometry_to_gcj02(geoms)
    geoms = shapely.set_precision(np.asarray(geoms), 10**-precision)
    props = g.drop(columns="geometry").to_dict("records")
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": p, "geometry": json.loads(shapely.to_geojson(geom))}
            for p, geom in zip(props, geoms, strict=True)
        ],
    }


class _MetricScale(MacroElement):
    """Leaflet's scale bar in metres only."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


class _Control(MacroElement):
    """A Leaflet control holding fixed HTML (legend, provisional banner)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create('div', {{ this.css_class|tojson }});
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, position: str, css_class: str):
        super().__init__()
        self._name = "Control"
        self.html = html_text
        self.position = position
        self.css_class = css_class


_CSS = """
<style>
.yehu-legend, .yehu-banner { background: rgba(255,255,255,0.92); padding: 4px 8px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,.3); font: 12px/1.45 "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
.yehu-banner { background: #fff7ed; border: 1px solid #ea580c; color: #7c2d12; max-width: 260px; }
.leaflet-popup-content { margin: 8px 10px; font-size: 12px; }
.leaflet-popup-content th { text-align: left; padding-right: 6px; white-space: nowrap; vertical-align: top; }
.leaflet-tooltip table { font-size: 12px; }
.yehu-legend i { display: inline-block; width: 12px; height: 12px; margin-right: 6px; vertical-align: -1px;
  border-radius: 50%; }
.yehu-legend i.area { border-radius: 0; opacity: .6; }
.yehu-legend summary { cursor: pointer; }
.leaflet-container { background: #f3f4f6; }
.yehu-label { background: none; border: none; box-shadow: none; color: #1e3a8a; font-weight: 600;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; white-space: nowrap; }
</style>
"""


def _legend(lang: str, statuses: bool, provisional: bool, cases: bool = False) -> str:
    def item(colour, label, css="", border=None, line="dashed"):
        style = f"background:{colour};" + (f"border:2px {line} {border};" if border else "")
        return f'<div><i class="{css}" style="{style}"></i>{_esc(label)}</div>'

    rows = []
    if statuses:
        rows += [item(c, t(f"status.{s}", lang)) for s, c in STATUS_COLOURS.items()]
    rows += [item(c, t(f"zone.{z}", lang)) for z, c in ZONE_COLOURS.items()]
    rows += [
        item("#fff", t("map.legend.suspect", lang), border=SUSPECT_COLOUR),
        item(SHARED_COLOUR, t("map.legend.shared", lang)),
        item("#fff", t("map.legend.verified", lang), border=VERIFIED_COLOUR, line="solid"),
        *([item("#fff", t("map.layer.cases", lang), border=CASE_COLOUR)] if cases else []),
        item("#60a5fa", t("map.layer.lake", lang), "area"),
        item("#fdba74", t("map.layer.ban", lang), "area"),
        item("#c084fc", t("map.layer.nofish", lang), "area"),
    ]
    if provisional:
        rows.append(f"<div><small>{_esc(t('map.legend.provisional', lang))}</small></div>")
    # Collapsible, so it never has to hide a pond.
    return f"<details open><summary><b>{_esc(t('map.legend', lang))}</b></summary>{''.join(rows)}</details>"


def _basemap(m: folium.Map, basemap: str, lang: str, tianditu_key: str | None) -> None:
    if basemap == "none":
        return
    if basemap.startswith("tianditu"):
        if not tianditu_key:
            raise ValueError("the Tianditu basemap needs a key (TIANDITU_KEY)")
        layer, labels = ("vec", "cva") if basemap == "tianditu_vec" else ("img", "cia")
        for name in (layer, labels):
            folium.TileLayer(
                tiles=(
                    f"https://t{{s}}.tianditu.gov.cn/{name}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                    f"&LAYER={name}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}"
                    f"&TILECOL={{x}}&tk={tianditu_key}"
                ),
                attr="天地图 Tianditu",
                name=t(f"basemap.{basemap}", lang) + ("" if name == layer else " (labels)"),
                subdomains="01234567",
                max_zoom=18,
                overlay=name != layer,
            ).add_to(m)
    elif basemap == "gaode":
        folium.TileLayer(
            tiles="https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
            attr="高德地图 AMap (GCJ-02)",
            name=t("basemap.gaode", lang),
            subdomains="1234",
            max_zoom=18,
        ).add_to(m)
    elif basemap == "osm":
        folium.TileLayer(
            tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            attr="&copy; OpenStreetMap contributors",
            name="OpenStreetMap",
            max_zoom=19,
        ).add_to(m)
    else:
        raise ValueError(f"basemap must be one of {BASEMAPS}, got {basemap!r}")


def _pond_style(row) -> dict:
    colour = STATUS_COLOURS.get(row["status"]) or ZONE_COLOURS[row["zone_class"]]
    style = {"radius": 8, "fillColor": colour, "color": "#ffffff", "weight": 2, "fillOpacity": 0.9}
    if row["shared"]:
        style |= {"color": SHARED_COLOUR, "weight": 2}
    if row["suspect"] and not row["shared"]:
        style |= {"color": SUSPECT_COLOUR, "weight": 3, "dashArray": "4 3"}
    if row.get("verified"):
        style |= {"color": VERIFIED_COLOUR, "weight": 4}
    return style


def _pond_features(ds, lang, statuses, gcj, slim=False) -> tuple[dict, gpd.GeoDataFrame, dict]:
    table = pond_table(ds, lang, statuses).set_index("pond_id")
    pos = display_positions(ds.register).set_index("pond_id")
    cols = [
        table.index,
        table["status"],
        table["zone_class"].astype(str),
        table["suspect"],
        pos.loc[table.index, "shared"],
        table["coord_status"] == "verified",
    ]
    styles = {
        int(pid): _pond_style(
            {"status": st, "zone_class": z, "suspect": bool(su), "shared": bool(sh), "verified": bool(ve)}
        )
        for pid, st, z, su, sh, ve in zip(*cols, strict=True)
    }
    if slim:
        # Large maps: the pond number only, 1 m precision; the details panel shows the rest.
        gdf = gpd.GeoDataFrame(
            {"pond_id": table.index.to_numpy()},
            geometry=pos.loc[table.index].geometry.values,
            crs=GEOGRAPHIC,
        )
        return _geojson(gdf, gcj, precision=5), pos, styles
    yes, no = t("value.yes", lang), t("value.no", lang)
    unknown = t("value.unknown", lang)
    rows = []
    for pid, r in table.iterrows():
        p = pos.loc[pid]
        rows.append(
            {
                "pond_id": int(pid),
                "title": _esc(f"{pid} {r.farm_name}"),
                "place": _esc(f"{r.town} {r.village} {r.location}"),
                "area": _esc(t("fmt.area", lang, mu=r.area_mu, m2=r.area_m2)),
                "uses": _esc(r.uses),
                "coord": _esc(r.coord_text),
                "zone": _esc(t(f"zone.{r.zone_class}", lang)),
                "shore": _esc(f"{r.shore_distance_m:,.0f} m"),
                "status": _esc(t(f"status.{r.status}", lang) if r.status else unknown),
                "stocked": _esc(unknown if r.stocked_this_year is None else (yes if r.stocked_this_year else no)),
                "flags": _esc(r.qa_text or "—"),
                "geometry": p.geometry,
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=GEOGRAPHIC)
    styles = {
        int(pid): _pond_style(
            {
                "status": r.status,
                "zone_class": r.zone_class,
                "suspect": r.suspect,
                "shared": bool(pos.loc[pid, "shared"]),
                "verified": r.coord_status == "verified",
            }
        )
        for pid, r in table.iterrows()
    }
    return _geojson(gdf, gcj), pos, styles


def _near_bounds(ds) -> list[list[float]]:
    far = {p for p, r in ds.qa.items() if any(f.code == "far" for f in r.flags)}
    near = ds.register[~ds.register.pond_id.isin(far)]
    parts = [ds.ban_zone.geometry.values, ds.nofish_zones.geometry.values, near.to_crs(GEOGRAPHIC).geometry.values]
    minx, miny, maxx, maxy = shapely.total_bounds(np.concatenate(parts))
    return [[miny, minx], [maxy, maxx]]


def build_map(
    ds,
    lang: str = "zh",
    basemap: str = "none",
    statuses: dict | None = None,
    tianditu_key: str | None = None,
    asset_prefix: str = ASSET_PREFIX,
    open_cases: dict | None = None,
) -> folium.Map:
    """Build the pond map.

    Parameters
    ----------
    ds : geo.dataset.Dataset
        Register, boundaries, zones, QA and classification.
    lang : {'zh', 'en'}
        Language of every label.
    basemap : str
        One of :data:`BASEMAPS`.  ``gaode`` shifts every layer to GCJ-02 so the
        ponds sit where they are on its tiles.
    statuses : dict of int to str, optional
        Retirement status per pond; when given, ponds are coloured by status.
    tianditu_key : str, optional
        Needed for the Tianditu basemaps.
    asset_prefix : str
        URL folder holding ``leaflet.js`` and ``leaflet.css``.
    open_cases : dict, optional
        Open source-tracing cases per site: ``{site_code: (lon, lat, count)}``;
        drawn as red rings in their own layer.

    Returns
    -------
    folium.Map
        Layers: lake (labelled provisional when it is), 1 km ban zone,
        no-fishing zones and section points, ponds; legend, layer control and
        scale bar.  The view frames the lake and the ponds near it.

    Raises
    ------
    ValueError
        For an unknown basemap, or Tianditu without a key.
    """
    if basemap not in BASEMAPS:
        raise ValueError(f"basemap must be one of {BASEMAPS}, got {basemap!r}")
    gcj = basemap == "gaode"
    many = len(ds.register) >= CANVAS_FROM
    m = folium.Map(tiles=None, control_scale=False, prefer_canvas=many, zoom_start=13)
    m.add_child(_MetricScale())
    m.default_js = [("leaflet", f"{asset_prefix}/leaflet.js")]
    m.default_css = [("leaflet_css", f"{asset_prefix}/leaflet.css")]
    m.get_root().header.add_child(folium.Element(_CSS), name="yehu_css")
    _basemap(m, basemap, lang, tianditu_key)
    prov = t("value.provisional_short", lang)

    def label(text: str, provisional: bool) -> str:
        # Say "provisional" on the map itself, unless the name already does.
        return _esc(text + (f"（{prov}）" if provisional and prov not in text else ""))

    def fg(key, show=True):
        return folium.FeatureGroup(name=_esc(t(key, lang)), show=show).add_to(m)

    # Lake outline.
    lake = ds.lake.gdf.assign(
        label=[label(n, p) for n, p in zip(ds.lake.gdf.name, ds.lake.gdf.provisional, strict=True)],
        src=[_esc(s) for s in ds.lake.gdf.source],
        note=[_esc(n) for n in ds.lake.gdf.notes],
    )[["label", "src", "note", "geometry"]]
    g_lake = fg("map.layer.lake")
    folium.GeoJson(
        _geojson(lake, gcj),
        name="lake",
        style_function=lambda f: {"color": "#1d4ed8", "weight": 2, "fillColor": "#60a5fa", "fillOpacity": 0.35},
        tooltip=folium.GeoJsonTooltip(
            ["label", "src", "note"], aliases=[_esc(t(k, lang)) for k in ("map.name", "map.source", "map.notes")]
        ),
    ).add_to(g_lake)
    for text, point in zip(lake.label, lake.to_crs(GEOGRAPHIC).geometry.representative_point(), strict=True):
        lon, lat = (point.x, point.y) if not gcj else geometry_to_gcj02([point])[0].coords[0]
        folium.Marker(
            [lat, lon], icon=folium.DivIcon(html=f'<div class="yehu-label">{text}</div>', icon_size=(10, 10))
        ).add_to(g_lake)

    # 1 km ban zone.
    g_ban = fg("map.layer.ban")
    ban = ds.ban_zone.assign(label=label(t("map.layer.ban", lang), ds.lake.provisional))
    folium.GeoJson(
        _geojson(ban[["label", "geometry"]], gcj),
        name="ban",
        style_function=lambda f: {
            "color": "#ea580c",
            "weight": 2,
            "dashArray": "6 4",
            "fillColor": "#fdba74",
            "fillOpacity": 0.15,
        },
        tooltip=folium.GeoJsonTooltip(["label"], labels=False),
    ).add_to(g_ban)

    # Sections and their no-fishing zones.
    g_sec = fg("map.layer.nofish")
    zones = ds.nofish_zones.assign(
        label=[
            label(f"{t('map.layer.nofish', lang)} {sid}", p)
            for sid, p in zip(ds.nofish_zones.section_id, ds.nofish_zones.provisional, strict=True)
        ]
    )
    folium.GeoJson(
        _geojson(zones[["label", "geometry"]], gcj),
        name="nofish",
        style_function=lambda f: {"color": "#7b2cbf", "weight": 2, "fillColor": "#c084fc", "fillOpacity": 0.3},
        tooltip=folium.GeoJsonTooltip(["label"], labels=False),
    ).add_to(g_sec)
    sec = ds.sections.gdf.assign(
        label=[
            label(f"{sid} {n}", p)
            for sid, n, p in zip(
                ds.sections.gdf.section_id, ds.sections.gdf.name, ds.sections.gdf.provisional, strict=True
            )
        ],
        src=[_esc(s) for s in ds.sections.gdf.source],
    )[["label", "src", "geometry"]]
    folium.GeoJson(
        _geojson(sec, gcj),
        name="sections",
        marker=folium.CircleMarker(radius=6, fill=True),
        style_function=lambda f: {"color": "#ffffff", "weight": 2, "fillColor": "#7b2cbf", "fillOpacity": 1},
        tooltip=folium.GeoJsonTooltip(["label", "src"], aliases=[_esc(t(k, lang)) for k in ("map.name", "map.source")]),
    ).add_to(g_sec)

    # Ponds: one GeoJson layer.
    g_ponds = fg("map.layer.ponds")
    features, pos, styles = _pond_features(ds, lang, statuses, gcj, slim=many)
    shared = pos[pos.shared]
    for _, grp in shared.groupby(["true_lon", "true_lat"]):
        lon, lat = grp.true_lon.iloc[0], grp.true_lat.iloc[0]
        if gcj:
            lon, lat = geometry_to_gcj02([shapely.Point(lon, lat)])[0].coords[0]
        members = "、".join(str(i) for i in grp.index)
        tip = _esc(t("map.shared_point", lang, ponds=members))
        for p in grp.geometry:
            end = geometry_to_gcj02([p])[0] if gcj else p
            folium.PolyLine([[lat, lon], [end.y, end.x]], color=SHARED_COLOUR, weight=1, opacity=0.7).add_to(g_ponds)
        folium.CircleMarker([lat, lon], radius=3, color=SHARED_COLOUR, fill=True, fill_opacity=1, tooltip=tip).add_to(
            g_ponds
        )
    fields = ["title", "place", "area", "zone", "status", "flags"]
    popup_fields = ["title", "place", "coord", "area", "uses", "stocked", "zone", "shore", "status", "flags"]
    labels = {
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
    detail = {
        "tooltip": folium.GeoJsonTooltip(fields, aliases=[_esc(t(labels[k], lang)) for k in fields]),
        "popup": folium.GeoJsonPopup(
            popup_fields, aliases=[_esc(t(labels[k], lang)) for k in popup_fields], max_width=320
        ),
    }
    if many:
        detail = {"tooltip": folium.GeoJsonTooltip(["pond_id"], aliases=[_esc(t("field.pond_id", lang))])}
    folium.GeoJson(
        features,
        name="ponds",
        marker=folium.CircleMarker(radius=5 if many else 8, fill=True),
        style_function=lambda f: styles[f["properties"]["pond_id"]],
        highlight_function=lambda f: {"weight": 4, "color": "#facc15"},
        **detail,
    ).add_to(g_ponds)

    if open_cases:
        g_cases = fg("map.layer.cases")
        for code, (lon, lat, count) in sorted(open_cases.items()):
            if gcj:
                lon, lat = geometry_to_gcj02([shapely.Point(lon, lat)])[0].coords[0]
            folium.CircleMarker(
                [lat, lon],
                radius=14,
                color=CASE_COLOUR,
                weight=3,
                fill=False,
                dash_array="2 4",
                tooltip=_esc(t("map.case_tip", lang, site=code, n=count)),
            ).add_to(g_cases)

    folium.LayerControl(collapsed=False).add_to(m)
    # Bottom left: the west of the default view is nearly empty, the ponds lie east and centre.
    m.add_child(_Control(_legend(lang, bool(statuses), ds.provisional, bool(open_cases)), "bottomleft", "yehu-legend"))
    if ds.provisional:
        m.add_child(_Control(_esc(t("map.banner.short", lang)), "topleft", "yehu-banner"))
    bounds = _near_bounds(ds)
    if gcj:
        (sw, ne) = geometry_to_gcj02(
            [shapely.Point(bounds[0][1], bounds[0][0]), shapely.Point(bounds[1][1], bounds[1][0])]
        )
        bounds = [[sw.y, sw.x], [ne.y, ne.x]]
    m.fit_bounds(bounds)
    return m


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


def view_for(bounds, width_px: int = 600, height_px: int = 600) -> tuple[tuple[float, float], int]:
    """Centre and Web Mercator zoom that fit ``[[south, west], [north, east]]`` in a viewport.

    Parameters
    ----------
    bounds : sequence
        ``[[south, west], [north, east]]`` in degrees.
    width_px, height_px : int
        Viewport size.

    Returns
    -------
    ((float, float), int)
        ``(lat, lon)`` and a zoom level from 1 to 18.

    Examples
    --------
    >>> view_for([[29.2, 113.2], [29.7, 113.5]])
    ((29.45, 113.35), 10)
    """
    (s, w), (n, e) = bounds

    def merc_y(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_frac = max(e - w, 1e-9) / 360
    lat_frac = max(merc_y(n) - merc_y(s), 1e-9) / (2 * math.pi)
    zoom = min(math.log2(width_px / 256 / lon_frac), math.log2(height_px / 256 / lat_frac))
    return ((s + n) / 2, (w + e) / 2), max(1, min(18, int(math.floor(zoom))))


def all_ponds_bounds(ds) -> list[list[float]]:
    """Bounds ``[[south, west], [north, east]]`` of every pond as printed, far ones included.

    Parameters
    ----------
    ds : geo.dataset.Dataset

    Returns
    -------
    list of list of float
    """
    minx, miny, maxx, maxy = ds.register.to_crs(GEOGRAPHIC).total_bounds
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def selection_layer(ds, pond_id: int, lang: str = "zh", basemap: str = "none") -> folium.FeatureGroup:
    """Draw a ring around the selected pond, to add to the map without rebuilding it.

    Parameters
    ----------
    ds : geo.dataset.Dataset
    pond_id : int
    lang : {'zh', 'en'}
    basemap : str
        ``gaode`` shifts the ring to GCJ-02 like the rest of the map.

    Returns
    -------
    folium.FeatureGroup
    """
    pos = display_positions(ds.register).set_index("pond_id")
    p = pos.loc[pond_id].geometry
    if basemap == "gaode":
        p = geometry_to_gcj02([p])[0]
    group = folium.FeatureGroup(name=_esc(t("map.selected", lang)))
    folium.CircleMarker(
        [p.y, p.x], radius=16, color="#facc15", weight=4, fill=False, tooltip=_esc(t("map.selected", lang))
    ).add_to(group)
    return group
