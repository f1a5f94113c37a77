"""Placing a section whose position the documents do not give (位置待定): the rules.

An administrator types a longitude and a latitude with the datum they were read in
(WGS84/CGCS2000 or GCJ-02, :data:`geo.datum.DATUMS`); :func:`enter_position` reads both
numbers, refuses what cannot be a position (naming the field) and converts GCJ-02 to
CGCS2000. :func:`plausibility` lists what looks wrong about a position that can be one
(outside the county, outside its body's outline, far from it): shown before the placement
is confirmed, never silently corrected. :func:`placed_layer` makes the placed sections a
layer, each with its provenance and whether its body's rules put a no-fishing zone around it.

Examples
--------
>>> p = enter_position("113.4229", "29.6532", "wgs84")
>>> (p.lon, p.lat, p.entered)
(113.4229, 29.6532, 'lon=113.4229; lat=29.6532')
>>> enter_position("29.6532", "113.4229", "wgs84")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
geo.placement.PositionError: Longitude, '29.6532, 113.4229': Longitude and latitude look swapped ...
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import geopandas as gpd
import shapely

from i18n import t
from i18n.errors import UserError

from .coords import CHINA_LAT, CHINA_LON, in_china
from .crs import GEOGRAPHIC, METRIC, gcj02_to_wgs84
from .datum import DATUMS

__all__ = [
    "FAR_M",
    "Placement",
    "PositionError",
    "PositionWarning",
    "enter_position",
    "placed_layer",
    "plausibility",
]

#: A section further than this from its body's outline or centre line is called far from it.
FAR_M = 2000.0
#: Longest typed number kept (a longer text is refused before it is read).
MAX_TYPED = 40


class PositionError(UserError):
    """A typed position that cannot be used; ``field`` is ``lon``, ``lat`` or ``coord_datum``."""

    default_code = "placement.invalid"


@dataclass(frozen=True)
class PositionWarning:
    """Something that looks wrong about a usable position (``placement.warn.<code>``)."""

    code: str
    params: dict

    def text(self, lang: str) -> str:
        """The warning in ``lang``."""
        return t(f"placement.warn.{self.code}", lang, **self.params)


@dataclass(frozen=True)
class EnteredPosition:
    """A typed position converted to CGCS2000, with what was typed."""

    lon: float
    lat: float
    datum: str
    entered: str
    typed_lon: float
    typed_lat: float


@dataclass(frozen=True)
class Placement:
    """A section's stored position (one version) with its provenance."""

    code: str
    lon: float
    lat: float
    datum: str
    entered: str
    source: str
    note: str
    by: str
    at: datetime | None
    version: int


def _number(value, field: str) -> float:
    """A typed number (full-width digits and a trailing ° accepted); refusals name the field."""
    if isinstance(value, bool):
        raise PositionError("input.not_a_number", field=field, value=str(value))
    if isinstance(value, int | float):
        number, text = float(value), repr(value)
    else:
        text = unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()
        if not text:
            raise PositionError("input.missing", field=field)
        if len(text) > MAX_TYPED:
            raise PositionError("input.not_a_number", field=field, value=text[:MAX_TYPED] + "…")
        try:
            number = float(text.rstrip("°").strip())
        except ValueError:
            raise PositionError("input.not_a_number", field=field, value=text) from None
    if not math.isfinite(number):
        raise PositionError("placement.not_finite", field=field, value=text)
    return number


def _typed(value) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip() if not isinstance(value, float) else repr(value)


def enter_position(lon, lat, datum: str | None) -> EnteredPosition:
    """Read a typed longitude and latitude in a datum and convert them to CGCS2000.

    Parameters
    ----------
    lon, lat : str or float
        Decimal degrees as typed (east and north positive).
    datum : {'wgs84', 'gcj02'} or None
        What the person said the numbers are; None is refused (never guessed).

    Returns
    -------
    EnteredPosition

    Raises
    ------
    PositionError
        ``datum.missing``, ``input.unknown_choice`` (field ``coord_datum``), ``input.missing``,
        ``input.not_a_number``, ``placement.not_finite``, ``placement.lon_range``,
        ``placement.lat_range``, ``placement.swapped`` or ``placement.outside_china``.

    Examples
    --------
    >>> enter_position("113.43", "29.65", "gcj02").lon != 113.43
    True
    >>> enter_position("nan", "29.65", "wgs84")
    Traceback (most recent call last):
    ...
    geo.placement.PositionError: Longitude, 'nan': Not a finite number.
    >>> enter_position("113.4", "95", "wgs84")
    Traceback (most recent call last):
    ...
    geo.placement.PositionError: Latitude, '95': A latitude lies between -90 and 90.
    """
    x, y = _number(lon, "lon"), _number(lat, "lat")
    pair = f"{_typed(lon)}, {_typed(lat)}"
    if CHINA_LAT[0] <= x <= CHINA_LAT[1] and CHINA_LON[0] <= y <= CHINA_LON[1]:
        raise PositionError("placement.swapped", field="lon", value=pair)
    if not -180 <= x <= 180:
        raise PositionError("placement.lon_range", field="lon", value=_typed(lon))
    if not -90 <= y <= 90:
        raise PositionError("placement.lat_range", field="lat", value=_typed(lat))
    if not bool(in_china(x, y)):
        raise PositionError(
            "placement.outside_china",
            field="lon",
            value=pair,
            lon_min=f"{CHINA_LON[0]:g}",
            lon_max=f"{CHINA_LON[1]:g}",
            lat_min=f"{CHINA_LAT[0]:g}",
            lat_max=f"{CHINA_LAT[1]:g}",
        )
    if datum is None or (isinstance(datum, str) and not datum.strip()):
        raise PositionError("datum.missing", field="coord_datum", value=pair)
    if datum not in DATUMS:
        raise PositionError("input.unknown_choice", field="coord_datum", value=str(datum), choices=", ".join(DATUMS))
    cx, cy = (x, y) if datum == "wgs84" else gcj02_to_wgs84(x, y)
    return EnteredPosition(float(cx), float(cy), datum, f"lon={_typed(lon)}; lat={_typed(lat)}", x, y)


