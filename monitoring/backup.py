"""Backup and restore: every table to one zip file and back, exactly.

The zip holds ``manifest.json`` (schema revision, tables, row counts) and one
JSON-lines file per table, rows in primary-key order.  Values keep their type:
bytes, dates and date-times are tagged; floats are written with ``repr``
precision by ``json``.  A backup restores into an empty database of either
backend (SQLite or PostgreSQL) at the same schema revision.
"""

from __future__ import annotations

import base64
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, insert, select

from .db import current_revision, make_engine, upgrade
from .schema import metadata

__all__ = ["TABLES", "BackupError", "backup", "restore", "table_rows"]

#: Tables in dependency order (parents first).
TABLES = [
    "sites",
    "site_aliases",
    "not_sampled",
    "samples",
    "imports",
    "tracing_cases",
    "retirement_events",
    "patrols",
    "tips",
    "users",
    "login_attempts",
    "sessions",
    "audit",
    "register_edits",
    "boundary_versions",
]
MAX_MEMBER_BYTES = 2 * 1024**3


class BackupError(ValueError):
    """A backup file that cannot be restored, or a target that is not empty."""


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
    table = metadata.tables[name]
    with engine.connect() as conn:
        rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
        return [{k: (bytes(v) if isinstance(v, memoryview) else v) for k, v in r.items()} for r in rows]


def backup(engine_or_url, out) -> dict:
    """Write every table to a zip file.

    Parameters
    ----------
    engine_or_url : sqlalchemy.engine.Engine or str
    out : str or pathlib.Path

    Returns
    -------
    dict
        The manifest (revision and row counts).
    """
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    manifest = {"format": "yehu-backup-1", "revision": current_revision(engine), "tables": {}}
    out = Path(out)
    tmp = out.with_suffix(out.suffix + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in TABLES:
            rows = table_rows(engine, name)
            manifest["tables"][name] = len(rows)
            body = "".join(json.dumps({k: _encode(v) for k, v in r.items()}, ensure_ascii=False) + "\n" for r in rows)
            z.writestr(f"{name}.jsonl", body)
        z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    tmp.replace(out)  # never a half-written backup under the final name
    return manifest


def restore(engine_or_url, src) -> dict:
    """Load a backup into an empty database (migrated to the backup's revision first).

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
        Not a backup, a different schema revision, or a target that already
        holds data; nothing is written in those cases (one transaction).
    """
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    try:
        z = zipfile.ZipFile(src)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{src}: not a backup file ({exc})") from exc
    with z:
        names = set(z.namelist())
        if "manifest.json" not in names:
            raise BackupError(f"{src}: not a Yehu Monitor backup (manifest or table files missing)")
        if any(i.file_size > MAX_MEMBER_BYTES for i in z.infolist()):
            raise BackupError(f"{src}: a member is larger than {MAX_MEMBER_BYTES:,} bytes")
        manifest = json.loads(z.read("manifest.json"))
        if manifest.get("format") != "yehu-backup-1":
            raise BackupError(f"{src}: not a Yehu Monitor backup (format {manifest.get('format')!r})")
        # A backup from an older revision holds fewer tables; it restores at its own revision.
        tables = [t for t in TABLES if t in manifest.get("tables", {})]
        unknown = set(manifest.get("tables", {})) - set(TABLES)
        if not tables or unknown or not {f"{t}.jsonl" for t in tables} <= names:
            raise BackupError(f"{src}: not a Yehu Monitor backup (manifest or table files missing)")
        upgrade(engine, manifest["revision"])
        with engine.begin() as conn:
            for name in tables:
                if conn.execute(select(func.count()).select_from(metadata.tables[name])).scalar():
                    raise BackupError(f"the target database is not empty (table {name}); restore into an empty one")
            for name in tables:
                rows = [
                    {k: _decode(v) for k, v in json.loads(line).items()}
                    for line in z.read(f"{name}.jsonl").decode("utf-8").splitlines()
                    if line.strip()
                ]
                if len(rows) != manifest["tables"][name]:
                    raise BackupError(
                        f"{src}: {name} holds {len(rows)} rows, the manifest says {manifest['tables'][name]}"
                    )
                if rows:
                    conn.execute(insert(metadata.tables[name]), rows)
            if conn.dialect.name == "postgresql":  # serial counters continue after the restored ids
                for name in tables:
                    table = metadata.tables[name]
                    if "id" in table.c:
                        next_id = select(func.coalesce(func.max(table.c.id), 0) + 1).scalar_subquery()
                        conn.execute(select(func.setval(func.pg_get_serial_sequence(name, "id"), next_id, False)))
    return manifest
