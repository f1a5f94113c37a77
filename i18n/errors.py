"""One error vocabulary: every refusal a user can meet is a :class:`UserError`.

An error carries a stable ``code`` (a catalogue key under ``error.``), what it
concerns (``row``, ``field``, ``value``) and the parameters of its message.
It holds no text of its own: :meth:`UserError.message` renders it from the
catalogue in the user's language at the edge (a page, a CLI command).
``str(error)`` is the English text, for logs and tracebacks only.

Conventions
-----------
- ``code`` is the catalogue key without the ``error.`` prefix, e.g.
  ``"sample.duplicate"`` → ``error.sample.duplicate``.
- ``field`` is a catalogue key under ``field.`` (``"site"`` → ``field.site``),
  so a message never shows an internal field name.
- ``value`` is what the user gave; it is shown shortened, never evaluated.
- No server path, SQL or exception text goes into ``params``.

Examples
--------
>>> err = UserError("unexpected", incident="a1b2")
>>> err.code
'unexpected'
>>> err.message("en")
'Something went wrong (incident a1b2). The details are in the server log.'
"""

from __future__ import annotations

__all__ = ["UserError", "describe_value"]

#: Longest value shown inside a message, in characters.
VALUE_MAX = 60


def describe_value(value) -> str:
    r"""Show a user-given value shortly and safely (no newlines, at most ``VALUE_MAX`` characters).

    Parameters
    ----------
    value : object

    Returns
    -------
    str

    Examples
    --------
    >>> describe_value("a\nb")
    'a b'
    >>> len(describe_value("x" * 500))
    60
    """
    text = "" if value is None else str(value)
    text = " ".join(text.replace("\x00", "\\0").split())
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


class UserError(ValueError):
    """A refusal with a stable code; its text comes from the catalogue.

    Parameters
    ----------
    code : str
        Catalogue key below ``error.`` (e.g. ``"sample.duplicate"``).
    row : int, optional
        The file row (1-based, as a spreadsheet shows it) the error concerns.
    field : str, optional
        The field, as a key below ``field.`` in the catalogue.
    value : object, optional
        The value the user gave.
    **params
        Values for the message's placeholders.
    """

    #: Default code of a subclass raised without one.
    default_code = "unexpected"

    def __init__(self, code: str | None = None, /, *, row=None, field=None, value=None, **params):
        self.code = code or self.default_code
        self.row = row
        self.field = field
        self.value = value
        self.params = params
        super().__init__(self.message("en"))

    def reason(self, lang: str = "zh") -> str:
        """The reason alone (no row, field or value), in ``lang``."""
        from i18n import t

        return t(f"error.{self.code}", lang, **self.params)

    def where(self, lang: str = "zh") -> str:
        """Row, field and value as a prefix in ``lang`` ('' when the error concerns none)."""
        from i18n import t

        parts = []
        if self.row is not None:
            parts.append(t("error.at_row", lang, row=self.row))
        if self.field is not None:
            parts.append(t(f"field.{self.field}", lang))
        if self.value is not None and self.value != "":
            parts.append(t("error.quoted_value", lang, value=describe_value(self.value)))
        return t("error.where_sep", lang).join(parts) if parts else ""

    def message(self, lang: str = "zh") -> str:
        """The whole message in ``lang``: where, then why."""
        from i18n import t

        where = self.where(lang)
        return t("error.where_why", lang, where=where, why=self.reason(lang)) if where else self.reason(lang)

    def __reduce__(self):
        return (_rebuild, (type(self), self.code, self.row, self.field, self.value, self.params))


def _rebuild(cls, code, row, field, value, params):
    return cls(code, row=row, field=field, value=value, **params)
