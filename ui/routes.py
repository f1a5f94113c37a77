"""Which page the browser's address asked for, so the router can honour deep links."""

from streamlit.runtime.scriptrunner import get_script_run_ctx


def requested_page() -> str | None:
    """The page name in the address of a fresh load (``"samples"`` for ``/samples``), else None.

    Streamlit resolves the address against the pages given to ``st.navigation`` only after the
    router chose them; the router needs it before, to make ``/map`` reachable although the map is
    also the page served at ``/``.
    """
    ctx = get_script_run_ctx()
    manager = getattr(ctx, "pages_manager", None)
    name = getattr(manager, "intended_page_name", None)
    return name if isinstance(name, str) and name else None
