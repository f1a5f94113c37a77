"""The one translation catalogue: every user-facing string, Chinese first.

The texts live in ``i18n/catalogue/*.toml`` (one file per area, editable by a
translator); this module loads them once.

``t(key, lang, **params)`` looks a key up and formats it.  The UI, the map
builder and the command lines all take their words from here, so no screen
mixes languages.  A missing key raises ``KeyError`` (tests check that every
key has both languages).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

__all__ = ["LANGS", "MESSAGES", "describe_flag", "describe_hypothesis", "t"]

#: Supported languages, the default first.
LANGS = ("zh", "en")

CATALOGUE_DIR = Path(__file__).with_name("catalogue")


def load_catalogue(directory: Path = CATALOGUE_DIR) -> dict[str, tuple[str, ...]]:
    """Read every ``*.toml`` file of the catalogue into ``{key: (zh, en)}``.

    Each file holds tables named by their full key, with one string per language::

        ["page.map"]
        zh = "地图"
        en = "Map"

    Parameters
    ----------
    directory : pathlib.Path
        Folder of the catalogue files.

    Returns
    -------
    dict
        Key to the texts in the order of :data:`LANGS`.

    Raises
    ------
    ValueError
        A key defined twice, or a language missing.
    """
    messages: dict[str, tuple[str, ...]] = {}
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as fh:
            tables = tomllib.load(fh)
        for key, entry in tables.items():
            if key in messages:
                raise ValueError(f"{path.name}: key {key!r} is defined twice")
            missing = [lang for lang in LANGS if not isinstance(entry.get(lang), str)]
            if missing:
                raise ValueError(f"{path.name}: key {key!r} lacks {missing}")
            messages[key] = tuple(entry[lang] for lang in LANGS)
    return messages


MESSAGES = load_catalogue()


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
    """
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
    text = MESSAGES[key][LANGS.index(lang)]
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
