"""Backup and restore: every table to one zip file and back, exactly.

The zip holds ``manifest.json`` (schema revision, tables, row counts, the files
included and what is left out), one JSON-lines file per table (rows in
primary-key order) and, under ``files/``, the configuration and data files the
database depends on (``config/yehu.toml``, ``data/ponds.csv``,
``data/boundaries/``).  Secrets (``.streamlit/secrets.toml``, ``/etc/yehu/env``,
the database password) are never included, and the manifest says so.

Every table is read in one snapshot: the SQLite backup API copies the database
at one instant, PostgreSQL reads in one ``REPEATABLE READ`` transaction, so a
backup taken while the app writes is consistent.  Values keep their type: bytes,
dates and date-times are tagged; floats keep ``repr`` precision.  A backup
restores into an empty database of either backend at the same schema revision,
or into one that holds only what the app loads at its first start (the
register's sites), which the backup's rows replace.  Before writing, every row
is checked against the target's column lengths and references, so a SQLite
backup either restores into PostgreSQL or names the row that cannot.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import String, create_engine, delete, func, insert, select

from i18n.errors import UserError

from .db import current_revision, make_engine, upgrade
from .outputs import prepare_output
from .schema import metadata

__all__ = ["TABLES", "BackupError", "backup", "check", "restore", "table_rows"]

#: Tables in dependency order (parents first).
TABLES = [
    "sites",
    "section_placements",
    "site_aliases",
    "not_sampled",
    "samples",
    "imports",
    "tracing_cases",
    "retirement_events",
    "lake_plans",
    "lake_releases",
    "lake_group_members",
    "task_progress",
    "patrols",
    "tips",
    "users",
    "login_attempts",
    "login_throttle",
    "sessions",
    "audit",
    "register_edits",
    "boundary_versions",
]
MAX_MEMBER_BYTES = 2 * 1024**3
FORMAT = "yehu-backup-1"
#: What a backup never holds (said in the manifest and by the command).
EXCLUDED = [".streamlit/secrets.toml", "/etc/yehu/env", "DATABASE_URL", "PGPASSWORD", "~/.pgpass", "TIANDITU_KEY"]
#: References the schema does not declare as foreign keys: (table, column, parent table, parent column).
LOGICAL_REFERENCES = [
    ("tracing_cases", "sample_uid", "samples", "sample_uid"),
    ("tracing_cases", "closing_sample_uid", "samples", "sample_uid"),
]


class BackupError(UserError):
    """A backup file that cannot be restored, or a target that cannot take it."""

    default_code = "backup.not_backup"


def _encode(value):
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    return value


def _decode(value):
    if isinstance(value, dict):
        if "$b64" in value:
            return base64.b64decode(value["$b64"])
        if "$dt" in value:
            return datetime.fromisoformat(value["$dt"])
        if "$date" in value:
            return date.fromisoformat(value["$date"])
    return value


def _rows(conn, name: str) -> list[dict]:
    table = metadata.tables[name]
    rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
    return [{k: (bytes(v) if isinstance(v, memoryview) else v) for k, v in r.items()} for r in rows]


def table_rows(engine, name: str) -> list[dict]:
    """Every row of a table as plain values, in primary-key order.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
    name : str

    Returns
    -------
    list of dict
    """
    with engine.connect() as conn:
        return _rows(conn, name)


@contextmanager
def snapshot(engine):
    """A connection that sees the whole database at one instant.

    SQLite: the backup API copies the database (one step, under one read lock) to a
    temporary file, which is then read.  PostgreSQL: one read-only ``REPEATABLE READ``
    transaction.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine

    Yields
    ------
    sqlalchemy.engine.Connection
    """
    if engine.dialect.name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="yehu-backup-") as tmp:
            copy = Path(tmp) / "snapshot.sqlite"
            raw = engine.raw_connection()
            try:
                dst = sqlite3.connect(copy)
                try:
                    raw.driver_connection.backup(dst)  # all pages in one step: one consistent instant
                finally:
                    dst.close()
            finally:
                raw.close()
            snap = create_engine(f"sqlite:///{copy}")
            try:
                with snap.connect() as conn:
                    yield conn
            finally:
                snap.dispose()
        return
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield conn


def _depends_on() -> dict[str, Path]:
    """The configuration and data files the database's contents rest on, by name in the backup."""
    from geo.config import config_path
    from geo.register import data_dir

    files = {"config/yehu.toml": config_path()}
    data = data_dir()
    if (data / "ponds.csv").is_file():
        files["data/ponds.csv"] = data / "ponds.csv"
    boundaries = data / "boundaries"
    if boundaries.is_dir():
        for p in sorted(boundaries.rglob("*")):
            if p.is_file():
                files[f"data/boundaries/{p.relative_to(boundaries).as_posix()}"] = p
    return files


