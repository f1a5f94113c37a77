"""Resolve the point names labs write (5号塘尾水排口, 塘5, 13号, a farm's name) to site codes.

Pure: built from the sites table (code, kind, name, pond number) and the aliases an
administrator added. A name that fits no site, or more than one, is refused with a
:class:`i18n.errors.UserError`; nothing is guessed.
"""

from __future__ import annotations

import re
import unicodedata

from i18n.errors import UserError

__all__ = ["SITE_CODE_PATTERN", "SiteResolver", "active_in", "check_site_code", "name_key"]

#: A site code: 1-32 letters, digits, ``-`` or ``_``, starting with a letter or digit
#: (ponds are their register numbers ``1``..``17``; lake points e.g. ``L1``, sections ``S-03``).
SITE_CODE_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}"

# Words around a pond number that do not change which pond is meant.
_SUFFIXES = ("尾水排放口", "尾水排口", "尾水出口", "排水口", "出水口", "排口", "尾水", "出口", "采样点", "点位")
_POND_FORMS = (
    re.compile(r"(\d{1,6})(?:\.0+)?"),  # 5, 5.0 (an Excel number cell)
    re.compile(r"(\d{1,6})号塘?"),  # 5号, 5号塘
    re.compile(r"(\d{1,6})#塘?"),  # 5#, 5#塘
    re.compile(r"塘(\d{1,6})号?"),  # 塘5, 塘5号
    re.compile(r"(\d{1,6})塘"),  # 5塘
    re.compile(r"第(\d{1,6})号?塘"),  # 第5号塘
)


def check_site_code(code) -> str:
    """Check a new site code against :data:`SITE_CODE_PATTERN`.

    Parameters
    ----------
    code : str

    Returns
    -------
    str
        The code, stripped.

    Raises
    ------
    i18n.errors.UserError
        ``site.code_invalid``.

    Examples
    --------
    >>> check_site_code(" L1 ")
    'L1'
    """
    text = "" if code is None else str(code).strip()
    if not re.fullmatch(SITE_CODE_PATTERN, text):
        raise UserError("site.code_invalid", value=text)
    return text


def name_key(text) -> str:
    """Normalise a point name: full-width to half-width, no spaces, lower case.

    Parameters
    ----------
    text : object

    Returns
    -------
    str

    Examples
    --------
    >>> name_key(" ５号塘 尾水排口 ")
    '5号塘尾水排口'
    """
    s = unicodedata.normalize("NFKC", "" if text is None else str(text))
    return re.sub(r"\s+", "", s).lower()


def pond_number(text) -> int | None:
    """The pond number a point name spells, or None.

    Parameters
    ----------
    text : object

    Returns
    -------
    int or None

    Examples
    --------
    >>> [pond_number(s) for s in ["5", "5号", "5号塘", "塘5", "5号塘尾水排口", "L1", "9" * 4300]]
    [5, 5, 5, 5, 5, None, None]
    """
    key = name_key(text)
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
            break
    for form in _POND_FORMS:
        m = form.fullmatch(key)
        if m:
            return int(m[1])
    return None


class SiteResolver:
    """Map the point names of a file to site codes.

    Parameters
    ----------
    sites : iterable of dict
        Rows with ``code``, ``kind``, ``name`` and ``pond_id``.
    aliases : iterable of (str, str), optional
        ``(alias, site code)`` pairs an administrator added.

    Examples
    --------
    >>> r = SiteResolver([{"code": "5", "kind": "pond", "name": "李四水产养殖场", "pond_id": 5},
    ...                   {"code": "L1", "kind": "lake", "name": "湖心", "pond_id": None}],
    ...                  aliases=[("东湾", "L1")])
    >>> [r.resolve(s) for s in ["5号塘尾水排口", "塘5", "李四水产养殖场", "l1", "东湾", "湖心"]]
    ['5', '5', '5', 'L1', 'L1', 'L1']
    """

    def __init__(self, sites, aliases=()):
        self.codes = {}
        self.ponds = {}
        self.names: dict[str, set] = {}
        for s in sites:
            code = str(s["code"])
            self.codes[name_key(code)] = code
            if s.get("kind") == "pond" and s.get("pond_id") is not None:
                self.ponds[int(s["pond_id"])] = code
            if s.get("name"):
                self._name(s["name"], code)
        for alias, code in aliases:
            self._name(alias, str(code))
        self._cache: dict = {}

    def _name(self, name, code):
        self.names.setdefault(name_key(name), set()).add(code)

    def resolve(self, text) -> str:
        """The site code a point name means.

        Parameters
        ----------
        text : object
            As the file holds it.

        Returns
        -------
        str

        Raises
        ------
        i18n.errors.UserError
            ``import.site_missing``, ``import.site_unknown`` or ``import.site_ambiguous``.
        """
        key = name_key(text)
        if key in self._cache:
            found = self._cache[key]
        else:
            found = self._cache[key] = self._lookup(key)
        if isinstance(found, str):
            return found
        code, params = found
        raise UserError(code, **params)

    def _lookup(self, key: str):
        if not key:
            return ("import.site_missing", {})
        if len(key) > 200:
            return ("import.site_unknown", {})
        candidates = set()
        if key in self.codes:
            candidates.add(self.codes[key])
        candidates |= self.names.get(key, set())
        number = pond_number(key)
        if number is not None and number in self.ponds:
            candidates.add(self.ponds[number])
        if not candidates:
            for suffix in _SUFFIXES:  # a farm name or alias followed by 尾水排口 and the like
                if key.endswith(suffix) and key[: -len(suffix)] in self.names:
                    candidates |= self.names[key[: -len(suffix)]]
        if len(candidates) == 1:
            return candidates.pop()
        if candidates:
            return ("import.site_ambiguous", {"sites": ", ".join(sorted(candidates))})
        return ("import.site_unknown", {})


def active_in(sites, start, end):
    """The sites active at some time in ``[start, end)`` (dates): a past week counts only those.

    A site without ``active_from`` has always been monitored; one without
    ``active_to`` still is. Sites switched off (``active`` false) are left out.

    Parameters
    ----------
    sites : pandas.DataFrame
        With ``active`` and, when present, ``active_from`` / ``active_to``.
    start, end : datetime.date
        The week's Monday and the next Monday.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> from datetime import date
    >>> df = pd.DataFrame({"code": ["1", "L1"], "active": [True, True],
    ...                    "active_from": [None, date(2026, 11, 30)], "active_to": [None, None]})
    >>> list(active_in(df, date(2022, 4, 11), date(2022, 4, 18)).code)
    ['1']
    """
    import pandas as pd

    keep = sites["active"].astype(bool) if "active" in sites.columns else pd.Series(True, index=sites.index)
    if "active_from" in sites.columns:
        since = pd.to_datetime(sites["active_from"], errors="coerce")
        keep &= since.isna() | (since < pd.Timestamp(end))
    if "active_to" in sites.columns:
        until = pd.to_datetime(sites["active_to"], errors="coerce")
        keep &= until.isna() | (until >= pd.Timestamp(start))
    return sites[keep]
