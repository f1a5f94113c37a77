"""PostGIS layers for the larger deployment: geometry columns, views for GIS users, zones in SQL.

On PostgreSQL with the PostGIS extension, migration ``0009_postgis`` creates the schema ``gis``
(its docstring lists what it holds). This module keeps it current:

- :func:`ensure` creates the schema in a database that got PostGIS after it was migrated;
- :func:`sync_dataset` writes the boundary layers in use, the zones built from them and the
  settings the views read (at start, from the current dataset);
- :func:`sync_boundary` rewrites one layer inside the transaction that stores its upload;
- :func:`classify_in_database` reads ``gis.pond_zones``: every pond classified by the
  database (``ST_Distance`` in EPSG:4547), the same answers as :func:`geo.classify.classify_ponds`.

Site points (ponds and monitoring sites) need nothing from here: a trigger on ``sites``
keeps ``gis.site_points``. Everywhere else (SQLite, PostgreSQL without PostGIS) every
function here does nothing, and geometry stays as numbers and files.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from geo.crs import GEOGRAPHIC

__all__ = [
    "LAYERS",
    "READER_GRANTS",
    "BODY_VIEWS",
    "VIEWS",
    "DATABASE_MAX_PONDS",
    "DATABASE_MIN_PONDS",
    "DATABASE_MIN_SECTIONS",
    "classifies_in_database",
    "classify_in_database",
    "database_classifier",
    "enabled",
    "ensure",
    "has_postgis",
    "sync_boundary",
    "sync_dataset",
    "sync_layers",
]

#: Where the app classifies in the database (when it has the PostGIS layers): at least this many section
#: points, and from DATABASE_MIN_PONDS up to (not including) DATABASE_MAX_PONDS ponds; elsewhere in-process
#: is faster. In-process time has a fixed part (the water bodies' edges; the nearest section point
#: by a GEOS tree above 64 points) and a smaller cost per pond than the database's two nearest-neighbour
#: index scans per pond, so the database wins only for few ponds against many section points. Measured by
#: ``bench/bench_classify.py --county`` (README, 基准 / Benchmarks).
DATABASE_MIN_SECTIONS = 250
DATABASE_MIN_PONDS = 200
DATABASE_MAX_PONDS = 800
#: Boundary kind (as uploaded) -> layer name in ``gis.features``.
LAYERS = {"lake": "lake", "sections": "section", "ponds": "outline", "admin": "admin"}
#: The read-only views a GIS user opens (schema ``gis``), each with one geometry column ``geom``.
VIEWS = (
    "ponds",
    "pond_outlines",
    "lake",
    "sections",
    "ban_zone",
    "nofish_zones",
    "admin_areas",
    "sites",
    "placed_sections",
)
#: The views that say which water body each feature belongs to (a ``water_body`` column).
BODY_VIEWS = tuple(v for v in VIEWS if v != "admin_areas")
#: What a read-only GIS user (QGIS) is granted: the ``gis`` layers, nothing of the application's tables
#: (accounts, samples, the audit trail). ``{owner}`` is the role the app connects as (it creates the
#: views); README's 运维 → PostGIS shows these statements for the database ``yehu``.
READER_GRANTS = """
GRANT CONNECT ON DATABASE "{database}" TO "{role}";
GRANT USAGE ON SCHEMA gis TO "{role}";
GRANT SELECT ON ALL TABLES IN SCHEMA gis TO "{role}";
ALTER DEFAULT PRIVILEGES FOR ROLE "{owner}" IN SCHEMA gis GRANT SELECT ON TABLES TO "{role}";
"""
#: The migrations that create and change the ``gis`` schema (``*_postgis*``, found by name and run in
#: order: renumbering them changes nothing here).
_VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"


def has_postgis(conn: Connection) -> bool:
    """Whether the database is PostgreSQL with the PostGIS extension created.

    Examples
    --------
    >>> from monitoring.db import make_engine
    >>> with make_engine("sqlite://").connect() as conn:
    ...     has_postgis(conn)
    False
    """
    if conn.dialect.name != "postgresql":
        return False
    return conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first() is not None


def enabled(conn: Connection) -> bool:
    """Whether the PostGIS layers (schema ``gis``) exist in this database.

    Examples
    --------
    >>> from monitoring.db import make_engine
    >>> with make_engine("sqlite://").connect() as conn:
    ...     enabled(conn)
    False
    """
    if not has_postgis(conn):
        return False
    return conn.execute(text("SELECT to_regclass('gis.features') IS NOT NULL")).scalar()


def ensure(engine: Engine) -> bool:
    """Create the ``gis`` schema when PostGIS is there but the schema is not (idempotent).

    The statements are the ``*_postgis*`` migrations' own (``0009_postgis``, then those that change
    its views), run again in order: a database migrated before its PostGIS extension was created
    gets the layers the next time the app opens it.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine

    Returns
    -------
    bool
        Whether the PostGIS layers are available.

    Examples
    --------
    >>> from monitoring.db import make_engine
    >>> ensure(make_engine("sqlite://"))
    False
    """
    if engine.dialect.name != "postgresql":
        return False
    with engine.begin() as conn:
        if not has_postgis(conn):
            return False
        if enabled(conn):
            return True
        from alembic.migration import MigrationContext
        from alembic.operations import Operations

        with Operations.context(MigrationContext.configure(conn)):
            for path in sorted(_VERSIONS.glob("*_postgis*.py")):
                spec = importlib.util.spec_from_file_location(f"yehu_migration_{path.stem}", path)
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                module.upgrade()
    return True


def _multi(geoms):
    """Polygons as MultiPolygons (one geometry type per view); other geometries unchanged."""
    geoms = list(geoms)
    return [shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g for g in geoms]


def _rows(layer: str, gdf: gpd.GeoDataFrame, version: int | None, key: str | None, props=()) -> list[dict]:
    gdf = gdf.to_crs(GEOGRAPHIC)
    geoms = _multi(gdf.geometry.values)
    out = []
    for i, (rec, geom) in enumerate(zip(gdf.drop(columns=gdf.geometry.name).to_dict("records"), geoms, strict=True)):
        if geom is None or geom.is_empty:  # as geo/classify.py: an empty outline is no outline
            continue
        out.append(
            {
                "layer": layer,
                "key": _key(rec.get(key, i)) if key else str(i),
                "name": str(rec.get("name") or ""),
                "provisional": bool(rec.get("provisional", True)),
                "source": str(rec.get("source") or ""),
                "version": version,
                "props": json.dumps({p: _plain(rec.get(p)) for p in props}, ensure_ascii=False),
                "wkb": shapely.to_wkb(geom, include_srid=False),
            }
        )
    return out


def _key(value) -> str:
    """A feature's key as text; a whole number read as a float (``5.0`` from a file) is ``5``.

    Examples
    --------
    >>> _key(5.0), _key("S1"), _key(7)
    ('5', 'S1', '7')
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value.item() if hasattr(value, "item") else value)


