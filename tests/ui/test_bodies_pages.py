"""The water body selector in the sidebar: every page follows it, in both languages (AppTest)."""

import pytest


def texts(at):
    out = [
        str(el.value)
        for kind in ("markdown", "caption", "info", "error", "success", "subheader")
        for el in getattr(at, kind)
    ]
    for df in at.dataframe:
        out += [str(c) for c in df.value.columns] + [str(v) for c in df.value.columns for v in df.value[c]]
    return "\n".join(out)


def choose(at, code, lang="zh"):
    at.sidebar.selectbox(key=f"water_body.{lang}").set_value(code).run()
    return healthy(at)


def healthy(at):
    """No exception and no incident message from the error boundary."""
    assert not at.exception, at.exception[0].value if at.exception else ""
    assert not [e.value for e in at.error if "事件编号" in e.value or "incident" in e.value]
    return at


def test_selector_defaults_to_all_and_lists_the_bodies(fresh_app):
    box = fresh_app.sidebar.selectbox(key="water_body.zh")
    assert box.value == "all" and box.options == ["全部水体", "冶湖", "黄盖湖", "源潭河", "坦渡河"]


def test_dashboard_shows_each_body_against_its_target(fresh_app):
    at = fresh_app
    healthy(at.switch_page("ui/pages/dashboard.py").run())
    table = next(df.value for df in at.dataframe if "目标类别" in df.value.columns)
    rows = table.set_index("水体")
    assert list(rows.index) == ["冶湖", "黄盖湖", "源潭河", "坦渡河"]
    assert rows.loc["源潭河", "最新水质类别（各断面最差）"] == "III" and rows.loc["源潭河", "达到目标"] == "是"
    assert rows.loc["坦渡河", "最新水质类别（各断面最差）"] == "II" and rows.loc["源潭河", "目标类别"] == "III (暂定)"
    assert (
        rows.loc["源潭河", "位置待定的断面"] == "YTCY" and rows.loc["黄盖湖", "最新水质类别（各断面最差）"] == "无数据"
    )
    choose(at, "yuantan")
    table = next(df.value for df in at.dataframe if "目标类别" in df.value.columns)
    assert list(table["水体"]) == ["源潭河"]
    assert "位置待定" in texts(at) and at.metric[0].value == "0 / 0"
    assert "没有登记的鱼塘，没有已知的轮廓，也没有已放置的断面" in texts(at)
    buttons = {b.proto.label: b.proto.disabled for b in at.get("download_button")}  # the 台账 has its section
    assert buttons == {"台账 XLSX": False, "GEOJSON": True, "GPKG": True, "KML": True, "周报（PDF）": False}
    at.sidebar.selectbox(key="lang").set_value("en").run()
    table = next(df.value for df in at.dataframe if "Target class" in df.value.columns)
    assert list(table["Water body"]) == ["Yuantan River"]  # the choice survives the language switch
    assert "river (GB 3838 river table)" in list(table["Kind (standard)"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_map_samples_retirement_follow_the_body(fresh_app, lang):
    at = fresh_app
    at.sidebar.selectbox(key="lang").set_value(lang).run()
    healthy(at.switch_page("ui/pages/map.py").run())
    pending = "位置待定、未在地图上绘出的断面" if lang == "zh" else "Sections without a position"
    assert pending in texts(at) and ("源潭河长源断面" if lang == "zh" else "Yuantan River") in texts(at)
    choose(at, "huanggai", lang)
    words = {
        "zh": ("没有已知的湖界", "自然保护区缓冲区"),
        "en": ("has no known outline", "nature reserve buffer zone"),
    }[lang]
    assert all(w in texts(at) for w in words)
    healthy(at.switch_page("ui/pages/samples.py").run())
    assert ("该水体还没有监测点位" if lang == "zh" else "has no monitoring sites") in texts(at)
    choose(at, "tandu", lang)
    assert at.selectbox(key="entry_site").options == ["TDXQ · 坦渡河新桥断面"]
    healthy(at.switch_page("ui/pages/retirement.py").run())
    assert ("没有登记的鱼塘" if lang == "zh" else "has no registered ponds") in texts(at)
    choose(at, "yehu", lang)
    assert len(at.dataframe[0].value) == 17  # Yehu's 17 ponds, as before
