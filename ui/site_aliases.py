"""The Admin page's site aliases: the other names labs write for a site (list, add, remove)."""

import pandas as pd
import streamlit as st

from monitoring.auth import PermissionDenied
from monitoring.store import AliasError
from ui.i18n import tr
from ui.widgets import error_text, plain


def render(db, me, done) -> None:
    """Aliases as a table, a form to add one and one to remove one; ``done(message)`` reruns with it."""
    st.markdown(f"**{tr('admin.aliases')}**")
    st.caption(tr("admin.aliases_help"))
    aliases = db.aliases.list_aliases()
    if aliases.empty:
        st.caption(tr("admin.no_aliases"))
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    tr("admin.alias"): aliases.alias,
                    tr("admin.alias_site"): aliases.site_code,
                    tr("admin.actor"): aliases.created_by,
                }
            ),
            hide_index=True,
            width="stretch",
        )
    sites = db.register.list_sites()
    names = dict(zip(sites.code, sites.name, strict=True))
    a1, a2 = st.columns(2)
    with a1.form("add_alias", clear_on_submit=True):
        code = st.selectbox(
            tr("admin.alias_site"), list(names), format_func=lambda c: f"{c} · {names.get(c) or ''}", key="al_site"
        )
        alias = st.text_input(tr("admin.alias"), max_chars=200, key="al_text")
        add = st.form_submit_button(tr("admin.alias_add"))
    if add:
        try:
            text = db.aliases.add(code, alias, user=me)
            done(tr("admin.alias_added", alias=plain(text), code=code))
        except (AliasError, PermissionDenied) as exc:
            a1.error(error_text(exc))
    if not aliases.empty:
        with a2.form("remove_alias"):
            gone = st.selectbox(
                tr("admin.alias"),
                aliases.alias.tolist(),
                format_func=lambda a: f"{a} → {dict(zip(aliases.alias, aliases.site_code, strict=True))[a]}",
                key="al_remove",
            )
            remove = st.form_submit_button(tr("admin.alias_remove"))
        if remove:
            try:
                was = db.aliases.remove(gone, user=me)
                done(tr("admin.alias_removed", alias=plain(gone), code=was))
            except (AliasError, PermissionDenied) as exc:
                a2.error(error_text(exc))
