import streamlit as st

from ui.i18n import tr

st.title(tr("page.retirement"))
st.info(tr("page.not_built", what=tr("page.retirement.todo")))
