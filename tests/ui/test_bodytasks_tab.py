"""The 湖体治理 tab per water body, rectification tasks and their counts on the Dashboard, through AppTest."""

from datetime import date

import pytest

from tests.conftest import actor
from tests.ui.conftest import login_as, the_store

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def app(fresh_app):
    return fresh_app


def _body(app, code, lang="zh"):
    app.sidebar.selectbox(key=f"water_body.{lang}").set_value(code).run()


def _table(app, column):
    return next(df.value for df in app.dataframe if column in df.value.columns)


def _submit(app, form):
    return next(b for b in app.button if form in str(b.proto.id))


def _tab_texts(app):
    return [m.value for m in app.markdown] + [c.value for c in app.caption]


def test_huanggai_lake_has_its_own_plans_tasks_and_progress_form(app):
    login_as(app, "赵六", "admin")
    _body(app, "huanggai")
    app.switch_page("ui/pages/retirement.py").run()
    assert not app.exception
    assert [t.label for t in app.tabs] == ["湖体治理"]  # no ponds of its own: the lake-level work only
    plans = _table(app, "进度")
    assert plans["方案"].tolist() == ["制定黄盖湖湖体水生态修复方案"] and plans["责任单位"].tolist() == ["市农业农村局"]
    assert "四、1 整改措施（5）" in plans["依据"].iloc[0]
    assert app.selectbox(key="lake_kind_0").options == ["制定黄盖湖湖体水生态修复方案"]
    assert any("四、1 整改措施（3）" in c for c in _tab_texts(app))  # the release the list asks for, with its clause
    tasks = _table(app, "整改进度")
    assert len(tasks) == 9 and "水体" not in tasks.columns
    pond = tasks[tasks["整改任务"].str.startswith("依法拆除")].iloc[0]
    assert pond["牵头责任单位"] == "市林业局" and pond["整改时限"] == "2022-11-30" and pond["状态"] == "未开始"
    assert pond["整改进度"].startswith("逾期") and "二、1" in pond["依据"]
    assert any("文件未为该水体设立领导小组" in c for c in _tab_texts(app))
    # Progress on the buffer-zone demolition, with a photo as evidence.
    app.selectbox(key="task_key_0").set_value("hg_buffer_pond")
    app.radio(key="task_status_0").set_value("in_progress")
    app.date_input(key="task_date_0").set_value(date(2022, 10, 8))
    app.text_input(key="task_unit_0").set_value("聂市镇")
    app.text_area(key="task_note_0").set_value("聂市镇已组织人员进场拆除")
    _submit(app, "task_form_0").click().run()
    assert not app.exception and any("已登记整改进展记录 #1" in s.value for s in app.success)
    rows = the_store().tasks.progress()
    assert rows.task_key.tolist() == ["hg_buffer_pond"] and rows.recorded_by.tolist() == ["赵六"]
    pond = _table(app, "整改进度").set_index("整改任务").filter(like="依法拆除", axis=0).iloc[0]
    assert pond["状态"] == "推进中" and pond["最近进展日期"] == "2022-10-08"
    # Closing it out before it was done: refused in Chinese, nothing written.
    app.selectbox(key="task_key_1").set_value("hg_buffer_pond")
    app.radio(key="task_status_1").set_value("closed")
    app.date_input(key="task_date_1").set_value(date(2022, 11, 1))
    app.text_area(key="task_note_1").set_value("已验收")
    _submit(app, "task_form_1").click().run()
    assert app.error and app.error[0].value.startswith("未保存：") and "不能销号" in app.error[0].value
    assert len(the_store().tasks.progress()) == 1
    # Hostile text in a note is shown as text; the entry is voided with a reason and kept.
    the_store().tasks.add_progress("hg_bullfrog", "in_progress", date(2022, 10, 9), "<img src=x onerror=alert(1)>",
                                   user=actor("u"), file=PNG, file_name="牛蛙场.png")  # fmt: skip
    app.run()
    entries = _table(app, "进展说明与佐证")
    assert entries["进展说明与佐证"].tolist()[-1] == "<img src=x onerror=alert(1)>"  # a dataframe cell: never HTML
    assert any(b.label == "下载 牛蛙场\\.png" for b in app.get("download_button"))
    app.selectbox(key="task_void_pick").set_value(1)
    app.text_input(key="task_void_reason").set_value("日期录错")
    _submit(app, "task_void").click().run()
    assert not app.exception
    assert "日期录错" in _table(app, "进展说明与佐证")["作废"].iloc[0]
    assert the_store().tasks.progress().set_index("id").loc[1, "voided_by"] == "赵六"


