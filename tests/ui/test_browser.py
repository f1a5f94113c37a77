"""Real browser, no internet: `streamlit run app.py` in Debian Chromium, outside hosts blocked."""

import pytest

from tests.browser import log_in, make_account, map_frame, offline_browser, streamlit_server

pytestmark = pytest.mark.browser

# Interactive paths on the default map: 17 ponds, the shared point's centre dot and the
# 3 lines from it to ponds 15-17, the lake, the 1 km zone, the no-fishing zone, the section.
EXPECTED_PATHS = 17 + 1 + 3 + 4


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = make_account(tmp_path_factory.mktemp("browser") / "app.sqlite")
    with streamlit_server(env) as url:
        yield url


def click_pond(page, frame, farm):
    """Hover pond markers until the tooltip names the farm, then click it."""
    paths = frame.locator("path.leaflet-interactive")
    for i in range(paths.count()):
        path = paths.nth(i)
        if not path.is_visible():
            continue
        try:
            path.hover(timeout=2000)
        except Exception:
            continue
        # The tooltip just opened; one of a layer hovered before may still be open beside it.
        if frame.locator(".leaflet-tooltip", has_text=farm).count():
            path.click()
            return
    raise AssertionError(f"no pond marker with tooltip {farm!r}")


def test_map_draws_offline_and_a_click_fills_the_details(server, tmp_path):
    with offline_browser() as (context, outside):
        page = context.new_page()
        log_in(page, server)
        frame = map_frame(page)
        page.wait_for_timeout(1000)
        assert frame.locator("path.leaflet-interactive").count() == EXPECTED_PATHS
        legend = frame.locator(".yehu-legend")
        assert legend.is_visible() and "图例" in legend.inner_text()
        assert "暂定" in frame.locator(".yehu-banner").inner_text()
        assert "冶湖" in frame.locator(".yehu-label").first.inner_text()

        click_pond(page, frame, "范红军")
        page.get_by_text("8 · 范红军水产养殖场").wait_for(timeout=20_000)
        page.screenshot(path=str(tmp_path / "map.png"))
        assert outside == [], f"requests to outside hosts: {outside}"


def test_escaped_farm_name_in_a_real_page(tmp_path):
    """An XSS payload in the register shows as text in the tooltip, and runs nothing."""
    import shutil

    from tests.conftest import ROOT

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    payload = "<img src=x onerror=window.__xss=1>"
    csv = data / "ponds.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("范红军水产养殖场", payload), encoding="utf-8")
    env = {"YEHU_DATA_DIR": str(data), **make_account(tmp_path / "xss.sqlite")}
    with streamlit_server(env) as url, offline_browser() as (context, outside):
        page = context.new_page()
        log_in(page, url)
        frame = map_frame(page)
        page.wait_for_timeout(800)
        click_pond(page, frame, payload)
        assert frame.locator(".leaflet-tooltip", has_text=payload).first.inner_text().count(payload) == 1
        assert frame.locator("img[src=x]").count() == 0
        assert page.evaluate("() => window.__xss === undefined")
        assert outside == []


def test_selecting_a_table_row_selects_the_pond(server):
    with offline_browser() as (context, outside):
        page = context.new_page()
        log_in(page, server)
        map_frame(page)
        assert page.locator('[data-testid="stDataFrame"]').count() == 0  # off the first paint
        page.get_by_text("显示池塘列表").click()
        grid = page.locator('[data-testid="stDataFrame"]').last
        grid.wait_for(timeout=20_000)
        grid.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 14, box["y"] + 35 + 35 * 8 + 17)  # the row-selection cell of row 9
        page.get_by_text("9 · 唐小阶水产养殖场").wait_for(timeout=20_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert outside == []


def test_login_wrong_password_then_right_then_logout(server):
    with offline_browser() as (context, outside):
        page = context.new_page()
        page.goto(server)
        # Anonymous: the login page only, no map, no other pages in the navigation.
        page.get_by_role("button", name="登录").wait_for(timeout=30_000)
        assert page.locator(".yehu-map").count() == 0
        assert page.get_by_text("退养台账").count() == 0
        # A wrong password is refused.
        log_in(page, server, password="wrong-password-1")
        page.get_by_text("用户名或密码错误").wait_for(timeout=20_000)
        assert page.get_by_text("退养台账").count() == 0
        # The right one opens the app at the map.
        log_in(page, server)
        map_frame(page)
        page.get_by_text("已登录").wait_for(timeout=20_000)
        # A reload (or a link opened in the same browser) keeps the session, through its cookie.
        page.wait_for_timeout(1500)
        page.goto(server + "/dashboard")
        page.get_by_text("已登录").wait_for(timeout=30_000)
        page.get_by_role("heading", name="领导看板").wait_for(timeout=30_000)
        # Logging out returns to the login page; a reload stays logged out.
        page.get_by_role("button", name="退出登录").click()
        page.get_by_role("button", name="登录").wait_for(timeout=20_000)
        page.reload()
        page.get_by_role("button", name="登录").wait_for(timeout=30_000)
        assert page.locator(".yehu-map").count() == 0
        assert outside == []


def test_a_rerun_does_not_send_the_map_again(server):
    """The map's parts are unchanged between runs: Streamlit sends a reference, not the map."""
    frames = []
    with offline_browser() as (context, outside):
        page = context.new_page()
        page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(len(f))))
        log_in(page, server)
        map_frame(page)
        page.wait_for_timeout(1500)
        first = max(frames)
        frames.clear()
        page.get_by_role("button", name="显示全部鱼池（含远处）").click()
        page.wait_for_timeout(2500)
        assert frames and first > 40_000  # the map went once ...
        assert max(frames) < 10_000  # ... and not again
        assert outside == []