def _plain(value):
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


_INSERT = text(
    "INSERT INTO gis.features (layer, key, name, provisional, source, version, props, geom) "
    "VALUES (:layer, :key, :name, :provisional, :source, :version, CAST(:props AS jsonb), "
    "ST_GeomFromWKB(:wkb, 4490))"
)


def _replace(conn: Connection, layer: str, rows: list[dict]) -> None:
    conn.execute(text("DELETE FROM gis.features WHERE layer = :layer"), {"layer": layer})
    if rows:
        conn.execute(_INSERT, rows)


def _layer_rows(kind: str, gdf: gpd.GeoDataFrame, version: int | None) -> list[dict]:
    if kind == "sections":
        return _rows("section", gdf, version, "section_id")
    if kind == "ponds":
        return _rows("outline", gdf, version, "pond_id")
    if kind == "admin":
        return _rows("admin", gdf, version, None, props=("level",))
    return _rows(LAYERS[kind], gdf, version, None)


def _zones(conn: Connection, lake: gpd.GeoDataFrame | None, sections: gpd.GeoDataFrame | None, zones) -> None:
    from geo.zones import ban_zone, nofish_zones

    if lake is not None:
        _replace(conn, "ban_zone", _rows("ban_zone", ban_zone(lake, zones), None, None, props=("distance_m",)))
    if sections is not None:
        rows = _rows("nofish_zone", nofish_zones(sections, zones), None, "section_id", props=("shape", "area_km2"))
        _replace(conn, "nofish_zone", rows)


