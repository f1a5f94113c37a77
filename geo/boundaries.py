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

import contextlib
import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from i18n.errors import describe_value

from .config import load_config
from .crs import to_geographic
from .filecheck import FORMATS, BoundaryError, BoundaryNote, check_content
from .gdal import ensure_locked
from .provenance import stated_provenance
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

log = logging.getLogger(__name__)

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
#: Chinese field names surveyors and county offices use, read as the provenance columns (in this
#: order: the first one found stands for a column the file lacks; each one read is noted).
CHINESE_ALIASES = (
    ("名称", "name"),
    ("测绘单位", "source"),
    ("数据来源", "source"),
    ("来源", "source"),
    ("测量日期", "date"),
    ("测绘日期", "date"),
    ("日期", "date"),
    ("备注", "notes"),
    ("说明", "notes"),
    ("暂定", "provisional"),
)


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
    warnings : list of BoundaryNote
        Repairs and assumptions made while loading (never silent).
    layer : str or None
        The layer taken from a multi-layer file (None for a single-layer file).
    """

    kind: str
    path: Path
    gdf: gpd.GeoDataFrame
    warnings: list[str] = field(default_factory=list)
    layer: str | None = None

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


@contextlib.contextmanager
def _gdal_warnings_logged(name: str):
    # GDAL's warnings name the server's temporary file: they go to the log, not to a user.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for w in caught:
        log.info("boundary file %s: %s", name, w.message)


#: Layer names taken first for each kind in a multi-layer file (the project's own exports included).
LAYER_NAMES = {
    "lake": ("lake", "lakes", "yehu", "map.layer.lake"),
    "sections": ("sections", "section", "export.kml.sections"),
    "ponds": ("ponds", "pond_outlines", "map.layer.ponds"),
    "admin": ("admin", "admin_areas"),
}


def _layer_names(kind: str) -> set:
    from i18n import LANGS, t

    out = set()
    for n in LAYER_NAMES[kind]:
        out |= {t(n, lang).lower() for lang in LANGS} if "." in n else {n}
    return out


def _fits(path: Path, layer: str, gtype, kind: str) -> bool:
    """Whether a layer's geometries are of the kind's type (reading them when the file does not say)."""
    allowed = set(KINDS[kind]) | {"Multi" + k for k in KINDS[kind]}
    if gtype and str(gtype).replace(" Z", "").replace("3D ", "") in allowed:
        return True
    if gtype and str(gtype) not in ("Unknown", "Geometry", "GeometryCollection"):
        return False
    try:
        geoms = pyogrio.read_dataframe(path, layer=layer, columns=[], max_features=10_000).geometry
    except Exception:  # an unreadable layer is not a candidate
        return False
    types = set(geoms.dropna().geom_type)
    return bool(types) and types <= allowed


def choose_layer(layers: list, kind: str, path: Path, layer: str | None = None) -> str:
    """The layer to load: the one asked for, else one named after the kind, else the first of the right type.

    Parameters
    ----------
    layers : list of (str, str)
        Layer names and geometry types as the file lists them.
    kind : str
    path : pathlib.Path
    layer : str, optional
        Asked for by name.

    Returns
    -------
    str

    Raises
    ------
    BoundaryError
        ``boundary.layer_not_found`` (the asked-for layer is not in the file) or
        ``boundary.no_fitting_layer`` (no layer holds the kind's geometry type).
    """
    names = [n for n, _ in layers]
    if layer is not None:
        if layer not in names:
            raise BoundaryError("boundary.layer_not_found", file=path.name, layer=describe_value(layer))
        return layer
    if len(layers) == 1:
        return names[0]
    wanted = _layer_names(kind)
    fitting = [n for n, g in layers if _fits(path, n, g, kind)]
    named = [n for n in fitting if n.strip().lower() in wanted or n.strip().lower().removeprefix("yehu-") in wanted]
    if named:
        return named[0]
    if fitting:
        return fitting[0]
    raise BoundaryError("boundary.no_fitting_layer", file=path.name, allowed=" / ".join(KINDS[kind]))


def list_layers(path) -> list:
    """Layers of a boundary file: ``[(name, geometry type), ...]`` (empty when it cannot be read).

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    list of (str, str)
    """
    try:
        ensure_locked()
        with _gdal_warnings_logged(Path(path).name):
            return [(str(n), str(g)) for n, g in pyogrio.list_layers(path) if g is not None]
    except Exception:  # noqa: BLE001 - the caller reports the file as unreadable when it loads it
        return []


def _read(path: Path, name: str, ext: str, limit: int, kind: str = "lake", layer: str | None = None):
    """Read the chosen layer of a file with the drivers its extension allows; refuse anything else.

    Returns the frame and the chosen layer's name (None for a single-layer file).
    """
    drivers = FORMATS[ext][1]
    unreadable = BoundaryError("boundary.unreadable", file=name, expected=FORMATS[ext][0])
    try:
        ensure_locked()
        with _gdal_warnings_logged(name):
            listed = [(str(n), gtype) for n, gtype in pyogrio.list_layers(path) if gtype is not None]
            infos = [pyogrio.read_info(path, layer=n) for n, _ in listed]
    except Exception as exc:  # GdalLockError, or GDAL raises a variety of errors for unreadable files
        log.warning("boundary file %s (%s) unreadable: %r", name, path, exc)
        raise unreadable from None
    if any(info["driver"] not in drivers for info in infos):
        log.warning("boundary file %s opened by %s", name, [info["driver"] for info in infos])
        raise BoundaryError("boundary.content_mismatch", file=name, expected=FORMATS[ext][0], ext=ext)
    counted = sum(max(int(info["features"]), 0) for info in infos)
    if counted > limit:
        raise BoundaryError("boundary.too_many_features", file=name, n=counted, limit=limit)
    if not listed:
        raise BoundaryError("boundary.no_features", file=name)
    chosen = choose_layer(listed, kind, path, layer) if (len(listed) > 1 or layer is not None) else None
    layers = [chosen] if chosen is not None else [listed[0][0]]
    try:
        with _gdal_warnings_logged(name):
            frames = [gpd.read_file(path, layer=layer, engine="pyogrio") for layer in layers]
    except Exception as exc:
        log.warning("boundary file %s (%s) unreadable: %r", name, path, exc)
        raise unreadable from None
    frames = [f for f in frames if len(f)]
    if not frames:
        raise BoundaryError("boundary.no_features", file=name)
    crs = frames[0].crs
    if crs is None or any(f.crs is None for f in frames):
        raise BoundaryError("boundary.no_crs", file=name)
    for f in frames:
        if f.crs.to_epsg(min_confidence=70) is None and f.crs.to_authority(min_confidence=70) is None:
            raise BoundaryError("boundary.unknown_crs", file=name, crs=describe_value(f.crs.name))
    gdf = gpd.GeoDataFrame(pd.concat([f.to_crs(crs) for f in frames], ignore_index=True), crs=crs)
    return gdf, (chosen if len(listed) > 1 else None)


def load_boundary(path, kind: str, *, name: str | None = None, layer: str | None = None) -> Boundary:
    """Load and validate one boundary layer.

    The content must be what the extension says (checked before GDAL reads
    it), and only the GDAL driver of that format may open it.

    Parameters
    ----------
    path : str or pathlib.Path
        GeoJSON, GeoPackage, zipped Shapefile or KML.
    kind : {'lake', 'sections', 'ponds', 'admin'}
        ``sections`` takes points, the others polygons.
    name : str, optional
        The file's name in messages (default: the path's last part).
    layer : str, optional
        In a multi-layer file (GeoPackage, KML with folders), the layer to load;
        by default the one named after the kind (``lake``, ``sections`` and the
        project's own export names), else the first with the kind's geometry type.

    Returns
    -------
    Boundary

    Raises
    ------
    BoundaryError
        When the file is missing, unreadable, not the format its extension
        names, empty, has no or an unknown CRS, holds too many features, the
        wrong geometry type, non-finite coordinates, or a feature outside the
        configured area around the county (``[boundaries]`` in the configuration);
        for pond outlines a missing, unreadable or repeated ``pond_id``; for
        admin areas a missing name or level.

    Examples
    --------
    >>> b = load_boundary(data_dir() / "boundaries" / "sections.geojson", "sections")
    >>> b.provisional, b.gdf.crs.to_epsg()
    (True, 4490)
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, got {kind!r}")
    path = Path(path)
    name = describe_value(name or path.name)
    ext = path.suffix.lower()
    cfg = load_config()["boundaries"]
    if ext not in FORMATS:
        raise BoundaryError("boundary.type_not_accepted", file=name, ext=ext or "-", allowed=", ".join(EXTENSIONS))
    if not path.is_file():
        raise BoundaryError("boundary.not_found", file=name)
    limit = cfg.max_pond_features if kind == "ponds" else cfg.max_features
    check_content(path.read_bytes(), name, ext, limit)
    gdf, chosen = _read(path, name, ext, limit, kind, layer)
    gdf = gdf.rename(columns={k: v for k, v in ALIASES.items() if k in gdf.columns and v not in gdf.columns})
    warnings: list[BoundaryNote] = []
    read_as = {}
    for zh, column in CHINESE_ALIASES:
        if zh in gdf.columns and column not in gdf.columns and column not in read_as.values():
            read_as[zh] = column
    if read_as:
        gdf = gdf.rename(columns=read_as)
        warnings.append(BoundaryNote("columns_read_as", {"found": list(read_as), "as": list(read_as.values())}))
    if chosen is not None:
        others = [n for n, _ in list_layers(path) if n != chosen]
        warnings.append(BoundaryNote("layer_chosen", {"layer": chosen, "others": others}))

    geoms = gdf.geometry.values
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        raise BoundaryError("boundary.no_geometry", file=name, features=list(map(int, np.flatnonzero(empty) + 1)))
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        raise BoundaryError("boundary.non_finite", file=name, feature=int(index[bad][0]) + 1)
    if kind == "sections":
        gdf = gdf.explode(index_parts=False, ignore_index=True)
        if len(gdf) > limit:
            raise BoundaryError("boundary.too_many_features", file=name, n=len(gdf), limit=limit)
    types = gdf.geom_type.to_numpy()
    wrong = ~np.isin(types, KINDS[kind])
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise BoundaryError(
            "boundary.wrong_type", file=name, feature=i + 1, found=types[i], allowed=" / ".join(KINDS[kind])
        )
    if KINDS[kind][0] == "Polygon":
        valid = shapely.is_valid(gdf.geometry.values)
        for i in np.flatnonzero(~valid):
            reason = shapely.is_valid_reason(gdf.geometry.values[i])
            warnings.append(BoundaryNote("repaired", {"feature": int(i) + 1, "reason": reason}))
        if (~valid).any():
            gdf = gdf.set_geometry([_polygonal(g) for g in shapely.make_valid(gdf.geometry.values)])

    gdf = to_geographic(gdf, name)
    bounds = shapely.bounds(gdf.geometry.values)
    lon_min, lat_min, lon_max, lat_max = cfg.area
    with np.errstate(invalid="ignore"):
        inside = (bounds[:, 0] >= lon_min) & (bounds[:, 1] >= lat_min) & (bounds[:, 2] <= lon_max)
        inside &= bounds[:, 3] <= lat_max
    if not inside.all():
        i = int(np.flatnonzero(~inside)[0])
        raise BoundaryError(
            "boundary.outside_area",
            file=name,
            feature=i + 1,
            bounds=np.round(bounds[i], 4).tolist(),
            lon_min=lon_min,
            lon_max=lon_max,
            lat_min=lat_min,
            lat_max=lat_max,
        )

    missing = [c for c in PROVENANCE if c not in gdf.columns]
    if missing:
        warnings.append(BoundaryNote("missing_columns", {"columns": missing}))
    out = gpd.GeoDataFrame(geometry=gdf.geometry.values, crs=gdf.crs)
    n = len(gdf)
    names = gdf["name"] if "name" in gdf.columns else gdf.get("Name", pd.Series([""] * n))
    out["name"] = [str(v) if isinstance(v, str) and v else f"{kind}-{i + 1}" for i, v in enumerate(names)]
    out["source"] = gdf["source"].fillna(name).astype(str).to_numpy() if "source" in gdf.columns else name
    out["date"] = gdf["date"].fillna("").astype(str).to_numpy() if "date" in gdf.columns else ""
    prov = [_as_bool(v) for v in gdf["provisional"]] if "provisional" in gdf.columns else [None] * n
    if any(p is None for p in prov) and "provisional" in gdf.columns:
        warnings.append(BoundaryNote("provisional_unreadable"))
    out["provisional"] = [True if p is None else p for p in prov]
    out["notes"] = gdf["notes"].fillna("").astype(str).to_numpy() if "notes" in gdf.columns else ""
    if "provenance" in gdf.columns:  # stated in the file (the project's own exports and drawings carry it)
        out = stated_provenance(out, gdf["provenance"], warnings)
        if "provenance" in out.columns and "prov_by" in gdf.columns:
            out["prov_by"] = [v.strip() if isinstance(v, str) else "" for v in gdf["prov_by"]]
    if kind == "sections":
        ids = gdf["section_id"] if "section_id" in gdf.columns else pd.Series([None] * n)
        out.insert(0, "section_id", [str(v) if v else f"S{i + 1}" for i, v in enumerate(ids)])
        if out["section_id"].duplicated().any():
            raise BoundaryError("boundary.section_id_duplicate", file=name)
    if kind == "ponds":
        out.insert(0, "pond_id", _pond_ids(name, gdf))
    if kind == "admin":
        out["level"] = _admin_levels(name, gdf)
        if "name" not in gdf.columns or gdf["name"].isna().any() or (gdf["name"].astype(str).str.strip() == "").any():
            raise BoundaryError("boundary.admin_name_missing", file=name)
    return Boundary(kind, path, out, warnings, chosen)


def _pond_ids(name: str, gdf) -> np.ndarray:
    if "pond_id" not in gdf.columns:
        raise BoundaryError("boundary.pond_id_missing", file=name)
    ids = pd.to_numeric(gdf["pond_id"], errors="coerce")
    bad = ids.isna() | (ids != ids.round())
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise BoundaryError(
            "boundary.pond_id_bad", file=name, feature=i + 1, given=describe_value(gdf["pond_id"].iloc[i])
        )
    ids = ids.astype(np.int64).to_numpy()
    dup = pd.Series(ids).duplicated()
    if dup.any():
        raise BoundaryError(
            "boundary.pond_id_duplicate", file=name, pond=int(ids[int(np.flatnonzero(dup.to_numpy())[0])])
        )
    return ids


def _admin_levels(name: str, gdf) -> list[str]:
    if "level" not in gdf.columns:
        raise BoundaryError("boundary.admin_level_missing", file=name)
    levels = []
    for i, v in enumerate(gdf["level"]):
        level = ADMIN_LEVELS.get(str(v).strip().lower()) if v is not None else None
        if level is None:
            raise BoundaryError("boundary.admin_level_bad", file=name, feature=i + 1, given=describe_value(v))
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
        raise BoundaryError("boundary.no_file_of_kind", names=", ".join(kind + e for e in EXTENSIONS), file=kind)
    if len(found) > 1:
        raise BoundaryError("boundary.several_files", names=", ".join(p.name for p in found), file=kind)
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


def load_boundary_bytes(content: bytes, filename: str, kind: str, layer: str | None = None) -> Boundary:
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
    layer : str, optional
        See :func:`load_boundary`.

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
    name = describe_value(Path(str(filename or "upload").replace("\\", "/")).name) or "upload"
    ext = Path(name).suffix.lower()
    if ext not in FORMATS:
        raise BoundaryError("boundary.type_not_accepted", file=name, ext=ext or "-", allowed=", ".join(EXTENSIONS))
    if not content:
        raise BoundaryError("boundary.empty_file", file=name)
    if len(content) > MAX_UPLOAD_BYTES:
        raise BoundaryError("boundary.too_large", file=name, size=f"{len(content):,}", limit=f"{MAX_UPLOAD_BYTES:,}")
    cfg = load_config()["boundaries"]
    check_content(content, name, ext, cfg.max_pond_features if kind == "ponds" else cfg.max_features)
    with tempfile.TemporaryDirectory(prefix="yehu-upload-") as tmp:
        path = Path(tmp) / f"{kind}{ext}"
        path.write_bytes(content)
        b = load_boundary(path, kind, name=name, layer=layer)
    return Boundary(b.kind, Path(name), b.gdf, b.warnings, b.layer)
