"""Drawing on the map in the real app (Debian Chromium, outside hosts blocked).

An administrator draws a lake outline, a pond outline (snapped onto a lake vertex) and a
section point with the vendored Leaflet-Geoman and saves each; nothing goes to the server while
drawing, a save reruns the page once; a reload shows them as the current versions with their
provenance; a viewer sees them and gets no drawing tools; no request leaves the machine.
"""

import json

import pytest
import shapely

from tests.browser import log_in, make_account, map_frame, offline_browser, streamlit_server

pytestmark = pytest.mark.browser

VIEWER, VIEWER_PASSWORD = "browser-viewer", "browser-password-2"


def sent_frames(page) -> list:
    """Every websocket message the page sends (a rerun request is one)."""
    sent: list = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    return sent


def draw_polygon(page, frame, offsets, origin=None):
    """Click the polygon tool, click the vertices (pixel offsets from ``origin(box)``, by default
    the map's centre), finish."""
    frame.locator(".leaflet-pm-toolbar .button-container[title='绘制多边形'] > a").click()
    box = frame.locator(".leaflet-container").bounding_box()
    cx, cy = origin(box) if origin else (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for dx, dy in offsets:
        page.mouse.click(cx + dx, cy + dy)
        page.wait_for_timeout(150)
    frame.locator(".button-container.active .leaflet-pm-actions-container a", has_text="完成").click()
    page.wait_for_timeout(300)


def stored(db) -> dict:
    """The lake's and the first pond outline's exterior rings as stored, and the versions in use."""
    from monitoring.store import Store

    store = Store(f"sqlite:///{db}")
    try:
        versions = store.register.current_versions()
        sites = set(store.register.list_sites().code)
    finally:
        store.engine.dispose()
    out = {"versions": versions, "sites": sites}
    for kind in ("lake", "ponds"):
        if kind in versions:
            features = json.loads(versions[kind]["content"])["features"]
            geom = shapely.from_geojson(json.dumps(features[0]["geometry"]))
            out[kind] = list(shapely.get_exterior_ring(shapely.get_geometry(geom, 0)).coords)
            if kind == "ponds":
                out["pond_ids"] = [f["properties"]["pond_id"] for f in features]
    return out


def save_drawing(page, frame, note, sent, version):
    before = len(sent)
    frame.locator(".yehu-draw-note").fill(note)
    frame.locator(".yehu-draw-save").click()
    page.get_by_text(f"新版本 #{version}，现为当前版本").wait_for(timeout=30_000)
    map_frame(page)
    page.wait_for_timeout(1500)
    return len(sent) - before


def test_admin_draws_and_a_viewer_sees(tmp_path):
    db = tmp_path / "draw.sqlite"
    env = make_account(db)
    make_account(db, VIEWER, VIEWER_PASSWORD, role="viewer")
    with streamlit_server(env) as url, offline_browser() as (context, outside):
        page = context.new_page()
        sent = sent_frames(page)
        log_in(page, url)
        frame = map_frame(page)
        page.wait_for_timeout(1000)

        # The panel: its own texts in Chinese, Geoman's toolbar only once editing starts.
        toggle = frame.locator(".yehu-draw-toggle")
        assert toggle.get_attribute("title") == "绘制与编辑"
        toggle.click()
        assert frame.locator(".leaflet-pm-toolbar").count() == 0
        frame.locator(".yehu-draw-kind").select_option("lake")
        frame.locator(".yehu-draw-start").click()
        titles = {a.get_attribute("title") for a in frame.locator(".leaflet-pm-toolbar .button-container[title]").all()}
        assert {"绘制多边形", "编辑顶点", "拖动", "删除图形"} <= titles, titles

        # Drawing sends nothing to the server (no rerun per vertex); Geoman speaks Chinese.
        quiet = len(sent)
        frame.locator(".leaflet-pm-toolbar .button-container[title='绘制多边形'] > a").click()
        box = frame.locator(".leaflet-container").bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2 - 200, box["y"] + box["height"] / 2 - 150)
        assert "单击放置第一个顶点" in frame.locator(".leaflet-tooltip").last.inner_text()
        frame.locator(".leaflet-pm-actions-container a", has_text="取消").first.click()
        draw_polygon(page, frame, [(-200, -150), (0, -150), (20, 30), (-180, 40)])
        assert len(sent) == quiet, "the page was told of the drawing before it was saved"

        reruns = save_drawing(page, frame, "湖岸线（测试）", sent, 1)
        assert reruns == 1, f"saving sent {reruns} messages"

        # A pond outline, for pond 1, over the same map.
        frame = map_frame(page)
        frame.locator(".yehu-draw-toggle").click()
        frame.locator(".yehu-draw-kind").select_option("ponds")
        frame.locator(".yehu-draw-pond").select_option("1")
        frame.locator(".yehu-draw-start").click()
        frame.locator(".yehu-draw-provenance").select_option("surveyed")
        frame.locator(".yehu-draw-source").fill("GPS 外业 2 组")
        # Its first vertex is placed 4 px beside a vertex of the lake just drawn: it snaps onto it.
        lake_ring = stored(db)["lake"]
        vertex = min(lake_ring, key=lambda c: c[0])
        at = page.evaluate(
            """([lat, lng]) => {
                const map = document.querySelector(".yehu-map").parentElement.__yehuMap.map;
                const p = map.latLngToContainerPoint([lat, lng]);
                return [p.x, p.y];
            }""",
            [vertex[1], vertex[0]],
        )
        # Towards the middle of the lake: 40 % of the way from the vertex to the map's centre.
        box = frame.locator(".leaflet-container").bounding_box()
        dx, dy = (box["width"] / 2 - at[0]) * 0.4, (box["height"] / 2 - at[1]) * 0.4
        quiet = len(sent)
        corner = [(4, 3), (dx, 0), (dx, dy), (0, dy)]
        draw_polygon(page, frame, corner, origin=lambda box: (box["x"] + at[0], box["y"] + at[1]))
        assert len(sent) == quiet
        assert save_drawing(page, frame, "塘埂实测", sent, 2) == 1

        # A second section point, added with the point tool, as a provisional sketch.
        frame = map_frame(page)
        frame.locator(".yehu-draw-toggle").click()
        frame.locator(".yehu-draw-kind").select_option("sections")
        frame.locator(".yehu-draw-start").click()
        frame.locator(".yehu-draw-provenance").select_option("provisional")
        frame.locator(".leaflet-pm-toolbar .button-container[title='添加点'] > a").click()
        box = frame.locator(".leaflet-container").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2 - 150, box["y"] + box["height"] / 2 + 20)
        page.wait_for_timeout(300)
        assert save_drawing(page, frame, "", sent, 3) == 1

        # A reload shows both as the current versions, with their provenance.
        page.reload()
        frame = map_frame(page)
        page.get_by_text("当前几何版本").click()
        lake = page.get_by_text("冶湖轮廓：版本 #1")
        lake.wait_for(timeout=10_000)
        text = lake.inner_text()
        assert "地图绘制" in text and "在地图上绘制，底图：无底图" in text and "湖岸线（测试）" in text, text
        assert "browser-admin" in text
        pond = page.get_by_text("鱼塘轮廓：版本 #2").inner_text()
        assert "实测" in pond and "GPS 外业 2 组" in pond and "塘埂实测" in pond, pond
        assert frame.locator(".yehu-draw-toggle").count() == 1
        assert outside == [], f"requests to outside hosts: {outside}"

        # A viewer: the same versions, no drawing tools, Geoman never loaded.
        context.clear_cookies()
        viewer = context.new_page()
        log_in(viewer, url, VIEWER, VIEWER_PASSWORD)
        vframe = map_frame(viewer)
        viewer.wait_for_timeout(1000)
        assert vframe.locator(".yehu-draw").count() == 0
        assert vframe.locator(".leaflet-pm-toolbar").count() == 0
        assert viewer.evaluate("!!(window.L && window.L.PM)") is False
        viewer.get_by_text("当前几何版本").click()
        assert "地图绘制" in viewer.get_by_text("冶湖轮廓：版本 #1").inner_text()
        assert outside == [], f"requests to outside hosts: {outside}"

    # What was stored: the drawn ring (4 vertices, closed), and pond 1's outline, snapped.
    rings = stored(db)
    assert len(rings["lake"]) == 5 and rings["versions"]["lake"]["provenance"] == "drawn"
    assert rings["versions"]["lake"]["prov_source"] == "map:none"
    assert rings["pond_ids"] == [1] and rings["versions"]["ponds"]["provenance"] == "surveyed"
    sections = json.loads(rings["versions"]["sections"]["content"])["features"]
    assert [f["properties"]["section_id"] for f in sections] == ["S1", "S2"]
    assert rings["versions"]["sections"]["provenance"] == "provisional"
    assert "S2" in rings["sites"]
    gap = min(max(abs(c[0] - vertex[0]), abs(c[1] - vertex[1])) for c in rings["ponds"])
    assert gap < 2e-6, f"the pond's vertex did not snap to the lake's ({gap:.1e}°)"  # 4 px is tens of metres
