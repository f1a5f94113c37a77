"""Editing the existing lake outline on the map, and saves the page refuses (Debian Chromium, offline).

An administrator moves one vertex of the lake outline in use (an older surveyed upload) with
Geoman's vertex editing and saves: the page keeps the user's centre and zoom across the save's
rerun, a reload shows the moved vertex as a new drawn version, and the surveyed version is still
listed, unchanged. A save the page refuses (nothing left to save, edges that cross, a viewer's
forged message) says why in Chinese and stores nothing.
"""

import json

import geopandas as gpd
import pytest
import shapely

from tests.browser import BROWSER_USER, log_in, make_account, map_frame, offline_browser, streamlit_server

pytestmark = pytest.mark.browser

VIEWER, VIEWER_PASSWORD = "browser-viewer", "browser-password-2"
SURVEY = "县测绘院 测字2026-07号"
MAP = "document.querySelector('.yehu-map').parentElement.__yehuMap"


def with_store(db, fn):
    from monitoring.store import Store

    store = Store(f"sqlite:///{db}")
    try:
        return fn(store)
    finally:
        store.engine.dispose()


def surveyed_lake(db) -> list:
    """Store a surveyed lake outline (a square around the shipped one) as version 1; its ring."""
    from geo.boundaries import load_boundaries
    from monitoring.auth import Actor

    x0, y0, x1, y1 = load_boundaries()[0].gdf.total_bounds
    square = shapely.box(x0, y0, x1, y1)
    content = gpd.GeoDataFrame({"name": ["冶湖"]}, geometry=[square], crs=4490).to_json().encode()
    with_store(
        db,
        lambda s: s.register.upload_boundary(
            "lake",
            "lake-survey.geojson",
            content,
            user=Actor(BROWSER_USER, "admin"),
            provenance="surveyed",
            prov_source=SURVEY,
            prov_date="2026-10-15",
        ),
    )
    return list(square.exterior.coords)


def versions(db) -> list:
    def read(s):
        listed = s.register.list_boundaries("lake")
        return [
            (int(v.id), v.provenance, v.prov_source, json.loads(s.register.boundary_file(int(v.id))[0]))
            for v in listed.itertuples()
        ]

    return with_store(db, read)


def ring_of(doc) -> list:
    geom = shapely.from_geojson(json.dumps(doc["features"][0]["geometry"]))
    return list(shapely.get_exterior_ring(shapely.get_geometry(geom, 0)).coords)


def view(page) -> dict:
    return page.evaluate(f"(() => {{ const m = {MAP}.map; const c = m.getCenter(); "
                         "return {lat: c.lat, lng: c.lng, zoom: m.getZoom(), key: " + MAP + ".key}; })()")  # fmt: skip


def screen_point(page, frame, lat, lng):
    js = f"([lat, lng]) => {{ const p = {MAP}.map.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }}"
    p = page.evaluate(js, [lat, lng])
    box = frame.locator(".leaflet-container").bounding_box()
    return box["x"] + p[0], box["y"] + p[1]


def start_editing(frame, kind="lake"):
    frame.locator(".yehu-draw-toggle").click()
    frame.locator(".yehu-draw-kind").select_option(kind)
    frame.locator(".yehu-draw-start").click()


