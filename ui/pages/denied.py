import streamlit as st

from ui.auth import actor
from ui.i18n import tr

me = actor()
st.title(tr("route.denied.title"))
st.warning(tr("route.denied", role=tr(f"role.{me.role}") if me else tr("role.anonymous")))
