import streamlit as st

from monitoring.auth import AuthError
from ui.auth import client_id, remember
from ui.data import store
from ui.i18n import tr
from ui.widgets import error_text

st.title(tr("app.title"))
st.subheader(tr("page.login"))
db = store()
if st.session_state.pop("_ended", False):
    st.info(tr("auth.ended"))
if not db.accounts.has_users():
    st.warning(tr("auth.no_users"))
if db.auth.public_map:
    st.caption(tr("auth.public_map"))

with st.form("login_form"):
    name = st.text_input(tr("auth.username"), key="login_user", autocomplete="username")
    password = st.text_input(tr("auth.password"), type="password", key="login_password")
    submitted = st.form_submit_button(tr("auth.login"), type="primary")
if submitted:
    try:
        remember(db.accounts.login(name, password, client_id()))
    except AuthError as exc:
        if exc.code == "auth.locked":
            st.error(error_text(exc))
        else:
            st.error(tr("auth.bad_login"))
    else:
        st.session_state.pop("login_password", None)
        st.rerun()
