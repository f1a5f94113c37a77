"""Checks on a boundary file's bytes before GDAL reads it: the content must be what the extension says.

GDAL picks its reader by content; these checks make sure a ``.geojson`` is
JSON holding GeoJSON (with no ``crs`` other than a named EPSG code), a
``.kml`` is a KML document without DTD, a ``.gpkg`` is an SQLite file and a
``.zip`` holds Shapefiles, before any GDAL driver sees the file (see also
:mod:`geo.gdal`).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from i18n.errors import UserError, describe_value

from .archive import ArchiveError, check_zip

__all__ = ["FORMATS", "BoundaryError", "check_content"]

#: For each file ending: the format's name and the only GDAL drivers that may open it.
FORMATS = {
    ".geojson": ("GeoJSON", ("GeoJSON",)),
    ".json": ("GeoJSON", ("GeoJSON",)),
    ".gpkg": ("GeoPackage", ("GPKG",)),
    ".zip": ("Shapefile", ("ESRI Shapefile",)),
    ".kml": ("KML", ("KML", "LIBKML")),
}

GEOJSON_TYPES = {
    "FeatureCollection",
    "Feature",
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
}
# A GeoJSON crs member may only name an EPSG code (or OGC CRS84, GeoJSON's own).
NAMED_CRS = re.compile(
    r"(EPSG:\d{4,6}|urn:ogc:def:crs:EPSG:[\d.]*:\d{4,6}|urn:ogc:def:crs:OGC:(1\.3)?:CRS84)", re.IGNORECASE
)
SHP_MAGIC = b"\x00\x00\x27\x0a"
# Start of a KML document: optional BOM, XML declaration and comments, then the kml element.
KML_START = re.compile(rb"\A(\xef\xbb\xbf)?\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*<([\w.-]+:)?kml[\s>/]", re.DOTALL)


class BoundaryError(UserError):
    """A boundary file that cannot be used.

    Codes are ``boundary.*`` in ``i18n/catalogue/errors_boundaries.toml``;
    ``file`` is the file's name as the user knows it, never a server path.
    """

    @property
    def file(self) -> str:
        """The file name the error concerns ('' when none)."""
        return str(self.params.get("file", ""))


def _crs_members(obj, depth: int = 0):
    # Every "crs" member of a GeoJSON object, its features and their geometries (not in properties).
    if depth > 64 or not isinstance(obj, dict):
        return
    if "crs" in obj:
        yield obj["crs"]
    for key in ("features", "geometry", "geometries"):
        value = obj.get(key)
        for item in value if isinstance(value, list) else [value]:
            yield from _crs_members(item, depth + 1)


def _named_epsg(crs) -> bool:
    if not (isinstance(crs, dict) and crs.get("type") == "name" and set(crs) <= {"type", "properties"}):
        return False
    props = crs.get("properties")
    if not (isinstance(props, dict) and set(props) == {"name"} and isinstance(props["name"], str)):
        return False
    return NAMED_CRS.fullmatch(props["name"].strip()) is not None


def check_content(data: bytes, name: str, ext: str, limit: int) -> None:
    """Refuse content that is not what its extension says, before GDAL sees it."""
    expected = FORMATS[ext][0]

    def mismatch():
        return BoundaryError("boundary.content_mismatch", file=name, expected=expected, ext=ext)

    if ext in (".geojson", ".json"):
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise mismatch() from None
        if not (isinstance(doc, dict) and doc.get("type") in GEOJSON_TYPES):
            raise mismatch()
        for crs in _crs_members(doc):
            if not _named_epsg(crs):
                raise BoundaryError("boundary.crs_member", file=name, crs=describe_value(json.dumps(crs)))
        features = doc.get("features")
        if isinstance(features, list) and len(features) > limit:
            raise BoundaryError("boundary.too_many_features", file=name, n=len(features), limit=limit)
    elif ext == ".kml":
        if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
            raise BoundaryError("boundary.kml_dtd", file=name)
        if not KML_START.match(data[:65536]):
            raise mismatch()
    elif ext == ".gpkg":
        if not data.startswith(b"SQLite format 3\x00"):
            raise mismatch()
    elif ext == ".zip":
        try:
            members = check_zip(data, name)
        except ArchiveError as exc:
            raise BoundaryError(exc.code, **exc.params) from None
        shps = [m for m in members if m.lower().endswith(".shp")]
        if not shps:
            raise BoundaryError("boundary.zip_no_shp", file=name)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                heads = [z.read(member)[:4] for member in shps]
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
            raise BoundaryError("archive.not_zip", file=name) from None
        if any(head != SHP_MAGIC for head in heads):
            raise mismatch()


@dataclass(frozen=True)
class BoundaryNote:
    r"""A repair or assumption made while loading a boundary file (``boundary.note.<code>``).

    Stored with a version as one JSON line (:meth:`dumps`) and shown in the reader's language
    (:func:`notes_text`).

    Examples
    --------
    >>> w = BoundaryNote("missing_columns", {"columns": ["source", "date"]})
    >>> w.text("zh")
    '文件中没有 source、date 列：来源取文件名；日期留空'
    >>> notes_text(w.dumps() + "\nan older English note", "en").splitlines()
    ['no source, date in the file: source = file name; date left empty', 'an older English note']
    """

    code: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str = "zh") -> str:
        """The note in ``lang``."""
        from i18n import t

        params = dict(self.params)
        sep = t("list.sep", lang)
        if "columns" in params:  # each missing column says what was assumed in its place
            cols = params["columns"]
            params["effects"] = t("boundary.note.effects_sep", lang).join(
                t(f"boundary.note.effect.{c}", lang) for c in cols
            )
            params["columns"] = sep.join(cols)
        if "found" in params:  # each field name and the column it was read as
            pairs = zip(params.pop("found"), params.pop("as"), strict=True)
            params["pairs"] = sep.join(t("boundary.note.read_as", lang, found=f, column=c) for f, c in pairs)
        for k, v in params.items():
            if isinstance(v, list):
                params[k] = sep.join(map(str, v))
        return t(f"boundary.note.{self.code}", lang, **params)

    def __str__(self) -> str:
        return self.text("en")

    def dumps(self) -> str:
        """One JSON line, as stored with a boundary version."""
        return json.dumps({"note": self.code, "params": self.params}, ensure_ascii=False)


def notes_text(stored, lang: str = "zh") -> str:
    """Stored notes (:meth:`BoundaryNote.dumps` lines; older versions' plain text) in ``lang``, one per line."""
    out = []
    for line in str(stored or "").splitlines():
        try:
            d = json.loads(line)
            out.append(BoundaryNote(d["note"], d.get("params", {})).text(lang))
        except (ValueError, KeyError, TypeError):
            out.append(line)
    return "\n".join(out)
