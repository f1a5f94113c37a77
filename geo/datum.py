"""Coordinates as typed by a person, with the datum they were read in.

Field staff copy coordinates from GPS receivers, Tianditu or Beidou (WGS84 /
CGCS2000, the same to well under a metre) or from the Gaode and Tencent apps
(GCJ-02, about 640 m off at Yehu).  Every form that takes a coordinate asks
which; a GCJ-02 entry is converted to CGCS2000 on entry, and the original is
kept in the record (:meth:`EnteredCoordinate.record`).
"""

from __future__ import annotations

from dataclasses import dataclass

from i18n import t

from .coords import format_coordinate, parse_coordinate
from .crs import gcj02_to_wgs84

__all__ = ["DATUMS", "EnteredCoordinate", "enter_coordinate"]

#: Datum choices offered wherever a coordinate is typed.
DATUMS = ("wgs84", "gcj02")


@dataclass(frozen=True)
class EnteredCoordinate:
    """A typed coordinate, converted to CGCS2000.

    Attributes
    ----------
    lon, lat : float
        CGCS2000 (EPSG:4490) decimal degrees.
    text : str
        ``lon``/``lat`` written out (what is stored as the coordinate text).
    datum : str
        One of :data:`DATUMS`: what the person said the input was.
    original : str
        The input as typed.
    """

    lon: float
    lat: float
    text: str
    datum: str
    original: str

    @property
    def converted(self) -> bool:
        """Whether the input was shifted (GCJ-02)."""
        return self.datum == "gcj02"

    def record(self, lang: str = "zh") -> str:
        """One line for the note or reason kept with the entry: datum, original, result.

        Examples
        --------
        >>> enter_coordinate("E113.4136 N29.6635", "wgs84").record("en")
        'Coordinate entered as WGS84/CGCS2000: E113.4136 N29.6635'
        """
        if not self.converted:
            return t("datum.record_plain", lang, original=self.original)
        return t("datum.record_converted", lang, original=self.original, text=self.text)


def enter_coordinate(text: str, datum: str) -> EnteredCoordinate:
    """Parse a typed coordinate and convert it from its datum to CGCS2000.

    Parameters
    ----------
    text : str
        Any notation :func:`geo.coords.parse_coordinate` reads.
    datum : {'wgs84', 'gcj02'}
        ``wgs84`` for WGS84/CGCS2000 (GPS, Beidou, Tianditu); ``gcj02`` for
        coordinates copied from Gaode/AMap or Tencent maps.

    Returns
    -------
    EnteredCoordinate

    Raises
    ------
    geo.coords.CoordinateError
        When the text cannot be read.
    ValueError
        When ``datum`` is not one of :data:`DATUMS` (the form must ask).

    Examples
    --------
    >>> c = enter_coordinate("E113.4300 N29.6500", "gcj02")
    >>> c.text, c.converted
    ('E113.423979 N29.652416', True)
    """
    if datum not in DATUMS:
        raise ValueError(f"datum must be one of {DATUMS}, got {datum!r}")
    p = parse_coordinate(text)
    lon, lat = (p.lon, p.lat) if datum == "wgs84" else gcj02_to_wgs84(p.lon, p.lat)
    shown = format_coordinate(lon, lat, "prefix", 6) if datum == "gcj02" else text.strip()
    return EnteredCoordinate(float(lon), float(lat), shown, datum, text.strip())
