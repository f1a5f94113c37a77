"""Lake outline, provincial monitoring section points, pond outlines and administrative areas, with provenance.

Layers live in ``data/boundaries/``: ``lake.*`` (the outline of Yehu),
``sections.*`` (省控断面监测点) and, optionally, ``ponds.*`` (pond outlines,
each with the ``pond_id`` of its register row) and ``admin.*`` (county and
town polygons, each with ``name`` and ``level``: ``county`` or ``town``).
Each may be a GeoJSON, GeoPackage,
zipped Shapefile or KML file; the CRS is read from the file, and a GeoJSON
without one is EPSG:4326 (its specification).  Every feature carries
provenance properties:

source
    Where the geometry comes from.
date
    When it was drawn or surveyed (YYYY-MM-DD), empty if unknown.
provisional
    True until the geometry has been checked; shown on the map.

Notes
-----
    Anything a reader should know.

A file lacking these properties still loads, but its features are marked
provisional with the file name as source, and a warning says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from .archive import ArchiveError, check_zip
from .coords import in_china
from .crs import to_geographic
from .register import data_dir

__all__ = [
    "ADMIN_LEVELS",
    "EXTENSIONS",
    "KINDS",
    "OPTIONAL_KINDS",
    "MAX_UPLOAD_BYTES",
    "load_boundary_bytes",
    "Boundary",
    "BoundaryError",
    "find_boundary_file",
    "load_boundaries",
    "load_boundary",
    "load_optional_boundary",
]

#: Layer kinds and the geometry types each accepts.
KINDS = {
    "lake": ("Polygon", "MultiPolygon"),
    "sections": ("Point",),
    "ponds": ("Polygon", "MultiPolygon"),
    "admin": ("Polygon", "MultiPolygon"),
}
#: Layers that may be absent.
OPTIONAL_KINDS = ("ponds", "admin")
#: Values accepted in an admin layer's ``level`` property.
ADMIN_LEVELS = {
    "county": "county",
    "县": "county",
    "县级": "county",
    "区": "county",
    "市": "county",
    "town": "town",
    "镇": "town",
    "乡": "town",
    "乡镇": "town",
    "街道": "town",
}
#: File endings read, in order of preference.
EXTENSIONS = (".geojson", ".json", ".gpkg", ".zip", ".kml")
PROVENANCE = ("source", "date", "provisional", "notes")
#: Largest boundary file accepted as an upload.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Shapefile (dBase) field names are cut to 10 characters.
ALIASES = {"provisiona": "provisional", "section_i": "section_id"}


class BoundaryError(ValueError):
    """A boundary file that cannot be used; the message names the file and the problem.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.
    problem : str
        What is wrong.
    """

    def __init__(self, path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


@dataclass
class Boundary:
    """A loaded boundary layer.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    path : pathlib.Path
        The file it came from.
    gdf : geopandas.GeoDataFrame
        In EPSG:4490, with ``name``, the provenance columns and, for sections,
        ``section_id``; for pond outlines ``pond_id``; for admin areas ``level``.
    warnings : list of str
        Repairs and assumptions made while loading (never silent).
    """

    kind: str
    path: Path
    gdf: gpd.GeoDataFrame
    warnings: list[str] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        """Whether any feature is provisional."""
        return bool(self.gdf["provisional"].any())


def _as_bool(value) -> bool | None:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "y", "是", "t"}:
        return True
    if text in {"false", "0", "no", "n", "否", "f"}:
        return False
    return None


def _polygonal(geom):
    # make_valid may return a collection with lines or points: keep the polygons.
    parts = shapely.get_parts(geom)
    return shapely.union_all(parts[np.isin(shapely.get_type_id(parts), [3, 6])])


def _read(path: Path) -> gpd.GeoDataFrame:
    try:
        layers = pyogrio.list_layers(path)
        frames = [gpd.read_file(path, layer=name) for name, gtype in layers if gtype is not None]
    except Exception as exc:  # GDAL raises a variety of errors for unreadable files
        raise BoundaryError(path, f"cannot be read as a GIS file ({exc})") from exc
    frames = [f for f in frames if len(f)]
    if not frames:
        raise BoundaryError(path, "contains no features")
    crs = frames[0].crs
    if crs is None:
        raise BoundaryError(path, "has no coordinate reference system (a Shapefile needs its .prj)")
    return gpd.GeoDataFrame(pd.concat([f.to_crs(crs) for f in frames], ignore_index=True), crs=crs)


def load_boundary(path, kind: str) -> Boundary:
    """Load and validate one boundary layer.

    Parameters
    ----------
    path : str or pathlib.Path
        GeoJSON, GeoPackage, zipped Shapefile or KML.
    kind : {'lake', 'sections', 'ponds', 'admin'}
        ``sections`` takes points, the others polygons.

    Returns
    -------
    Boundary

    Raises
    ------
    BoundaryError
        When the file is missing, unreadable, empty, has no CRS, holds the
        wrong geometry type, or a feature lies outside China; for pond
        outlines a missing, unreadable or repeated ``pond_id``; for admin
        areas a missing name or level.

    Examples
    --------
    >>> b = load_boundary(data_dir() / "boundaries" / "sections.geojson", "sections")
    >>> b.provisional, b.gdf.crs.to_epsg()
    (True, 4490)
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, got {kind!r}")
    path = Path(path)
    if not path.is_file():
        raise BoundaryError(path, "file not found")
    gdf = _read(path)
    gdf = gdf.rename(columns={k: v for k, v in ALIASES.items() if k in gdf.columns and v not in gdf.columns})
    warnings: list[str] = []

    geoms = gdf.geometry.values
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        raise BoundaryError(path, f"feature(s) {list(np.flatnonzero(empty) + 1)} have no geometry")
    if kind == "sections":
        gdf = gdf.explode(index_parts=False, ignore_index=True)
    types = gdf.geom_type.to_numpy()
    wrong = ~np.isin(types, KINDS[kind])
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise BoundaryError(path, f"feature {i + 1} is a {types[i]}; a {kind} layer takes {' or '.join(KINDS[kind])}")
    if KINDS[kind][0] == "Polygon":
        valid = shapely.is_valid(gdf.geometry.values)
        for i in np.flatnonzero(~valid):
            reason = shapely.is_valid_reason(gdf.geometry.values[i])
            warnings.append(f"feature {i + 1} was invalid ({reason}); repaired with make_valid")
        if (~valid).any():
            gdf = gdf.set_geometry([_polygonal(g) for g in shapely.make_valid(gdf.geometry.values)])

    gdf = to_geographic(gdf, str(path))
    bounds = shapely.bounds(gdf.geometry.values)
    inside = in_china(bounds[:, 0], bounds[:, 1]) & in_china(bounds[:, 2], bounds[:, 3])
    if not inside.all():
        i = int(np.flatnonzero(~inside)[0])
        raise BoundaryError(
            path, f"feature {i + 1} lies outside China (bounds {np.round(bounds[i], 4).tolist()}); check its CRS"
        )

    missing = [c for c in PROVENANCE if c not in gdf.columns]
    if missing:
        effects = {
            "source": "source = file name",
            "date": "date left empty",
            "provisional": "features marked provisional",
            "notes": "notes left empty",
        }
        warnings.append(f"no {', '.join(missing)} in the file: {'; '.join(effects[c] for c in missing)}")
    out = gpd.GeoDataFrame(geometry=gdf.geometry.values, crs=gdf.crs)
    n = len(gdf)
    names = gdf["name"] if "name" in gdf.columns else gdf.get("Name", pd.Series([""] * n))
    out["name"] = [str(v) if isinstance(v, str) and v else f"{kind}-{i + 1}" for i, v in enumerate(names)]
    out["source"] = gdf["source"].fillna(path.name).astype(str).to_numpy() if "source" in gdf.columns else path.name
    out["date"] = gdf["date"].fillna("").astype(str).to_numpy() if "date" in gdf.columns else ""
    prov = [_as_bool(v) for v in gdf["provisional"]] if "provisional" in gdf.columns else [None] * n
    if any(p is None for p in prov) and "provisional" in gdf.columns:
        warnings.append("some features have no readable 'provisional' value: marked provisional")
    out["provisional"] = [True if p is None else p for p in prov]
    out["notes"] = gdf["notes"].fillna("").astype(str).to_numpy() if "notes" in gdf.columns else ""
    if kind == "sections":
        ids = gdf["section_id"] if "section_id" in gdf.columns else pd.Series([None] * n)
        out.insert(0, "section_id", [str(v) if v else f"S{i + 1}" for i, v in enumerate(ids)])
        if out["section_id"].duplicated().any():
            raise BoundaryError(path, "section_id values must be unique")
    if kind == "ponds":
        out.insert(0, "pond_id", _pond_ids(path, gdf))
    if kind == "admin":
        out["level"] = _admin_levels(path, gdf)
        if "name" not in gdf.columns or gdf["name"].isna().any() or (gdf["name"].astype(str).str.strip() == "").any():
            raise BoundaryError(path, "every admin area needs a name")
    return Boundary(kind, path, out, warnings)


