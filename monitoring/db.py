"""Engines and migrations: SQLite by default, PostgreSQL when ``DATABASE_URL`` is set."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine

__all__ = ["DEFAULT_SQLITE", "database_url", "make_engine", "upgrade"]

ROOT = Path(__file__).resolve().parent.parent
#: The embedded default database file (``var/`` is git-ignored).
DEFAULT_SQLITE = ROOT / "var" / "yehu.sqlite"


def database_url() -> str:
    """``DATABASE_URL`` if set, else the SQLite file (``YEHU_DB`` overrides its path).

    Returns
    -------
    str
    """
    url = os.environ.get("DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    path = Path(os.environ.get("YEHU_DB", DEFAULT_SQLITE))
    return f"sqlite:///{path}"


def make_engine(url: str | None = None) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; defaults to :func:`database_url`.

    Returns
    -------
    sqlalchemy.engine.Engine
    """
    url = url or database_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).resolve().parent / "migrations"))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply the Alembic migrations up to ``revision``.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
    revision : str
    """
    from alembic import command

    command.upgrade(_alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The database's Alembic revision, or None for an empty database.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine

    Returns
    -------
    str or None
    """
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
