"""A script that runs in the app page on every page (components v2: no iframe, not deprecated).

It writes or clears the session cookie when the login state changed, and closes the sidebar on a
phone once a page was chosen from it.
"""

from pathlib import Path

import streamlit as st

#: Below this width Streamlit lays the sidebar over the page.
NARROW_PX = 768

_page_script = st.components.v2.component(
    "yehu.page_script",
    js=(Path(__file__).with_name("page_script.js")).read_text(encoding="utf-8"),
    css=".st-key-yehu_page_script { display: none; }",
    isolate_styles=False,
)


def page_script(page: str, cookie: dict | None = None) -> None:
    """Mount the page script (in the sidebar, hidden).

    Parameters
    ----------
    page : str
        The page being shown (its URL path).
    cookie : dict, optional
        ``{"name", "value", "max_age"}`` to write (an empty value with ``max_age`` 0 clears it).
    """
    with st.sidebar:
        _page_script(key="yehu_page_script", data={"page": page, "cookie": cookie, "narrow_px": NARROW_PX})
