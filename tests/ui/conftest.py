import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from monitoring.auth import CONSOLE
from tests.conftest import ROOT

PASSWORD = "ui-test-password"


def the_store():
    """The Store the app under test is using."""
    from ui.data import store

    return store()


def login_as(at, name: str = "u", role: str = "admin"):
    """Create the account if needed, put a real session token in the app's session, and rerun."""
    s = the_store()
    if name not in set(s.accounts.list_users().username):
        s.accounts.create(name, PASSWORD, role, user=CONSOLE)
    at.session_state["auth_token"] = s.accounts.login(name, PASSWORD, "apptest")
    return at.run()


def new_app():
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()


@pytest.fixture
def fresh_app(tmp_path, monkeypatch):
    """The app on its own empty SQLite file, logged in as administrator "u"; caches cleared before and after."""
    monkeypatch.setenv("YEHU_DB", str(tmp_path / "ui.sqlite"))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = login_as(new_app())
    yield at
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def anonymous_app(tmp_path, monkeypatch):
    """The app on its own empty SQLite file, nobody logged in."""
    monkeypatch.setenv("YEHU_DB", str(tmp_path / "ui.sqlite"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield new_app()
    st.cache_resource.clear()
    st.cache_data.clear()
