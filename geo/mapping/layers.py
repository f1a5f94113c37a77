"""Basemaps and area layers: lake, ban zone, no-fishing zones and sections, open cases, selection ring."""

from __future__ import annotations

import folium

from i18n import t

from ..crs import GEOGRAPHIC
from ..provenance import describe_provenance, section_problem_text, source_label
from .common import esc, geojson, shifted
from .palette import AREA_STYLES, CASE_STYLE, HIGHLIGHT_COLOUR, PLACED_STYLE, SECTION_STYLE, SECTION_WARN_STYLE

__all__ = [
    "BASEMAPS",
    "add_ban_zone",
    "add_basemap",
    "add_cases",
    "add_lake",
    "add_nofish",
    "add_placed",
    "placed_provenance",
    "selection_layer",
]

#: Basemap choices; "none" draws vector layers on a plain background.
BASEMAPS = ("none", "tianditu_vec", "tianditu_img", "gaode", "osm")


def add_basemap(m: folium.Map, basemap: str, lang: str, tianditu_key: str | None) -> None:
    """Add the chosen basemap's tile layers (none for ``"none"``).

    Raises
    ------
    ValueError
        For an unknown basemap, or Tianditu without a key.
    """
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


def labeller(lang: str):
    """A layer label that says "provisional" on the map itself, unless the name already does."""
    prov = t("value.provisional_short", lang)

    def label(text: str, provisional: bool) -> str:
        return esc(text + (f"（{prov}）" if provisional and prov not in text else ""))

    return label


def add_lake(group, ds, lang: str, gcj: bool) -> None:
    """The lake outline with its name written inside it; the tooltip says its provenance."""
    label = labeller(lang)
    lake = ds.lake.gdf.assign(
        label=[label(n, p) for n, p in zip(ds.lake.gdf.name, ds.lake.gdf.provisional, strict=True)],
        prov=[esc(p) for p in describe_provenance(ds.lake.gdf, lang)],
        src=[esc(source_label(s, lang)) for s in ds.lake.gdf.source],
        note=[esc(n) for n in ds.lake.gdf.notes],
    )[["label", "prov", "src", "note", "geometry"]]
    keys = ("map.name", "prov.map.provenance", "map.source", "map.notes")
    folium.GeoJson(
        geojson(lake, gcj),
        name="lake",
        style_function=lambda f: dict(AREA_STYLES["lake"]),
        tooltip=folium.GeoJsonTooltip(["label", "prov", "src", "note"], aliases=[esc(t(k, lang)) for k in keys]),
    ).add_to(group)
    for text, point in zip(lake.label, lake.to_crs(GEOGRAPHIC).geometry.representative_point(), strict=True):
        lon, lat = shifted(point.x, point.y, gcj)
        folium.Marker(
            [lat, lon], icon=folium.DivIcon(html=f'<div class="yehu-label">{text}</div>', icon_size=(10, 10))
        ).add_to(group)


def add_ban_zone(group, ds, lang: str, gcj: bool) -> None:
    """The 1 km ban zone around the lake."""
    ban = ds.ban_zone.assign(label=labeller(lang)(t("map.layer.ban", lang), ds.lake.provisional))
    folium.GeoJson(
        geojson(ban[["label", "geometry"]], gcj),
        name="ban",
        style_function=lambda f: dict(AREA_STYLES["ban"]),
        tooltip=folium.GeoJsonTooltip(["label"], labels=False),
    ).add_to(group)


