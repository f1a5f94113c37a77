"""argparse in the reader's language: usage lines, section titles and parse errors.

argparse takes its own words (``usage:``, ``options``, ``invalid choice: …``) from
the module-level ``_`` and ``ngettext`` it imported from :mod:`gettext`.  A command
line runs in one language, so :func:`speak_argparse` points those two names at the
catalogue (``cli.argparse.*``) for the whole process; English restores argparse's
own texts.

>>> import argparse
>>> speak_argparse("zh")
>>> argparse._("options")
'选项'
>>> argparse._("invalid choice: %(value)r (choose from %(choices)s)") % {"value": "x", "choices": "'a'"}
"无效的选项：'x'（可选：'a'）"
>>> speak_argparse("en")
>>> argparse._("options")
'options'
"""

from __future__ import annotations

import argparse
import gettext

from i18n import t

__all__ = ["ARGPARSE_KEYS", "speak_argparse"]

#: argparse's own text -> (catalogue key, {placeholder in the catalogue: argparse's format}).
ARGPARSE_KEYS: dict[str, tuple[str, dict[str, str]]] = {
    "usage: ": ("cli.argparse.usage", {}),
    "positional arguments": ("cli.argparse.positionals", {}),
    "options": ("cli.argparse.options", {}),
    "show this help message and exit": ("cli.argparse.help", {}),
    "subcommands": ("cli.argparse.subcommands", {}),
    "%(prog)s: error: %(message)s\n": ("cli.argparse.error", {"prog": "%(prog)s", "message": "%(message)s"}),
    "argument %(argument_name)s: %(message)s": (
        "cli.argparse.argument",
        {"argument": "%(argument_name)s", "message": "%(message)s"},
    ),
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "cli.argparse.invalid_choice",
        {"value": "%(value)r", "choices": "%(choices)s"},
    ),
    "invalid %(type)s value: %(value)r": ("cli.argparse.invalid_value", {"value": "%(value)r"}),
    "the following arguments are required: %s": ("cli.argparse.required", {"names": "%s"}),
    "one of the arguments %s is required": ("cli.argparse.one_required", {"names": "%s"}),
    "unrecognized arguments: %s": ("cli.argparse.unrecognized", {"names": "%s"}),
    "not allowed with argument %s": ("cli.argparse.not_allowed", {"name": "%s"}),
    "ignored explicit argument %r": ("cli.argparse.ignored", {"value": "%r"}),
    "expected one argument": ("cli.argparse.expected_one", {}),
    "expected at most one argument": ("cli.argparse.expected_at_most_one", {}),
    "expected at least one argument": ("cli.argparse.expected_at_least_one", {}),
    "expected %s argument": ("cli.argparse.expected_n", {"n": "%s"}),
    "expected %s arguments": ("cli.argparse.expected_n", {"n": "%s"}),
    "ambiguous option: %(option)s could match %(matches)s": (
        "cli.argparse.ambiguous",
        {"option": "%(option)s", "matches": "%(matches)s"},
    ),
    "unexpected option string: %s": ("cli.argparse.unexpected_option", {"option": "%s"}),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "cli.argparse.invalid_choice",
        {"value": "%(parser_name)r", "choices": "%(choices)s"},
    ),
    "can't open '%(filename)s': %(error)s": ("cli.argparse.cannot_open", {"name": "'%(filename)s'"}),
}


def _translator(lang: str):
    def translate(message):
        entry = ARGPARSE_KEYS.get(message)
        if entry is None:
            return message
        key, params = entry
        # The catalogue's {name} placeholders become argparse's own %-formats again.
        return t(key, lang, **params)

    return translate


def speak_argparse(lang: str) -> None:
    """Make argparse speak ``lang`` for the rest of the process (``'en'``: argparse's own words)."""
    if lang == "en":
        argparse._ = gettext.gettext
        argparse.ngettext = gettext.ngettext
        return
    translate = _translator(lang)
    argparse._ = translate
    argparse.ngettext = lambda singular, plural, n: translate(singular if n == 1 else plural)
