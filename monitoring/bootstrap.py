"""Open the store and make sure the register's sites are in it (idempotent)."""

from __future__ import annotations

from geo.boundaries import load_boundaries
from geo.register import load_register

from .store import Store

__all__ = ["open_store"]


def open_store(url: str | None = None) -> Store:
    """Open (and migrate) the database, then load ponds and section points as sites.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; defaults to ``DATABASE_URL`` or the SQLite file.

    Returns
    -------
    Store
    """
    store = Store(url)
    _, sections = load_boundaries()
    store.load_register(load_register(), sections.gdf)
    return store
