"""Who is logged in: the session token, the acting account, role checks for showing forms.

The Store checks every write again; these helpers only decide what to show.
"""

import streamlit as st

from monitoring.auth import ACTIONS, Actor
from ui.data import store
from ui.i18n import tr
from ui.widgets import plain

TOKEN = "auth_token"


def client_id() -> str:
    """The client's address, for per-client login throttling."""
    try:
        ip = st.context.ip_address
    except Exception:  # no request context
        return "unknown"
    return ip if isinstance(ip, str) and ip else "unknown"


def resolve() -> Actor | None:
    """The account behind this browser session (ends idle or disabled sessions)."""
    token = st.session_state.get(TOKEN)
    actor = store().session_user(token) if token else None
    if actor is None and token:
        st.session_state.pop(TOKEN, None)
        st.session_state["_ended"] = True
    st.session_state["_actor"] = actor
    return actor


def actor() -> Actor | None:
    """The logged-in account for this run (set by the router)."""
    return st.session_state.get("_actor")


def user_name() -> str:
    """The logged-in account's name ('' when anonymous)."""
    a = actor()
    return a.name if a else ""


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
    store().logout(st.session_state.pop(TOKEN, None))
    st.session_state["_actor"] = None


def sidebar() -> None:
    """The account box: name, role, log out."""
    a = actor()
    if a is None:
        return
    st.sidebar.markdown(tr("auth.signed_in", name=plain(a.name), role=tr(f"role.{a.role}")))
    if st.sidebar.button(tr("auth.logout"), key="logout"):
        logout()
        st.rerun()
