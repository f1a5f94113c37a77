"""The language in use, from the sidebar switch (Chinese by default)."""

import streamlit as st

from i18n import LANGS, t

LANG_NAMES = {"zh": "中文", "en": "English"}


def language_selector() -> str:
    return st.sidebar.selectbox(t("app.language"), LANGS, format_func=LANG_NAMES.get, key="lang", index=0)


def lang() -> str:
    return st.session_state.get("lang", "zh")


def tr(key: str, /, **params) -> str:
    return t(key, lang(), **params)


def labeller(prefix: str):
    """A format_func for option keys, bound to the current language (safe to call later)."""
    current = lang()
    return lambda value: t(f"{prefix}.{value}", current)
