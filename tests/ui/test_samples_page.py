from datetime import date, datetime

import pytest

from monitoring.samples import TZ, ParsedValue, SampleInput
from tests.conftest import actor
from tests.ui.conftest import login_as, the_store


@pytest.fixture
def page(fresh_app):
    fresh_app.switch_page("ui/pages/samples.py").run()
    assert not fresh_app.exception
    return fresh_app


def enter(at, site, value, day=date(2022, 4, 12)):
    at.selectbox(key="entry_site").set_value(site)
    at.date_input(key="entry_day").set_value(day)
    at.text_input(key="entry_value").set_value(value)
    at.button[0].click().run()


def test_tabs_and_empty_database(page):
    assert [t.label for t in page.tabs] == ["录入", "批量导入", "每周达标", "异常溯源", "历史与图表"]
    assert not page.sidebar.warning  # no demo banner without synthetic data


def test_entry_refused_for_a_viewer(page):
    login_as(page, "viewer1", "viewer")
    page.switch_page("ui/pages/samples.py").run()
    assert "只读" in page.info[0].value  # says so before anything is typed
    enter(page, "3", "0.1")
    assert "不能录入样品" in page.error[0].value
    assert the_store().samples.find(site="3").empty


def test_entry_saves_and_shows_in_the_site_history(page):
    login_as(page, "张三", "inspector")
    page.switch_page("ui/pages/samples.py").run()
    enter(page, "9", "0.35")
    assert not page.exception
    assert "已保存" in page.success[0].value
    assert "溯源" in page.warning[0].value  # 0.35 > 0.2 opened a case
    history = page.dataframe[0].value
    assert history.iloc[0]["结果"] == "0.35"
    s = the_store().samples.find(site="9").iloc[0]
    assert s.created_by == "张三" and s.sampled_at.date() == date(2022, 4, 12)


def test_entry_errors_name_field_and_value(page):
    login_as(page, "张三", "inspector")
    page.switch_page("ui/pages/samples.py").run()
    enter(page, "3", "-1")
    assert page.error[0].value == "未保存：浓度值，“\\-1”：浓度不能为负。"
    enter(page, "3", "<0.01")
    enter(page, "3", "0.02")
    assert "重复" in page.error[0].value and "常规样品" in page.error[0].value  # the duplicate, in Chinese words
    assert len(the_store().samples.find(site="3")) == 1


def test_weekly_tracing_and_history_tabs(page):
    s = the_store()
    s.samples.add(
        SampleInput("9", datetime(2022, 4, 12, 9, tzinfo=TZ), ParsedValue(0.35, False, None)), user=actor("u")
    )
    s.samples.add(SampleInput("8", datetime(2022, 4, 12, 9, tzinfo=TZ), ParsedValue(0.01, True, 0.01)), user=actor("u"))
    page.run()
    page.selectbox(key="week").set_value("2022-W15").run()
    assert not page.exception
    assert "超标 1 个" in page.info[0].value
    frames = [d.value for d in page.dataframe]
    assert any("9 · 唐小阶水产养殖场" in f.iloc[:, 0].tolist() for f in frames)
    assert page.selectbox(key="case_pick").options  # the open case is listed
    page.selectbox(key="chart_site_pick").set_value("9").run()
    assert not page.exception


def test_demo_data_banner_on_every_page(page):
    from monitoring.demo import load_demo
    from ui.data import has_demo_data

    load_demo(the_store(), user=actor("u"), weeks=2)
    has_demo_data.clear()
    page.run()
    assert "演示数据" in page.sidebar.warning[0].value
    page.switch_page("ui/pages/map.py").run()
    assert "演示数据" in page.sidebar.warning[0].value
    the_store().demo.remove(user=actor("u"))
    has_demo_data.clear()
    page.run()
    assert not page.sidebar.warning


def test_open_cases_show_on_the_map(page):
    import json as _json

    from tests.ui.test_app import component_data

    the_store().samples.add(
        SampleInput("9", datetime(2022, 4, 12, 9, tzinfo=TZ), ParsedValue(0.35, False, None)), user=actor("u")
    )
    page.switch_page("ui/pages/map.py").run()
    script = component_data(page)["parts"]["script"]
    text = "9 点位：1 个进行中的溯源案件"
    assert text in script or _json.dumps(text)[1:-1] in script


def test_the_weekly_tab_opens_on_the_dashboards_week(page):
    from geo.register import load_register
    from monitoring import clock
    from monitoring.progress import progress

    week = clock.this_week()
    assert page.selectbox(key="week").value == week
    assert progress(the_store(), load_register())["week"]["week"] == week