def test_a_plan_for_huanggai_lake_goes_to_its_own_body(app):
    _body(app, "huanggai")
    app.switch_page("ui/pages/retirement.py").run()
    app.radio(key="lake_status_0").set_value("drafted")
    app.date_input(key="lake_plan_date_0").set_value(date(2022, 9, 1))
    _submit(app, "lake_plan_form_0").click().run()
    assert not app.exception
    plans = the_store().lakework.plans(None)
    assert plans.water_body.tolist() == ["huanggai"] and plans.kind.tolist() == ["ecology"]
    assert _table(app, "进度")["状态"].tolist() == ["已起草"]
    _body(app, "yehu")  # Yehu's ecology plan is its own: still not drafted
    assert _table(app, "进度")["状态"].tolist() == ["未起草", "未起草"]


def test_every_body_shows_a_breakdown_and_a_body_column(app):
    the_store().tasks.add_progress("yh_enforcement", "done", date(2022, 6, 1), "专项执法", user=actor("u"))
    the_store().lakework.add_release(date(2023, 1, 5), "河蚌", 500, "kg", user=actor("u"), water_body="huanggai")
    app.switch_page("ui/pages/retirement.py").run()
    assert not app.exception
    summary = _table(app, "未完成").set_index("水体")
    assert summary.index.tolist() == ["冶湖", "黄盖湖", "源潭河", "坦渡河"]
    assert summary["方案（已批复/要求）"].tolist() == ["0 / 2", "0 / 1", "0 / 0", "0 / 0"]
    assert summary.loc["冶湖", "整改任务"] == 2 and summary.loc["冶湖", "未完成"] == 1
    assert summary.loc["黄盖湖", "整改任务"] == 9 and summary.loc["黄盖湖", "投放记录"] == 1
    assert summary.loc["坦渡河", "整改任务"] == 0
    assert _table(app, "整改进度")["水体"].value_counts().to_dict() == {"黄盖湖": 9, "冶湖": 2}
    assert _table(app, "物种")["水体"].tolist() == ["黄盖湖"]
    assert len(_table(app, "进度")) == 3 and "水体" in _table(app, "进度").columns
    # The release form asks which body.
    assert app.selectbox(key="lake_rel_body_0").value == "yehu"
    assert app.selectbox(key="lake_kind_0").options == [
        "制订《冶湖底泥治理方案》", "制定冶湖湖体水生态修复方案", "制定黄盖湖湖体水生态修复方案"]  # fmt: skip


def test_the_dashboard_counts_open_and_overdue_tasks_per_body(app):
    the_store().tasks.add_progress("hg_buffer_pond", "done", date(2022, 11, 20), "拆除复原完毕", user=actor("u"))
    app.switch_page("ui/pages/dashboard.py").run()
    assert not app.exception
    counts = next(df.value for df in app.dataframe if "已销号" in df.value.columns).set_index("水体")
    assert counts.index.tolist() == ["冶湖", "黄盖湖"]
    assert (counts.loc["黄盖湖", "整改任务"], counts.loc["黄盖湖", "未完成"]) == (9, 8)
    assert counts.loc["黄盖湖", "逾期"] >= 2 and counts.loc["冶湖", "逾期"] == 0  # later deadlines pass with the clock
    errors = [e.value for e in app.error]
    assert any(e.startswith("黄盖湖 · 在通往黄盖湖保护区主要路口安装标示标牌 · 逾期") for e in errors)
    assert not any("依法拆除" in e for e in errors)  # done: not overdue
    _body(app, "tandu")
    assert any("整改清单未对所选水体列出任务" in c.value for c in app.caption)


def test_in_english_and_for_an_inspector(app):
    app.sidebar.selectbox(key="lang").set_value("en").run()
    _body(app, "huanggai", "en")
    app.switch_page("ui/pages/retirement.py").run()
    assert not app.exception
    tasks = _table(app, "Where it stands")
    assert any(t.startswith("Demolish the fish pond built in the reserve's buffer zone") for t in tasks["Task"])
    assert set(tasks["Status"]) == {"not started"}
    assert _table(app, "Progress")["Plan"].tolist() == ["Draw up the Huanggai Lake aquatic ecological restoration plan"]
    app.switch_page("ui/pages/dashboard.py").run()
    assert "Rectification tasks by water body" in [h.value for h in app.subheader]
    login_as(app, "王五", "inspector")
    app.switch_page("ui/pages/retirement.py").run()
    assert not app.exception
    assert not any("task_form" in str(b.proto.id) for b in app.button)
    assert any("record rectification task progress" in i.value for i in app.info)