def backup(engine_or_url, out) -> dict:
    """Write every table (one snapshot) and the files it depends on to a zip file.

    The folder of ``out`` is created if missing.  The file appears under its name
    only once complete.

    Parameters
    ----------
    engine_or_url : sqlalchemy.engine.Engine or str
    out : str or pathlib.Path

    Returns
    -------
    dict
        The manifest (revision, row counts, files, what is excluded).

    Raises
    ------
    monitoring.outputs.OutputError
        The output folder cannot be made or written.
    """
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    out = prepare_output(out)
    manifest = {"format": FORMAT, "revision": None, "tables": {}, "files": {}, "excluded": EXCLUDED}
    tmp = out.with_name(out.name + ".part")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            with snapshot(engine) as conn:
                manifest["revision"] = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
                for name in TABLES:
                    rows = _rows(conn, name)
                    manifest["tables"][name] = len(rows)
                    z.writestr(f"{name}.jsonl", "".join(_line(r) for r in rows))
            for arcname, path in _depends_on().items():
                data = path.read_bytes()
                manifest["files"][arcname] = hashlib.sha256(data).hexdigest()
                z.writestr(f"files/{arcname}", data)
            z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        tmp.replace(out)  # never a half-written backup under the final name
    finally:
        tmp.unlink(missing_ok=True)
    return manifest


def _line(row: dict) -> str:
    return json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False) + "\n"


@dataclass
class BackupFile:
    """A backup read into memory and checked for shape (not yet for content)."""

    manifest: dict
    tables: list[str]
    rows: dict[str, list[dict]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)


def read_backup(src) -> BackupFile:
    """Open a backup and read its tables; nothing is written anywhere.

    Raises
    ------
    BackupError
        Not a zip, not a backup, a member too large, counts that differ from the manifest.
    """
    try:
        z = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError("backup.not_zip", value=Path(src).name) from exc
    with z:
        names = set(z.namelist())
        if "manifest.json" not in names:
            raise BackupError("backup.not_backup", value=Path(src).name)
        if any(i.file_size > MAX_MEMBER_BYTES for i in z.infolist()):
            raise BackupError("backup.member_too_large", value=Path(src).name, limit=f"{MAX_MEMBER_BYTES:,}")
        try:
            manifest = json.loads(z.read("manifest.json"))
        except ValueError as exc:
            raise BackupError("backup.not_backup", value=Path(src).name) from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError("backup.not_backup", value=Path(src).name)
        # A backup from an older revision holds fewer tables; it restores at its own revision.
        listed = manifest.get("tables", {})
        tables = [t for t in TABLES if t in listed]
        if not tables or set(listed) - set(TABLES) or not {f"{t}.jsonl" for t in tables} <= names:
            raise BackupError("backup.not_backup", value=Path(src).name)
        bf = BackupFile(manifest, tables)
        for name in tables:
            try:
                text = z.read(f"{name}.jsonl").decode("utf-8")
                rows = [
                    {k: _decode(v) for k, v in json.loads(line).items()} for line in text.splitlines() if line.strip()
                ]
            except (ValueError, UnicodeDecodeError) as exc:
                raise BackupError("backup.unreadable_table", table=name) from exc
            if len(rows) != listed[name]:
                raise BackupError("backup.count_mismatch", table=name, rows=len(rows), expected=listed[name])
            bf.rows[name] = rows
        for arcname, digest in manifest.get("files", {}).items():
            data = z.read(f"files/{arcname}") if f"files/{arcname}" in names else None
            if data is None or hashlib.sha256(data).hexdigest() != digest:
                raise BackupError("backup.file_damaged", value=arcname)
            bf.files[arcname] = data
    return bf


