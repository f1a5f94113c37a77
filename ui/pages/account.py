import streamlit as st

from monitoring.auth import AuthError
from ui.auth import TOKEN, actor, client_id, logout
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
            store().accounts.change_password(
                me.name, old, new, client=client_id(), keep_token=st.session_state.get(TOKEN)
            )
        except AuthError as exc:
            st.error(error_text(exc))
        else:
            st.success(tr("auth.password_changed"))
            st.caption(tr("auth.other_sessions_ended"))

if st.button(tr("auth.logout"), key="logout_page"):
    logout()
    st.rerun()
