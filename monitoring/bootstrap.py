"""Open the store and make sure the register's sites are in it (idempotent)."""

from __future__ import annotations

from geo.boundaries import load_boundaries
from geo.register import load_register
from geo.waterbodies import load_waterbodies

from .auth import console_actor
from .db import check_connection, make_engine
from .gis import classifies_in_database, database_classifier, enabled, sync_layers
from .store import Store

__all__ = ["current_dataset", "gis_enabled", "open_store", "sync_gis", "uploaded_layers"]


def open_store(url: str | None = None) -> Store:
    """Open (and migrate) the database, then load ponds, section points and the documents' results.

    New sites are recorded in the audit trail as added by the server console.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; defaults to ``DATABASE_URL`` or the SQLite file.

    Returns
    -------
    Store

    Raises
    ------
    monitoring.db.DatabaseUnavailable
        The database cannot be reached or used (the message names what to check).
    """
    probe = make_engine(url)
    try:
        check_connection(probe)
    finally:
        probe.dispose()
    store = Store(url)
    _, sections = load_boundaries()
    bodies = load_waterbodies()
    store.register.load(load_register(), sections.gdf, user=console_actor(), bodies=bodies)
    sync_gis(store)  # PostGIS layers, when the database has them
    return store


def gis_enabled(engine) -> bool:
    """Whether the database has the PostGIS layers (schema ``gis``).

    Examples
    --------
    >>> from monitoring.db import make_engine
    >>> gis_enabled(make_engine("sqlite://"))
    False
    """
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as conn:
        return enabled(conn)


def current_dataset(store: Store, classify=None):
    """The dataset as it stands: the register with its edits, and the newest uploaded boundaries.

    Each uploaded layer carries the provenance stated with it (:func:`geo.provenance.apply_provenance`)
    and is read from the layer taken on upload. Without uploads, the files in ``data/boundaries/`` are used.

    A database with the PostGIS layers classifies the ponds where that is faster (many section
    points and ponds, :func:`monitoring.gis.classifies_in_database`); otherwise in-process.

    Parameters
    ----------
    store : Store
    classify : callable, optional
        Instead of that choice: :func:`geo.classify.classify_ponds` or
        :func:`monitoring.gis.database_classifier`'s result.

    Returns
    -------
    geo.dataset.Dataset
    """
    from geo.dataset import load_dataset

    layers = uploaded_layers(store)
    if classify is None and classifies_in_database(store.engine):
        classify = database_classifier(store.engine)  # faster there (bench_classify.py --county)
    from geo.placement import placed_layer

    from .bodies import bodies_in_use

    return load_dataset(
        placed=placed_layer(bodies_in_use(store)),
        edits=store.register.edits_for_dataset(),
        lake=layers.get("lake"),
        sections=layers.get("sections"),
        outlines=layers.get("ponds"),
        admin=layers.get("admin"),
        classify=classify,
    )


def stored_dataset(url: str | None = None):
    """:func:`current_dataset` of the app's database, read without migrating or creating anything.

    For ``python -m geo`` run without ``--data``: it answers with what the app shows (register
    edits, uploaded and drawn boundaries, placed sections). None when there is no database to
    read: none configured or not created yet, unreachable, or not at the code's revision (the app
    migrates it on its next start).

    Parameters
    ----------
    url : str, optional
        Defaults to :func:`monitoring.db.database_url`.

    Returns
    -------
    geo.dataset.Dataset or None

    Examples
    --------
    >>> stored_dataset("sqlite:////nonexistent/folder/yehu.sqlite") is None
    True
    """
    from alembic.script import ScriptDirectory
    from sqlalchemy.exc import SQLAlchemyError

    from i18n.errors import UserError

    from .db import _alembic_config, existing_url

    url = existing_url(url)
    if url is None:
        return None
    head = ScriptDirectory.from_config(_alembic_config(None)).get_current_head()
    try:
        store = Store(url, migrate=False)
        try:
            return current_dataset(store) if store.revision() == head else None
        finally:
            store.engine.dispose()
    except (SQLAlchemyError, OSError, UserError):
        return None


def uploaded_layers(store: Store) -> dict:
    """The uploaded boundary layers in use, with their stated provenance: {kind: Boundary}.

    Parameters
    ----------
    store : Store

    Returns
    -------
    dict of str to geo.boundaries.Boundary
    """
    from geo.boundaries import load_boundary_bytes
    from geo.provenance import apply_provenance

    layers = {}
    for kind, v in store.register.current_versions().items():
        b = load_boundary_bytes(v["content"], v["filename"], kind, layer=v["layer"])
        if v["provenance"]:
            when = v["prov_date"].isoformat() if v["prov_date"] else ""
            b = apply_provenance(b, v["provenance"], v["prov_source"], when, v["prov_by"])
        layers[kind] = b
    return layers


def sync_gis(store: Store) -> bool:
    """Write the layers in use (uploaded, else the files in ``data/boundaries/``) into the PostGIS layers.

    Parameters
    ----------
    store : Store

    Returns
    -------
    bool
        False without the PostGIS layers (nothing to do).
    """
    from geo.boundaries import load_boundaries, load_optional_boundary
    from geo.config import load_config
    from geo.register import data_dir

    if not gis_enabled(store.engine):
        return False
    layers = uploaded_layers(store)
    folder = data_dir() / "boundaries"
    if "lake" not in layers or "sections" not in layers:
        lake, sections = load_boundaries(folder)
        layers.setdefault("lake", lake)
        layers.setdefault("sections", sections)
    for kind in ("ponds", "admin"):
        layers.setdefault(kind, load_optional_boundary(kind, folder))
    layers["sections"] = _with_placed(store, layers["sections"])
    return sync_layers(store.engine, layers, load_config()["zones"], store.steps)


def _with_placed(store: Store, sections):
    """The section layer with the placed sections whose body's rules give them a no-fishing zone."""
    import dataclasses

    from geo.dataset import zone_sections
    from geo.placement import placed_layer

    from .bodies import bodies_in_use

    gdf = zone_sections(sections.gdf, placed_layer(bodies_in_use(store)))
    return sections if gdf is sections.gdf else dataclasses.replace(sections, gdf=gdf)
