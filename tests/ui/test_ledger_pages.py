from datetime import date

import pytest

from geo.mapping import STATUS_COLOURS
from tests.conftest import actor
from tests.geo.test_mapping import pond_layer, pond_styles
from tests.ui.conftest import login_as, the_store
from tests.ui.test_app import component_data


@pytest.fixture
def app(fresh_app):
    return fresh_app


def test_recording_a_step_moves_the_dashboard_and_the_map(app):
    app.switch_page("ui/pages/retirement.py").run()
    assert not app.exception
    grid = app.dataframe[0].value
    assert len(grid) == 17 and "解除承包经营合同" in grid.columns
    login_as(app, "李四", "admin")
    app.switch_page("ui/pages/retirement.py").run()
    app.selectbox(key="ledger_pond").set_value(5).run()
    # The record form: step, date, unit, note, document, photo.
    app.selectbox(key="rec_step").set_value("end_contract")
    app.date_input(key="rec_date").set_value(date(2022, 4, 9))
    app.text_input(key="rec_doc_0").set_value("江南〔2022〕7号")
    app.text_area(key="rec_note_0").set_value("合同原件已收回")
    app.button[0].click().run()
    assert not app.exception
    # Saved: a confirmation naming the event, and an empty form for the next step.
    assert any("已保存：事件 #" in s.value for s in app.success)
    assert app.text_input(key="rec_doc_1").value == "" and app.text_area(key="rec_note_1").value == ""
    done = the_store().ledger.done_steps()["5"]
    assert done["end_contract"][0] == date(2022, 4, 9)
    ev = the_store().ledger.events("5")
    assert ev.recorded_by.tolist() == ["李四"] and ev.document_no.tolist() == ["江南〔2022〕7号"]
    assert ev.responsible_unit.tolist() == ["江南镇"]
    # Refused: 销号 needs the contract step first (pond 6 has none).
    app.selectbox(key="ledger_pond").set_value(6).run()
    app.selectbox(key="rec_step").set_value("closed_out")
    app.button[0].click().run()
    assert app.error[0].value == "未记录：“退养完成 / 整治销号”需要先完成“解除承包经营合同”。"  # Chinese throughout
    # Dashboard figures.
    the_store().ledger.record("5", "closed_out", date(2022, 5, 1), user=actor("u"))
    app.switch_page("ui/pages/dashboard.py").run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["已退养销号"] == "1 / 17" and metrics["退养面积（亩）"] == "200 / 1552"
    # The map colours pond 5 as retired, and ponds without a ledger entry as overdue (the plan's
    # deadlines are past), not as unknown.
    app.switch_page("ui/pages/map.py").run()
    styles = pond_styles(component_data(app)["parts"]["script"])
    style = lambda p: styles.get(p, styles["default"])  # noqa: E731
    assert style(5)["fillColor"] == STATUS_COLOURS["retired"]
    assert style(1)["fillColor"] == STATUS_COLOURS["overdue"]
    ponds = pond_layer(component_data(app)["parts"]["script"])["features"]
    assert {f["properties"]["status"] for f in ponds} == {"已退养销号", "逾期"}


def test_dashboard_click_through_selects_the_pond(app):
    app.switch_page("ui/pages/dashboard.py").run()
    app.button(key="open_stop_inputs_1").click().run()
    assert app.session_state["selected_pond"] == 1


def test_dashboard_in_english(app):
    app.sidebar.selectbox(key="lang").set_value("en").run()
    app.switch_page("ui/pages/dashboard.py").run()
    assert app.title[0].value == "Dashboard"
    assert [m.label for m in app.metric][:2] == ["Retired & closed out", "Area retired (mu)"]


def test_patrol_and_tip_forms(app):
    login_as(app, "王五", "inspector")
    app.switch_page("ui/pages/retirement.py").run()
    app.multiselect(key="p_ponds").set_value([8])
    app.multiselect(key="p_find").set_value(["dead_fish"])
    patrol_submit = next(b for b in app.button if "patrol_form" in str(b.proto.id))
    patrol_submit.click().run()
    assert "死鱼" in app.error[0].value or "disposed" in app.error[0].value  # disposal required
    app.text_input(key="p_disp").set_value("深埋")
    next(b for b in app.button if "patrol_form" in str(b.proto.id)).click().run()
    row = the_store().field.list_patrols().iloc[0]
    assert row.ponds == "8" and row.inspectors == "王五" and row.dead_fish_disposal == "深埋"
    app.text_area(key="t_what").set_value("夜间投饵")
    app.text_input(key="t_loc").set_value("东经113.42517 北纬29.6439")
    next(b for b in app.button if "tip_form" in str(b.proto.id)).click().run()
    assert "GCJ\\-02" in app.error[0].value  # a typed coordinate needs its datum
    app.radio(key="t_datum.zh").set_value("wgs84")
    next(b for b in app.button if "tip_form" in str(b.proto.id)).click().run()
    assert not app.exception
    assert any("最近鱼池 8号" in s.value for s in app.success)
    tip = the_store().field.list_tips().iloc[0]
    assert bool(tip.in_ban_zone) and "坐标按 WGS84/CGCS2000 录入：东经113.42517 北纬29.6439" in tip.what
    # Copied from Gaode: converted on entry (about 640 m), the original kept with the tip.
    app.text_area(key="t_what").set_value("排污")
    app.text_input(key="t_loc").set_value("E113.43100 N29.64150")
    app.radio(key="t_datum.zh").set_value("gcj02")
    next(b for b in app.button if "tip_form" in str(b.proto.id)).click().run()
    assert not app.exception
    from geo.crs import wgs84_to_gcj02

    tip = the_store().field.list_tips().sort_values("id").iloc[-1]
    lon, lat = (float(v[1:]) for v in tip.location_text.split())
    back = wgs84_to_gcj02(lon, lat)
    assert abs(back[0] - 113.431) < 1e-6 and abs(back[1] - 29.6415) < 1e-6
    assert "坐标按 GCJ-02 录入：E113.43100 N29.64150" in tip.what


def test_pages_follow_the_pond_selected_elsewhere(app):
    app.switch_page("ui/pages/retirement.py").run()
    app.switch_page("ui/pages/samples.py").run()  # both pond widgets exist before the pick
    app.switch_page("ui/pages/dashboard.py").run()
    app.button(key="open_stop_inputs_3").click().run()  # overdue group 停止投苗… · 江南镇: pond 3
    chosen = app.session_state["selected_pond"]
    assert chosen == 3
    app.switch_page("ui/pages/retirement.py").run()
    assert app.selectbox(key="ledger_pond").value == chosen
    app.switch_page("ui/pages/map.py").run()
    assert app.selectbox(key="pond_select").value == chosen
    app.switch_page("ui/pages/samples.py").run()
    assert app.selectbox(key="entry_site").value == str(chosen)