def add_nofish(group, ds, lang: str, gcj: bool) -> None:
    """The sections' no-fishing zones and the section points."""
    label = labeller(lang)
    zones = ds.nofish_zones.assign(
        label=[
            label(f"{t('map.layer.nofish', lang)} {sid}", p)
            for sid, p in zip(ds.nofish_zones.section_id, ds.nofish_zones.provisional, strict=True)
        ]
    )
    folium.GeoJson(
        geojson(zones[["label", "geometry"]], gcj),
        name="nofish",
        style_function=lambda f: dict(AREA_STYLES["nofish"]),
        tooltip=folium.GeoJsonTooltip(["label"], labels=False),
    ).add_to(group)
    gdf = ds.sections.gdf
    problems = {c.section_id: c for c in ds.section_problems}
    sec = gdf.assign(
        label=[label(f"{sid} {n}", p) for sid, n, p in zip(gdf.section_id, gdf.name, gdf.provisional, strict=True)],
        prov=[esc(p) for p in describe_provenance(gdf, lang)],
        src=[esc(source_label(s, lang)) for s in gdf.source],
        check=[esc(section_problem_text(problems[s], lang)) if s in problems else "" for s in gdf.section_id],
        warn=[s in problems for s in gdf.section_id],
    )[["label", "prov", "src", "check", "warn", "geometry"]]
    fields = ["label", "prov", "src"] + (["check"] if problems else [])
    keys = ("map.name", "prov.map.provenance", "map.source", "prov.map.check")
    folium.GeoJson(
        geojson(sec, gcj),
        name="sections",
        marker=folium.CircleMarker(radius=6, fill=True),
        style_function=lambda f: dict(SECTION_WARN_STYLE if f["properties"]["warn"] else SECTION_STYLE),
        tooltip=folium.GeoJsonTooltip(fields, aliases=[esc(t(k, lang)) for k in keys[: len(fields)]]),
    ).add_to(group)


def placed_provenance(row, lang: str) -> str:
    """A placed section's provenance in one line: who, when, version, datum and the numbers as typed.

    Examples
    --------
    >>> row = {"placed_by": "li", "placed_at": "2026-11-30T10:00:00", "version": 2, "datum": "gcj02",
    ...        "entered": "lon=113.5; lat=29.5"}
    >>> placed_provenance(row, "en")
    'Placed by li, 2026-11-30 10:00 UTC (version 2); entered as GCJ-02 (converted): lon=113.5; lat=29.5'
    """
    return t(
        "map.placed.provenance",
        lang,
        by=row["placed_by"],
        at=str(row["placed_at"]).replace("T", " ")[:16],
        version=int(row["version"]),
        datum=t(f"map.placed.datum.{row['datum']}", lang),
        entered=row["entered"],
    )


def add_placed(group, ds, lang: str, gcj: bool) -> None:
    """Sections placed by an administrator (typed positions), with their body and provenance."""
    from ..waterbodies import current_waterbodies

    wb = current_waterbodies()
    gdf = ds.placed
    label = labeller(lang)
    names = {b.code: b.label(lang) for b in wb}
    sec = gdf.assign(
        label=[label(f"{sid} {n}", True) for sid, n in zip(gdf.section_id, gdf.name, strict=True)],
        body=[esc(names.get(b, b)) for b in gdf.water_body],
        prov=[esc(placed_provenance(r, lang)) for r in gdf.to_dict("records")],
        src=[esc(source_label(s, lang)) for s in gdf.source],
    )[["label", "body", "prov", "src", "geometry"]]
    keys = ("map.name", "body.selector", "prov.map.provenance", "map.source")
    folium.GeoJson(
        geojson(sec, gcj),
        name="placed_sections",
        marker=folium.CircleMarker(radius=6, fill=True),
        style_function=lambda f: dict(PLACED_STYLE),
        tooltip=folium.GeoJsonTooltip(["label", "body", "prov", "src"], aliases=[esc(t(k, lang)) for k in keys]),
    ).add_to(group)


def add_cases(group, open_cases: dict, lang: str, gcj: bool) -> None:
    """A ring at each site with open source-tracing cases: ``{site_code: (lon, lat, count)}``."""
    for code, (lon, lat, count) in sorted(open_cases.items()):
        lon, lat = shifted(lon, lat, gcj)
        folium.CircleMarker([lat, lon], **CASE_STYLE, tooltip=esc(t("map.case_tip", lang, site=code, n=count))).add_to(
            group
        )


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
    from .ponds import drawn_position

    lat, lon = drawn_position(ds, pond_id, basemap)
    group = folium.FeatureGroup(name=esc(t("map.selected", lang)))
    folium.CircleMarker(
        [lat, lon], radius=16, color=HIGHLIGHT_COLOUR, weight=4, fill=False, tooltip=esc(t("map.selected", lang))
    ).add_to(group)
    return group
