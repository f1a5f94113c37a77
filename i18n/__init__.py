"""The one translation catalogue: every user-facing string, Chinese first.

The texts live in ``i18n/catalogue/*.toml`` (one file per area, editable by a
translator); this module loads them once.

``t(key, lang, **params)`` looks a key up and formats it.  The UI, the map
builder and the command lines all take their words from here, so no screen
mixes languages.  A missing key raises ``KeyError`` (tests check that every
key has both languages).

English plurals are real: an entry whose ``en`` is a table ``{one = …, other = …}``
is chosen by a count parameter (``n`` unless the entry names another with
``count = "…"``)::

    ["cli.ok"]
    zh = "检查完成：{n} 个鱼池坐标存疑。"
    en = { one = "Check done: {n} pond is suspect.", other = "Check done: {n} ponds are suspect." }
"""

from __future__ import annotations

import tomllib
from pathlib import Path

__all__ = [
    "COUNTS",
    "LANGS",
    "MESSAGES",
    "PLURAL_FORMS",
    "describe_flag",
    "describe_hypothesis",
    "forms",
    "lang_first",
    "t",
]

#: Supported languages, the default first.
LANGS = ("zh", "en")

CATALOGUE_DIR = Path(__file__).with_name("catalogue")

#: The forms a plural text has (English: one, other; a language with one form uses a plain string).
PLURAL_FORMS = ("one", "other")

#: Parameter that chooses the plural form, for the keys that have plural forms.
COUNTS: dict[str, str] = {}


def _text_ok(text) -> bool:
    if isinstance(text, str):
        return True
    return isinstance(text, dict) and set(text) == set(PLURAL_FORMS) and all(isinstance(v, str) for v in text.values())


def load_catalogue(directory: Path = CATALOGUE_DIR, counts: dict | None = None) -> dict[str, tuple]:
    """Read every ``*.toml`` file of the catalogue into ``{key: (zh, en)}``.

    Each file holds tables named by their full key, with one string per language::

        ["page.map"]
        zh = "地图"
        en = "Map"

    A text that depends on a number is a table of plural forms, chosen by the
    parameter ``count`` names (default ``n``)::

        ["samples.imported"]
        zh = "已导入 {n} 条样品。"
        en = { one = "Imported {n} sample.", other = "Imported {n} samples." }

    Parameters
    ----------
    directory : pathlib.Path
        Folder of the catalogue files.
    counts : dict, optional
        Filled with the count parameter of every key that has plural forms.

    Returns
    -------
    dict
        Key to the texts (a string, or a dict of plural forms) in the order of :data:`LANGS`.

    Raises
    ------
    ValueError
        A key defined twice, a language missing or a malformed plural table.
    """
    messages: dict[str, tuple] = {}
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as fh:
            tables = tomllib.load(fh)
        for key, entry in tables.items():
            if key in messages:
                raise ValueError(f"{path.name}: key {key!r} is defined twice")
            missing = [lang for lang in LANGS if not _text_ok(entry.get(lang))]
            if missing:
                raise ValueError(f"{path.name}: key {key!r} lacks {missing} (a string, or a table {PLURAL_FORMS})")
            extra = set(entry) - {*LANGS, "count"}
            if extra:
                raise ValueError(f"{path.name}: key {key!r} has unknown entries {sorted(extra)}")
            messages[key] = tuple(entry[lang] for lang in LANGS)
            if counts is not None and any(isinstance(x, dict) for x in messages[key]):
                counts[key] = entry.get("count", "n")
    return messages


MESSAGES = load_catalogue(counts=COUNTS)


def forms(key: str, lang: str) -> list[str]:
    """Every text a key can render to in ``lang`` (one, or one per plural form).

    Examples
    --------
    >>> forms("page.map", "en")
    ['Map']
    """
    text = MESSAGES[key][LANGS.index(lang)]
    return [text[f] for f in PLURAL_FORMS] if isinstance(text, dict) else [text]


def _plural(count) -> str:
    """English plural rule: 'one' for exactly 1 (a number, or a collection of one), 'other' otherwise."""
    if isinstance(count, list | tuple | set | frozenset | dict):
        count = len(count)
    try:
        return "one" if abs(float(count)) == 1 else "other"
    except (TypeError, ValueError):
        return "other"


def t(key: str, lang: str = "zh", /, **params) -> str:
    """Translate and format one message.

    Parameters
    ----------
    key : str
        Catalogue key.
    lang : {'zh', 'en'}
        Language.
    **params
        Values for the message's placeholders.

    Returns
    -------
    str

    Examples
    --------
    >>> t("page.map", "en")
    'Map'
    >>> t("qa.outside_china", "zh", lon=-1.0, lat=2.0)
    '坐标在中国境外（-1, 2）'
    >>> t("cli.ok", "en", n=1)
    'Check done: data loads, 1 pond with a suspect coordinate.'
    >>> t("cli.ok", "en", n=2)
    'Check done: data loads, 2 ponds with a suspect coordinate.'
    """
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
    text = MESSAGES[key][LANGS.index(lang)]
    if isinstance(text, dict):
        text = text[_plural(params.get(COUNTS[key]))]
    return text.format(**params) if params else text


def _ids(ids, lang):
    return ("、" if lang == "zh" else ", ").join(str(i) for i in ids)


def describe_flag(flag, lang: str = "zh") -> str:
    """Render a :class:`geo.qa.Flag` as a sentence.

    Parameters
    ----------
    flag : geo.qa.Flag
    lang : {'zh', 'en'}

    Returns
    -------
    str
    """
    p = flag.params
    if flag.code == "far":
        text = t(f"qa.far.{p['reference']}", lang, km=p["distance_m"] / 1000, limit_km=p["threshold_m"] / 1000)
        if "mates" in p:
            text += t(
                "qa.far.mates",
                lang,
                village=p["village"],
                mates=_ids(p["mates"], lang),
                n=len(p["mates"]),
                mates_km=p["mates_distance_m"] / 1000,
            )
        return text
    if flag.code == "shared_point":
        return t("qa.shared_point", lang, ponds=_ids(p["ponds"], lang))
    return t(f"qa.{flag.code}", lang, **p)


def describe_hypothesis(h, lang: str = "zh") -> str:
    """Render a :class:`geo.qa.Hypothesis` as a sentence.

    Parameters
    ----------
    h : geo.qa.Hypothesis
    lang : {'zh', 'en'}

    Returns
    -------
    str
    """
    return t("qa.hypothesis", lang, pos=h.position + 1, old=h.old, new=h.new, text=h.text, km=h.distance_m / 1000)


def lang_first(argv: list[str]) -> list[str]:
    """Move ``--lang X`` in front of a command line, wherever it was given.

    Both command lines (``python -m geo``, ``python -m monitoring``) accept the
    option before or after their sub-command.

    Examples
    --------
    >>> lang_first(["users", "list", "--lang", "en"])
    ['--lang', 'en', 'users', 'list']
    >>> lang_first(["weekly", "--lang=en", "--week", "2022-W15"])
    ['--lang=en', 'weekly', '--week', '2022-W15']
    """
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg.startswith("--lang="):
            return [arg, *argv[:i], *argv[i + 1 :]]
        if arg == "--lang" and i + 1 < len(argv):
            return [arg, argv[i + 1], *argv[:i], *argv[i + 2 :]]
    return argv
