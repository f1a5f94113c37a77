"""Open the store and make sure the register's sites are in it (idempotent)."""

from __future__ import annotations

from geo.boundaries import load_boundaries
from geo.register import load_register

from .auth import console_actor
from .db import check_connection, make_engine
from .gis import enabled, sync_dataset
from .store import Store

__all__ = ["current_dataset", "open_store"]


def open_store(url: str | None = None) -> Store:
    """Open (and migrate) the database, then load ponds and section points as sites.

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
    store.register.load(load_register(), sections.gdf, user=console_actor())
    if gis_enabled(store.engine):
        sync_dataset(store.engine, current_dataset(store), store.steps)
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


def current_dataset(store: Store):
    """The dataset as it stands: the register with its edits, and the newest uploaded boundaries.

    Each uploaded layer carries the provenance stated with it (:func:`geo.provenance.apply_provenance`)
    and is read from the layer taken on upload. Without uploads, the files in ``data/boundaries/`` are used.

    Parameters
    ----------
    store : Store

    Returns
    -------
    geo.dataset.Dataset
    """
    from geo.boundaries import load_boundary_bytes
    from geo.dataset import load_dataset
    from geo.provenance import apply_provenance

    layers = {}
    for kind, v in store.register.current_versions().items():
        b = load_boundary_bytes(v["content"], v["filename"], kind, layer=v["layer"])
        if v["provenance"]:
            when = v["prov_date"].isoformat() if v["prov_date"] else ""
            b = apply_provenance(b, v["provenance"], v["prov_source"], when, v["prov_by"])
        layers[kind] = b
    return load_dataset(
        edits=store.register.edits_for_dataset(),
        lake=layers.get("lake"),
        sections=layers.get("sections"),
        outlines=layers.get("ponds"),
        admin=layers.get("admin"),
    )