def _pond_ids(path, gdf) -> np.ndarray:
    if "pond_id" not in gdf.columns:
        raise BoundaryError(path, "pond outlines need a pond_id property (the register's pond number)")
    ids = pd.to_numeric(gdf["pond_id"], errors="coerce")
    bad = ids.isna() | (ids != ids.round())
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise BoundaryError(path, f"feature {i + 1}: pond_id {gdf['pond_id'].iloc[i]!r} is not a pond number")
    ids = ids.astype(np.int64).to_numpy()
    dup = pd.Series(ids).duplicated()
    if dup.any():
        raise BoundaryError(path, f"pond {ids[int(np.flatnonzero(dup.to_numpy())[0])]} has more than one outline")
    return ids


def _admin_levels(path, gdf) -> list[str]:
    if "level" not in gdf.columns:
        raise BoundaryError(path, "admin areas need a level property (county or town)")
    levels = []
    for i, v in enumerate(gdf["level"]):
        level = ADMIN_LEVELS.get(str(v).strip().lower()) if v is not None else None
        if level is None:
            raise BoundaryError(path, f"feature {i + 1}: level {v!r} is neither county nor town")
        levels.append(level)
    return levels


def find_boundary_file(kind: str, folder=None) -> Path:
    """Find the file holding a boundary layer.

    Parameters
    ----------
    kind : str
        Layer wanted (one of :data:`KINDS`); the file is ``<kind>.<ext>``.
    folder : str or pathlib.Path, optional
        Defaults to ``boundaries/`` in :func:`geo.register.data_dir`.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    BoundaryError
        When there is no such file, or more than one (which would be ambiguous).
    """
    folder = Path(folder) if folder is not None else data_dir() / "boundaries"
    found = [folder / f"{kind}{ext}" for ext in EXTENSIONS if (folder / f"{kind}{ext}").is_file()]
    if not found:
        raise BoundaryError(folder / kind, f"no {kind} file ({', '.join(kind + e for e in EXTENSIONS)})")
    if len(found) > 1:
        raise BoundaryError(folder, f"several {kind} files, keep one: {', '.join(p.name for p in found)}")
    return found[0]


