"""The map tools in the real app (Debian Chromium, outside hosts blocked): titles, measure, cursor, position, PNG."""

import re

import pytest

from tests.browser import log_in, make_account, map_frame, offline_browser, streamlit_server

pytestmark = pytest.mark.browser


def test_map_tools(tmp_path):
    env = make_account(tmp_path / "tools.sqlite")
    with streamlit_server(env) as url, offline_browser() as (context, outside):
        context.grant_permissions(["geolocation"])
        context.set_geolocation({"latitude": 29.6532, "longitude": 113.4229, "accuracy": 35})
        page = context.new_page()
        log_in(page, url)
        frame = map_frame(page)
        titles = [frame.locator(".yehu-tools a").nth(i).get_attribute("title") for i in range(4)]
        assert titles == ["全屏", "测量", "定位", "导出图片（PNG）"]
        # Each tool is an SVG icon, not a symbol or emoji character that office machines may lack.
        for i in range(4):
            tool = frame.locator(".yehu-tools a").nth(i)
            assert tool.locator("svg path").count() == 1 and tool.inner_text().strip() == ""

        box = frame.locator(".leaflet-container").bounding_box()
        # Cursor coordinates, CGCS2000 (no Gaode basemap: no GCJ-02 reading).
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        cursor = frame.locator(".yehu-cursor").inner_text()
        assert re.fullmatch(r"CGCS2000/WGS84： E1\d\d\.\d{6} N\d\d\.\d{6}", cursor), cursor

        # Measure: three clicks on empty map give a length and an area in m² and 亩.
        frame.locator(".yehu-measure").click()
        for dx, dy in ((60, 20), (200, 20), (200, 140)):
            page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)
        out = frame.locator(".yehu-measure-out").inner_text()
        m = re.fullmatch(r"长度 ([\d.]+) (m|km) · 面积 ([\d.]+) (m²|km²) = ([\d.]+) 亩", out)
        assert m, out
        m2 = float(m[3]) * (1e6 if m[4] == "km²" else 1)
        assert float(m[5]) == pytest.approx(m2 / (2000 / 3), rel=1e-3, abs=0.1)
        frame.locator(".yehu-measure").click()

        # My position (127.0.0.1 is a secure context): accuracy circle and read-out.
        frame.locator(".yehu-locate").click()
        frame.locator(".yehu-measure-out").filter(has_text="精度").wait_for(timeout=10_000)
        assert "±35 m" in frame.locator(".yehu-measure-out").inner_text()

        # Export the view as a PNG.
        with page.expect_download(timeout=30_000) as dl:
            frame.locator(".yehu-export").click()
        path = tmp_path / "view.png"
        dl.value.save_as(path)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000

        # Fullscreen (or the frame-filling fallback) keeps the map drawn.
        frame.locator(".yehu-fullscreen").click()
        page.wait_for_timeout(500)
        assert frame.locator("path.leaflet-interactive").count() > 0
        assert outside == [], f"requests to outside hosts: {outside}"
