"""Admin → 边界 → 放置位置待定的断面: check, warnings, confirm, versions; the Map then draws it (AppTest)."""

from tests.ui.conftest import the_store


def _submit(at):
    next(b for b in at.button if "place_section" in str(b.proto.id)).click().run()


def _fill(at, lon, lat, datum, source, lang="zh"):
    at.text_input(key="pl_lon").set_value(lon)
    at.text_input(key="pl_lat").set_value(lat)
    at.radio(key=f"pl_datum.{lang}").set_value(datum)
    at.text_input(key="pl_source").set_value(source)
    _submit(at)


def texts(at) -> str:
    shown = (*at.caption, *at.info, *at.markdown, *at.warning, *at.success)
    return "\n".join(str(e.value) for e in shown).replace("\\", "")  # Markdown escapes off


def test_admin_places_a_section_in_chinese_and_the_map_shows_it(fresh_app):
    at = fresh_app
    at.switch_page("ui/pages/admin.py").run()
    assert not at.exception
    assert at.selectbox(key="pl_section.zh.0").value == "YTCY"
    _fill(at, "abc", "29.45", "gcj02", "长源断面 GPS")
    assert [e.value for e in at.error] == ["经度，“abc”：不是数字。"]
    _fill(at, "29.45", "113.55", "gcj02", "长源断面 GPS")
    assert "填反" in at.error[0].value
    _fill(at, "113.55", "29.45", None, "长源断面 GPS")
    assert "请选择坐标来源" in at.error[0].value
    _fill(at, "113.55", "29.45", "gcj02", "")
    assert "请说明位置从何而来" in at.error[0].value
    assert the_store().placements.history().empty
    _fill(at, "113.55", "29.45", "gcj02", "长源断面 GPS 2026-11-20")
    assert not at.error and "YTCY 将放置于 E113.54" in at.info[0].value
    assert not at.warning
    at.button(key="pl_confirm").click().run()
    assert not at.exception and not at.error
    assert any(s.value == "已保存 YTCY 的位置（第 1 版）。" for s in at.success)
    current = the_store().placements.current()["YTCY"]
    assert (current.datum, current.entered, current.by, current.version) == ("gcj02", "lon=113.55; lat=29.45", "u", 1)
    assert "当前位置：E113.54" in texts(at)

    at.switch_page("ui/pages/map.py").run()
    assert not at.exception
    page = texts(at)
    assert "后补位置的断面：YTCY 源潭河长源断面" in page and "长源断面 GPS 2026-11-20" in page
    assert "TDXQ" in page  # still 位置待定
    pending = next(c.value for c in at.caption if "位置待定" in c.value)
    assert "YTCY" not in pending
    at.sidebar.selectbox(key="water_body.zh").set_value("yuantan").run()
    assert not at.exception
    page = texts(at)
    assert "地图只显示其已放置的断面" in page and "已放置：E113.54" in page


def test_english_form_warns_before_confirming_and_a_correction_is_a_new_version(fresh_app):
    at = fresh_app
    at.sidebar.selectbox(key="lang").set_value("en").run()
    at.switch_page("ui/pages/admin.py").run()
    at.selectbox(key="pl_section.en.0").set_value("TDXQ")
    _fill(at, "115.5", "29.4", "wgs84", "station letter 2026-7", lang="en")
    assert not at.error
    assert [w.value.replace("\\", "") for w in at.warning] == ["Outside the county's area (E112.9–114.1, N29–30.1)."]
    assert at.button(key="pl_confirm").label == "Checked the warnings; save anyway"
    at.button(key="pl_cancel").click().run()
    assert not at.warning and the_store().placements.history().empty
    _fill(at, "113.49", "29.40", "wgs84", "station letter 2026-7", lang="en")
    assert not at.warning and at.button(key="pl_confirm").label == "Confirm and save"
    at.button(key="pl_confirm").click().run()
    assert any(s.value == "Saved the position of TDXQ (version 1)." for s in at.success)
    picked = next(sb for sb in at.selectbox if str(sb.key).startswith("pl_section.en."))
    assert picked.key != "pl_section.en.0" and picked.value == "TDXQ"  # a new key, the section kept
    assert picked.options[1] == "TDXQ (Tandu River) — placed (version 1)"
    _fill(at, "113.50", "29.41", "wgs84", "re-survey", lang="en")
    at.button(key="pl_confirm").click().run()
    assert any(s.value == "Saved the position of TDXQ (version 2)." for s in at.success)
    hist = the_store().placements.history("TDXQ")
    assert list(hist.version) == [2, 1] and list(hist.source) == ["re-survey", "station letter 2026-7"]
    frame = next(d.value for d in at.dataframe if "As typed" in d.value.columns)
    assert list(frame["As typed"]) == ["lon=113.50; lat=29.41", "lon=113.49; lat=29.40"]


def test_a_point_clicked_on_the_map_fills_the_form(fresh_app):
    at = fresh_app
    at.session_state["map_point"] = (29.45, 113.55)
    at.switch_page("ui/pages/admin.py").run()
    at.button(key="pl_use_map").click().run()
    assert at.text_input(key="pl_lon").value == "113.550000" and at.text_input(key="pl_lat").value == "29.450000"
    assert at.radio(key="pl_datum.zh").value == "wgs84"