def load_boundaries(folder=None) -> tuple[Boundary, Boundary]:
    """Load the lake outline and the section points.

    Parameters
    ----------
    folder : str or pathlib.Path, optional
        See :func:`find_boundary_file`.

    Returns
    -------
    (Boundary, Boundary)
        The lake and the sections.
    """
    return (
        load_boundary(find_boundary_file("lake", folder), "lake"),
        load_boundary(find_boundary_file("sections", folder), "sections"),
    )


def load_optional_boundary(kind: str, folder=None) -> Boundary | None:
    """Load an optional layer (pond outlines, admin areas) if its file exists.

    Parameters
    ----------
    kind : {'ponds', 'admin'}
    folder : str or pathlib.Path, optional
        See :func:`find_boundary_file`.

    Returns
    -------
    Boundary or None
        None when there is no file.

    Raises
    ------
    BoundaryError
        When the file exists but cannot be used, or there are several.
    """
    folder = Path(folder) if folder is not None else data_dir() / "boundaries"
    if not any((folder / f"{kind}{ext}").is_file() for ext in EXTENSIONS):
        return None
    return load_boundary(find_boundary_file(kind, folder), kind)


def load_boundary_bytes(content: bytes, filename: str, kind: str) -> Boundary:
    """Validate an uploaded boundary file, as :func:`load_boundary` does for a file on disk.

    The upload is checked before any GIS library reads it: size (at most
    :data:`MAX_UPLOAD_BYTES`), extension, zip safety for zipped Shapefiles
    (:func:`geo.archive.check_zip`), and no DTD or entities in KML.  It is then
    written under a fixed name in a private temporary folder and loaded.

    Parameters
    ----------
    content : bytes
    filename : str
        As uploaded; only its extension is used, and it is kept for display.
    kind : str
        One of :data:`KINDS`.

    Returns
    -------
    Boundary
        ``path`` is the uploaded file name.

    Raises
    ------
    BoundaryError
    """
    import tempfile

    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, got {kind!r}")
    name = Path(filename or "upload").name
    ext = Path(name).suffix.lower()
    if ext not in EXTENSIONS:
        raise BoundaryError(name, f"file type {ext or '(none)'} not accepted; use {', '.join(EXTENSIONS)}")
    if not content:
        raise BoundaryError(name, "the file is empty")
    if len(content) > MAX_UPLOAD_BYTES:
        raise BoundaryError(name, f"{len(content):,} bytes, more than the {MAX_UPLOAD_BYTES:,} allowed")
    if ext == ".zip":
        try:
            members = check_zip(content, name)
        except ArchiveError as exc:
            raise BoundaryError(name, str(exc).split(": ", 1)[-1]) from exc
        if not any(m.lower().endswith(".shp") for m in members):
            raise BoundaryError(name, "the zip holds no .shp file")
    if ext == ".kml" and (b"<!DOCTYPE" in content.upper() or b"<!ENTITY" in content.upper()):
        raise BoundaryError(name, "KML with a DTD or entities is not accepted")
    if ext == ".gpkg" and not content.startswith(b"SQLite format 3\x00"):
        raise BoundaryError(name, "not a GeoPackage (SQLite) file")
    with tempfile.TemporaryDirectory(prefix="yehu-upload-") as tmp:
        path = Path(tmp) / f"{kind}{ext}"
        path.write_bytes(content)
        try:
            b = load_boundary(path, kind)
        except BoundaryError as exc:
            raise BoundaryError(name, exc.problem) from exc
    return Boundary(b.kind, Path(name), b.gdf, b.warnings)
