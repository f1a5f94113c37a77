"""Login gate, role-aware navigation, the account page and the Admin page (AppTest)."""

from streamlit.testing.v1 import AppTest

from monitoring.auth import CONSOLE
from tests.conftest import ROOT
from tests.ui.conftest import PASSWORD, login_as, the_store


def test_anonymous_sees_only_the_login_page(anonymous_app):
    at = anonymous_app
    assert not at.exception
    assert [t.value for t in at.title] == ["冶湖监管"] and at.subheader[0].value == "登录"
    assert "python -m monitoring users create --role admin" in at.warning[0].value  # no accounts yet
    # Switching to a data page is impossible: it is not in the navigation.
    try:
        at.switch_page("ui/pages/samples.py").run()
    except Exception:
        pass
    assert not any(t.value == "采样" for t in at.title)


def test_login_form_refuses_then_accepts(anonymous_app):
    from monitoring.auth import CONSOLE

    the_store().accounts.create("li", PASSWORD, "inspector", user=CONSOLE)
    at = anonymous_app.run()
    assert not at.warning  # accounts exist now
    at.text_input(key="login_user").set_value("li")
    at.text_input(key="login_password").set_value("wrong-password")
    at.button[0].click().run()
    assert at.error[0].value == "用户名或密码错误。"
    at.text_input(key="login_password").set_value(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "地图"
    assert "li" in at.sidebar.markdown[-1].value and "巡查员" in at.sidebar.markdown[-1].value
    # Logout from the sidebar: back to the login page, and the session is ended in the database.
    at.sidebar.button(key="logout").click().run()
    assert at.subheader[0].value == "登录"
    assert the_store().audit.log(action="auth.logout").entity_id.tolist() == ["li"]


def test_lock_message_after_five_failures(anonymous_app):
    from monitoring.auth import CONSOLE

    the_store().accounts.create("li", PASSWORD, "inspector", user=CONSOLE)
    at = anonymous_app.run()
    for _ in range(5):
        at.text_input(key="login_user").set_value("li")
        at.text_input(key="login_password").set_value("wrong-password")
        at.button[0].click().run()
    at.text_input(key="login_password").set_value(PASSWORD)
    at.button[0].click().run()
    assert "锁定" in at.error[0].value and "15 分钟" in at.error[0].value


def test_public_map_when_configured(tmp_path, monkeypatch, anonymous_app):
    cfg = (ROOT / "config" / "yehu.toml").read_text(encoding="utf-8").replace("public_map = false", "public_map = true")
    (tmp_path / "yehu.toml").write_text(cfg, encoding="utf-8")
    monkeypatch.setenv("YEHU_CONFIG", str(tmp_path / "yehu.toml"))
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert "未登录也可查看地图" in at.caption[0].value
    at.switch_page("ui/pages/map.py").run()
    assert not at.exception and at.title[0].value == "地图"


def test_viewer_has_no_admin_page_and_read_only_forms(fresh_app):
    at = login_as(fresh_app, "zhao", "viewer")
    at.switch_page("ui/pages/retirement.py").run()
    assert "只读" in at.info[0].value
    try:
        at.switch_page("ui/pages/admin.py").run()
        reached = any(t.value == "管理" for t in at.title)
    except Exception:
        reached = False
    assert not reached


def test_admin_creates_a_user_and_sees_the_audit_trail(fresh_app):
    at = fresh_app
    at.switch_page("ui/pages/admin.py").run()
    assert not at.exception
    at.text_input(key="nu_name").set_value("wang")
    at.text_input(key="nu_display").set_value("王五")
    at.selectbox(key="nu_role.zh").set_value("inspector")
    at.text_input(key="nu_pw").set_value("wang-password-1")
    at.text_input(key="nu_pw2").set_value("wang-password-1")
    next(b for b in at.button if "new_user" in str(b.proto.id)).click().run()
    assert not at.exception
    assert any("wang" in s.value for s in at.success)
    users = the_store().accounts.list_users().set_index("username")
    assert users.loc["wang", "role"] == "inspector" and users.loc["wang", "recorded_by"] == "u"
    # The audit tab lists it; filtering by action keeps only user changes.
    at.text_input(key="au_action").set_value("user.").run()
    audit = next(df.value for df in at.dataframe if "操作" in df.value.columns)
    assert set(audit["操作"]) == {"user.create"} and "wang" in set(audit["对象编号"])
    # Disable it from the edit form: its login stops working.
    at.selectbox(key="eu_name").set_value("wang")
    at.radio(key="eu_state.zh").set_value("disable")
    next(b for b in at.button if "edit_user" in str(b.proto.id)).click().run()
    assert not bool(the_store().accounts.list_users().set_index("username").loc["wang", "active"])


def test_admin_corrects_and_verifies_a_pond(fresh_app):
    at = fresh_app
    at.switch_page("ui/pages/admin.py").run()
    at.selectbox(key="rg_pond").set_value(9).run()
    at.text_input(key="rg_coord").set_value("E113.4143 N29.6399")
    next(b for b in at.button if "correct_pond" in str(b.proto.id)).click().run()
    assert "GCJ\\-02" in at.error[0].value  # a typed coordinate needs its datum
    at.text_input(key="rg_coord").set_value("E113.4143 N29.6399")
    at.radio(key="rg_datum.zh").set_value("wgs84")
    next(b for b in at.button if "correct_pond" in str(b.proto.id)).click().run()
    assert "原因" in at.error[0].value  # a correction needs its reason (said in Chinese)
    at.text_input(key="rg_coord").set_value("E113.4143 N29.6399")
    at.text_input(key="rg_reason").set_value("村委会核对")
    at.radio(key="rg_datum.zh").set_value("wgs84")
    next(b for b in at.button if "correct_pond" in str(b.proto.id)).click().run()
    assert not at.exception and at.success
    assert the_store().register.edits(9).reason.iloc[-1] == "村委会核对；坐标按 WGS84/CGCS2000 录入：E113.4143 N29.6399"
    at.text_input(key="rg_gps").set_value("E113.41431 N29.63992")
    at.radio(key="rg_gps_datum.zh").set_value("wgs84")
    at.text_input(key="rg_by").set_value("李四")
    next(b for b in at.button if "verify_pond" in str(b.proto.id)).click().run()
    assert not at.exception
    edits = the_store().register.edits(9)
    assert edits.kind.tolist() == ["correct", "verify"] and edits.verified_by.tolist()[-1] == "李四"
    at.run()
    table = next(df.value for df in at.dataframe if "原表" in df.value.columns)
    assert table.iloc[0]["原表"] == "E113.4143 N29.3699" and table.iloc[0]["当前"] == "E113.41431 N29.63992"
    # A position copied from Gaode (GCJ-02) is converted on entry; the original is kept in the reason.
    at.selectbox(key="rg_pond").set_value(1).run()
    at.text_input(key="rg_coord").set_value("E113.4200 N29.6610")
    at.text_input(key="rg_reason").set_value("高德地图")
    at.radio(key="rg_datum.zh").set_value("gcj02")
    next(b for b in at.button if "correct_pond" in str(b.proto.id)).click().run()
    assert not at.exception
    from geo.crs import gcj02_to_wgs84

    lon, lat = gcj02_to_wgs84(113.42, 29.661)
    edit = the_store().register.edits(1).iloc[-1]
    assert edit.changes["coord_text"] == f"E{lon:.6f} N{lat:.6f}"
    assert edit.reason == f"高德地图；坐标按 GCJ-02 录入：E113.4200 N29.6610，已换算为 CGCS2000：E{lon:.6f} N{lat:.6f}"
    # The map page now shows pond 9 as verified (green ring) and no longer suspect.
    at.switch_page("ui/pages/map.py").run()
    assert not at.exception
    from tests.ui.test_app import component_data

    assert "#15803d" in component_data(at)["parts"]["script"]


def test_account_page_changes_the_password(fresh_app):
    at = login_as(fresh_app, "li", "inspector")
    at.switch_page("ui/pages/account.py").run()
    inputs = at.text_input
    inputs[0].set_value(PASSWORD)
    inputs[1].set_value("a-fresh-password")
    inputs[2].set_value("a-fresh-password")
    at.button[0].click().run()
    assert at.success[0].value == "密码已修改。"
    the_store().accounts.login("li", "a-fresh-password", "t")


def test_admin_sees_a_login_lock_and_lifts_it(fresh_app):
    """Someone's wrong guesses lock li out; the Admin page says until when, and lifts it (audited)."""
    s = the_store()
    s.accounts.create("li", PASSWORD, "inspector", user=CONSOLE)
    for _ in range(5):
        try:
            s.accounts.login("li", "wrong-password", "203.0.113.7")
        except Exception:
            pass
    at = fresh_app
    at.switch_page("ui/pages/admin.py").run()
    users = next(df.value for df in at.dataframe if "登录锁定" in df.value.columns).set_index("用户名")
    assert users.loc["li", "登录锁定"].startswith("锁定至 ") and users.loc["u", "登录锁定"] == ""
    at.selectbox(key="eu_name").set_value("li")
    at.checkbox(key="eu_unlock").check()
    next(b for b in at.button if "edit_user" in str(b.proto.id)).click().run()
    assert not at.exception
    assert any("已解除 li 的登录锁定" in m.value for m in at.success)
    users = next(df.value for df in at.dataframe if "登录锁定" in df.value.columns).set_index("用户名")
    assert users.loc["li", "登录锁定"] == ""
    assert s.accounts.locks() == {}
    s.accounts.login("li", PASSWORD, "203.0.113.8")  # li logs in again at once
    assert '{"login_lock": "lifted"}' in set(s.audit.log(action="user.update", limit=None)["after"])
