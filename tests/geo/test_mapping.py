import json
import re

import branca
import folium
import pytest
from pyproj import Geod

from geo.dataset import load_dataset
from geo.mapping import (
    CASE_COLOUR,
    STATUS_COLOURS,
    SUSPECT_COLOUR,
    build_map,
    display_positions,
    pond_at,
    pond_table,
)
from tests.conftest import ROOT

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def links(m):
    """The JS/CSS links streamlit-folium would load for this map (its own walk)."""

    def walk(el):
        if isinstance(el, branca.colormap.ColorMap):
            yield "https://d3js.org/d3.v4.min.js"
        if isinstance(el, folium.elements.JSCSSMixin):
            yield from (u for _, u in el.default_js)
            yield from (u for _, u in el.default_css)
        for child in getattr(el, "_children", {}).values():
            yield from walk(child)

    return list(walk(m))


def geojson_layers(html):
    return [json.loads(s) for s in re.findall(r"geo_json_\w+_add\((\{.*?\})\);", html, re.S)]


def pond_styles(html):
    """{pond_id: style} from folium's deduplicated styler switch."""
    body = html.split("switch(feature.properties.pond_id) {", 1)[1].split("}\n        }", 1)[0]
    out, pending = {}, []
    for line in body.splitlines():
        line = line.strip()
        if line.startswith("case"):
            pending = [int(n) for n in re.findall(r"case (\d+):", line)]
        elif line.startswith("default"):
            pending = ["default"]
        elif line.startswith("return"):
            style = json.loads(line[len("return ") : -1])
            out.update({p: style for p in pending})
    return out


def pond_layer(html):
    return next(g for g in geojson_layers(html) if g["features"] and "pond_id" in g["features"][0]["properties"])


def has(html, text):
    """Text appears in the page, either raw or as a JSON-escaped string in the script."""
    escaped = json.dumps(text)[1:-1]
    return text in html or escaped in html or escaped.replace("<", "\\u003c").replace(">", "\\u003e") in html


LOCAL_ASSETS = [
    "/app/static/vendor/leaflet/leaflet.js",
    "/app/static/vendor/leaflet/leaflet.css",
    "/app/static/vendor/html-to-image/html-to-image.js",
    "/app/static/tools/yehu-tools.js",
    "/app/static/tools/yehu-tools.css",
]


def test_only_local_assets(ds):
    for basemap in ("none", "gaode", "osm"):
        m = build_map(ds, basemap=basemap)
        got = links(m)
        assert got and not any(u.startswith(("http://", "https://", "//")) for u in got), got
        assert set(got) == set(LOCAL_ASSETS)
        assert all((ROOT / u.removeprefix("/app/")).is_file() for u in got)  # served from static/
    html = build_map(ds).get_root().render()
    assert not re.search(r"https?://", html), "default map must not reference any outside host"


def test_layers_legend_scale_and_provisional_label(ds):
    html = build_map(ds).get_root().render()
    for name in ("冶湖轮廓", "1公里禁投区", "省控断面及禁捕区", "精养鱼池"):
        assert json.dumps(name) in html  # layer control entries (JSON-escaped)
    assert "L.control.layers" in html and "L.control.scale({metric: true, imperial: false})" in html
    assert "yehu-legend" in html and has(html, "图例")
    assert "yehu-banner" in html and has(html, "暂定示意：湖泊轮廓与断面位置未经核实")
    assert has(html, '<div class="yehu-label">冶湖（暂定示意轮廓）</div>')  # the lake's label on the map
    assert has(html, "1公里禁投区（暂定）") and has(html, "省控断面及禁捕区 S1（暂定）")
    ponds = pond_layer(html)
    assert sorted(f["properties"]["pond_id"] for f in ponds["features"]) == list(range(1, 18))
    assert len(geojson_layers(html)) == 5  # lake, ban zone, no-fishing zones, sections, ponds


def test_styles_for_zone_suspect_and_shared(ds):
    styles = pond_styles(build_map(ds).get_root().render())
    style = lambda p: styles.get(p, styles["default"])  # noqa: E731
    assert style(9)["dashArray"] == "4 3" and style(9)["color"] == "#b91c1c"
    assert "dashArray" not in style(1)
    assert style(1)["fillColor"] == "#ea580c"  # in the 1 km ban zone
    assert style(6)["fillColor"] == "#15803d"  # outside it
    assert style(15)["color"] == "#111827"
    by_status = pond_styles(build_map(ds, statuses={1: "retired"}).get_root().render())
    assert by_status.get(1, by_status["default"])["fillColor"] == STATUS_COLOURS["retired"]


def test_legend_distinguishes_statuses_suspect_coordinates_and_cases(ds):
    html = build_map(ds, statuses={1: "overdue", 2: "retired"}, open_cases={"9": (113.4143, 29.3699, 2)})
    html = html.get_root().render()
    legend = json.loads(re.search(r'div.innerHTML = ("\\u003cdetails.*?");', html).group(1))
    for label in ("逾期", "未退养", "退养中", "已退养销号"):
        assert label in legend
    assert "断面禁捕区内" not in legend  # zone fills are not used when ponds carry statuses
    suspect = re.search(r'<i class="" style="([^"]*)"></i>坐标存疑', legend).group(1)
    case = re.search(r'<i class="ring" style="([^"]*)"></i>进行中的溯源案件', legend).group(1)
    assert "dashed" in suspect and SUSPECT_COLOUR in suspect
    assert "solid" in case and CASE_COLOUR in case and CASE_COLOUR != SUSPECT_COLOUR
    # The case ring on the map is solid, the suspect outline dashed.
    ring = re.search(r"L.circleMarker\(\s*\[29.3699, 113.4143\],\s*(\{.*?\})\s*\)", html, re.S).group(1)
    assert json.loads(ring)["color"] == CASE_COLOUR and json.loads(ring)["dashArray"] is None


