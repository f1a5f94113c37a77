"""Engines and migrations: SQLite by default, PostgreSQL when ``DATABASE_URL`` is set.

Where the database and its password come from (the first that is set wins):

1. the environment variable ``DATABASE_URL`` (``postgresql://`` or ``postgres://``);
2. ``DATABASE_URL`` in the secrets file (``.streamlit/secrets.toml``, git-ignored;
   ``YEHU_SECRETS`` names another file);
3. the SQLite file ``var/yehu.sqlite`` (``YEHU_DB`` names another path).

A PostgreSQL URL given without a password takes it from ``database_password`` in
the secrets file, else libpq finds it as usual (``PGPASSWORD``, ``~/.pgpass`` or
``PGPASSFILE``).  A database that cannot be used is reported by
:func:`check_connection` as a :class:`DatabaseUnavailable` naming what to check.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from i18n.errors import UserError

from .textguard import install as install_text_guard

__all__ = [
    "DEFAULT_SQLITE",
    "DatabaseUnavailable",
    "check_connection",
    "database_url",
    "make_engine",
    "public_url",
    "secrets_path",
    "upgrade",
]

ROOT = Path(__file__).resolve().parent.parent
#: The embedded default database file (``var/`` is git-ignored).
DEFAULT_SQLITE = ROOT / "var" / "yehu.sqlite"
#: Seconds to wait for a PostgreSQL server before giving up.
CONNECT_TIMEOUT = 10


class DatabaseUnavailable(UserError):
    """The database cannot be reached or used; the message names what to check."""

    default_code = "db.other"


def secrets_path() -> Path:
    """The secrets file: ``YEHU_SECRETS`` or ``.streamlit/secrets.toml`` in the project.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> secrets_path().name
    'secrets.toml'
    """
    return Path(os.environ.get("YEHU_SECRETS") or ROOT / ".streamlit" / "secrets.toml")


def _secrets() -> dict:
    path = secrets_path()
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DatabaseUnavailable("db.secrets_unreadable", reason=type(exc).__name__) from exc


def _normalise(url: str) -> str:
    """``postgres://`` and ``postgresql://`` both mean psycopg 3.

    Examples
    --------
    >>> _normalise("postgres://u@h/yehu")
    'postgresql+psycopg://u@h/yehu'
    >>> _normalise("sqlite:///x.sqlite")
    'sqlite:///x.sqlite'
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def database_url() -> str:
    """The database's SQLAlchemy URL (see the module's notes for the order).

    Returns
    -------
    str
    """
    url = os.environ.get("DATABASE_URL", "").strip()
    secrets = None
    if not url:
        secrets = _secrets()
        url = str(secrets.get("DATABASE_URL", "")).strip()
    if url:
        url = _normalise(url)
        if url.startswith("postgresql"):
            try:
                parsed = make_url(url)
            except ArgumentError as exc:
                raise DatabaseUnavailable("db.bad_url") from exc
            if parsed.password is None:
                secrets = _secrets() if secrets is None else secrets
                password = secrets.get("database_password")
                if password:
                    url = parsed.set(password=str(password)).render_as_string(hide_password=False)
        return url
    path = Path(os.environ.get("YEHU_DB", DEFAULT_SQLITE))
    return f"sqlite:///{path}"


def existing_url(url: str | None = None) -> str | None:
    """The database's URL when there may be a database to read there; None for a SQLite file not created yet.

    For readers that must not create anything (``python -m geo``).

    Examples
    --------
    >>> existing_url("sqlite:////nonexistent/folder/yehu.sqlite") is None
    True
    >>> existing_url("postgresql+psycopg://db.local/yehu")
    'postgresql+psycopg://db.local/yehu'
    """
    url = url or database_url()
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is None or not path.is_file():
            return None
    return url


def public_url(url: str | None = None) -> str:
    """The URL without its password, for messages.

    Examples
    --------
    >>> shown = public_url("postgresql+psycopg://user:password@db.local/yehu")
    >>> shown.endswith("@db.local/yehu"), "password" in shown
    (True, False)
    """
    url = url or database_url()
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"//[^@/]*@", "//***@", url)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other backends or an in-memory database).

    Examples
    --------
    >>> sqlite_path("sqlite:///var/x.sqlite")
    PosixPath('var/x.sqlite')
    >>> sqlite_path("sqlite://") is None
    True
    """
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[1] if "///" in url else ""
    return Path(path) if path and path != ":memory:" else None


def make_engine(url: str | None = None, create: bool = True) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout.

    Every engine checks text before the database sees it (:mod:`monitoring.textguard`):
    no NUL character, no string longer than its column, alike on SQLite and PostgreSQL.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; defaults to :func:`database_url`.
    create : bool
        Create the SQLite file's folder if missing (the file is created on first use).

    Returns
    -------
    sqlalchemy.engine.Engine

    Raises
    ------
    DatabaseUnavailable
        A URL that names no known database kind.
    """
    url = _normalise(url or database_url())
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None and create:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnavailable("db.sqlite_open") from exc
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        install_text_guard(engine)
        return engine
    try:
        args = {"connect_timeout": CONNECT_TIMEOUT} if url.startswith("postgresql") else {}
        engine = create_engine(url, pool_pre_ping=True, connect_args=args)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseUnavailable("db.bad_url") from exc
    install_text_guard(engine)
    return engine


def explain(exc: BaseException, url: str) -> DatabaseUnavailable:
    """Turn a driver's connection error into a :class:`DatabaseUnavailable`.

    Parameters
    ----------
    exc : BaseException
        What the driver raised.
    url : str
        The URL that was tried.

    Returns
    -------
    DatabaseUnavailable
        Its code says what to check: ``db.unreachable`` (host, port),
        ``db.auth`` (role, password), ``db.no_password``, ``db.no_role``,
        ``db.no_database``, ``db.sqlite_open``, ``db.not_sqlite`` or ``db.other``.

    Examples
    --------
    >>> e = explain(Exception('password authentication failed for user "yehu"'), "postgresql://yehu@db/yehu")
    >>> e.code, e.params["role"]
    ('db.auth', 'yehu')
    """
    text = str(getattr(exc, "orig", None) or exc)
    low = text.lower()
    try:
        u = make_url(_normalise(url))
        host = f"{u.host or 'localhost'}:{u.port or 5432}"
        role, database = u.username or "", u.database or ""
    except ArgumentError:
        host = role = database = ""
    if url.startswith("sqlite"):
        code = "db.not_sqlite" if "not a database" in low else "db.sqlite_open"
        return DatabaseUnavailable(code)
    if "password authentication failed" in low:
        code = "db.auth"
    elif "no password supplied" in low:
        code = "db.no_password"
    elif re.search(r'role ".*" does not exist', low):
        code = "db.no_role"
    elif re.search(r'database ".*" does not exist', low):
        code = "db.no_database"
    elif any(
        s in low
        for s in (
            "connection refused",
            "could not translate host name",
            "name or service not known",
            "timeout expired",
            "no route to host",
            "network is unreachable",
            "could not connect",
            "connection timed out",
        )
    ):
        code = "db.unreachable"
    else:
        code = "db.other"
    return DatabaseUnavailable(code, host=host, role=role, database=database)


def check_connection(engine: Engine) -> None:
    """Connect once; a database that cannot be used raises :class:`DatabaseUnavailable`.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine

    Raises
    ------
    DatabaseUnavailable

    Examples
    --------
    >>> check_connection(make_engine("sqlite://"))
    """
    url = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except DBAPIError as exc:
        raise explain(exc, url) from exc


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
