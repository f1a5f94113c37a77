"""Coordinate entry with a datum choice, shared by the forms that take a coordinate."""

import streamlit as st

from geo.datum import DATUMS, enter_coordinate
from i18n.errors import UserError
from ui.i18n import labeller, lang, tr
from ui.widgets import keyed


def datum_radio(name: str) -> str | None:
    """Ask which datum a typed coordinate is in; nothing is pre-selected (never guessed)."""
    return st.radio(
        tr("datum.label"), DATUMS, index=None, format_func=labeller("datum"), help=tr("datum.help"), key=keyed(name)
    )


def entered(text: str, datum: str | None, note: str) -> tuple[str | None, str]:
    """The coordinate text to store (CGCS2000) and the note with the entry's datum recorded.

    Returns ``(None, note)`` when no coordinate was typed.

    Raises
    ------
    i18n.errors.UserError
        ``datum.missing`` when a coordinate was typed without a datum; a
        :class:`geo.coords.CoordinateError` when it cannot be read.
    """
    text = (text or "").strip()
    note = (note or "").strip()
    if not text:
        return None, note
    if datum is None:
        raise UserError("datum.missing", field="coord_datum", value=text)
    c = enter_coordinate(text, datum)
    record = c.record(lang())
    return c.text, f"{note}；{record}" if note else record
