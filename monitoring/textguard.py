r"""Text checked at the database's edge: no NUL character, no string longer than its column.

SQLite stores a string of any length in a ``VARCHAR(32)`` column and keeps NUL
characters; PostgreSQL refuses both (with an error that quotes the SQL).  So
every statement an engine from :func:`monitoring.db.make_engine` runs is
checked first, the same way on both: a string value holding ``\x00`` anywhere,
or longer than the ``String(n)`` column it is written to, is refused with a
:class:`TextRefused` naming the field.

Examples
--------
>>> from sqlalchemy import Column, MetaData, String, Table, create_engine, insert
>>> t = Table("t", MetaData(), Column("name", String(3)))
>>> e = create_engine("sqlite://")
>>> install(e)
>>> t.metadata.create_all(e)
>>> with e.begin() as c:
...     c.execute(insert(t), {"name": "abcd"})
Traceback (most recent call last):
...
monitoring.textguard.TextRefused: name: 4 characters, at most 3 allowed
"""

from __future__ import annotations

import re
from operator import itemgetter

from sqlalchemy import String, event
from sqlalchemy.sql import visitors
from sqlalchemy.sql.dml import Insert, Update
from sqlalchemy.sql.elements import ClauseElement

from i18n.errors import UserError

__all__ = ["TextRefused", "check_rows", "check_value", "install"]


class TextRefused(UserError):
    """A text value the database cannot hold the same way on every backend.

    Codes: ``text.nul`` / ``text.too_long`` when the field has a catalogue
    name (``field.<column>``), else ``text.nul_in`` / ``text.too_long_in``
    with the column's name.
    """


def _field(column: str) -> dict:
    from i18n import MESSAGES

    return {"field": column} if f"field.{column}" in MESSAGES else {"column": column}


def check_value(column: str, value, length: int | None = None) -> None:
    """Refuse a NUL character, or more than ``length`` characters, in a string value.

    Parameters
    ----------
    column : str
        The column (field) name.
    value : object
        Only strings are checked.
    length : int, optional
        The column's length (``String(n)``).

    Raises
    ------
    TextRefused
    """
    if not isinstance(value, str):
        return
    where = _field(column)
    suffix = "" if "field" in where else "_in"
    if "\x00" in value:
        raise TextRefused(f"text.nul{suffix}", **where)
    if length is not None and len(value) > length:
        raise TextRefused(f"text.too_long{suffix}", n=len(value), limit=length, **where)


def _rows(multiparams, params):
    for m in multiparams or ():
        if isinstance(m, dict):
            yield m
        elif isinstance(m, list | tuple):
            yield from (d for d in m if isinstance(d, dict))
    if params:
        yield params


def _written(stmt) -> list[dict]:
    # Values given with .values(...) on the statement itself.
    rows = []
    values = getattr(stmt, "_values", None)
    if values:
        rows.append({getattr(k, "key", str(k)): getattr(v, "value", v) for k, v in values.items()})
    for group in getattr(stmt, "_multi_values", None) or ():
        for row in group:
            if isinstance(row, dict):
                rows.append({getattr(k, "key", str(k)): getattr(v, "value", v) for k, v in row.items()})
    return rows


def _check_many(columns, rows: list) -> None:
    """The same checks as :func:`check_value` over many rows, column by column (bulk inserts)."""
    if not rows:
        return
    first = rows[0].keys()
    if len(rows) > 1 and all(row.keys() == first for row in rows):  # a bulk insert: one key set
        keys = list(first)
        values = zip(*map(itemgetter(*keys), rows), strict=True) if len(keys) > 1 else [[row[keys[0]] for row in rows]]
    else:
        keys = list(dict.fromkeys(key for row in rows for key in row))
        values = ([row.get(key) for row in rows] for key in keys)
    for key, column in zip(keys, values, strict=True):
        try:
            joined = "".join(column)  # a column of strings only (the usual case): no filtering
            texts = column
        except TypeError:
            texts = list(filter(str.__instancecheck__, column))
            joined = "".join(texts)
        if not texts:
            continue
        col = columns.get(key)
        length = col.type.length if col is not None and isinstance(col.type, String) else None
        too_long = length is not None and max(map(len, texts)) > length
        if too_long or "\x00" in joined:
            name = col.key if col is not None else str(key)
            for v in texts:
                check_value(name, v, length)


def check_rows(table, rows: list) -> None:
    """Check rows about to be written to ``table`` by the driver directly (as every statement is checked).

    Parameters
    ----------
    table : sqlalchemy.Table
    rows : list of dict

    Raises
    ------
    TextRefused
    """
    _check_many(table.c, rows)


def _check(conn, clauseelement, multiparams, params, execution_options):
    if not isinstance(clauseelement, ClauseElement):
        return
    rows = list(_rows(multiparams, params))
    if isinstance(clauseelement, Insert | Update):
        _check_many(clauseelement.table.c, rows + _written(clauseelement))
        return
    for row in rows:
        for key, value in row.items():
            check_value(str(key), value)
    # Values bound inside the statement (a WHERE clause's literal): a NUL cannot match stored text.
    for node in visitors.iterate(clauseelement):
        if node.__visit_name__ == "bindparam" and isinstance(node.value, str) and "\x00" in node.value:
            check_value(re.sub(r"_\d+$", "", str(node.key)), node.value)


def install(engine) -> None:
    """Check every statement ``engine`` runs (see the module's description)."""
    event.listen(engine, "before_execute", _check)