def test_admin_moves_a_vertex_of_the_lake_in_use_and_the_view_stays(tmp_path):
    db = tmp_path / "edit.sqlite"
    env = make_account(db)
    surveyed = surveyed_lake(db)
    with streamlit_server(env) as url, offline_browser() as (context, outside):
        page = context.new_page()
        log_in(page, url)
        frame = map_frame(page)
        page.wait_for_timeout(1500)

        # The user zooms in once and pans: that is the view to keep.
        frame.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(600)
        box = frame.locator(".leaflet-container").bounding_box()
        x, y = box["x"] + box["width"] * 0.85, box["y"] + box["height"] * 0.85
        page.mouse.move(x, y)
        page.mouse.down()
        for i in range(1, 11):
            page.mouse.move(x - 12 * i, y - 6 * i)
        page.mouse.up()
        page.wait_for_timeout(600)
        before = view(page)

        # Vertex editing on the outline in use: the corner nearest the middle of the map (in view)
        # is dragged 60 px right and 40 px up.
        start_editing(frame)
        frame.locator(".leaflet-pm-toolbar .button-container[title='编辑顶点'] > a").click()
        page.wait_for_timeout(300)
        middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        at = {c: screen_point(page, frame, c[1], c[0]) for c in surveyed[:-1]}
        corner = min(at, key=lambda c: (at[c][0] - middle[0]) ** 2 + (at[c][1] - middle[1]) ** 2)
        cx, cy = at[corner]
        assert box["x"] + 80 < cx < box["x"] + box["width"] - 80 and box["y"] + 80 < cy < box["y"] + box["height"] - 80
        page.mouse.move(cx, cy)
        page.mouse.down()
        for i in range(1, 11):
            page.mouse.move(cx + 6 * i, cy - 4 * i)
        page.mouse.up()
        page.wait_for_timeout(300)
        to_lnglat = f"([x, y]) => {{ const ll = {MAP}.map.containerPointToLatLng([x, y]); return [ll.lng, ll.lat]; }}"
        moved_to = page.evaluate(to_lnglat, [cx + 60 - box["x"], cy - 40 - box["y"]])
        beside = page.evaluate(to_lnglat, [cx + 61 - box["x"], cy - 40 - box["y"]])
        pixel = beside[0] - moved_to[0]  # degrees of longitude per pixel at this zoom
        frame.locator(".yehu-draw-note").fill("东北角按影像修正")
        frame.locator(".yehu-draw-save").click()
        page.get_by_text("新版本 #2，现为当前版本").wait_for(timeout=30_000)
        frame = map_frame(page)
        page.wait_for_timeout(1500)

        # The map was built again (a new version) and shows what the user was looking at.
        after = view(page)
        assert after["key"] != before["key"], "the map was not built again after the save"
        assert after["zoom"] == before["zoom"], (before, after)
        assert after["lat"] == pytest.approx(before["lat"], abs=1e-6)
        assert after["lng"] == pytest.approx(before["lng"], abs=1e-6)

        # The default-view button still works after that.
        page.get_by_role("button", name="回到冶湖").click()
        page.wait_for_timeout(1500)
        assert view(page)["zoom"] != before["zoom"] or view(page)["lat"] != pytest.approx(before["lat"], abs=1e-6)

        # A reload: the moved corner is on the map, the new version in use, drawn on the map.
        stored = ring_of(versions(db)[0][3])
        moved = [c for c in stored[:-1] if min(abs(c[0] - s[0]) + abs(c[1] - s[1]) for s in surveyed) > 1e-6]
        assert len(moved) == 1, stored
        page.reload()
        frame = map_frame(page)
        page.wait_for_timeout(1000)
        on_map = page.evaluate(
            f"""([lng, lat]) => {{
                let found = false;
                {MAP}.map.eachLayer((l) => {{
                    if (!l.getLatLngs || !l.feature) return;
                    for (const p of l.getLatLngs().flat(3)) {{
                        if (Math.abs(p.lat - lat) < 1e-6 && Math.abs(p.lng - lng) < 1e-6) found = true;
                    }}
                }});
                return found;
            }}""",
            list(moved[0]),
        )
        assert on_map, "the moved vertex is not on the reloaded map"
        page.get_by_text("当前几何版本").click()
        text = page.get_by_text("冶湖轮廓：版本 #2").inner_text()
        assert "地图绘制" in text and "东北角按影像修正" in text, text
        assert outside == [], f"requests to outside hosts: {outside}"

    (v2, prov2, src2, doc2), (v1, prov1, src1, doc1) = versions(db)
    assert (v2, prov2, src2) == (2, "drawn", "map:none")
    assert (v1, prov1, src1) == (1, "surveyed", SURVEY)  # the old version is still listed, unchanged
    assert len(ring_of(doc1)) == 5 and all(min(abs(c[0] - s[0]) + abs(c[1] - s[1]) for s in surveyed) < 1e-7
                                          for c in ring_of(doc1))  # fmt: skip
    new = ring_of(doc2)
    assert len(new) == len(surveyed) == 5  # the same four corners: one moved, none added
    moved = [c for c in new[:-1] if min(abs(c[0] - s[0]) + abs(c[1] - s[1]) for s in surveyed) > 1e-6]
    assert len(moved) == 1, new
    # Where the mouse let go, or a vertex of another layer within the snapping distance (20 px).
    assert abs(moved[0][0] - moved_to[0]) < 21 * pixel and abs(moved[0][1] - moved_to[1]) < 21 * pixel
    assert moved[0][0] > corner[0] and moved[0][1] > corner[1]