def _row_id(table, row: dict) -> str:
    return "/".join(str(row.get(c.name)) for c in table.primary_key.columns)


def verify(bf: BackupFile) -> None:
    """Check every row before anything is written: column lengths, NUL characters, references.

    The lengths are the schema's (what PostgreSQL enforces; SQLite does not), so a
    backup that passes restores into either backend.

    Raises
    ------
    BackupError
        ``backup.too_long``, ``backup.nul`` or ``backup.dangling``, naming table, row and column.
    """
    for name in bf.tables:
        table = metadata.tables[name]
        limits = {c.name: c.type.length for c in table.columns if isinstance(c.type, String) and c.type.length}
        texts = [c.name for c in table.columns if isinstance(c.type, String)]
        for row in bf.rows[name]:
            for col in texts:
                value = row.get(col)
                if not isinstance(value, str):
                    continue
                if col in limits and len(value) > limits[col]:
                    raise BackupError(
                        "backup.too_long", table=name, row_id=_row_id(table, row), column=col,
                        length=len(value), limit=limits[col],
                    )  # fmt: skip
                if "\x00" in value:
                    raise BackupError("backup.nul", table=name, row_id=_row_id(table, row), column=col)
    refs = list(LOGICAL_REFERENCES)
    for name in bf.tables:
        for fk in metadata.tables[name].foreign_keys:
            refs.append((name, fk.parent.name, fk.column.table.name, fk.column.name))
    for name, col, parent, pcol in refs:
        if name not in bf.rows or parent not in bf.rows:
            continue
        present = {r.get(pcol) for r in bf.rows[parent]}
        table = metadata.tables[name]
        for row in bf.rows[name]:
            if row.get(col) is not None and row[col] not in present:
                raise BackupError(
                    "backup.dangling", table=name, row_id=_row_id(table, row), column=col,
                    given=str(row[col]), parent=parent,
                )  # fmt: skip


def check(src) -> dict:
    """Verify a backup without writing anything (``restore --check``).

    Returns
    -------
    dict
        The manifest.

    Raises
    ------
    BackupError
    """
    bf = read_backup(src)
    verify(bf)
    _known_revision(bf.manifest.get("revision"))
    return bf.manifest


def _known_revision(revision) -> None:
    from alembic.script import ScriptDirectory

    from .db import _alembic_config

    scripts = ScriptDirectory.from_config(_alembic_config(None))
    try:
        found = scripts.get_revision(revision) if revision else None
    except Exception as exc:  # alembic raises several kinds for an unknown id
        raise BackupError("backup.unknown_revision", revision=str(revision)) from exc
    if found is None:
        raise BackupError("backup.unknown_revision", revision=str(revision))


#: What the app itself writes on its first start: the register's sites, each with one audit row.
BOOTSTRAP_ACTION = "register.load"


def _holds(conn, name: str) -> int:
    return conn.execute(select(func.count()).select_from(metadata.tables[name])).scalar()


