"""The drawing panel's data by role and language, and drawn versions on the Map and Admin pages (AppTest)."""

from monitoring.auth import Actor
from tests.monitoring.test_drawing_store import save
from tests.ui.conftest import login_as, the_store
from tests.ui.test_app import component_data

RING = [[113.410, 29.640], [113.430, 29.640], [113.430, 29.660], [113.410, 29.660], [113.410, 29.640]]


def store_drawing(basemap="tianditu_img", note="影像勾绘 <b>x</b>"):
    s = the_store()
    payload = {
        "kind": "lake",
        "features": [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [RING]}}],
        "provenance": "drawn",
        "note": note,
        "source": "2026 年影像",
    }
    return save(s, payload, basemap, user=Actor("u", "admin"))[1]


def versions_text(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_admin_gets_the_panel_in_the_page_language(fresh_app):
    at = fresh_app
    edit = component_data(at)["edit"]
    assert edit["assets"]["js"] == [
        "/app/static/vendor/leaflet-geoman/leaflet-geoman.min.js",
        "/app/static/tools/yehu-draw.js",
    ]
    assert edit["labels"]["draw"] == "绘制与编辑" and edit["pm"]["actions"]["finish"] == "完成"
    assert edit["lang"] == "zh" and len(edit["layers"]["lake"]["features"]) == 1
    at.sidebar.selectbox(key="lang").set_value("en").run()
    edit = component_data(at)["edit"]
    assert edit["labels"]["draw"] == "Draw and edit" and edit["pm"]["actions"]["finish"] == "Finish"
    assert edit["lang"] == "en"


def test_viewer_gets_no_drawing_tools(fresh_app):
    at = login_as(fresh_app, name="vv", role="viewer")
    assert "edit" not in component_data(at)
    assert "管理员可在地图右上角" not in versions_text(at)


def test_a_drawn_version_is_shown_with_its_provenance(fresh_app):
    vid = store_drawing()
    at = fresh_app.run()
    text = versions_text(at)
    assert f"冶湖轮廓：版本 #{vid}，地图绘制" in text
    assert "在地图上绘制，底图：天地图 影像; 2026 年影像" in text
    assert "&lt;b&gt;" not in text and "\\<b\\>" in text  # the note is Markdown-escaped, not HTML
    at.switch_page("ui/pages/admin.py").run()
    table = at.dataframe[-1].value
    assert "在地图上绘制，底图：天地图 影像; 2026 年影像" in table.iloc[:, 6].tolist()
    at.sidebar.selectbox(key="lang").set_value("en").run()
    at.switch_page("ui/pages/map.py").run()
    assert f"Lake outline: version #{vid}, drawn on the map" in versions_text(at)