def refusal(page, frame, payload):
    """Send a drawing as the map's ``saved`` message (what a forged client would do)."""
    page.evaluate(f"(d) => {MAP}.trigger('saved', d)", payload)


def test_refused_saves_say_why_in_chinese_and_store_nothing(tmp_path):
    db = tmp_path / "refused.sqlite"
    env = make_account(db)
    make_account(db, VIEWER, VIEWER_PASSWORD, role="viewer")
    bowtie = [[113.41, 29.64], [113.43, 29.66], [113.43, 29.64], [113.41, 29.66], [113.41, 29.64]]
    crossing = {
        "kind": "lake",
        "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [bowtie]}}],
        "provenance": "drawn",
    }
    square = [[113.41, 29.64], [113.43, 29.64], [113.43, 29.66], [113.41, 29.66], [113.41, 29.64]]
    valid = crossing | {
        "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [square]}}]
    }
    with streamlit_server(env) as url, offline_browser() as (context, outside):
        page = context.new_page()
        log_in(page, url)
        frame = map_frame(page)
        page.wait_for_timeout(1000)

        # Everything removed with the removal tool: the panel says there is nothing to save.
        box = frame.locator(".leaflet-container").bounding_box()
        x, y = box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.2
        page.mouse.move(x, y)  # the lake is dragged 250 px to the left, away from the panel
        page.mouse.down()
        for i in range(1, 11):
            page.mouse.move(x - 25 * i, y)
        page.mouse.up()
        page.wait_for_timeout(600)
        start_editing(frame)
        frame.locator(".leaflet-pm-toolbar .button-container[title='删除图形'] > a").click()
        from geo.boundaries import load_boundaries

        x0, y0, x1, y1 = load_boundaries()[0].gdf.total_bounds  # inside the lake, on its west side
        page.mouse.click(*screen_point(page, frame, (y0 + y1) / 2, x0 + (x1 - x0) * 0.12))
        page.wait_for_timeout(300)
        left = page.evaluate(f"{MAP}.map.pm.getGeomanLayers().length")
        assert left == 0, f"{left} layers left after the removal"
        frame.locator(".yehu-draw-save").click()
        assert frame.locator(".yehu-draw-status").inner_text() == "还没有绘制任何图形。"

        # Edges that cross: refused by the page, said on the page, nothing stored.
        refusal(page, frame, crossing)
        page.get_by_text("第 1 个图形的边相互交叉").first.wait_for(timeout=30_000)
        refusal(page, map_frame(page), crossing | {"features": []})
        page.get_by_text("没有绘制任何图形，没有保存。").first.wait_for(timeout=30_000)
        assert with_store(db, lambda s: s.register.list_boundaries().empty)
        assert outside == []

        # A viewer has no drawing tools; a forged save is refused in Chinese.
        context.clear_cookies()
        viewer = context.new_page()
        log_in(viewer, url, VIEWER, VIEWER_PASSWORD)
        vframe = map_frame(viewer)
        viewer.wait_for_timeout(1000)
        assert vframe.locator(".yehu-draw").count() == 0
        refusal(viewer, vframe, valid)
        viewer.get_by_text("无权").first.wait_for(timeout=30_000)
        shown = viewer.get_by_text("无权").first.inner_text()
        assert VIEWER in shown and "Permission" not in shown and "Traceback" not in viewer.content()
        assert outside == [], f"requests to outside hosts: {outside}"

    assert with_store(db, lambda s: s.register.list_boundaries().empty and s.audit.log(action="boundary.").empty)