def _bootstrap_only(conn, tables) -> bool:
    """True when the database holds nothing but what the app loads at start (sites, the documents' results)."""
    filled = [t for t in tables if _holds(conn, t)]
    if not set(filled) <= {"sites", "audit", "samples"}:
        return False
    audit = metadata.tables["audit"]
    odd = conn.execute(
        select(func.count())
        .select_from(audit)
        .where(
            (audit.c.action != BOOTSTRAP_ACTION)
            | ~audit.c.entity.in_(["site", "sample"])
            | ~audit.c.actor.startswith("console")
        )
    ).scalar()
    if odd:
        return False
    sites = set(conn.execute(select(metadata.tables["sites"].c.code)).scalars())
    loaded = set(conn.execute(select(audit.c.entity_id)).scalars())
    uids = set(conn.execute(select(metadata.tables["samples"].c.sample_uid)).scalars())
    return sites <= loaded and uids <= loaded


def _clear_bootstrap(conn) -> None:
    """Remove the start-up sites and their audit rows (the audit triggers are lifted for this only)."""
    audit = metadata.tables["audit"]
    if conn.dialect.name == "sqlite":
        triggers = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'"
        ).all()
        quote = conn.dialect.identifier_preparer.quote
        for name, _ in triggers:  # names from sqlite_master, quoted by the dialect
            conn.exec_driver_sql("DROP TRIGGER " + quote(name))
        conn.execute(delete(audit))
        for _, sql in triggers:
            conn.exec_driver_sql(sql)
    else:
        conn.exec_driver_sql("ALTER TABLE audit DISABLE TRIGGER USER")
        conn.execute(delete(audit))
        conn.exec_driver_sql("ALTER TABLE audit ENABLE TRIGGER USER")
    conn.execute(delete(metadata.tables["samples"]))
    conn.execute(delete(metadata.tables["sites"]))


def restore(engine_or_url, src) -> dict:
    """Load a backup into an empty database, or one holding only the app's start-up sites.

    The target is migrated to the backup's revision first.  Every row is checked
    (:func:`verify`) before anything is written, and everything is written in one
    transaction: on any refusal the target is left as it was.

    Parameters
    ----------
    engine_or_url : sqlalchemy.engine.Engine or str
    src : str or pathlib.Path

    Returns
    -------
    dict
        The manifest.

    Raises
    ------
    BackupError
        Not a backup, a row the target cannot hold, a different schema revision,
        or a target that already holds data.
    """
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    bf = read_backup(src)
    verify(bf)
    _known_revision(bf.manifest["revision"])
    have = current_revision(engine)
    if have is not None and have != bf.manifest["revision"]:
        with engine.connect() as conn:
            empty = not any(_holds(conn, t) for t in TABLES if t in metadata.tables)
        if not empty:
            raise BackupError("backup.revision_differs", revision=bf.manifest["revision"], current=have)
    upgrade(engine, bf.manifest["revision"])
    with engine.begin() as conn:
        filled = [t for t in bf.tables if _holds(conn, t)]
        if filled:
            if not _bootstrap_only(conn, bf.tables):
                table = next((t for t in filled if t not in ("sites", "audit", "samples")), filled[0])
                raise BackupError("backup.not_empty", table=table)
            _clear_bootstrap(conn)
        for name in bf.tables:
            if bf.rows[name]:
                conn.execute(insert(metadata.tables[name]), bf.rows[name])
        if conn.dialect.name == "postgresql":  # serial counters continue after the restored ids
            for name in bf.tables:
                table = metadata.tables[name]
                if "id" in table.c:
                    next_id = select(func.coalesce(func.max(table.c.id), 0) + 1).scalar_subquery()
                    conn.execute(select(func.setval(func.pg_get_serial_sequence(name, "id"), next_id, False)))
    return bf.manifest


def changed_files(manifest: dict) -> list[str]:
    """Files in the backup that differ from (or are missing among) the ones in use now.

    Parameters
    ----------
    manifest : dict

    Returns
    -------
    list of str
    """
    now = _depends_on()
    out = []
    for arcname, digest in manifest.get("files", {}).items():
        path = now.get(arcname)
        if path is None or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            out.append(arcname)
    return out
