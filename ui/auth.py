"""Who is logged in: the session token, the acting account, role checks for showing forms.

The Store checks every write again; these helpers only decide what to show.
"""

import re

import streamlit as st

from monitoring.auth import ACTIONS, Actor, client_address
from ui.data import store
from ui.i18n import tr
from ui.widgets import plain

TOKEN = "auth_token"
#: Cookie that keeps the session token across page reloads and new tabs (the server holds the session).
COOKIE = "yehu_session"


def client_id() -> str:
    """The client's address, for per-client login throttling.

    The connection's address, or, when ``[auth] trusted_proxy_header`` is set and the
    connection comes from a trusted proxy, the client that header names
    (:func:`monitoring.auth.client_address`). Streamlit reports loopback as None.
    """
    try:
        ip = st.context.ip_address
        cfg = store().auth
        values = st.context.headers.get_all(cfg.trusted_proxy_header) if cfg.trusted_proxy_header else []
    except Exception:  # no request context
        return "unknown"
    if ip is not None and not isinstance(ip, str):  # AppTest's stand-in
        return "unknown"
    return client_address(ip, [v for v in values if isinstance(v, str)], cfg)


def _cookie_token() -> str | None:
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # no request context
        return None
    return value if isinstance(value, str) and value else None


def resolve() -> Actor | None:
    """The account behind this browser session (ends idle or disabled sessions).

    The token lives in the session state; after a reload it is read back from the cookie
    set at login, so a reload or a new tab does not log the user out.
    """
    token = st.session_state.get(TOKEN)
    from_cookie = False
    if not token and not st.session_state.get("_logged_out"):
        token, from_cookie = _cookie_token(), True
    actor = store().accounts.session_user(token) if token else None
    if actor is None and token:
        st.session_state.pop(TOKEN, None)
        st.session_state["_cookie"] = ""  # forget a dead token in the browser too
        if not from_cookie:
            st.session_state["_ended"] = True
    elif actor is not None:
        st.session_state[TOKEN] = token
    st.session_state["_actor"] = actor
    return actor


def remember(token: str) -> None:
    """Keep the token after login: in the session, and in the browser's cookie on the next run."""
    st.session_state[TOKEN] = token
    st.session_state["_cookie"] = token
    st.session_state.pop("_logged_out", None)


def cookie_update() -> dict | None:
    """The session cookie to write or clear on this run, once (for ``ui.page_script``), or None.

    The token is URL-safe base64 (``secrets.token_urlsafe``); anything else is never written.
    """
    value = st.session_state.pop("_cookie", None)
    if value is None:
        return None
    if value and not re.fullmatch(r"[A-Za-z0-9_-]{20,100}", value):
        return None
    cfg = store().auth
    age = 0 if not value else int(min(cfg.session_idle_hours * 3600 * 3, cfg.session_max_days * 86400))
    return {"name": COOKIE, "value": value, "max_age": age}


def actor() -> Actor | None:
    """The logged-in account for this run (set by the router)."""
    return st.session_state.get("_actor")


def can(action: str) -> bool:
    """Whether the logged-in role may perform ``action``."""
    a = actor()
    return a is not None and a.role in ACTIONS[action]


def denied(action: str) -> str:
    """The message for a refused action."""
    a = actor()
    role = tr(f"role.{a.role}") if a else tr("role.anonymous")
    return tr("auth.denied", role=role, action=tr(f"action.{action}"))


def read_only_note(*actions: str) -> None:
    """Say once, at the top of a page, what this role cannot do here."""
    refused = [a for a in actions if not can(a)]
    if refused:
        st.info(
            tr(
                "auth.read_only",
                role=tr(f"role.{actor().role}") if actor() else tr("role.anonymous"),
                actions=tr("list.sep").join(tr(f"action.{a}") for a in refused),
            )
        )


def logout() -> None:
    store().accounts.logout(st.session_state.pop(TOKEN, None))
    st.session_state["_actor"] = None
    st.session_state["_cookie"] = ""  # cleared in the browser on the next run
    st.session_state["_logged_out"] = True  # do not read the old cookie back before it is cleared


def sidebar() -> None:
    """The account box: name, role, log out."""
    a = actor()
    if a is None:
        return
    st.sidebar.markdown(tr("auth.signed_in", name=plain(a.name), role=tr(f"role.{a.role}")))
    if st.sidebar.button(tr("auth.logout"), key="logout"):
        logout()
        st.rerun()