def test_legend_and_layer_list_stay_buttons_on_a_narrow_map(ds):
    html = build_map(ds).get_root().render()
    assert "<details open" not in html  # closed in the HTML ...
    assert re.search(r"\.getSize\(\)\.x >= 600\) \{\s*details\.open = true;", html)  # ... opened when wide
    assert re.search(r"\.getSize\(\)\.x < 600\) \{\s*layer_control_\w+\.collapse\(\);", html)


def test_shared_point_ponds_are_fanned_out_not_stacked(ds):
    pos = display_positions(ds.register).set_index("pond_id")
    pts = [pos.loc[p].geometry for p in (15, 16, 17)]
    geod = Geod(ellps="GRS80")
    for a in range(3):
        for b in range(a + 1, 3):
            assert geod.inv(pts[a].x, pts[a].y, pts[b].x, pts[b].y)[2] > 100
    assert pos.loc[[15, 16, 17], "shared"].all() and not pos.loc[1, "shared"]
    assert (pos.loc[15, "true_lon"], pos.loc[15, "true_lat"]) == (113.4376, 29.6659)
    # The register itself is not moved.
    assert ds.register.set_index("pond_id").loc[15, "lon"] == 113.4376


def test_pond_at_finds_the_drawn_pond(ds):
    pos = display_positions(ds.register).set_index("pond_id")
    for pid in (1, 9, 16):
        p = pos.loc[pid].geometry
        assert pond_at(ds, p.y, p.x) == pid
    assert pond_at(ds, 29.0, 113.0) is None


def test_gcj02_shift_only_for_gaode(ds):
    def first(basemap):
        f = next(
            f
            for f in pond_layer(build_map(ds, basemap=basemap).get_root().render())["features"]
            if f["properties"]["pond_id"] == 1
        )
        return f["geometry"]["coordinates"]

    plain, osm, gaode = first("none"), first("osm"), first("gaode")
    assert plain == osm
    shift = Geod(ellps="GRS80").inv(*plain, *gaode)[2]
    assert 600 < shift < 680
    # A click on the shifted position still finds the pond.
    assert pond_at(ds, gaode[1], gaode[0], "gaode") == 1


def test_tianditu_needs_a_key_and_uses_it(ds):
    with pytest.raises(ValueError, match="key"):
        build_map(ds, basemap="tianditu_vec")
    html = build_map(ds, basemap="tianditu_img", tianditu_key="abc123").get_root().render()
    assert "LAYER=img" in html and "LAYER=cia" in html and "tk=abc123" in html
    with pytest.raises(ValueError, match="basemap"):
        build_map(ds, basemap="google")


def test_user_text_is_escaped(data_copy):
    csv = data_copy / "ponds.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("黄炳成水产养殖场", XSS), encoding="utf-8")
    evil = load_dataset(data_copy)
    html = build_map(evil).get_root().render()
    assert XSS not in html
    props = next(f["properties"] for f in pond_layer(html)["features"] if f["properties"]["pond_id"] == 1)
    assert props["title"] == "1 &lt;img src=x onerror=alert(1)&gt;"


def test_english_labels(ds):
    html = build_map(ds, lang="en").get_root().render()
    assert has(html, "Legend") and has(html, "Fish ponds") and not has(html, "图例")


def test_default_view_frames_the_lake_not_the_far_ponds(ds):
    m = build_map(ds)
    fit = next(ch for ch in m._children.values() if type(ch).__name__ == "FitBounds")
    (s, w), (n, e) = fit.bounds
    assert s > 29.55 and n < 29.72 and w > 113.33 and e < 113.47
    assert not (s <= 29.3699 <= n)  # row 9 is outside the default view


def test_pond_table_columns(ds):
    t = pond_table(ds, "en", statuses={1: "retired"})
    assert t.loc[t.pond_id == 1, "status"].item() == "retired"
    assert t.loc[t.pond_id == 9, "suspect"].item()
    assert "km from the lake outline" in t.loc[t.pond_id == 9, "qa_text"].item()


def test_large_maps_use_canvas_and_trimmed_properties():
    from geo.synthetic import synthetic_dataset

    big = synthetic_dataset(2500)
    html = build_map(big).get_root().render()
    assert '"preferCanvas": true' in html
    ponds = pond_layer(html)
    assert len(ponds["features"]) == 2500
    assert set(ponds["features"][0]["properties"]) == {"pond_id"}
    lon, lat = ponds["features"][0]["geometry"]["coordinates"]
    assert len(str(lon).split(".")[1]) <= 5 and len(str(lat).split(".")[1]) <= 5
    assert "GeoJsonPopup" not in html and "bindPopup" not in html.split("精养鱼池")[-1]
    small = build_map(load_dataset()).get_root().render()
    assert '"preferCanvas": false' in small


def test_open_cases_layer(ds):
    html = build_map(ds, open_cases={"9": (113.4143, 29.3699, 2)}).get_root().render()
    assert has(html, "进行中的溯源案件") and has(html, "9 点位：2 个进行中的溯源案件")
    plain = build_map(ds).get_root().render()
    assert not has(plain, "9 点位：") and not has(plain, "进行中的溯源案件")


def test_synthetic_maps_build_on_both_paths():
    """The benchmark's synthetic register has every column the rich (tooltips) and slim paths use."""
    from geo.mapping import CANVAS_FROM
    from geo.synthetic import synthetic_dataset

    for n in (50, CANVAS_FROM + 1):
        html = build_map(synthetic_dataset(n)).get_root().render()
        assert len(pond_layer(html)["features"]) == n
