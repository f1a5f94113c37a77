"""Small UI helpers shared by pages."""

import re

_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def plain(text) -> str:
    """Escape Markdown (and so any HTML) in user text shown through st.markdown-like calls."""
    return _MD.sub(r"\\\1", str(text))


def keyed(name: str) -> str:
    """A widget key that changes with the language, seeded with the value chosen before.

    Widgets whose option labels are translated (format_func) keep a stale label
    across a language switch; a per-language key gives them a fresh identity,
    and `keep` carries the chosen value over.
    """
    import streamlit as st

    from ui.i18n import lang

    key = f"{name}.{lang()}"
    kept = st.session_state.setdefault("_kept", {})
    if key not in st.session_state and name in kept:
        st.session_state[key] = kept[name]
    return key


def keep(name: str, value):
    import streamlit as st

    st.session_state.setdefault("_kept", {})[name] = value
    return value


def demo_banner():
    """Announce synthetic demo data on every page while it is present (opens the store on first start)."""
    import streamlit as st

    from ui.data import has_demo_data
    from ui.i18n import tr

    if has_demo_data():
        st.sidebar.warning(tr("samples.demo_banner"))


def unit_options() -> list[str]:
    """Responsible units for select boxes: blank (none / default) first, then the plan's units."""
    from monitoring.ledger import load_units

    return ["", *(u["name"] for u in load_units())]


class error_boundary:  # noqa: N801 - used as a context manager, like a function
    """The page's error boundary: a user error shows its message, anything else an incident id.

    ``st.stop``/``st.rerun``/``st.switch_page`` pass through; every other
    exception is caught, logged on the server with its traceback
    (:func:`i18n.incident.incident`) and replaced by one line in the user's
    language, and the run stops there.  No traceback, SQL or server path
    reaches the page.
    """

    def __init__(self, where: str):
        self.where = where

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None or not isinstance(exc, Exception):
            return False
        from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

        if isinstance(exc, ScriptControlException):
            return False
        import streamlit as st

        from i18n.incident import incident
        from ui.i18n import lang

        st.error(plain(incident(exc, where=f"page {self.where}").message(lang())))
        st.stop()  # raises Streamlit's own stop: nothing after the failed part runs


def error_text(exc) -> str:
    """A refusal as the user reads it: the error's message in the page's language, Markdown-escaped.

    Every refusal from geo/ and monitoring/ is a :class:`i18n.errors.UserError`; its English
    ``str()`` is for the server log only.
    """
    from ui.i18n import lang

    return plain(exc.message(lang()))
