"""One coordinate parser for the whole system.

Every place that reads a coordinate typed or printed by a person — the pond
register, forms, imports, public tips — calls :func:`parse_coordinate`.  It
accepts the notations found in Chinese documents and map apps and rejects
anything else with a :class:`CoordinateError` that quotes the input.

Accepted notations (spaces optional, full-width characters allowed)::

    E113.4136 N29.6635          letters before the numbers
    E113.41752N29.62587         the same, printed run together
    29.6635N 113.4136E          letters after the numbers, either order
    113.4136, 29.6635           bare numbers: longitude first, then latitude
    东经113.4136° 北纬29.6635°   Chinese hemisphere words
    113°24'49"E 29°39'49"N      degrees, minutes and seconds (or minutes only)
    Ｅ１１３．４１３６　Ｎ２９．６６３５  full-width forms
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from i18n.errors import UserError

__all__ = [
    "CHINA_LAT",
    "CHINA_LON",
    "CoordinateError",
    "CoordinateOutOfRangeError",
    "ParsedCoordinate",
    "format_coordinate",
    "in_china",
    "parse_coordinate",
]

#: Longitude range accepted as "in China" (degrees east).
CHINA_LON = (73.0, 136.0)
#: Latitude range accepted as "in China" (degrees north).
CHINA_LAT = (3.0, 54.0)


class CoordinateError(UserError):
    """A coordinate string that cannot be read.

    A :class:`~i18n.errors.UserError` whose code is below ``coord.`` and whose
    ``value`` is the input as given (quoted in the message).  The caller adds
    the ``field`` (or ``row``) it read the text from when it re-raises.

    Examples
    --------
    >>> err = CoordinateError("coord.empty", value="")
    >>> err.code, err.message("en")
    ('coord.empty', 'The coordinate is empty.')
    """

    default_code = "coord.unreadable"

    @property
    def text(self) -> str:
        """The input exactly as given."""
        return self.value


class CoordinateOutOfRangeError(CoordinateError):
    """A well-formed coordinate that lies outside China."""

    default_code = "coord.outside_china"


@dataclass(frozen=True)
class ParsedCoordinate:
    """The result of :func:`parse_coordinate`.

    Attributes
    ----------
    lon, lat : float
        Decimal degrees, east and north positive.
    text : str
        The input exactly as given.
    notation : str
        One of ``prefix``, ``suffix``, ``bare`` (how the axes were marked).
    run_together : bool
        True when two lettered values were printed with no space between
        them, as in ``E113.41752N29.62587``.
    """

    lon: float
    lat: float
    text: str
    notation: str
    run_together: bool


# One value: decimal degrees, or degrees with minutes and optional seconds.
_VALUE = (
    r"(?:\d+(?:\.\d+)?(?:\s*°)?"  # decimal degrees, optional degree sign
    r"|\d+\s*°\s*\d+(?:\.\d+)?\s*'(?:\s*\d+(?:\.\d+)?\s*\")?)"  # D° M' [S"]
)
_HEMI = r"[NSEW]"
_PREFIX = re.compile(rf"^(?P<h1>{_HEMI})\s*(?P<v1>{_VALUE})(?P<sep>[\s,;]*)(?P<h2>{_HEMI})\s*(?P<v2>{_VALUE})$")
_SUFFIX = re.compile(rf"^(?P<v1>{_VALUE})\s*(?P<h1>{_HEMI})[\s,;]*(?P<v2>{_VALUE})\s*(?P<h2>{_HEMI})$")
_BARE = re.compile(rf"^(?P<v1>{_VALUE})\s*(?:[,;]\s*|\s+)(?P<v2>{_VALUE})$")
_DMS = re.compile(r"^(\d+)\s*°\s*(\d+(?:\.\d+)?)\s*'(?:\s*(\d+(?:\.\d+)?)\s*\")?$")

_WORDS = {
    "东经": "E",
    "北纬": "N",
    "西经": "W",
    "南纬": "S",
    "度": "°",
    "分": "'",
    "秒": '"',
}
_QUOTES = {
    "′": "'",
    "’": "'",
    "‘": "'",
    "`": "'",
    "´": "'",
    "″": '"',
    "“": '"',
    "”": '"',
    "º": "°",
    "˚": "°",
}


def _normalise(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    for word, repl in _WORDS.items():
        s = s.replace(word, repl)
    # NFKC turns ″ into two primes; map both before single quotes.
    s = s.replace("′′", '"').replace("''", '"')
    for quote, repl in _QUOTES.items():
        s = s.replace(quote, repl)
    s = s.replace("，", ",").replace("、", ",")
    return s.strip().upper()


def _degrees(value: str, text: str) -> float:
    value = value.strip()
    m = _DMS.match(value)
    if not m:
        return float(value.rstrip("°").strip())
    deg, minutes, seconds = float(m[1]), float(m[2]), float(m[3] or 0)
    if minutes >= 60:
        raise CoordinateError("coord.minutes_over_59", value=text, minutes=m[2])
    if seconds >= 60:
        raise CoordinateError("coord.seconds_over_59", value=text, seconds=m[3])
    return deg + minutes / 60 + seconds / 3600


def in_china(lon, lat):
    """Whether points lie in the box accepted as China.

    Parameters
    ----------
    lon, lat : float or array-like
        Decimal degrees.

    Returns
    -------
    bool or numpy.ndarray of bool

    Examples
    --------
    >>> bool(in_china(113.41, 29.66)), bool(in_china(-113.41, 29.66))
    (True, False)
    """
    return (lon >= CHINA_LON[0]) & (lon <= CHINA_LON[1]) & (lat >= CHINA_LAT[0]) & (lat <= CHINA_LAT[1])


def _check_range(text: str, lon: float, lat: float) -> None:
    if not in_china(lon, lat):
        raise CoordinateOutOfRangeError(
            "coord.outside_china",
            value=text,
            lon=f"{lon:g}",
            lat=f"{lat:g}",
            lon_min=f"{CHINA_LON[0]:g}",
            lon_max=f"{CHINA_LON[1]:g}",
            lat_min=f"{CHINA_LAT[0]:g}",
            lat_max=f"{CHINA_LAT[1]:g}",
        )


def parse_coordinate(text: str) -> ParsedCoordinate:
    """Read a longitude/latitude pair written by a person.

    Parameters
    ----------
    text : str
        The coordinate as printed or typed; see the module docstring for the
        accepted notations.

    Returns
    -------
    ParsedCoordinate

    Raises
    ------
    CoordinateError
        When the text is not one of the accepted notations; the message
        quotes the input and says what is wrong.
    CoordinateOutOfRangeError
        When the point is well formed but outside China.

    Examples
    --------
    >>> p = parse_coordinate("E113.41752N29.62587")
    >>> (p.lon, p.lat, p.run_together)
    (113.41752, 29.62587, True)
    >>> q = parse_coordinate("东经113.4136° 北纬29.6635°")
    >>> (q.lon, q.lat, q.notation)
    (113.4136, 29.6635, 'prefix')
    """
    if not isinstance(text, str):
        raise TypeError(f"coordinate must be a str, got {type(text).__name__}")
    s = _normalise(text)
    if not s:
        raise CoordinateError("coord.empty", value=text)

    m = _PREFIX.match(s) or _SUFFIX.match(s)
    if m:
        notation = "prefix" if m.re is _PREFIX else "suffix"
        axes = {}
        for h, v in ((m["h1"], m["v1"]), (m["h2"], m["v2"])):
            axis = "lon" if h in "EW" else "lat"
            if axis in axes:
                raise CoordinateError(f"coord.two_{axis}", value=text)
            deg = _degrees(v, text)
            axes[axis] = -deg if h in "WS" else deg
        lon, lat = axes["lon"], axes["lat"]
        run_together = notation == "prefix" and m["sep"] == ""
    else:
        m = _BARE.match(s)
        if not m:
            raise CoordinateError("coord.unreadable", value=text)
        notation, run_together = "bare", False
        lon, lat = _degrees(m["v1"], text), _degrees(m["v2"], text)
        looks_swapped = CHINA_LAT[0] <= lon <= CHINA_LAT[1] and CHINA_LON[0] <= lat <= CHINA_LON[1]
        if looks_swapped:
            raise CoordinateError("coord.looks_swapped", value=text)
    _check_range(text, lon, lat)
    return ParsedCoordinate(lon, lat, text, notation, run_together)


def format_coordinate(lon: float, lat: float, style: str = "prefix", decimals: int = 6) -> str:
    """Write a point in one of the notations :func:`parse_coordinate` reads.

    Parameters
    ----------
    lon, lat : float
        Decimal degrees (east and north positive).
    style : {'prefix', 'run_together', 'suffix', 'bare', 'chinese', 'dms', 'fullwidth'}
        Notation to use.
    decimals : int
        Decimal places of degrees (of seconds for ``dms``).

    Returns
    -------
    str

    Examples
    --------
    >>> format_coordinate(113.4136, 29.6635, "prefix", 4)
    'E113.4136 N29.6635'
    >>> format_coordinate(113.4136, 29.6635, "dms", 1)
    '113°24′49.0″E 29°39′48.6″N'
    """
    ew, ns = ("E" if lon >= 0 else "W"), ("N" if lat >= 0 else "S")
    a, b = abs(lon), abs(lat)
    f = f"{{:.{decimals}f}}"
    if style == "prefix":
        return f"{ew}{f.format(a)} {ns}{f.format(b)}"
    if style == "run_together":
        return f"{ew}{f.format(a)}{ns}{f.format(b)}"
    if style == "suffix":
        return f"{f.format(b)}{ns} {f.format(a)}{ew}"
    if style == "bare":
        return f"{f.format(lon)}, {f.format(lat)}"
    if style == "chinese":
        return f"{'东经' if lon >= 0 else '西经'}{f.format(a)}° {'北纬' if lat >= 0 else '南纬'}{f.format(b)}°"
    if style == "fullwidth":
        plain = f"{ew}{f.format(a)} {ns}{f.format(b)}"
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" for c in plain)
    if style == "dms":

        def dms(x: float) -> str:
            total = round(x * 3600, decimals)
            d, rem = divmod(total, 3600)
            m, s = divmod(rem, 60)
            return f"{int(d)}°{int(m)}′{s:.{decimals}f}″"

        return f"{dms(a)}{ew} {dms(b)}{ns}"
    raise ValueError(f"unknown coordinate style {style!r}")
