"""Admin → 名录更正与核实 → 点位别名: list, add, remove (AppTest)."""

from tests.ui.conftest import the_store


def _click(at, form):
    next(b for b in at.button if form in str(b.proto.id)).click().run()


def test_admin_adds_and_removes_an_alias(fresh_app):
    at = fresh_app
    at.switch_page("ui/pages/admin.py").run()
    assert not at.exception
    assert any(c.value == "还没有点位别名。" for c in at.caption)
    at.selectbox(key="al_site").set_value("6")
    at.text_input(key="al_text").set_value("东湾*排口*")
    _click(at, "add_alias")
    assert not at.exception and not at.error
    assert at.success[0].value == "已新增别名“东湾\\*排口\\*” → 点位 6。"  # the name as text, never Markdown
    assert list(the_store().aliases.list_aliases().alias) == ["东湾*排口*"]
    at.selectbox(key="al_site").set_value("7")
    at.text_input(key="al_text").set_value("5号塘")
    _click(at, "add_alias")
    assert "已指向点位 5" in at.error[0].value
    at.selectbox(key="al_remove").set_value("东湾*排口*")
    _click(at, "remove_alias")
    assert not at.exception and "原指点位 6" in at.success[0].value
    assert the_store().aliases.list_aliases().empty


def test_aliases_in_english(fresh_app):
    at = fresh_app
    at.sidebar.selectbox(key="lang").set_value("en").run()
    at.switch_page("ui/pages/admin.py").run()
    assert any(c.value == "No site aliases yet." for c in at.caption)
    at.text_input(key="al_text").set_value("5号")
    _click(at, "add_alias")
    assert "already means site 5" in at.error[0].value and "已" not in at.error[0].value.replace("5号", "")
