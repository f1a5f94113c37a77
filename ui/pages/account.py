import streamlit as st

from monitoring.auth import AuthError
from ui.auth import actor, logout
from ui.data import store
from ui.i18n import tr
from ui.widgets import error_text, plain

me = actor()
st.title(tr("page.account"))
st.markdown(tr("auth.signed_in", name=plain(me.name), role=tr(f"role.{me.role}")))

st.subheader(tr("auth.change_password"))
with st.form("password_form", clear_on_submit=True):
    old = st.text_input(tr("auth.old_password"), type="password")
    new = st.text_input(tr("auth.new_password"), type="password")
    again = st.text_input(tr("auth.new_password2"), type="password")
    go = st.form_submit_button(tr("auth.change_password"))
if go:
    if new != again:
        st.error(tr("auth.mismatch"))
    else:
        try:
            store().accounts.change_password(me.name, old, new)
        except AuthError as exc:
            st.error(error_text(exc))
        else:
            st.success(tr("auth.password_changed"))

if st.button(tr("auth.logout"), key="logout_page"):
    logout()
    st.rerun()
