"""Yehu Monitor: router only (page config, sidebar, navigation)."""

import streamlit as st

from ui.i18n import language_selector, tr
from ui.widgets import demo_banner

st.set_page_config(page_title="冶湖监管 Yehu Monitor", layout="wide")
language_selector()
st.sidebar.caption(tr("app.subtitle"))
demo_banner()

pages = [
    st.Page("ui/pages/map.py", title=tr("page.map"), url_path="map", default=True),
    st.Page("ui/pages/samples.py", title=tr("page.samples"), url_path="samples"),
    st.Page("ui/pages/retirement.py", title=tr("page.retirement"), url_path="retirement"),
    st.Page("ui/pages/dashboard.py", title=tr("page.dashboard"), url_path="dashboard"),
    st.Page("ui/pages/admin.py", title=tr("page.admin"), url_path="admin"),
]
st.navigation(pages).run()
