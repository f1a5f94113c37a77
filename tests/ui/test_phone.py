"""The app on a phone (390×844, touch) in Debian Chromium: legend closed, no control over a pond,
the sidebar closed after choosing a page, deep links kept across the login."""

import pytest

from tests.browser import (
    BROWSER_PASSWORD,
    BROWSER_USER,
    log_in,
    make_account,
    map_frame,
    offline_browser,
    streamlit_server,
)

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = make_account(tmp_path_factory.mktemp("phone") / "app.sqlite")
    with streamlit_server(env) as url:
        yield url


def boxes(locator):
    return [b for b in (locator.nth(i).bounding_box() for i in range(locator.count())) if b]


def overlap(a, b):
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_map_on_a_phone_legend_closed_and_no_control_over_a_pond(server, tmp_path):
    with offline_browser(**PHONE) as (context, outside):
        page = context.new_page()
        log_in(page, server)
        box = map_frame(page, timeout=60_000)
        page.wait_for_timeout(1000)
        # The legend is a closed button, the layer list a collapsed icon.
        legend = box.locator(".yehu-legend details")
        assert legend.count() == 1 and legend.get_attribute("open") is None
        assert box.locator(".leaflet-control-layers-expanded").count() == 0
        # The map fits the screen.
        map_box = box.bounding_box()
        assert 300 <= map_box["height"] <= 844 and map_box["width"] <= 390
        # Pond markers (small circles) in view: none under a control.
        markers = [
            b
            for b in boxes(box.locator("path.leaflet-interactive"))
            if b["width"] <= 24 and b["height"] <= 24 and overlap(b, map_box)
        ]
        controls = boxes(box.locator(".leaflet-control"))
        assert len(markers) >= 5 and controls
        covered = [(m, c) for m in markers for c in controls if overlap(m, c)]
        page.screenshot(path=str(tmp_path / "phone-map.png"))
        assert covered == []
        # Tapping the legend opens it.
        box.locator(".yehu-legend summary").click()
        assert legend.get_attribute("open") is not None
        assert outside == []


def test_sidebar_closes_after_choosing_a_page(server):
    with offline_browser(**PHONE) as (context, outside):
        page = context.new_page()
        log_in(page, server)
        map_frame(page, timeout=60_000)
        collapsed = "() => document.querySelector('[data-testid=stSidebar]').getAttribute('data-collapsed')"
        assert page.evaluate(collapsed) == "true"  # a phone opens with the page, not the sidebar
        page.locator('[data-testid="stExpandSidebarButton"]').first.click()
        page.wait_for_function(f"() => ({collapsed})() === 'false'")
        page.locator('[data-testid="stSidebarNav"]').get_by_text("采样").click()
        page.get_by_role("heading", name="采样").first.wait_for(timeout=30_000)
        page.wait_for_function(f"() => ({collapsed})() === 'true'", timeout=10_000)
        assert outside == []


def test_samples_deep_link_opens_samples_after_login(server):
    with offline_browser(**PHONE) as (context, outside):
        page = context.new_page()
        page.goto(server + "/samples")
        page.get_by_label("用户名").fill(BROWSER_USER)
        page.get_by_label("密码").fill(BROWSER_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("heading", name="采样").first.wait_for(timeout=30_000)
        assert page.url.rstrip("/").endswith("/samples")
        assert page.get_by_text("Page not found").count() == 0
        assert outside == []
