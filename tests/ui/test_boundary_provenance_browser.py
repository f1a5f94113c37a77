"""A surveyed outline uploaded on the Admin page in a real browser: no 暂定 on it, the off-shore section flagged."""

import pytest

from geo.dataset import load_dataset
from i18n import t
from monitoring.export import geo_export
from tests.browser import log_in, make_account, map_frame, offline_browser, streamlit_server
from tests.surveyfiles import NAME, surveyed_lake_zip

pytestmark = pytest.mark.browser


def hover_until(page, frame, text: str) -> str:
    """Move the mouse over the map's shapes (centre, then off-centre: labels sit on the centre)
    until a tooltip holds ``text``; returns that tooltip's text."""
    paths = frame.locator("path.leaflet-interactive")
    seen = []
    for i in range(paths.count()):
        box = paths.nth(i).bounding_box()
        if not box:
            continue
        for fx, fy in ((0.5, 0.5), (0.5, 0.25), (0.25, 0.5), (0.75, 0.6)):
            page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            page.wait_for_timeout(100)
            tip = frame.locator(".leaflet-tooltip")
            if tip.count():
                seen.append(tip.first.inner_text()[:60])
            if tip.count() and text in tip.first.inner_text():
                return tip.first.inner_text()
    raise AssertionError(f"no tooltip with {text!r} among {sorted(set(seen))}")


def test_admin_uploads_a_surveyed_outline(tmp_path):
    env = make_account(tmp_path / "app.sqlite")
    with streamlit_server(env) as url, offline_browser() as (context, outside):
        page = context.new_page()
        log_in(page, url)
        map_frame(page)
        assert "暂定" in page.locator(".yehu-label").first.inner_text()  # the shipped placeholder

        page.goto(url + "/admin")
        page.get_by_role("tab", name="边界").click()
        form = page.locator("[data-testid=stForm]").filter(has_text="来源类型")

        def submit(name, content, provenance=None):
            form.locator("input[type=file]").set_input_files(
                {"name": name, "mimeType": "application/octet-stream", "buffer": content}
            )
            if provenance:
                form.get_by_text(provenance, exact=True).click()
            form.get_by_test_id("stBaseButton-primaryFormSubmit").click()

        survey = surveyed_lake_zip()
        submit("冶湖岸线实测.zip", survey)  # no provenance chosen: refused, never guessed
        page.get_by_text("请选择来源类型").wait_for(timeout=30_000)
        submit("冶湖岸线实测.zip", survey, "实测")  # surveyed without a source: refused in Chinese
        page.get_by_text("须填写来源").wait_for(timeout=30_000)
        assert page.get_by_text("已保存").count() == 0
        form.locator("input[type=file]").set_input_files(
            {"name": "冶湖岸线实测.zip", "mimeType": "application/zip", "buffer": survey}
        )
        form.get_by_text("实测", exact=True).click()
        form.get_by_role("textbox", name="来源单位/依据").fill("岳阳市勘测设计院 测字2026-118号")
        form.get_by_test_id("stBaseButton-primaryFormSubmit").click()

        page.get_by_text("已保存为第 1 版并启用").wait_for(timeout=60_000)
        assert page.get_by_text("来源类型：实测").count() == 1
        warning = page.get_by_text("断面 S1 位于湖泊轮廓之外")
        assert warning.count() == 1 and "米" in warning.inner_text()
        in_use = page.get_by_text("当前湖体边界").inner_text()
        assert "冶湖岸线实测.zip" in in_use and "实测" in in_use and "暂定" not in in_use
        page.screenshot(path=str(tmp_path / "admin.png"), full_page=True)

        page.goto(url + "/map")
        frame = map_frame(page)
        page.wait_for_timeout(1000)
        label = frame.locator(".yehu-label").first.inner_text()
        assert label == NAME  # the surveyor's name for it, without （暂定）
        corner = frame.locator(".yehu-banner").inner_text()
        assert corner == t("prov.short.sections", "zh") and "湖泊轮廓" not in corner
        banner = page.locator("[data-testid=stAlert]").filter(has_text="暂定").inner_text()
        assert banner.strip() == t("prov.banner.sections", "zh") and "冶湖轮廓" not in banner
        page.get_by_text("断面 S1 位于湖泊轮廓之外").wait_for(timeout=10_000)  # a banner line under the map
        section_tip = hover_until(page, frame, "位置核查")
        assert "位于湖泊轮廓之外" in section_tip and "S1" in section_tip
        page.screenshot(path=str(tmp_path / "map.png"))

        page.goto(url + "/admin")  # the project's own GeoPackage as the section layer: the layer read is named
        page.get_by_role("tab", name="边界").click()
        form.get_by_text("断面点", exact=True).click()
        submit("yehu.gpkg", geo_export(load_dataset(), "gpkg"), "暂定")
        page.get_by_text("已保存为第 2 版并启用").wait_for(timeout=60_000)
        assert page.get_by_text("已读取图层“sections”").count() == 1
        assert outside == [], f"requests to outside hosts: {outside}"
