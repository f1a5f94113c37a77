import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.ui.conftest import login_as

PAGES = [
    "ui/pages/map.py",
    "ui/pages/samples.py",
    "ui/pages/retirement.py",
    "ui/pages/dashboard.py",
    "ui/pages/admin.py",
]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def app():
    return login_as(AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run())


def component_data(at, name="yehu.pond_map"):
    """The data a components-v2 element (the map, its view, the page script) was given."""

    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    for el in walk(at._tree):
        proto = getattr(el, "proto", None)
        if proto is not None and getattr(proto, "component_name", "") == name:
            return json.loads(proto.json)
    raise AssertionError(f"no {name} component on the page")


def view(at):
    return component_data(at, "yehu.pond_map_view")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(app, page):
    app.switch_page(page).run()
    assert not app.exception
    assert app.title


def test_map_page_in_chinese_with_local_assets(app):
    assert app.title[0].value == "地图"
    assert "暂定" in app.warning[0].value
    data = component_data(app)
    assert data["leaflet"] == {
        "js": [
            "/app/static/vendor/leaflet/leaflet.js",
            "/app/static/vendor/html-to-image/html-to-image.js",
            "/app/static/tools/yehu-tools.js",
        ],
        "css": ["/app/static/vendor/leaflet/leaflet.css", "/app/static/tools/yehu-tools.css"],
    }
    script = data["parts"]["script"]
    assert "冶湖" in script.encode().decode("unicode_escape", errors="ignore") or "\\u51b6\\u6e56" in script
    # Embedded in the page: folium's page-level rules stay out of it.
    assert "html, body" not in data["parts"]["css"]
    assert data["parts"]["name"] in data["parts"]["html"]


def test_language_switch(app):
    app.sidebar.selectbox(key="lang").set_value("en").run()
    assert app.title[0].value == "Map"
    texts = [w.value for w in app.warning] + [s.value for s in app.subheader] + [c.value for c in app.caption]
    assert texts and not any(CJK.search(t) for t in texts), texts
    app.switch_page("ui/pages/dashboard.py").run()
    assert app.title[0].value == "Dashboard"


def test_filters_survive_a_language_switch(app):
    app.toggle(key="show_table").set_value(True).run()
    app.selectbox(key="filter_flag.zh").set_value("suspect").run()
    app.sidebar.selectbox(key="lang").set_value("en").run()
    assert app.selectbox(key="filter_flag.en").value == "suspect"
    assert len(app.dataframe[-1].value) == 9


def test_selecting_a_pond_shows_its_details(app):
    app.selectbox(key="pond_select").set_value(9).run()
    assert not app.exception
    assert "**9 · 唐小阶水产养殖场**" in [m.value for m in app.markdown]
    register = app.dataframe[0].value
    assert "E113.4143 N29.3699" in register.iloc[:, 1].tolist()
    assert any("距冶湖轮廓" in e.value for e in app.error)
    texts = " ".join(m.value for m in app.markdown)
    assert "E113\\.4143 N29\\.6399" in texts  # typo hypothesis (markdown-escaped)
    # The selection ring is drawn by the small view element; the map's payload is unchanged.
    assert view(app)["selected"]["lat"] == pytest.approx(29.3699, abs=1e-3)


def test_table_filters(app):
    table = lambda: app.dataframe[-1].value  # noqa: E731
    assert len(app.dataframe) == 0  # off the first paint
    app.toggle(key="show_table").set_value(True).run()
    assert len(table()) == 17
    app.selectbox(key="filter_flag.zh").set_value("suspect").run()
    assert sorted(table()["序号"]) == [2, 3, 4, 9, 10, 11, 15, 16, 17]
    app.multiselect(key="filter_town").set_value(["聂市镇"]).run()
    assert sorted(table()["序号"]) == [15, 16, 17]
    app.selectbox(key="filter_flag.zh").set_value("all").run()
    app.multiselect(key="filter_zone.zh").set_value(["ban"]).run()
    assert sorted(table()["序号"]) == []
    app.multiselect(key="filter_town").set_value([]).run()
    assert sorted(table()["序号"]) == [1, 8]


def test_far_pond_jump_selects_it(app):
    app.button(key="jump_11").click().run()
    assert app.session_state["selected_pond"] == 11
    assert view(app)["view"] == {"center": [29.2392, 113.3555], "zoom": 14}


def test_rerun_does_not_rebuild_the_map(app):
    import streamlit as st

    from ui.data import MAP_BUILDS

    st.cache_resource.clear()
    app.run()
    before = MAP_BUILDS["count"]
    app.run()
    app.selectbox(key="pond_select").set_value(3).run()
    assert MAP_BUILDS["count"] == before
    app.sidebar.selectbox(key="lang").set_value("en").run()
    assert MAP_BUILDS["count"] == before + 1  # a new language is a new map


def test_show_all_then_back_to_the_lake(app):
    before = component_data(app)
    app.button(key="show_all").click().run()
    lat, lon = view(app)["view"]["center"]
    assert 29.2 < lat < 29.7 and 113.2 < lon < 113.5
    assert view(app)["view"]["zoom"] <= 11
    seq = view(app)["seq"]
    app.button(key="reset_view").click().run()
    assert view(app)["view"] is None and view(app)["seq"] == seq + 1
    assert component_data(app) == before  # the map itself is sent unchanged


def test_english_details_have_no_chinese_labels(app):
    app.sidebar.selectbox(key="lang").set_value("en").run()
    app.selectbox(key="pond_select").set_value(13).run()
    fields = app.dataframe[0].value
    labels = fields.iloc[:, 0].tolist()
    assert not any(CJK.search(x) for x in labels), labels
    area = dict(zip(labels, fields.iloc[:, 1], strict=True))["Water area (mu)"]
    assert area == "46 mu (30,667 m²)"
