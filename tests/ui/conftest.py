import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


@pytest.fixture
def fresh_app(tmp_path, monkeypatch):
    """The app on its own empty SQLite file, caches cleared before and after."""
    monkeypatch.setenv("YEHU_DB", str(tmp_path / "ui.sqlite"))
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    yield at
    st.cache_resource.clear()


def the_store():
    """The Store the app under test is using."""
    from ui.data import store

    return store()
