"""Yehu Monitor: router only (page config, sidebar, navigation by login and role).

Every page has its own address (/map, /samples, /retirement, /dashboard, /admin, /account) that
opens it directly for a logged-in user allowed to see it. A logged-out visitor at such an address
gets the login form there, so after logging in the same address opens the page asked for.
"""

import streamlit as st

from geo.mapping import ASSET_PREFIX
from monitoring.db import DatabaseUnavailable
from ui.auth import cookie_update, resolve, sidebar
from ui.bodies import body_selector
from ui.data import store
from ui.i18n import lang, language_selector, tr
from ui.page_script import page_script
from ui.routes import requested_page
from ui.widgets import demo_banner, error_boundary

LEAFLET = {"js": [f"{ASSET_PREFIX}/leaflet.js"], "css": [f"{ASSET_PREFIX}/leaflet.css"]}

#: url path -> (script, title key); the order of the navigation.
PAGES = {
    "map": ("ui/pages/map.py", "page.map"),
    "samples": ("ui/pages/samples.py", "page.samples"),
    "retirement": ("ui/pages/retirement.py", "page.retirement"),
    "dashboard": ("ui/pages/dashboard.py", "page.dashboard"),
    "admin": ("ui/pages/admin.py", "page.admin"),
    "account": ("ui/pages/account.py", "page.account"),
}

st.set_page_config(page_title="冶湖监管 Yehu Monitor", layout="wide", initial_sidebar_state="auto")
# First in the page, filled at the end of the router: the browser loads its script (and Leaflet)
# before any other element's.
script_slot = st.sidebar.empty()
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
    body_selector()
    asked = requested_page()
    if me is None:
        public = ["map"] if store().auth.public_map else []
        login = st.Page("ui/pages/login.py", title=tr("page.login"), url_path="login", default=True)
        pages = [login, *(st.Page(PAGES[p][0], title=tr(PAGES[p][1]), url_path=p) for p in public)]
        # Any other page's address shows the login form and keeps the address for after the login.
        pages += [
            st.Page("ui/pages/login.py", title=tr("page.login"), url_path=p, visibility="hidden")
            for p in PAGES
            if p not in public
        ]
    else:
        demo_banner()
        allowed = [p for p in PAGES if p != "admin" or me.role == "admin"]
        # The default page is served at "/", not at its own address: /map opens the map as a
        # non-default page (the next one is the default for this run only).
        home = "map" if asked != "map" else allowed[1]
        pages = [st.Page(PAGES[p][0], title=tr(PAGES[p][1]), url_path=p, default=p == home) for p in allowed]
        pages += [
            st.Page("ui/pages/denied.py", title=tr(PAGES[p][1]), url_path=p, visibility="hidden")
            for p in PAGES
            if p not in allowed
        ]
    page = st.navigation(pages)
    on_map = page.title == tr("page.map")
    page_script(script_slot, page.title, cookie_update(), lang(), LEAFLET if on_map else None)
with error_boundary(page.url_path or "map"):
    page.run()
