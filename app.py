"""Yehu Monitor: router only (page config, sidebar, navigation by login and role)."""

import streamlit as st

from monitoring.db import DatabaseUnavailable
from ui.auth import resolve, sidebar, sync_cookie
from ui.data import store
from ui.i18n import lang, language_selector, tr
from ui.widgets import demo_banner, error_boundary

st.set_page_config(page_title="冶湖监管 Yehu Monitor", layout="wide")
language_selector()
st.sidebar.caption(tr("app.subtitle"))
with error_boundary("app"):
    try:
        store()
    except DatabaseUnavailable as exc:  # one line naming what to check, never a traceback
        st.error(exc.message(lang()))
        st.stop()
    me = resolve()
    sidebar()
    sync_cookie()
    map_page = st.Page("ui/pages/map.py", title=tr("page.map"), url_path="map", default=me is not None)
    login = st.Page("ui/pages/login.py", title=tr("page.login"), url_path="login", default=me is None)
    if me is None:
        pages = [login, map_page] if store().auth.public_map else [login]
    else:
        demo_banner()
        pages = [
            map_page,
            st.Page("ui/pages/samples.py", title=tr("page.samples"), url_path="samples"),
            st.Page("ui/pages/retirement.py", title=tr("page.retirement"), url_path="retirement"),
            st.Page("ui/pages/dashboard.py", title=tr("page.dashboard"), url_path="dashboard"),
            *([st.Page("ui/pages/admin.py", title=tr("page.admin"), url_path="admin")] if me.role == "admin" else []),
            st.Page("ui/pages/account.py", title=tr("page.account"), url_path="account"),
        ]
    page = st.navigation(pages)
with error_boundary(page.url_path or "map"):
    page.run()
