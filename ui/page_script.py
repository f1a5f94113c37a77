"""A script that runs in the app page on every page (components v2: no iframe, not deprecated).

It writes or clears the session cookie when the login state changed, closes the sidebar on a
phone once a page was chosen from it, and shows Streamlit's own fixed texts (the uploader's
"Upload" and "Drag and drop", "Choose an option", the date placeholder) in the user's language.
"""

from pathlib import Path

import streamlit as st

from i18n import t

#: Below this width Streamlit lays the sidebar over the page.
NARROW_PX = 768

_page_script = st.components.v2.component(
    "yehu.page_script",
    js=(Path(__file__).with_name("page_script.js")).read_text(encoding="utf-8"),
    css=".st-key-yehu_page_script { display: none; }",
    isolate_styles=False,
)


#: Streamlit's fixed English texts and the catalogue keys that say them in the user's language.
STREAMLIT_TEXTS = {
    "Upload": "streamlit.upload",
    "Drag and drop files here": "streamlit.drop_files",
    "Drag and drop a file here": "streamlit.drop_file",
    "Choose an option": "streamlit.choose_option",
    "Choose options": "streamlit.choose_options",
    "No results": "streamlit.no_results",
    "YYYY-MM-DD": "streamlit.date_format",
}


def streamlit_texts(lang: str) -> dict | None:
    """``{"exact": {english: text}, "perFile": "... {size} ..."}`` for ``lang``; None in English."""
    if lang == "en":
        return None
    return {
        "exact": {en: t(key, lang) for en, key in STREAMLIT_TEXTS.items()},
        "perFile": t("streamlit.per_file", lang, size="{size}"),
    }


def page_script(slot, page: str, cookie: dict | None = None, lang: str = "zh", leaflet: dict | None = None) -> None:
    """Mount the page script (hidden) in ``slot``.

    Parameters
    ----------
    slot : streamlit container
        Where it goes: a placeholder made first in the sidebar, so the browser reaches it (and
        starts loading Leaflet) before any other element.
    page : str
        The page being shown (its URL path).
    cookie : dict, optional
        ``{"name", "value", "max_age"}`` to write (an empty value with ``max_age`` 0 clears it).
    lang : {'zh', 'en'}
        The language Streamlit's own texts are shown in.
    leaflet : dict, optional
        ``{"js": [...], "css": [...]}`` to start loading on the map page.
    """
    data = {"page": page, "cookie": cookie, "narrow_px": NARROW_PX, "texts": streamlit_texts(lang), "leaflet": leaflet}
    with slot:
        _page_script(key="yehu_page_script", data=data)
