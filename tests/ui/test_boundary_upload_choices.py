"""The Admin page's boundary upload: an uploaded file cannot be 'drawn on the map', and a pond
outline layer made of several versions names each outline's provenance (AppTest)."""

import geopandas as gpd
import shapely

from monitoring.auth import Actor
from monitoring.bootstrap import current_dataset
from tests.monitoring.test_drawing_store import save
from tests.ui.conftest import the_store


def provenance_radio(at):
    (radio,) = [r for r in at.radio if r.label == "来源类型"]
    return radio


def test_the_upload_form_offers_no_drawn_provenance(fresh_app):
    at = fresh_app
    at.switch_page("ui/pages/admin.py").run()
    assert not at.exception
    assert provenance_radio(at).options == ["实测", "影像勾绘", "暂定"]


def test_a_pond_outline_layer_of_several_versions_names_each_provenance(fresh_app):
    s, me = the_store(), Actor("u", "admin")
    ds = current_dataset(s)
    p = ds.register.set_index("pond_id").geometry
    square = {k: shapely.box(p[k].x - 0.001, p[k].y - 0.001, p[k].x + 0.001, p[k].y + 0.001) for k in (1, 8)}
    survey = gpd.GeoDataFrame({"pond_id": [8]}, geometry=[square[8]], crs=4490).to_json().encode()
    s.register.upload_boundary(
        "ponds", "survey.geojson", survey, user=me, provenance="surveyed", prov_source="测绘院", prov_date="2026-10-15"
    )
    feature = {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(square[1])}
    payload = {"kind": "ponds", "pond": 1, "features": [feature], "provenance": "drawn"}
    save(s, payload, "none", user=me)
    at = fresh_app
    at.switch_page("ui/pages/admin.py").run()
    assert not at.exception
    (line,) = [m.value.replace("\\", "") for m in at.markdown if m.value.startswith("当前鱼池轮廓")]
    assert "2 个要素" in line and "实测（2026-10-15，填报：u）" in line and "地图绘制（2026-11-30，填报：u）" in line


def test_load_notes_are_in_the_reader_s_language(fresh_app):
    """A surveyor's file without the provenance columns: the assumptions read in Chinese (or English),
    and a version stored before notes had codes keeps its own text."""
    from sqlalchemy import text

    s, me = the_store(), Actor("u", "admin")
    p = current_dataset(s).register.set_index("pond_id").geometry[8]
    outline = shapely.box(p.x - 0.001, p.y - 0.001, p.x + 0.001, p.y + 0.001)
    content = gpd.GeoDataFrame({"pond_id": [8]}, geometry=[outline], crs=4490).to_json().encode()
    s.register.upload_boundary("ponds", "survey.geojson", content, user=me, provenance="surveyed", prov_source="测绘院")
    s.register.upload_boundary("ponds", "older.geojson", content, user=me, provenance="surveyed", prov_source="测绘院")
    with s.engine.begin() as conn:  # as an older version stored it: English text
        conn.execute(text("UPDATE boundary_versions SET warnings = 'an older note' WHERE filename = 'older.geojson'"))
    at = fresh_app
    at.switch_page("ui/pages/admin.py").run()
    notes = next(df.value for df in at.dataframe if "载入提示" in df.value.columns)["载入提示"].tolist()
    assert "an older note" in notes
    (new,) = [n for n in notes if n != "an older note"]
    # The source and the kind were stated with the upload: only what nobody stated is noted.
    assert new == "文件中没有 date、notes 列：日期留空；备注留空"