def plausibility(lon: float, lat: float, area, outline: gpd.GeoDataFrame | None = None) -> list[PositionWarning]:
    """What looks wrong about a position: outside the county's box, outside or far from its body.

    Parameters
    ----------
    lon, lat : float
        CGCS2000 degrees.
    area : tuple of float
        ``(west, south, east, north)``: the county's box (``[boundaries] area`` in the configuration).
    outline : geopandas.GeoDataFrame, optional
        The body's outline (polygons) or centre line (lines); None when none is known.

    Returns
    -------
    list of PositionWarning
        Empty when nothing looks wrong.

    Examples
    --------
    >>> [w.code for w in plausibility(113.42, 29.65, (112.9, 29.0, 114.1, 30.1))]
    []
    >>> [w.code for w in plausibility(116.0, 29.65, (112.9, 29.0, 114.1, 30.1))]
    ['outside_county']
    """
    out = []
    west, south, east, north = area
    if not (west <= lon <= east and south <= lat <= north):
        out.append(PositionWarning("outside_county", {"box": f"E{west:g}–{east:g}, N{south:g}–{north:g}"}))
    if outline is not None and len(outline):
        point = gpd.GeoSeries([shapely.Point(lon, lat)], crs=GEOGRAPHIC).to_crs(METRIC).iloc[0]
        shape = shapely.union_all(outline.to_crs(METRIC).geometry.values)
        distance = float(shape.distance(point))
        polygonal = shape.geom_type in ("Polygon", "MultiPolygon")
        if distance > FAR_M:
            out.append(PositionWarning("far_from_body", {"km": f"{distance / 1000:.1f}"}))
        elif polygonal and distance > 0:
            out.append(PositionWarning("outside_outline", {"m": f"{distance:.0f}"}))
    return out


def placed_layer(bodies) -> gpd.GeoDataFrame:
    """The placed sections of every body as points (EPSG:4490), with provenance and zone rule.

    Parameters
    ----------
    bodies : geo.waterbodies.WaterBodies
        With placements applied (:meth:`geo.waterbodies.WaterBodies.with_placements`).

    Returns
    -------
    geopandas.GeoDataFrame
        ``section_id``, ``name``, ``water_body``, ``level``, ``nofish`` (its body's rules put a
        no-fishing zone around it), ``source``, ``provisional`` (True: a typed position),
        ``datum``, ``entered``, ``placed_by``, ``placed_at``, ``version`` and the point.

    Examples
    --------
    >>> from geo.waterbodies import load_waterbodies
    >>> len(placed_layer(load_waterbodies()))
    0
    """
    rows = []
    for b in bodies:
        rules = {lv for z in b.zones if z.rule == "nofish" for lv in z.levels}
        for s in b.sections:
            p = s.placement
            if p is None:
                continue
            rows.append(
                {
                    "section_id": s.code,
                    "name": s.name,
                    "water_body": b.code,
                    "level": s.level,
                    "nofish": bool(s.level and s.level in rules),
                    "source": p.source,
                    "provisional": True,
                    "datum": p.datum,
                    "entered": p.entered,
                    "placed_by": p.by,
                    "placed_at": p.at.isoformat(timespec="seconds") if p.at else "",
                    "version": int(p.version),
                    "geometry": shapely.Point(p.lon, p.lat),
                }
            )
    columns = [
        "section_id",
        "name",
        "water_body",
        "level",
        "nofish",
        "source",
        "provisional",
        "datum",
        "entered",
        "placed_by",
        "placed_at",
        "version",
        "geometry",
    ]
    if not rows:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry="geometry", crs=GEOGRAPHIC)
    return gpd.GeoDataFrame(rows, columns=columns, geometry="geometry", crs=GEOGRAPHIC)
