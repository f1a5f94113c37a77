"""The monitoring side of the one error vocabulary (:class:`i18n.errors.UserError`).

:class:`InputError` is the one "this value cannot be accepted" error (field, value, code) for
samples, patrols, tips, sites and register edits. Message parameters may be :class:`Term`
(a catalogue key, e.g. a QC type) or :class:`Words` (a name that has both languages, e.g. a
retirement step from the configuration): they are rendered in the reader's language.

Examples
--------
>>> err = InputError("input.missing", field="value", value="")
>>> err.message("en")
'Value: Missing.'
>>> dup = InputError("sample.duplicate", field="sampled_at", site="5", parameter="TP", qc=Term("qc_type.regular"))
>>> dup.reason("zh")
'点位 5 在这一时间已有一个 TP 常规样品（重复）。'
"""

from __future__ import annotations

from i18n.errors import UserError

__all__ = ["Choices", "InputError", "MonitoringError", "Term", "Words"]


class Term(str):
    """A message parameter that is a catalogue key, shown in the reader's language."""

    def render(self, lang: str) -> str:
        """The key's text in ``lang`` (the key itself when the catalogue has none)."""
        from i18n import MESSAGES, t

        return t(self, lang) if str(self) in MESSAGES else str(self)


class Words:
    """A message parameter known in both languages (e.g. a configured step's name)."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = str(zh), str(en or zh)

    def render(self, lang: str) -> str:
        """The words in ``lang``."""
        return self.zh if lang == "zh" else self.en

    def __repr__(self) -> str:
        return f"Words({self.zh!r}, {self.en!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Words) and (self.zh, self.en) == (other.zh, other.en)

    __hash__ = None


class Choices:
    """A message parameter listing choices by their catalogue names (``prefix.key``), in the reader's language."""

    def __init__(self, prefix: str, keys):
        self.prefix, self.keys = prefix, [str(k) for k in keys]

    def render(self, lang: str) -> str:
        """The choices' names in ``lang``, each followed by its key when they differ."""
        from i18n import MESSAGES, t

        names = []
        for k in self.keys:
            key = f"{self.prefix}.{k}"
            names.append(t(key, lang) if key in MESSAGES else k)
        return ("、" if lang == "zh" else ", ").join(names)

    def __repr__(self) -> str:
        return f"Choices({self.prefix!r}, {self.keys!r})"


class MonitoringError(UserError):
    """A :class:`UserError` whose parameters may be :class:`Term` or :class:`Words`."""

    def reason(self, lang: str = "zh") -> str:
        """The reason alone, in ``lang``, with Term and Words parameters in that language."""
        from i18n import t

        params = {k: v.render(lang) if hasattr(v, "render") else v for k, v in self.params.items()}
        return t(f"error.{self.code}", lang, **params)


class InputError(MonitoringError):
    """A value that cannot be accepted: ``field`` (a key under ``field.``), ``value`` and a code.

    One class for samples, patrols, tips, sites and register edits; nothing is written.
    """

    default_code = "input.invalid"