def _settings(conn: Connection, zones, steps) -> None:
    conn.execute(
        text(
            "UPDATE gis.settings SET ban_distance_m = :ban, nofish_shape = :shape, nofish_radius_m = :radius, "
            "nofish_half_side_m = :half, final_step = :final"
        ),
        {
            "ban": float(zones.ban_distance_m),
            "shape": zones.nofish_shape,
            "radius": float(zones.nofish_radius_m),
            "half": float(zones.nofish_half_side_m),
            "final": steps[-1].key if steps else "",
        },
    )


def sync_dataset(engine: Engine, dataset, steps=()) -> bool:
    """Write the dataset's boundary layers, its zones and the settings into ``gis`` (one transaction).

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
    dataset : geo.dataset.Dataset
        The dataset in use (:func:`monitoring.bootstrap.current_dataset`).
    steps : list of monitoring.ledger.Step
        The retirement steps; the last one done means retired.

    Returns
    -------
    bool
        False (and nothing written) without the PostGIS layers.

    Examples
    --------
    >>> from monitoring.db import make_engine
    >>> sync_dataset(make_engine("sqlite://"), None)
    False
    """
    if dataset is None:
        return False
    layers = {"lake": dataset.lake, "sections": dataset.sections, "ponds": dataset.outlines, "admin": dataset.admin}
    return sync_layers(engine, layers, dataset.zones, steps)


def sync_layers(engine: Engine, layers: dict, zones, steps=()) -> bool:
    """Write boundary layers, the zones built from them and the settings into ``gis`` (one transaction).

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
    layers : dict
        ``lake``, ``sections`` (required), ``ponds``, ``admin``: :class:`geo.boundaries.Boundary`
        or None (the layer is emptied).
    zones : geo.config.ZoneConfig
    steps : list of monitoring.ledger.Step

    Returns
    -------
    bool
        False (and nothing written) without the PostGIS layers.
    """
    if engine.dialect.name != "postgresql":
        return False
    with engine.begin() as conn:
        if not enabled(conn):
            return False
        for kind in LAYERS:
            boundary = layers.get(kind)
            _replace(conn, LAYERS[kind], [] if boundary is None else _layer_rows(kind, boundary.gdf, None))
        _zones(conn, layers["lake"].gdf, layers["sections"].gdf, zones)
        _settings(conn, zones, list(steps))
    return True


def sync_boundary(conn: Connection, kind: str, gdf: gpd.GeoDataFrame, version: int, zones=None) -> bool:
    """Rewrite one layer from an uploaded file, in the caller's transaction (the upload's).

    A new lake outline or section layer also rebuilds its zones.

    Parameters
    ----------
    conn : sqlalchemy.engine.Connection
    kind : {'lake', 'sections', 'ponds', 'admin'}
    gdf : geopandas.GeoDataFrame
        The validated layer (:func:`geo.boundaries.load_boundary_bytes`).
    version : int
        Its ``boundary_versions.id``.
    zones : geo.config.ZoneConfig, optional

    Returns
    -------
    bool
        False (and nothing written) without the PostGIS layers.
    """
    if kind not in LAYERS or not enabled(conn):
        return False
    from geo.config import load_config

    zones = zones or load_config()["zones"]
    _replace(conn, LAYERS[kind], _layer_rows(kind, gdf, version))
    if kind == "lake":
        _zones(conn, gdf, None, zones)
    elif kind == "sections":
        _zones(conn, None, gdf, zones)
    return True


def classifies_in_database(engine: Engine) -> bool:
    """Whether the app classifies in the database: PostGIS layers, many section points and ponds.

    At least :data:`DATABASE_MIN_SECTIONS` section points, and :data:`DATABASE_MIN_PONDS` up to
    :data:`DATABASE_MAX_PONDS` ponds.

    Examples
    --------
    >>> from monitoring.db import make_engine
    >>> classifies_in_database(make_engine("sqlite://"))
    False
    """
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as conn:
        if not enabled(conn):
            return False
        sections = conn.execute(text("SELECT count(*) FROM gis.features WHERE layer = 'section'")).scalar()
        if sections < DATABASE_MIN_SECTIONS:
            return False
        ponds = conn.execute(text("SELECT count(*) FROM sites WHERE kind = 'pond'")).scalar()
        return DATABASE_MIN_PONDS <= ponds < DATABASE_MAX_PONDS


