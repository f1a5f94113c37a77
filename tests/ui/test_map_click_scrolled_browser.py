"""A click on a pond selects it even when the page is scrolled (Debian Chromium, offline).

Leaflet focuses the map on a press (for its keyboard controls) and then restores the window's
scroll, but the app scrolls in Streamlit's own container, not the window: that focus scrolled
the map into view between the press and the release, so the release landed on something else
and the click reached the map as a click beside the pond (no selection). Whether it happened
depended on the page's layout (a taller page could be scrolled), which is why moving a block
below the map once made pond clicks stop working.
"""

import pytest

from tests.browser import log_in, make_account, map_frame, offline_browser, streamlit_server

pytestmark = pytest.mark.browser

MAP = "document.querySelector('.yehu-map').parentElement.__yehuMap"
MAIN = "document.querySelector('[data-testid=\"stMain\"]')"


def pond_centre(page, pond: int):
    """The pond marker's centre on the screen."""
    return page.evaluate(
        f"""(pond) => {{
            let box = null;
            {MAP}.map.eachLayer((l) => {{
                if (l._path && l.feature && l.feature.properties.pond_id === pond) {{
                    const r = l._path.getBoundingClientRect();
                    box = [r.x + r.width / 2, r.y + r.height / 2];
                }}
            }});
            return box;
        }}""",
        pond,
    )


def test_a_pond_click_selects_it_on_a_scrolled_page(tmp_path):
    env = make_account(tmp_path / "scroll.sqlite")
    with streamlit_server(env) as url, offline_browser(viewport={"width": 1500, "height": 760}) as (context, outside):
        page = context.new_page()
        log_in(page, url)
        map_frame(page)
        page.wait_for_timeout(1000)
        # The page scrolled so that the map's top edge is 80 px out of view, pond 8 still in it.
        top = page.evaluate("document.querySelector('.yehu-map').getBoundingClientRect().y")
        page.evaluate(f"(by) => {{ {MAIN}.scrollTop += by; }}", top + 80)
        page.wait_for_timeout(300)
        top = page.evaluate("document.querySelector('.yehu-map').getBoundingClientRect().y")
        assert top == pytest.approx(-80, abs=2)
        x, y = pond_centre(page, 8)
        assert 20 < y < 740, y
        scrolled = page.evaluate(f"{MAIN}.scrollTop")
        page.mouse.click(x, y)
        page.get_by_text("8 · 范红军水产养殖场").wait_for(timeout=20_000)
        assert page.evaluate(f"{MAIN}.scrollTop") == scrolled  # the press did not scroll the page
        assert outside == []
