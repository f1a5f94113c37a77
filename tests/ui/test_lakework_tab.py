"""The Retirement page's lake-level tab (湖体治理), through AppTest as users meet it."""

from datetime import date

import pytest

from tests.conftest import actor
from tests.ui.conftest import login_as, the_store

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def app(fresh_app):
    return fresh_app


def _table(app, column):
    return next(df.value for df in app.dataframe if column in df.value.columns)


def _submit(app, form):
    return next(b for b in app.button if form in str(b.proto.id))


def _body(app, code, lang="zh"):
    """Choose a water body in the sidebar, as a user does before opening the page."""
    if not len(app.sidebar.selectbox):
        app.run()
    app.sidebar.selectbox(key=f"water_body.{lang}").set_value(code).run()


def test_an_administrator_records_plans_and_releases_and_voids_a_mistake(app):
    login_as(app, "赵六", "admin")
    _body(app, "yehu")
    app.switch_page("ui/pages/retirement.py").run()
    assert not app.exception
    assert "湖体治理" in [t.label for t in app.tabs]
    states = _table(app, "进度")
    assert states["方案"].tolist() == ["制订《冶湖底泥治理方案》", "制定冶湖湖体水生态修复方案"]
    assert states["状态"].tolist() == ["未起草", "未起草"] and states["期限"].tolist() == ["文件未规定期限"] * 2
    assert states["进度"].tolist() == ["持续推进", "持续推进"]  # no deadline in the documents: never overdue
    # A draft of the sediment plan.
    app.selectbox(key="lake_kind_0").set_value("sediment")
    app.radio(key="lake_status_0").set_value("drafted")
    app.date_input(key="lake_plan_date_0").set_value(date(2022, 9, 1))
    app.text_input(key="lake_doc_0").set_value("临自然资〔2022〕31号")
    _submit(app, "lake_plan_form_0").click().run()
    assert not app.exception
    assert any("已登记方案记录 #" in s.value for s in app.success)
    assert app.text_input(key="lake_doc_1").value == ""  # a fresh form for the next entry
    states = _table(app, "进度")
    assert states["状态"].tolist()[0] == "已起草" and states["文号"].tolist()[0] == "临自然资〔2022〕31号"
    # Approval dated before the draft: refused in Chinese, nothing written.
    app.selectbox(key="lake_kind_1").set_value("sediment")
    app.radio(key="lake_status_1").set_value("approved")
    app.date_input(key="lake_plan_date_1").set_value(date(2022, 8, 1))
    _submit(app, "lake_plan_form_1").click().run()
    refusal = app.error[0].value.replace("\\", "")  # Markdown-escaped on the page
    assert refusal.startswith("未保存：") and "早于起草日期 2022-09-01" in refusal
    assert len(the_store().lakework.plans()) == 1
    # A release.
    app.date_input(key="lake_rel_date_0").set_value(date(2023, 1, 5))
    app.text_input(key="lake_species_0").set_value("河蚌")
    app.number_input(key="lake_qty_0").set_value(500.0)
    app.selectbox(key="lake_qunit_0").set_value("kg")
    app.number_input(key="lake_area_0").set_value(200.0)
    assert app.selectbox(key="lake_rel_unit_0").value == "市农业农村局"  # the plan's unit by default
    _submit(app, "lake_release_form_0").click().run()
    assert not app.exception and any("已登记投放记录 #" in s.value for s in app.success)
    rel = _table(app, "物种")
    assert rel["数量"].tolist() == ["500 千克"] and rel["水域面积"].tolist() == ["200 亩"]
    assert any("累计投放" in m.value and "河蚌 500 千克" in m.value for m in app.markdown)
    # Hostile text in a species name reaches the page escaped, never as markup.
    the_store().lakework.add_release(date(2023, 1, 6), "<img src=x onerror=alert(1)>**螺**", 1, "kg", user=actor("u"))
    app.run()
    totals = next(m.value for m in app.markdown if "累计投放" in m.value)
    assert "\\<img" in totals and "\\*\\*螺" in totals
    # A release without a quantity is refused with the field named.
    app.text_input(key="lake_species_1").set_value("螺蛳")
    _submit(app, "lake_release_form_1").click().run()
    assert "数量" in app.error[0].value
    # Void the release: kept in the list, marked void.
    rid = int(the_store().lakework.releases().id.iloc[0])
    app.selectbox(key="lake_release_void_pick").set_value(rid)
    app.text_input(key="lake_release_void_reason").set_value("数量录错")
    _submit(app, "lake_release_void").click().run()
    assert not app.exception
    rel = _table(app, "物种")
    assert len(rel) == 2 and "数量录错" in rel["作废"].iloc[0]
    assert the_store().lakework.releases().set_index("id").loc[rid, "voided_by"] == "赵六"


def test_the_plan_file_is_offered_for_download(app):
    the_store().lakework.add_plan("ecology", "approved", date(2022, 12, 1), user=actor("u"), file=PDF,
                                  file_name="修复方案.pdf", document_no="临政函〔2022〕99号")  # fmt: skip
    _body(app, "yehu")
    app.switch_page("ui/pages/retirement.py").run()
    assert not app.exception
    assert _table(app, "进度")["状态"].tolist() == ["未起草", "已批复"]
    assert any(b.label == "下载 修复方案\\.pdf" for b in app.get("download_button"))


def test_the_leading_group_is_shown_and_edited_by_administrators_only(app):
    app.switch_page("ui/pages/retirement.py").run()
    group = _table(app, "单位职务")
    assert group["姓名"].tolist()[:2] == ["李开龙", "戴季田"] and group["所属"].tolist()[-1] == "办公室"
    assert any("名单来自配置文件" in c.value for c in app.caption)
    # Saving the list through the store as the page does; the page shows the edited list.
    members = the_store().lakework.group()["members"]
    members[0] = members[0] | {"name": "张三"}
    the_store().lakework.set_group(members, user=actor("u"))
    app.run()
    assert _table(app, "单位职务")["姓名"].tolist()[0] == "张三"
    assert any("第 1 版" in c.value for c in app.caption)
    assert any(b.label == "保存名单" for b in app.button)
    # An inspector sees the group and the lists, but no lake forms and no edit button.
    login_as(app, "王五", "inspector")
    app.switch_page("ui/pages/retirement.py").run()
    assert not app.exception
    ids = [str(b.proto.id) for b in app.button]
    assert not any("lake_plan_form" in i or "lake_release_form" in i for i in ids)
    assert not any(b.label == "保存名单" for b in app.button)
    assert any("登记湖体治理方案" in i.value for i in app.info)  # said once at the top


def test_the_tab_in_english(app):
    app.sidebar.selectbox(key="lang").set_value("en").run()
    _body(app, "yehu", "en")
    app.switch_page("ui/pages/retirement.py").run()
    assert not app.exception
    assert "Lake-level work" in [t.label for t in app.tabs]
    states = _table(app, "Progress")
    assert states["Status"].tolist() == ["not drafted", "not drafted"]
    assert states["Plan"].tolist()[0] == "Draw up the Yehu sediment treatment plan"