def database_classifier(engine: Engine):
    """A drop-in for :func:`geo.classify.classify_ponds` that takes the zone answers from the database.

    The distances and zones come from ``gis.pond_zones``; the register's columns (town, area,
    provisional geometry, suspect coordinate, area check) are added as ``classify_ponds`` adds
    them. When the database's ponds are not the ones given (layers not yet synchronised), it
    classifies in-process instead.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        A PostGIS database with the ``gis`` layers, synchronised with the inputs.

    Returns
    -------
    callable
        Same signature and result as :func:`geo.classify.classify_ponds`.
    """
    import numpy as np

    from geo.classify import BASES, CLASS_COLUMNS, classify_ponds, zone_class
    from geo.outlines import area_check
    from geo.register import MU_M2

    def classify(ponds, lake, sections, config=None, suspect_ids=(), outlines=None):
        with engine.connect() as conn:
            db = classify_in_database(conn)
        ids = ponds["pond_id"].to_numpy()
        db = db.set_index("pond_id")
        if len(db) != len(ids) or not db.index.isin(ids).all():
            return classify_ponds(ponds, lake, sections, config, suspect_ids, outlines)
        db = db.loc[ids]
        section_ids = sections["section_id"].astype(str).to_numpy()
        provisional = bool(lake.get("provisional", pd.Series([True])).any()) or bool(
            sections.get("provisional", pd.Series([True])).any()
        )
        verified = ponds["coord_status"].to_numpy() == "verified" if "coord_status" in ponds.columns else False
        area_mu = ponds["area_mu"].to_numpy(dtype=float)
        outline_area = db["outline_area_m2"].to_numpy(dtype=float)
        outline = db["basis"].to_numpy() == "outline"
        shore = db["shore_distance_m"].to_numpy(dtype=float)
        flags = [db[c].to_numpy(dtype=bool) for c in ("in_lake", "in_ban_zone", "in_nofish_zone")]
        out = pd.DataFrame(
            {
                "pond_id": ids,
                "town": ponds["town"].reset_index(drop=True),
                "area_mu": area_mu,
                "area_m2": area_mu * MU_M2,
                "shore_distance_m": shore,
                "in_lake": flags[0],
                "in_ban_zone": flags[1],
                "in_nofish_zone": flags[2],
                "nearest_section": pd.Categorical(db["nearest_section"].to_numpy(), categories=section_ids),
                "section_distance_m": db["section_distance_m"].to_numpy(dtype=float),
                "zone_class": zone_class(*flags),
                "geometry_provisional": provisional | ~np.asarray(verified, dtype=bool),
                "coord_suspect": np.isin(ids, list(suspect_ids)),
                "basis": pd.Categorical(db["basis"].to_numpy(), categories=BASES),
                "edge_distance_m": np.where(outline, shore, np.nan),
                "outline_area_m2": outline_area,
                "area_check": area_check(outline_area, area_mu * MU_M2),
            }
        )
        return out[CLASS_COLUMNS]

    return classify


def classify_in_database(conn: Connection) -> pd.DataFrame:
    """Every pond classified by the database (``gis.pond_zones``), ordered by pond number.

    Parameters
    ----------
    conn : sqlalchemy.engine.Connection
        A PostGIS database with the ``gis`` layers.

    Returns
    -------
    pandas.DataFrame
        ``pond_id``, ``basis``, ``shore_distance_m``, ``in_lake``, ``in_ban_zone``,
        ``in_nofish_zone``, ``nearest_section``, ``section_distance_m``, ``outline_area_m2``
        and ``zone_class``, as :func:`geo.classify.classify_ponds` names them.
    """
    conn.execute(text("SET LOCAL jit = off"))  # compiling the plan costs seconds and saves nothing here
    return pd.read_sql(text("SELECT * FROM gis.pond_zones ORDER BY pond_id"), conn)
