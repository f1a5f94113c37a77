"""What every repository shares: the engine, the write guard and the audit trail."""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from datetime import UTC, date, datetime

import numpy as np
from sqlalchemy import insert, select, update

from ..auth import Actor, PermissionDenied, check_permission
from ..clock import now_utc
from ..ledger import LedgerError
from ..schema import audit, users

#: Evidence photos: at most this size, JPEG or PNG only (checked by content).
MAX_PHOTO_BYTES = 5 * 1024 * 1024
_PHOTO_MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def utc(dt: datetime) -> datetime:
    """An aware time as naive UTC (how times are stored)."""
    return dt.astimezone(UTC).replace(tzinfo=None)


def void_entry(conn, actor: Actor, table, entry_id: int, reason: str, error, prefix: str) -> tuple[dict, dict]:
    """Mark one entry of ``table`` void with a reason, in the caller's transaction (writers locked out).

    The entry stays, with who voided it, when and why.  Refusals are ``error`` with the codes
    ``<prefix>.no_entry``, ``<prefix>.already_void`` and ``<prefix>.void_reason``.

    Returns
    -------
    (dict, dict)
        The void columns before and after, for the audit row.
    """
    cols = (table.c.voided_at, table.c.voided_by, table.c.void_reason)
    row = conn.execute(select(*cols).where(table.c.id == int(entry_id))).mappings().first()
    if row is None:
        raise error(f"{prefix}.no_entry", id=entry_id)
    if row["voided_at"] is not None:
        raise error(f"{prefix}.already_void", id=entry_id, by=row["voided_by"] or "")
    if not (reason or "").strip():
        raise error(f"{prefix}.void_reason", field="reason", value="")
    change = {"voided_at": now_utc(), "voided_by": actor.name, "void_reason": reason.strip()}
    conn.execute(update(table).where(table.c.id == int(entry_id)).values(**change))
    return dict(row), change


def _jsonable(value):
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def to_json(record) -> str | None:
    """A record as JSON for the audit trail (binary values as their size and sha256)."""
    if record is None:
        return None
    if isinstance(record, dict):
        record = {k: _jsonable(v) for k, v in record.items() if k != "password_hash"}
    return json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)


def created(user: str) -> dict:
    """Who and when for a new row that also tracks its last update."""
    now = now_utc()
    return {"recorded_by": user, "recorded_at": now, "updated_by": user, "updated_at": now}


def act(conn, user: Actor, action: str) -> Actor:
    """The acting account, checked for ``action`` inside the caller's transaction.

    The account is read again (it may have been disabled or changed role since the
    Actor was resolved); the console actor is an object no login can produce.

    Raises
    ------
    PermissionDenied
        No Actor, an unknown or disabled account, or a role without the permission.
    """
    if not isinstance(user, Actor) or not str(user.name).strip():
        raise PermissionDenied("permission.no_actor", user=str(getattr(user, "name", user) or ""), action=action)
    if user.name == "console" or user.name.startswith("console:"):
        check_permission(user.role, action, user.name)
        return user
    row = conn.execute(select(users.c.role, users.c.active).where(users.c.username == user.name)).first()
    if row is None:
        raise PermissionDenied("permission.no_account", user=user.name, action=action)
    if not row.active:
        raise PermissionDenied("permission.disabled", user=user.name, action=action)
    check_permission(row.role, action, user.name)
    return Actor(user.name, row.role)


def audit_row(actor, action: str, entity: str, entity_id, before=None, after=None) -> dict:
    """The values of one audit row."""
    return {
        "at": now_utc(),
        "actor": actor.name if isinstance(actor, Actor) else str(actor),
        "action": action,
        "entity": entity,
        "entity_id": "" if entity_id is None else str(entity_id),
        "before": to_json(before),
        "after": to_json(after),
    }


def bulk_insert(conn, table, rows: list) -> None:
    """Insert many rows (all with the same keys) with the driver's executemany, in the caller's transaction.

    What SQLAlchemy does for each row of an ``insert(table), rows`` call, done per column:
    the text checks of :mod:`monitoring.textguard`, then each column's type conversion for the
    database (times and booleans on SQLite), each distinct value converted once. On PostgreSQL
    (psycopg) the rows go in with COPY on the transaction's own connection.
    """
    if not rows:
        return
    from operator import itemgetter

    from ..textguard import check_rows

    keys = list(rows[0])
    if any(row.keys() != rows[0].keys() for row in rows):
        raise ValueError("bulk_insert: rows with different keys")
    check_rows(table, rows)
    dialect = conn.dialect
    prep = dialect.identifier_preparer
    names = ", ".join(prep.quote(table.c[k].name) for k in keys)
    if dialect.name == "postgresql" and dialect.driver == "psycopg":  # COPY, in the same transaction
        get = itemgetter(*keys)
        with conn.connection.driver_connection.cursor() as cur:
            with cur.copy(f"COPY {prep.format_table(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(get(row) if len(keys) > 1 else (get(row),))
        return
    columns = []
    for key, values in zip(keys, zip(*map(itemgetter(*keys), rows), strict=True), strict=True):
        convert = table.c[key].type._cached_bind_processor(dialect)
        if convert is not None:
            memo = {}
            values = [memo[v] if v in memo else memo.setdefault(v, convert(v)) for v in values]
        columns.append(values)
    marks = ", ".join(["?" if dialect.paramstyle == "qmark" else "%s"] * len(keys))
    sql = f"INSERT INTO {prep.format_table(table)} ({names}) VALUES ({marks})"
    conn.exec_driver_sql(sql, list(zip(*columns, strict=True)))


def photo_type(photo: bytes | None) -> str | None:
    """The MIME type of an evidence photo (None for no photo).

    Raises
    ------
    monitoring.ledger.LedgerError
        Larger than :data:`MAX_PHOTO_BYTES`, or not a JPEG or PNG image.
    """
    if photo is None:
        return None
    if len(photo) > MAX_PHOTO_BYTES:
        raise LedgerError("photo.too_large", size=f"{len(photo):,}", limit=f"{MAX_PHOTO_BYTES:,}")
    for magic, mime in _PHOTO_MAGIC.items():
        if photo.startswith(magic):
            return mime
    raise LedgerError("photo.type")


class Repository:
    """One area's reads and writes over the store's engine.

    Every write goes through :meth:`_write`: the role check for its action and, in the
    same transaction, the audit rows written with :meth:`_audit`.
    """

    def __init__(self, store):
        self.store = store

    @property
    def engine(self):
        """The store's SQLAlchemy engine."""
        return self.store.engine

    @contextmanager
    def _write(self, user: Actor, action: str):
        """A transaction whose acting user may perform ``action``: yields ``(conn, actor)``."""
        with self.engine.begin() as conn:
            yield conn, act(conn, user, action)

    @staticmethod
    def _audit(conn, actor, action: str, entity: str, entity_id, before=None, after=None) -> None:
        """Append one audit row (never updated or deleted) in the caller's transaction."""
        conn.execute(insert(audit).values(**audit_row(actor, action, entity, entity_id, before, after)))
